#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that po/POTFILES.in lists exactly the files that need translating.

Fails when a file with translatable strings is missing from po/POTFILES.in:
C sources and headers under src/ that call _(), N_(), C_(), NC_(), Q_(),
ngettext () or g_dngettext () outside comments; GtkBuilder files under src/
with translatable="yes"; and the desktop file, AppStream metainfo and
GSettings schema sources under data/. Fails as well when POTFILES.in names a
file that does not exist. A listed file without translatable strings is
reported but allowed (xgettext does not mind).

Usage: check-potfiles.py [SOURCE_ROOT]   (default: the parent of tests/)
"""

import os
import re
import sys

GETTEXT_CALL = re.compile(
    r'(?<![A-Za-z0-9_])(?:N_|C_|NC_|Q_|_|ngettext|g_dngettext|g_dpgettext2?|g_dgettext)\s*\(')
COMMENT_OR_STRING = re.compile(
    r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)
TRANSLATABLE_UI = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']')
SCHEMA_TEXT = re.compile(r'<(?:summary|description)\b')


def code_only(text):
    """The C text with comments removed and string literals emptied."""
    def blank(match):
        token = match.group(0)
        if token.startswith('"'):
            return '""'
        if token.startswith("'"):
            return "' '"
        return ' '
    return COMMENT_OR_STRING.sub(blank, text)


def needs_translation(root, path):
    full = os.path.join(root, path)
    name = os.path.basename(path)
    try:
        with open(full, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError:
        return False
    if name.endswith(('.c', '.h')):
        return GETTEXT_CALL.search(code_only(text)) is not None
    if name.endswith('.ui'):
        return TRANSLATABLE_UI.search(text) is not None
    if name.endswith(('.desktop.in', '.desktop')):
        return True
    if name.endswith(('.metainfo.xml.in', '.appdata.xml.in')):
        return True
    if '.gschema.xml' in name:
        return SCHEMA_TEXT.search(text) is not None
    return False


def candidates(root):
    for top in ('src', 'data'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(('.', '_build')))
            for filename in sorted(filenames):
                path = os.path.relpath(os.path.join(dirpath, filename), root)
                if top == 'src' and not filename.endswith(('.c', '.h', '.ui')):
                    continue
                if top == 'data' and not (filename.endswith(('.desktop.in', '.metainfo.xml.in',
                                                             '.appdata.xml.in'))
                                          or '.gschema.xml' in filename):
                    continue
                yield path


def listed(root):
    entries = []
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append((number, line))
    return entries


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    root = os.path.abspath(root)
    entries = listed(root)
    names = {path for _, path in entries}
    problems = 0

    for number, path in entries:
        if not os.path.isfile(os.path.join(root, path)):
            print(f'po/POTFILES.in:{number}: {path} does not exist')
            problems += 1
        elif not needs_translation(root, path):
            print(f'note: po/POTFILES.in:{number}: {path} has no translatable strings')

    for path in candidates(root):
        if path not in names and needs_translation(root, path):
            print(f'{path}: has translatable strings but is not listed in po/POTFILES.in')
            problems += 1

    seen = set()
    for number, path in entries:
        if path in seen:
            print(f'po/POTFILES.in:{number}: {path} is listed twice')
            problems += 1
        seen.add(path)

    if problems:
        print(f'{problems} problem(s) with po/POTFILES.in')
        return 1
    print(f'po/POTFILES.in lists all {len(entries)} files with translatable strings')
    return 0


if __name__ == '__main__':
    sys.exit(main())

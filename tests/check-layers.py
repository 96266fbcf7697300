#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that each layer of src/ includes only what it may (ARCHITECTURE.md).

  src/xmpp/      the protocol engine: no header of accounts/, cli/ or ui/,
                 no libsecret, no GTK (GTK, GDK, GSK, libadwaita)
  src/accounts/  no header of cli/ or ui/, no GTK
  src/cli/       no header of ui/, no GTK; from the layers below only the
                 public headers in PUBLIC_HEADERS
  src/ui/        no header of cli/; from the layers below only PUBLIC_HEADERS

and that the public headers themselves, with everything they include, stay
within PUBLIC_HEADERS (a front end must not reach the XML tree through them).

Every violation is printed on a line of its own with the file, the line and
the rule. Violations listed in the known-violations file (one
"FILE: HEADER" a line, # for comments) are printed as known and do not fail
the check; a listed violation that no longer occurs does, so that the list
only ever shrinks.

Usage: check-layers.py SOURCE_ROOT [KNOWN_VIOLATIONS_FILE]
"""

import os
import re
import sys

LAYERS = ('xmpp', 'accounts', 'cli', 'ui')

# What src/cli/ and src/ui/ may include from src/xmpp/ and src/accounts/.
PUBLIC_HEADERS = {
    'enlist-registration.h', 'enlist-data-form.h', 'enlist-credentials.h',
    'enlist-server-info.h', 'enlist-media-image.h', 'enlist-error.h', 'enlist-types.h',
    'enlist-enums.h', 'enlist-certificate.h', 'enlist-jid.h', 'enlist-text.h',
    'enlist-trace.h', 'enlist-account-manager.h', 'enlist-account.h',
    'enlist-account-types.h', 'enlist-account-enums.h', 'enlist-keyring.h',
    'enlist-trust-store.h', 'enlist-provider-list.h', 'enlist-provider.h',
}

# Headers the build generates, and the layer they belong to.
GENERATED = {
    'enlist-enums.h': 'xmpp',
    'enlist-account-enums.h': 'accounts',
}

# Headers of the root (config.h) and what only Clang's analyzer sees
# (src/enlist-analyzer.h) belong to no layer.
ROOT_HEADERS = {'config.h', 'enlist-analyzer.h'}

GTK = re.compile(r'^(?:gtk/|gdk/|gsk/|adwaita\.h|libadwaita|graphene)')
LIBSECRET = re.compile(r'^libsecret/')

FORBIDDEN_SYSTEM = {
    'xmpp': [(GTK, 'GTK'), (LIBSECRET, 'libsecret')],
    'accounts': [(GTK, 'GTK')],
    'cli': [(GTK, 'GTK')],
    'ui': [],
}

# The layers whose headers each layer may include at all.
MAY_INCLUDE = {
    'xmpp': {'xmpp'},
    'accounts': {'xmpp', 'accounts'},
    'cli': {'xmpp', 'accounts', 'cli'},
    'ui': {'xmpp', 'accounts', 'ui'},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def source_files(root, layer):
    top = os.path.join(root, 'src', layer)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(dirnames)
        for name in sorted(filenames):
            if name.endswith(('.c', '.h')):
                yield os.path.join(dirpath, name)


def header_layers(root):
    """Basename of each header under src/ → the layer it lives in."""
    owners = dict(GENERATED)
    for layer in LAYERS:
        for path in source_files(root, layer):
            if path.endswith('.h'):
                owners[os.path.basename(path)] = layer
    return owners


def includes(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        for number, line in enumerate(f, 1):
            match = INCLUDE.match(line)
            if match:
                yield number, match.group(1) == '<', match.group(2)


def check_file(root, layer, path, owners, report):
    rel = os.path.relpath(path, root)
    for number, system, name in includes(path):
        where = f'{rel}:{number}'
        if system:
            for pattern, what in FORBIDDEN_SYSTEM[layer]:
                if pattern.match(name):
                    report(rel, name,
                           f'{where}: includes <{name}>: src/{layer}/ may not use {what}')
            continue
        base = os.path.basename(name)
        if base in ROOT_HEADERS:
            continue
        owner = owners.get(base)
        if owner is None:
            # Not in the source tree: generated next to the file that uses it.
            continue
        if '/' in name and not name.startswith(f'{owner}/'):
            report(rel, name, f'{where}: includes "{name}" by a path; use the header name')
        if owner not in MAY_INCLUDE[layer]:
            report(rel, base, f'{where}: includes {base} of src/{owner}/, '
                              f'which src/{layer}/ may not use')
        elif layer in ('cli', 'ui') and owner in ('xmpp', 'accounts') \
                and base not in PUBLIC_HEADERS:
            report(rel, base, f'{where}: includes {base} of src/{owner}/, which is not a '
                              f'public header for front ends')


def check_public_closure(root, owners, report):
    """Public headers must not pull in anything a front end may not include."""
    paths = {}
    for layer in ('xmpp', 'accounts'):
        for path in source_files(root, layer):
            if path.endswith('.h'):
                paths[os.path.basename(path)] = path
    for header in sorted(PUBLIC_HEADERS):
        if header not in paths:
            continue
        rel = os.path.relpath(paths[header], root)
        for number, system, name in includes(paths[header]):
            base = os.path.basename(name)
            if system or base in ROOT_HEADERS or owners.get(base) not in ('xmpp', 'accounts'):
                continue
            if base not in PUBLIC_HEADERS:
                report(rel, base, f'{rel}:{number}: the public header {header} includes {base}, '
                                  f'which front ends may not see')


def read_known(path):
    known = {}
    if path is None:
        return known
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if ':' not in line:
                print(f'{path}:{number}: not "FILE: HEADER": {line}')
                sys.exit(2)
            file, header = (part.strip() for part in line.split(':', 1))
            known[(file, header)] = number
    return known


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    root = os.path.abspath(sys.argv[1])
    known_path = sys.argv[2] if len(sys.argv) > 2 else None
    known = read_known(known_path)
    owners = header_layers(root)
    seen = set()
    failures = []
    tolerated = []

    def report(file, header, message):
        key = (file, header)
        seen.add(key)
        (tolerated if key in known else failures).append(message)

    for layer in LAYERS:
        for path in source_files(root, layer):
            check_file(root, layer, path, owners, report)
    check_public_closure(root, owners, report)

    for message in tolerated:
        print(f'known violation: {message}')
    for message in failures:
        print(f'VIOLATION: {message}')
    stale = [key for key in known if key not in seen]
    for file, header in stale:
        print(f'{known_path}:{known[(file, header)]}: "{file}: {header}" no longer occurs; '
              f'remove it from the list')

    if failures or stale:
        print(f'{len(failures)} layer violation(s), {len(stale)} stale known violation(s)')
        return 1
    print(f'layers respected ({len(tolerated)} known violation(s) left)')
    return 0


if __name__ == '__main__':
    sys.exit(main())

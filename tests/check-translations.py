#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that every translation listed in po/LINGUAS is complete and current.

The template is extracted afresh from the files in po/POTFILES.in with
xgettext and the arguments po/meson.build gives `enlist-pot` (passed after
--). Then, for po/enlist.pot and each language LL in po/LINGUAS:

  - po/enlist.pot and po/LL.po hold exactly the messages of the fresh
    template (context, text, plural, c-format flag): none missing, none that
    the sources no longer have, no obsolete (#~) entries;
  - every message of po/LL.po is translated, in every plural form of its
    header, and none is fuzzy;
  - `msgfmt --check` accepts po/LL.po and counts no fuzzy or untranslated
    message;
  - each translation keeps what the code relies on: the same printf
    placeholders (positional ones in any order) or the facts of a date format
    (day, month, year, hour, minute, in any order or spelling), the same
    number of underscores (mnemonics), a final ellipsis, leading and trailing
    spaces, the width of a label padded into a column, and the semicolon
    that ends a desktop-file list; French translations use
    no-break spaces before : ; ! ? and inside « » (GNOME French team style);
  - with --desktop and --metainfo, the merged desktop file and AppStream
    metainfo carry the language.

References (#: file:line) and comments are not compared: they move with
every edit of the sources and msgmerge refreshes them.

Usage: check-translations.py --source-root DIR --xgettext PROG --msgfmt PROG
                             [--desktop FILE] [--metainfo FILE] -- XGETTEXT_ARGS...
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

UPDATE_HINT = ('To update the translations: `meson compile -C _build enlist-update-po`, then '
               'translate every new, changed (fuzzy) or empty message in po/LL.po and delete '
               'the obsolete (#~) ones (`msgattrib --no-obsolete -o po/LL.po po/LL.po`).')

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a', 'b': '\b',
           'f': '\f', 'v': '\v'}

PRINTF = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?"
                    r"(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?([diouxXeEfFgGaAcspnm%])")
# g_date_time_format () fields, for strings that are not C formats
DATE_FIELD = re.compile(r'%[-_0^#]?[A-Za-z%]')
DATE_FACTS = {'d': 'day', 'e': 'day', 'b': 'month', 'B': 'month', 'h': 'month', 'm': 'month',
              'Y': 'year', 'y': 'year', 'H': 'hour', 'I': 'hour', 'k': 'hour', 'l': 'hour',
              'M': 'minute', 'p': 'hour', 'P': 'hour'}
MNEMONIC = re.compile(r'_')


def unquote(text, where):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f'{where}: not a quoted string: {text}')
    out = []
    i = 1
    while i < len(text) - 1:
        c = text[i]
        if c == '\\':
            nxt = text[i + 1]
            if nxt not in ESCAPES:
                raise ValueError(f'{where}: unknown escape \\{nxt}')
            out.append(ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


class Entry:
    def __init__(self, line):
        self.line = line
        self.flags = set()
        self.obsolete = False
        self.fields = {}

    @property
    def key(self):
        return (self.fields.get('msgctxt'), self.fields['msgid'], self.fields.get('msgid_plural'))

    def strs(self):
        return {k: v for k, v in self.fields.items() if k.startswith('msgstr')}

    def describe(self):
        ctx = self.fields.get('msgctxt')
        text = self.fields['msgid']
        shown = text if len(text) <= 70 else text[:67] + '…'
        return (f'[{ctx}] ' if ctx is not None else '') + repr(shown)


def parse_po(path):
    """The entries of a PO file, the header first (msgid "")."""
    entries = []
    entry = None
    field = None
    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            where = f'{path}:{number}'
            if not line.strip():
                entry = None
                field = None
                continue
            obsolete = line.startswith('#~')
            if obsolete:
                line = line[2:].lstrip()
                if line.startswith('|'):
                    continue
            elif line.startswith('#'):
                if entry is None or field is not None:
                    entry = Entry(number)
                    entries.append(entry)
                    field = None
                if line.startswith('#,'):
                    entry.flags.update(flag.strip() for flag in line[2:].split(','))
                continue
            match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$', line)
            if match:
                name = match.group(1)
                if entry is None or (name in ('msgctxt', 'msgid') and 'msgid' in entry.fields):
                    entry = Entry(number)
                    entries.append(entry)
                entry.obsolete = entry.obsolete or obsolete
                field = name
                entry.fields[field] = unquote(match.group(2), where)
            elif line.lstrip().startswith('"') and field is not None:
                entry.fields[field] += unquote(line, where)
            else:
                raise ValueError(f'{where}: cannot read this line: {line}')
    return [e for e in entries if 'msgid' in e.fields]


def header_field(entries, name):
    for entry in entries:
        if entry.fields['msgid'] == '' and entry.fields.get('msgctxt') is None:
            for line in entry.fields.get('msgstr', '').split('\n'):
                if line.startswith(name + ':'):
                    return line[len(name) + 1:].strip()
    return None


def messages(entries):
    """The active entries without the header, by key."""
    return {e.key: e for e in entries
            if not e.obsolete and not (e.fields['msgid'] == '' and e.fields.get('msgctxt') is None)}


def placeholders(text, c_format):
    if c_format:
        found = [(m.group(1), m.group(0).split('$')[-1]) for m in PRINTF.finditer(text)
                 if m.group(2) != '%']
        if any(pos is not None for pos, _ in found):
            return sorted((int(pos or 0), conv) for pos, conv in found)
        return [conv for _, conv in found]
    # a date format: the same facts must be shown, in any order and spelling (%-d or %-e
    # for the day, %B or %m for the month, …)
    return sorted({DATE_FACTS.get(m.group(0)[-1], m.group(0)[-1])
                   for m in DATE_FIELD.finditer(text) if m.group(0) != '%%'})


def leading_spaces(text):
    return len(text) - len(text.lstrip(' '))


def check_translation(lang, entry, source, form, text, problems):
    """Problems of one translated form against the text it translates."""
    where = f'po/{lang}.po:{entry.line}: {entry.describe()}'
    c_format = 'c-format' in entry.flags
    if '%' in source and placeholders(source, c_format) != placeholders(text, c_format):
        problems.append(f'{where}: {form} has placeholders {placeholders(text, c_format)}, '
                        f'the original {placeholders(source, c_format)}')
    if len(MNEMONIC.findall(source)) != len(MNEMONIC.findall(text)):
        problems.append(f'{where}: {form} has {len(MNEMONIC.findall(text))} underscore(s) '
                        f'(mnemonics), the original {len(MNEMONIC.findall(source))}')
    if source.endswith('…') and not text.endswith('…'):
        problems.append(f'{where}: {form} does not end with an ellipsis (…) as the original does')
    if leading_spaces(source) != leading_spaces(text):
        problems.append(f'{where}: {form} starts with {leading_spaces(text)} space(s), '
                        f'the original with {leading_spaces(source)}')
    if source.endswith(' ') != text.endswith(' '):
        problems.append(f'{where}: {form} must end with a space exactly when the original does')
    if re.search(r'\S {2,}$', source) and len(text) != len(source):
        problems.append(f'{where}: {form} is a label padded into a column of {len(source)} '
                        f'characters; it has {len(text)}')
    if source.endswith(';') and not text.endswith(';'):
        problems.append(f'{where}: {form} must end with a semicolon, as the original list does')
    if lang == 'fr' or lang.startswith('fr_'):
        bad = re.search(r' [:;!?»]|« ', text)
        if bad:
            problems.append(f'{where}: {form} has an ordinary space in “{bad.group(0)}”; '
                            'French typography takes U+00A0 before : and inside « », '
                            'U+202F before ; ! ?')


def check_language(lang, po_path, template, msgfmt, problems):
    entries = parse_po(po_path)
    found = messages(entries)
    for key in sorted(set(template) - set(found), key=lambda k: template[k].line):
        problems.append(f'po/{lang}.po: missing {template[key].describe()}')
    for key in sorted(set(found) - set(template), key=lambda k: found[k].line):
        problems.append(f'po/{lang}.po:{found[key].line}: {found[key].describe()} is not in the '
                        'sources any more')
    for entry in entries:
        if entry.obsolete:
            problems.append(f'po/{lang}.po:{entry.line}: obsolete entry {entry.describe()}')

    plural_forms = header_field(entries, 'Plural-Forms') or ''
    match = re.search(r'nplurals\s*=\s*(\d+)', plural_forms)
    nplurals = int(match.group(1)) if match else None
    if nplurals is None:
        problems.append(f'po/{lang}.po: the header has no Plural-Forms with nplurals')
    language = header_field(entries, 'Language')
    if language != lang:
        problems.append(f'po/{lang}.po: the header says Language: {language}')

    for key, entry in found.items():
        where = f'po/{lang}.po:{entry.line}: {entry.describe()}'
        if 'fuzzy' in entry.flags:
            problems.append(f'{where}: fuzzy')
        if key in template and ('c-format' in entry.flags) != ('c-format' in template[key].flags):
            problems.append(f'{where}: its c-format flag differs from the template’s')
        strs = entry.strs()
        if 'msgid_plural' in entry.fields:
            wanted = [f'msgstr[{i}]' for i in range(nplurals or 0)]
            if sorted(strs) != sorted(wanted):
                problems.append(f'{where}: has {sorted(strs)}, the header asks for {nplurals} '
                                'plural forms')
            for name in wanted:
                text = strs.get(name, '')
                source = entry.fields['msgid' if name == 'msgstr[0]' else 'msgid_plural']
                if text == '':
                    problems.append(f'{where}: {name} is not translated')
                else:
                    check_translation(lang, entry, source, name, text, problems)
        else:
            text = strs.get('msgstr', '')
            if text == '':
                problems.append(f'{where}: not translated')
            else:
                check_translation(lang, entry, entry.fields['msgid'], 'msgstr', text, problems)

    result = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.devnull, po_path],
                            capture_output=True, text=True)
    report = result.stderr.strip()
    if result.returncode != 0:
        problems.append(f'po/{lang}.po: msgfmt --check failed:\n{report}')
    elif re.search(r'fuzzy|untranslated', report):
        problems.append(f'po/{lang}.po: msgfmt --statistics: {report}')
    print(f'po/{lang}.po: {report}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--source-root', required=True)
    parser.add_argument('--xgettext', required=True)
    parser.add_argument('--msgfmt', required=True)
    parser.add_argument('--desktop')
    parser.add_argument('--metainfo')
    parser.add_argument('xgettext_args', nargs='*')
    args = parser.parse_args()
    root = os.path.abspath(args.source_root)
    po_dir = os.path.join(root, 'po')
    problems = []

    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        linguas = [word for line in f if not line.lstrip().startswith('#')
                   for word in line.split()]
    if not linguas:
        problems.append('po/LINGUAS lists no language')
    po_files = {name[:-3] for name in os.listdir(po_dir) if name.endswith('.po')}
    for lang in sorted(po_files - set(linguas)):
        problems.append(f'po/{lang}.po is not listed in po/LINGUAS')
    for lang in linguas:
        if lang not in po_files:
            problems.append(f'po/LINGUAS lists {lang}, but there is no po/{lang}.po')

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'enlist.pot')
        result = subprocess.run([args.xgettext, '--package-name=enlist',
                                 '-f', os.path.join(po_dir, 'POTFILES.in'), '-D', root,
                                 '-k_', '-o', pot] + args.xgettext_args,
                                capture_output=True, text=True)
        for line in result.stderr.strip().splitlines():
            print(f'xgettext: {line}')
        if result.returncode != 0 or not os.path.exists(pot):
            print(f'xgettext failed (exit status {result.returncode})')
            return 1
        template = messages(parse_po(pot))
    print(f'the sources have {len(template)} messages to translate')

    committed = messages(parse_po(os.path.join(po_dir, 'enlist.pot')))
    for key in set(template) ^ set(committed):
        entry = template.get(key) or committed.get(key)
        state = 'missing from' if key in template else 'no longer in the sources but still in'
        problems.append(f'po/enlist.pot: {entry.describe()} is {state} the template')

    for lang in linguas:
        if lang in po_files:
            check_language(lang, os.path.join(po_dir, lang + '.po'), template, args.msgfmt,
                           problems)

    if args.desktop:
        with open(args.desktop, encoding='utf-8') as f:
            desktop = f.read()
        for lang in linguas:
            if not re.search(rf'^GenericName\[{re.escape(lang)}\]=', desktop, re.M):
                problems.append(f'{args.desktop}: no GenericName[{lang}] (the merge missed po/)')
    if args.metainfo:
        with open(args.metainfo, encoding='utf-8') as f:
            metainfo = f.read()
        for lang in linguas:
            if f'xml:lang="{lang}"' not in metainfo:
                problems.append(f'{args.metainfo}: nothing in xml:lang="{lang}" (the merge '
                                'missed po/)')

    for problem in problems:
        print(problem)
    if problems:
        print(f'{len(problems)} problem(s) with the translations.')
        print(UPDATE_HINT)
        return 1
    print(f'{", ".join(linguas)}: all {len(template)} messages translated and current')
    return 0


if __name__ == '__main__':
    sys.exit(main())

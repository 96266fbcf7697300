#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest against the build.

Usage: check-manifest.py [--tree] MANIFEST MESON_BUILD [MESON_BUILD...]

Fails (exit 1, one line per problem) when the manifest lacks what the app
needs to run — id, runtime, sdk, command, network and display access — or
when a meson.build file asks for a dependency('…') that neither the GNOME
runtime provides nor a module of the manifest builds. That second check is
the point: a new dependency added to meson.build must come with a manifest
module, or with an entry in RUNTIME_PROVIDES after checking the runtime.
Libraries found without pkg-config (cc.find_library('…'), such as zxcvbn,
whose Debian package ships no .pc file) are held to the same rule through
LIBRARY_MODULES and RUNTIME_LIBRARIES.

With --tree, every meson.build below the folder of each MESON_BUILD is read
too, so a dependency added in src/ or tests/ is caught as well (the Flatpak
build configures all of them).
"""

import json
import re
import sys
from pathlib import Path

APP_ID = 'io.github.enlist.Enlist'
COMMAND = 'enlist'
RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'
REQUIRED_FINISH_ARGS = ('--share=network', '--socket=wayland', '--socket=fallback-x11')

# pkg-config names shipped by the GNOME runtime (org.gnome.Platform/Sdk, which
# includes the freedesktop runtime). Add to it only after checking the runtime
# version named in the manifest.
RUNTIME_PROVIDES = {
    # GLib
    'glib-2.0', 'gobject-2.0', 'gio-2.0', 'gio-unix-2.0', 'gmodule-2.0', 'gthread-2.0',
    # GTK stack
    'gtk4', 'libadwaita-1', 'gdk-pixbuf-2.0', 'pango', 'pangocairo', 'cairo', 'graphene-1.0',
    # Networking, data, keyring
    'libsoup-3.0', 'libxml-2.0', 'json-glib-1.0', 'libsecret-1', 'gnutls', 'libidn2',
    # X11 client libraries (the freedesktop SDK builds them for GTK's X11
    # backend); Enlist's UI benchmarks (bench/) use them to watch the screen
    'x11', 'xdamage',
    # Toolchain-level
    'threads', 'zlib',
}

# pkg-config name -> name of the manifest module that builds it.
MODULE_PROVIDES = {
    'libgsasl': 'gsasl',
    'libidn': 'libidn',
}

# Libraries looked up with cc.find_library that the runtime's toolchain has.
RUNTIME_LIBRARIES = {'m', 'dl', 'rt', 'pthread'}

# cc.find_library name -> name of the manifest module that builds it.
LIBRARY_MODULES = {
    'zxcvbn': 'zxcvbn-c',
}

# dependency('name' …) but not declare_dependency( or meson.override_dependency('name' …).
DEPENDENCY_RE = re.compile(r"(?<![\w.])dependency\(\s*'([^']+)'")
# <compiler>.find_library('name' …)
FIND_LIBRARY_RE = re.compile(r"\.find_library\(\s*'([^']+)'")


def strip_comments(text):
    """Remove meson '#' comments, leaving '#' inside string literals alone."""
    out = []
    for line in text.splitlines():
        in_string = False
        cut = len(line)
        i = 0
        while i < len(line):
            c = line[i]
            if c == '\\' and in_string:
                i += 2
                continue
            if c == "'":
                in_string = not in_string
            elif c == '#' and not in_string:
                cut = i
                break
            i += 1
        out.append(line[:cut])
    return '\n'.join(out)


def meson_dependencies(path):
    text = strip_comments(Path(path).read_text(encoding='utf-8'))
    return [(path, m.group(1)) for m in DEPENDENCY_RE.finditer(text)]


def meson_libraries(path):
    text = strip_comments(Path(path).read_text(encoding='utf-8'))
    return [(path, m.group(1)) for m in FIND_LIBRARY_RE.finditer(text)]


def meson_tree(path):
    """PATH and every meson.build below its folder, skipping hidden folders (.git,
    .flatpak-builder), subprojects and meson build directories."""
    root = Path(path).parent
    found = [Path(path)]
    stack = [root]
    while stack:
        folder = stack.pop()
        for entry in sorted(folder.iterdir()):
            if entry.is_dir():
                if (entry.name.startswith('.') or entry.name == 'subprojects'
                        or (entry / 'meson-private').is_dir()):
                    continue
                stack.append(entry)
            elif entry.name == 'meson.build' and folder != root:
                found.append(entry)
    return found


def module_names(modules, manifest_dir):
    """Names of all modules, including nested ones and modules kept in separate files."""
    names = set()
    for module in modules:
        if isinstance(module, str):
            sub = manifest_dir / module
            try:
                module = json.loads(sub.read_text(encoding='utf-8'))
            except (OSError, ValueError) as e:
                raise SystemExit(f'{sub}: cannot read module: {e}')
        names.add(module.get('name'))
        names |= module_names(module.get('modules', []), manifest_dir)
    return names


def check(manifest_path, meson_files):
    problems = []
    manifest_path = Path(manifest_path)
    try:
        manifest = json.loads(manifest_path.read_text(encoding='utf-8'))
    except (OSError, ValueError) as e:
        return [f'{manifest_path}: cannot parse: {e}']

    app_id = manifest.get('id', manifest.get('app-id'))
    if app_id != APP_ID:
        problems.append(f'id is {app_id!r}, expected {APP_ID!r}')
    if manifest.get('runtime') != RUNTIME:
        problems.append(f'runtime is {manifest.get("runtime")!r}, expected {RUNTIME!r}')
    if not manifest.get('runtime-version'):
        problems.append('runtime-version is missing')
    if manifest.get('sdk') != SDK:
        problems.append(f'sdk is {manifest.get("sdk")!r}, expected {SDK!r}')
    if manifest.get('command') != COMMAND:
        problems.append(f'command is {manifest.get("command")!r}, expected {COMMAND!r}')

    finish_args = manifest.get('finish-args', [])
    for arg in REQUIRED_FINISH_ARGS:
        if arg not in finish_args:
            problems.append(f'finish-args lacks {arg}')
    if '--socket=x11' in finish_args:
        problems.append('finish-args has --socket=x11; use --socket=fallback-x11 with wayland')

    modules = manifest.get('modules', [])
    try:
        names = module_names(modules, manifest_path.parent)
    except SystemExit as e:
        return problems + [str(e)]
    if not modules or not isinstance(modules[-1], dict) or modules[-1].get('name') != 'enlist':
        problems.append('the last module must be "enlist", the app itself')
    elif modules[-1].get('buildsystem') != 'meson':
        problems.append('the "enlist" module must use buildsystem "meson"')

    for module in modules:
        if not isinstance(module, dict):
            continue
        for source in module.get('sources', []):
            if isinstance(source, dict) and source.get('type') in ('archive', 'file'):
                if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                    where = source.get('url') or source.get('path')
                    problems.append(f'module {module.get("name")!r}: source {where} '
                                    'has no valid sha256')
            if isinstance(source, dict) and source.get('type') == 'git':
                if not re.fullmatch(r'[0-9a-f]{40}', source.get('commit', '')):
                    problems.append(f'module {module.get("name")!r}: git source '
                                    f'{source.get("url")} is not pinned to a commit')

    for meson_file in meson_files:
        try:
            deps = meson_dependencies(meson_file)
        except OSError as e:
            problems.append(f'{meson_file}: cannot read: {e}')
            continue
        for path, dep in deps:
            if dep in RUNTIME_PROVIDES:
                continue
            module = MODULE_PROVIDES.get(dep)
            if module is None:
                problems.append(f"{path}: dependency('{dep}') is neither in the GNOME runtime "
                                f'nor built by the manifest: add a module for it to '
                                f'{manifest_path.name} and to MODULE_PROVIDES, or add it to '
                                f'RUNTIME_PROVIDES if the runtime ships it')
            elif module not in names:
                problems.append(f"{path}: dependency('{dep}') needs the manifest module "
                                f'{module!r}, which {manifest_path.name} does not have')
        for path, lib in meson_libraries(meson_file):
            if lib in RUNTIME_LIBRARIES:
                continue
            module = LIBRARY_MODULES.get(lib)
            if module is None:
                problems.append(f"{path}: find_library('{lib}') is neither in the runtime's "
                                f'toolchain nor built by the manifest: add a module for it to '
                                f'{manifest_path.name} and to LIBRARY_MODULES')
            elif module not in names:
                problems.append(f"{path}: find_library('{lib}') needs the manifest module "
                                f'{module!r}, which {manifest_path.name} does not have')
    return problems


def main(argv):
    args = argv[1:]
    tree = '--tree' in args
    args = [a for a in args if a != '--tree']
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    manifest, meson_files = args[0], args[1:]
    if tree:
        meson_files = [str(f) for m in meson_files for f in meson_tree(m)]
    problems = check(manifest, meson_files)
    for problem in problems:
        print(f'FAIL: {problem}')
    if problems:
        return 1
    print(f'ok: {manifest} provides every dependency of:')
    for meson_file in meson_files:
        print(f'  {meson_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

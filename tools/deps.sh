# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by tools/check and tools/run: the Debian 12 packages Enlist needs
# to build, test and demo (one list, kept here), and enlist_install_deps,
# which installs whichever of them are missing.
# shellcheck shell=bash

ENLIST_DEPS=(
  # build
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libxml2-dev
  libsecret-1-dev libgsasl-dev libjson-glib-dev libgdk-pixbuf-2.0-dev libzxcvbn-dev
  glib-networking desktop-file-utils appstream
  # headless UI tests and the keyring
  xvfb xauth xdotool gnome-keyring libsecret-tools dbus dbus-x11
  # the UI benchmarks (bench/run-ui) watch the X server for damage
  libx11-dev libxdamage-dev
  # the libFuzzer targets (tools/fuzz; tools/check replays their corpora
  # with whichever compiler built the tree)
  clang
  # Clang's static analyzer, scan-build (tools/scan-build)
  clang-tools
  # memcheck of enlist-cli's life cycle (the cli-valgrind test)
  valgrind
  # real servers for the integration tests (tests/servers/enlist-test-servers)
  prosody ejabberd imagemagick fonts-dejavu-core openssl python3 ca-certificates
)

# Prints the packages of ENLIST_DEPS that are not installed.
enlist_missing_deps () {
  local pkg
  for pkg in "${ENLIST_DEPS[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$'; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs the missing packages with apt-get (through sudo when not root).
# Does nothing, and needs no network, when everything is there.
enlist_install_deps () {
  local missing sudo=()
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "enlist: this is not a Debian system; install the equivalents of:" >&2
    echo "  ${ENLIST_DEPS[*]}" >&2
    return 1
  fi
  mapfile -t missing < <(enlist_missing_deps)
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "enlist: these packages are missing and I am not root (and there is no sudo):" >&2
      echo "  apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "enlist: installing ${missing[*]}" >&2
  # Debian's postinst scripts start the system prosody and ejabberd where
  # they can; that is harmless, the test servers use their own random ports,
  # node names and directories.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
  mapfile -t missing < <(enlist_missing_deps)
  if [ "${#missing[@]}" -ne 0 ]; then
    echo "enlist: still missing after apt-get: ${missing[*]}" >&2
    return 1
  fi
}

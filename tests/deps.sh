#!/bin/sh
# deps.sh - install what psw needs on a fresh Debian machine (apt-get,
# with sudo when not root); quiet when everything is there already.
# Arguments name further packages (the benchmark adds remind).
set -eu
pkgs="meson ninja-build pkg-config gcc libc6-dev libyaml-dev libsqlite3-dev
libcmocka-dev sqlite3 mandoc python3 python3-yaml util-linux"
# Reliability: libFuzzer (clang and its runtime), memcheck, readelf.
pkgs="$pkgs clang libclang-rt-dev valgrind binutils $*"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    $missing >&2

#!/bin/sh
# run.sh - the main job on the example caseload: install what is missing,
# build, then run the tools on a private copy of examples/.
set -eu
cd "$(dirname "$0")/.."
sh tests/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
home=$(mktemp -d "${TMPDIR:-/tmp}/psw-example.XXXXXX")
trap 'rm -rf "$home"' EXIT
chmod 700 "$home"
cp -R examples/clients examples/psw.yaml "$home/"
chmod -R go-rwx "$home"
export PSW_HOME="$home" PSW_TODAY="${PSW_TODAY:-2026-11-28}"
PATH="$PWD/build/cmd:$PATH"
echo "== psw-plan list (case folder $home, today $PSW_TODAY)"
psw-plan list
echo
echo "== psw-plan validate"
psw-plan validate

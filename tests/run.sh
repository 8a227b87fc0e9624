#!/bin/sh
# run.sh - the whole test suite from a fresh machine: install what is
# missing, build with warnings as errors, run every test, then build and
# test again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
sh tests/deps.sh
build=${PSW_BUILD_DIR:-build}
rm -rf "$build" "$build-asan"
meson setup "$build" --werror >/dev/null
meson test -C "$build" --print-errorlogs
meson setup "$build-asan" --werror -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug >/dev/null
meson test -C "$build-asan" --print-errorlogs
# The CLI tests again with every tool under valgrind memcheck.
sh tests/valgrind.sh "$build" cli plan
# Each fuzzing harness for 60 s (clang, libFuzzer); a crash fails the run
# and is kept in tests/fuzz/crashes/ as a regression input.
rm -rf "$build-fuzz"
PSW_FUZZ_BUILD="$build-fuzz" sh tests/fuzz/run.sh "${PSW_FUZZ_SECONDS:-60}"
echo "run.sh: all tests passed (plain and sanitizer builds)"

#!/bin/sh
# run.sh - fuzz every harness with libFuzzer for SECONDS each (default
# 60), in the clang build folder build-fuzz (made when missing), starting
# from the seed corpus tests/fuzz/corpus/NAME.  New inputs go to a
# scratch corpus (the seeds stay small); a crash is saved as
# tests/fuzz/crashes/NAME/crash-* so that it becomes a regression test
# (the replay tests run every file there in every build).
#
#   sh tests/fuzz/run.sh [SECONDS [NAME...]]
#
# Prints one line per harness: executions, executions per second, new
# inputs, and crashes; exits 1 when any harness crashed.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)	# absolute paths: the cli harnesses change folder
secs=${1:-60}
[ $# -gt 0 ] && shift
build=${PSW_FUZZ_BUILD:-build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dbuildtype=debugoptimized >/dev/null || exit 1
fi
ninja -C "$build" >/dev/null || exit 1
names=${*:-$(cd tests/fuzz/corpus && ls)}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/psw-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
crashed=0
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for name in $names; do
	case $build in
	/*)	exe="$build/tests/fuzz/fuzz-$name" ;;
	*)	exe="$top/$build/tests/fuzz/fuzz-$name" ;;
	esac
	[ -x "$exe" ] || { echo "run.sh: no harness $name" >&2; exit 2; }
	mkdir -p "$scratch/$name" "tests/fuzz/crashes/$name"
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=$top/tests/fuzz/$name.dict"
	"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	    -max_len=8192 -print_final_stats=1 $dict \
	    -artifact_prefix="$top/tests/fuzz/crashes/$name/" \
	    "$scratch/$name" "$top/tests/fuzz/corpus/$name" \
	    >"$scratch/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$scratch/$name.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' \
	    "$scratch/$name.log")
	new=$(sed -n 's/^stat::new_units_added: *//p' "$scratch/$name.log")
	if [ $rc -ne 0 ]; then
		crashed=$((crashed + 1))
		echo "$name: CRASH after ${runs:-?} executions:"
		grep -E 'ERROR|SUMMARY|invariant|Test unit written' \
		    "$scratch/$name.log" | head -5 | sed 's/^/  /'
	else
		echo "$name: ${runs:-?} executions in ${secs} s (${rate:-?}/s), ${new:-0} new inputs, 0 crashes"
	fi
done
[ $crashed -eq 0 ]

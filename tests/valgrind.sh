#!/bin/sh
# valgrind.sh - run shell tests with every psw tool under valgrind
# memcheck (tap.sh's PSW_WRAP), then count what memcheck found.
#
#   sh tests/valgrind.sh [BUILD [TEST...]]    default: build cli plan
#
# BUILD is a plain (non-sanitizer) build folder.  Each tool run writes
# its own log; the figure is the number of tool runs, memcheck errors
# and bytes definitely or indirectly lost, over all of them.  Exits 1
# when a test failed or memcheck found an error or a leak.
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
[ $# -gt 0 ] && shift
tests=${*:-cli plan}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: no valgrind" >&2; exit 2; }
logs=$(mktemp -d "${TMPDIR:-/tmp}/psw-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
export PSW_BUILD="$(cd "$build" && pwd)" PSW_SRC="$(pwd)"
export PSW_SHARED="$PSW_SRC/../shared" NO_COLOR=
export PSW_WRAP="valgrind -q --tool=memcheck --leak-check=full \
--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
--track-fds=no --log-file=$logs/vg.%p"
failed=0
for t in $tests; do
	if sh "tests/$t.sh" >"$logs/$t.tap" 2>&1; then
		echo "valgrind.sh: $t.sh: $(grep -c '^ok' "$logs/$t.tap") tests passed under memcheck"
	else
		failed=$((failed + 1))
		echo "valgrind.sh: $t.sh FAILED under memcheck:"
		grep -A3 '^not ok' "$logs/$t.tap" | head -20
	fi
done
runs=$(ls "$logs" | grep -c '^vg\.')
# -q leaves a log empty unless memcheck had something to say.
errs=$(cat "$logs"/vg.* 2>/dev/null | grep -c '^==[0-9]*== [A-Z].*\(Invalid\|uninitiali\|Mismatched\|overlap\|Syscall param\|definitely lost\|indirectly lost\)')
lost=$(cat "$logs"/vg.* 2>/dev/null | sed -n 's/.*\(definitely\|indirectly\) lost in loss record.*//p' | wc -l)
if [ "$errs" -gt 0 ]; then
	for f in "$logs"/vg.*; do
		[ -s "$f" ] && { echo "--- $f"; head -40 "$f"; }
	done | head -120
fi
echo "valgrind.sh: $runs tool runs under memcheck: $errs errors, $lost leak records (definitely or indirectly lost)"
[ "$failed" -eq 0 ] && [ "$errs" -eq 0 ] && [ "$lost" -eq 0 ]

# tap.sh - a small TAP library for the shell tests (POSIX sh).
#
# Source it; it sets up a pinned world and a private case folder:
#   PSW_HOME   a new 0700 folder, removed at exit
#   PATH       the built tools first (each run under $PSW_WRAP when
#              that is set, e.g. PSW_WRAP='valgrind -q --error-exitcode=99')
# and offers:
#   run CMD...         run CMD, keeping stdout in $out, stderr in $err,
#                      exit status in $rc
#   ok COND NAME       one TAP line: `ok 3 - NAME` when COND (a shell
#                      command) succeeds
#   is GOT WANT NAME   ok when the strings are equal, else show both
#   done_testing       print the plan; exit 1 if any test failed

set -u
: "${PSW_BUILD:?PSW_BUILD must name the build folder}"
: "${PSW_SRC:?PSW_SRC must name the source folder}"
export PSW_TODAY="${PSW_TODAY:-2026-11-28}" TZ=UTC LC_ALL=C
unset NO_COLOR PSW_INDEX XDG_DATA_HOME
PATH="$PSW_BUILD/cmd:$PATH"
export PATH

tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/psw-test.XXXXXX") || exit 1
chmod 700 "$tap_tmp"
trap 'chmod -R u+w "$tap_tmp" 2>/dev/null; rm -rf "$tap_tmp"' EXIT
# PSW_WRAP runs every tool under a command (valgrind ...): the tools
# found first on PATH are small scripts that exec it.
if [ -n "${PSW_WRAP:-}" ]; then
	mkdir "$tap_tmp/wrap"
	for t in "$PSW_BUILD"/cmd/psw-*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$PSW_WRAP" "$t" \
		    >"$tap_tmp/wrap/${t##*/}"
		chmod 700 "$tap_tmp/wrap/${t##*/}"
	done
	PATH="$tap_tmp/wrap:$PATH"
fi
PSW_HOME="$tap_tmp/home"
export PSW_HOME
tap_n=0
tap_failed=0

run() {
	"$@" >"$tap_tmp/out" 2>"$tap_tmp/err"
	rc=$?
	out=$(cat "$tap_tmp/out")
	err=$(cat "$tap_tmp/err")
}

ok() {
	tap_n=$((tap_n + 1))
	if eval "$1"; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		echo "# failed: $1"
		echo "# rc=${rc:-} stdout: $(printf '%s' "${out:-}" | head -5)"
		echo "# stderr: $(printf '%s' "${err:-}" | head -5)"
		tap_failed=$((tap_failed + 1))
	fi
}

is() {
	tap_n=$((tap_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $tap_n - $3"
	else
		echo "not ok $tap_n - $3"
		printf '%s\n' "$1" | sed 's/^/# got:  /'
		printf '%s\n' "$2" | sed 's/^/# want: /'
		tap_failed=$((tap_failed + 1))
	fi
}

# A sha256 of a file, to prove it did not change.
digest() {
	sha256sum "$1" | cut -d' ' -f1
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}

#!/bin/sh
# hardening.sh - the tools are built hardened: position-independent
# (PIE), full RELRO (GNU_RELRO and BIND_NOW), no executable stack, the
# stack protector, and in optimised builds without sanitizers
# _FORTIFY_SOURCE (the checked *_chk functions).  Arguments (from meson):
# the build type and b_sanitize.
. "$PSW_SRC/tests/tap.sh"

buildtype=${1:-debugoptimized}
sanitize=${2:-none}
if ! command -v readelf >/dev/null 2>&1; then
	echo "1..0 # SKIP no readelf"
	exit 0
fi
for t in psw-plan psw-assess psw-refer psw-report; do
	exe="$PSW_BUILD/cmd/$t"
	readelf -hW "$exe" >"$tap_tmp/h" 2>&1
	readelf -dW "$exe" >"$tap_tmp/d" 2>&1
	readelf -lW "$exe" >"$tap_tmp/l" 2>&1
	nm -D "$exe" >"$tap_tmp/sym" 2>&1
	ok 'grep -q "Type:.*DYN" "$tap_tmp/h"' "$t: position-independent executable"
	ok 'grep -q GNU_RELRO "$tap_tmp/l" && grep -q "BIND_NOW\|FLAGS_1.*NOW" "$tap_tmp/d"' \
	    "$t: full RELRO (read-only relocations, bound now)"
	ok '! grep "GNU_STACK" "$tap_tmp/l" | grep -q RWE' "$t: no executable stack"
	if [ "$sanitize" = none ]; then
		ok 'grep -q __stack_chk_fail "$tap_tmp/sym"' "$t: stack protector"
	fi
	case $buildtype/$sanitize in
	release/none|debugoptimized/none)
		ok 'grep -q "__[a-z]*_chk@" "$tap_tmp/sym"' \
		    "$t: _FORTIFY_SOURCE (checked functions)" ;;
	esac
done
done_testing

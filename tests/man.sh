#!/bin/sh
# man.sh - the manual pages lint clean and their examples run (TAP).
#
# For each man/*.1, *.5 and *.7 page:
#   - `mandoc -Tlint -Wwarning` prints nothing and exits 0;
#   - every line that starts with "$ " inside a `.Bd -literal` display of
#     its EXAMPLES section is run, in order, with `sh -c`, in a fresh
#     0700 case folder (PSW_HOME) with the built tools first in PATH and
#     a scratch folder as the working directory; it passes when it exits 0.
#     Lines without "$ " in those displays are sample output, not checked,
#     except crontab(5) entries (five time fields, then a tab): their
#     command is run the same way, as cron would.  The working folder
#     holds a copy of examples/, and a stand-in mail(1) that only reads
#     its input is in PATH ahead of the system's, so the example scripts
#     run as written.
#
# Environment (set by meson): PSW_SRC, the source root; PSW_BUILD, the
# build root (the tools are in $PSW_BUILD/cmd); PSW_TODAY, TZ, LC_ALL.
# A missing mandoc is a failure, not a skip.

set -u
: "${PSW_SRC:?PSW_SRC must name the source folder}"
: "${PSW_BUILD:?PSW_BUILD must name the build folder}"
PSW_TODAY="${PSW_TODAY:-2026-11-28}"
TZ="${TZ:-UTC}"
LC_ALL="${LC_ALL:-C}"
export PSW_TODAY TZ LC_ALL
unset PSW_HOME PSW_INDEX XDG_DATA_HOME

n=0
failed=0

# One TAP line: pass NAME or fail NAME, with the reason after it as
# diagnostics.  A '#' in a name would start a TAP directive: drop it.
pass() {
	n=$((n + 1))
	printf 'ok %d - %s\n' "$n" "$(printf '%s' "$1" | tr '#' ' ')"
}
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$(printf '%s' "$1" | tr '#' ' ')"
	shift
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/# /' "$f"
	done
	return 0
}

if ! command -v mandoc >/dev/null 2>&1; then
	echo "Bail out! mandoc is not installed; the manual pages cannot be" \
	    "checked (install mandoc)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/psw-man.XXXXXX") || {
	echo "Bail out! cannot make a temporary folder"
	exit 1
}
chmod 700 "$tmp"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pages=
for page in "$PSW_SRC"/man/*.[157]; do
	[ -f "$page" ] && pages="$pages $page"
done
if [ -z "$pages" ]; then
	echo "Bail out! no manual pages in '$PSW_SRC/man'"
	exit 1
fi

# Lint every page.
for page in $pages; do
	name=${page##*/}
	mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/lint" ]; then
		pass "mandoc -Tlint -Wwarning $name"
	else
		echo "mandoc exited $rc" >>"$tmp/lint"
		fail "mandoc -Tlint -Wwarning $name" "$tmp/lint"
	fi
done

# The "$ " lines of the literal displays of a page's EXAMPLES section,
# one a line, with the roff escapes a shell line may need decoded:
# \& (nothing), \- (-), \(aq ('), \(dq ("), \e (a backslash).
examples() {
	awk '
		/^\.Sh[ \t]/ {
			ex = ($0 ~ /^\.Sh[ \t]+"?EXAMPLES"?[ \t]*$/)
			lit = 0
			next
		}
		ex && /^\.Bd[ \t].*-literal/ { lit = 1; next }
		ex && /^\.Ed([ \t]|$)/ { lit = 0; next }
		ex && lit && /^\$ / { print substr($0, 3) }
		ex && lit && /^[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*\t/ {
			sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+\t[ \t]*/, "")
			print
		}
	' "$1" | sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
	    -e 's/\\(dq/"/g' -e 's/\\e/\\/g'
}

# Run each page's examples in a fresh case folder.
for page in $pages; do
	name=${page##*/}
	examples "$page" >"$tmp/cmds"
	[ -s "$tmp/cmds" ] || continue
	base=$(mktemp -d "$tmp/$name.XXXXXX") || {
		echo "Bail out! cannot make a temporary folder"
		exit 1
	}
	mkdir -m 700 "$base/home" "$base/work"
	mkdir -m 700 "$base/bin"
	cp -R "$PSW_SRC/examples" "$base/work/examples"
	printf '#!/bin/sh\n[ "$1" = --version ] && exit 0\ncat >/dev/null\n' \
	    >"$base/bin/mail"
	chmod 755 "$base/bin/mail"
	while IFS= read -r cmd; do
		(
			cd "$base/work" &&
			PSW_HOME="$base/home" \
			    PATH="$PSW_BUILD/cmd:$base/bin:$PATH" \
			    exec sh -c "$cmd"
		) </dev/null >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -eq 0 ]; then
			pass "$name example: $cmd"
		else
			echo "exit status $rc" >>"$tmp/err"
			fail "$name example: $cmd" "$tmp/out" "$tmp/err"
		fi
	done <"$tmp/cmds"
done

echo "1..$n"
[ "$failed" -eq 0 ]

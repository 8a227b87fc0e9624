#!/bin/sh
# weekly-report.sh - mail this week's report: the Markdown version in the
# body, the printable HTML page attached.  De-identified by default, as a
# team list is not the place for names; pass --no-deidentify to keep them.
#
#   sh weekly-report.sh ADDRESS [--no-deidentify] [psw-report weekly options]
set -u
to=${1:?usage: weekly-report.sh ADDRESS [options]}
shift
deid=--deidentify
if [ "${1:-}" = --no-deidentify ]; then
	deid=
	shift
fi
dir=$(mktemp -d) || exit 5
trap 'rm -rf "$dir"' EXIT
week=$(date +%G-W%V)
psw-report weekly $deid --week "$week" "$@" --format md >"$dir/week.md" &&
psw-report weekly $deid --week "$week" "$@" --format html \
    >"$dir/weekly-$week.html" || exit $?
# mail(1) from mailutils attaches with -A; bsd-mailx has no attachments,
# so send the page's path instead there.
if mail --version 2>/dev/null | grep -q mailutils; then
	mail -s "Weekly report $week" -A "$dir/weekly-$week.html" "$to" \
	    <"$dir/week.md"
else
	mail -s "Weekly report $week" "$to" <"$dir/week.md"
fi

#!/bin/sh
# weekly-report.sh - mail the week's report: the Markdown version in the
# body, the printable HTML page attached.  De-identified by default, as a
# team list is not the place for names; pass --no-deidentify to keep them.
# The week is psw-report's: this one, or --week W, --from D --to D.
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
psw-report weekly $deid "$@" --format md >"$dir/week.md" || exit $?
# The first line names the period: "# Weekly report FROM to TO".
subject=$(sed -n '1s/^# //p' "$dir/week.md")
from=$(echo "$subject" | sed -n 's/^Weekly report \([0-9-]*\) .*/\1/p')
page="$dir/weekly-${from:-report}.html"
psw-report weekly $deid "$@" --format html >"$page" || exit $?
# mail(1) from mailutils attaches with -A; bsd-mailx has no attachments,
# so the body alone goes there.
if mail --version 2>/dev/null | grep -qi mailutils; then
	mail -s "$subject" -A "$page" "$to" <"$dir/week.md"
else
	mail -s "$subject" "$to" <"$dir/week.md"
fi

#!/bin/sh
# due-mail.sh - mail what is newly due, with a subject line; nothing when
# nothing is new.  For cron (see examples/crontab):
#
#   sh due-mail.sh ADDRESS [psw-report due options...]
#
# `--new` keeps the items already mailed in the case folder, so the same
# item is not mailed again every morning; `-e` makes an empty result exit
# 1, which is how this script knows there is nothing to send.
set -u
to=${1:?usage: due-mail.sh ADDRESS [psw-report due options]}
shift
out=$(mktemp) || exit 5
trap 'rm -f "$out"' EXIT
psw-report due --new --within 2d -e "$@" >"$out"
rc=$?
case $rc in
0)	n=$(wc -l <"$out")
	mail -s "psw: $((n - 1)) item(s) due" "$to" <"$out" ;;
1)	exit 0 ;;			# nothing new is due
*)	exit "$rc" ;;			# psw-report said why on stderr
esac

#!/bin/sh
# cli.sh - the shared command-line contract: exit codes, formats, streams,
# colour, EPIPE, permissions, ids.
. "$PSW_SRC/tests/tap.sh"

# --- usage and exit 2 ---------------------------------------------------
for tool in psw-plan psw-assess psw-refer psw-report; do
	run $tool --version
	ok '[ $rc -eq 0 ] && [ "$out" = "'$tool' 0.1.0" ]' "$tool --version"
	run $tool --help
	ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: '$tool'"' \
	    "$tool --help on stdout"
	run $tool
	ok '[ $rc -eq 2 ] && [ -z "$out" ] && echo "$err" | grep -q usage' \
	    "$tool without a command: exit 2, usage on stderr"
	run $tool --bogus
	ok '[ $rc -eq 2 ] && echo "$err" | grep -q "^'$tool': unknown option '\''--bogus'\''"' \
	    "$tool unknown option: exit 2"
	run $tool frobnicate
	ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown command '\''frobnicate'\''"' \
	    "$tool unknown command: exit 2"
done
run psw-plan list --home
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "needs a value"' "missing option value: exit 2"
run psw-plan list --format xml
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown format '\''xml'\'' (use text, tsv, csv or json)"' \
    "unknown format: exit 2 listing the formats"
run psw-plan list --as-of "next week"
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "is not a date"' "bad --as-of: exit 2"
run env PSW_TODAY=soon psw-plan list
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "PSW_TODAY"' "bad PSW_TODAY: exit 2 naming it"

# --- a missing case folder is an error, not an empty caseload -----------
run psw-plan list
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "cannot open case folder"' \
    "missing case folder: exit 5"

# --- ids are checked before a path is built -----------------------------
for bad in "../x" "A B" "" "x/y" "-x" "$(printf 'a%.0s' $(seq 1 65))"; do
	run psw-plan new --name Someone -- "$bad"
	ok '[ $rc -eq 2 ] && echo "$err" | grep -q "not a valid client id"' \
	    "id '$(printf %.20s "$bad")' refused"
done
ok '[ ! -e "$PSW_HOME/x.yaml" ] && [ ! -e "$tap_tmp/x.yaml" ]' "nothing written for bad ids"

# --- permissions under any umask ------------------------------------------
umask 000
run psw-plan new alex-m --name "Alex Morgan" --dob 1991-04-02 --worker sam
umask 077
ok '[ $rc -eq 0 ] && [ "$out" = "added client alex-m" ]' "new client"
mode() { stat -c %a "$1"; }
is "$(mode "$PSW_HOME")" 700 "case folder 0700 under umask 000"
is "$(mode "$PSW_HOME/clients")" 700 "clients folder 0700"
is "$(mode "$PSW_HOME/clients/alex-m.yaml")" 600 "client file 0600"
is "$(mode "$PSW_HOME/audit.log")" 600 "audit log 0600"
# A write makes no index for one client: the next reader builds it whole.
ok '[ ! -e "$PSW_HOME/index.db" ]' "no index made by a write"
umask 000
run psw-plan list
umask 077
is "$(mode "$PSW_HOME/index.db")" 600 "index 0600 (built aside under umask 000)"
for f in "$PSW_HOME"/index.db-wal "$PSW_HOME"/index.db-shm; do
	[ -e "$f" ] && is "$(mode "$f")" 600 "$(basename "$f") 0600"
done
ok 'grep -q "	new	alex-m$" "$PSW_HOME/audit.log"' "audit line for new"
ok '! grep -q "Alex" "$PSW_HOME/audit.log"' "audit log holds no names"

# --- formats ----------------------------------------------------------------
run psw-plan new bo --name 'Bo "B", Jr' --worker 'kim	lee' -q
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "-q prints nothing"
run psw-plan list
is "$out" "ID      NAME         STATUS  WORKER    OPENED      LAST_CONTACT  NEXT_REVIEW  OPEN_GOALS
alex-m  Alex Morgan  active  sam       2026-11-28                2027-02-26            0
bo      Bo \"B\", Jr   active  kim\\tlee  2026-11-28                2027-02-26            0" "text listing"
run psw-plan list --format tsv
is "$out" "alex-m	Alex Morgan	active	sam	2026-11-28		2027-02-26	0
bo	Bo \"B\", Jr	active	kim\\tlee	2026-11-28		2027-02-26	0" "tsv listing escapes tabs"
run psw-plan list --format csv
is "$out" "$(printf 'id,name,status,worker,opened,last_contact,next_review,open_goals\r\nalex-m,Alex Morgan,active,sam,2026-11-28,,2027-02-26,0\r\nbo,"Bo ""B"", Jr",active,kim\tlee,2026-11-28,,2027-02-26,0\r')" "csv listing (RFC 4180)"
run psw-plan list --format json
ok '[ $rc -eq 0 ] && printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[1][\"name\"]==\"Bo \\\"B\\\", Jr\" and d[1][\"worker\"]==\"kim\\tlee\" and d[0][\"opened\"]==\"2026-11-28\", d"' \
    "json listing parses and keeps values"
run psw-plan list --status closed
ok '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]' "empty listing: exit 0, no output"
run psw-plan list --status closed -e
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "empty listing with -e: exit 1"
run psw-plan list --status closed --format json
is "$out" "[]" "empty json listing is []"
run psw-plan list --status closed --format csv
ok '[ "$(printf "%s" "$out" | tr -d "\r")" = "id,name,status,worker,opened,last_contact,next_review,open_goals" ]' "empty csv listing is its header"
run psw-plan list --status nonsense
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown status"' "bad --status: exit 2"
run psw-plan list --worker sam --format tsv
is "$out" "alex-m	Alex Morgan	active	sam	2026-11-28		2027-02-26	0" "--worker filter"
run psw-plan --home "$PSW_HOME" list --format=tsv --status active -q
ok '[ $rc -eq 0 ] && [ $(printf "%s\n" "$out" | wc -l) -eq 2 ]' "common options before and after the command"

# --- colour: only on a terminal, never with NO_COLOR ----------------------
if command -v script >/dev/null 2>&1; then
	script -qec "psw-plan list" /dev/null >"$tap_tmp/tty" 2>&1
	ok 'grep -q "$(printf "\033")\[1m" "$tap_tmp/tty"' "bold header on a terminal"
	NO_COLOR=1 script -qec "psw-plan list" /dev/null >"$tap_tmp/tty" 2>&1
	ok '! grep -q "$(printf "\033")" "$tap_tmp/tty"' "no colour with NO_COLOR"
	TERM=dumb script -qec "psw-plan list" /dev/null >"$tap_tmp/tty" 2>&1
	ok '! grep -q "$(printf "\033")" "$tap_tmp/tty"' "no colour with TERM=dumb"
fi
run psw-plan list
ok '! printf "%s" "$out" | grep -q "$(printf "\033")"' "no colour into a pipe"

# --- terminal safety: escapes in stored text are shown escaped ------------
printf 'psw: 1\nid: evil\nname: "\\e[31mred\\u202e"\nstatus: active\nopened: 2026-01-01\n' \
    >"$PSW_HOME/clients/evil.yaml"
run psw-plan list
ok '! printf "%s" "$out" | grep -q "$(printf "\033")" && printf "%s" "$out" | grep -q "\\\\x1b\[31mred\\\\u202e"' \
    "control characters and bidi overrides escaped in text"
rm "$PSW_HOME/clients/evil.yaml"

# --- EPIPE ends quietly; a full disk does not ------------------------------
i=0
while [ $i -lt 1500 ]; do
	printf 'psw: 1\nid: c%04d\nname: Client Number %d With A Long Name\nstatus: active\nopened: 2026-01-01\n' $i $i \
	    >"$PSW_HOME/clients/c$(printf %04d $i).yaml"
	i=$((i + 1))
done
{ psw-plan list 2>"$tap_tmp/pipe.err"; echo $? >"$tap_tmp/pipe.rc"; } | head -1 >/dev/null
is "$(cat "$tap_tmp/pipe.rc")" 0 "list | head -1: exit 0"
is "$(cat "$tap_tmp/pipe.err")" "" "list | head -1: nothing on stderr"
if [ -w /dev/full ]; then
	run sh -c 'psw-plan list >/dev/full'
	ok '[ $rc -eq 5 ] && echo "$err" | grep -q "cannot write output"' "write to a full disk: exit 5"
fi
rm -f "$PSW_HOME"/clients/c*.yaml

# --- an unsafe case folder is refused --------------------------------------
chmod 777 "$PSW_HOME"
run psw-plan list
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "writable by everyone"' "world-writable folder refused"
chmod 770 "$PSW_HOME"
run psw-plan list
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "writable by its group"' "group-writable folder refused"
chmod 700 "$PSW_HOME"

done_testing

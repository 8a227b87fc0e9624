#!/bin/sh
# plan_show.sh - psw-plan show, set, close, reopen, edit and list --risk.
. "$PSW_SRC/tests/tap.sh"
FC="$PSW_BUILD/tests/fmtcheck"
f="$PSW_HOME/clients/alex-m.yaml"

# jv PATH: a value of the last json output ($out), via the strict reader.
jv() {
	printf '%s\n' "$out" >"$tap_tmp/j.json"
	"$FC" json "$tap_tmp/j.json" "$1"
}

# --- show --------------------------------------------------------------
psw-plan -q --as-of 2026-10-01 new alex-m --name "Alex Morgan" --dob 1991-04-02 \
    --worker sam
psw-plan -q goal add alex-m --domain housing --title "A tenancy of my own" \
    --target 2026-06-30 --why "somewhere safe"
psw-plan -q action add alex-m g1 --title "Apply to Housing First" --due 2026-11-01
psw-plan -q action done alex-m g1.1 --date 2026-10-30
psw-plan -q action add alex-m g1 --title "Call the landlord" --due 2026-11-20
psw-plan -q action add alex-m g1 --title "View flats" --due 2026-12-20
psw-plan -q goal progress alex-m g1 --rating 3 --date 2026-09-01
psw-plan -q goal progress alex-m g1 --rating 6 --date 2026-11-01 --note "going well"
psw-plan -q goal progress alex-m g1 --rating 5 --date 2026-11-15
psw-plan -q note alex-m --kind phone --minutes 15 "$(printf 'Called.\nHostile \033[2J\033]0;x\007 text \342\200\256evil')"
psw-plan -q team add alex-m --name "Dr Lee" --role gp --phone "555 0101"
psw-plan -q consent add alex-m --scope share-with-gp --given 2026-11-01

run psw-plan show alex-m
ok '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^Alex Morgan (alex-m)$"' "show: the client's name first"
ok 'echo "$out" | grep -q "g1.2  Call the landlord, due 2026-11-20 OVERDUE 8 days"' "show: an overdue action is marked"
ok '! echo "$out" | grep "View flats" | grep -q OVERDUE' "show: an action due later is not"
ok 'echo "$out" | grep -q "\[x\] g1.1  Apply to Housing First, done 2026-10-30"' "show: a done action is ticked"
ok 'echo "$out" | grep -q "progress  3 -> 6 -> 5  up 2 since 2026-09-01 (latest 5/10 on 2026-11-15)"' "show: progress ratings as a trend"
ok 'echo "$out" | grep -q "TARGET PASSED"' "show: a passed target is marked"
ok 'echo "$out" | grep -q "No safety plan"' "show: says when there is no safety plan"
ok 'echo "$out" | grep -q "t1  Dr Lee, gp, tel. 555 0101"' "show: the care team"
ok 'echo "$out" | grep -q "k1  share-with-gp  active, given 2026-11-01"' "show: consent and its state"
ok '! printf "%s" "$out" | LC_ALL=C grep -q "$(printf "[\001-\010\013-\037\177]")"' "show: no raw control characters reach the terminal"
ok 'echo "$out" | grep -qF "Hostile \\x1b[2J\\x1b]0;x\\x07 text \\u202eevil"' "show: escape sequences and bidi overrides shown escaped"
ok 'echo "$out" | grep -q "^      Called.$"' "show: a multi-line note, one line a line"

run psw-plan show alex-m --format md
ok '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^# Support plan: Alex Morgan (alex-m)$"' "show --format md: a document"
ok 'echo "$out" | grep -q "^- \[ \] g1.2 Call the landlord, due 2026-11-20 \*\*overdue 8 days\*\*$"' "md: overdue action marked"
ok 'echo "$out" | grep -q "^# Safety plan: "' "md: the crisis card is part of it"
ok '! printf "%s" "$out" | LC_ALL=C grep -q "$(printf "[\001-\010\013-\037\177]")"' "md: no raw control characters"

run psw-plan show alex-m --format json
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" >"$tap_tmp/s.json" && "$FC" json "$tap_tmp/s.json" >/dev/null' "show --format json: valid JSON"
is "$(jv .goals.0.actions.1.id) $(jv .goals.0.actions.1.overdue) $(jv .goals.0.actions.1.days_overdue)" "g1.2 true 8" "json: action id, overdue, days"
is "$(jv .goals.0.trend) $(jv .goals.0.change) $(jv .goals.0.latest_rating)" "up 2 5" "json: the trend of the ratings"
is "$(jv .team.0.id) $(jv .consent.0.id) $(jv .consent.0.state)" "t1 k1 active" "json: ids of team and consent"
is "$(jv .contacts.0.minutes) $(jv .dob) $(jv .age)" "15 1991-04-02 35" "json: typed fields"
is "$(jv .safety_plan.present) $(jv .safety_plan.review)" "false no-plan" "json: the safety plan's state"

run psw-plan show alex-m --section goals
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^GOALS" && ! echo "$out" | grep -q "^PROFILE\|^CONTACTS\|SAFETY"' "--section goals shows only the goals"
run psw-plan show alex-m --section team,consent --format json
is "$(jv .team.0.name)|$(jv .consent.0.scope)" "Dr Lee|share-with-gp" "--section with two sections, json"
ok '! echo "$out" | grep -q "\"goals\""' "json --section leaves the others out"
run psw-plan -e show alex-m --section referrals
ok '[ $rc -eq 1 ]' "-e: an empty section exits 1"
run psw-plan show alex-m --section nonsense
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown section '\''nonsense'\''"' "unknown section: exit 2"
run psw-plan show alex-m --format csv
ok '[ $rc -eq 2 ]' "show --format csv: exit 2"
run psw-plan show nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "show an unknown client: exit 3"
run psw-plan show ../etc
ok '[ $rc -eq 2 ]' "show a bad id: exit 2"
run psw-plan show
ok '[ $rc -eq 2 ]' "show without an id: exit 2"

# Risk flag and safety plan: a flagged assessment after the last review.
psw-plan -q safety add alex-m --step warning-signs "Not sleeping"
psw-plan -q safety reviewed alex-m --date 2026-11-01
cat >>"$f" <<'YAML'
assessments:
  - {id: a1, instrument: phq-9, date: 2026-11-27, answers: [2, 2, 1, 2, 1, 1, 2, 1, 1]}
YAML
run psw-plan show alex-m
ok 'echo "$out" | grep -q "a1  2026-11-27  phq-9  total 13, moderate  RISK high: suicidality"' "show: an assessment's score and risk flag"
ok 'echo "$out" | grep -q "NOT REVIEWED SINCE THE RISK FLAG OF 2026-11-27"' "show: a safety plan not reviewed since the risk flag"
run psw-plan safety show alex-m
ok 'echo "$out" | grep -q "NOT REVIEWED SINCE THE RISK FLAG OF 2026-11-27"' "safety show: the same"
run psw-plan show alex-m --format json --section assessments,safety
is "$(jv .assessments.0.total) $(jv .assessments.0.risk) $(jv .safety_plan.review) $(jv .safety_plan.risk_flag)" "13 high review-due 2026-11-27" "json: score, risk and review state"

printf 'psw: 1\nid: bad\nname: Bad\nstatus: active\nopened: 2026-13-01\n' >"$PSW_HOME/clients/bad.yaml"
run psw-plan show bad
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "clients/bad.yaml:5:9:"' "show a file with problems: file:line:col, exit 3"
rm -f "$PSW_HOME/clients/bad.yaml"

# --- set ----------------------------------------------------------------
d0=$(digest "$f")
refused() {	# refused CODE PATTERN: exit CODE, the message, file untouched
	[ "$rc" -eq "$1" ] && echo "$err" | grep -q -- "$2" &&
	    [ "$(digest "$f")" = "$d0" ]
}
run psw-plan set alex-m email not-an-address
ok 'refused 3 "is not an email address"' "set: a bad email is refused (exit 3), nothing written"
run psw-plan set alex-m email "a b@example.org"
ok 'refused 3 "is not an email address"' "set: an email with a space is refused"
run psw-plan set alex-m dob 1991-02-30
ok 'refused 3 "is not a date"' "set: a bad date is refused (exit 3)"
run psw-plan set alex-m dob tomorrow
ok 'refused 3 "in the future"' "set: a date of birth in the future is refused"
run psw-plan set alex-m status sleeping
ok 'refused 3 "unknown status"' "set: a bad status is refused (exit 3)"
run psw-plan set alex-m status closed
ok 'refused 3 "psw-plan close"' "set status closed points to close"
run psw-plan set alex-m phone "call me"
ok 'refused 3 "not a phone number"' "set: a bad phone number is refused"
run psw-plan set alex-m name ""
ok 'refused 3 "cannot be empty"' "set: the name cannot be removed"
run psw-plan set alex-m name "$(printf 'Al\033[31m')"
ok 'refused 3 "control characters"' "set: a name with an escape sequence is refused"
run psw-plan set alex-m review-every soon
ok 'refused 3 "not a duration"' "set: a bad review interval is refused"
run psw-plan set alex-m favourite-colour blue
ok 'refused 2 "unknown key"' "set: an unknown key is a usage error (exit 2)"
run psw-plan set alex-m email
ok 'refused 2 "needs a client id, a key and a value"' "set without a value: exit 2"
run psw-plan set nobody email a@b.org
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client"' "set for an unknown client: exit 3"

run psw-plan set alex-m email alex@example.org
ok '[ $rc -eq 0 ] && [ "$out" = "set email of alex-m to alex@example.org" ]' "set email"
run psw-plan set alex-m preferred-name Al
run psw-plan set alex-m pronouns they/them
run psw-plan set alex-m phone "+61 400 000 000"
run psw-plan set alex-m address "$(printf '1 Long Rd\nNorthside 3000')"
ok '[ $rc -eq 0 ] && [ "$out" = "set address of alex-m" ]' "set a two-line address"
run psw-plan set alex-m dob 1991-04-03
run psw-plan set alex-m worker kim
is "$(sed -n '3,12p' "$f")" "name: Alex Morgan
preferred-name: Al
pronouns: they/them
dob: 1991-04-03
status: active
opened: 2026-10-01
worker: kim
phone: '+61 400 000 000'
email: alex@example.org
address: |-" "new profile keys go in their place, not at the end"
d1=$(digest "$f")
run psw-plan set alex-m email alex@example.org
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "already" && [ "$(digest "$f")" = "$d1" ]' "set to the same value writes nothing"
run psw-plan set alex-m phone ""
ok '[ $rc -eq 0 ] && [ "$out" = "removed phone of alex-m" ] && ! grep -q "^phone:" "$f"' "an empty value removes an optional key"
run psw-plan set alex-m review-every 30d
ok '[ $rc -eq 0 ] && [ "$out" = "set review-every of alex-m to 30d, next review 2026-10-31" ]' "set review-every moves the next review"
run psw-plan set alex-m status on-hold
ok '[ $rc -eq 0 ] && grep -q "^  - {date: 2026-11-28, status: on-hold, by: " "$f"' "a status change is kept in the history"
run psw-plan show alex-m --format json --section profile
is "$(jv .preferred_name)|$(jv .pronouns)|$(jv .email)|$(jv .dob)|$(jv .worker)|$(jv .review.every)|$(jv .status)" "Al|they/them|alex@example.org|1991-04-03|kim|30d|on-hold" "show reads back what set wrote"
is "$(jv .address)" '1 Long Rd\nNorthside 3000' "a multi-line address kept verbatim"

# --- close and reopen --------------------------------------------------------
psw-plan -q set alex-m status active
d0=$(digest "$f")
run psw-plan close alex-m
ok 'refused 2 "needs --reason"' "close without a reason: exit 2"
run psw-plan close alex-m --reason "   "
ok 'refused 2 "needs --reason"' "close with a blank reason: exit 2"
run psw-plan close alex-m --reason x --date 2026-13-01
ok 'refused 2 "is not a date"' "close with a bad date: exit 2"
run psw-plan close alex-m --reason x --date tomorrow
ok 'refused 2 "future"' "close in the future: exit 2"
run psw-plan close alex-m --reason x --date 2026-01-01
ok 'refused 3 "before the case was opened"' "close before the case opened: exit 3"
run psw-plan reopen alex-m
ok 'refused 3 "is not closed"' "reopen an open case: exit 3"
run psw-plan close nobody --reason x
ok '[ $rc -eq 3 ]' "close an unknown client: exit 3"
run psw-plan close alex-m --reason "Moved interstate" --date yesterday
ok '[ $rc -eq 0 ] && [ "$out" = "closed alex-m on 2026-11-27" ]' "close"
ok 'grep -q "^status: closed$" "$f" && grep -q "^closed: 2026-11-27$" "$f"' "status and closed date written"
ok 'grep -q "{date: 2026-11-27, status: closed, by: .*, reason: Moved interstate}" "$f"' "the closing kept with who, when, why"
ok 'grep -q "id: t1, name: Dr Lee" "$f" && grep -q "id: k1, scope: share-with-gp" "$f"' "team and consent records kept"
run psw-plan show alex-m
ok 'echo "$out" | head -1 | grep -q "CLOSED" && ! echo "$out" | grep -q OVERDUE' "show: a closed case, nothing overdue"
d0=$(digest "$f")
run psw-plan close alex-m --reason again
ok 'refused 3 "closed already"' "closing twice: exit 3"
run psw-plan set alex-m status active
ok 'refused 3 "reopen"' "set status of a closed case points to reopen"
run psw-plan reopen alex-m --status closed
ok 'refused 2 "referred, active or on-hold"' "reopen --status closed: exit 2"
run psw-plan reopen alex-m --date 2026-11-01
ok 'refused 3 "before the case was closed"' "reopen before the closing: exit 3"
run psw-plan reopen alex-m --reason "Back in town"
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^reopened alex-m on 2026-11-28 (active)"' "reopen"
ok 'grep -q "^status: active$" "$f" && ! grep -q "^closed:" "$f"' "status active, closed date gone"
ok 'grep -q "status: closed, by: .*, reason: Moved interstate}" "$f" && grep -q "status: active, by: .*, reason: Back in town}" "$f"' "history keeps the closing and the reopening"
run psw-plan show alex-m --format json --section profile
is "$(jv .history.0.status)|$(jv .history.0.reason)|$(jv .history.0.date)|$(jv .history.3.status)|$(jv .history.3.reason)" "closed|Moved interstate|2026-11-27|active|Back in town" "json: the history, oldest first, field by field"
run psw-plan validate alex-m
ok '[ $rc -eq 0 ]' "the file is valid after set, close and reopen"

# --- edit ---------------------------------------------------------------
TMPDIR="$tap_tmp/tmp"
export TMPDIR
mkdir -p "$TMPDIR"
ed="$tap_tmp/editors"
mkdir -p "$ed"
# valid: a change, and a record of how the copy was made.
cat >"$ed/valid" <<'SH'
#!/bin/sh
stat -c '%a' "$1" >"$ED_LOG"
stat -c '%a' "$(dirname "$1")" >>"$ED_LOG"
ls "$PSW_HOME/clients/" | grep -c 'lock$' >>"$ED_LOG"
sed -i 's/^name: .*/name: Alex M. Morgan  # changed by hand/' "$1"
SH
# invalid: a status that does not exist.
printf '#!/bin/sh\nsed -i "s/^status: .*/status: sleeping/" "$1"\n' >"$ed/invalid"
# concurrent: while the editor is open, another command writes the file.
cat >"$ed/concurrent" <<'SH'
#!/bin/sh
sed -i 's/^name: .*/name: Mine/' "$1"
psw-plan note alex-m "written while the editor was open" >/dev/null
SH
printf '#!/bin/sh\nexit 0\n' >"$ed/nochange"
printf '#!/bin/sh\nexit 7\n' >"$ed/fails"
printf '#!/bin/sh\necho visual >"$ED_LOG"\n' >"$ed/visual"
chmod +x "$ed"/*
ED_LOG="$tap_tmp/edlog"
export ED_LOG

d0=$(digest "$f")
run env EDITOR="$ed/nochange" psw-plan edit alex-m
ok '[ $rc -eq 0 ] && [ "$out" = "no changes to alex-m" ] && [ "$(digest "$f")" = "$d0" ]' "edit, no change: exit 0, nothing written"
ok '[ -z "$(ls "$TMPDIR")" ]' "edit, no change: the private copy is removed"
n0=$(grep -c . "$PSW_HOME/audit.log")
run env VISUAL= EDITOR="$ed/valid" psw-plan edit alex-m
ok '[ $rc -eq 0 ] && [ "$out" = "updated alex-m" ] && grep -q "^name: Alex M. Morgan  # changed by hand$" "$f"' "edit, valid change: written as edited (the comment too)"
is "$(cat "$ED_LOG" | tr '\n' ' ')" "600 700 0 " "the copy is 0600 in a 0700 folder, and no lock is held while the editor runs"
ok '[ -z "$(ls "$TMPDIR")" ]' "edit, saved: the private copy is removed"
ok '[ "$(grep -c . "$PSW_HOME/audit.log")" -gt "$n0" ] && tail -1 "$PSW_HOME/audit.log" | grep -q "edit.alex-m"' "edit is in the audit log"
run psw-plan list --format tsv
ok 'echo "$out" | grep -q "^alex-m	Alex M. Morgan	"' "the index knows the edit"
run env VISUAL="$ed/visual" EDITOR="$ed/valid" psw-plan edit alex-m
ok '[ "$(cat "$ED_LOG")" = visual ] && [ $rc -eq 0 ]' "VISUAL comes before EDITOR"

d0=$(digest "$f")
run env EDITOR="$ed/invalid" psw-plan edit alex-m </dev/null
ok '[ $rc -eq 3 ] && [ "$(digest "$f")" = "$d0" ]' "edit, invalid change: exit 3, the file byte-identical"
ok 'echo "$err" | grep -q "^psw-plan: $TMPDIR/psw-edit\.[^/]*/alex-m\.yaml:[0-9]*:9: '\''status'\'' must be"' "the problem named with file:line:col"
ok '! echo "$err" | grep -q "edit again"' "stdin not a terminal: nothing interactive"
kept=$(echo "$err" | sed -n 's/^psw-plan: your copy is kept in //p')
ok '[ -f "$kept" ] && grep -q "^status: sleeping$" "$kept"' "the rejected copy is kept, and says where"
rm -rf "$TMPDIR"/psw-edit.*

d0=$(digest "$f")
run env EDITOR="$ed/concurrent" psw-plan edit alex-m
ok '[ $rc -eq 4 ] && echo "$err" | grep -q "changed by someone else while you were editing"' "edit, concurrent change: exit 4"
ok 'grep -q "written while the editor was open" "$f" && ! grep -q "^name: Mine" "$f"' "the other write stands; nothing overwritten"
kept=$(echo "$err" | sed -n 's/^psw-plan: .*; your copy is kept in //p')
ok '[ "$(echo "$err" | grep -c .)" -eq 1 ] && [ -f "$kept" ] && grep -q "^name: Mine$" "$kept"' "the edited copy is kept too (said on the same line)"
rm -rf "$TMPDIR"/psw-edit.*

d0=$(digest "$f")
run env EDITOR="$ed/fails" psw-plan edit alex-m
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "exited with status 7" && [ "$(digest "$f")" = "$d0" ]' "edit, the editor fails: exit 5, nothing written"
printf '#!/bin/sh\nrm -f "$1"\n' >"$ed/removes"
chmod +x "$ed/removes"
run env EDITOR="$ed/removes" psw-plan edit alex-m
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "the editor removed" && [ "$(digest "$f")" = "$d0" ] && [ -z "$(ls "$TMPDIR")" ]' "edit, the editor removes the copy: exit 5, nothing written, nothing left"
run env EDITOR="$ed/valid" psw-plan edit nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client"' "edit an unknown client: exit 3"
run psw-plan edit
ok '[ $rc -eq 2 ]' "edit without an id: exit 2"

# A broken file can be mended with edit (the original is not parsed).
cp "$f" "$tap_tmp/good.yaml"
sed -i 's/^opened: .*/opened: someday/' "$f"
printf '#!/bin/sh\ncp "%s" "$1"\n' "$tap_tmp/good.yaml" >"$ed/mend"
chmod +x "$ed/mend"
run env EDITOR="$ed/mend" psw-plan edit alex-m
ok '[ $rc -eq 0 ] && cmp -s "$f" "$tap_tmp/good.yaml"' "edit mends a file that has problems"

# On a terminal, an invalid edit is offered again with the problems on top.
if command -v script >/dev/null 2>&1; then
	cat >"$ed/twice" <<'SH'
#!/bin/sh
if grep -q '^# psw-plan: ' "$1"; then
	cp "$1" "$ED_LOG"
	sed -i 's/^status: .*/status: on-hold/' "$1"
else
	sed -i 's/^status: .*/status: sleeping/' "$1"
fi
SH
	chmod +x "$ed/twice"
	printf 'y\n' >"$tap_tmp/yes"
	sl=$(grep -n '^status:' "$f" | cut -d: -f1)
	run env EDITOR="$ed/twice" script -qec "psw-plan edit alex-m" /dev/null <"$tap_tmp/yes"
	ok '[ $rc -eq 0 ] && grep -q "^status: on-hold$" "$f"' "terminal: edit again after an invalid save, then saved"
	ok 'head -1 "$ED_LOG" | grep -q "^# psw-plan: line $((sl + 1)), column 9: '\''status'\'' must be" && sed -n "$((sl + 1))p" "$ED_LOG" | grep -q "^status: sleeping"' "the problems are at the top, lines counted in the file shown"
	ok '! grep -q "^# psw-plan" "$f"' "the problem lines are not written to the client file"
	d0=$(digest "$f")
	printf 'n\n' >"$tap_tmp/no"
	run env EDITOR="$ed/invalid" script -qec "psw-plan edit alex-m" /dev/null <"$tap_tmp/no"
	ok '[ $rc -eq 3 ] && [ "$(digest "$f")" = "$d0" ] && echo "$out" | grep -q "your copy is kept"' "terminal: answering no keeps the copy, exit 3"
	rm -rf "$TMPDIR"/psw-edit.*
	printf '#!/bin/sh\nprintf "From the editor.\\nSecond line.\\n" >"$1"\n' >"$ed/note"
	chmod +x "$ed/note"
	run env EDITOR="$ed/note" script -qec "psw-plan note alex-m --kind video" /dev/null </dev/null
	ok '[ $rc -eq 0 ] && grep -q "From the editor" "$f"' "note without text on a terminal: the editor"
	d0=$(digest "$f")
	run env EDITOR="$ed/nochange" script -qec "psw-plan note alex-m" /dev/null </dev/null
	ok '[ $rc -eq 2 ] && echo "$out" | grep -q "the note is empty" && [ "$(digest "$f")" = "$d0" ]' "an empty note from the editor: exit 2, nothing written"
	run env TERM=xterm NO_COLOR= LC_ALL=C.UTF-8 script -qec "psw-plan show alex-m --section goals" /dev/null
	ok 'printf "%s" "$out" | grep -q "$(printf "\033\\[1;31m OVERDUE")"' "terminal: OVERDUE in colour"
	arrows=$(printf '3 \342\206\222 6 \342\206\222 5')
	ok 'printf "%s" "$out" | grep -qF "$arrows"' "terminal, UTF-8: the trend with arrows"
	run env TERM=xterm NO_COLOR=1 script -qec "psw-plan show alex-m --section goals" /dev/null
	ok '! printf "%s" "$out" | grep -q "$(printf "\033")"' "terminal with NO_COLOR: no colour"
else
	echo "# no script(1): the terminal cases are not run"
fi
run psw-plan note alex-m </dev/null
ok '[ $rc -eq 2 ]' "note without text, stdin not a terminal: exit 2"
ok '[ -z "$(ls "$TMPDIR")" ]' "no private copies left behind"

# --- list --risk and the list columns ------------------------------------
psw-plan -q --as-of 2026-09-01 new bo --name "Bo K" --worker kim
psw-plan -q note bo --date 2026-11-20 "seen"
psw-plan -q goal add bo --domain money --title "A budget"
psw-plan -q goal add bo --domain social --title "A club"
psw-plan -q goal set bo g2 --status achieved
psw-plan -q new cy --name "Cy" --worker kim
cat >>"$PSW_HOME/clients/bo.yaml" <<'YAML'
assessments:
  - {id: a1, instrument: phq-9, date: 2026-11-01, answers: [1, 1, 1, 1, 1, 1, 1, 1, 2]}
  - {id: a2, instrument: gad-7, date: 2026-11-20, answers: [0, 0, 0, 0, 0, 0, 0]}
YAML
cat >>"$PSW_HOME/clients/cy.yaml" <<'YAML'
assessments:
  - {id: a1, instrument: phq-9, date: 2026-11-01, answers: [1, 1, 1, 1, 1, 1, 1, 1, 2]}
  - {id: a2, instrument: phq-9, date: 2026-11-20, answers: [1, 1, 1, 1, 1, 1, 1, 1, 0]}
  - {id: a3, instrument: phq-9, date: 2026-11-25, answers: [1, 1, 1, 1, 1, 1, 1, 1, 3], voided: 2026-11-26, void-reason: wrong client}
YAML
run psw-plan list --risk --format tsv
is "$(echo "$out" | cut -f1 | tr '\n' ' ')" "alex-m bo " "--risk: the latest of an instrument flags (a later other instrument does not clear it); a later unflagged score clears it; a voided one counts for nothing"
run psw-plan list --format tsv
is "$(echo "$out" | grep '^bo	' | cut -f5-8)" "2026-09-01	2026-11-20	2026-11-30	1" "list columns: opened, last contact, next review, open goals"
run psw-plan list
ok 'echo "$out" | head -1 | grep -q "LAST_CONTACT  NEXT_REVIEW  OPEN_GOALS$"' "list text header names the columns"
run psw-plan -e list --risk --status closed
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "--risk with nothing to show and -e: exit 1"
run psw-plan list --risk=yes
ok '[ $rc -eq 2 ]' "--risk takes no value"
psw-plan -q set alex-m worker sam
run psw-plan list --risk --worker kim --format json
is "$(jv .0.id)" "bo" "--risk combines with --worker"

done_testing

#!/bin/sh
# report.sh - psw-report due, weekly, caseload and missing end to end, on
# fixtures with hand-computed answers (tests/report/), every machine
# format read back by a strict reader (tests/fmtcheck.c).
. "$PSW_SRC/tests/tap.sh"
FC="$PSW_BUILD/tests/fmtcheck"
fx="$PSW_SRC/tests/report"

mkdir -m 700 "$PSW_HOME" "$PSW_HOME/clients"
cp "$fx"/*.yaml "$PSW_HOME/clients/"
chmod 600 "$PSW_HOME/clients/"*.yaml
# The whole case folder, to prove a refusal changed nothing.
folder() {
	(cd "$PSW_HOME" && find . -path ./index.db -prune -o -type f \
	    ! -name 'index.db*' -print | sort | xargs sha256sum) | sha256sum
}

# --- due: every kind around each boundary (today 2026-11-28, 7 days) ---
run psw-report due --format tsv --client due-a
is "$(echo "$out" | cut -f1-8)" "due-a	consent	k2	consent expired, an open referral depends on it: refer-debt	2026-11-01	-27	high	sam
due-a	referral	r2	no follow-up date on referral to debt-advice	2026-11-10	-18	high	sam
due-a	action	g1.4	Send the deposit	2026-11-20	-8	high	sam
due-a	action	g1.1	Call the landlord	2026-11-28	0	medium	sam
due-a	referral	r1	follow up referral to housing-first-north	2026-11-28	0	medium	sam
due-a	contact		no contact since 2026-11-14	2026-11-28	0	medium	sam
due-a	action	g1.2	Fill in the long tenancy form, sign it; send copies to the scheme, the landlord and the council — ünïcødé ✓	2026-12-05	7	low	sam
due-a	goal	g1	Find a flat near Quillfeather Lane	2026-12-05	7	low	sam
due-a	consent	k1	consent expires: share-with-gp	2026-12-05	7	low	sam" \
    "due: overdue first, then by date; due today and at the window's end in, one day past out"
ok '! echo "$out" | grep -q "g1.3\|g1.5\|g2\|g3\|review\|r3\|r4\|k3\|k4\|k5"' \
    "one day past the window, done, achieved goal, completed referral, expired consent without referral, revoked: none listed"
run psw-report due --format tsv --client due-a --within 8d
is "$(echo "$out" | awk -F'\t' '$5 == "2026-12-06" { print $2, $3, $7 }')" "action g1.3 low
goal g3 low
review  low
referral r4 high
consent k5 low" "--within 8d reaches the next day: every kind there (the urgent referral high)"
run psw-report due --format tsv --overdue-only
is "$(echo "$out" | cut -f1,2,3,6 | tr '\t' ' ')" "due-a consent k2 -27
due-a referral r2 -18
due-a action g1.4 -8
con-a contact  -1" "--overdue-only: only days < 0"
run psw-report due --format tsv --kind contact
is "$(echo "$out" | cut -f1,5,6 | tr '\t' ' ')" "con-a 2026-11-27 -1
due-a 2026-11-28 0
con-b 2026-12-05 7" "contact: 14 days after the last one; overdue, today, end of window; con-c (one day past) and referred con-d not"
run psw-report due --format tsv --kind action,referral --client due-a
ok '[ $rc -eq 0 ] && [ "$(echo "$out" | cut -f2 | sort -u | tr "\n" " ")" = "action referral " ]' "--kind takes a list"
run psw-report due --format tsv --worker kim
is "$(echo "$out" | cut -f1-8)" "con-b	contact		no contact since 2026-11-21	2026-12-05	7	low	kim" "--worker"
run psw-report due --client due-c
ok '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]' "a closed client has nothing due: no output, exit 0"
run psw-report due -e --client due-c
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "empty with -e: exit 1"
run psw-report due -e --client due-c --format json
ok '[ $rc -eq 1 ] && [ "$out" = "[]" ]' "json prints [] when empty"
printf 'no-contact-days: 21\n' >"$PSW_HOME/psw.yaml"
run psw-report due --format tsv --kind contact
is "$(echo "$out" | cut -f1,5 | tr '\t' ' ')" "con-a 2026-12-04
due-a 2026-12-05" "no-contact-days from the settings"
rm "$PSW_HOME/psw.yaml"
run psw-report due --format tsv --kind contact
is "$(echo "$out" | cut -f1,5 | tr '\t' ' ')" "con-a 2026-11-27
due-a 2026-11-28
con-b 2026-12-05" "the setting taken away: the index's due items follow it back"
printf 'assessments:\n  gad-7: 4w\n' >"$PSW_HOME/psw.yaml"
run psw-report due --format tsv --kind assessment --client con-b
is "$(echo "$out" | cut -f2,3,4,5 | tr '\t' ' ')" "assessment gad-7 first gad-7 2026-01-05" "an assessment schedule in the settings: the items appear"
rm "$PSW_HOME/psw.yaml"
run psw-report due --format tsv --kind assessment
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "and go with it"
run psw-report due --format tsv
all0=$out
cp "$PSW_HOME/clients/due-a.yaml" "$tap_tmp/due-a.keep"
sed 's/g1.4, title: Send the deposit, due: 2026-11-20}/g1.4, title: Send the deposit, due: 2026-11-20, done: 2026-11-27}/' \
    "$tap_tmp/due-a.keep" >"$PSW_HOME/clients/due-a.yaml"
run psw-report due --format tsv --client due-a --kind action
ok '[ $rc -eq 0 ] && ! echo "$out" | grep -q "g1.4" && echo "$out" | grep -q "g1.2"' "an action marked done by hand in the file leaves the due list"
cp "$tap_tmp/due-a.keep" "$PSW_HOME/clients/due-a.yaml"
rm -f "$PSW_HOME/index.db"
run psw-report due --format tsv
ok '[ $rc -eq 0 ] && [ "$out" = "$all0" ]' "the index deleted: rebuilt, the same items"
run psw-report due --within 30d
all1=$out
PSW_TEXT_KEEP=0 run psw-report due --within 30d
ok '[ $rc -eq 0 ] && [ "$out" = "$all1" ]' "text too long to keep (PSW_TEXT_KEEP=0): read twice, the same aligned table"
run psw-report due --within 30d --kind action,referral
act=$out
PSW_TEXT_KEEP=300 run psw-report due --within 30d --kind action,referral
ok '[ $rc -eq 0 ] && [ "$out" = "$act" ] && [ "$(echo "$out" | wc -l)" -gt 4 ]' "PSW_TEXT_KEEP=300: kept at first, read twice midway; the same table"
run psw-report due
ok '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^CLIENT  *KIND" && echo "$out" | grep -q "27d overdue" && echo "$out" | grep -q " today " && echo "$out" | grep -q "in 7d"' "text for people: overdue, today, in N days"

# --- due: refusals --------------------------------------------------------
d0=$(folder)
run psw-report due --kind action,bogus
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown kind '\''bogus'\''"' "unknown kind: exit 2"
run psw-report due --within soon
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "^psw-report: --within"' "bad --within: exit 2"
run psw-report due --client ../x
ok '[ $rc -eq 2 ]' "bad --client: exit 2"
run psw-report due --client nobody
ok '[ $rc -eq 3 ] && [ "$err" = "psw-report: no client '\''nobody'\'' (clients/nobody.yaml does not exist)" ] && [ -z "$out" ]' "--client naming no client: exit 3, not \"nothing due\""
run psw-report due --format html
ok '[ $rc -eq 2 ]' "due has no html: exit 2"
run psw-report due extra
ok '[ $rc -eq 2 ]' "due takes no operands"
run psw-report frobnicate
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown command"' "unknown command: exit 2"
run psw-report due --new --kind bogus
ok '[ $rc -eq 2 ] && [ ! -e "$PSW_HOME/report-due.seen" ]' "a refused --new writes no state"
is "$(folder)" "$d0" "refusals leave the case folder as it was"

# --- due: csv, json and ics read back by strict readers --------------------
psw-report due --format csv >"$tap_tmp/due.csv"
ok '"$FC" csv "$tap_tmp/due.csv" >"$tap_tmp/due.csv.txt"' "csv is RFC 4180"
ok 'head -1 "$tap_tmp/due.csv.txt" | grep -qx "client|kind|item|what|due|days|priority|worker|risk"' "csv header"
ok 'grep -qx "due-a|action|g1.2|Fill in the long tenancy form, sign it; send copies to the scheme, the landlord and the council — ünïcødé ✓|2026-12-05|7|low|sam|" "$tap_tmp/due.csv.txt"' "csv field with commas and unicode reads back whole"
is "$(wc -l <"$tap_tmp/due.csv.txt")" "12" "csv: header and 11 rows"
psw-report due --format json >"$tap_tmp/due.json"
ok '"$FC" json "$tap_tmp/due.json"' "json is valid"
is "$("$FC" json "$tap_tmp/due.json" .0.days)" "-27" "json days is a number"
is "$("$FC" json "$tap_tmp/due.json" .4.item)" "g1.1" "json row order as text"
is "$("$FC" json "$tap_tmp/due.json" .6.item)" "null" "json item null where there is none"
psw-report due --format ics >"$tap_tmp/due.ics"
ok '"$FC" ics "$tap_tmp/due.ics" >"$tap_tmp/due.ics.txt"' "ics is RFC 5545 (CRLF, folded at 75 octets, balanced, UIDs unique)"
is "$(grep -c '^BEGIN:VEVENT$' "$tap_tmp/due.ics.txt")" "11" "one event an item"
ok 'grep -q "^DTSTART;VALUE=DATE:20261205$" "$tap_tmp/due.ics.txt" && grep -q "^DTEND;VALUE=DATE:20261206$" "$tap_tmp/due.ics.txt"' "all-day events: DTSTART and DTEND as VALUE=DATE"
ok 'grep -q "^SUMMARY:due-a: Fill in the long tenancy form\\\\, sign it\\\\; send copies" "$tap_tmp/due.ics.txt"' "TEXT escaped (comma, semicolon)"
ok 'awk "length > 76" "$tap_tmp/due.ics" | grep -q . ; [ $? -ne 0 ] && grep -q "^ " "$tap_tmp/due.ics"' "a long SUMMARY is folded"
is "$(grep -c "^DTSTAMP:20261128T000000Z" "$tap_tmp/due.ics.txt")" "11" "DTSTAMP from today (--as-of)"
psw-report due --format ics >"$tap_tmp/due2.ics"
ok 'cmp -s "$tap_tmp/due.ics" "$tap_tmp/due2.ics"' "the feed is the same on every run"
psw-report due --format ics --as-of 2026-11-29 >"$tap_tmp/due3.ics"
ok 'grep "^UID" "$tap_tmp/due.ics" | sort >"$tap_tmp/u1" && grep "^UID" "$tap_tmp/due3.ics" | sort >"$tap_tmp/u3" && [ -z "$(comm -23 "$tap_tmp/u1" "$tap_tmp/u3")" ] && grep -q "^DTSTAMP:20261129T000000Z" "$tap_tmp/due3.ics"' "another day: the same UIDs for the same items, a new DTSTAMP"
ok 'grep -q "^UID:psw-due-due-a-action-g1.4@psw" "$tap_tmp/due.ics"' "UID names the item"
run psw-report due --format ics --client due-c
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "ics: nothing due, no output"

# --- due --new -------------------------------------------------------------
run psw-report due --new --format tsv
ok '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 11 ]' "--new: the first run shows everything"
ok '[ "$(stat -c %a "$PSW_HOME/report-due.seen")" = 600 ] && [ ! -e "$PSW_HOME/report-due.seen.lock" ]' "state kept 0600 in the case folder, lock released"
run psw-report due --new -e
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "--new again: nothing new, exit 1 with -e"
run psw-report due --format tsv
ok '[ "$(echo "$out" | wc -l)" -eq 11 ]' "without --new everything is shown"
cat >>"$PSW_HOME/clients/con-b.yaml" <<'YAML'
goals:
  - id: g1
    domain: social
    title: New goal
    status: active
    actions:
      - {id: g1.1, title: A new action, due: 2026-12-01}
YAML
run psw-report due --new --format tsv
is "$(echo "$out" | cut -f1-8)" "con-b	action	g1.1	A new action	2026-12-01	3	low	kim" "--new shows only the item added since"
run psw-report due --new --within 8d --format tsv
is "$(echo "$out" | cut -f5 | sort -u)" "2026-12-06" "a wider window shows only the items not yet shown"
sleep 30 & live=$!
printf '%s %s\n' "$live" "$(uname -n)" >"$PSW_HOME/report-due.seen.lock"
printf 'lock-timeout-ms: 200\n' >"$PSW_HOME/psw.yaml"
s0=$(digest "$PSW_HOME/report-due.seen")
run psw-report due --new --as-of 2026-12-20
ok '[ $rc -eq 4 ] && echo "$err" | grep -q "report-due.seen.lock" && [ -z "$out" ]' "--new while another run holds the state: exit 4"
is "$(digest "$PSW_HOME/report-due.seen")" "$s0" "state untouched"
kill $live 2>/dev/null; wait $live 2>/dev/null
rm -f "$PSW_HOME/report-due.seen.lock" "$PSW_HOME/psw.yaml"

# --- due: assessments by the schedule, safety after a risk flag -----------
A="$tap_tmp/assess"
mkdir -m 700 "$A" "$A/clients"
cp "$fx"/assess/*.yaml "$A/clients/"
mv "$A/clients/psw.yaml" "$A/psw.yaml"
run psw-report --home "$A" due --format tsv --kind assessment,safety
is "$(echo "$out" | cut -f1,2,3,5,6,7,9 | tr '\t' ' ')" "sf-s assessment gad-7 2026-01-05 -327 high high
sf-t assessment gad-7 2026-01-05 -327 high high
sf-u assessment gad-7 2026-01-05 -327 high high
sf-s safety a1 2026-11-26 -2 high high
sf-t safety a1 2026-11-27 -1 high high
as-b assessment gad-7 2026-01-05 -327 high 
sf-v assessment gad-7 2026-01-05 -327 high 
sf-v assessment phq-9 2026-01-05 -327 high 
as-b assessment phq-9 2026-10-29 -30 high 
as-a assessment phq-9 2026-11-28 0 medium 
as-c assessment phq-9 2026-11-29 1 medium 
as-a assessment gad-7 2026-12-05 7 low " \
    "assessment: due today, at the window's end, overdue, a first one; risk-flagged clients first"
ok '! echo "$out" | grep -q "^as-c	assessment	gad-7\|^as-d\|^as-e"' "assessment one day past the window, closed and referred clients: none"
ok 'echo "$out" | grep -q "^as-b	assessment	phq-9	phq-9 due (last on 2026-10-01)"' "a voided assessment does not count as the last one"
ok '! echo "$out" | grep -q "^sf-u	safety\|^sf-v	safety"' "safety: none when reviewed since the flag, none for a voided flag"
ok 'echo "$out" | grep -q "^sf-t	safety	a1	risk flag (phq-9 2026-11-27) and no safety plan"' "safety: a flag and no safety plan"
run psw-report --home "$A" due --format ics --kind safety
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" >"$tap_tmp/s.ics" && "$FC" ics "$tap_tmp/s.ics" | grep -q "^DESCRIPTION:safety a1.*risk flag high"' "ics carries the risk flag"
run psw-report --home "$A" missing --format tsv
is "$(echo "$out" | grep -v '	consent	\|	goals	\|	review-date	' | cut -f1-3 | tr '\t' ' ')" "as-e assessment 
sf-t safety-plan a1
sf-v assessment " \
    "missing: a risk flag and no safety plan (not a voided flag, not with a plan); only voided assessments count as none"

# --- due: the index's due_items follows files, settings and rebuilds -----
D="$tap_tmp/dueitems"
mkdir -m 700 "$D" "$D/clients"
cp "$fx"/*.yaml "$fx"/assess/sf-*.yaml "$D/clients/"
chmod 600 "$D/clients/"*.yaml
# The whole listing, as a fresh index from the files gives it.
rebuilt() {
	rm -f "$D/index.db" "$D/index.db-wal" "$D/index.db-shm"
	psw-report --home "$D" due --within 400d --format tsv 2>/dev/null
}
psw-report --home "$D" due >/dev/null 2>&1
sed -i 's/Send the deposit, due: 2026-11-20/Send the deposit, due: 2026-11-22/' "$D/clients/due-a.yaml"
run psw-report --home "$D" due --format tsv --client due-a --kind action
is "$(echo "$out" | cut -f3,5,6 | tr '\t' ' ')" "g1.4 2026-11-22 -6
g1.1 2026-11-28 0
g1.2 2026-12-05 7" "a hand edit of a client file moves its item at once"
is "$(sqlite3 "$D/index.db" "SELECT due FROM due_items WHERE client = 'due-a' AND item = 'g1.4'")" "2026-11-22" \
    "due_items holds the edited date"
cat >>"$D/clients/con-b.yaml" <<'YAML'
assessments:
  - {id: a1, instrument: phq-9, date: 2026-11-25, answers: [3, 3, 3, 3, 3, 3, 3, 3, 3]}
YAML
run psw-report --home "$D" due --format tsv
is "$(echo "$out" | head -4 | cut -f1,2,9 | tr '\t' ' ')" "con-b safety high
sf-s safety high
sf-t safety high
con-b contact high" "a risk flag added by hand puts the client's items first (by date among the flagged)"
printf 'assessments: {phq-9: 2w}\n' >"$D/psw.yaml"
run psw-report --home "$D" due --format tsv --kind assessment --within 400d
is "$(echo "$out" | cut -f1,3,4,5 | tr '\t' ' ' | sort)" "con-a phq-9 first phq-9 2026-01-05
con-b phq-9 phq-9 due (last on 2026-11-25) 2026-12-09
con-c phq-9 first phq-9 2026-01-05
due-a phq-9 first phq-9 2026-01-05
sf-s phq-9 phq-9 due (last on 2026-11-26) 2026-12-10
sf-t phq-9 phq-9 due (last on 2026-11-27) 2026-12-11
sf-u phq-9 phq-9 due (last on 2026-11-20) 2026-12-04
sf-v phq-9 first phq-9 2026-01-05" "a schedule added to the settings: the active clients' assessments appear"
printf 'assessments: {phq-9: 3w}\nno-contact-days: 30\n' >"$D/psw.yaml"
run psw-report --home "$D" due --format tsv --kind assessment,contact --client sf-u --within 400d
is "$(echo "$out" | cut -f2,5 | tr '\t' ' ')" "assessment 2026-12-11
contact 2026-12-27" "the schedule and no-contact-days changed: the dates move"
incr=$(psw-report --home "$D" due --within 400d --format tsv)
ok '[ -n "$incr" ] && [ "$incr" = "$(rebuilt)" ]' "after edits and settings changes: the same as an index rebuilt from the files"
rm "$D/psw.yaml" "$D/clients/con-b.yaml"
run psw-report --home "$D" due --format tsv --within 400d
ok '[ $rc -eq 0 ] && ! echo "$out" | grep -q "^con-b\|	assessment	"' "settings and a client file removed: their items go"
ok '[ "$out" = "$(rebuilt)" ] && [ "$(sqlite3 "$D/index.db" "SELECT count(*) FROM due_items WHERE client = '\''con-b'\''")" = 0 ]' "the same after deleting the index"
run psw-report --home "$D" due --format tsv --within 7d --as-of 2026-12-20
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^due-a	consent	k2	consent expired, an open referral depends on it: refer-debt" && echo "$out" | grep -q "^due-a	consent	k1	consent expired, an open referral depends on it: share-with-gp" && ! echo "$out" | grep -q "	k5	"' \
    "consent text by the day asked about: expired ones only while an open referral depends on them"

# --- the example caseload (examples/), checked by hand --------------------
X="$tap_tmp/example"
mkdir -m 700 "$X"
cp -R "$PSW_SRC/examples/clients" "$PSW_SRC/examples/psw.yaml" "$X/"
chmod -R go-rwx "$X"
run psw-report --home "$X" due --format tsv
is "$(echo "$out" | cut -f1-3,5-7 | tr '\t' ' ')" "eli-n review  2026-10-01 -58 high
bea-k contact  2026-11-11 -17 high
bea-k action g1.1 2026-11-14 -14 high
bea-k review  2026-11-24 -4 high
alex-m action g1.2 2026-11-25 -3 high
alex-m review  2026-11-30 2 low
alex-m referral r1 2026-12-01 3 low
alex-m action g1.3 2026-12-02 4 low
alex-m contact  2026-12-04 6 low
bea-k action g1.2 2026-12-04 6 low
alex-m consent k2 2026-12-05 7 low" \
    "example caseload: on-hold eli-n's review, no contact item for referred chidi-o or on-hold eli-n, closed dana-r nothing, consent at the window's end"
run psw-report --home "$X" missing --format tsv
is "$(echo "$out" | cut -f1,2 | tr '\t' ' ')" "chidi-o assessment
chidi-o consent
chidi-o goals
chidi-o review-date
eli-n assessment
eli-n consent" "example caseload: missing (eli-n's consent expired; an on-hold goal counts)"
run psw-report --home "$X" weekly --week 2026-W48 --format csv
is "$(echo "$out" | grep -v '^contacts_by_day' | sed 1d | tr -d '\r' | tr '\n' ' ')" "contacts,count,1 contacts,minutes,20 contacts,hours,0.3 contacts,clients_seen,1 contacts,clients_not_seen,2 contacts_by_kind,phone,1 clients,new,1 clients,closed,0 goals,achieved,0 goals,progressed,0 actions,done,0 actions,overdue,2 reviews,done,0 reviews,overdue,2 assessments,done,0 assessments,reliable_improvement,0 assessments,no_reliable_change,0 assessments,reliable_deterioration,0 assessments,risk_flags,0 referrals,sent,0 referrals,accepted,0 referrals,completed,0 referrals,rejected,0 referrals,failed,0 referrals,follow_up_overdue,0 due_next_week,items,6 " \
    "example caseload: the week's numbers by hand (chidi-o's call; alex-m and bea-k not seen; overdue as of today, before the week ends)"

# --- due on a generated caseload with known answers -----------------------
# tests/report/gen.awk writes 186 clients with every kind of item due on
# each day from 15 days ago to 15 days ahead (closed, referred and
# risk-flagged variants, done actions, achieved goals, completed
# referrals, revoked consent, voided assessments) and works out on its own
# which items must be listed, in which order, with which priority.
G="$tap_tmp/gen"
mkdir -m 700 "$G" "$G/clients"
awk -v dir="$G" -v today="$PSW_TODAY" -f "$fx/gen.awk" >"$G/expected"
run psw-plan --home "$G" validate
ok '[ $rc -eq 0 ]' "the generated caseload is valid"
# expect AWK-CONDITION: the expected rows, in order, as psw-report prints
# them (without the "what" column).
expect() {
	awk -F'\t' "$1" "$G/expected" | LC_ALL=C sort -t'	' -k1,1 | cut -f2-
}
for w in 0 1 2 7 14 30; do
	psw-report --home "$G" due --within ${w}d --format tsv 2>/dev/null |
	    cut -f1-3,5-9 >"$G/out"
	expect "\$6 <= $w" >"$G/exp"
	cmp -s "$G/out" "$G/exp" ||
	    diff "$G/exp" "$G/out" | head -20 | sed 's/^/# /'
	ok 'cmp -s "$G/out" "$G/exp" && [ -s "$G/out" ]' \
	    "generated: --within ${w}d lists exactly the expected $(wc -l <"$G/exp") items, in order"
done
psw-report --home "$G" due --overdue-only --format tsv | cut -f1-3,5-9 >"$G/out"
expect '$6 < 0' >"$G/exp"
ok 'cmp -s "$G/out" "$G/exp"' "generated: --overdue-only"
psw-report --home "$G" due --worker kim --within 7d --format tsv |
    cut -f1-3,5-9 >"$G/out"
expect '$6 <= 7 && $8 == "kim"' >"$G/exp"
ok 'cmp -s "$G/out" "$G/exp"' "generated: --worker"
psw-report --home "$G" due --kind consent,safety --within 3d --format tsv |
    cut -f1-3,5-9 >"$G/out"
expect '$6 <= 3 && ($3 == "consent" || $3 == "safety")' >"$G/exp"
ok 'cmp -s "$G/out" "$G/exp"' "generated: --kind"
# --new from four runs at once: every item shown once, by one of them.
psw-report --home "$G" due --within 14d --format tsv | sort >"$G/all"
for i in 1 2 3 4; do
	psw-report --home "$G" due --new --within 14d --format tsv \
	    >"$G/new.$i" 2>"$G/newerr.$i" &
done
wait
ok 'cat "$G"/new.? | sort | cmp -s - "$G/all" && ! cat "$G"/newerr.? | grep -q . && [ "$(stat -c %a "$G/report-due.seen")" = 600 ]' \
    "generated: four --new runs at once show each of $(wc -l <"$G/all") items exactly once"
if [ -w /dev/full ]; then
	run sh -c "psw-report --home '$X' due --new >/dev/full"
	ok '[ $rc -eq 5 ] && echo "$err" | grep -q "cannot write" && [ ! -e "$X/report-due.seen" ]' \
	    "--new whose output cannot be written: exit 5, nothing remembered"
	run psw-report --home "$X" due --new --format tsv
	is "$(echo "$out" | wc -l)" "11" "so the next run shows the items"
fi
run psw-report --home "$G" due --client gc-m05
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "generated: a closed client, nothing"

# --- caseload: scores and trends ------------------------------------------
O="$tap_tmp/outcomes"
mkdir -m 700 "$O" "$O/clients"
cp "$fx"/outcomes/*.yaml "$O/clients/"
run psw-report --home "$O" caseload --format tsv
is "$(echo "$out" | cut -f1,13- | head -3)" "oc-a		gad-7 4 minimal, phq-9 5 mild	gad-7 12 4, phq-9 27 15 5
oc-b		gad-7 14 moderate, phq-9 8 mild	gad-7 9 14, phq-9 12 8
oc-c	high	gad-7 9 mild, phq-9 14 moderate	gad-7 9, phq-9 7 14" "caseload: risk flag, latest score and band per instrument, the trend"
if command -v script >/dev/null 2>&1; then
	script -qec "psw-report --home '$O' caseload" /dev/null >"$tap_tmp/tty.out" 2>&1
	ok 'grep -q "phq-9 █▅▂" "$tap_tmp/tty.out"' "a sparkline on a terminal"
fi

# --- caseload and missing --------------------------------------------------
run psw-report caseload --format tsv
is "$(echo "$out" | cut -f1,3,4,7,8,9,10,11)" "con-a		active	15	contact	2026-11-27	0	0
con-b		active	7	action	2026-12-01	0	0
con-c		active	6	contact	2026-12-06	0	0
con-d		referred				0	0
due-a	36	active	14	consent	2026-11-01	3	0" \
    "caseload: open clients only, days since contact, the most pressing item, open referrals"
run psw-report missing --format tsv --client-less 2>/dev/null
ok '[ $rc -eq 2 ]' "missing: unknown option refused"
run psw-report missing --format tsv
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^due-a	follow-up	r2	open referral without a follow-up date$" && echo "$out" | grep -q "^con-d	goals		" && ! echo "$out" | grep -q "^due-c"' "missing: per client gaps, closed clients left out"
ok '! echo "$out" | grep -q "^due-a	consent"' "missing: consent in force counts"
psw-report caseload --format csv >"$tap_tmp/c.csv"
ok '"$FC" csv "$tap_tmp/c.csv" >/dev/null' "caseload csv is RFC 4180"
psw-report missing --format json >"$tap_tmp/m.json"
ok '"$FC" json "$tap_tmp/m.json" >/dev/null' "missing json is valid"

# --- weekly: numbers against hand-computed ones ----------------------------
W="$tap_tmp/week"
mkdir -m 700 "$W" "$W/clients"
cp "$fx"/weekly/*.yaml "$W/clients/"
run psw-report --home "$W" due --kind contact --format tsv --as-of 2026-11-16
is "$(echo "$out" | cut -f1,4,5)" "wk-b	no contact yet	2026-01-15" "contact: never contacted, due 14 days after the case opened; closed wk-c not"
run psw-report --home "$W" weekly --week 2026-W46 --format csv
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" >"$tap_tmp/w.csv" && "$FC" csv "$tap_tmp/w.csv" >"$tap_tmp/w.txt"' "weekly csv is RFC 4180"
is "$(grep -v contacts_by_day "$tap_tmp/w.txt" | tr '\n' ' ')" "section|metric|value contacts|count|5 contacts|minutes|150 contacts|hours|2.5 contacts|clients_seen|3 contacts|clients_not_seen|1 contacts_by_kind|face-to-face|1 contacts_by_kind|phone|3 contacts_by_kind|video|1 clients|new|1 clients|closed|1 goals|achieved|1 goals|progressed|1 actions|done|2 actions|overdue|2 reviews|done|1 reviews|overdue|1 assessments|done|2 assessments|reliable_improvement|1 assessments|no_reliable_change|0 assessments|reliable_deterioration|0 assessments|risk_flags|1 referrals|sent|1 referrals|accepted|1 referrals|completed|1 referrals|rejected|1 referrals|failed|0 referrals|follow_up_overdue|1 due_next_week|items|2 " \
    "weekly numbers match the hand-computed ones"
is "$(grep contacts_by_day "$tap_tmp/w.txt" | cut -d'|' -f3 | tr '\n' ' ')" "1 1 1 1 0 0 1 " "contacts per day, Monday to Sunday"
psw-report --home "$W" weekly --from 2026-11-09 --to 2026-11-15 --format csv >"$tap_tmp/w2.csv"
ok 'cmp -s "$tap_tmp/w.csv" "$tap_tmp/w2.csv"' "--from/--to gives the same week"
psw-report --home "$W" weekly --week 2026-W46 --format json >"$tap_tmp/w.json"
ok '"$FC" json "$tap_tmp/w.json"' "weekly json is valid"
is "$("$FC" json "$tap_tmp/w.json" .contacts.hours) $("$FC" json "$tap_tmp/w.json" .referrals.follow_up_overdue) $("$FC" json "$tap_tmp/w.json" .contacts_by_day.6.count) $("$FC" json "$tap_tmp/w.json" .clients_not_seen.0) $("$FC" json "$tap_tmp/w.json" .due_next_week.1.item)" \
    "2.5 1 1 wk-b g1.1" "weekly json holds every number and list"
is "$("$FC" json "$tap_tmp/w.json" .scores.0.change) $("$FC" json "$tap_tmp/w.json" .scores.0.reliable_change) $("$FC" json "$tap_tmp/w.json" .scores.0.risk) $("$FC" json "$tap_tmp/w.json" .scores.1.change)" \
    "-7 reliable improvement high null" "weekly scores: change from the previous score not voided, reliable change, risk flag"
run psw-report --home "$W" weekly --week 2026-W46 --worker kim --format json
is "$(printf '%s' "$out" | "$FC" json - .contacts.count) $(printf '%s' "$out" | "$FC" json - .contacts.minutes) $(printf '%s' "$out" | "$FC" json - .due_next_week.0.item)" "1 10 g1.1" "weekly --worker"
run psw-report --home "$W" weekly --week 2026-W46 --format html
ok '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -qx "<!DOCTYPE html>" && echo "$out" | tail -1 | grep -qx "</html>"' "html: one document"
ok 'echo "$out" | grep -q "<h2>Scores over time, clients seen</h2>" && [ "$(echo "$out" | grep -c "<polyline")" -eq 2 ]' "html: a score chart per client seen, a line per instrument"
ok 'echo "$out" | grep -q "@page { size: A4" && echo "$out" | grep -q "<svg " && ! echo "$out" | grep -q "<link\|<script\|src=\|href="' "html: inline CSS for A4 and inline SVG, nothing fetched"
printf '%s\n' "$out" >"$tap_tmp/w.html"
ok '"$FC" html "$tap_tmp/w.html" >"$tap_tmp/w.html.txt"' "html: one well-formed, self-contained document (tests/fmtcheck html)"
is "$(grep -o '<title>2026-11-[0-9]*: [0-9]*</title>' "$tap_tmp/w.html" | sed 's/<[^>]*>//g' | tr '\n' ' ')" \
    "2026-11-09: 1 2026-11-10: 1 2026-11-11: 1 2026-11-12: 1 2026-11-13: 0 2026-11-14: 0 2026-11-15: 1 " \
    "html: the contacts-per-day chart, a bar a day with its count"
is "$(awk '/<h2>Scores over time/,/<\/section>/' "$tap_tmp/w.html" | grep -c '<svg ')" "1" \
    "html: a score chart for the one client seen with scores (wk-a)"
for bad in '<!DOCTYPE html>
<html><body><p>open</body></html>' '<!DOCTYPE html>
<html><body>a & b</body></html>' '<!DOCTYPE html>
<html><body><img src="x.png"></body></html>' '<!DOCTYPE html>
<html><head><style>body { background: url(http://x/y.png); }</style></head></html>' '<!DOCTYPE html>
<html><body><a href="https://example.org/">x</a></body></html>' '<!DOCTYPE html>
<html></html><html></html>' '<html></html>'; do
	printf '%s\n' "$bad" >"$tap_tmp/bad.html"
	"$FC" html "$tap_tmp/bad.html" >/dev/null 2>&1 && echo "# fmtcheck took: $bad"
done >"$tap_tmp/bad.txt"
ok '[ ! -s "$tap_tmp/bad.txt" ]' "fmtcheck html refuses unclosed elements, a bare &, fetching elements, url(), links, two roots, no doctype"
run psw-report --home "$W" weekly --week 2026-W46 --format md
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^| contacts | 5 |$"' "md table"
run psw-report --home "$W" weekly --week 2026-W46
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^  hours  *2.5$" && ! echo "$out" | grep -q WEEKLYNOTE' "text; no note text without --notes"
run psw-report --home "$W" weekly --week 2026-W46 --notes
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "WEEKLYNOTE-4471"' "--notes adds the note text"
for wk in "2026-W01 2025-12-29 2026-01-04" "2026-W53 2026-12-28 2027-01-03" "2020-W53 2020-12-28 2021-01-03"; do
	set -- $wk
	run psw-report --home "$W" weekly --week $1 --format json
	is "$(printf '%s' "$out" | "$FC" json - .from) $(printf '%s' "$out" | "$FC" json - .to)" "$2 $3" "ISO week $1 runs from $2 to $3"
done
run psw-report --home "$W" weekly --week 2027-W53
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "52 ISO weeks"' "2027 has no week 53: exit 2"
run psw-report --home "$W" weekly --as-of 2027-01-01 --format json
is "$(printf '%s' "$out" | "$FC" json - .from)" "2026-12-28" "1 January 2027 is in 2026-W53"
run psw-report --home "$W" weekly --as-of 2026-11-12 --format json
is "$(printf '%s' "$out" | "$FC" json - .from) $(printf '%s' "$out" | "$FC" json - .to)" "2026-11-09 2026-11-15" "default: the week holding today"
d1=$(digest "$W/clients/wk-a.yaml")
run psw-report --home "$W" weekly --week 2026-W46 --from 2026-11-01
ok '[ $rc -eq 2 ]' "--week with --from: exit 2"
run psw-report --home "$W" weekly --from 2026-11-09
ok '[ $rc -eq 2 ]' "--from without --to: exit 2"
run psw-report --home "$W" weekly --from 2026-11-15 --to 2026-11-09
ok '[ $rc -eq 2 ]' "a period ending before it starts: exit 2"
run psw-report --home "$W" weekly --week 2026-W60
ok '[ $rc -eq 2 ]' "bad week: exit 2"
run psw-report --home "$W" weekly --notes --deidentify
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "cannot be de-identified"' "--notes with --deidentify refused"
run psw-report --home "$W" weekly --format ics
ok '[ $rc -eq 2 ]' "weekly has no ics"
is "$(digest "$W/clients/wk-a.yaml")" "$d1" "weekly refusals change nothing"

# --- outcomes: hand-computed from tests/report/outcomes -------------------
psw-report --home "$O" outcomes --from 2026-09-01 --format csv >"$tap_tmp/o.csv"
ok '"$FC" csv "$tap_tmp/o.csv" >"$tap_tmp/o.txt"' "outcomes csv is RFC 4180"
is "$(cat "$tap_tmp/o.txt")" "instrument|clients|mean_first|mean_last|mean_change|improved|improved_pct|no_change|no_change_pct|deteriorated|deteriorated_pct|cases_first|recovered|recovery_pct|reliable_recovered|reliable_recovery_pct
gad-7|4|8.0|7.5|-0.5|2|50.0|0|0.0|2|50.0|2|1|50.0|1|50.0
phq-9|6|12.8|9.8|-3.0|2|33.3|3|50.0|1|16.7|5|4|80.0|2|40.0
phq-9+gad-7|4||||2|50.0|1|25.0|1|25.0|4|2|50.0|2|50.0" \
    "outcomes: means, reliable change, recovery and reliable recovery; PHQ-9 with GAD-7 on either; one score and voided scores left out"
run psw-report --home "$O" outcomes --from 2026-09-01 --detail --format tsv
is "$(echo "$out" | grep "phq-9+gad-7" | cut -f1,3,5,8- | tr '\t' ' ')" "oc-a 2026-09-01 2026-11-01 reliable improvement 1 0 1 1
oc-b 2026-09-01 2026-11-01 reliable deterioration 1 1 0 0
oc-f 2026-09-01 2026-11-01 no reliable change 1 1 0 0
oc-g 2026-09-01 2026-11-02 reliable improvement 1 0 1 1" \
    "outcomes --detail, PHQ-9 with GAD-7 per client: one improved and the other deteriorated is no reliable change; a case on PHQ-9 alone is a case (oc-g recovers reliably on GAD-7's improvement)"
run psw-report --home "$O" outcomes --worker kim --format csv
is "$(echo "$out" | tr -d '\r' | sed 1d)" "gad-7,1,6.0,2.0,-4.0,1,100.0,0,0.0,0,0.0,0,0,,0,
phq-9,1,11.0,9.0,-2.0,0,0.0,1,100.0,0,0.0,1,1,100.0,0,0.0
phq-9+gad-7,1,,,,1,100.0,0,0.0,0,0.0,1,1,100.0,1,100.0" \
    "outcomes --worker; no cases at the first score: no percentage"
run psw-report --home "$O" outcomes --detail --format tsv --instrument phq-9
is "$(echo "$out" | cut -f1,3,4,6,8,11,12 | tr '\t' ' ')" "oc-a 2026-06-01 27.0 5.0 reliable improvement 1 1
oc-b 2026-09-01 12.0 8.0 no reliable change 1 0
oc-c 2026-09-01 7.0 14.0 reliable deterioration 0 0
oc-e 2026-09-01 20.0 19.0 no reliable change 0 0
oc-f 2026-09-01 12.0 4.0 reliable improvement 1 1
oc-g 2026-09-01 11.0 9.0 no reliable change 1 0" "outcomes --detail: first and last in the period (all time by default), closed clients too"
psw-report --home "$O" outcomes --format json >"$tap_tmp/o.json"
ok '"$FC" json "$tap_tmp/o.json" && [ "$("$FC" json "$tap_tmp/o.json" .2.mean_first)" = null ] && [ "$("$FC" json "$tap_tmp/o.json" .1.clients)" = 6 ]' "outcomes json"
run psw-report --home "$O" outcomes --instrument nope
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown instrument"' "unknown instrument: exit 2"
run psw-report --home "$O" outcomes -e --from 2027-01-01 --to 2027-02-01
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "no pairs: empty, exit 1 with -e"

# --- the example scripts and crontab, with a stand-in for mail(1) --------
# The stand-in logs its arguments and the body; as mailutils' mail (when
# MAIL_FLAVOUR says so) it also logs the file attached with -A.
mkdir "$tap_tmp/bin"
cat >"$tap_tmp/bin/mail" <<'SH'
#!/bin/sh
if [ "$1" = --version ]; then
	[ "${MAIL_FLAVOUR:-}" = mailutils ] && echo "mail (GNU Mailutils) 3.17"
	exit 0
fi
{
	echo "mail $*"
	while [ $# -gt 0 ]; do
		[ "$1" = -A ] && { echo "attached $2"; head -1 "$2"; }
		shift
	done
	cat
} >>"$MAILLOG"
SH
chmod +x "$tap_tmp/bin/mail"
MAILLOG="$tap_tmp/mail.log"
export MAILLOG
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" sh "$PSW_SRC/examples/due-mail.sh" sam@example.org --as-of 2026-11-16
ok '[ $rc -eq 0 ] && grep -q "^mail -s psw: 6 item(s) due sam@example.org$" "$MAILLOG" && grep -q "wk-b *review" "$MAILLOG"' "due-mail.sh mails what is due with a subject"
: >"$MAILLOG"
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" sh "$PSW_SRC/examples/due-mail.sh" sam@example.org --as-of 2026-11-16
ok '[ $rc -eq 0 ] && [ ! -s "$MAILLOG" ]' "due-mail.sh mails nothing when nothing is new"
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" sh "$PSW_SRC/examples/due-mail.sh" sam@example.org --kind bogus
ok '[ $rc -eq 2 ] && [ ! -s "$MAILLOG" ]' "due-mail.sh passes psw-report's failure on"
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" sh "$PSW_SRC/examples/due-mail.sh"
ok '[ $rc -ne 0 ] && echo "$err" | grep -q usage && [ ! -s "$MAILLOG" ]' "due-mail.sh without an address: usage"
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" sh "$PSW_SRC/examples/weekly-report.sh" team@example.org --week 2026-W46
ok '[ $rc -eq 0 ] && grep -q "^mail -s Weekly report 2026-11-09 to 2026-11-15 team@example.org$" "$MAILLOG" && grep -q "^# Weekly report" "$MAILLOG" && grep -q "^| contacts | 5 |$" "$MAILLOG" && ! grep -q "wk-a\|Week A" "$MAILLOG"' "weekly-report.sh mails the de-identified week, subject from the period"
: >"$MAILLOG"
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" MAIL_FLAVOUR=mailutils sh "$PSW_SRC/examples/weekly-report.sh" team@example.org --no-deidentify --as-of 2026-11-12
ok '[ $rc -eq 0 ] && grep -q "^mail -s Weekly report 2026-11-09 to 2026-11-15 -A .*/weekly-2026-11-09.html team@example.org$" "$MAILLOG" && grep -qx "<!DOCTYPE html>" "$MAILLOG" && grep -q "wk-a" "$MAILLOG"' "weekly-report.sh with mailutils attaches the HTML page; --no-deidentify keeps the ids"
: >"$MAILLOG"
run env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$W" sh "$PSW_SRC/examples/weekly-report.sh" team@example.org --week 2026-W99
ok '[ $rc -eq 2 ] && [ ! -s "$MAILLOG" ]' "weekly-report.sh passes psw-report's failure on, mails nothing"
# Each command line of examples/crontab, as cron runs it (sh -c, its
# variables set), with the paths made local.
C="$tap_tmp/cron"
mkdir -m 700 "$C" "$C/home" "$C/home/public"
cp -R "$X/clients" "$X/psw.yaml" "$C/home/"
grep -q "^MAILTO=" "$PSW_SRC/examples/crontab" && grep -q "^PSW_HOME=" "$PSW_SRC/examples/crontab"
ok '[ $? -eq 0 ]' "the crontab sets MAILTO and PSW_HOME"
grep -v '^#' "$PSW_SRC/examples/crontab" | grep -v '^[A-Z_]*=' | grep . |
    sed -e 's/^[^ 	]*[ 	][^ 	]*[ 	][^ 	]*[ 	][^ 	]*[ 	][^ 	]*[ 	]*//' \
    -e "s|/home/sam/psw|$PSW_SRC|g" -e "s|/home/sam|$C/home|g" >"$C/cmds"
is "$(wc -l <"$C/cmds")" "4" "four crontab entries"
: >"$MAILLOG"
i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	(cd "$C/home" && env PATH="$tap_tmp/bin:$PATH" PSW_HOME="$C/home" \
	    sh -c "$cmd") </dev/null >"$C/out.$i" 2>"$C/err.$i"
	echo $? >"$C/rc.$i"
done <"$C/cmds"
ok '[ "$(cat "$C/rc.1")" = 0 ] && grep -q "^bea-k  *action  *g1.1" "$C/out.1" && ! grep -v "index .* built from" "$C/err.1" | grep -q .' "crontab: the morning line prints what is due (cron mails it)"
ok '[ "$(cat "$C/rc.2")" = 0 ] && grep -q "^mail -s psw: [0-9]* item(s) due sam@example.org$" "$MAILLOG" && [ ! -s "$C/out.2" ]' "crontab: due-mail.sh mails, prints nothing"
ok '[ "$(cat "$C/rc.3")" = 0 ] && "$FC" ics "$C/home/public/psw-due.ics" >/dev/null && ! grep -q "alex-m\|Alex\|Morgan" "$C/home/public/psw-due.ics" && [ ! -e "$C/home/public/psw-due.ics.tmp" ]' "crontab: the calendar feed is valid RFC 5545, de-identified, replaced whole"
ok '[ "$(cat "$C/rc.4")" = 0 ] && grep -q "^mail -s Weekly report 2026-11-23 to 2026-11-29 team@example.org$" "$MAILLOG"' "crontab: the Friday report is mailed"
# psw-report(1) shows the crontab (tests/man.sh runs it): the same lines.
grep '^[0-9*][^	]*	' "$PSW_SRC/man/psw-report.1" |
    sed 's| examples/| /home/sam/psw/examples/|' >"$C/man.cron"
ok '[ "$(wc -l <"$C/man.cron")" -ge 3 ] && grep -vxFf "$PSW_SRC/examples/crontab" "$C/man.cron" | { ! grep .; }' \
    "the crontab of psw-report(1) is examples/crontab's"

# --- de-identification ----------------------------------------------------
# Distinctive names, phones, addresses, dates of birth and note text are
# planted in due-a; none may appear in any de-identified format.
planted='Zebedee|Quillfeather|07700 955501|955501|Marigold|Wexbury|1990-06-15|PLUMTREE|Vantablack|020 7946 0999|landlord|tenancy|due-a|con-a|con-b|WEEKLYNOTE|wk-a|wk-b|Week A'
leaks=0
for cmd in "due --within 30d" caseload missing "weekly --week 2026-W48" "outcomes --detail"; do
	case $cmd in
	due*) fmts="text tsv csv json ics" ;;
	weekly*) fmts="text md csv json html" ;;
	*) fmts="text tsv csv json" ;;
	esac
	for f in $fmts; do
		psw-report $cmd --deidentify --format $f >"$tap_tmp/deid.out" 2>&1
		if grep -E -q "$planted" "$tap_tmp/deid.out"; then
			echo "# leak in $cmd --format $f:"
			grep -E "$planted" "$tap_tmp/deid.out" | sed 's/^/#   /'
			leaks=$((leaks + 1))
		fi
	done
done
for f in text md csv json html; do
	psw-report --home "$W" weekly --week 2026-W46 --deidentify --format $f >"$tap_tmp/deid.out" 2>&1
	grep -E -q "$planted" "$tap_tmp/deid.out" && leaks=$((leaks + 1))
done
for f in text tsv csv json; do
	psw-report --home "$O" outcomes --detail --deidentify --format $f >"$tap_tmp/deid.out" 2>&1
	grep -E -q "oc-a|oc-b|Outcome" "$tap_tmp/deid.out" && leaks=$((leaks + 1))
done
is "$leaks" "0" "no planted name, phone, address, birth date, note or id in any de-identified format"
run psw-report due --deidentify --format tsv --client due-a
p=$(echo "$out" | head -1 | cut -f1)
ok 'echo "$p" | grep -Eqx "c-[0-9a-f]{10}" && [ "$(echo "$out" | cut -f1 | sort -u)" = "$p" ]' "client ids become one pseudonym each"
ok '[ "$(stat -c %a "$PSW_HOME/deid.key")" = 600 ]' "the secret is 0600 in the case folder"
run psw-report caseload --deidentify --format tsv
ok 'echo "$out" | grep -q "^$p		35-39	active	"' "the same pseudonym in another report; age in a 5-year band; no name"
run psw-report --home "$W" caseload --deidentify --format tsv
ok '! echo "$out" | grep -q "$p"' "another case folder, another secret"
cp "$PSW_HOME/deid.key" "$tap_tmp/key"
printf 'not a key\n' >"$PSW_HOME/deid.key"
run psw-report due --deidentify
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "deid.key" && [ -z "$out" ]' "a damaged secret: exit 3, nothing printed"
cp "$tap_tmp/key" "$PSW_HOME/deid.key"

# Every report, every format, every period and option that changes what
# is shown, on two clients with distinctive text planted in every field
# that can hold it (tests/report/privacy): none may appear de-identified.
P="$tap_tmp/privacy"
mkdir -m 700 "$P" "$P/clients"
cp "$fx"/privacy/*.yaml "$P/clients/"
run psw-plan --home "$P" validate
ok '[ $rc -eq 0 ]' "the planted caseload is valid"
pv='ottoline|featherstonehaugh|tolly|quentin|blatherwick|07700|900813|900222|900555|01632|960417|quux|halibut|porthwenna|pz9|zanzibar|snoring|1987-03-09|2004-12-01|umbridgeway|gallowglass|philippa|quenby|[a-z]+note-[0-9]|[a-z]+reason-[0-9]|strength-|goaltitle|goalwhy|actiontitle|safetysign'
cat >"$P/runs" <<'RUNS'
due --within 60d|text tsv csv json ics
due --overdue-only|text csv
due --new|text
due --client ottoline-f --kind action,goal,consent,referral|text json ics
caseload|text tsv csv json
caseload --worker kim|text json
missing|text tsv csv json
weekly|text md csv json html
weekly --from 2026-02-01 --to 2026-11-29|text md csv json html
weekly --worker sam --week 2026-W47|text md json html
outcomes|text tsv csv json
outcomes --detail|text tsv csv json
outcomes --detail --instrument gad-7 --from 2026-03-01|text json
RUNS
leaks=0 runs=0 bad=0
while IFS='|' read -r cmd fmts; do
	for f in $fmts; do
		psw-report --home "$P" $cmd --deidentify --format $f \
		    >"$P/out" 2>"$P/err" </dev/null
		runs=$((runs + 1))
		if grep -E -i -q "$pv" "$P/out" "$P/err"; then
			echo "# leak in $cmd --deidentify --format $f:"
			grep -E -i -o -h "$pv" "$P/out" "$P/err" | sort -u |
			    sed 's/^/#   /'
			leaks=$((leaks + 1))
		fi
		# Every machine format read back by its strict reader.
		case $f in
		csv|json|ics|html)
			[ ! -s "$P/out" ] || "$FC" $f "$P/out" >/dev/null || {
				echo "# not $f: $cmd"
				bad=$((bad + 1))
			} ;;
		esac
	done
done <"$P/runs"
is "$bad" "0" "every csv, json, ics and html of every report reads back with the strict readers"
html=0
for a in "" "--from 2026-02-01 --to 2026-11-29" "--deidentify" "--notes"; do
	psw-report --home "$P" weekly $a --format html >"$P/h.html" &&
	    "$FC" html "$P/h.html" >"$P/h.txt" &&
	    [ "$(grep -c '^svg$' "$P/h.txt")" -ge 3 ] && html=$((html + 1))
done
is "$html" "4" "weekly html well-formed and self-contained for a week, ten months, de-identified and with notes; charts for each client seen"
is "$leaks in $runs" "0 in 45" "planted names, phones, addresses, birth dates, ids and free text: none in any de-identified report, period or format"
if command -v script >/dev/null 2>&1; then
	script -qec "psw-report --home '$P' caseload --deidentify" /dev/null \
	    >"$P/tty" 2>&1
	ok '! grep -E -i -q "$pv" "$P/tty" && grep -q "█\|▁\|▂\|▃\|▄\|▅\|▆\|▇" "$P/tty"' "nor on a terminal (sparklines)"
fi
run psw-report --home "$P" caseload --deidentify --format tsv
ok 'echo "$out" | cut -f3 | sort | tr "\n" " " | grep -qx "20-24 35-39 "' "ages in 5-year bands (21 and 39 on the day)"
o=$(echo "$out" | awk -F'\t' '$3 == "35-39" { print $1 }')
run psw-report --home "$P" outcomes --detail --deidentify --format tsv
ok '[ -n "$o" ] && [ "$(echo "$out" | grep -c "^$o	")" = 3 ]' "one pseudonym for a client across reports"
run psw-report --home "$P" weekly --deidentify --format json
ok 'printf "%s" "$out" | "$FC" json - .scores.0.client | grep -qx "$o"' "the same pseudonym in the weekly report"
ok '[ "$(stat -c %a "$P/deid.key")" = 600 ]' "the key created 0600 in the case folder on first use"
# Four first runs at once on a fresh folder agree on one secret.
K="$tap_tmp/keyrace"
mkdir -m 700 "$K"
cp -R "$X/clients" "$X/psw.yaml" "$K/"
psw-report --home "$K" caseload >/dev/null 2>&1	# the index, not the key
for i in 1 2 3 4; do
	psw-report --home "$K" caseload --deidentify --format tsv \
	    >"$K/out.$i" 2>"$K/err.$i" &
done
wait
ok 'cmp -s "$K/out.1" "$K/out.2" && cmp -s "$K/out.1" "$K/out.3" && cmp -s "$K/out.1" "$K/out.4" && [ -s "$K/out.1" ] && [ "$(stat -c %a "$K/deid.key")" = 600 ] && [ "$(ls -a "$K" | grep -c deid)" = 1 ]' \
    "four first de-identified runs at once: one secret, the same pseudonyms, no temporary file left"
# The week on the planted caseload, by hand: contacts 60 + 30 + 15
# minutes; g2 achieved (its action done on the 24th), g1 rated; g1.1 and
# g2.1 done, g1.2 (due the 27th) overdue today; ottoline-f's PHQ-9
# 16 -> 6 and GAD-7 14 -> 3, quentin-b's PHQ-9 8 -> 18, both flagged, the
# voided GAD-7 not counted; r1 and r2 sent, r1 accepted, quentin-b's r1
# failed; next week r1's follow-up, the review and g1.3.
run psw-report --home "$P" weekly --format csv
is "$(echo "$out" | tr -d '\r' | sed 1d | tr '\n' ' ')" "contacts,count,3 contacts,minutes,105 contacts,hours,1.8 contacts,clients_seen,2 contacts,clients_not_seen,0 contacts_by_kind,face-to-face,1 contacts_by_kind,phone,1 contacts_by_kind,video,1 clients,new,0 clients,closed,0 goals,achieved,1 goals,progressed,1 actions,done,2 actions,overdue,1 reviews,done,1 reviews,overdue,0 assessments,done,3 assessments,reliable_improvement,2 assessments,no_reliable_change,0 assessments,reliable_deterioration,1 assessments,risk_flags,2 referrals,sent,2 referrals,accepted,1 referrals,completed,0 referrals,rejected,0 referrals,failed,1 referrals,follow_up_overdue,0 due_next_week,items,3 contacts_by_day,2026-11-23,1 contacts_by_day,2026-11-24,0 contacts_by_day,2026-11-25,1 contacts_by_day,2026-11-26,1 contacts_by_day,2026-11-27,0 contacts_by_day,2026-11-28,0 contacts_by_day,2026-11-29,0 " \
    "weekly on a second caseload matches the hand-computed numbers (a failed referral)"
# Every number of the csv is in the json, under section.metric.
psw-report --home "$P" weekly --format json >"$P/w.json"
echo "$out" | tr -d '\r' | sed 1d | grep -v '^contacts_by_day,' |
while IFS=, read -r sec met val; do
	got=$("$FC" json "$P/w.json" ".$sec.$met" 2>&1)
	[ "$got" = "$val" ] || echo "# $sec.$met: csv $val, json $got"
done >"$P/mismatch"
cat "$P/mismatch"
ok '[ ! -s "$P/mismatch" ] && [ "$("$FC" json "$P/w.json" .contacts_by_day.2.count)" = 1 ]' "weekly json holds every number of the csv"
run psw-report --home "$P" weekly --format json --as-of 2026-11-27
is "$(printf '%s' "$out" | "$FC" json - .actions.overdue) $(printf '%s' "$out" | "$FC" json - .to)" "0 2026-11-29" \
    "overdue as of today when the week has not ended: g1.2, due today, is not yet"
# Session notes: never without --notes, de-identified or not.
notes=0
while IFS='|' read -r cmd fmts; do
	for f in $fmts; do
		psw-report --home "$P" $cmd --format $f >"$P/out" 2>&1 </dev/null
		grep -q "SESSIONNOTE" "$P/out" && notes=$((notes + 1))
	done
done <"$P/runs"
is "$notes" "0" "no session note text in any report or format without --notes"
n=0
for f in text md json html; do
	psw-report --home "$P" weekly --notes --format $f >"$P/out" 2>&1
	[ "$(grep -c "SESSIONNOTE-606[012]" "$P/out")" -ge 3 ] && n=$((n + 1))
done
is "$n" "4" "weekly --notes shows the week's three notes in text, md, json and html"
run psw-report --home "$P" weekly --notes --format csv
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "numbers only" && [ -z "$out" ]' "weekly --notes with csv: exit 2, not a silent drop"

done_testing

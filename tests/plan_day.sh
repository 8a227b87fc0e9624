#!/bin/sh
# plan_day.sh - a scripted day of work with psw-plan, end to end, in a
# fresh case folder: a client opened from a template two weeks ago, then
# today's work (2026-11-28): goals, actions done and one overdue, two
# session notes (one from standard input), a plan review, the care team,
# consent given and revoked, a safety plan built and shown, the file
# edited by a scripted EDITOR (a valid edit, an invalid one, one that
# races another writer), the case closed and reopened; then the whole
# plan read back with show --format json field by field, and validate.
. "$PSW_SRC/tests/tap.sh"
FC="$PSW_BUILD/tests/fmtcheck"
f="$PSW_HOME/clients/sam-r.yaml"
TMPDIR="$tap_tmp/tmp"
export TMPDIR
mkdir -p "$TMPDIR" "$PSW_HOME/templates"
cp "$PSW_SRC/examples/templates/housing-first.yaml" "$PSW_HOME/templates/"

# jv PATH: a value of the last json output ($out).
jv() {
	printf '%s\n' "$out" >"$tap_tmp/j.json"
	"$FC" json "$tap_tmp/j.json" "$1"
}

# --- two weeks ago: the first meeting ---------------------------------------
run psw-plan --as-of 2026-11-14 new sam-r --name "Sam Rivera" \
    --dob 1988-05-06 --worker sam --template housing-first
is "$out" "added client sam-r from template housing-first: 3 goals, 6 actions" "new client from a template"
run psw-plan --as-of 2026-11-14 goal progress sam-r g1 --rating 3 --note "sleeping in the car"
ok '[ $rc -eq 0 ]' "a first rating"
run psw-plan --as-of 2026-11-14 consent add sam-r --scope share-with-gp
is "$out" "added consent k1" "consent given"

# --- today --------------------------------------------------------------------
run psw-plan action done sam-r g1.1 --date 2026-11-20
ok '[ $rc -eq 0 ]' "an action done last week"
run psw-plan action done sam-r g2.1
ok '[ $rc -eq 0 ]' "an action done today"
run psw-plan action add sam-r g1 --title "Call the housing officer back" --due 2026-11-25 --owner worker
is "$out" "added action g1.4" "an action that is already overdue"
run psw-plan goal add sam-r --domain social --title "Join the Thursday walking group" --target +2m --why "to see people"
is "$out" "added goal g4" "a goal of the client's own"
run psw-plan goal progress sam-r g1 --rating 5 --note "a flat viewing booked"
ok '[ $rc -eq 0 ]' "progress today"

run psw-plan note sam-r --kind face-to-face --minutes 50 "Met at the drop-in. Talked through the flats."
is "$out" "added note for sam-r on 2026-11-28" "a note from the command line"
printf 'Phoned back at 4pm.\nSam: "I can do Thursday" \342\200\224 relieved.\n' >"$tap_tmp/note2"
run sh -c 'psw-plan note sam-r --kind phone --minutes 10 - <"$1"' sh "$tap_tmp/note2"
is "$out" "added note for sam-r on 2026-11-28" "a note from standard input"
d0=$(digest "$f")
run sh -c 'psw-plan note sam-r - </dev/null'
ok '[ $rc -eq 2 ] && [ "$(digest "$f")" = "$d0" ]' "a note from an empty stdin is refused, nothing written"

run psw-plan review sam-r --note "First review with Sam: housing first"
is "$out" "reviewed sam-r on 2026-11-28, next review 2027-02-20" "a plan review (the template's 12w)"

run psw-plan team add sam-r --name "Dr Lee" --role gp --org "Northside Medical" --phone "03 9000 0000"
is "$out" "added team member t1" "a care team member"
run psw-plan consent add sam-r --scope share-with-housing --given 2026-11-20
is "$out" "added consent k2" "a second consent"
run psw-plan consent revoke sam-r k2
ok '[ $rc -eq 0 ]' "consent revoked"

run psw-assess add sam-r phq-9 --answers 1,1,1,1,1,1,1,1,2
ok '[ $rc -eq 0 ]' "a PHQ-9 that raises a risk flag"
run psw-plan show sam-r --section safety
ok 'echo "$out" | grep -q "No safety plan"' "show: the flag and no safety plan yet"
run psw-plan list --risk --format tsv
is "$(echo "$out" | cut -f1)" "sam-r" "list --risk finds the client"
psw-plan -q safety add sam-r --step warning-signs "Not sleeping, skipping meals"
psw-plan -q safety add sam-r --step coping "Walk to the river"
psw-plan -q safety add sam-r --step distractions "The library on Smith St"
psw-plan -q safety add sam-r --step people --phone "0400 111 222" "My sister Ana"
psw-plan -q safety add sam-r --step professionals --phone "13 11 14" "Lifeline"
psw-plan -q safety add sam-r --step means-safety "Ana keeps the spare medication"
psw-plan -q safety add sam-r --step matters-most "My dog, Biscuit"
run psw-plan safety reviewed sam-r
ok '[ $rc -eq 0 ]' "the safety plan built and reviewed with the client"
run psw-plan safety show sam-r
ok '[ $rc -eq 0 ] && [ "$(echo "$out" | grep -n "^[1-6]\. " | cut -d: -f2 | cut -c1 | tr -d "\n")" = "123456" ]' "the crisis card shows the six steps in order"
ok 'echo "$out" | grep -q "Lifeline   tel. 13 11 14" && echo "$out" | grep -q "Reviewed with the client on 2026-11-28"' "phone numbers beside their items; reviewed today"
psw-plan -q strength add sam-r "Keeps every appointment"
psw-plan -q need set sam-r housing unmet --note "sleeping in the car"

# --- the file by hand, with a scripted editor ----------------------------------
ed="$tap_tmp/editors"
mkdir -p "$ed"
printf '#!/bin/sh\nsed -i "s/^name: Sam Rivera$/name: Sam Rivera\\npreferred-name: Sammy\\npronouns: he\\/him/" "$1"\n' >"$ed/valid"
printf '#!/bin/sh\nsed -i "s/^dob: .*/dob: 1988-02-30/" "$1"\n' >"$ed/invalid"
cat >"$ed/race" <<'SH'
#!/bin/sh
sed -i 's/^preferred-name: .*/preferred-name: Mine/' "$1"
psw-plan -q set sam-r email sam@example.org
SH
chmod +x "$ed"/*
run env EDITOR="$ed/valid" psw-plan edit sam-r
ok '[ $rc -eq 0 ] && [ "$out" = "updated sam-r" ]' "edit: a valid change saved"
d0=$(digest "$f")
run env EDITOR="$ed/invalid" psw-plan edit sam-r
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "sam-r\.yaml:6:6: '\''dob'\'' is not a date" && [ "$(digest "$f")" = "$d0" ]' "edit: an invalid change refused with file:line:col, the file byte-identical"
run env EDITOR="$ed/race" psw-plan edit sam-r
ok '[ $rc -eq 4 ] && grep -q "^email: sam@example.org$" "$f" && grep -q "^preferred-name: Sammy$" "$f"' "edit: a change made meanwhile is not overwritten (exit 4)"
rm -rf "$TMPDIR"/psw-edit.*

# --- close and reopen -------------------------------------------------------------
run psw-plan close sam-r --reason "Moved out of the area"
is "$out" "closed sam-r on 2026-11-28" "close"
run psw-plan reopen sam-r --reason "Came back to Northside"
ok '[ $rc -eq 0 ]' "reopen"

# --- the whole plan, read back ------------------------------------------------------
run psw-plan show sam-r
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "g1.4  Call the housing officer back (worker), due 2026-11-25 OVERDUE 3 days"' "show: the overdue action marked"
ok 'echo "$out" | grep -q "progress  3 -> 5  up 2 since 2026-11-14"' "show: the progress trend"

run psw-plan show sam-r --format json
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" >"$tap_tmp/s.json" && "$FC" json "$tap_tmp/s.json" >/dev/null' "show --format json is valid JSON"
is "$(jv .id)|$(jv .name)|$(jv .preferred_name)|$(jv .pronouns)|$(jv .status)|$(jv .worker)|$(jv .dob)|$(jv .opened)|$(jv .closed)|$(jv .email)" \
    "sam-r|Sam Rivera|Sammy|he/him|active|sam|1988-05-06|2026-11-14|null|sam@example.org" "profile fields"
is "$(jv .history.0.date)|$(jv .history.0.status)|$(jv .history.0.by)|$(jv .history.0.reason)" "2026-11-28|closed|worker|Moved out of the area" "history: the closing, who and why"
is "$(jv .history.1.status)|$(jv .history.1.reason)" "active|Came back to Northside" "history: the reopening"
is "$(jv .review.every)|$(jv .review.last)|$(jv .review.next)|$(jv .review.overdue)|$(jv .review.history.0.note)" \
    "12w|2026-11-28|2027-02-20|false|First review with Sam: housing first" "review"
is "$(jv .goals.0.id)|$(jv .goals.1.id)|$(jv .goals.2.id)|$(jv .goals.3.id)|$(jv .goals.3.domain)|$(jv .goals.3.target)" "g1|g2|g3|g4|social|2027-01-28" "goals and their ids"
is "$(jv .goals.0.actions.0.id)|$(jv .goals.0.actions.0.done)|$(jv .goals.0.actions.0.overdue)" "g1.1|2026-11-20|false" "an action done"
is "$(jv .goals.1.actions.0.id)|$(jv .goals.1.actions.0.done)" "g2.1|2026-11-28" "an action done today"
is "$(jv .goals.0.actions.1.id)|$(jv .goals.0.actions.1.due)|$(jv .goals.0.actions.1.overdue)" "g1.2|2026-11-28|false" "an action due today is not overdue"
is "$(jv .goals.0.actions.3.id)|$(jv .goals.0.actions.3.owner)|$(jv .goals.0.actions.3.overdue)|$(jv .goals.0.actions.3.days_overdue)" "g1.4|worker|true|3" "the overdue action"
is "$(jv .goals.0.progress.0.rating)|$(jv .goals.0.progress.1.rating)|$(jv .goals.0.trend)|$(jv .goals.0.change)|$(jv .goals.0.latest_rating)" "3|5|up|2|5" "progress ratings and their trend"
is "$(jv .team.0.id)|$(jv .team.0.name)|$(jv .team.0.role)|$(jv .team.0.org)|$(jv .team.0.phone)|$(jv .team.0.current)" "t1|Dr Lee|gp|Northside Medical|03 9000 0000|true" "the care team"
is "$(jv .consent.0.id)|$(jv .consent.0.given)|$(jv .consent.0.state)" "k1|2026-11-14|active" "consent given"
is "$(jv .consent.1.id)|$(jv .consent.1.revoked)|$(jv .consent.1.state)" "k2|2026-11-28|revoked" "consent revoked"
is "$(jv .safety_plan.present)|$(jv .safety_plan.reviewed)|$(jv .safety_plan.review)|$(jv .safety_plan.risk_flag)" "true|2026-11-28|reviewed|2026-11-28" "the safety plan's state, reviewed on the day of the flag"
is "$(jv .assessments.0.id)|$(jv .assessments.0.instrument)|$(jv .assessments.0.total)|$(jv .assessments.0.risk)|$(jv .assessments.0.answers.8)" "a1|phq-9|10|high|2" "the assessment, scored"
is "$(jv .safety_plan.people.0.text)|$(jv .safety_plan.people.0.phone)|$(jv .safety_plan.matters-most.0.text)" "My sister Ana|0400 111 222|My dog, Biscuit" "safety plan items"
is "$(jv .strengths.0)|$(jv .needs.0.domain)|$(jv .needs.0.need)" "Keeps every appointment|housing|unmet" "strengths and needs"
is "$(jv .contacts.0.kind)|$(jv .contacts.0.minutes)|$(jv .contacts.1.kind)|$(jv .contacts.1.minutes)|$(jv .last_contact)" "face-to-face|50|phone|10|2026-11-28" "two contacts"
is "$(jv .contacts.1.note)" 'Phoned back at 4pm.\nSam: \"I can do Thursday\" — relieved.\n' "the note from stdin, verbatim"
ok '[ -z "$(jv .contacts.2.date)" ]' "no note from the empty stdin"

run psw-plan validate
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "1 client file, all valid"' "validate: clean"
ok '[ -z "$(ls "$TMPDIR")" ]' "no private copies left behind"
done_testing

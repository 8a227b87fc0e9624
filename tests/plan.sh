#!/bin/sh
# plan.sh - psw-plan new, note, list and validate end to end.
. "$PSW_SRC/tests/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
f="$PSW_HOME/clients/alex-m.yaml"

run psw-plan new alex-m --name "Alex Morgan" --dob 1991-04-02 --worker sam
ok '[ $rc -eq 0 ]' "new"
is "$(cat "$f")" "psw: 1
id: alex-m
name: Alex Morgan
dob: 1991-04-02
status: active
opened: 2026-11-28
worker: sam
review: {every: 90d, next: 2027-02-26}" "the new file is plain YAML in the documented order, first review set"
d0=$(digest "$f")
run psw-plan new alex-m --name Other
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "exists already"' "existing id refused (exit 3)"
is "$(digest "$f")" "$d0" "existing file untouched"
run psw-plan new bo --name Bo --dob "someday"
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "is not a date"' "bad --dob refused (exit 2)"
ok '[ ! -e "$PSW_HOME/clients/bo.yaml" ]' "nothing written for a bad date"
run psw-plan new bo --name Bo --status closed
ok '[ $rc -eq 2 ]' "new with status closed refused"
run psw-plan new bo
ok '[ $rc -eq 2 ] && echo "$err" | grep -q -- "--name"' "new without --name refused"
run psw-plan new "no" --name "no" --dob yesterday --status referred
ok '[ $rc -eq 0 ] && grep -q "^dob: 2026-11-27$" "$PSW_HOME/clients/no.yaml"' "relative --dob"
ok 'grep -q "^name: '\''no'\''$" "$PSW_HOME/clients/no.yaml"' "a name that reads as a bool is quoted"

# --- notes ----------------------------------------------------------------
run psw-plan note alex-m --kind phone --minutes 15 "Called about the tenancy."
ok '[ $rc -eq 0 ] && [ "$out" = "added note for alex-m on 2026-11-28" ]' "note from an argument"
printf 'Long talk.\n\nShe said: "yes" — it went well # not a comment\n  indented line\nÜnïcødé 中文 ✓\n' >"$tap_tmp/note.txt"
run sh -c 'psw-plan note alex-m --kind face-to-face --date 2026-11-20 - <"$1"' sh "$tap_tmp/note.txt"
ok '[ $rc -eq 0 ]' "note from stdin"
got=$($PY -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); print(d["contacts"][1]["note"], end="")' "$f")
is "$got" "$(cat "$tap_tmp/note.txt")" "multi-line unicode note kept verbatim (read back by PyYAML)"
d1=$(digest "$f")
run sh -c 'psw-plan note alex-m - </dev/null'
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "empty"' "empty note from stdin refused"
run psw-plan note alex-m --kind sms "x"
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown kind"' "bad kind refused"
run psw-plan note alex-m --minutes 99999 "x"
ok '[ $rc -eq 2 ]' "bad minutes refused"
run psw-plan note nobody "x"
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "unknown client: exit 3"
run psw-plan note alex-m --date "next week" "x"
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "is not a date"' "bad note date: exit 2"
is "$(digest "$f")" "$d1" "refusals leave the file byte-identical"

# --- hand edits survive a rewrite ------------------------------------------
cat >>"$f" <<'YAML'
x-local: {colour: blue, tags: [a, b]}
strengths: [keeps appointments, supportive sister]
YAML
run psw-plan note alex-m "after the hand edit"
ok '[ $rc -eq 0 ]' "note after a hand edit"
ok 'grep -A2 "^x-local:$" "$f" | tr "\n" "|" | grep -q "^x-local:|  colour: blue|  tags: \[a, b\]|$"' "unknown keys kept on rewrite (inner flow style kept)"
ok 'grep -q "^strengths: \[keeps appointments, supportive sister\]$" "$f"' "known keys kept as written"
ok '[ "$(grep -n "^x-local" "$f" | cut -d: -f1)" -lt "$(grep -n "^strengths" "$f" | cut -d: -f1)" ]' "key order kept"
ok '$PY -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); assert len(d[\"contacts\"])==3" "$f"' "three notes"

# --- validate -------------------------------------------------------------
run psw-plan validate
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "2 client files, all valid"' "validate clean"
run psw-plan validate -q alex-m
ok '[ $rc -eq 0 ] && [ -z "$err" ]' "validate one id, quiet"
cat >"$PSW_HOME/clients/bad.yaml" <<'YAML'
psw: 1
id: bad
name: Bad Example
status: sleeping
opened: 2026-13-01
goals:
  - id: g1
    domain: housing
    title: Somewhere to live
    status: active
    target: next week
  - id: g1
    domain: space
    title: x
    status: active
YAML
run psw-plan validate
ok '[ $rc -eq 3 ]' "validate with problems: exit 3"
ok 'echo "$err" | grep -q "^psw-plan: clients/bad.yaml:4:9: '\''status'\'' must be referred, active, on-hold or closed, not '\''sleeping'\''$"' "bad status at line:col"
ok 'echo "$err" | grep -q "^psw-plan: clients/bad.yaml:5:9: '\''opened'\'' is not a date"' "bad date at line:col"
ok 'echo "$err" | grep -q "^psw-plan: clients/bad.yaml:11:13: goal g1: '\''target'\'' is not a date (YYYY-MM-DD): '\''next week'\''$"' "goal target at line:col"
ok 'echo "$err" | grep -q "clients/bad.yaml:12:9: goal: id '\''g1'\'' is used twice (first at line 7)"' "duplicate goal id"
ok 'echo "$err" | grep -q "clients/bad.yaml:13:13: goal g1: '\''domain'\'' must be"' "bad domain"
ok 'echo "$err" | grep -q "5 problems in 1 of 3 client files"' "every problem reported, with a summary"
run psw-plan list --format tsv
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "clients/bad.yaml:4:9: .*(skipped)" && [ $(printf "%s\n" "$out" | wc -l) -eq 2 ]' \
    "list skips a bad file with a warning and lists the rest"
printf 'psw: 1\nid: bad\nname: [unclosed\n' >"$PSW_HOME/clients/bad.yaml"
run psw-plan list --format tsv
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "^psw-plan: clients/bad.yaml:[0-9]*:[0-9]*: .*(skipped)$"' "unparsable file reported with line:col and skipped"
run psw-plan validate bad
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "clients/bad.yaml:[0-9]*:[0-9]*:"' "validate names the YAML error position"
printf 'psw: 2\nid: bad\nname: From the future\nstatus: active\nopened: 2030-01-01\n' >"$PSW_HOME/clients/bad.yaml"
d2=$(digest "$PSW_HOME/clients/bad.yaml")
run psw-plan note bad "x"
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "format version 2 is newer"' "a newer format is refused"
is "$(digest "$PSW_HOME/clients/bad.yaml")" "$d2" "and not rewritten"
rm "$PSW_HOME/clients/bad.yaml"
run psw-plan validate nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "validate an unknown id"
run psw-plan validate "../etc"
ok '[ $rc -eq 2 ]' "validate a bad id: exit 2"

# --- settings -------------------------------------------------------------
printf 'worker: robin\nreview-every: often\n' >"$PSW_HOME/psw.yaml"
run psw-plan list
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "^psw-plan: psw.yaml:2:15: '\''review-every'\'' must be a duration"' "bad setting: exit 3 with line:col"
printf 'worker: robin\n' >"$PSW_HOME/psw.yaml"
printf 'worker: robin\nreview-every: 2w\n' >"$PSW_HOME/psw.yaml"
run psw-plan new cy --name Cy
ok 'grep -q "^worker: robin$" "$PSW_HOME/clients/cy.yaml"' "worker default from psw.yaml"
ok 'grep -q "^review: {every: 2w, next: 2026-12-12}$" "$PSW_HOME/clients/cy.yaml"' "review interval from psw.yaml"
run psw-plan new dee --name Dee --format xml
ok '[ $rc -eq 2 ] && [ ! -e "$PSW_HOME/clients/dee.yaml" ]' "a bad --format is refused by writing commands too"

done_testing

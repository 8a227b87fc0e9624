#!/bin/sh
# assess.sh - psw-assess: every command and its bad input (TAP).  The
# interactive administration is driven through a pseudo-terminal by
# tests/pty_run.c; machine formats are read back by tests/fmtcheck.c.
. "$PSW_SRC/tests/tap.sh"

FC="$PSW_BUILD/tests/fmtcheck"
PTY="$PSW_BUILD/tests/pty_run"
F="$PSW_HOME/clients/alex-m.yaml"

# A pty script from the arguments (one line each) in $tap_tmp/script.
script() {
	printf '%s\n' "$@" >"$tap_tmp/script"
}

# --- instruments without a case folder ----------------------------------
run psw-assess instruments --format tsv
is "$(echo "$out" | cut -f1 | tr '\n' ' ')" "audit audit-c cansas core-10 cssrs-screen dass-21 gad-2 gad-7 k10 k6 phq-2 phq-9 pss-10 who-5 " \
    "instruments: the 14 built-in ones, no case folder needed"
ok '[ ! -e "$PSW_HOME" ]' "instruments creates no case folder"
is "$(echo "$out" | grep '^who-5' | cut -f3-8 | tr '\t' ' ')" "5 0 100 better built-in " \
    "instruments: items, range, direction, source"
is "$(echo "$out" | grep '^phq-9' | cut -f8)" "44261-6" "instruments: LOINC code"
run psw-assess instruments --format json
printf '%s' "$out" >"$tap_tmp/i.json"
is "$("$FC" json "$tap_tmp/i.json" .13.id)" "who-5" "instruments --format json reads back"
run psw-assess instruments extra
ok '[ $rc -eq 2 ]' "instruments takes no operands"

# --- describe, instrument show ---------------------------------------------
run psw-assess describe phq-9
ok '[ $rc -eq 0 ] && echo "$out" | grep -qx "bands: minimal 0-4, mild 5-9, moderate 10-14, moderately-severe 15-19, severe 20-27"' \
    "describe: the bands"
ok 'echo "$out" | grep -qx "  suicidality (high): item 9 at 1 or more" && echo "$out" | grep -qx "caseness: 10 or more" && echo "$out" | grep -qx "reliable change: 6" && echo "$out" | grep -qx "loinc: 44261-6"' \
    "describe: flag rule, caseness, reliable change, LOINC"
ok 'echo "$out" | grep -q "^citation: Kroenke K" && echo "$out" | grep -q "^licence: Public domain"' "describe: the source"
run psw-assess describe who-5
ok 'echo "$out" | grep -qx "scoring: the sum of the 5 items; times 4" && echo "$out" | grep -qx "range: 0 to 100, higher is better"' \
    "describe: multiplier and direction"
run psw-assess describe core-10
ok 'echo "$out" | grep -q "items 2 and 3 reverse-scored" && echo "$out" | grep -q "^missing answers: up to 1, prorated"' \
    "describe: reverse scoring and prorating"
run psw-assess instrument show audit --format json
printf '%s' "$out" >"$tap_tmp/d.json"
is "$("$FC" json "$tap_tmp/d.json" .items.8.values | tr -d ' \n')" "[0,2,4]" \
    "instrument show --format json: AUDIT item 9 allows 0, 2, 4"
is "$("$FC" json "$tap_tmp/d.json" .bands.3.name)" "possible-dependence" "json bands"
run psw-assess describe phq-10
ok '[ $rc -eq 3 ] && [ "$err" = "psw-assess: unknown instrument '\''phq-10'\'' (see '\''psw-assess instruments'\'')" ]' \
    "describe an unknown instrument: exit 3, one line"
run psw-assess describe
ok '[ $rc -eq 2 ]' "describe without an id: exit 2"
run psw-assess describe phq-9 --format csv
ok '[ $rc -eq 2 ]' "describe has no csv: exit 2"
run psw-assess instrument
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "instrument needs a subcommand"' "instrument without a subcommand: exit 2"
run psw-assess instrument frob
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown subcommand '\''instrument frob'\''"' "instrument frob: exit 2"

# --- instrument validate ----------------------------------------------------
cat >"$tap_tmp/good.yaml" <<'EOF'
psw-instrument: 1
id: mood-scale
name: Mood scale (local)
citation: our service, 2026
licence: ours
options:
  - {value: 0, label: not at all}
  - {value: 10, label: completely}
items:
  - {label: low mood, values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
  - {label: worry, values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
lookup: {0: 0, 1: 5, 2: 10, 3: 15, 4: 20, 5: 25, 6: 30, 7: 35, 8: 40, 9: 45,
  10: 50, 11: 55, 12: 60, 13: 65, 14: 70, 15: 75, 16: 80, 17: 85, 18: 90,
  19: 95, 20: 100}
bands:
  - {name: fine, low: 0, high: 45}
  - {name: struggling, low: 50, high: 100}
caseness: 50
reliable-change: 20
flags:
  - {name: very-low, level: moderate, items: [1], min: 10}
EOF
run psw-assess instrument validate "$tap_tmp/good.yaml"
ok '[ $rc -eq 0 ] && [ -z "$out" ] && echo "$err" | grep -q "good.yaml: valid: mood-scale, 2 items"' \
    "instrument validate: a good definition"
sed 's/high: 45/high: 40/' "$tap_tmp/good.yaml" >"$tap_tmp/gap.yaml"
run psw-assess instrument validate "$tap_tmp/gap.yaml"
is "$err" "psw-assess: $tap_tmp/gap.yaml:16:3: score 45 is in no band" \
    "instrument validate: a gap between bands, file:line:col, exit $rc"
ok '[ $rc -eq 3 ]' "a bad definition: exit 3"
sed 's/19: 95, //' "$tap_tmp/good.yaml" >"$tap_tmp/lk.yaml"
run psw-assess instrument validate "$tap_tmp/lk.yaml"
is "$err" "psw-assess: $tap_tmp/lk.yaml:12:9: 'lookup' has no entry for raw score 19 (it must cover 0 to 20)" \
    "instrument validate: a lookup table with a hole"
printf 'psw-instrument: 1\nid: x\nfrobs: 2\n' >"$tap_tmp/key.yaml"
run psw-assess instrument validate "$tap_tmp/good.yaml" "$tap_tmp/key.yaml"
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "key.yaml:3:1: unknown key '\''frobs'\''" && echo "$err" | grep -q "good.yaml: valid"' \
    "instrument validate: each file, the worst status"
run psw-assess instrument validate "$tap_tmp/none.yaml"
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "cannot open"' "instrument validate: a missing file"
run psw-assess instrument validate
ok '[ $rc -eq 2 ]' "instrument validate without a file: exit 2"

# --- score --------------------------------------------------------------------
run psw-assess score phq-9 --answers 2,1,0,1,2,3,1,0,0 --format json
is "$out" '{"instrument":"phq-9","raw":10,"total":10,"band":"moderate","flags":[],"risk":null,"caseness":true,"missing":0,"prorated":false}' \
    "score --format json: one object, flags an empty array"
run psw-assess score phq-9 --answers 0,0,0,0,0,0,0,0,1 --format json
printf '%s' "$out" >"$tap_tmp/s.json"
is "$("$FC" json "$tap_tmp/s.json" .flags.0.name) $("$FC" json "$tap_tmp/s.json" .band)" "suicidality minimal" \
    "score: item 9 flags suicidality at a total of 1"
run psw-assess score dass-21 --answers 0,1,2,3,0,1,2,3,0,1,2,3,0,1,2,3,0,1,2,3,0 --format json
printf '%s' "$out" >"$tap_tmp/s.json"
is "$("$FC" json "$tap_tmp/s.json" .subscales.0.id) $("$FC" json "$tap_tmp/s.json" .subscales.0.score) $("$FC" json "$tap_tmp/s.json" .subscales.0.band)" \
    "depression 12 mild" "score: DASS-21 subscales doubled, banded"
is "$("$FC" json "$tap_tmp/s.json" .subscales.1.score) $("$FC" json "$tap_tmp/s.json" .subscales.1.band) $("$FC" json "$tap_tmp/s.json" .subscales.2.score) $("$FC" json "$tap_tmp/s.json" .subscales.2.band)" \
    "26 extremely-severe 22 moderate" "score: DASS-21 anxiety and stress"
is "$("$FC" json "$tap_tmp/s.json" .total)" "60" "score: DASS-21 total, every item x 2"
run psw-assess score who-5 --answers 3,3,3,3,3 --format tsv
is "$out" "who-5	15	60	adequate-wellbeing				0		" "score --format tsv: raw 15, reported 60, no caseness"
run psw-assess score phq-9 --answers 1,1,1
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "phq-9 takes 9 answers, not 3"' "score: wrong number of answers, exit 3"
run psw-assess score audit --answers 0,0,0,0,0,0,0,0,3,0
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "answer 9 is 3; audit item 9 allows 0, 2 or 4"' \
    "score: a value the item does not allow, exit 3"
run psw-assess score phq-9 --answers 1,x,1
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "answer 2 is not a number"' "score: a non-number, exit 3"
run psw-assess score nope --answers 1
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "unknown instrument '\''nope'\''"' "score: unknown instrument, exit 3"
printf '1,1,1,1,1,1,1,1,1\n1,1\n3,3,3,3,3,3,3,3,3\n' >"$tap_tmp/bulk"
run psw-assess score phq-9 --format csv <"$tap_tmp/bulk"
printf '%s\n' "$out" >"$tap_tmp/bulk.csv"
is "$("$FC" csv "$tap_tmp/bulk.csv")" "instrument|raw|total|band|flags|risk|caseness|missing|subscales|error
phq-9|9|9|mild|suicidality|high|0|0||
phq-9|||||||||phq-9 takes 9 answers, not 2
phq-9|27|27|severe|suicidality|high|1|0||" \
    "score: one result a line from standard input, a bad line kept in place"
ok '[ $rc -eq 3 ] && [ "$err" = "psw-assess: stdin:2: phq-9 takes 9 answers, not 2" ]' \
    "bulk: the bad line named on stderr, exit 3"
run psw-assess score gad-2 --format json <"$tap_tmp/bulk"
ok '[ "$(echo "$out" | wc -l)" -eq 3 ]' "bulk json: one object a line"
printf '1,1\n1,\0002\n' | psw-assess score gad-2 --format tsv >"$tap_tmp/o" 2>"$tap_tmp/e"
rc=$?
ok '[ $rc -eq 3 ] && [ "$(cat "$tap_tmp/e")" = "psw-assess: stdin:2: a NUL byte in the line" ] && [ "$(wc -l <"$tap_tmp/o")" -eq 2 ]' \
    "bulk: a NUL byte in a line, one message, the row kept"
printf '1,1\n2,2\n' | psw-assess score gad-2 --format tsv >"$tap_tmp/o" 2>&1
is "$(cut -f3,4 "$tap_tmp/o" | tr '\t\n' ' |')" "2 negative|4 positive|" "bulk: every line scored, exit 0"
printf 'sleep 300\n' >"$tap_tmp/script"
"$PTY" "$tap_tmp/script" psw-assess score phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 2 ] && grep -q "score needs --answers LIST" "$tap_tmp/o"' \
    "score on a terminal without --answers: exit 2 rather than wait"

# --- a case folder --------------------------------------------------------------
run psw-plan new alex-m --name "Alex Morgan" --worker sam
printf 'worker: sam\n' >"$PSW_HOME/psw.yaml"
run psw-plan new bo-k --name "Bo K" --worker kim
run psw-plan safety add alex-m --step people --phone "0400 000 001" "Sister Jo"
run psw-plan safety add alex-m --step professionals --phone "13 11 14" "Crisis line"

# --- add --------------------------------------------------------------------------
run psw-assess add alex-m phq-9 --answers 3,3,3,2,2,2,2,2,0 --date 2026-09-01 --note "first session"
is "$out" "added a1 for alex-m: phq-9 on 2026-09-01, score 19 (moderately-severe)
  caseness: yes
  the first phq-9 for alex-m" "add: score, band, caseness, the first one"
ok '[ $rc -eq 0 ] && [ -z "$err" ]' "add: exit 0, nothing on stderr"
ok 'grep -q "^    answers: \[3, 3, 3, 2, 2, 2, 2, 2, 0\]$" "$F" && grep -q "^    score: 19$" "$F" && grep -q "^    band: moderately-severe$" "$F" && grep -q "^    by: sam$" "$F" && grep -q "^    note: first session$" "$F"' \
    "add: answers, score, band, by and note in the client file"
ok 'grep -q "	assess add	alex-m$" "$PSW_HOME/audit.log"' "add: an audit line"
run psw-assess add alex-m phq-9 --answers 2,2,1,2,1,1,2,1,0 --date 2026-10-01 --by lee
is "$out" "added a2 for alex-m: phq-9 on 2026-10-01, score 12 (moderate)
  caseness: yes
  since the first, a1 on 2026-09-01 (19): -7, reliable improvement" "add: reliable improvement since the first"
ok 'grep -q "^    by: lee$" "$F"' "add --by"
run psw-assess add alex-m phq-9 --answers 1,1,1,1,0,0,0,0,1
printf '%s\n' "$out" >"$tap_tmp/o"
ok '[ $rc -eq 0 ] && grep -qx "  since the previous, a2 on 2026-10-01 (12): -7, reliable improvement, recovery" "$tap_tmp/o" && grep -qx "  since the first, a1 on 2026-09-01 (19): -14, reliable improvement, recovery" "$tap_tmp/o"' \
    "add: change since the previous and the first, recovery"
ok 'grep -qx "!! RISK FLAG: suicidality (high)" "$tap_tmp/o" && grep -qx "!!   Sister Jo, 0400 000 001 (people)" "$tap_tmp/o" && grep -qx "!!   Crisis line, 13 11 14 (professionals)" "$tap_tmp/o" && grep -q "^!! review the safety plan with the client: psw-plan safety show alex-m" "$tap_tmp/o"' \
    "add: a risk flag printed prominently with the safety plan's contacts"
ok 'echo "$err" | grep -q "^psw-assess: RISK: alex-m a3 phq-9: suicidality (high): item 9" && echo "$err" | grep -q "review the safety plan of alex-m"' \
    "add: the risk flag on stderr too"
ok 'grep -q "^    flags: \[suicidality\]$" "$F"' "add: flags in the file"
run psw-assess add bo-k core-10 --answers 0,4,4,0,0,1,0,0,0,0 -q
ok '[ $rc -eq 0 ] && [ -z "$out" ] && echo "$err" | grep -q "RISK: bo-k a1 core-10: risk (high)"' \
    "add -q: quiet, but the risk warning still on stderr"
run psw-assess add bo-k core-10 --answers 1,3,3,1,1,0,1,1,1,~ --format json
printf '%s' "$out" >"$tap_tmp/a.json"
is "$("$FC" json "$tap_tmp/a.json" .total) $("$FC" json "$tap_tmp/a.json" .prorated) $("$FC" json "$tap_tmp/a.json" .band) $("$FC" json "$tap_tmp/a.json" .previous)" \
    "9 true low null" "add --format json: one missing CORE-10 item prorated (8 x 10/9 = 8.9, so 9)"
is "$("$FC" json "$tap_tmp/a.json" .first.id) $("$FC" json "$tap_tmp/a.json" .first.change) $("$FC" json "$tap_tmp/a.json" .id)" "a1 8 a2" "add json: the first and the change"
ok 'grep -q "answers: \[1, 3, 3, 1, 1, 0, 1, 1, 1, ~\]" "$PSW_HOME/clients/bo-k.yaml"' "a missing answer is ~ in the file"

# --- add: bad input, nothing written -------------------------------------------
before=$(digest "$F")
run psw-assess add alex-m phq-9 --answers 1,1,1
ok '[ $rc -eq 3 ] && [ "$err" = "psw-assess: --answers: phq-9 takes 9 answers, not 3" ]' "wrong number of answers: exit 3, one line"
run psw-assess add alex-m phq-9 --answers 1,1,1,1,1,1,1,1,4
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "answer 9 is 4; phq-9 item 9 allows 0, 1, 2 or 3"' "a value out of range: exit 3"
run psw-assess add alex-m k10 --answers 0,1,1,1,1,1,1,1,1,1
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "answer 1 is 0; k10 item 1 allows 1, 2, 3, 4 or 5"' "K10 answers are 1 to 5: exit 3"
run psw-assess add alex-m phq-9 --answers 1,one,1
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "^psw-assess: --answers: answer 2 is not a number"' "a non-number: exit 2"
run psw-assess add alex-m phq-9 --answers 1,1,1,1,1,1,1,1,~
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "1 answer is missing; phq-9 needs every answer"' "PHQ-9 allows no missing answer"
run psw-assess add alex-m core-10 --answers 1,1,1,1,1,1,1,1,~,~
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "2 answers are missing; core-10 allows at most 1"' "CORE-10: two missing may not be prorated"
run psw-assess add alex-m phq-10 --answers 1
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "unknown instrument '\''phq-10'\''"' "an unknown instrument: exit 3"
run psw-assess add nobody phq-9 --answers 1,1,1,1,1,1,1,1,1
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "an unknown client: exit 3"
ok '[ ! -e "$PSW_HOME/clients/nobody.yaml" ]' "no file for an unknown client"
run psw-assess add alex-m phq-9 --answers 1,1,1,1,1,1,1,1,1 --date 2026-12-01
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "2026-12-01 is after today"' "a date in the future: exit 2"
run psw-assess add alex-m phq-9 --answers 1,1,1,1,1,1,1,1,1 --date soon
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "^psw-assess: --date:"' "a bad date: exit 2"
run psw-assess add alex-m phq-9
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "not one: give --answers LIST"' "add without --answers off a terminal: exit 2, no hang"
run psw-assess add alex-m
ok '[ $rc -eq 2 ]' "add without an instrument: exit 2"
run psw-assess add ../x phq-9 --answers 1
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "not a valid client id"' "a bad client id: exit 2"
run psw-assess add alex-m phq-9 --answers 1,1,1,1,1,1,1,1,1 --format csv
ok '[ $rc -eq 2 ]' "add has no csv: exit 2"
is "$(digest "$F")" "$before" "no bad input changed the client file"

# --- CANSAS sets the needs ---------------------------------------------------------
run psw-plan need set bo-k physical-health unmet
run psw-plan need set bo-k money unmet --note "budget done"
run psw-assess add bo-k cansas --answers 2,0,1,0,9,9,0,2,0,0,0,1,0,2,0,0,0,0,0,9,1,0
printf '%s\n' "$out" >"$tap_tmp/o"
ok '[ $rc -eq 0 ] && grep -qx "added a3 for bo-k: cansas on 2026-11-28, score 6" "$tap_tmp/o" && grep -qx "  3 unmet needs: accommodation, information, company" "$tap_tmp/o" && grep -qx "  3 met needs: looking-after-the-home, alcohol, money" "$tap_tmp/o"' \
    "CANSAS: met and unmet needs counted, unmet domains named"
run psw-plan need list bo-k --format tsv
is "$out" "daily-living	met	
housing	unmet	
mental-health	unmet	
money	met	budget done
physical-health	unmet	
relationships	none	
safety	none	
social	unmet	
substance-use	met	
work-education	none	" "CANSAS: the client's needs set by domain; a domain rated only 9 (not known) is left as it was"

# --- the case folder's instruments ---------------------------------------------------
mkdir -p "$PSW_HOME/instruments"
cp "$tap_tmp/good.yaml" "$PSW_HOME/instruments/mood-scale.yaml"
run psw-assess instruments --format tsv
is "$(echo "$out" | grep '^mood-scale' | cut -f1,7)" "mood-scale	instruments/mood-scale.yaml" "instruments: the folder's own, with its file"
run psw-assess add alex-m mood-scale --answers 10,3 --date 2026-11-01
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "score 65 (struggling)" && echo "$err" | grep -q "very-low (moderate)"' \
    "a custom instrument with a lookup table: raw 13 reported 65, its flag"
run psw-assess add alex-m mood-scale --answers 2,1
ok '[ $rc -eq 0 ] && echo "$out" | grep -qx "  since the first, a4 on 2026-11-01 (65): -50, reliable improvement, recovery"' \
    "a custom instrument: reliable change and recovery"
cp "$tap_tmp/gap.yaml" "$PSW_HOME/instruments/mood-scale.yaml"
before=$(digest "$F")
run psw-assess add alex-m phq-9 --answers 1,1,1,1,1,1,1,1,1
ok '[ $rc -eq 3 ] && [ "$err" = "psw-assess: instruments/mood-scale.yaml:16:3: score 45 is in no band" ]' \
    "a bad instrument file in the folder: exit 3 with file:line:col"
is "$(digest "$F")" "$before" "nothing written"
sed 's/^id: mood-scale/id: mood/' "$tap_tmp/good.yaml" >"$PSW_HOME/instruments/mood-scale.yaml"
run psw-assess instruments
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "mood-scale.yaml:2:5: '\''id'\'' is '\''mood'\'' but the file is named mood-scale.yaml"' \
    "a folder instrument's id must be its file name"
cp "$tap_tmp/good.yaml" "$PSW_HOME/instruments/mood-scale.yaml"

# --- list -----------------------------------------------------------------------
run psw-assess list --format tsv
is "$out" "alex-m	a1	2026-09-01	phq-9	19	moderately-severe			
alex-m	a2	2026-10-01	phq-9	12	moderate			
alex-m	a4	2026-11-01	mood-scale	65	struggling	very-low	moderate	
alex-m	a3	2026-11-28	phq-9	5	mild	suicidality	high	
alex-m	a5	2026-11-28	mood-scale	15	fine			
bo-k	a1	2026-11-28	core-10	1	healthy	risk	high	
bo-k	a2	2026-11-28	core-10	9	low			
bo-k	a3	2026-11-28	cansas	6				" "list: the caseload's assessments"
run psw-assess list bo-k --instrument core-10 --format tsv
is "$(echo "$out" | cut -f2 | tr '\n' ' ')" "a1 a2 " "list CLIENT --instrument"
run psw-assess list --flagged --format tsv
is "$(echo "$out" | cut -f1,2 | tr '\t\n' ' |')" "alex-m a4|alex-m a3|bo-k a1|" "list --flagged"
run psw-assess list --since 2026-11-02 alex-m --format tsv
is "$(echo "$out" | cut -f2 | tr '\n' ' ')" "a3 a5 " "list --since"
run psw-assess list --format json
printf '%s' "$out" >"$tap_tmp/l.json"
is "$("$FC" json "$tap_tmp/l.json" .3.flags)" "suicidality" "list --format json reads back"
run psw-assess list nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "list an unknown client: exit 3"
run psw-assess list -e --instrument k6
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "list -e when empty: exit 1"
run psw-assess list --instrument k6
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "list empty: nothing, exit 0"

# --- history -----------------------------------------------------------------------
run psw-assess history alex-m phq-9
printf '%s\n' "$out" >"$tap_tmp/o"
ok '[ $rc -eq 0 ] && grep -q "^phq-9 *a3 *2026-11-28 *5 *mild *suicidality *-7 better, recovery *-14 better, recovery$" "$tap_tmp/o"' \
    "history: change against the previous and the first, reliable-change markers"
ok 'grep -qx "phq-9 trend: ▆▄▂  19 to 5, reliable improvement, recovery (3 assessments; higher is worse)" "$tap_tmp/o"' \
    "history: a sparkline trend"
run psw-assess history alex-m --instrument phq-9 --format csv
printf '%s\n' "$out" >"$tap_tmp/h.csv"
is "$("$FC" csv "$tap_tmp/h.csv")" "instrument|id|date|total|band|flags|change_previous|reliable_previous|change_first|reliable_first|recovery|voided
phq-9|a1|2026-09-01|19|moderately-severe|||||||
phq-9|a2|2026-10-01|12|moderate||-7|improvement|-7|improvement|0|
phq-9|a3|2026-11-28|5|mild|suicidality|-7|improvement|-14|improvement|1|" "history --format csv for plotting"
run psw-assess history alex-m --format json
printf '%s' "$out" >"$tap_tmp/h.json"
is "$("$FC" json "$tap_tmp/h.json" .0.instrument) $("$FC" json "$tap_tmp/h.json" .4.reliable_first)" "mood-scale improvement" \
    "history --format json: every instrument, in id order"
run psw-assess history alex-m gad-7
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "history of an instrument never given: nothing"
run psw-assess history alex-m nope
ok '[ $rc -eq 3 ]' "history of an unknown instrument: exit 3"
run psw-assess history nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client"' "history of an unknown client: exit 3"
run psw-assess history
ok '[ $rc -eq 2 ]' "history without a client: exit 2"

# --- show -------------------------------------------------------------------------
run psw-assess show alex-m a3
printf '%s\n' "$out" >"$tap_tmp/o"
ok '[ $rc -eq 0 ] && grep -qx "a3: phq-9 (Patient Health Questionnaire-9) for alex-m on 2026-11-28" "$tap_tmp/o" && grep -qx "   9. 1  Several days  -  Thoughts that you would be better off dead, or of hurting yourself in some way" "$tap_tmp/o" && grep -qx "score 5, mild" "$tap_tmp/o" && grep -q "^RISK FLAG: suicidality (high)" "$tap_tmp/o"' \
    "show: answer by answer with the option labels, score, flags"
run psw-assess show bo-k a2 --format json
printf '%s' "$out" >"$tap_tmp/s.json"
is "$("$FC" json "$tap_tmp/s.json" .answers.9) $("$FC" json "$tap_tmp/s.json" .total) $("$FC" json "$tap_tmp/s.json" .first.id)" "null 9 a1" \
    "show --format json: a missing answer is null"
run psw-assess show alex-m a9
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "alex-m has no assessment '\''a9'\''"' "show an unknown assessment: exit 3"
run psw-assess show alex-m
ok '[ $rc -eq 2 ]' "show without an assessment id: exit 2"

# --- change ------------------------------------------------------------------------
run psw-assess change alex-m phq-9
is "$out" "phq-9 for alex-m: 19 (moderately-severe) on 2026-09-01 to 5 (mild) on 2026-11-28, 3 assessments
change: -14, higher is worse
reliable change: yes, improvement (threshold 6)
caseness: yes to no (cut-off 10)
recovery: yes" "change: first against last, reliable change, caseness, recovery"
run psw-assess change alex-m phq-9 --format json
printf '%s' "$out" >"$tap_tmp/c.json"
is "$("$FC" json "$tap_tmp/c.json" .change) $("$FC" json "$tap_tmp/c.json" .reliable) $("$FC" json "$tap_tmp/c.json" .recovery)" "-14 improvement true" \
    "change --format json: one object"
run psw-assess change alex-m phq-9 --format tsv
is "$out" "alex-m	phq-9	3	a1	2026-09-01	19	moderately-severe	a3	2026-11-28	5	mild	-14	improvement	1	0	1" "change --format tsv"
run psw-assess change bo-k cansas
ok '[ $rc -eq 0 ] && [ -z "$out" ] && echo "$err" | grep -q "bo-k has 1 scored cansas assessment: change needs two"' \
    "change with one assessment: a note, exit 0"
run psw-assess change -e bo-k cansas
ok '[ $rc -eq 1 ]' "change -e with one assessment: exit 1"
run psw-assess change bo-k core-10
ok '[ $rc -eq 0 ] && echo "$out" | grep -qx "reliable change: unknown (core-10 has no threshold)"' "change without a threshold says so"

# --- void ----------------------------------------------------------------------------
run psw-assess void alex-m a2 --reason "entered for the wrong client"
ok '[ $rc -eq 0 ] && [ "$out" = "voided a2 of alex-m (phq-9 on 2026-10-01)" ]' "void"
ok 'grep -q "^    voided: 2026-11-28$" "$F" && grep -q "^    void-reason: entered for the wrong client$" "$F" && grep -q "^    answers: \[2, 2, 1, 2, 1, 1, 2, 1, 0\]$" "$F"' \
    "void: kept in the file, marked with the day and the reason"
run psw-assess list alex-m --instrument phq-9 --format tsv
is "$(echo "$out" | cut -f2 | tr '\n' ' ')" "a1 a3 " "a voided assessment is left out of list"
run psw-assess list alex-m --instrument phq-9 --all --format tsv
is "$(echo "$out" | grep a2 | cut -f5,9)" "	2026-11-28" "list --all shows it voided, unscored"
run psw-assess history alex-m phq-9 --format tsv
is "$(echo "$out" | cut -f2,7,8 | tr '\t\n' ' |')" "a1  |a3 -14 improvement|" "history leaves it out: change from a1 now"
run psw-assess history alex-m phq-9 --all
ok 'echo "$out" | grep -q "^phq-9 *a2 *2026-10-01 *2026-11-28$"' "history --all shows it voided"
run psw-assess show alex-m a2
ok 'echo "$out" | grep -qx "VOIDED on 2026-11-28: entered for the wrong client (left out of scores and reports)"' "show: voided"
before=$(digest "$F")
run psw-assess void alex-m a2 --reason again
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "was voided already, on 2026-11-28"' "void twice: exit 3"
run psw-assess void alex-m a9 --reason x
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "alex-m has no assessment '\''a9'\''"' "void an unknown id: exit 3"
run psw-assess void alex-m a1
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "void needs --reason"' "void without a reason: exit 2"
run psw-assess void alex-m a1 --reason " "
ok '[ $rc -eq 2 ]' "void with a blank reason: exit 2"
run psw-assess void alex-m a1 --reason x --date 2026-08-01
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "cannot be voided before that"' "void before it was given: exit 3"
run psw-assess void nobody a1 --reason x
ok '[ $rc -eq 3 ]' "void for an unknown client: exit 3"
is "$(digest "$F")" "$before" "no refused void changed the file"

# --- ask: answers piped one a line ----------------------------------------------------
run psw-plan new cy --name "Cy" -q
C="$PSW_HOME/clients/cy.yaml"
printf '1\n1\nb\n2\n1\n1\n0\n0\n0\n0\n0\ny\n' >"$tap_tmp/in"
run psw-assess ask cy phq-9 --note "by phone" <"$tap_tmp/in"
ok '[ $rc -eq 0 ] && grep -q "answers: \[1, 2, 1, 1, 0, 0, 0, 0, 0\]" "$C" && grep -q "note: by phone" "$C"' \
    "ask piped: answers one a line, b goes back, y saves"
before=$(digest "$C")
printf '1\n1\n1\n' | psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 130 ] && grep -q "cancelled; nothing was written" "$tap_tmp/o"' "ask piped: the input ends before y: cancelled, exit 130"
printf '1\n1\n1\n1\n1\n1\n1\n1\n1\nq\n' | psw-assess ask cy phq-9 >/dev/null 2>&1
rc=$?
ok '[ $rc -eq 130 ]' "ask piped: q at the summary cancels"
printf '1\n7\n' | psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 3 ] && grep -q "stdin:2: '\''7'\'' is not an answer to this item" "$tap_tmp/o"' "ask piped: a bad answer, exit 3"
printf '1\n1\n1\n1\n1\n1\n1\n1\n\ny\n' | psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 3 ] && grep -q "cannot save: 1 answer is missing" "$tap_tmp/o"' "ask piped: y with a skipped PHQ-9 item refused"
run psw-assess ask cy phq-9 </dev/null
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "not a terminal and holds no answers"' "ask with nothing piped: exit 2"
run psw-assess ask nobody phq-9 <"$tap_tmp/in"
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "ask an unknown client: exit 3 before asking"
run psw-assess ask cy phq-9 --answers 1
ok '[ $rc -eq 2 ]' "ask takes no --answers"
is "$(digest "$C")" "$before" "no cancelled or refused ask changed the file"

# --- ask and add on a terminal -----------------------------------------------------------
script "expect item 1 of 9" "send 1" "expect item 2 of 9" "send 2" \
    "expect item 3 of 9" "send b" "expect item 2 of 9" "expect (answered 2)" \
    "send 3" "expect item 3 of 9" "send 5" "expect 5 is not an answer" \
    "send 1111111" "expect save?" "send y" "expect added a2"
"$PTY" "$tap_tmp/script" psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 0 ] && grep -q "answers: \[1, 3, 1, 1, 1, 1, 1, 1, 1\]" "$C"' \
    "ask on a terminal: digit keys answer, b goes back, a bad key is refused, y saves"
ok 'grep -q "Little interest or pleasure in doing things" "$tap_tmp/o" && grep -q "    3  Nearly every day" "$tap_tmp/o" && grep -q "^score 11, moderate" "$tap_tmp/o"' \
    "ask on a terminal: the item, its options, a summary with the score"
before=$(digest "$C")
for key in '\x03' '\x04' 'q'; do
	script "expect item 1 of 9" "send 1" "expect item 2 of 9" "send $key"
	"$PTY" "$tap_tmp/script" psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
	rc=$?
	ok '[ $rc -eq 130 ] && grep -q "cancelled; nothing was written" "$tap_tmp/o"' \
	    "ask on a terminal: $key cancels, exit 130"
done
script "expect item 1 of 9" "send 111111111" "expect save?" "send \x03"
"$PTY" "$tap_tmp/script" psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 130 ]' "ask on a terminal: Ctrl-C at the summary cancels"
script "expect item 1 of 9" "send 1" "signal INT" "sleep 200"
"$PTY" "$tap_tmp/script" psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 130 ]' "ask on a terminal: SIGINT cancels, exit 130"
script "expect item 1 of 9" "send 1" "hangup"
"$PTY" "$tap_tmp/script" psw-assess ask cy phq-9 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 130 ]' "ask on a terminal: a hang-up cancels"
is "$(digest "$C")" "$before" "no cancelled administration wrote anything"
ok '! ls "$PSW_HOME/clients" | grep -q "lock\|tmp"' "no lock or temporary file left behind"
script "expect item 1 of 10" "send 0s" "expect item 3 of 10" "send 4000000000" \
    "expect prorated for 1 missing" "send y" "expect added a3"
"$PTY" "$tap_tmp/script" psw-assess add cy core-10 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 0 ] && grep -q "answers: \[0, ~, 4, 0, 0, 0, 0, 0, 0, 0\]" "$C"' \
    "add on a terminal without --answers administers; s skips (CORE-10 prorated)"
script "expect item 1 of 10" "send ss00000000" "expect cannot be scored: 2 answers are missing" \
    "send y" "send b" "expect item 10 of 10" "send q"
"$PTY" "$tap_tmp/script" psw-assess ask cy core-10 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 130 ]' "ask on a terminal: an unscorable summary refuses y; b goes back"
script "expect item 1 of 2" "send 1" "send 0" "send \r" "expect item 2 of 2" \
    "send 12\x7f\r" "expect save?" "send y" "expect added"
"$PTY" "$tap_tmp/script" psw-assess ask cy mood-scale >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 0 ] && grep -q "answers: \[10, 1\]" "$C"' \
    "ask on a terminal: answers above 9 are digits and Enter, backspace edits"

# --- risk warnings in colour on a terminal, only there ---------------------------------
esc=$(printf '\033')
script "expect review the safety plan of cy"
TERM=xterm "$PTY" "$tap_tmp/script" psw-assess add cy phq-9 --answers 0,0,0,0,0,0,0,0,2 >"$tap_tmp/o" 2>&1
rc=$?
ok '[ $rc -eq 0 ] && grep -q "${esc}\[1;31m!! RISK FLAG: suicidality (high)${esc}\[0m" "$tap_tmp/o" && grep -q "psw-assess: ${esc}\[1;31mRISK${esc}\[0m: cy a" "$tap_tmp/o"' \
    "a risk flag in bold red on a terminal"
script "expect review the safety plan of cy"
NO_COLOR=1 TERM=xterm "$PTY" "$tap_tmp/script" psw-assess add cy phq-9 --answers 0,0,0,0,0,0,0,0,2 >"$tap_tmp/o" 2>&1
ok '! grep -q "$esc" "$tap_tmp/o" && grep -q "!! RISK FLAG" "$tap_tmp/o"' "no colour with NO_COLOR"
run psw-assess add cy phq-9 --answers 0,0,0,0,0,0,0,0,2
ok '! printf "%s%s" "$out" "$err" | grep -q "$esc"' "no colour off a terminal"

# --- help ----------------------------------------------------------------------------------
for c in add ask list history show change void score describe instruments; do
	run psw-assess $c --help
	ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: psw-assess '$c'"' "$c --help"
done

done_testing

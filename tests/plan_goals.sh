#!/bin/sh
# plan_goals.sh - psw-plan goal, action, review, new --template and the
# list filters and columns they feed, end to end; every refusal leaves the
# case folder as it was.
. "$PSW_SRC/tests/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
f="$PSW_HOME/clients/alex-m.yaml"

# A digest of the case folder's files (the index is derived and the
# lock gates hold nothing: left out).
home_digest() {
	(cd "$PSW_HOME" && find . -type f ! -name 'index.db*' \
	    ! -path './.gates/*' | LC_ALL=C sort | xargs sha256sum |
	    sha256sum | cut -d' ' -f1)
}

# The value of a Python expression over the client file as `d`.
yq() {
	$PY -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$f" "$1"
}

# refuse RC PATTERN NAME CMD...: CMD exits RC, says PATTERN on one line
# (plus the usage hint for exit 2), and changes nothing on disk.
refuse() {
	want=$1 pat=$2 name=$3
	shift 3
	before=$(home_digest)
	run "$@"
	ok '[ $rc -eq $want ] && printf "%s\n" "$err" | head -1 | grep -q -- "$pat" && [ -z "$out" ]' "$name (exit $want)"
	is "$(home_digest)" "$before" "$name: nothing written"
}

run psw-plan new alex-m --name "Alex Morgan" --worker sam
ok '[ $rc -eq 0 ]' "new client"

# --- goal add -------------------------------------------------------------
run psw-plan goal add alex-m --domain housing --title "Move into a tenancy of my own" \
    --target +6m --why "A place to keep my things"
is "$out" "added goal g1" "goal add prints the new id"
is "$(yq '[d["goals"][0][k] for k in ("id","domain","title","status","target","why")]')" \
    "['g1', 'housing', 'Move into a tenancy of my own', 'active', datetime.date(2027, 5, 28), 'A place to keep my things']" \
    "goal written with every field; relative target resolved; active by default"
run psw-plan goal add alex-m --domain social --title "See friends each week" --status proposed
is "$out" "added goal g2" "second goal g2"
is "$(yq 'd["goals"][1]["status"]')" "proposed" "goal add --status"
run psw-plan -q goal add alex-m --domain money --title "Pay off the rent arrears"
ok '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]' "goal add -q prints nothing"
refuse 3 "no client 'nobody'" "goal add for an unknown client" \
    psw-plan goal add nobody --domain housing --title x
refuse 2 "unknown domain 'space'" "goal add with a bad domain" \
    psw-plan goal add alex-m --domain space --title x
refuse 2 "needs --domain" "goal add without a domain" \
    psw-plan goal add alex-m --title x
refuse 2 "title is empty" "goal add with an empty title" \
    psw-plan goal add alex-m --domain housing --title ""
refuse 2 "title is empty" "goal add with a blank title" \
    psw-plan goal add alex-m --domain housing --title "   "
refuse 2 "needs --title" "goal add without a title" \
    psw-plan goal add alex-m --domain housing
refuse 2 "is not a date" "goal add with a bad target date" \
    psw-plan goal add alex-m --domain housing --title x --target "next spring"
refuse 2 "unknown goal status 'done'" "goal add with a bad status" \
    psw-plan goal add alex-m --domain housing --title x --status done
refuse 2 "not a valid client id" "goal add with a bad client id" \
    psw-plan goal add ../x --domain housing --title x

# --- goal set -------------------------------------------------------------
run psw-plan goal set alex-m g2 --status active --target 2027-03-31 --title "See friends every week"
is "$out" "changed goal g2" "goal set prints what it changed"
is "$(yq '[d["goals"][1][k] for k in ("status","target","title")]')" \
    "['active', datetime.date(2027, 3, 31), 'See friends every week']" "goal set changes status, target and title"
ok '[ "$(yq "list(d[\"goals\"][1].keys())")" = "['\''id'\'', '\''domain'\'', '\''title'\'', '\''status'\'', '\''target'\'']" ]' \
    "goal set keeps the key order"
refuse 2 "unknown goal status 'finished'" "goal set with a bad status" \
    psw-plan goal set alex-m g1 --status finished
refuse 3 "no goal 'g9' in clients/alex-m.yaml" "goal set with an unknown goal id" \
    psw-plan goal set alex-m g9 --status active
refuse 3 "no client 'nobody'" "goal set for an unknown client" \
    psw-plan goal set nobody g1 --status active
refuse 2 "needs something to set" "goal set with nothing to set" \
    psw-plan goal set alex-m g1
refuse 2 "is not a date" "goal set with a bad target" \
    psw-plan goal set alex-m g1 --target 2026-02-30
refuse 2 "title is empty" "goal set with an empty title" \
    psw-plan goal set alex-m g1 --title ""

# --- goal progress --------------------------------------------------------
run psw-plan goal progress alex-m g1 --rating 3 --date 2026-10-01
is "$out" "added progress 3 to goal g1 on 2026-10-01" "goal progress prints the rating and date"
run psw-plan goal progress alex-m g1 --rating 6 --note "Viewed two flats"
run psw-plan goal progress alex-m g1 --rating 4 --date 2026-11-01
is "$(yq '[(str(p["date"]), p["rating"]) for p in d["goals"][0]["progress"]]')" \
    "[('2026-10-01', 3), ('2026-11-01', 4), ('2026-11-28', 6)]" "progress kept oldest first, whatever the order entered"
is "$(yq 'd["goals"][0]["progress"][2]["note"]')" "Viewed two flats" "progress note"
run psw-plan goal progress alex-m g1 --rating 0
run psw-plan goal progress alex-m g1 --rating 10
ok '[ $rc -eq 0 ]' "ratings 0 and 10 are accepted"
refuse 2 "from 0 to 10, not '11'" "rating 11" psw-plan goal progress alex-m g1 --rating 11
refuse 2 "from 0 to 10, not '-1'" "rating -1" psw-plan goal progress alex-m g1 --rating -1
refuse 2 "from 0 to 10, not '5.5'" "rating 5.5" psw-plan goal progress alex-m g1 --rating 5.5
refuse 2 "from 0 to 10, not '07'" "rating 07" psw-plan goal progress alex-m g1 --rating 07
refuse 2 "needs --rating" "progress without a rating" psw-plan goal progress alex-m g1
refuse 3 "no goal 'g7'" "progress for an unknown goal" psw-plan goal progress alex-m g7 --rating 5
refuse 2 "is not a date" "progress with a bad date" \
    psw-plan goal progress alex-m g1 --rating 5 --date 2026-13-01
refuse 3 "no client 'nobody'" "progress for an unknown client" \
    psw-plan goal progress nobody g1 --rating 5

# --- action add, done, set ------------------------------------------------
run psw-plan action add alex-m g1 --title "Apply to Housing First" --due 2026-11-20 --owner worker
is "$out" "added action g1.1" "action add prints the new id"
run psw-plan action add alex-m g1 --title "View flats" --due +7d --owner client
is "$out" "added action g1.2" "second action g1.2"
run psw-plan action add alex-m g2 --title "Join the walking group"
is "$out" "added action g2.1" "an action of g2 is g2.1"
is "$(yq '[(a["id"], a["title"], a.get("owner"), str(a.get("due"))) for a in d["goals"][0]["actions"]]')" \
    "[('g1.1', 'Apply to Housing First', 'worker', '2026-11-20'), ('g1.2', 'View flats', 'client', '2026-12-05')]" \
    "actions written with title, owner and due"
refuse 3 "no goal 'g9'" "action add to an unknown goal" \
    psw-plan action add alex-m g9 --title x
refuse 2 "title is empty" "action add with an empty title" \
    psw-plan action add alex-m g1 --title ""
refuse 2 "needs --title" "action add without a title" \
    psw-plan action add alex-m g1
refuse 2 "is not a date" "action add with a bad due date" \
    psw-plan action add alex-m g1 --title x --due someday
refuse 2 "owner is empty" "action add with an empty owner" \
    psw-plan action add alex-m g1 --title x --owner ""
refuse 3 "no client 'nobody'" "action add for an unknown client" \
    psw-plan action add nobody g1 --title x

run psw-plan action done alex-m g1.2 --date yesterday
is "$out" "done action g1.2 on 2026-11-27" "action done with a date"
is "$(yq 'str(d["goals"][0]["actions"][1]["done"])')" "2026-11-27" "done date written"
refuse 3 "action g1.2 is done already (2026-11-27)" "an action done twice" \
    psw-plan action done alex-m g1.2
refuse 3 "no action 'g1.9'" "action done with an unknown action id" \
    psw-plan action done alex-m g1.9
refuse 2 "is not a date" "action done with a bad date" \
    psw-plan action done alex-m g1.1 --date "the other day"

run psw-plan action set alex-m g2.1 --due 2026-12-12 --owner "Dr Lee" --title "Join the Tuesday walking group"
is "$out" "changed action g2.1" "action set prints what it changed"
is "$(yq '[str(d["goals"][1]["actions"][0][k]) for k in ("title","owner","due")]')" \
    "['Join the Tuesday walking group', 'Dr Lee', '2026-12-12']" "action set changes title, owner and due"
refuse 2 "needs something to set" "action set with nothing to set" \
    psw-plan action set alex-m g2.1
refuse 3 "no action 'g3.1'" "action set with an unknown action id" \
    psw-plan action set alex-m g3.1 --due +1w
refuse 2 "is not a date" "action set with a bad due" \
    psw-plan action set alex-m g2.1 --due "soonish"

# Ids are unique across the file and never reused: an action a person
# wrote by hand under another goal still counts.
$PY - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("      - {id: g2.1,", "      - {id: g1.7, title: Moved here by hand}\n      - {id: g2.1,", 1)
open(p, "w").write(s)
PY
run psw-plan validate alex-m
ok '[ $rc -eq 0 ]' "hand edit valid"
run psw-plan action add alex-m g1 --title "Sign the lease"
is "$out" "added action g1.8" "next action id counts ids under every goal"

# --- goal list ------------------------------------------------------------
run psw-plan goal list alex-m --format tsv
is "$out" "g1	housing	active	2027-05-28	2	1	1	10	3 4 6 0 10	Move into a tenancy of my own
g2	social	active	2027-03-31	2	0	0			See friends every week
g3	money	active		0	0	0			Pay off the rent arrears" "goal list tsv: open, done, overdue, latest, ratings"
run psw-plan goal list alex-m --format json
ok '[ $rc -eq 0 ] && printf "%s" "$out" | $PY -c "
import json,sys
d = json.load(sys.stdin)
assert [g[\"id\"] for g in d] == [\"g1\", \"g2\", \"g3\"], d
g1 = d[0]
assert (g1[\"open\"], g1[\"done\"], g1[\"overdue\"], g1[\"latest\"]) == (2, 1, 1, 10), g1
assert g1[\"ratings\"] == \"3 4 6 0 10\", g1
assert g1[\"target\"] == \"2027-05-28\" and g1[\"domain\"] == \"housing\", g1
assert d[1][\"open\"] == 2 and d[1][\"overdue\"] == 0 and d[1][\"latest\"] is None, d[1]
assert d[2][\"target\"] is None and d[2][\"open\"] == 0, d[2]
"' "goal list json: action counts (open, done, overdue) and the rating series"
run psw-plan goal list alex-m
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | head -1 | grep -q "^ID  *DOMAIN  *STATUS  *TARGET  *OPEN  *DONE  *OVERDUE  *LATEST  *RATINGS  *TITLE$"' \
    "goal list text header"
ok 'printf "%s\n" "$out" | grep -q "^g1  *housing  *active  *2027-05-28  *2  *1  *1  *10  *3 4 6 0 10  *Move into"' "goal list text row"
run psw-plan goal list alex-m --format csv
ok 'printf "%s" "$out" | head -1 | tr -d "\r" | grep -q "^id,domain,status,target,open,done,overdue,latest,ratings,title$"' "goal list csv header"
for i in 1 2 3 4 5 6 7 8 9; do psw-plan -q goal progress alex-m g3 --rating $i; done
run psw-plan goal list alex-m
ok 'printf "%s\n" "$out" | grep -q "^g3 .* 9  *\.\.\. 2 3 4 5 6 7 8 9  *Pay off"' "text shows the last eight ratings"
run psw-plan goal list alex-m --format tsv
ok 'printf "%s\n" "$out" | grep -q "	1 2 3 4 5 6 7 8 9	Pay off"' "tsv keeps every rating"
if command -v script >/dev/null 2>&1; then
	LANG=C.UTF-8 LC_ALL= script -qec "psw-plan goal list alex-m" /dev/null >"$tap_tmp/tty" 2>&1
	ok 'grep -q "$(printf "\342\226\203\342\226\203\342\226\205\342\226\201\342\226\210")" "$tap_tmp/tty"' \
	    "ratings as a sparkline on a UTF-8 terminal"
fi
run psw-plan goal list nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "goal list for an unknown client (exit 3)"
run psw-plan new empty --name "No Goals Yet"
run psw-plan goal list empty
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "goal list with no goals: nothing, exit 0"
run psw-plan -e goal list empty
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "goal list with no goals and -e: exit 1"
run psw-plan goal list alex-m extra
ok '[ $rc -eq 2 ]' "goal list with two ids (exit 2)"

# --- review ---------------------------------------------------------------
refuse 2 "is not a date" "review with a bad date" psw-plan review alex-m --date 2026-02-30
refuse 2 "neither a date nor a duration" "review with a bad --next" psw-plan review alex-m --next soon
refuse 2 "must come after this one" "review with --next before the review" \
    psw-plan review alex-m --next 2026-11-01
refuse 3 "no client 'nobody'" "review of an unknown client" psw-plan review nobody
refuse 2 "note is empty" "review with an empty note" psw-plan review alex-m --note ""
printf 'worker: sam\n' >"$PSW_HOME/psw.yaml"
run psw-plan review alex-m --note "Tenancy search going well"
is "$out" "reviewed alex-m on 2026-11-28, next review 2027-02-26" "review: next from the client's interval (90d)"
is "$(yq '[str(d["review"]["last"]), str(d["review"]["next"]), d["review"]["history"][0]["by"], d["review"]["history"][0]["note"]]')" \
    "['2026-11-28', '2027-02-26', 'sam', 'Tenancy search going well']" "review sets last and next, history has by and note"
run psw-plan review alex-m --date 2026-12-10 --next 6w
is "$out" "reviewed alex-m on 2026-12-10, next review 2027-01-21" "review --next as a duration from the review date"
run psw-plan review alex-m --date 2026-12-01
is "$out" "recorded an earlier review of alex-m on 2026-12-01" "an earlier review goes into the history only"
is "$(yq '[str(h["date"]) for h in d["review"]["history"]] + [str(d["review"]["last"]), str(d["review"]["next"])]')" \
    "['2026-11-28', '2026-12-01', '2026-12-10', '2026-12-10', '2027-01-21']" "history oldest first; last and next from the latest"
run psw-plan review alex-m --date 2026-12-20 --next 2027-06-01
is "$out" "reviewed alex-m on 2026-12-20, next review 2027-06-01" "review --next as a date"
# Without an interval of its own, the case folder's setting counts.
$PY - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace("  every: 90d\n", "", 1)
open(p, "w").write(s)
PY
printf 'worker: kim\nreview-every: 4w\n' >"$PSW_HOME/psw.yaml"
run psw-plan review alex-m --date 2027-01-05
is "$out" "reviewed alex-m on 2027-01-05, next review 2027-02-02" "review: next from the review-every setting"
is "$(yq 'd["review"]["history"][-1]["by"]')" "kim" "review by the worker of psw.yaml"
rm "$PSW_HOME/psw.yaml"

# --- list: columns and filters --------------------------------------------
psw-plan -q note alex-m --date 2026-11-20 "Talked about flats."
psw-plan -q new bo --name "Bo Kay" --worker kim
psw-plan -q new cy --name "Cy Long" --worker kim --status referred
run psw-plan list --format csv
is "$(printf "%s" "$out" | tr -d "\r")" "id,name,status,worker,opened,last_contact,next_review,open_goals
alex-m,Alex Morgan,active,sam,2026-11-28,2026-11-20,2027-02-02,3
bo,Bo Kay,active,kim,2026-11-28,,2027-02-26,0
cy,Cy Long,referred,kim,2026-11-28,,2027-02-26,0
empty,No Goals Yet,active,worker,2026-11-28,,2027-02-26,0" "list: last contact, next review and open goals at the end"
run psw-plan list --due-before 2026-12-01 --format tsv
is "$(printf "%s\n" "$out" | cut -f1)" "alex-m" "--due-before: an overdue action"
run psw-plan list --due-before 2027-02-27 --format tsv
is "$(printf "%s\n" "$out" | cut -f1 | tr "\n" " ")" "alex-m bo cy empty " "--due-before: reviews due count too"
run psw-plan list --due-before 2027-02-26 --format tsv
is "$(printf "%s\n" "$out" | cut -f1 | tr "\n" " ")" "alex-m " "--due-before is strictly before"
psw-plan -q action done alex-m g1.1
psw-plan -q action done alex-m g2.1
run psw-plan list --due-before 2026-12-06 --format tsv
is "$(printf "%s\n" "$out" | cut -f1)" "" "--due-before: done actions are not due"
run psw-plan list --due-before 2027-04-01 --worker sam --format tsv
is "$(printf "%s\n" "$out" | cut -f1)" "alex-m" "--due-before: a goal target counts"
run psw-plan list --no-contact-since 2026-11-21 --format tsv
is "$(printf "%s\n" "$out" | cut -f1 | tr "\n" " ")" "alex-m bo empty " "--no-contact-since: active clients, never contacted or not since"
run psw-plan list --no-contact-since 2026-11-20 --format tsv
is "$(printf "%s\n" "$out" | cut -f1 | tr "\n" " ")" "bo empty " "--no-contact-since: a contact on the day counts"
run psw-plan list --due-before someday
ok '[ $rc -eq 2 ] && echo "$err" | grep -q -- "--due-before: .*is not a date"' "--due-before with a bad date (exit 2)"
run psw-plan list --no-contact-since someday
ok '[ $rc -eq 2 ] && echo "$err" | grep -q -- "--no-contact-since: .*is not a date"' "--no-contact-since with a bad date (exit 2)"
run psw-plan -e list --due-before 2000-01-01
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "nothing due: exit 1 with -e"

# --- new --template -------------------------------------------------------
mkdir -p "$PSW_HOME/templates"
cp "$PSW_SRC/examples/templates/housing-first.yaml" "$PSW_SRC/examples/templates/recovery-start.yaml" \
    "$PSW_HOME/templates/"
f="$PSW_HOME/clients/dee.yaml"
run psw-plan new dee --name "Dee Ray" --template housing-first --as-of 2026-12-01
is "$out" "added client dee from template housing-first: 3 goals, 6 actions" "new --template says what it added"
is "$(yq '[(g["id"], g["status"], str(g.get("target"))) for g in d["goals"]]')" \
    "[('g1', 'active', '2027-03-01'), ('g2', 'active', '2027-02-01'), ('g3', 'proposed', 'None')]" \
    "template goals: ids, default and given status, targets from the open date"
is "$(yq '[(a["id"], a["owner"], str(a.get("due"))) for g in d["goals"] for a in g.get("actions", [])]')" \
    "[('g1.1', 'worker', '2026-12-08'), ('g1.2', 'client', '2026-12-15'), ('g1.3', 'client', '2027-01-12'), ('g2.1', 'worker', '2026-12-15'), ('g2.2', 'client', '2027-01-01'), ('g3.1', 'client', 'None')]" \
    "template actions: ids g1.1.., owners, due dates as offsets"
is "$(yq '[d["review"]["every"], str(d["review"]["next"])]')" "['12w', '2027-02-23']" "template review interval"
run psw-plan validate dee
ok '[ $rc -eq 0 ]' "a client from a template is valid"
run psw-plan new eve --name Eve --template recovery-start
ok '[ $rc -eq 0 ] && [ "$(f="$PSW_HOME/clients/eve.yaml"; yq "len(d[\"goals\"])")" = 2 ]' "the second example template"
refuse 3 "no template 'nope' (templates/nope.yaml does not exist)" "an unknown template" \
    psw-plan new fay --name Fay --template nope
refuse 2 "not a template name" "a template name with a slash" \
    psw-plan new fay --name Fay --template ../clients/dee
cat >"$PSW_HOME/templates/bad.yaml" <<'YAML'
psw-template: 1
review-every: soon
goals:
  - domain: housing
    title: Somewhere to live
    target: 2026-12-01
    actions:
      - {title: Apply, due: +3q, ownr: me}
  - domain: space
    title: ""
    status: done
YAML
refuse 3 "templates/bad.yaml:2:15: 'review-every' must be a duration" "a bad template" \
    psw-plan new fay --name Fay --template bad
ok '[ ! -e "$PSW_HOME/clients/fay.yaml" ]' "no client file from a bad template"
ok 'echo "$err" | grep -q "^psw-plan: templates/bad.yaml:6:13: goal 1: '\''target'\'' must be an offset from the day the plan opens"' "template: absolute date refused at line:col"
ok 'echo "$err" | grep -q "^psw-plan: templates/bad.yaml:8:29: goal 1 action 1: '\''due'\'' must be an offset"' "template: bad offset at line:col"
ok 'echo "$err" | grep -q "^psw-plan: templates/bad.yaml:8:34: goal 1 action 1: unknown key '\''ownr'\''"' "template: unknown key at line:col"
ok 'echo "$err" | grep -q "^psw-plan: templates/bad.yaml:9:13: goal 2: '\''domain'\'' must be housing"' "template: bad domain"
ok 'echo "$err" | grep -q "^psw-plan: templates/bad.yaml:10:12: goal 2: '\''title'\'' is empty"' "template: empty title"
ok 'echo "$err" | grep -q "^psw-plan: templates/bad.yaml:11:13: goal 2: '\''status'\'' must be proposed"' "template: bad status"
ok 'echo "$err" | grep -q "template '\''bad'\'' has problems; nothing written"' "template: says nothing was written"
printf 'goals: [unclosed\n' >"$PSW_HOME/templates/broken.yaml"
refuse 3 "templates/broken.yaml:[0-9]*:[0-9]*:" "a template that is not YAML" \
    psw-plan new fay --name Fay --template broken
printf 'about: nothing to do\n' >"$PSW_HOME/templates/empty.yaml"
refuse 3 "needs at least one goal" "a template without goals" \
    psw-plan new fay --name Fay --template empty

# --- help and usage -------------------------------------------------------
run psw-plan goal --help
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "goal progress ID GOAL --rating 0..10"' "goal --help"
run psw-plan action add --help
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: psw-plan action add"' "action add --help"
run psw-plan review --help
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: psw-plan review"' "review --help"
run psw-plan goal
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "usage: psw-plan goal"' "goal without a command (exit 2)"
run psw-plan action undo alex-m g1.1
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown action command '\''undo'\''"' "unknown action command (exit 2)"
run psw-plan goal add alex-m --domain housing --title x --colour blue
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown option"' "unknown option (exit 2)"

# --- the audit log and the files stay valid --------------------------------
ok 'grep -q "	goal add	alex-m$" "$PSW_HOME/audit.log" && grep -q "	action done	alex-m$" "$PSW_HOME/audit.log" && grep -q "	review	alex-m$" "$PSW_HOME/audit.log"' \
    "writes are audited"
ok '! grep -q "Tenancy search\|Viewed two flats" "$PSW_HOME/audit.log"' "the audit log holds no note text"
run psw-plan validate
ok '[ $rc -eq 0 ]' "every file valid at the end"

done_testing

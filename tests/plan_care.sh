#!/bin/sh
# plan_care.sh - psw-plan team, consent, strength, need and safety: every
# command, every refusal, nothing written on failure.
. "$PSW_SRC/tests/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
f="$PSW_HOME/clients/alex-m.yaml"

# The case folder as far as a refusal must leave it: every client file and
# the audit log (the index is derived and may be synced by any command).
state() {
	(cd "$PSW_HOME" && find clients audit.log -type f ! -name '*.lock' \
	    2>/dev/null | sort | xargs sha256sum) | sha256sum | cut -d' ' -f1
}
# A refusal: exit status $1, stderr matching $2, nothing written.
refused() {
	[ "$rc" -eq "$1" ] && [ -z "$out" ] &&
	    printf '%s\n' "$err" | head -1 | grep -q -- "$2" &&
	    [ "$(state)" = "$s0" ]
}

run psw-plan new alex-m --name "Alex Morgan" --worker sam
ok '[ $rc -eq 0 ]' "a client to work with"

# --- team -----------------------------------------------------------------
run psw-plan team add alex-m --name "Dr Lee" --role psychiatrist \
    --org "Northside CMHT" --phone "0161 496 0000" --email lee@example.org
ok '[ $rc -eq 0 ] && [ "$out" = "added team member t1" ]' "team add prints the new id"
ok '$PY -c "
import yaml,sys
t=yaml.safe_load(open(sys.argv[1]))[\"team\"]
assert t==[{\"id\":\"t1\",\"name\":\"Dr Lee\",\"role\":\"psychiatrist\",\"org\":\"Northside CMHT\",\"phone\":\"0161 496 0000\",\"email\":\"lee@example.org\"}], t" "$f"' \
    "team member written with every field (read back by PyYAML)"
run psw-plan team add alex-m --name "Pat Kaur" --role gp
ok '[ $rc -eq 0 ] && [ "$out" = "added team member t2" ]' "second member t2"
run psw-plan -q team add alex-m --name "Sam Ortiz" --role carer
ok '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]' "-q: nothing printed"

s0=$(state)
run psw-plan team add alex-m --name X --role wizard
ok 'refused 2 "unknown role '\''wizard'\'' (use psychiatrist, psychologist, gp, nurse, social-worker, peer-worker, carer or other)"' \
    "unknown role refused with the list"
run psw-plan team add alex-m --role gp
ok 'refused 2 "needs --name"' "team add without --name"
run psw-plan team add alex-m --name "  " --role gp
ok 'refused 2 "needs --name"' "team add with a blank name"
run psw-plan team add alex-m --name X
ok 'refused 2 "needs --role"' "team add without --role"
run psw-plan team add nobody --name X --role gp
ok 'refused 3 "no client '\''nobody'\''"' "team add: unknown client"
run psw-plan team add ../x --name X --role gp
ok 'refused 2 "not a valid client id"' "team add: bad client id"
run psw-plan team rm alex-m t9
ok 'refused 3 "no team member '\''t9'\'' for alex-m"' "team rm: unknown member"
run psw-plan team rm alex-m
ok 'refused 2 "needs a client id and"' "team rm without a member id"

run psw-plan team rm alex-m t2
ok '[ $rc -eq 0 ] && [ "$out" = "removed team member t2" ]' "team rm"
ok 'grep -q "^  - {id: t2, name: Pat Kaur, role: gp, removed: 2026-11-28}$" "$f"' \
    "the member stays in the file, marked removed"
s0=$(state)
run psw-plan team rm alex-m t2
ok 'refused 3 "team member t2 was removed on 2026-11-28 already"' "team rm twice refused"
run psw-plan team add alex-m --name "Kim Yu" --role nurse
ok '[ "$out" = "added team member t4" ]' "ids are never reused (t4 after t2 was removed)"

run psw-plan team list alex-m --format tsv
is "$out" "t1	Dr Lee	psychiatrist	Northside CMHT	0161 496 0000	lee@example.org	
t3	Sam Ortiz	carer				
t4	Kim Yu	nurse				" "team list: current members only"
run psw-plan team list alex-m --all --format csv
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^t2,Pat Kaur,gp,,,,2026-11-28" && [ $(printf "%s\n" "$out" | wc -l) -eq 5 ]' \
    "team list --all shows removed members with the date"
run psw-plan team list alex-m --format json
ok '[ $rc -eq 0 ] && printf "%s" "$out" | $PY -c "import json,sys; d=json.load(sys.stdin); assert [m[\"id\"] for m in d]==[\"t1\",\"t3\",\"t4\"] and d[0][\"removed\"] is None"' \
    "team list json"
run psw-plan team list alex-m
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | head -1 | grep -q "^ID  NAME  *ROLE  *ORG  *PHONE  *EMAIL  *REMOVED$"' "team list text has a header"
ok '[ "$(sqlite3 "$PSW_HOME/index.db" "select count(*) from team where client = '\''alex-m'\'' and removed is null")" = 3 ]' \
    "the index does not count removed members as current"
run psw-plan team list nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "team list: unknown client"

# --- consent --------------------------------------------------------------
run psw-plan consent add alex-m --scope share-with-gp --expires +1y
ok '[ $rc -eq 0 ] && [ "$out" = "added consent k1" ]' "consent add"
ok 'grep -q "^  - {id: k1, scope: share-with-gp, given: 2026-11-28, expires: 2027-11-28}$" "$f"' \
    "given defaults to today; relative expiry"
run psw-plan consent add alex-m --scope "share with housing" --given 2026-11-29 --note "from Monday"
ok '[ "$out" = "added consent k2" ]' "consent given tomorrow"
run psw-plan consent add alex-m --scope old --given 2025-01-01 --expires 2025-12-31
run psw-plan consent add alex-m --scope lasts-today --given 2026-01-01 --expires today
run psw-plan consent add alex-m --scope to-revoke --given 2026-01-01
ok '[ "$out" = "added consent k5" ]' "five consents"
run psw-plan consent revoke alex-m k5 --date 2026-11-20
ok '[ $rc -eq 0 ] && [ "$out" = "revoked consent k5 on 2026-11-20" ]' "consent revoke --date"
ok 'grep -q "^  - {id: k5, scope: to-revoke, given: 2026-01-01, revoked: 2026-11-20}$" "$f"' "revoked date written"

s0=$(state)
run psw-plan consent revoke alex-m k5
ok 'refused 3 "consent k5 was revoked on 2026-11-20 already"' "revoking twice refused"
run psw-plan consent revoke alex-m k9
ok 'refused 3 "no consent '\''k9'\'' for alex-m"' "revoke: unknown consent"
run psw-plan consent revoke alex-m k1 --date 2026-11-01
ok 'refused 3 "consent k1 was given on 2026-11-28: it cannot be revoked on 2026-11-01"' \
    "revoke before it was given refused"
run psw-plan consent revoke alex-m k1 --date soon
ok 'refused 2 "is not a date"' "revoke: bad date"
run psw-plan consent add alex-m --scope x --given 2026-12-01 --expires 2026-11-30
ok 'refused 2 "expires 2026-11-30 is before the consent is given (2026-12-01)"' "expires before given refused"
run psw-plan consent add alex-m --scope x --given 2026-02-30
ok 'refused 2 "is not a date"' "consent add: bad date"
run psw-plan consent add alex-m --scope ""
ok 'refused 2 "needs --scope"' "consent add: empty scope"
run psw-plan consent add nobody --scope x
ok 'refused 3 "no client"' "consent add: unknown client"
run psw-plan consent revoke nobody k1
ok 'refused 3 "no client"' "consent revoke: unknown client"

run psw-plan consent list alex-m --format tsv
is "$out" "k1	share-with-gp	2026-11-28	2027-11-28		active
k2	share with housing	2026-11-29			not-yet-given
k3	old	2025-01-01	2025-12-31		expired
k4	lasts-today	2026-01-01	2026-11-28		active
k5	to-revoke	2026-01-01		2026-11-20	revoked" "consent list computes the state as of today"
run psw-plan --as-of 2026-11-29 consent list alex-m --format tsv
ok 'printf "%s\n" "$out" | grep -q "^k2.*	active$" && printf "%s\n" "$out" | grep -q "^k4.*	expired$"' \
    "states follow --as-of (given tomorrow, expires today)"
run psw-plan consent list alex-m --format csv
ok 'printf "%s\n" "$out" | head -1 | grep -q "^id,scope,given,expires,revoked,state"' "consent list csv header"

# --- strengths and needs --------------------------------------------------
run psw-plan strength add alex-m "keeps appointments"
ok '[ $rc -eq 0 ] && [ "$out" = "added strength 1" ]' "strength add"
run psw-plan strength add alex-m "supportive sister"
run psw-plan strength add alex-m "good cook"
ok '[ "$out" = "added strength 3" ]' "strength numbers as listed"
s0=$(state)
run psw-plan strength add alex-m " "
ok 'refused 2 "the strength is empty"' "empty strength refused"
run psw-plan strength add alex-m
ok 'refused 2 "needs a client id and the text"' "strength add without text"
run psw-plan strength rm alex-m 4
ok 'refused 3 "no strength 4 for alex-m (it has 3)"' "strength rm out of range"
run psw-plan strength rm alex-m two
ok 'refused 2 "not a strength'\''s number"' "strength rm: not a number"
run psw-plan strength rm alex-m 0
ok 'refused 2 "not a strength'\''s number"' "strength rm 0"
run psw-plan strength add nobody "x"
ok 'refused 3 "no client"' "strength add: unknown client"
run psw-plan strength rm alex-m 2
ok '[ $rc -eq 0 ] && [ "$out" = "removed strength 2" ]' "strength rm by position"
run psw-plan strength list alex-m --format tsv
is "$out" "1	keeps appointments
2	good cook" "strength list renumbers"

run psw-plan need set alex-m housing unmet --note "waiting list"
ok '[ $rc -eq 0 ] && [ "$out" = "set need housing to unmet" ]' "need set"
run psw-plan need set alex-m money met
run psw-plan need set alex-m housing met
ok 'grep -q "^  - {domain: housing, need: met, note: waiting list}$" "$f" && [ $(grep -c "domain: housing" "$f") -eq 1 ]' \
    "need set replaces the domain's need in place, keeping the note"
run psw-plan need set alex-m money unmet --note ""
ok 'grep -q "^  - {domain: money, need: unmet}$" "$f"' "an empty --note clears it"
s0=$(state)
run psw-plan need set alex-m space unmet
ok 'refused 2 "unknown domain '\''space'\''"' "need set: unknown domain"
run psw-plan need set alex-m housing urgent
ok 'refused 2 "a need is none, met or unmet"' "need set: bad level"
run psw-plan need set nobody housing met
ok 'refused 3 "no client"' "need set: unknown client"
run psw-plan need list alex-m --format tsv
is "$out" "housing	met	waiting list
money	unmet	" "need list"

# --- safety plan ----------------------------------------------------------
run psw-plan safety show alex-m
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^No safety plan: build one with the client"' \
    "safety show says clearly there is no plan"
run psw-plan -e safety show alex-m
ok '[ $rc -eq 1 ]' "no plan with -e: exit 1"
run psw-plan safety show alex-m --format json
ok 'printf "%s" "$out" | $PY -c "import json,sys; d=json.load(sys.stdin); assert d[\"plan\"] is False and d[\"review\"]==\"no-plan\" and d[\"steps\"]==[]"' \
    "no plan in json"
s0=$(state)
run psw-plan safety reviewed alex-m
ok 'refused 3 "alex-m has no safety plan to review"' "reviewing a plan that does not exist"

run psw-plan safety add alex-m --step warning-signs "Not sleeping"
ok '[ $rc -eq 0 ] && [ "$out" = "added warning-signs 1" ]' "safety add"
run psw-plan safety add alex-m --step people --phone "07700 900123" "Jo, my sister"
ok '[ "$out" = "added people 1" ]' "safety add with a phone"
run psw-plan safety add alex-m --step professionals --phone "116 123" "Samaritans"
run psw-plan safety add alex-m --step coping "A walk with the dog"
run psw-plan safety add alex-m --step coping "Music"
run psw-plan safety add alex-m --step distractions "The library"
run psw-plan safety add alex-m --step means-safety "Jo keeps the tablets"
run psw-plan safety add alex-m --step matters-most "My dog, Pip"
ok '[ "$out" = "added matters-most 1" ]' "what matters most"
ok 'grep -q "^    - {text: '\''Jo, my sister'\'', phone: '\''07700 900123'\''}$" "$f"' "an item with a phone is a map"

s0=$(state)
run psw-plan safety add alex-m --step hope "x"
ok 'refused 2 "unknown step '\''hope'\'' (use warning-signs, coping, distractions, people, professionals, means-safety or matters-most)"' \
    "unknown step refused with the list"
run psw-plan safety add alex-m "x"
ok 'refused 2 "needs --step"' "safety add without --step"
run psw-plan safety add alex-m --step coping ""
ok 'refused 2 "the text is empty"' "empty safety item refused"
run psw-plan safety add alex-m --step coping --phone 999 "x"
ok 'refused 2 "phone goes with the steps people and professionals"' "--phone on a step without phones"
run psw-plan safety add nobody --step coping "x"
ok 'refused 3 "no client"' "safety add: unknown client"
run psw-plan safety rm alex-m coping 3
ok 'refused 3 "no item 3 in coping of alex-m'\''s safety plan (it has 2)"' "safety rm out of range"
run psw-plan safety rm alex-m hope 1
ok 'refused 2 "unknown step"' "safety rm: unknown step"
run psw-plan safety rm alex-m coping x
ok 'refused 2 "not an item'\''s number"' "safety rm: not a number"
run psw-plan safety reviewed alex-m --date tomorrow
ok 'refused 2 "is in the future"' "a review in the future refused"
run psw-plan safety reviewed alex-m --date someday
ok 'refused 2 "is not a date"' "safety reviewed: bad date"
run psw-plan safety show alex-m --format csv
ok '[ $rc -eq 2 ]' "safety show: csv is not a card format"
run psw-plan safety show nobody
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "no client '\''nobody'\''"' "safety show: unknown client"

run psw-plan safety show alex-m
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^Never reviewed with the client.$"' \
    "a plan never reviewed says so"
run psw-plan safety rm alex-m coping 1
ok '[ $rc -eq 0 ] && [ "$out" = "removed coping 1" ]' "safety rm"
run psw-plan safety reviewed alex-m --date 2026-11-27
ok '[ $rc -eq 0 ] && [ "$out" = "safety plan reviewed on 2026-11-27" ]' "safety reviewed"
ok 'grep -q "^  reviewed: 2026-11-27$" "$f"' "reviewed date written"
run psw-plan safety show alex-m
is "$out" "SAFETY PLAN: Alex Morgan (alex-m)
Reviewed with the client on 2026-11-27.

1. Warning signs
   - Not sleeping

2. Things I can do on my own to cope
   - Music

3. People and places that take my mind off things
   - The library

4. People I can ask for help
   - Jo, my sister   tel. 07700 900123

5. Professionals and crisis lines
   - Samaritans   tel. 116 123

6. Making my surroundings safe
   - Jo keeps the tablets

What matters most to me
   - My dog, Pip" "the crisis card: six steps in order, then what matters most"
ok '[ $(printf "%s\n" "$out" | awk "{ if (length > m) m = length } END { print m }") -le 80 ]' \
    "the card fits 80 columns"
run psw-plan safety show alex-m --format md
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^## 5. Professionals and crisis lines$" && printf "%s\n" "$out" | grep -q "^- Samaritans: \*\*116 123\*\*$"' \
    "the card in Markdown"
run psw-plan safety show alex-m --format json
ok 'printf "%s" "$out" | $PY -c "
import json,sys
d=json.load(sys.stdin)
assert d[\"plan\"] is True and d[\"reviewed\"]==\"2026-11-27\" and d[\"review\"]==\"reviewed\"
assert [s[\"step\"] for s in d[\"steps\"]]==[\"warning-signs\",\"coping\",\"distractions\",\"people\",\"professionals\",\"means-safety\",\"matters-most\"]
assert d[\"steps\"][3][\"items\"]==[{\"text\":\"Jo, my sister\",\"phone\":\"07700 900123\"}]
assert d[\"steps\"][1][\"items\"]==[{\"text\":\"Music\",\"phone\":None}]"' "the card in json, every field"

# --- groups, help, a file with problems -----------------------------------
run psw-plan team
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "team needs a subcommand"' "a group without a subcommand"
run psw-plan consent withdraw alex-m k1
ok '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown subcommand '\''consent withdraw'\''"' "unknown subcommand"
run psw-plan safety --help
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "safety show ID"' "group --help"
run psw-plan team add --help
ok '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: psw-plan team add"' "subcommand --help"
run psw-plan -e strength list alex-m
ok '[ $rc -eq 0 ]' "a listing with rows: exit 0 with -e"
run psw-plan new bo --name Bo
run psw-plan -e team list bo
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "an empty listing: nothing, exit 1 with -e"
run psw-plan consent list bo --format json
ok '[ $rc -eq 0 ] && [ "$out" = "[]" ]' "an empty listing in json is []"

run psw-plan validate
ok '[ $rc -eq 0 ]' "every file written here validates"

printf 'psw: 1\nid: bo\nname: Bo\nstatus: active\nopened: 2026-11-28\nteam:\n  - {id: t1, name: X, role: gp, removed: soon}\n' \
    >"$PSW_HOME/clients/bo.yaml"
run psw-plan team list bo
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "client '\''bo'\'' has problems"' "listing a client whose file has problems"
s0=$(state)
run psw-plan team add bo --name Y --role gp
ok 'refused 3 "clients/bo.yaml:7:.*'\''removed'\'' is not a date"' "a bad removed: date is a problem; the file is not changed"
run psw-plan safety show bo
ok '[ $rc -eq 3 ] && echo "$err" | grep -q "clients/bo.yaml:7:"' "safety show of a file with problems"

done_testing

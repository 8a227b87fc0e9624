#!/bin/sh
# refer.sh - psw-refer end to end: the service directory (service add,
# set, show, rm; services search; HSDS import of the official example, of
# awkward and malformed CSV and of a generated 2,000-service set; export
# and the round trip) and referrals (new, update through every allowed and
# refused transition, consent, follow-up, list, letter, stats), with every
# refusal: one line on stderr, the documented exit status, nothing written.
. "$PSW_SRC/tests/tap.sh"
H="$PSW_SHARED/fixtures/hsds-3.0"
S="$PSW_HOME/services"
f="$PSW_HOME/clients/alex-m.yaml"

# A digest of every service file (names and contents).
svc_digest() {
	(cd "$1" 2>/dev/null && find . -name '*.yaml' -type f | LC_ALL=C sort |
	    xargs -r sha256sum) | sha256sum | cut -d' ' -f1
}
# One line on stderr, nothing on stdout.
one_line='[ -z "$out" ] && [ "$(printf "%s\n" "$err" | grep -c .)" -eq 1 ]'

# --- the command line -------------------------------------------------
run psw-refer
ok '[ $rc -eq 2 ] && [ -z "$out" ] && printf "%s\n" "$err" | grep -q "^usage: psw-refer"' "no command: exit 2, the usage on stderr"
run psw-refer frobnicate
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "unknown command '\''frobnicate'\''"' "unknown command: exit 2"
run psw-refer --help
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^usage: psw-refer" && printf "%s\n" "$out" | grep -q "import-hsds"' "--help on stdout"
run psw-refer --version
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^psw-refer "' "--version"
run psw-refer list --bogus
ok '[ $rc -eq 2 ]' "unknown option: exit 2"
run psw-refer service
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "show, add, set"' "service without a subcommand: exit 2"
run psw-refer service frob x
ok '[ $rc -eq 2 ]' "unknown service subcommand: exit 2"

# --- service add, set, show, rm -----------------------------------------
run psw-refer service add gp-north --name "Northside GP" \
    --organisation "Northside Health" --description "General practice; \
counselling referrals by letter" --taxonomy "health, primary care" \
    --area Northside --phone "03 9000 1000, 03 9000 1001" \
    --referral-method email --email gp@example.org --languages "English, Greek"
ok '[ $rc -eq 0 ] && [ "$out" = "added service gp-north" ]' "service add"
is "$(cat "$S/gp-north.yaml")" "psw: 1
id: gp-north
name: Northside GP
status: active
organisation: Northside Health
description: General practice; counselling referrals by letter
email: gp@example.org
phones: ['03 9000 1000', '03 9000 1001']
languages: [English, Greek]
taxonomy: [health, primary care]
service-area: Northside
referral-method: email" "the service file, in the documented order"
ok '[ "$(stat -c %a "$S/gp-north.yaml")" = 600 ]' "service file is 0600"
ok 'tail -1 "$PSW_HOME/audit.log" | grep -q "service-add	service:gp-north"' "service add is in the audit log"
d0=$(svc_digest "$S")
run psw-refer service add gp-north --name Other
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "exists already" && eval "$one_line"' "add an existing id: exit 3"
run psw-refer service add "Bad Id" --name X
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "not a valid service id"' "bad service id: exit 2"
run psw-refer service add nameless
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q -- "--name"' "add without --name: exit 2"
run psw-refer service add sleepy --name S --status sleeping
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services/sleepy.yaml:.*status"' "bad status: exit 3 with the file"
run psw-refer service add faxed --name F --referral-method fax
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "referral-method"' "bad referral method: exit 3"
run psw-refer service add x1 --name X --colour blue
ok '[ $rc -eq 2 ]' "unknown field option: exit 2"
is "$(svc_digest "$S")" "$d0" "refused adds write nothing"
ok '[ ! -e "$S/sleepy.yaml" ] && [ ! -e "$S/faxed.yaml" ] && [ ! -e "$S/sleepy.yaml.tmp" ]' "no file, no temporary file"

run psw-refer service set gp-north --wait-time "2 weeks" --notes "ask for Dana" \
    --contact "Dana (practice manager)"
ok '[ $rc -eq 0 ] && [ "$out" = "changed service gp-north" ]' "service set"
ok 'grep -q "^wait-time: 2 weeks$" "$S/gp-north.yaml" && grep -q "^notes: ask for Dana$" "$S/gp-north.yaml"' "set fields are in the file"
run psw-refer service set gp-north --notes ""
ok '[ $rc -eq 0 ] && ! grep -q "^notes:" "$S/gp-north.yaml"' "an empty value removes the field"
d1=$(svc_digest "$S")
run psw-refer service set gp-north
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "at least one"' "set without a field: exit 2"
run psw-refer service set gp-north --name ""
ok '[ $rc -eq 2 ]' "set an empty name: exit 2"
run psw-refer service set nosuch --fees none
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no service '\''nosuch'\''"' "set an unknown service: exit 3"
run psw-refer service set gp-north --status closed
ok '[ $rc -eq 3 ]' "set a bad status: exit 3"
is "$(svc_digest "$S")" "$d1" "refused sets write nothing"

run psw-refer service show gp-north
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^phones: 03 9000 1000; 03 9000 1001$" && ! printf "%s\n" "$out" | grep -q "^psw:"' "service show (text)"
run psw-refer service show gp-north --format json
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^  \"taxonomy\": \[" && printf "%s\n" "$out" | grep -q "^    \"primary care\"$"' "service show --format json"
run psw-refer service show gp-north --format csv
ok '[ $rc -eq 2 ]' "service show --format csv: exit 2"
run psw-refer service show nosuch
ok '[ $rc -eq 3 ] && eval "$one_line"' "show an unknown service: exit 3"
run psw-refer service show
ok '[ $rc -eq 2 ]' "show without an id: exit 2"

# Hand-added services for the search.
psw-refer -q service add money-advice --name "Money Advice Line" \
    --description "Budget counselling and debt help" --taxonomy money
psw-refer -q service add couch --name "Couch Surfing Help" --taxonomy housing \
    --area Southside
psw-refer -q service add hf --name "Housing First North" --taxonomy housing \
    --area Northside --status inactive

# --- the official HSDS 3.0 example --------------------------------------
run psw-refer import-hsds "$H"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 1 service: 1 added, 0 updated, 0 unchanged" ]' "import the official example"
c="$S/community-counselling.yaml"
ok 'grep -q "^hsds-id: ac148810-d857-441c-9679-408f346de14b$" "$c"' "hsds-id kept"
ok 'grep -q "^organisation: Example Organization Inc.$" "$c"' "organisation from organizations.csv"
ok 'grep -q "^languages: \[Urdu\]$" "$c"' "languages from languages.csv"
ok 'grep -q "^address: 1-30 Main Street, MyVillage, MyCity, MyState, ABC 1234, US$" "$c"' "address through service_at_location and addresses"
ok 'grep -q "^phones: \[.*+44 1234 234567.* ext. 100.\]$" "$c"' "phone with its extension (quoted quotes kept)"
ok 'grep -q "^schedule: The service is available from 10 am" "$c"' "schedule"
ok 'grep -q "^service-area: The service is available to all residents" "$c"' "service area"
ok 'grep -q "^eligibility: This service is intended for all people aged 12" "$c"' "eligibility"
ok 'grep -q "^fees: Non-NHS patients" "$c"' "fees"
run psw-plan validate
ok '[ $rc -eq 0 ]' "the case folder still validates"
d2=$(digest "$S/gp-north.yaml")
run psw-refer import-hsds "$H"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 1 service: 0 added, 0 updated, 1 unchanged" ]' "re-import: unchanged"
is "$(ls "$S" | grep -c "\.yaml$")" 5 "no duplicate"
is "$(digest "$S/gp-north.yaml")" "$d2" "hand-added service untouched"
# Local fields survive a re-import; HSDS fields are brought back.
sed -i 's/^description: .*/description: edited by hand/' "$c"
printf 'referral-method: phone\ncontact: Ann at reception\nnotes: call before 10\nx-local: keep me\n' >>"$c"
run psw-refer import-hsds "$H"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 1 service: 0 added, 1 updated, 0 unchanged" ]' "re-import after a hand edit: updated in place"
ok 'grep -q "^description: .Counselling Services provided" "$c"' "the HSDS description is restored"
ok 'grep -q "^referral-method: phone$" "$c" && grep -q "^contact: Ann at reception$" "$c" && grep -q "^notes: call before 10$" "$c" && grep -q "^x-local: keep me$" "$c"' "local fields and unknown keys kept"
is "$(ls "$S" | grep -c "\.yaml$")" 5 "still no duplicate"
ok 'grep -q "import-hsds	services" "$PSW_HOME/audit.log"' "import is in the audit log"

# --- search ---------------------------------------------------------------
run psw-refer services couns --format tsv
ok '[ $rc -eq 0 ] && [ "$(printf "%s\n" "$out" | head -1 | cut -f1)" = community-counselling ]' "couns finds counselling, the name match first"
ok 'printf "%s\n" "$out" | cut -f1 | grep -qx money-advice && printf "%s\n" "$out" | cut -f1 | grep -qx gp-north' "couns also finds it in descriptions"
ok '! printf "%s\n" "$out" | cut -f1 | grep -qx couch' "couns does not find couch"
is "$(psw-refer services COUNSELLING --format tsv | cut -f1 | sort | tr '\n' ' ')" "community-counselling gp-north money-advice " "search is case-insensitive"
is "$(psw-refer services couns debt --format tsv | cut -f1)" "money-advice" "every word must match"
is "$(psw-refer services --taxonomy housing --format tsv | cut -f1 | tr '\n' ' ')" "couch hf " "--taxonomy"
is "$(psw-refer services --taxonomy housing --area north --format tsv | cut -f1)" "hf" "--area"
is "$(psw-refer services --status inactive --format tsv | cut -f1)" "hf" "--status"
is "$(psw-refer services primary --format tsv | cut -f1)" "gp-north" "taxonomy words are searched"
run psw-refer services --format csv
ok '[ $rc -eq 0 ] && [ "$(printf "%s\n" "$out" | head -1 | tr -d "\r")" = "id,name,organisation,status,taxonomy,area" ] && [ "$(printf "%s\n" "$out" | grep -c .)" -eq 6 ]' "every service, csv with a header"
run psw-refer services --status bogus
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "unknown status"' "bad --status: exit 2"
run psw-refer services '"*()'
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "no words"' "a query of punctuation only: exit 2"
run psw-refer services 'NEAR(couns' 'OR' '"x' 'name:y*'
ok '[ $rc -eq 0 ] && eval "[ -z \"\$err\" ]"' "FTS operators are only words (no syntax error)"
run psw-refer -e services zzzznothing
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "-e with no match: exit 1, nothing printed"
run psw-refer services zzzznothing
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "no match: exit 0, nothing printed"

# --- malformed and awkward CSV -------------------------------------------
bad="$tap_tmp/bad"
mkdir -p "$bad"
cp "$H"/*.csv "$bad"/
printf 'p2,,ac148810-d857-441c-9679-408f346de14b,,,,"0400 000\n000,,voice,open quote never closed\n' >>"$bad/phones.csv"
dS=$(svc_digest "$S")
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "phones.csv:3:[0-9]*: unterminated quoted field" && eval "$one_line"' "unterminated quote: exit 3 with file:line"
is "$(svc_digest "$S")" "$dS" "nothing imported"
cp "$H/phones.csv" "$bad/phones.csv"
printf 'x1,,,Stray "quote" here,,\n' >>"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:3:[0-9]*: quote inside an unquoted field"' "a bare quote: exit 3 with file:line:col"
cp "$H/services.csv" "$bad/services.csv"
printf 'x1,,,"Closed" then text,,\n' >>"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:3:"' "text after a closing quote: exit 3"
cp "$H/services.csv" "$bad/services.csv"
printf 'x2,,,Caf\351,,\n' >>"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:3:[0-9]*: not valid UTF-8"' "Latin-1 byte: exit 3 with file:line:col"
cp "$H/services.csv" "$bad/services.csv"
printf 'ac148810-d857-441c-9679-408f346de14b,,,Again,,\n' >>"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:3: service id .* appears twice (first on line 2)"' "a service id twice: exit 3"
cp "$H/services.csv" "$bad/services.csv"
printf 'x3,,,,,\n' >>"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:3: service .x3. has no name"' "a service without a name: exit 3"
printf 'id,name,status\ns1,A,closed\n' >"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:2: .*status must be"' "an unknown status: exit 3"
printf 'name,description\nA,b\n' >"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no .id. column"' "no id column: exit 3"
printf 'id,name,name\ns1,A,B\n' >"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "appears twice in the header"' "a column twice: exit 3"
: >"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no header"' "an empty services.csv: exit 3"
printf 'id,name\0\n' >"$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "NUL byte"' "a NUL byte: exit 3"
rm "$bad/services.csv"
run psw-refer import-hsds "$bad"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv. is missing"' "no services.csv: exit 3"
run psw-refer import-hsds "$tap_tmp/nowhere"
ok '[ $rc -eq 3 ] && eval "$one_line"' "no such folder: exit 3"
run psw-refer import-hsds
ok '[ $rc -eq 2 ]' "import-hsds without a folder: exit 2"
mkdir "$tap_tmp/fifo"
mkfifo "$tap_tmp/fifo/services.csv"
run timeout 20 psw-refer import-hsds "$tap_tmp/fifo"
ok '[ $rc -eq 5 ] && printf "%s\n" "$err" | grep -q "not a regular file"' "a FIFO for services.csv: exit 5, no hang"
is "$(svc_digest "$S")" "$dS" "no refused import wrote anything"
# A service file that is not YAML stops the import (it might be one of
# the services, and a copy would be made).
printf 'name: [unclosed\n' >"$S/broken.yaml"
run psw-refer import-hsds "$H"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services/broken.yaml:" && printf "%s\n" "$err" | grep -q "fix it before importing"' "a broken service file stops the import"
rm "$S/broken.yaml"

# Awkward but valid: BOM, CRLF, quoted commas, quotes and line breaks,
# empty and extra columns, short records, UTF-8, blank lines.
aw="$tap_tmp/awkward"
mkdir -p "$aw"
printf '\357\273\277id,name,,description,status,extra,email\r\n' >"$aw/services.csv"
printf 'a1,"Smith, Jones & ""Partners""",,"Line one\r\nline two, with comma",Temporarily Closed,x,\r\n' >>"$aw/services.csv"
printf '\r\n' >>"$aw/services.csv"
printf 'a2,Zoë’s Café — 中文,,,active\r\n' >>"$aw/services.csv"
printf 'a3,null,,"- a: b # c",,,yes\r\n' >>"$aw/services.csv"
printf 'id,service_id,number,extension\na1-p,a1,"03 9,000",\na1-q,a1,,12\n' >"$aw/phones.csv"
run psw-refer import-hsds "$aw"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 3 services: 3 added, 0 updated, 0 unchanged" ]' "awkward CSV imports"
run psw-refer service show smith-jones-partners --format json
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -qF "\"name\": \"Smith, Jones & \\\"Partners\\\"\""' "quoted comma and doubled quotes"
ok 'printf "%s\n" "$out" | grep -qF "\"description\": \"Line one\\r\\nline two, with comma\""' "a line break inside a field"
ok 'printf "%s\n" "$out" | grep -qF "\"status\": \"temporarily-closed\"" && printf "%s\n" "$out" | tr -d " \n" | grep -qF "\"phones\":[\"039,000\"]"' "status words mapped; a phone without a number skipped"
ok 'grep -q "^name: Zoë’s Café — 中文$" "$S/zo-s-caf.yaml"' "UTF-8 name kept"
is "$(psw-refer services cafe --format tsv | cut -f1)" "zo-s-caf" "search ignores accents (cafe finds Café)"
ok 'grep -q "^name: .null.$" "$S/null.yaml" && grep -q "^email: .yes.$" "$S/null.yaml"' "YAML look-alikes are quoted"
run psw-plan validate
ok '[ $rc -eq 0 ]' "still valid"
rm "$S/smith-jones-partners.yaml" "$S/zo-s-caf.yaml" "$S/null.yaml"

# --- export and the round trip -------------------------------------------
psw-refer -q service add old --name "Old Service"
psw-refer -q service rm old
run psw-refer service rm old
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "removed already"' "rm twice: exit 3"
ok 'grep -q "^removed: 2026-11-28$" "$S/old.yaml"' "rm marks the service removed"
is "$(psw-refer services Old --format tsv)" "" "a removed service is not found"
ex="$tap_tmp/export"
run psw-refer export-hsds "$ex"
ok '[ $rc -eq 0 ] && [ "$out" = "exported 5 services to $ex" ]' "export-hsds (a removed service is left out)"
ok '[ $(ls "$ex" | grep -c "\.csv$") -eq 11 ]' "eleven CSV files"
is "$(head -1 "$ex/services.csv" | tr -d '\r')" "id,organization_id,name,description,url,email,status,application_process,fees_description,wait_time,eligibility_description" "services.csv header"
ok 'grep -q "^gp-north,org-northside-health,Northside GP," "$ex/services.csv"' "a hand-added service exports with its id"
ok 'grep -q "^hf,,Housing First North,,,,inactive," "$ex/services.csv"' "status exported"
ok 'grep -q "^term-housing,housing,housing" "$ex/taxonomy_terms.csv"' "taxonomy terms"
ok 'tail -1 "$PSW_HOME/audit.log" | grep -q "export-hsds"' "export is in the audit log"
run psw-refer export-hsds "$S/gp-north.yaml/x"
ok '[ $rc -eq 5 ] && eval "$one_line"' "export into a file's path: exit 5"
run psw-refer export-hsds
ok '[ $rc -eq 2 ]' "export-hsds without a folder: exit 2"
# Read back into the same folder: nothing new, hand-added services kept.
dS=$(svc_digest "$S")
run psw-refer import-hsds "$ex"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 1 service: 0 added, 0 updated, 1 unchanged; 4 kept as added by hand" ]' "own export read back: no duplicate"
is "$(svc_digest "$S")" "$dS" "own export read back: nothing changed"
# Into a fresh folder: the same directory.
shown() {
	PSW_HOME="$1" psw-refer services --format tsv | cut -f2- | sort
}
mkdir -m 700 "$tap_tmp/home2"
run env PSW_HOME="$tap_tmp/home2" psw-refer import-hsds "$ex"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 5 services: 5 added, 0 updated, 0 unchanged" ]' "import the export into a fresh folder"
is "$(shown "$tap_tmp/home2")" "$(shown "$PSW_HOME")" "round trip: names, organisations, statuses, taxonomy, areas"
for k in description phones languages email schedule address fees eligibility; do
	a=$(grep "^$k:" "$S/community-counselling.yaml")
	b=$(grep "^$k:" "$tap_tmp/home2/services/community-counselling.yaml")
	is "$b" "$a" "round trip: $k"
done
is "$(grep '^phones:' "$tap_tmp/home2/services/northside-gp.yaml")" "phones: ['03 9000 1000', '03 9000 1001']" "round trip: two phones"
ex2="$tap_tmp/export2"
PSW_HOME="$tap_tmp/home2" psw-refer -q export-hsds "$ex2"
is "$(cut -d, -f3- "$ex2/services.csv" | sort)" "$(cut -d, -f3- "$ex/services.csv" | sort)" "export, import, export: the same services.csv past the ids"

# --- a generated directory of 2,000 services -----------------------------
gen="$tap_tmp/gen"
mkdir -p "$gen"
awk 'BEGIN {
	n = 2000
	printf "id,organization_id,name,description,status,email,unused\r\n" >"'"$gen"'/services.csv"
	printf "id,name\n" >"'"$gen"'/organizations.csv"
	printf "id,service_id,number\n" >"'"$gen"'/phones.csv"
	printf "id,name,code\n" >"'"$gen"'/taxonomy_terms.csv"
	printf "id,link_id,taxonomy_term_id\n" >"'"$gen"'/attributes.csv"
	split("housing,counselling,legal,peer,employment", dom, ",")
	for (t = 1; t <= 5; t++)
		printf "t%d,%s,%s\n", t, dom[t], dom[t] >"'"$gen"'/taxonomy_terms.csv"
	for (o = 1; o <= 50; o++)
		printf "o%d,\"Org %d, \"\"the\"\" trust\"\n", o, o >"'"$gen"'/organizations.csv"
	for (i = 1; i <= n; i++) {
		t = (i % 5) + 1
		name = sprintf("Service %d", i % 700)
		if (i % 7 == 0)
			name = sprintf("\"%s, \"\"quoted\"\"\"", name)
		desc = sprintf("\"%s help number %d\nsecond line, with a comma\"", dom[t], i)
		st = (i % 11 == 0) ? "inactive" : "active"
		printf "gen-%05d,o%d,%s,%s,%s,,\r\n", i, (i % 50) + 1, name, desc, st >"'"$gen"'/services.csv"
		printf "p%d,gen-%05d,\"0400 %06d\"\n", i, i, i >"'"$gen"'/phones.csv"
		printf "a%d,gen-%05d,t%d\n", i, i, t >"'"$gen"'/attributes.csv"
	}
}'
t0=$(date +%s%N)
run psw-refer import-hsds "$gen"
t1=$(date +%s%N)
ok '[ $rc -eq 0 ] && [ "$out" = "imported 2000 services: 2000 added, 0 updated, 0 unchanged" ]' "2,000 generated services import"
echo "# import of 2,000 generated services: $(( (t1 - t0) / 1000000 )) ms"
is "$(ls "$S" | grep -c "\.yaml$")" 2006 "2,000 new files, no collision"
t0=$(date +%s%N)
run psw-refer services counselling --format tsv
t1=$(date +%s%N)
ok '[ $rc -eq 0 ] && [ "$(printf "%s\n" "$out" | grep -c .)" -eq 403 ]' "search over 2,006 services (400 generated + 3 by hand)"
echo "# first search (index sync of 2,006 services): $(( (t1 - t0) / 1000000 )) ms"
is "$(psw-refer services --taxonomy legal --status inactive --format tsv | grep -c .)" 36 "taxonomy and status filters over the generated set"
run psw-refer service show service-7-quoted --format json
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -qF "\"organisation\": \"Org 8, \\\"the\\\" trust\""' "quoted organisation name"
t0=$(date +%s%N)
run psw-refer import-hsds "$gen"
t1=$(date +%s%N)
ok '[ $rc -eq 0 ] && [ "$out" = "imported 2000 services: 0 added, 0 updated, 2000 unchanged" ]' "re-import of 2,000: unchanged"
echo "# re-import of 2,000 unchanged services: $(( (t1 - t0) / 1000000 )) ms"
is "$(ls "$S" | grep -c "\.yaml$")" 2006 "re-import: no duplicate"
is "$(digest "$S/gp-north.yaml")" "$d2" "hand-added service still untouched"
# A change in one row: one update.
sed -i 's/^gen-00043,o44,Service 43,/gen-00043,o44,Service Forty-three,/' "$gen/services.csv"
run psw-refer import-hsds "$gen"
ok '[ $rc -eq 0 ] && [ "$out" = "imported 2000 services: 0 added, 1 updated, 1999 unchanged" ]' "one changed row: one update"
ok 'grep -q "^name: Service Forty-three$" "$S/service-43.yaml"' "updated in place (the file keeps its id)"
# A malformed row far down: nothing imported.
dS=$(svc_digest "$S")
printf 'gen-99999,o1,"Never closed,x,active,,\r\n' >>"$gen/services.csv"
run psw-refer import-hsds "$gen"
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "services.csv:4002:[0-9]*: unterminated"' "malformed last row of 2,000: exit 3 with its line"
is "$(svc_digest "$S")" "$dS" "nothing imported"
rm -f "$S"/service-*.yaml

# --- referrals: new, and every refusal -----------------------------------
psw-plan -q new alex-m --name "Alex Morgan" --dob 1991-04-02
psw-plan -q new bo-k --name "Bo K"
psw-plan -q goal add alex-m --domain housing --title "A tenancy of my own"
psw-plan -q consent add alex-m --scope share-with-services --given 2026-10-01
psw-plan -q consent add alex-m --scope share-with-gp --given 2025-01-01 --expires 2025-12-31
psw-plan -q consent add alex-m --scope share-with-housing --given 2026-01-01
psw-plan -q consent revoke alex-m k3 --date 2026-06-01
psw-plan -q consent add alex-m --scope later --given 2026-12-10
psw-plan -q note alex-m "SECRET session content"
# What the client agreed to share in letters (psw-plan(5) share:).
sed -i 's/^  - {id: k1, scope: share-with-services, given: 2026-10-01}$/  - {id: k1, scope: share-with-services, given: 2026-10-01, share: [contact, health]}/' "$f"
sed -i 's/^dob: 1991-04-02$/dob: 1991-04-02\nphone: 0400 111 222/' "$f"
printf 'assessments:\n  - {id: a1, instrument: phq-9, date: 2026-10-01, answers: [3,3,3,3,3,3,3,3,3]}\n  - {id: a2, instrument: phq-9, date: 2026-11-20, answers: [1,1,1,1,1,1,1,1,0]}\n' >>"$f"
run psw-plan validate alex-m
ok '[ $rc -eq 0 ]' "the fixture client validates"
fa=$(digest "$f")
run psw-refer new alex-m --reason x
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q -- "--service"' "new without --service: exit 2"
run psw-refer new alex-m --service gp-north
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q -- "--reason"' "new without --reason: exit 2"
run psw-refer new alex-m --service gp-north --reason "  "
ok '[ $rc -eq 2 ]' "a blank reason: exit 2"
run psw-refer new alex-m --service gp-north --reason x --urgency asap
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "unknown urgency"' "bad urgency: exit 2"
run psw-refer new Alex --service gp-north --reason x
ok '[ $rc -eq 2 ]' "bad client id: exit 2"
run psw-refer new alex-m bo-k --service gp-north --reason x
ok '[ $rc -eq 2 ]' "two clients: exit 2"
run psw-refer new alex-m --service gp-north --reason x --override-consent
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q -- "--send"' "--override-consent without --send: exit 2"
run psw-refer new alex-m --service gp-north --reason x --follow-up soon
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "follow-up"' "bad --follow-up: exit 2"
run psw-refer new alex-m --service gp-north --reason x --date someday
ok '[ $rc -eq 2 ]' "bad --date: exit 2"
run psw-refer new alex-m --service nosuch --reason x
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no service .nosuch."' "unknown service: exit 3"
run psw-refer new alex-m --service old --reason x
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "service .old. was removed from the directory on 2026-11-28" && eval "$one_line"' "a removed service: exit 3"
run psw-refer new nobody --service gp-north --reason x
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no client"' "unknown client: exit 3"
run psw-refer new alex-m --service gp-north --reason x --goal g9
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no goal .g9."' "unknown goal: exit 3"
run psw-refer new alex-m --service gp-north --reason x --consent k9
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no consent .k9."' "unknown consent: exit 3"
# Consent: none named, none at all, expired, revoked, not yet given.
run psw-refer new alex-m --service gp-north --reason x --send
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "needs an active consent: name it with --consent (the client has 1 active consent entry)" && eval "$one_line"' "send without --consent: refused, naming what is missing"
run psw-refer new bo-k --service gp-north --reason x --send
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "has 0 active consent entries"' "send for a client with no consent: refused"
run psw-refer new alex-m --service gp-north --reason x --send --consent k2
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "consent k2 expired on 2025-12-31"' "expired consent: refused"
run psw-refer new alex-m --service gp-north --reason x --send --consent k3
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "consent k3 was revoked on 2026-06-01"' "revoked consent: refused"
run psw-refer new alex-m --service gp-north --reason x --send --consent k4
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "consent k4 is not given yet"' "consent not given yet: refused"
is "$(digest "$f")" "$fa" "every refused new left the client file byte-identical"

# --- a whole lifecycle: completed, rejected, failed after follow-ups,
# accepted but not engaged (overdue), and one sent without consent.
run psw-refer new alex-m --service gp-north --reason "Assessment for low mood" \
    --goal g1 --consent k1 --send --date 2026-11-01
ok '[ $rc -eq 0 ] && [ "$out" = "added referral r1 (requested)" ]' "new --send with an active consent"
ok 'grep -A12 "^  - id: r1$" "$f" | grep -q "^    follow-up: 2026-11-08$"' "follow-up 7 days after sending (default)"
ok 'grep -q "^      - {date: 2026-11-01, status: requested, by: " "$f"' "history: requested"
run psw-refer update alex-m r1 --status accepted --date 2026-11-05
ok '[ $rc -eq 0 ] && [ "$out" = "referral r1 accepted" ]' "accepted"
ok 'grep -A12 "^  - id: r1$" "$f" | grep -q "^    follow-up: 2026-11-19$"' "follow-up 14 days after accepted"
run psw-refer update alex-m r1 --status in-progress --date 2026-11-10 --note "first appointment"
ok '[ $rc -eq 0 ] && ! grep -A14 "^  - id: r1$" "$f" | grep -q "follow-up:"' "in-progress: no follow-up needed"
run psw-refer update alex-m r1 --status completed --date 2026-11-20
ok '[ $rc -eq 0 ]' "completed"
run psw-refer update alex-m r1 --status requested
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "referral r1 is completed: no change is possible$" && eval "$one_line"' "completed -> requested refused"

run psw-refer new alex-m --service hf --reason "Housing" --consent k1 --send --date 2026-11-02
ok '[ $rc -eq 0 ] && [ "$out" = "added referral r2 (requested)" ]' "r2 sent"
ok 'printf "%s\n" "$err" | grep -q "service .hf. is inactive"' "a service that is not active: a warning"
run psw-refer update alex-m r2 --status rejected --date 2026-11-09
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "needs --reason"' "rejected without a reason: exit 2"
run psw-refer update alex-m r2 --status rejected --date 2026-11-09 --reason "Out of area"
ok '[ $rc -eq 0 ] && grep -q "status: rejected" "$f" && grep -q "reason: Out of area" "$f"' "rejected with its reason in the history"

run psw-refer new alex-m --service hf --reason "Housing again" --consent k1 --send --date 2026-11-01 --urgency urgent
ok '[ $rc -eq 0 ] && grep -A12 "^  - id: r3$" "$f" | grep -q "^    follow-up: 2026-11-03$"' "urgent: follow-up after 2 days"
run psw-refer followed-up alex-m r3 --date 2026-11-03 --note "no answer"
ok '[ $rc -eq 0 ] && [ "$out" = "followed up referral r3; next on 2026-11-05" ]' "followed-up: next by the default (urgent)"
run psw-refer followed-up alex-m r3 --date 2026-11-05 --next 10d
ok '[ $rc -eq 0 ] && [ "$out" = "followed up referral r3; next on 2026-11-15" ]' "followed-up --next DURATION"
run psw-refer followed-up alex-m r3 --date 2026-11-15 --next 2026-11-22 --note "left a message"
ok '[ $rc -eq 0 ] && grep -A20 "^  - id: r3$" "$f" | grep -q "^    follow-up: 2026-11-22$"' "followed-up --next DATE"
ok '[ "$(grep -A30 "^  - id: r3$" "$f" | grep -c "^      - .*date: 2026-11-\(03\|05\|15\)")" -eq 3 ] || [ "$(grep -A30 "^  - id: r3$" "$f" | grep -c "date: 2026-11-\(03\|05\|15\)")" -eq 3 ]' "three follow-ups kept"
run psw-refer followed-up alex-m r3 --next never
ok '[ $rc -eq 2 ]' "bad --next: exit 2"
run psw-refer update alex-m r3 --status failed --date 2026-11-22 --reason "No response after three calls"
ok '[ $rc -eq 0 ]' "failed after follow-ups"
fa=$(digest "$f")
run psw-refer followed-up alex-m r3
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "nothing to follow up"' "follow up a failed referral: exit 3"
run psw-refer followed-up alex-m r9
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no referral .r9."' "unknown referral: exit 3"
run psw-refer followed-up alex-m
ok '[ $rc -eq 2 ]' "followed-up without a referral: exit 2"
is "$(digest "$f")" "$fa" "refused follow-ups write nothing"

run psw-refer new alex-m --service gp-north --reason "Review" --consent k1 --send --date 2026-11-10
run psw-refer update alex-m r4 --status accepted --date 2026-11-12
ok '[ $rc -eq 0 ] && grep -A12 "^  - id: r4$" "$f" | grep -q "^    follow-up: 2026-11-26$"' "r4 accepted, not engaged: follow-up 2026-11-26"
run psw-refer update alex-m r4 --status in-progress --date 2026-11-11
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "before the referral.s last change (2026-11-12)"' "a date before the last change: exit 2"
run psw-refer update alex-m r4 --status lost
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q "unknown status"' "unknown status: exit 2"
run psw-refer update alex-m r4
ok '[ $rc -eq 2 ] && printf "%s\n" "$err" | grep -q -- "--status"' "update without --status: exit 2"
run psw-refer update alex-m r9 --status accepted
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no referral .r9."' "update an unknown referral: exit 3"
run psw-refer update alex-m r4 --status on-hold --override-consent
ok '[ $rc -eq 2 ]' "--override-consent without --reason: exit 2"
run psw-refer update alex-m r4 --status on-hold --follow-up tomorrow-ish
ok '[ $rc -eq 2 ]' "update: bad --follow-up: exit 2"
# Overriding consent: recorded in the history and the audit log.
fb="$PSW_HOME/clients/bo-k.yaml"
run psw-refer new bo-k --service community-counselling --reason "Risk to life: urgent support" --send --override-consent
ok '[ $rc -eq 0 ] && printf "%s\n" "$err" | grep -q "override recorded"' "--send --override-consent: sent, with a warning"
ok 'grep -q "consent-override: true" "$fb" && grep -q "reason: .Risk to life: urgent support" "$fb"' "the override and its reason are in the history"
ok 'grep -q "refer-override-consent	bo-k" "$PSW_HOME/audit.log"' "the override is in the audit log"
# A draft made without consent is sent once a consent is named.
run psw-refer new alex-m --service money-advice --reason "Debts"
ok '[ $rc -eq 0 ] && [ "$out" = "added referral r5 (draft)" ] && grep -A12 "^  - id: r5$" "$f" | grep -q "^    follow-up: 2026-12-05$"' "a draft, with a follow-up a week on"
run psw-refer update alex-m r5 --status requested
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "needs an active consent"' "sending a draft without consent: refused"
run psw-refer update alex-m r5 --status requested --consent k2
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "expired"' "sending a draft under an expired consent: refused"
run psw-refer update alex-m r5 --status requested --consent k1
ok '[ $rc -eq 0 ] && grep -A14 "^  - id: r5$" "$f" | grep -q "^    consent: k1$"' "update --consent k1 sends it"
run psw-refer update alex-m r5 --status cancelled --reason "Client changed their mind" --date 2026-11-28
ok '[ $rc -eq 0 ]' "cancelled"
run psw-refer update alex-m r5 --status requested
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "without --reopen"' "after cancelled, only with --reopen"
run psw-refer update alex-m r5 --reopen --status accepted
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "next: draft or requested"' "reopen lists draft or requested"
run psw-refer update alex-m r5 --reopen --status draft
ok '[ $rc -eq 0 ]' "reopened as a draft"
run psw-refer update alex-m r1 --reopen --status draft
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "only a rejected, cancelled or failed"' "a completed referral cannot be reopened"
run psw-plan validate
ok '[ $rc -eq 0 ]' "every file still validates"

# --- list ---------------------------------------------------------------------
run psw-refer list --format csv
ok '[ $rc -eq 0 ] && [ "$(printf "%s\n" "$out" | head -1 | tr -d "\r")" = "client,id,service,status,urgency,sent,days_sent,follow_up,days_to_follow_up" ]' "list: the csv header"
is "$(printf '%s\n' "$out" | grep -c .)" 7 "list: six referrals"
is "$(psw-refer list --overdue --format tsv)" "alex-m	r4	gp-north	accepted	routine	2026-11-10	18	2026-11-26	-2" "--overdue: accepted and not engaged, with days since sent and to the follow-up"
is "$(psw-refer list --open --format tsv | cut -f1,2 | tr '\t\n' ': ')" "alex-m:r4 alex-m:r5 bo-k:r1 " "--open: by follow-up date, then client"
is "$(psw-refer list alex-m --status failed --format tsv | cut -f2,6,7)" "r3	2026-11-01	" "--status failed (no days since sent once closed)"
is "$(psw-refer list --service gp-north --format tsv | cut -f2 | tr '\n' ' ')" "r4 r1 " "--service"
is "$(psw-refer list bo-k --format tsv)" "bo-k	r1	community-counselling	requested	routine	2026-11-28	0	2026-12-05	7" "list one client"
run psw-refer list --status lost
ok '[ $rc -eq 2 ]' "list: unknown status: exit 2"
run psw-refer list nobody
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "no client .nobody."' "list: unknown client: exit 3"
run psw-refer list alex-m bo-k
ok '[ $rc -eq 2 ]' "list: two clients: exit 2"
run psw-refer -e list --status on-hold
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "-e and nothing: exit 1"
run psw-refer list --status on-hold
ok '[ $rc -eq 0 ] && [ -z "$out" ]' "nothing: exit 0, nothing printed"

# --- letter ---------------------------------------------------------------------
cat >"$PSW_HOME/psw.yaml" <<'YAML'
worker: sam
worker-phone: 03 9000 2000
organisation: Northside Community Support
organisation-address: 1 Main Street, Northside
YAML
run psw-refer letter alex-m r4
ok '[ $rc -eq 0 ]' "letter"
ok 'printf "%s\n" "$out" | grep -q "^To: Northside GP (Northside Health)$"' "letter: to the service"
ok 'printf "%s\n" "$out" | grep -q "^Name: Alex Morgan$" && printf "%s\n" "$out" | grep -q "^Date of birth: 1991-04-02$"' "letter: name and date of birth"
ok 'printf "%s\n" "$out" | grep -q "^Phone: 0400 111 222$"' "letter: the client's phone (consent shares contact)"
ok 'printf "%s\n" "$out" | grep -q "^From: sam$" && printf "%s\n" "$out" | grep -q "^Phone: 03 9000 2000$" && printf "%s\n" "$out" | grep -q "^Organisation address: 1 Main Street, Northside$"' "letter: the worker and organisation from settings"
ok 'printf "%s\n" "$out" | grep -q "^Patient Health Questionnaire-9: 8 (mild) on 2026-11-20$" && ! printf "%s\n" "$out" | grep -q "on 2026-10-01$"' "letter: the current score only (consent shares health)"
ok '! printf "%s\n" "$out" | grep -q SECRET' "letter: never session notes"
run psw-refer letter alex-m r4 --format md
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^# Referral$" && printf "%s\n" "$out" | grep -q "^- \*\*Name:\*\* Alex Morgan$"' "letter --format md"
run psw-refer letter alex-m r4 --format json
ok '[ $rc -eq 2 ]' "letter --format json: exit 2"
# A consent that shares neither contact nor health.
sed -i '/^    share: \[contact, health\]$/d' "$f"
run psw-refer letter alex-m r4
ok '[ $rc -eq 0 ] && ! printf "%s\n" "$out" | grep -q "0400 111 222" && ! printf "%s\n" "$out" | grep -q "Questionnaire"' "letter: no contact details, no scores without share"
run psw-refer letter bo-k r1
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "needs an active consent" && [ -z "$out" ]' "letter without consent: refused, nothing printed"
run psw-refer letter bo-k r1 --override-consent
ok '[ $rc -eq 2 ]' "letter --override-consent without --reason: exit 2"
run psw-refer letter bo-k r1 --override-consent --reason "Risk to life"
ok '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "^Consent: not given; shared because: Risk to life$"' "letter with the override: the reason is on the letter"
ok 'grep -q "letter-override-consent	bo-k" "$PSW_HOME/audit.log"' "the letter override is in the audit log"
run psw-refer letter alex-m r9
ok '[ $rc -eq 3 ]' "letter: unknown referral: exit 3"
run psw-refer letter nobody r1
ok '[ $rc -eq 3 ]' "letter: unknown client: exit 3"
run psw-refer letter alex-m
ok '[ $rc -eq 2 ]' "letter without a referral: exit 2"

# --- stats ------------------------------------------------------------------------
run psw-refer stats --format csv
is "$(printf '%s\n' "$out" | tr -d '\r')" "service,sent,accepted,completed,rejected,failed,median_days_to_accepted,median_days_to_in_progress,seen_percent
all,6,2,1,1,1,3,9,17
community-counselling,1,0,0,0,0,,,0
gp-north,2,2,1,0,0,3,9,50
hf,2,0,0,1,1,,,0
money-advice,1,0,0,0,0,,,0" "stats: counts, medians and the closed loop"
is "$(psw-refer stats --from 2026-11-05 --to 2026-11-27 --format tsv)" "all	1	1	0	0	0	2		0
gp-north	1	1	0	0	0	2		0" "stats --from --to"
run psw-refer stats --from never
ok '[ $rc -eq 2 ]' "stats: bad --from: exit 2"
run psw-refer stats extra
ok '[ $rc -eq 2 ]' "stats takes no arguments: exit 2"
run psw-refer -e stats --from 2030-01-01
ok '[ $rc -eq 1 ] && [ -z "$out" ]' "stats -e with nothing sent: exit 1"

# --- the machine formats read back by a strict reader --------------------------
FC="$PSW_BUILD/tests/fmtcheck"
bad=
for c in "services" "services couns" "list" "list --overdue" "stats" "service show gp-north"; do
	for fm in json csv; do
		[ "$c" = "service show gp-north" ] && [ $fm = csv ] && continue
		psw-refer $c --format $fm >"$tap_tmp/fmt" 2>/dev/null ||
		    bad="$bad; $c --format $fm failed"
		"$FC" $fm "$tap_tmp/fmt" >/dev/null 2>"$tap_tmp/fmt.err" ||
		    bad="$bad; $c --format $fm: $(cat "$tap_tmp/fmt.err")"
	done
done
for x in "$ex"/*.csv; do
	"$FC" csv "$x" >/dev/null 2>"$tap_tmp/fmt.err" ||
	    bad="$bad; ${x##*/}: $(cat "$tap_tmp/fmt.err")"
done
is "$bad" "" "json and csv of services, list, stats, service show and every exported HSDS file are well-formed"
psw-refer service show gp-north --format json >"$tap_tmp/fmt"
is "$("$FC" json "$tap_tmp/fmt" .taxonomy.1)" "primary care" "service show --format json read back"

# --- every transition, allowed and refused -----------------------------------
# In a case folder of its own (stats above stay as they are).
T="$tap_tmp/trans"
mkdir -m 700 "$T"
tr_() { PSW_HOME="$T" "$@"; }
tr_ psw-plan -q new tc --name "T C"
tr_ psw-plan -q consent add tc --scope all --given 2026-01-01
tr_ psw-refer -q service add s1 --name "S One"
# The expected next statuses, written out here independently of the code.
next_of() {
	case $1 in
	draft) echo "requested cancelled" ;;
	requested) echo "received accepted rejected on-hold cancelled failed" ;;
	received) echo "accepted rejected on-hold cancelled failed" ;;
	accepted) echo "in-progress on-hold completed cancelled failed" ;;
	in-progress) echo "completed on-hold cancelled failed" ;;
	on-hold) echo "requested received accepted in-progress cancelled failed" ;;
	*) echo "" ;;
	esac
}
# The path to reach each status from a new draft.
path_to() {
	case $1 in
	draft) echo "" ;;
	requested) echo "requested" ;;
	received|accepted|on-hold|rejected|failed) echo "requested $1" ;;
	in-progress|completed) echo "requested accepted $1" ;;
	cancelled) echo "cancelled" ;;
	esac
}
all="draft requested received accepted rejected in-progress on-hold completed cancelled failed"
n=0
bad=
allowed_n=0
refused_n=0
for from in $all; do
	for to in $all; do
		n=$((n + 1))
		tr_ psw-refer -q new tc --service s1 --reason "t $n" --consent k1 ||
		    bad="$bad; cannot make r$n"
		for st in $(path_to "$from"); do
			tr_ psw-refer -q update tc "r$n" --status "$st" --reason because ||
			    bad="$bad; r$n: cannot reach $st"
		done
		d=$(digest "$T/clients/tc.yaml")
		tr_ psw-refer -q update tc "r$n" --status "$to" --reason because \
		    >"$tap_tmp/o" 2>"$tap_tmp/e"
		rc=$?
		case " $(next_of "$from") " in
		*" $to "*)
			allowed_n=$((allowed_n + 1))
			[ $rc -eq 0 ] || bad="$bad; $from -> $to refused: $(cat "$tap_tmp/e")" ;;
		*)
			refused_n=$((refused_n + 1))
			want=$(next_of "$from")
			if [ $rc -ne 3 ] || [ "$(grep -c . "$tap_tmp/e")" -ne 1 ]; then
				bad="$bad; $from -> $to: exit $rc"
			elif [ -n "$want" ] && ! grep -q "cannot go from $from to $to (next: " "$tap_tmp/e"; then
				bad="$bad; $from -> $to: $(cat "$tap_tmp/e")"
			elif [ -z "$want" ] && ! grep -q "is $from: no change is possible" "$tap_tmp/e"; then
				bad="$bad; $from -> $to: $(cat "$tap_tmp/e")"
			fi
			for w in $want; do
				grep -q "next: .*$w" "$tap_tmp/e" ||
				    bad="$bad; $from -> $to: $w not listed"
			done
			[ "$(digest "$T/clients/tc.yaml")" = "$d" ] ||
			    bad="$bad; $from -> $to refused but the file changed" ;;
		esac
	done
done
is "$bad" "" "every transition: $allowed_n allowed pass, $refused_n refused with exit 3, the allowed next statuses listed, the file untouched"
is "$allowed_n $refused_n" "28 72" "28 allowed and 72 refused transitions"
# --reopen from each closed status.
for from in rejected cancelled failed completed; do
	for to in draft requested accepted; do
		n=$((n + 1))
		tr_ psw-refer -q new tc --service s1 --reason "t $n" --consent k1
		for st in $(path_to "$from"); do
			tr_ psw-refer -q update tc "r$n" --status "$st" --reason because
		done
		run tr_ psw-refer update tc "r$n" --reopen --status "$to"
		case $from:$to in
		completed:*) ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "only a rejected"' "reopen $from as $to: refused" ;;
		*:accepted) ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "next: draft or requested"' "reopen $from as $to: refused" ;;
		*) ok '[ $rc -eq 0 ]' "reopen $from as $to" ;;
		esac
	done
done
run tr_ psw-plan validate
ok '[ $rc -eq 0 ]' "after 112 referrals the client file validates"

# --- follow-up defaults come from the settings ------------------------------
printf 'follow-up-sent: 10d\nfollow-up-urgent: 1d\nfollow-up-accepted: 3w\n' >"$T/psw.yaml"
tr_ psw-plan -q new fu --name "F U"
tr_ psw-plan -q consent add fu --scope all --given 2026-01-01
tr_ psw-refer -q new fu --service s1 --reason a --consent k1 --send
tr_ psw-refer -q new fu --service s1 --reason b --consent k1 --send --urgency urgent
tr_ psw-refer -q new fu --service s1 --reason c --consent k1 --send --urgency soon --follow-up 2026-12-24
tr_ psw-refer -q new fu --service s1 --reason d --consent k1 --send --follow-up 3d
tr_ psw-refer -q update fu r4 --status accepted
is "$(tr_ psw-refer list fu --format tsv | cut -f2,8 | tr '\t\n' ': ')" "r2:2026-11-29 r1:2026-12-08 r4:2026-12-19 r3:2026-12-24 " "follow-up-sent, -urgent, -accepted from psw.yaml; --follow-up DATE and DURATION"
printf 'follow-up-sent: soon\n' >"$T/psw.yaml"
run tr_ psw-refer list
ok '[ $rc -eq 3 ] && printf "%s\n" "$err" | grep -q "psw.yaml:1:"' "a bad follow-up setting: exit 3 with file:line"

done_testing

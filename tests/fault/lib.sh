# lib.sh - what the reliability harnesses share (source after tap.sh).
#
#   rel_commands          the writing commands of commands.txt, one a line
#                         (CLIENT<tab>MARK<tab>COMMAND), comments dropped
#   rel_subst STR N       STR with every {n} replaced by N
#   rel_fixture DIR       a small case folder at DIR: clients alex-m and
#                         bo-k with a note each, service svc0, alex-m's
#                         referral r1 to it in progress, index built
#   rel_clients_digest DIR  one digest of every client file in DIR
#   rel_integrity DIR     "ok" when DIR's index passes PRAGMA
#                         integrity_check (or does not exist)
#   rel_valid DIR         0 when every client file in DIR validates
#   rel_name CMD          a short name for a command line ("plan note")

rel_list="$PSW_SRC/tests/fault/commands.txt"

# The clients readers.txt names: rel_fixture's, unless a harness with
# another fixture sets its own.
RID=${RID:-alex-m}
RID2=${RID2:-bo-k}
export RID RID2

rel_commands() {
	grep -v '^#' "$rel_list" | grep -v '^[[:space:]]*$'
}

rel_subst() {
	printf '%s\n' "$1" | sed "s/{n}/$2/g"
}

rel_fixture() {
	mkdir -p "$1" && chmod 700 "$1" || return 1
	PSW_HOME="$1" psw-plan new alex-m --name "Alex Morgan" \
	    --dob 1991-04-02 -q &&
	PSW_HOME="$1" psw-plan note alex-m --kind phone "first call" -q &&
	PSW_HOME="$1" psw-plan new bo-k --name "Bo K" -q &&
	PSW_HOME="$1" psw-plan note bo-k "hello" -q &&
	PSW_HOME="$1" psw-refer service add svc0 --name "Service 0" -q &&
	PSW_HOME="$1" psw-refer new alex-m --service svc0 --reason "fixture" \
	    -q &&
	PSW_HOME="$1" psw-refer update alex-m r1 --status requested \
	    --override-consent --reason "fixture" -q &&
	PSW_HOME="$1" psw-refer update alex-m r1 --status accepted -q &&
	PSW_HOME="$1" psw-refer update alex-m r1 --status in-progress -q &&
	PSW_HOME="$1" psw-plan list >/dev/null
}

rel_clients_digest() {
	(cd "$1/clients" 2>/dev/null && find . -name '*.yaml' -type f |
	    LC_ALL=C sort | xargs -r sha256sum) | sha256sum | cut -d' ' -f1
}

rel_integrity() {
	if [ -f "$1/index.db" ]; then
		sqlite3 "file:$1/index.db?mode=ro" 'PRAGMA integrity_check' 2>&1
	else
		echo ok
	fi
}

rel_valid() {
	psw-plan --home "$1" validate >/dev/null 2>&1
}

rel_name() {
	# The first psw tool named and its command (a line may start with
	# a shell's if, a printf or an assignment); never a raw escape.
	set -f
	set -- $1
	set +f
	_first="$1 $2"
	while [ $# -gt 0 ]; do
		case $1 in
		psw-*)	_first="$1 ${2:-}"
			break ;;
		esac
		shift
	done
	printf '%s\n' "${_first#psw-}" | tr -d '\\'\''"' | cut -c1-40
}

rel_readers() {
	grep -v '^#' "$PSW_SRC/tests/fault/readers.txt" |
	    grep -v '^[[:space:]]*$'
}

# Milliseconds since the epoch.
rel_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

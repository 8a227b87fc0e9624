#!/bin/sh
# crash.sh - kill -9 during writes.  PSW_CRASH_N runs (default 150; the
# long form is PSW_CRASH_N=1000) of the writing commands of
# tests/fault/commands.txt in turn, each SIGKILLed at a random moment from
# 0.5 to 30 ms after it started (log-uniform, tests/fault/killer.c).
# After every run the client it wrote parses and validates, and the next
# writer handles any lock left behind; at the end every client file
# validates, every command that reported success has its change on disk,
# the index passes integrity_check and lists every client.
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

killer="$PSW_BUILD/tests/fault/psw-killer"
n=${PSW_CRASH_N:-150}
home="$PSW_HOME"
rel_fixture "$home" || { echo "Bail out! fixture"; exit 1; }
rel_commands >"$tap_tmp/cmds"
ncmd=$(grep -c . "$tap_tmp/cmds")
: >"$tap_tmp/acked"
killed=0
completed=0
stale=0
tmps=0
bad=
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	line=$(sed -n "$(( (i - 1) % ncmd + 1 ))p" "$tap_tmp/cmds")
	line=$(rel_subst "$line" "$i")
	client=$(printf '%s\n' "$line" | cut -f1)
	mark=$(printf '%s\n' "$line" | cut -f2)
	cmd=$(printf '%s\n' "$line" | cut -f3-)
	f="$home/clients/$client.yaml"
	k=$(( (i - 1) % ncmd + 1 ))
	"$killer" 500 30000 "$i" sh -c "$cmd" >"$tap_tmp/out" \
	    2>"$tap_tmp/err"
	rc=$?
	# A run of set or edit killed after its write reached the disk
	# replaces the value acknowledged before it: that is no loss.
	case $cmd in
	*"psw-plan set "*|*"psw-plan edit "*)
		if [ $rc -eq 0 ] && [ -s "$tap_tmp/out" ]; then
			: >"$tap_tmp/later.$k"
		else
			printf '%s\n' "$mark" >>"$tap_tmp/later.$k"
		fi ;;
	esac
	case $rc in
	0)	completed=$((completed + 1))
		if [ -s "$tap_tmp/out" ]; then
			# A value that set or edit writes replaces the one
			# an earlier run of the same line wrote: only the
			# last acknowledged one (or a later run's, see
			# above) must be on disk.
			case $cmd in
			*"psw-plan set "*|*"psw-plan edit "*)
				grep -v "^$k	" "$tap_tmp/acked" \
				    >"$tap_tmp/acked.new" 2>/dev/null
				mv "$tap_tmp/acked.new" "$tap_tmp/acked" ;;
			esac
			printf '%s\t%s\t%s\n' "$k" "$client" "$mark" \
			    >>"$tap_tmp/acked"
		fi ;;
	137)	killed=$((killed + 1))
		[ -e "$f.lock" ] && stale=$((stale + 1)) ;;
	*)	bad="$bad
run $i: exit $rc: $(grep -v '^killer:' "$tap_tmp/err")" ;;
	esac
	[ -e "$f.tmp" ] && tmps=$((tmps + 1))
	if [ -e "$f" ] && ! psw-plan validate "$client" >/dev/null \
	    2>"$tap_tmp/verr"; then
		bad="$bad
run $i: $client does not validate: $(cat "$tap_tmp/verr")"
	fi
done
is "$bad" "" "$n runs: every run ended or was killed; the file it wrote always validates"

lost=0
while IFS='	' read -r k client mark; do
	f="$home/clients/$client.yaml"
	grep -qF -- "$mark" "$f" 2>/dev/null && continue
	[ -s "$tap_tmp/later.$k" ] &&
	    grep -qF -f "$tap_tmp/later.$k" "$f" 2>/dev/null && continue
	{
		lost=$((lost + 1))
		echo "# lost: line $k, $client: $mark"
	}
done <"$tap_tmp/acked"
acked=$(grep -c . "$tap_tmp/acked")
is "$lost" 0 "every one of $acked acknowledged writes is on disk"
run psw-plan validate
ok '[ $rc -eq 0 ]' "every client file validates"
ig=$(rel_integrity "$home")
is "$ig" ok "index integrity_check"
run psw-plan list --format tsv
files=$(ls "$home/clients" | grep -c '\.yaml$')
is "$(printf '%s\n' "$out" | grep -c .)" "$files" "the next listing shows every client file"
partial=$(for y in "$home"/clients/*.yaml; do
	psw-plan validate "$(basename "$y" .yaml)" >/dev/null 2>&1 || echo x
done | grep -c x)
echo "# kill -9: $n runs, $killed killed mid-command, $completed completed"
echo "# ($acked acknowledged); $partial partial files, $lost lost"
echo "# acknowledged writes; $stale stale locks and $tmps temporary files"
echo "# left by a kill, all handled by the next writer"
done_testing

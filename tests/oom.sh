#!/bin/sh
# oom.sh - out-of-memory injection: every writing command of
# tests/fault/commands.txt and every reading command of
# tests/fault/readers.txt is run with the n-th memory allocation failing
# (tests/fault/oom.c), once-only and from-n-on, for n over 1..N where N
# is how many allocations the command makes (load, validate, save,
# report and index sync all allocate).  For every n:
#   - no crash (no signal, no sanitizer report);
#   - a failure exits 5 with one line on stderr, and a writer's failure
#     prints nothing on stdout;
#   - on failure every client file is byte-identical;
#   - a success has its change on disk, and a reader's success prints
#     exactly what it prints with memory to spare (on stderr too, but for
#     a warning that the index could not be updated);
#   - the index passes PRAGMA integrity_check, the next listing sees
#     every client, every client file validates, and the next writer
#     succeeds (no lock is left behind).
# In a sanitizer build the shim hands every allocation it does not fail
# to the sanitizer, so LeakSanitizer checks every failure path for leaks
# (a leak ends the run with a report: counted as a problem).
#
# PSW_OOM_RUNS  values of n per command and mode (default 40: n = 1..20,
#               then evenly spread up to N; 16 in a sanitizer build);
#               0 tries every n (the long form, about 10,000 runs per
#               command)
# PSW_OOM_MODES "from once" by default ("from" in a sanitizer build)
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

shim=${PSW_OOM_SHIM:-$PSW_BUILD/tests/fault/psw-oom-shim.so}
if [ ! -f "$shim" ]; then
	echo "1..0 # SKIP no allocation-failure shim"
	exit 0
fi
# A sanitizer build is several times slower: fewer runs by default.
if ldd "$PSW_BUILD/cmd/psw-plan" 2>/dev/null | grep -q libasan; then
	runs=${PSW_OOM_RUNS:-16}
	modes=${PSW_OOM_MODES:-from}
else
	runs=${PSW_OOM_RUNS:-40}
	modes=${PSW_OOM_MODES:-from once}
fi
# Under AddressSanitizer the shim must come before the sanitizer runtime.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
export ASAN_OPTIONS

rel_fixture "$tap_tmp/fixture" || { echo "Bail out! fixture"; exit 1; }
work="$tap_tmp/work"
log="$tap_tmp/oom.log"
total_runs=0
total_failed=0

# The command line runs in a subshell, so that only the psw tool (not a
# shell between) is preloaded and counted.
oomy() {
	(PSW_HOME="$work" LD_PRELOAD="$shim" PSW_OOM_AT=$n \
	    PSW_OOM_MODE=$mode PSW_OOM_LOG="$log"
	export PSW_HOME LD_PRELOAD PSW_OOM_AT PSW_OOM_MODE PSW_OOM_LOG
	eval "$1")
}

# The values of n for a command making $1 allocations.
points() {
	if [ "$runs" -eq 0 ] || [ "$1" -le "$runs" ]; then
		seq 1 "$1"
	else
		first=$((runs / 2))
		seq 1 "$first"
		step=$(( ($1 - first) / (runs - first) + 1 ))
		seq $((first + step / 2)) "$step" "$1"
	fi
	echo $(( $1 + 1 ))
}

# One command: $1 kind (writer or reader), $2 client, $3 mark, $4 command.
oom_command() {
	kind=$1 client=$2 mark=$3 cmd=$4
	# The psw command in the line ("plan note"), whatever surrounds it.
	name=$(printf '%s\n' "$cmd" | grep -o 'psw-[a-z]* [a-z-]*' | head -1)
	name="${name#psw-} ($kind)"
	f="$work/clients/$client.yaml"
	# The reference run: no failure, counting.
	rm -rf "$work" "$log"
	cp -a "$tap_tmp/fixture" "$work"
	n=0 mode=once
	run oomy "$cmd"
	want=$out
	want_err=$err
	N=$(sed -n 's/^allocs //p' "$log" | tail -1)
	if [ "$rc" -ne 0 ] || [ -z "$N" ]; then
		is "rc=$rc allocs=$N" "rc=0" "$name runs without a failure"
		return
	fi
	points "$N" >"$tap_tmp/points"
	for mode in $modes; do
		problems=
		failed=0
		count=0
		while read -r n; do
			count=$((count + 1))
			rm -rf "$work" "$log"
			cp -a "$tap_tmp/fixture" "$work"
			before=$(rel_clients_digest "$work")
			run oomy "$cmd" </dev/null
			p=
			if [ "$rc" -eq 0 ]; then
				if [ $kind = writer ]; then
					grep -qF -- "$mark" "$f" 2>/dev/null ||
					    p="success without the data"
				elif [ "$out" != "$want" ]; then
					p="success with other output: $(printf '%s' "$out" | head -3)"
				elif [ "$(printf '%s\n' "$err" |
				    grep -v 'the next command will catch up')" != \
				    "$want_err" ]; then
					p="success with other messages: $(printf '%s' "$err" | head -3)"
				fi
			else
				failed=$((failed + 1))
				nl=$(printf '%s\n' "$err" | grep -c .)
				[ "$rc" -eq 5 ] || p="exit $rc, not 5"
				[ "$nl" -eq 1 ] ||
				    p="$p; $nl lines on stderr: $(printf '%s' "$err" | head -3)"
				[ $kind = reader ] || [ -z "$out" ] ||
				    p="$p; stdout on failure: $out"
				[ "$(rel_clients_digest "$work")" = "$before" ] ||
				    p="$p; client files changed"
			fi
			ig=$(rel_integrity "$work")
			[ "$ig" = ok ] || p="$p; integrity_check: $ig"
			if ! psw-plan --home "$work" list --format tsv \
			    >"$tap_tmp/list" 2>"$tap_tmp/list.err"; then
				p="$p; next listing failed: $(cat "$tap_tmp/list.err")"
			elif [ $kind = writer ] && [ -f "$f" ] &&
			    ! grep -q "^$client	" "$tap_tmp/list"; then
				p="$p; next listing misses $client"
			fi
			if [ "$rc" -ne 0 ] || [ $kind = writer ]; then
				rel_valid "$work" ||
				    p="$p; a client file does not validate"
				psw-plan --home "$work" note alex-m "after" -q \
				    2>"$tap_tmp/again.err" ||
				    p="$p; next write failed: $(cat "$tap_tmp/again.err")"
			fi
			[ -n "$p" ] && problems="$problems
n=$n: $p"
		done <"$tap_tmp/points"
		total_runs=$((total_runs + count))
		total_failed=$((total_failed + failed))
		is "$problems" "" "$name, $mode: $count runs over n = 1..$((N + 1)), $failed failures, every one clean"
	done
}

rel_commands >"$tap_tmp/cmds"
while IFS='	' read -r client mark cmd; do
	oom_command writer "$(rel_subst "$client" 1)" \
	    "$(rel_subst "$mark" 1)" "$(rel_subst "$cmd" 1)" </dev/null
done <"$tap_tmp/cmds"
rel_readers >"$tap_tmp/readers"
while read -r cmd; do
	oom_command reader "" "" "$cmd" </dev/null
done <"$tap_tmp/readers"
echo "# out-of-memory injection: $total_runs runs, $total_failed failed"
echo "# for lack of memory, 0 problems unless listed above"
done_testing

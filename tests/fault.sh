#!/bin/sh
# fault.sh - I/O-error injection: every writing command of
# tests/fault/commands.txt is run with the k-th write, pwrite, fsync,
# fdatasync, close, open-for-writing, rename, link, unlink, mkdir or
# ftruncate failing (tests/fault/shim.c), for k = 1, 2, ... until the
# command runs with no fault left to inject; once-only and from-k-on,
# with ENOSPC and with EIO.  For every k:
#   - a failure exits 5 with one line on stderr and nothing on stdout;
#   - on failure every client file is byte-identical (the one exception:
#     the rename was done and only the folder's fsync failed, which the
#     message says, and then the file holds the whole change);
#   - a success has its change on disk (never a success message without
#     the data);
#   - the index passes PRAGMA integrity_check, every client file
#     validates, the next command (a listing) sees every client, and the
#     next writer succeeds (a lock left behind is stale, and broken).
# PSW_FAULT_ERRNOS and PSW_FAULT_MODES narrow the runs.
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

shim=${PSW_FAULT_SHIM:-$PSW_BUILD/tests/fault/psw-fault-shim.so}
if [ ! -f "$shim" ]; then
	echo "1..0 # SKIP no fault shim (sanitizer build)"
	exit 0
fi
errnos=${PSW_FAULT_ERRNOS:-ENOSPC EIO}
modes=${PSW_FAULT_MODES:-once from}

rel_fixture "$tap_tmp/fixture" || { echo "Bail out! fixture"; exit 1; }
work="$tap_tmp/work"
log="$tap_tmp/fault.log"
total_runs=0
total_faults=0

# The command line runs in a subshell of this shell, so that only the
# psw tool (not a shell between) is preloaded and counted.
faulty() {
	(PSW_HOME="$work" LD_PRELOAD="$shim" PSW_FAULT_AT=$k \
	    PSW_FAULT_MODE=$mode PSW_FAULT_ERRNO=$errno PSW_FAULT_LOG="$log"
	export PSW_HOME LD_PRELOAD PSW_FAULT_AT PSW_FAULT_MODE \
	    PSW_FAULT_ERRNO PSW_FAULT_LOG
	eval "$1")
}

# After run k: keep its problems ($p); true when the runs are over (no
# fault was left to inject, or they ran away).
k_over() {
	[ -n "$p" ] && problems="$problems
k=$k: $p"
	[ -z "$hit" ] && return 0
	if [ $k -ge 2000 ]; then
		problems="$problems
never ran clean"
		return 0
	fi
	return 1
}

rel_commands >"$tap_tmp/cmds"
while IFS='	' read -r client mark cmd; do
	cmd0=$cmd
	client=$(rel_subst "$client" 1)
	mark=$(rel_subst "$mark" 1)
	cmd=$(rel_subst "$cmd" 1)
	name=$(rel_name "$cmd")
	f="$work/clients/$client.yaml"
	for errno in $errnos; do
	for mode in $modes; do
		k=0
		problems=
		faults=0
		while :; do
			k=$((k + 1))
			rm -rf "$work" "$log"
			cp -a "$tap_tmp/fixture" "$work"
			before=$(rel_clients_digest "$work")
			run faulty "$cmd"
			hit=$(grep '^fail ' "$log" 2>/dev/null | head -1 |
			    cut -d' ' -f3,4)
			has_mark=no
			grep -qF -- "$mark" "$f" 2>/dev/null && has_mark=yes
			p=
			if [ -z "$hit" ]; then
				# No fault left to inject: the plain run.
				[ "$rc" -eq 0 ] && [ $has_mark = yes ] ||
				    p="run without a fault: rc=$rc mark=$has_mark"
			elif [ "$rc" -eq 0 ]; then
				# The fault was absorbed (an index update, a
				# lock's removal): the change must be there.
				[ $has_mark = yes ] ||
				    p="success without the data ($hit)"
			else
				faults=$((faults + 1))
				nl=$(printf '%s\n' "$err" | grep -c .)
				[ "$rc" -eq 5 ] || p="exit $rc, not 5 ($hit)"
				[ "$nl" -eq 1 ] ||
				    p="$p; $nl lines on stderr ($hit): $err"
				[ -z "$out" ] || p="$p; stdout on failure: $out"
				if [ "$(rel_clients_digest "$work")" != "$before" ]
				then
					case $err in
					*"was replaced but its folder could not be synced"*)
						[ $has_mark = yes ] ||
						    p="$p; replaced without the data" ;;
					*)	p="$p; client files changed ($hit)" ;;
					esac
				fi
			fi
			ig=$(rel_integrity "$work")
			[ "$ig" = ok ] || p="$p; integrity_check: $ig"
			if ! psw-plan --home "$work" list --format tsv \
			    >"$tap_tmp/list" 2>"$tap_tmp/list.err"; then
				p="$p; next listing failed: $(cat "$tap_tmp/list.err")"
			elif [ -f "$f" ] &&
			    ! grep -q "^$client	" "$tap_tmp/list"; then
				p="$p; next listing misses $client"
			fi
			rel_valid "$work" || p="$p; a client file does not validate"
			# The next writer is not stopped by what was left.
			again=$(rel_subst "$cmd0" 2)
			(PSW_HOME="$work"; export PSW_HOME; eval "$again") \
			    >/dev/null 2>"$tap_tmp/again.err" ||
			    p="$p; next write failed: $(cat "$tap_tmp/again.err")"
			echo "$k $hit rc=$rc" >>"$tap_tmp/trace"
			k_over && break
		done
		total_runs=$((total_runs + k))
		total_faults=$((total_faults + faults))
		is "$problems" "" "$name, $errno, $mode: k = 1..$k, $faults failures, every one clean"
	done
	done
done <"$tap_tmp/cmds"

# An index built from nothing (aside, then put in place), with the k-th
# call failing, k = 1, 2, ... until it runs clean: a failure exits 5
# with one line, no build file is left behind, and the next listing
# (without faults) builds or uses a sound index that lists every client.
# build_loop FIXTURE CLIENTS WHAT
reader_runs=0
reader_faults=0
build_loop() {
	for mode in once from; do
		k=0
		problems=
		while :; do
			k=$((k + 1))
			rm -rf "$work" "$log"
			cp -a "$1" "$work"
			rm -f "$work"/index.db*
			errno=ENOSPC
			run faulty 'psw-plan list --format tsv'
			hit=$(grep '^fail ' "$log" 2>/dev/null | head -1 |
			    cut -d' ' -f3,4)
			p=
			if [ -n "$hit" ] && [ "$rc" -ne 0 ]; then
				reader_faults=$((reader_faults + 1))
				nl=$(printf '%s\n' "$err" | grep -c .)
				[ "$rc" -eq 5 ] || p="exit $rc, not 5 ($hit)"
				[ "$nl" -eq 1 ] || p="$p; $nl lines on stderr ($hit): $err"
			elif [ "$rc" -ne 0 ]; then
				p="exit $rc without a fault: $err"
			fi
			# Failing once, the command cleans up after itself;
			# failing from k on it cannot (unlink fails too), and
			# then the next command removes what is left.
			set -- "$1" "$2" "$3" "$work"/index.db.build-*
			[ $mode = once ] && [ -e "$4" ] &&
			    p="$p; build file left ($hit)"
			if ! psw-plan --home "$work" list --format tsv \
			    >"$tap_tmp/list" 2>"$tap_tmp/list.err"; then
				p="$p; next listing failed: $(cat "$tap_tmp/list.err")"
			elif [ "$(grep -c . "$tap_tmp/list")" -ne "$2" ]; then
				p="$p; next listing: $(cat "$tap_tmp/list")"
			fi
			set -- "$1" "$2" "$3" "$work"/index.db.build-*
			[ -e "$4" ] &&
			    p="$p; build file left after the next listing ($hit)"
			ig=$(rel_integrity "$work")
			[ "$ig" = ok ] || p="$p; integrity: $ig"
			k_over && break
		done
		reader_runs=$((reader_runs + k))
		is "$problems" "" "index built from nothing ($3), ENOSPC, $mode: k = 1..$k, every failure clean"
	done
}
build_loop "$tap_tmp/fixture" 2 "2 clients, one by one"
# 40 clients: the fresh build (parsing threads, secondary indexes made
# after the rows, due rows sorted through a temporary table).
cp -a "$tap_tmp/fixture" "$tap_tmp/fixture40"
i=3
while [ $i -le 40 ]; do
	sed "s/^id: bo-k\$/id: c$i/" "$tap_tmp/fixture/clients/bo-k.yaml" \
	    >"$tap_tmp/fixture40/clients/c$i.yaml"
	i=$((i + 1))
done
chmod 600 "$tap_tmp/fixture40/clients/"*
build_loop "$tap_tmp/fixture40" 40 "40 clients, fresh"
total_runs=$((total_runs + reader_runs))
total_faults=$((total_faults + reader_faults))

# Where the folder has no hard links (some network and FAT file
# systems), the build is renamed into place instead.
rm -rf "$work" "$log"
cp -a "$tap_tmp/fixture" "$work"
rm -f "$work"/index.db*
(PSW_HOME="$work" LD_PRELOAD="$shim" PSW_FAULT_AT=1 PSW_FAULT_MODE=from \
    PSW_FAULT_ERRNO=EPERM PSW_FAULT_CALLS=link PSW_FAULT_LOG="$log"
export PSW_HOME LD_PRELOAD PSW_FAULT_AT PSW_FAULT_MODE PSW_FAULT_ERRNO \
    PSW_FAULT_CALLS PSW_FAULT_LOG
psw-plan list --format tsv) >"$tap_tmp/list" 2>"$tap_tmp/list.err"
rc=$?
ok '[ $rc -eq 0 ] && ! grep -qv "built from 2 client files" "$tap_tmp/list.err" &&
    grep -q "^fail 1 link " "$log" && [ -f "$work/index.db" ] &&
    [ "$(grep -c . "$tap_tmp/list")" -eq 2 ] &&
    [ "$(rel_integrity "$work")" = ok ]' \
    "no hard links (link fails with EPERM): the index is renamed into place"
set -- "$work"/index.db.build-*
ok '[ ! -e "$1" ]' "and no build file is left"

[ -n "${PSW_FAULT_TRACE:-}" ] && cp "$tap_tmp/trace" "$PSW_FAULT_TRACE"
echo "# fault injection: $total_runs runs, $total_faults injected failures"
echo "# reported, 0 problems unless listed above"
done_testing

#!/bin/sh
# diskfull.sh - disk full: every writing command of
# tests/fault/commands.txt runs in a case folder on a 1 MiB tmpfs that is
# full but for F KiB, for F = 0, 4, 8, ... until the command succeeds.
# For every F: a failure exits 5 with one clear line on stderr, nothing
# on stdout; every client file is byte-identical (0 truncated files, no
# temporary file left); every client file validates; and once space is
# freed the next writer succeeds.  Mounting needs root (or the right to
# mount): without it the test is skipped, and fault.sh covers the same
# ground by injecting ENOSPC into every write, fsync, rename and close.
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

mnt="$tap_tmp/mnt"
mkdir -p "$mnt"
if [ "$(id -u)" -ne 0 ] ||
    ! mount -t tmpfs -o size=1m,mode=700 psw-diskfull "$mnt" 2>/dev/null
then
	echo "1..0 # SKIP cannot mount a 1 MiB tmpfs here (fault.sh injects ENOSPC instead)"
	exit 0
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$tap_tmp"' EXIT

rel_fixture "$tap_tmp/fixture" || { echo "Bail out! fixture"; exit 1; }
work="$mnt/work"
max=${PSW_DISKFULL_MAX:-400}	# KiB of free space to try up to
total=0
failures=0
setup=0

rel_commands >"$tap_tmp/cmds"
while IFS='	' read -r client mark cmd; do
	cmd0=$cmd
	client=$(rel_subst "$client" 1)
	mark=$(rel_subst "$mark" 1)
	cmd=$(rel_subst "$cmd" 1)
	name=$(printf '%s\n' "$cmd" | grep -o 'psw-[a-z]* [a-z-]*' | head -1)
	name=${name#psw-}
	f="$work/clients/$client.yaml"
	problems=
	free=0
	nfail=0
	while :; do
		rm -rf "$work"
		cp -a "$tap_tmp/fixture" "$work" || { echo "Bail out! copy"; exit 1; }
		avail=$(df -P -k "$mnt" | awk 'NR == 2 { print $4 }')
		fill=$((avail - free))
		if [ "$fill" -gt 0 ]; then
			dd if=/dev/zero of="$mnt/filler" bs=1k count="$fill" \
			    2>/dev/null
		fi
		before=$(rel_clients_digest "$work")
		run sh -c "PSW_HOME='$work'; export PSW_HOME; $cmd" </dev/null
		total=$((total + 1))
		p=
		if [ "$rc" -eq 0 ]; then
			grep -qF -- "$mark" "$f" 2>/dev/null ||
			    p="success without the data"
		elif ! printf '%s\n' "$err" | grep -q '^psw-' &&
		    [ "$(rel_clients_digest "$work")" = "$before" ]; then
			# The shell around the command could not write its
			# own input file (not psw's doing): nothing changed.
			setup=$((setup + 1))
		else
			nfail=$((nfail + 1))
			# psw's own lines (an editor may say something too).
			nl=$(printf '%s\n' "$err" | grep -c '^psw-')
			[ "$rc" -eq 5 ] || p="exit $rc, not 5"
			[ "$nl" -eq 1 ] || p="$p; $nl lines on stderr: $err"
			[ -z "$out" ] || p="$p; stdout on failure: $out"
			[ "$(rel_clients_digest "$work")" = "$before" ] ||
			    p="$p; client files changed"
			ls "$work/clients" | grep -q '\.tmp$' &&
			    p="$p; a temporary file was left"
		fi
		rel_valid "$work" || p="$p; a client file does not validate"
		rm -f "$mnt/filler"
		again=$(rel_subst "$cmd0" 2)
		(PSW_HOME="$work"; export PSW_HOME; eval "$again") \
		    >/dev/null 2>"$tap_tmp/again.err" </dev/null ||
		    p="$p; next write (space freed) failed: $(cat "$tap_tmp/again.err")"
		[ -n "$p" ] && problems="$problems
free ${free}k: $p"
		[ "$rc" -eq 0 ] && break
		free=$((free + 4))
		[ $free -gt "$max" ] && { problems="$problems
never succeeded with up to ${max}k free"; break; }
	done
	failures=$((failures + nfail))
	is "$problems" "" "$name on a full disk: failed cleanly with 0..$((free - 4))k free ($nfail runs), succeeded with ${free}k"
done <"$tap_tmp/cmds"
echo "# disk full: $total runs on a 1 MiB tmpfs, $failures failed with"
echo "# exit 5, 0 truncated files unless listed above ($setup runs where"
echo "# the shell around a command could not write its own input)"
done_testing

#!/bin/sh
# run.sh - the benchmark: each psw figure beside its physical floor,
# measured in the same run on the same files (medians, warm page cache).
#
#   sh tests/bench/run.sh [N ...]      default: 2000 20000 100000
#
# Builds into build-bench/ (optimised), generates a caseload of N clients
# with tests/bench/gen (as psw writes files, and again as typed by hand
# for the second full build), and prints a table in Markdown for the README;
# progress goes to stderr.  Every time is the median of several runs of
# tests/bench/runner (fork, exec, wait4), every peak the largest resident
# set of one run.  The floors:
#   full build     parse_floor: read and parse every file with libyaml
#   no-change sync stat_floor: readdir and lstat every file
#   reports        stat floor + the sqlite3 shell running the very
#                  statements the report ran (captured by sqltrace.so)
#   startup        trivial: a program linked like the tools
#   due            also beside remind(1) (installed with the tools)
# One psw-plan note is compared with the same at the smallest N.
set -eu
cd "$(dirname "$0")/../.."
sh tests/deps.sh remind
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=enabled >/dev/null
ninja -C $b >/dev/null
bench=$PWD/$b/tests/bench
PATH="$PWD/$b/cmd:$PATH"
export TZ=UTC LC_ALL=C PSW_TODAY=2026-11-28 NO_COLOR=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/psw-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
sizes=${*:-2000 20000 100000}
load=$(cut -d' ' -f1-3 /proc/loadavg)

say() { echo "run.sh: $*" >&2; }
# run RUNS [runner options] CMD...: "median_ms peak_MB"
run() { "$bench/runner" "$@"; }
# row FIGURE PSW FLOOR TARGET: one table row; PSW and FLOOR are "ms MB"
# (FLOOR "-" when there is none); TARGET is the largest ratio allowed
# ("-" for none; "+2" for at most 2 ms more).
row() {
	echo "$2 $3" | awk -v n="$n" -v mb="$mb" -v what="$1" -v t="$4" '{
		ms = $1; peak = $2; f = $3
		ratio = (f != "-" && f > 0) ? sprintf("%.2f", ms / f) : ""
		fl = f != "-" ? sprintf("%.1f", f) : ""
		ok = ""
		if (t ~ /^\+/)
			ok = (ms - f <= t + 0 ? "yes" : "no") " (" t " ms)"
		else if (t != "-" && ratio != "")
			ok = (ratio + 0 <= t + 0 ? "yes" : "no") " (<= " t ")"
		printf "| %d | %d | %s | %.1f | %s | %s | %s | %.1f |\n",
		    n, mb, what, ms, fl, ratio, ok, peak
	}'
}
# the statements a report ran, less the sync's own (schema, files, meta)
queries() {
	rm -f "$tmp/trace"
	PSW_BENCH_SQL="$tmp/trace" LD_PRELOAD="$bench/sqltrace.so" "$@" \
	    >/dev/null 2>&1 || true
	awk 'BEGIN { RS = ";\n" }
	    /sqlite_schema|^PRAGMA|FROM meta|service_files|FROM files|^BEGIN|^COMMIT|^ROLLBACK/ { next }
	    { print $0 ";" }' "$tmp/trace"
}

echo "| N | MB of YAML | figure | psw ms | floor ms | ratio | target met | peak MB |"
echo "| ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |"
note0=
for n in $sizes; do
	export PSW_HOME="$tmp/n$n"
	say "N=$n: generating"
	"$bench/gen" "$n" "$PSW_HOME"
	sync	# the generator's writeback is not the build's to pay
	mb=$(du -sm "$PSW_HOME/clients" | cut -f1)
	find "$PSW_HOME/clients" -name '*.yaml' >"$tmp/list"
	cat "$PSW_HOME"/psw.yaml "$tmp/list" >/dev/null
	xargs cat <"$tmp/list" >/dev/null	# warm the page cache
	rb=3 r=9
	[ "$n" -le 5000 ] && rb=5
	[ "$n" -ge 50000 ] && rb=1 r=3

	say "N=$n: full build ($rb runs, and as many of the parse floor)"
	fp=$(run -i "$tmp/list" $rb "$bench/parse_floor")
	fb=$(run -p "rm -f '$PSW_HOME'/index.db*" $rb \
	    psw-plan list --worker nobody -q)
	row "full index build, files as psw writes them (floor: libyaml parse only)" "$fb" "$fp" 1.2

	# The same caseload typed by hand: psw's own reader declines every
	# file, libyaml reads them.
	say "N=$n: full build of the files typed by hand ($rb runs)"
	hand="$tmp/hand$n"
	"$bench/gen" -h "$n" "$hand"
	sync
	find "$hand/clients" -name '*.yaml' >"$tmp/hlist"
	xargs cat <"$tmp/hlist" >/dev/null
	hp=$(run -i "$tmp/hlist" $rb "$bench/parse_floor")
	hb=$(export PSW_HOME="$hand"; run -p "rm -f '$hand'/index.db*" $rb \
	    psw-plan list --worker nobody -q)
	row "full index build, files typed by hand (floor: libyaml parse only)" "$hb" "$hp" -
	rm -rf "$hand"

	say "N=$n: no-change sync"
	psw-plan list -q >/dev/null 2>&1
	fs=$(run $r "$bench/stat_floor" "$PSW_HOME/clients")
	ns=$(run $r psw-plan list --worker nobody)
	row "no-change sync (floor: readdir + lstat)" "$ns" "$fs" 1.3
	sms=${fs% *}

	for rep in "due --within 7d" weekly caseload outcomes; do
		say "N=$n: psw-report $rep"
		# shellcheck disable=SC2086
		queries psw-report $rep >"$tmp/q.sql"
		fq=$(run -i "$tmp/q.sql" $r sqlite3 -readonly "$PSW_HOME/index.db")
		# shellcheck disable=SC2086
		pr=$(run $r psw-report $rep)
		t=-
		[ "$rep" = "due --within 7d" ] && t=1.3 due=$pr
		row "\`psw-report $rep\`, warm (floor: stat + sqlite3 shell, $(grep -c . "$tmp/q.sql") statements)" \
		    "$pr" "$(echo "$fq $sms" | awk '{ printf "%.3f %s", $1 + $3, $2 }')" $t
	done

	# remind(1), when installed, given every dated item of the due view
	# (the reminders psw computes itself, such as assessments, aside),
	# printing the week as psw-report due --within 7d does.
	if command -v remind >/dev/null 2>&1; then
		say "N=$n: remind on the same due items"
		sqlite3 -readonly "$PSW_HOME/index.db" "SELECT 'REM ' || due ||
		    ' MSG ' || client || ' ' || kind || ' ' ||
		    replace(replace(what, '%', '%%'), '[', '[[') FROM due
		    WHERE due IS NOT NULL" >"$tmp/due.rem"
		rm=$(run $r remind -s+1 "$tmp/due.rem" "$PSW_TODAY")
		row "\`psw-report due --within 7d\` (floor: \`remind -s+1\` on the $(grep -c . "$tmp/due.rem") dated items)" \
		    "$due" "$rm" 1
	fi

	say "N=$n: one psw-plan note"
	w=$(run $r psw-plan note c000001 -q "a benchmark note")
	if [ -z "$note0" ]; then
		note0=$w n0=$n
		row "one \`psw-plan note\` (beside itself at N=$n0)" "$w" - -
	else
		row "one \`psw-plan note\` (floor: the same at N=$n0)" "$w" "$note0" 2
	fi

	say "N=$n: startup"
	v=$(run $r psw-report --version)
	t=$(run $r "$bench/trivial")
	row "\`psw-report --version\` (floor: a trivial program linked the same way)" \
	    "$v" "$t" +2
	rm -rf "$PSW_HOME"
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); $(date -u '+%Y-%m-%d %H:%M') UTC; load before the run: $load"

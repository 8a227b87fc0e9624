#!/bin/sh
# busy.sh - cron and people at once: 2 reminder-style writers, 1
# interactive writer and 2 readers (the commands of
# tests/fault/readers.txt in turn) on one case folder for PSW_BUSY_SECONDS
# (default 10; the long form is 60).  0 busy or locked errors surfaced,
# p99 write latency (asserted under PSW_BUSY_P99_MS, default 1000; the
# target is 100), index rows equal to acknowledged writes, integrity_check
# ok; and a reading command with nothing changed leaves the index file
# untouched (no write transaction).
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

secs=${PSW_BUSY_SECONDS:-10}
limit=${PSW_BUSY_P99_MS:-1000}
nclients=20
i=0
while [ $i -lt $nclients ]; do
	i=$((i + 1))
	psw-plan new "c$i" --name "Client $i" -q || exit 1
done
psw-plan list >/dev/null
RID=c1 RID2=c2
export RID RID2
rel_readers >"$tap_tmp/readers"
end=$(( $(rel_ms) + secs * 1000 ))

# cron: a note to one client after another, as fast as it goes
writer() {
	i=0
	while [ "$(rel_ms)" -lt $end ]; do
		i=$((i + 1))
		c=c$(( (i * 7 + $1) % nclients + 1 ))
		t0=$(date +%s%N)
		if psw-plan note "$c" --kind other "$1 $i ok" \
		    >/dev/null 2>>"$tap_tmp/msg.$1"; then
			echo "$c	$1 $i ok" >>"$tap_tmp/acked.$1"
		else
			echo "$1 $i: exit $?" >>"$tap_tmp/fail.$1"
		fi
		echo $(( ($(date +%s%N) - t0) / 1000000 )) >>"$tap_tmp/lat.$1"
		[ -n "${2:-}" ] && sleep "$2"
	done
}

# a reader: every reading command in turn
reader() {
	n=0
	while [ "$(rel_ms)" -lt $end ]; do
		while read -r cmd; do
			n=$((n + 1))
			eval "$cmd" >/dev/null 2>>"$tap_tmp/msg.$1" ||
			    echo "$1: $cmd: exit $?" >>"$tap_tmp/fail.$1"
		done <"$tap_tmp/readers"
	done
	echo $n >"$tap_tmp/reads.$1"
}

writer cron1 &
writer cron2 &
writer person 0.05 &
reader r1 </dev/null &
reader r2 </dev/null &
wait

fails=$(cat "$tap_tmp"/fail.* 2>/dev/null | head -5)
busy=$(cat "$tap_tmp"/msg.* 2>/dev/null | grep -ci 'lock\|busy')
is "$fails" "" "no command failed"
is "$busy" 0 "no busy or locked message surfaced"
cat "$tap_tmp"/acked.* >"$tap_tmp/acked"
acked=$(grep -c . "$tap_tmp/acked")
reads=$(( $(cat "$tap_tmp/reads.r1") + $(cat "$tap_tmp/reads.r2") ))
sort -n "$tap_tmp"/lat.* >"$tap_tmp/lat"
nlat=$(grep -c . "$tap_tmp/lat")
p50=$(sed -n "$(( (nlat + 1) / 2 ))p" "$tap_tmp/lat")
p99=$(sed -n "$(( (nlat * 99 + 99) / 100 ))p" "$tap_tmp/lat")
max=$(tail -1 "$tap_tmp/lat")
ok '[ "$p99" -lt "$limit" ]' "p99 write latency ${p99} ms under $limit ms"
missing=0
while IFS='	' read -r c note; do
	grep -q "note: $note\$" "$PSW_HOME/clients/$c.yaml" ||
	    missing=$((missing + 1))
done <"$tap_tmp/acked"
is "$missing" 0 "every acknowledged note is in its file"
run psw-plan list
rows=$(sqlite3 "$PSW_HOME/index.db" 'SELECT count(*) FROM contacts')
is "$rows" "$acked" "index rows ($rows) equal acknowledged writes"
is "$(rel_integrity "$PSW_HOME")" ok "index integrity_check"

# Nothing changed: a reader must not write the index.
# The index file's size and time, and how much its write-ahead log holds
# (SQLite removes an empty log when the last connection closes).
stamp() {
	stat -c '%n %s %y' "$PSW_HOME/index.db"
	[ -s "$PSW_HOME/index.db-wal" ] && stat -c '%n %s' \
	    "$PSW_HOME/index.db-wal"
}
psw-plan list >/dev/null 2>&1
s0=$(stamp)
while read -r cmd; do
	eval "$cmd" >/dev/null 2>&1
done <"$tap_tmp/readers"
is "$(stamp)" "$s0" "reading commands with nothing changed leave the index untouched"
# The control: a changed file is caught up, and the stamp shows it.
sleep 0.01
echo "x-touched: 1" >>"$PSW_HOME/clients/c1.yaml"
psw-plan list >/dev/null 2>&1
ok '[ "$(stamp)" != "$s0" ]' "(control: a reader after a hand edit does write the index)"
echo "# cron and people: $secs s, $acked writes acknowledged, $reads reads;"
echo "# write latency p50 $p50 ms, p99 $p99 ms, max $max ms; $busy busy errors"
done_testing

#!/bin/sh
# lost.sh - lost updates: 3 processes each add PSW_LOST_K notes (default
# 100; the long form is PSW_LOST_K=500) to one client at once.  Every
# note a command acknowledged is in the file, once, and the index holds
# exactly the file's notes.
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

k=${PSW_LOST_K:-100}
psw-plan new alex-m --name "Alex Morgan" -q || exit 1
psw-plan list -q >/dev/null || exit 1	# an index, for the notes to update
f="$PSW_HOME/clients/alex-m.yaml"
start=$(date +%s%N)
for p in 1 2 3; do
	(
		i=0
		while [ $i -lt "$k" ]; do
			i=$((i + 1))
			if psw-plan note alex-m "p$p n$i ok" >/dev/null \
			    2>>"$tap_tmp/err.$p"; then
				echo "p$p n$i ok"
			fi
		done >"$tap_tmp/acked.$p"
	) &
done
wait
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$tap_tmp"/acked.* >"$tap_tmp/acked"
acked=$(grep -c . "$tap_tmp/acked")
is "$acked" "$((3 * k))" "every one of $((3 * k)) notes acknowledged"
is "$(cat "$tap_tmp"/err.*)" "" "nothing on stderr (no busy or locked errors)"
present=0
while read -r note; do
	[ "$(grep -c -- "note: $note\$" "$f")" -eq 1 ] &&
	    present=$((present + 1))
done <"$tap_tmp/acked"
is "$present" "$acked" "every acknowledged note is in the file exactly once"
is "$(grep -c '^  - date:' "$f")" "$acked" "and nothing else"
run psw-plan validate alex-m
ok '[ $rc -eq 0 ]' "the file validates"
rows=$(sqlite3 "$PSW_HOME/index.db" "SELECT count(*) FROM contacts WHERE client = 'alex-m'")
is "$rows" "$acked" "the index holds every note"
echo "# lost updates: 3 x $k notes in ${ms} ms: $present of $((3 * k)) present"
done_testing

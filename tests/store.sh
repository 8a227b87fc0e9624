#!/bin/sh
# store.sh - locks, atomic writes, lost updates, kill -9, index sync.
. "$PSW_SRC/tests/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
f="$PSW_HOME/clients/alex-m.yaml"
psw-plan new alex-m --name "Alex Morgan" -q || exit 1
printf 'lock-timeout-ms: 300\n' >"$PSW_HOME/psw.yaml"

contacts() {
	$PY -c 'import yaml,sys; print(len(yaml.safe_load(open(sys.argv[1])).get("contacts") or []))' "$1"
}

# --- a live lock times out with exit 4 ------------------------------------
sleep 30 &
live=$!
printf '%s %s\n' "$live" "$(uname -n)" >"$f.lock"
d0=$(digest "$f")
run psw-plan note alex-m "blocked"
ok '[ $rc -eq 4 ] && echo "$err" | grep -q "alex-m.yaml.lock'\'' is locked by process '$live'"' "live lock: exit 4 naming the lock"
is "$(digest "$f")" "$d0" "file untouched while locked"
ok '[ -e "$f.lock" ]' "someone else's lock is left alone"
kill $live 2>/dev/null
wait $live 2>/dev/null

# --- a stale lock (dead pid) is broken with a warning -----------------------
sh -c 'exit 0' &
dead=$!
wait $dead
printf '%s %s\n' "$dead" "$(uname -n)" >"$f.lock"
run psw-plan note alex-m "after a crash"
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "removed stale lock"' "stale lock broken with a warning"
ok '[ ! -e "$f.lock" ]' "no lock left behind"

# --- many writers finding one stale lock: each note lands once -----------
before=$(contacts "$f")
printf '%s %s\n' "$dead" "$(uname -n)" >"$f.lock"
printf 'lock-timeout-ms: 20000\n' >"$PSW_HOME/psw.yaml"
for w in 1 2 3 4 5 6; do
	psw-plan note alex-m -q "racer $w" 2>/dev/null || echo "fail $w" >>"$tap_tmp/racers" &
done
wait
ok '[ ! -s "$tap_tmp/racers" ]' "six writers racing past one stale lock all succeed"
is "$(contacts "$f")" "$((before + 6))" "and none of their notes is lost"
printf 'lock-timeout-ms: 300\n' >"$PSW_HOME/psw.yaml"

# --- a failed write leaves the file byte-identical -------------------------
d0=$(digest "$f")
mkdir "$f.tmp"
run psw-plan note alex-m "cannot be written"
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "cannot write '\''clients/alex-m.yaml.tmp'\''"' "failed write: exit 5, one clear line"
is "$(digest "$f")" "$d0" "failed write: file byte-identical"
ok '[ ! -e "$f.lock" ]' "failed write: lock released"
rmdir "$f.tmp"
run psw-plan note alex-m "works again"
ok '[ $rc -eq 0 ]' "next write succeeds"

# --- the audit line comes first: no audit, no change ---------------------
d0=$(digest "$f")
mv "$PSW_HOME/audit.log" "$tap_tmp/audit.keep"
mkdir "$PSW_HOME/audit.log"
run psw-plan note alex-m "cannot be audited"
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "audit log"' "audit log unwritable: exit 5"
is "$(digest "$f")" "$d0" "audit log unwritable: file byte-identical"
ok '[ ! -e "$f.tmp" ] && [ ! -e "$f.lock" ]' "audit log unwritable: no tmp, no lock left"
rmdir "$PSW_HOME/audit.log"
mv "$tap_tmp/audit.keep" "$PSW_HOME/audit.log"

# --- an unusable index never stops a write; readers say why ---------------
mv "$PSW_HOME/index.db" "$tap_tmp/index.keep"
rm -f "$PSW_HOME/index.db-wal" "$PSW_HOME/index.db-shm"
mkdir "$PSW_HOME/index.db"
before=$(contacts "$f")
run psw-plan note alex-m "index is a folder"
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "next command will catch up"' "write with an unusable index: saved, with a warning"
is "$(contacts "$f")" "$((before + 1))" "and the note is on disk"
run psw-plan list
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "index"' "a reader with an unusable index: exit 5 naming it"
rmdir "$PSW_HOME/index.db"
mv "$tap_tmp/index.keep" "$PSW_HOME/index.db"
run psw-plan list --format tsv
ok '[ $rc -eq 0 ] && [ "$(printf "%s\n" "$out" | cut -f1)" = "alex-m" ]' "the index catches up afterwards"
d0=$(digest "$f")

# --- PSW_INDEX pointing at something that is not an index is never deleted
cp "$f" "$tap_tmp/not-an-index"
run env PSW_INDEX="$tap_tmp/not-an-index" psw-plan list
ok '[ $rc -eq 5 ] && echo "$err" | grep -q "is not a psw index"' "PSW_INDEX at a non-index file: refused"
is "$(digest "$tap_tmp/not-an-index")" "$d0" "and the file is left as it was"
run env PSW_INDEX="$f" psw-plan list
is "$(digest "$f")" "$d0" "PSW_INDEX at a client file: the client file survives"

# --- lost updates: 3 writers x 200 read-modify-write ------------------------
printf 'lock-timeout-ms: 60000\n' >"$PSW_HOME/psw.yaml"
before=$(contacts "$f")
for w in 1 2 3; do
	(
		i=0
		while [ $i -lt 200 ]; do
			psw-plan note alex-m -q "writer $w note $i" || echo "fail $w $i"
			i=$((i + 1))
		done
	) >"$tap_tmp/w$w.log" 2>&1 &
done
wait
is "$(cat "$tap_tmp"/w*.log)" "" "600 concurrent writes all succeed"
is "$(contacts "$f")" "$((before + 600))" "3 x 200 concurrent notes: none lost"
run psw-plan validate -q
ok '[ $rc -eq 0 ]' "file valid after concurrent writes"

# --- kill -9 at random moments leaves the old file or the new one -----------
psw-plan new kate --name Kate -q
k="$PSW_HOME/clients/kate.yaml"
i=0
acked=0
while [ $i -lt 60 ]; do
	# the tool itself is the job (not a subshell around it), so the kill
	# reaches it and nothing outlives the loop to race later tests
	psw-plan note kate -q "note $i" &
	pid=$!
	# 0 to 30 ms
	sleep "0.0$(awk -v s=$i 'BEGIN { srand(s); printf "%02d", int(rand() * 30) }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null && echo ok >>"$tap_tmp/acked"
	i=$((i + 1))
done
acked=$(cat "$tap_tmp/acked" 2>/dev/null | wc -l)
run psw-plan validate -q kate
ok '[ $rc -eq 0 ]' "after 60 kill -9: the file is whole and valid"
n=$(contacts "$k")
ok '[ "$n" -ge "$acked" ]' "every acknowledged note is on disk ($n >= $acked)"
rm -f "$k.lock"
run psw-plan note kate "after the storm"
ok '[ $rc -eq 0 ]' "the next writer proceeds"

# --- the index follows the files --------------------------------------------
list() { psw-plan list --format tsv | cut -f1,2 | tr '\t' ':' | tr '\n' ' '; }
is "$(list)" "alex-m:Alex Morgan kate:Kate " "listing"
sed -i 's/^name: Kate$/name: Kate Hand-Edited/' "$k"
is "$(list)" "alex-m:Alex Morgan kate:Kate Hand-Edited " "a hand edit is seen at once"
cp "$k" "$PSW_HOME/clients/lee.yaml"
sed -i 's/^id: kate$/id: lee/; s/^name: .*/name: Lee/' "$PSW_HOME/clients/lee.yaml"
is "$(list)" "alex-m:Alex Morgan kate:Kate Hand-Edited lee:Lee " "an added file is seen"
mv "$PSW_HOME/clients/lee.yaml" "$PSW_HOME/clients/lea.yaml"
sed -i 's/^id: lee$/id: lea/' "$PSW_HOME/clients/lea.yaml"
is "$(list)" "alex-m:Alex Morgan kate:Kate Hand-Edited lea:Lee " "a renamed file is seen"
rm "$PSW_HOME/clients/lea.yaml"
is "$(list)" "alex-m:Alex Morgan kate:Kate Hand-Edited " "a removed file is dropped"
rm -f "$PSW_HOME/index.db" "$PSW_HOME/index.db-wal" "$PSW_HOME/index.db-shm"
run psw-plan list --format tsv
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "built from 2 client files" && [ $(printf "%s\n" "$out" | wc -l) -eq 2 ]' "a deleted index is rebuilt with a note"
run psw-plan list -q --format tsv
ok '[ -z "$err" ]' "a fresh index: no note the second time"
psw-plan list >/dev/null
printf 'this is not a database, just garbage bytes.................................................................................' >"$PSW_HOME/index.db"
rm -f "$PSW_HOME/index.db-wal" "$PSW_HOME/index.db-shm"
run psw-plan list --format tsv
ok '[ $rc -eq 0 ] && echo "$err" | grep -q "rebuilding" && [ $(printf "%s\n" "$out" | wc -l) -eq 2 ]' "a corrupt index is rebuilt"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$PSW_HOME/index.db" "delete from clients; delete from files where id = 'kate'"
	is "$(list)" "alex-m:Alex Morgan kate:Kate Hand-Edited " "rows deleted behind its back come back"
	is "$(sqlite3 "$PSW_HOME/index.db" 'select id from caseload order by id' | tr '\n' ' ')" "alex-m kate " "the caseload view"
	is "$(sqlite3 "$PSW_HOME/index.db" 'pragma integrity_check')" "ok" "index integrity ok"
fi

# --- a reader writes nothing when nothing changed -------------------------
psw-plan list >/dev/null
if command -v sqlite3 >/dev/null; then
	before=$(sqlite3 "$PSW_HOME/index.db" 'pragma data_version; select count(*) from files')
	s1=$(stat -c %Y.%s "$PSW_HOME/index.db-wal" 2>/dev/null)
	psw-plan list >/dev/null
	s2=$(stat -c %Y.%s "$PSW_HOME/index.db-wal" 2>/dev/null)
	is "$s2" "$s1" "a no-change sync writes nothing to the index"
fi

done_testing

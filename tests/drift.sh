#!/bin/sh
# drift.sh - index drift: rows deleted or changed, the index file
# truncated, overwritten with random bytes or a zeroed header, its log
# damaged, client files added, removed, renamed and edited behind its
# back, in many ways.  After each, the next command (every reading command
# of tests/fault/readers.txt) succeeds and prints what it prints over an
# index built from nothing (the truth of the files); how often the whole
# index equals a fresh build is printed as a figure.  Rows edited inside
# the index while every file is unchanged are seen by the index's guard
# (counting triggers), so they too are rebuilt; so are rows edited after
# a trigger was dropped: every open checks that the triggers are there.
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

fix="$tap_tmp/fixture"
mkdir -p "$fix" && chmod 700 "$fix"
for c in ada bo cy dee eli; do
	PSW_HOME="$fix" psw-plan new "$c" --name "Client $c" -q &&
	PSW_HOME="$fix" psw-plan note "$c" --kind phone "call $c" -q &&
	PSW_HOME="$fix" psw-plan note "$c" --date 2026-11-01 "visit $c" -q ||
	    exit 1
done
PSW_HOME="$fix" psw-plan list >/dev/null 2>&1
# The same files elsewhere, with an index of their own, to graft.
other="$tap_tmp/other"
mkdir -p "$other" && chmod 700 "$other"
PSW_HOME="$other" psw-plan new zed --name "Zed" -q
PSW_HOME="$other" psw-plan list >/dev/null 2>&1
# The readers name two clients of this fixture (see readers.txt).
RID=ada RID2=bo
export RID RID2
rel_readers >"$tap_tmp/readers"
h="$tap_tmp/h"
db="$h/index.db"

# Every table's rows, in a stable order.
dump() {
	# The guard's counts differ by history, not by content, and so
	# does the count the files digest was stored at.
	sqlite3 "$1" .dump 2>&1 | grep -v '^INSERT INTO guard ' |
	    sed "s/^\(INSERT INTO meta VALUES('files','\)[0-9]* /\1N /" |
	    LC_ALL=C sort
}

sq() {
	sqlite3 "$db" "$1" >/dev/null 2>&1
}

# Overwrite LEN bytes at OFFSET of FILE with bytes from a seeded stream.
scribble() {
	python3 -c 'import random,sys
r = random.Random(int(sys.argv[4]))
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    f.write(bytes(r.randrange(256) for _ in range(int(sys.argv[3]))))' "$@"
}

# Each way: a name and what it does to $h (the case folder) and $db.
ways() {
	cat <<'EOF'
delete one client row	sq "DELETE FROM clients WHERE id = 'cy'"
delete every client row	sq "DELETE FROM clients"
delete one files row	sq "DELETE FROM files WHERE id = 'bo'"
delete every files row	sq "DELETE FROM files"
delete one client's contacts	sq "DELETE FROM contacts WHERE client = 'dee'"
delete every contact	sq "DELETE FROM contacts"
delete a client's rows everywhere	for t in clients contacts files reviews; do sq "DELETE FROM $t WHERE 1"; done
a name changed in the index	sq "UPDATE clients SET name = 'Wrong' WHERE id = 'ada'"
change a contact	sq "UPDATE contacts SET kind = 'wrong', date = '1999-01-01'"
change a recorded size	sq "UPDATE files SET size = size + 1 WHERE id = 'eli'"
change a recorded inode	sq "UPDATE files SET inode = 1"
a ghost client row	sq "INSERT INTO clients(id, name, status, safety_plan) VALUES ('ghost', 'Ghost', 'active', 0)"
a ghost files row	sq "INSERT INTO files VALUES ('ghost', 1, 1, 1, 1, NULL)"
a ghost contact	sq "INSERT INTO contacts VALUES ('ada', 99, '2020-01-01', 'phone', 5)"
delete every due item	sq "DELETE FROM due_items"
move every due date	sq "UPDATE due_items SET due = '1999-01-01'"
a ghost due item	sq "INSERT INTO due_items VALUES (3, '2020-01-01', 'ada', 0, 'zz', 0, 0, 'ghost', NULL)"
drop the due_items table	sq "DROP TABLE due_items"
drop the contacts table	sq "DROP TABLE contacts"
drop the clients table	sq "DROP TABLE clients"
drop the files table	sq "DROP TABLE files"
drop a guard trigger, then edit contacts	sq "DROP TRIGGER guard_contacts_U" && sq "UPDATE contacts SET kind = 'wrong', date = '1999-01-01'"
drop every guard trigger, then edit names	sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_schema WHERE type = 'trigger'" | sqlite3 "$db" && sq "UPDATE clients SET name = 'Wrong'"
an older schema version	sq "PRAGMA user_version = 0"
truncate to nothing	: >"$db"
truncate to 100 bytes	truncate -s 100 "$db"
truncate to one page	truncate -s 4096 "$db"
truncate to half	truncate -s $(( $(stat -c %s "$db") / 2 )) "$db"
grow by a page of zeros	truncate -s +4096 "$db"
zero the header	dd if=/dev/zero of="$db" bs=100 count=1 conv=notrunc 2>/dev/null
zero the first page	dd if=/dev/zero of="$db" bs=4096 count=1 conv=notrunc 2>/dev/null
zero the second page	dd if=/dev/zero of="$db" bs=4096 seek=1 count=1 conv=notrunc 2>/dev/null
random bytes everywhere	scribble "$db" 0 $(stat -c %s "$db") 1
random header	scribble "$db" 0 100 2
random bytes in page 2	scribble "$db" 4096 4096 3
random bytes in the last page	scribble "$db" $(( $(stat -c %s "$db") - 4096 )) 4096 4
a text file	echo "not a database" >"$db"
garbage write-ahead log	head -c 8192 /dev/urandom >"$db-wal"
garbage shared memory	head -c 32768 /dev/urandom >"$db-shm"
no index	rm -f "$db" "$db-wal" "$db-shm"
another folder's index	cp "$other/index.db" "$db"
add a client file	sed 's/^id: ada$/id: fay/' "$h/clients/ada.yaml" >"$h/clients/fay.yaml"
add many client files	for i in 1 2 3 4 5 6 7 8 9; do sed "s/^id: ada\$/id: n$i/" "$h/clients/ada.yaml" >"$h/clients/n$i.yaml"; done
remove a client file	rm "$h/clients/bo.yaml"
remove every client file	rm "$h"/clients/*.yaml
rename a client file	mv "$h/clients/cy.yaml" "$h/clients/cz.yaml"
swap two client files	mv "$h/clients/ada.yaml" "$h/x" && sed 's/^id: bo$/id: ada/' "$h/clients/bo.yaml" >"$h/clients/ada.yaml" && sed 's/^id: ada$/id: bo/' "$h/x" >"$h/clients/bo.yaml" && rm "$h/x"
edit a name, same size and time	sed -i.b 's/^name: Client dee$/name: Client DEE/' "$h/clients/dee.yaml" && touch -r "$h/clients/dee.yaml.b" "$h/clients/dee.yaml" && rm "$h/clients/dee.yaml.b"
replace a file, same size and time	sed 's/^name: Client eli$/name: Client ELI/' "$h/clients/eli.yaml" >"$h/e" && touch -r "$h/clients/eli.yaml" "$h/e" && mv "$h/e" "$h/clients/eli.yaml"
append a note by hand	printf '  - {date: 2026-11-27, kind: sms, note: by hand}\n' >>"$h/clients/ada.yaml"
break a client file	echo "name: [unclosed" >>"$h/clients/bo.yaml"
empty a client file	: >"$h/clients/cy.yaml"
a non-client file	echo hi >"$h/clients/README.txt"
a file with a bad id	cp "$h/clients/ada.yaml" "$h/clients/Bad_Id.yaml"
a client file turned folder	rm "$h/clients/dee.yaml" && mkdir "$h/clients/dee.yaml"
files and rows at once	rm "$h/clients/ada.yaml"; sq "DELETE FROM clients WHERE id = 'bo'"; scribble "$db" 8192 512 5
EOF
	i=0
	while [ $i -lt 20 ]; do
		i=$((i + 1))
		echo "random 64 bytes, seed $i	scribble \"\$db\" \$(( ($i * 2731) % \$(stat -c %s \"\$db\") )) 64 $((i + 10))"
	done
}

ways >"$tap_tmp/ways"
nways=0
caught=0
same=0
bad=
while IFS='	' read -r name action; do
	nways=$((nways + 1))
	rm -rf "$h"
	cp -a "$fix" "$h"
	# The copy changed every file's ctime: let the index catch up
	# first, so that only the damage below is new to it.
	PSW_HOME="$h" psw-plan list >/dev/null 2>&1
	(cd "$h" && eval "$action") </dev/null
	# The truth: the readers' output over an index built from nothing.
	rm -f "$tap_tmp/fresh.db"*
	p=
	r=0
	while read -r cmd; do
		r=$((r + 1))
		(PSW_HOME="$h"; PSW_INDEX="$tap_tmp/fresh.db"
		export PSW_HOME PSW_INDEX; eval "$cmd") >"$tap_tmp/want.$r" \
		    2>/dev/null </dev/null
		want_rc=$?
		(PSW_HOME="$h"; export PSW_HOME; eval "$cmd") >"$tap_tmp/out" \
		    2>"$tap_tmp/err" </dev/null
		rc=$?
		# Damage in pages that no sync reads is found by the query
		# that reads them: that command says so (exit 5) and the
		# index is rebuilt, so the same command run again must tell
		# the truth.
		if [ $rc = 5 ] && grep -q 'is damaged' "$tap_tmp/err"; then
			caught=$((caught + 1))
			(PSW_HOME="$h"; export PSW_HOME; eval "$cmd") \
			    >"$tap_tmp/out" 2>"$tap_tmp/err" </dev/null
			rc=$?
		fi
		# A command exits as it does over a fresh index: validate
		# exits 3 when a file has a problem, show when its client
		# file is gone or broken; that is the truth it must tell.
		case "$rc:$want_rc" in
		0:0|3:3) ;;
		*) p="$p; '$cmd' exit $rc (fresh index: $want_rc): $(head -2 "$tap_tmp/err")" ;;
		esac
		cmp -s "$tap_tmp/out" "$tap_tmp/want.$r" ||
		    p="$p; '$cmd' differs from a fresh index: $(diff \
		    "$tap_tmp/want.$r" "$tap_tmp/out" | head -4)"
	done <"$tap_tmp/readers"
	case $name in
	"known limit: "*)
		# A row edited inside the index by another program, with
		# every file unchanged, is not seen by a stat-based sync
		# (only psw writes the index; removing it rebuilds it).
		tap_n=$((tap_n + 1))
		if [ -z "$p" ]; then
			echo "ok $tap_n - $name # TODO not detected by design"
		else
			echo "not ok $tap_n - $name # TODO not detected by design"
		fi
		continue ;;
	esac
	is "$p" "" "$name: the next command sees the truth"
	[ -n "$p" ] && bad="$bad $nways"
	# Stricter: every row of the index equals a fresh build's.
	dump "$db" >"$tap_tmp/got"
	dump "$tap_tmp/fresh.db" >"$tap_tmp/want"
	if cmp -s "$tap_tmp/got" "$tap_tmp/want"; then
		same=$((same + 1))
		# Random bytes may land in free pages, which no query reads
		# but integrity_check reports: a figure, not a failure.
		ig=$(rel_integrity "$h")
		case $ig:$name in
		ok:*) ;;
		*:random*) echo "# $name: free pages damaged: $(echo "$ig" | tr "\n" " ")" ;;
		*) is "$ig" ok "$name: integrity_check" ;;
		esac
	else
		echo "# $name: index rows differ from a fresh build (not read by the readers):"
		diff "$tap_tmp/want" "$tap_tmp/got" | head -3 | sed 's/^/#   /'
	fi
done <"$tap_tmp/ways"
echo "# index drift: $nways ways, the next command wrong in:${bad:- none};"
echo "# the whole index equal to a fresh build in $same of $nways"
echo "# damage found by a query (that command exit 5, the index rebuilt): $caught"
done_testing

#!/bin/sh
# security.sh - terminal safety, file modes, ids and paths, SQL.
#
#   terminal  text with control characters, escape sequences (CSI, OSC,
#             a bell, backspace, carriage return), C1 controls and
#             bidirectional overrides is stored through every command
#             that stores text and by hand (YAML escapes), then every
#             reading command and every error message that quotes it is
#             run on a terminal (script(1) gives a pty): nothing of it
#             reaches the terminal raw, and it is shown escaped (\x1b,
#             \u202e).
#   modes     under umask 000 every file psw creates is 0600 and every
#             folder 0700, the index's -wal and -shm included (seen while
#             writers run); a case folder others may write, or another
#             user's, is refused.
#   ids       ../, absolute paths, NUL (cut by the shell: the id an
#             argument can carry), slashes, very long ids, upper case are
#             refused with exit 2; a client file that is a symbolic link
#             (pointing outside the case folder) is refused and the
#             target is never read or written.
#   sql       names and notes like Robert'); DROP TABLE clients;-- are
#             stored and read back intact, and the index still has its
#             tables.
. "$PSW_SRC/tests/tap.sh"
. "$PSW_SRC/tests/fault/lib.sh"

esc=$(printf '\033')
bidi=$(printf '\342\200\256')	# U+202E RIGHT-TO-LEFT OVERRIDE
evil=$(printf 'E\033[2J\033]0;pwned\007\342\200\256gnp.exe\r\bX\302\233Z')

# --- terminal ----------------------------------------------------------

psw-plan new evil --name "$evil" --dob 1990-01-02 -q
psw-plan note evil "$evil" -q
psw-plan goal add evil --domain housing --title "$evil" --why "$evil" -q
psw-plan team add evil --name "$evil" --role gp --org "$evil" -q
psw-plan strength add evil "$evil" -q
psw-plan need set evil housing unmet --note "$evil" -q
psw-plan safety add evil --step coping "$evil" -q
run psw-plan validate evil
is "$rc" 0 "text with control, escape and bidi characters is stored"
# By hand: YAML escapes give the same characters.
psw-plan new hand --name "Hand Made" -q
f="$PSW_HOME/clients/hand.yaml"
sed -i '/^worker:/d' "$f"
printf 'worker: "w\\e[2J\\u202e"\nnotes: "n\\e]0;x\\a\\x9b"\n' >>"$f"
psw-plan new bad --name "Bad" -q
sed -i '/^dob:/d' "$PSW_HOME/clients/bad.yaml"
printf 'dob: "1990\\e[2J\\u202e"\n' >>"$PSW_HOME/clients/bad.yaml"

# On a terminal: script(1) runs the commands with a pty as stdout and
# stderr, and keeps every byte they wrote.
if script -qec true /dev/null >/dev/null 2>&1; then
	cat >"$tap_tmp/readers.sh" <<'EOF'
psw-plan list
psw-plan list --status active
psw-plan validate
psw-plan goal list evil
psw-plan team list evil
psw-plan strength list evil
psw-plan need list evil
psw-plan safety show evil
psw-plan consent list evil
psw-report caseload
psw-report due --within 400d
psw-report weekly
psw-report missing
psw-plan note "$(printf 'a\033[2J')" x
psw-plan note evil --kind "$(printf '\033]0;x\007')" x
psw-plan --format "$(printf '\342\200\256')" list
EOF
	grep -v '^#' "$PSW_SRC/tests/fault/readers.txt" | grep . \
	    >>"$tap_tmp/readers.sh"
	script -qec "sh '$tap_tmp/readers.sh'" /dev/null \
	    >"$tap_tmp/tty" 2>&1 </dev/null
	# What psw itself writes to a terminal: bold and colour (SGR).
	sed 's/\x1b\[[0-9;]*m//g' "$tap_tmp/tty" >"$tap_tmp/tty.plain"
	ok '! grep -q "$esc" "$tap_tmp/tty.plain"' \
	    "no escape character reaches the terminal but psw's own SGR"
	ok '! grep -qF "$bidi" "$tap_tmp/tty"' \
	    "no bidirectional override reaches the terminal"
	ctl=$(printf '[\001-\010\013\014\016-\032\034-\037\177]')
	ok '! LC_ALL=C grep -q "$ctl" "$tap_tmp/tty"' \
	    "no other control character (bell, backspace) reaches it"
	# A csv record ends in CR LF, which the terminal's own newline
	# mapping makes CR CR LF: a line end, not a bare CR.
	cr=$(printf '\036[^\037]')
	crcrlf=$(printf 's/\036\036\037/\037/g')
	ok '! tr "\r\n" "\036\037" <"$tap_tmp/tty" | LC_ALL=C sed "$crcrlf" |
	    LC_ALL=C grep -q "$cr"' "no bare carriage return reaches it"
	c1=$(printf '\302\233')
	ok '! grep -qF "$c1" "$tap_tmp/tty"' \
	    "no C1 control (CSI as U+009B) reaches it"
	shown=$(grep -cF 'E\x1b[2J\x1b]0;pwned\x07\u202egnp.exe\r\x08X\u009bZ' \
	    "$tap_tmp/tty")
	ok '[ "$shown" -ge 5 ]' "the stored text is shown escaped ($shown times)"
	ok 'grep -qF "[2J\\u202e" "$tap_tmp/tty"' \
	    "an error message quoting a value shows it escaped"
else
	echo "ok - # SKIP no script(1) to give a terminal"
fi
run psw-plan list --format json
ok 'printf "%s" "$out" | grep -qF "E\\u001b[2J"' \
    "json carries the text, escaped as JSON"
ok 'printf "%s" "$out" | grep -qF "\\u202egnp.exe\\r\\bX\\u009bZ"' \
    "json escapes bidirectional overrides and C1 controls too"

# --- modes ---------------------------------------------------------------

home2="$tap_tmp/modes/home"
(
	umask 000
	PSW_HOME="$home2"
	export PSW_HOME
	psw-plan new m1 --name "M One" -q &&
	psw-plan note m1 "hello" -q &&
	psw-plan goal add m1 --domain housing --title "A flat" -q &&
	psw-plan list >/dev/null &&
	psw-report due >/dev/null
	# The index's -wal and -shm exist while a command has the index
	# open: keep writers running and look at them then.
	(i=0; while [ $i -lt 60 ]; do i=$((i + 1))
		psw-plan note m1 "n$i" -q; done) &
	seen=
	tries=0
	while [ $tries -lt 3000 ] && kill -0 $! 2>/dev/null; do
		tries=$((tries + 1))
		for w in "$home2/index.db-wal" "$home2/index.db-shm"; do
			m=$(stat -c '%a' "$w" 2>/dev/null) || continue
			case " $seen " in *" ${w##*.}=$m "*) ;;
			*) seen="$seen ${w##*.}=$m" ;; esac
		done
	done
	wait
	echo "$seen" >"$tap_tmp/walmodes"
)
find "$home2" -type f ! -perm 600 >"$tap_tmp/badfiles"
find "$home2" -type d ! -perm 700 >"$tap_tmp/baddirs"
is "$(cat "$tap_tmp/badfiles")" "" "umask 000: every file psw created is 0600"
is "$(cat "$tap_tmp/baddirs")" "" "umask 000: every folder psw created is 0700"
walmodes=$(cat "$tap_tmp/walmodes")
case $walmodes in
*db-wal=*db-shm=*|*db-shm=*db-wal=*)
	is "$(printf '%s\n' $walmodes | grep -v '=600$')" "" \
	    "umask 000: the index's -wal and -shm are 0600 ($walmodes)" ;;
*)	echo "ok - # SKIP -wal and -shm not seen while writers ran ($walmodes)" ;;
esac
chmod 770 "$home2"
run psw-plan --home "$home2" list
ok '[ $rc -eq 5 ] && printf "%s" "$err" | grep -q "writable by its group"' \
    "a case folder its group may write is refused"
chmod 707 "$home2"
run psw-plan --home "$home2" note m1 x
ok '[ $rc -eq 5 ] && printf "%s" "$err" | grep -q "writable by everyone"' \
    "a case folder everyone may write is refused, nothing written"
chmod 700 "$home2"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chown 12345 "$home2"
	run psw-plan --home "$home2" list
	ok '[ $rc -eq 5 ] && printf "%s" "$err" | grep -q "owned by another user"' \
	    "a case folder owned by another user is refused"
	chown 0 "$home2"
fi

# --- ids and paths -------------------------------------------------------

long=$(printf 'a%.0s' $(seq 1 65))
outside="$tap_tmp/outside.yaml"
printf 'secret\n' >"$outside"
before=$(digest "$outside")
for id in ../evil ../../etc/passwd /etc/passwd "$tap_tmp/x" a/b .. . \
    -x "$long" Evil "a b" "$(printf 'a\tb')" "$(printf 'a\nb')" ""; do
	shown=$(printf '%s' "$id" | head -c 20 | tr '\t\n' '??')
	run psw-plan note "$id" hi
	r1=$rc
	run psw-plan new "$id" --name X
	r2=$rc
	run psw-plan goal list "$id"
	r3=$rc
	run psw-plan validate "$id"
	r4=$rc
	is "$r1 $r2 $r3 $r4" "2 2 2 2" "id '$shown': note, new, goal list and validate refuse it (exit 2)"
done
ok '[ ! -e "$tap_tmp/evil.yaml" ] && [ ! -e "$PSW_HOME/evil.yaml" ]' \
    "nothing written outside the clients folder"
ln -s "$outside" "$PSW_HOME/clients/link.yaml"
run psw-plan note link "hi"
ok '[ $rc -ne 0 ] && [ $rc -ne 2 ]' "a symlinked client file is refused for writing (exit $rc)"
run psw-plan validate link
ok '[ $rc -ne 0 ]' "validate refuses a symlinked client file"
run psw-plan list --format tsv
ok '! printf "%s" "$out" | grep -q "^link"' "the listing skips it"
is "$(digest "$outside")" "$before" "the file it points to is never changed"
ok '[ -L "$PSW_HOME/clients/link.yaml" ]' "the link itself is left alone"
rm -f "$PSW_HOME/clients/link.yaml"
mkdir "$tap_tmp/outdir"
ln -s "$tap_tmp/outdir" "$PSW_HOME/clients/dir.yaml"
run psw-plan note dir hi
ok '[ $rc -ne 0 ] && [ -z "$(ls "$tap_tmp/outdir")" ]' \
    "a client name that is a link to a folder outside is refused"
rm -f "$PSW_HOME/clients/dir.yaml"
# A lock or temporary file planted as a link is not followed.
ln -s "$outside" "$PSW_HOME/clients/hand.yaml.tmp"
psw-plan note hand "after a planted tmp link" -q 2>/dev/null
is "$(digest "$outside")" "$before" "a planted .tmp link is not written through"
rm -f "$PSW_HOME/clients/hand.yaml.tmp"

# --- sql ------------------------------------------------------------------

bobby="Robert'); DROP TABLE clients;--"
quote="O'Brien \"Bob\" %_ ; -- /* */ \\'"
psw-plan new bobby --name "$bobby" -q
psw-plan note bobby "$bobby" -q
psw-plan new quote --name "$quote" -q
psw-plan goal add quote --domain housing --title "$bobby" -q
run psw-plan list --format tsv
ok 'printf "%s\n" "$out" | grep -qF "bobby	$bobby	"' "the name is read back intact"
ok 'printf "%s\n" "$out" | sed "s/\\\\\\\\/\\\\/g" | grep -qF "quote	$quote	"' \
    "quotes, backslash and wildcards read back intact"
run psw-plan goal list quote --format tsv
ok 'printf "%s\n" "$out" | grep -qF "$bobby"' "the goal title is read back intact"
run psw-report caseload --format tsv
ok 'printf "%s\n" "$out" | grep -qF "$bobby"' "the report reads it back too"
tables=$(sqlite3 "file:$PSW_HOME/index.db?mode=ro" \
    "SELECT count(*) FROM sqlite_master WHERE name = 'clients'")
is "$tables" 1 "the clients table is still there"
run psw-plan list --status "active' OR '1'='1"
ok '[ $rc -eq 2 ] || [ -z "$out" ]' "a status that tries to widen the query selects nothing"
run psw-plan list --worker "x' OR '1'='1"
is "$out" "" "a worker that tries to widen the query selects nothing"
# Every query in lib/ and cmd/ is prepared: no SQL text is built with
# printf from values.
# (Formatting is used only for DDL over the schema's own table names.)
bad=$(grep -n "sqlite3_[a-z]*printf(.*\\('%s'\\|= *%\\|VALUES\\|WHERE\\|LIKE\\)" \
    "$PSW_SRC"/lib/*.c "$PSW_SRC"/cmd/*.c || true)
is "$bad" "" "no SQL built by formatting values"
done_testing

#!/bin/sh
# run.sh - the benchmark: each psw figure beside its physical floor,
# measured in the same run on the same files (medians, warm page cache).
#
#   sh tests/bench/run.sh [N ...]      default: 2000 20000
#
# Builds into build-bench/ (optimised), generates a caseload of N clients
# with tests/bench/gen, and prints a table in Markdown for the README.
set -eu
cd "$(dirname "$0")/../.."
sh tests/deps.sh
b=build-bench
[ -d $b ] || meson setup $b -Dbuildtype=release -Dtests=enabled >/dev/null
ninja -C $b >/dev/null
PATH="$PWD/$b/cmd:$PATH"
export TZ=UTC LC_ALL=C PSW_TODAY=2026-11-28
tmp=$(mktemp -d "${TMPDIR:-/tmp}/psw-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
sizes=${*:-2000 20000}

# ms CMD...: wall time of one run in milliseconds (3 decimals)
ms() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) / 1e6 }'
}
# median RUNS CMD...
median() {
	runs=$1
	shift
	i=0
	: >"$tmp/times"
	while [ $i -lt "$runs" ]; do
		ms "$@" >>"$tmp/times"
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
# peak RSS in MB of one run
peak() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
}
rebuild() {
	rm -f "$PSW_HOME"/index.db*
	psw-plan list --worker nobody -q
}
floor_parse() {
	find "$PSW_HOME/clients" -name '*.yaml' | "$b/tests/bench/parse_floor"
}

echo "| N | MB of YAML | figure | psw ms | floor ms | ratio | psw peak MB |"
echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: |"
for n in $sizes; do
	export PSW_HOME="$tmp/n$n"
	"$b/tests/bench/gen" "$n" "$PSW_HOME"
	mb=$(du -sm "$PSW_HOME/clients" | cut -f1)
	row() {
		awk -v n="$n" -v mb="$mb" -v what="$1" -v a="$2" -v f="$3" -v m="$4" \
		    'BEGIN { printf "| %d | %d | %s | %.1f | %.1f | %.2f | %s |\n", n, mb, what, a, f, (f > 0 ? a / f : 0), m }'
	}
	cat "$PSW_HOME"/clients/*.yaml >/dev/null	# warm the page cache
	runs=3
	[ "$n" -le 5000 ] && runs=5
	fp=$(median $runs floor_parse)
	fb=$(median $runs rebuild)
	row "full index build (floor: libyaml parse only)" "$fb" "$fp" "$(peak sh -c "rm -f '$PSW_HOME'/index.db*; psw-plan list --worker nobody -q")"
	psw-plan list -q >/dev/null
	fs=$(median 9 "$b/tests/bench/stat_floor" "$PSW_HOME/clients")
	ns=$(median 9 psw-plan list --worker nobody)
	row "no-change sync (floor: readdir + lstat)" "$ns" "$fs" "$(peak psw-plan list --worker nobody)"
	q="select id, name, status, worker, opened from clients order by id"
	fq=$(median 9 sqlite3 "$PSW_HOME/index.db" "$q")
	lq=$(median 9 psw-plan list --format tsv)
	row "list, warm (floor: stat floor + sqlite3 shell query)" "$lq" "$(echo "$fq $fs" | awk '{ print $1 + $2 }')" "$(peak psw-plan list --format tsv)"
	w=$(median 9 psw-plan note c000001 -q "a benchmark note")
	row "one psw-plan note (floor: none; must not grow with N)" "$w" 0 "$(peak psw-plan note c000001 -q x)"
	v=$(median 9 psw-plan --version)
	t=$(median 9 /bin/true)
	row "psw-plan --version (floor: /bin/true)" "$v" "$t" "$(peak psw-plan --version)"
	rm -rf "$PSW_HOME"
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%d)"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make bench": what the module pin costs per sysfs operation.
#
#   bench.sh [BASE FIXED]      (default: prefix-K series, K the test_sysfs patch)
#   make bench                 (the same; e.g. "PAIRS=10 make bench")
#
# Boots BASE (the series without the fix, with test_sysfs) and FIXED
# alternately, BASE FIXED BASE FIXED ..., PAIRS times for each mode, and
# runs guest/tests/bench (harness/bench/sysfs-bench.c) in each boot:
#  - "time" modes, one per entry of VCPUS: wall-clock ns per operation
#    measured by the guest, with that many vCPUs, single-thread cases and,
#    with more than one vCPU, one thread per vCPU on different attributes
#    of the same module;
#  - "icount" mode (ICOUNT=1): QEMU -icount shift=0,sleep=off, one vCPU.
#    The guest's clock then advances 1 ns per guest instruction, so ns per
#    operation is instructions per operation; the loop2/loop3 cases (2 and
#    3 instructions per iteration) check that in every boot;
#  - "host" mode (HOST=1), an estimate without emulation: on the host's own
#    CPUs and kernel, pread() of a built-in attribute against the same
#    pread() bracketed by a user-space copy of try_module_get() and
#    module_put() on a counter shared by all threads (pin-shared) or one
#    per thread (pin-private), with 1 thread and one per host CPU.
# Every boot holds the CPU lock (CPU_LOCK), so it never overlaps a kernel
# build that holds it. Prints a markdown table (medians over the boots,
# fixed/base ratio, per-pair ratio range, target) and keeps everything in
# build/bench/<time>/: each boot's artefacts, results.tsv (one line per
# boot and case), summary.md; summary.md is also written, as the snippet
# for docs/results.md, to build/report/bench.md. Exit status 0 if every boot ran every case
# and each guest had the CPUs it was given; missed targets are reported in
# the table, not in the exit status.
#
# Environment (defaults in brackets):
#   PAIRS [5]            BASE/FIXED boot pairs per mode
#   VCPUS ["1 2"]        vCPU counts of the time modes ("" for none)
#   ICOUNT [1]           1: also run the icount mode, 0: not
#   HOST [1]             1: also run the host mode, 0: not
#   BENCH_SECONDS [0.3]  round length of the time modes
#   BENCH_ROUNDS [5]     rounds per case (the guest reports their median)
#   ICOUNT_SECONDS [0.03] ICOUNT_ROUNDS [3]   the same under icount, in
#                        guest (virtual) seconds
#   BOOT_TIMEOUT [600]   wall-clock bound of one boot
#   BUSY_PCT [10]        flag boots during which other processes used more
#                        than this % of the host CPUs (they skew timings)
#   CPU_LOCK [/tmp/sysfs-modpin-cpu.lock]
. "$(dirname "$0")/common.sh"

# The default base: the prefix of the series that ends with the test_sysfs
# patch, as the bisect build stages it (prefix-K).
tk=$(grep -n -- '-test_sysfs-add-a-test-module-' "$PATCHES/series" | cut -d: -f1)
[ $# -eq 0 ] || [ $# -eq 2 ] || die "usage: bench.sh [BASE FIXED]" "name two kernels under $B/kernels, or none for prefix-$tk series"
base=${1:-prefix-$tk} fixed=${2:-series}
[ "$base" != "$fixed" ] || die "BASE and FIXED are both '$base'" "name two different kernels"
PAIRS=${PAIRS:-5} ICOUNT=${ICOUNT:-1} HOST=${HOST:-1} VCPUS=${VCPUS-1 2}
BENCH_SECONDS=${BENCH_SECONDS:-0.3} BENCH_ROUNDS=${BENCH_ROUNDS:-5}
ICOUNT_SECONDS=${ICOUNT_SECONDS:-0.03} ICOUNT_ROUNDS=${ICOUNT_ROUNDS:-3}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-600} BUSY_PCT=${BUSY_PCT:-10}
CPU_LOCK=${CPU_LOCK:-/tmp/sysfs-modpin-cpu.lock}

num() { [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge "${3:-1}" ] && [ "$2" -le "${4:-1000}" ]; }
dec() { [[ $2 =~ ^[0-9]*\.?[0-9]+$ ]]; }
num PAIRS "$PAIRS" || die "PAIRS='$PAIRS' is not a count of boot pairs" "use e.g. PAIRS=5"
num ICOUNT "$ICOUNT" 0 1 || die "ICOUNT='$ICOUNT'" "use ICOUNT=1 or ICOUNT=0"
num HOST "$HOST" 0 1 || die "HOST='$HOST'" "use HOST=1 or HOST=0"
for v in $VCPUS; do
	num VCPUS "$v" 1 4 || die "VCPUS='$VCPUS' has '$v', not 1 to 4 (the kernel's NR_CPUS)" "use e.g. VCPUS=\"1 2\""
done
[ -n "$VCPUS" ] || [ "$ICOUNT" = 1 ] || [ "$HOST" = 1 ] ||
	die "nothing to run: VCPUS is empty, ICOUNT=0 and HOST=0" "set VCPUS, ICOUNT=1 or HOST=1"
for v in BENCH_SECONDS ICOUNT_SECONDS; do
	dec "$v" "${!v}" || die "$v='${!v}' is not a number of seconds" "use e.g. $v=0.3"
done
num BENCH_ROUNDS "$BENCH_ROUNDS" 1 101 || die "BENCH_ROUNDS='$BENCH_ROUNDS'" "use 1 to 101"
num ICOUNT_ROUNDS "$ICOUNT_ROUNDS" 1 101 || die "ICOUNT_ROUNDS='$ICOUNT_ROUNDS'" "use 1 to 101"
num BOOT_TIMEOUT "$BOOT_TIMEOUT" 10 100000 || die "BOOT_TIMEOUT='$BOOT_TIMEOUT'" "use seconds, e.g. 600"
num BUSY_PCT "$BUSY_PCT" 0 100 || die "BUSY_PCT='$BUSY_PCT'" "use a percentage, e.g. 10"
need_tool flock qemu-system-x86_64 awk
for k in "$base" "$fixed"; do
	[ -f "$B/kernels/$k/bzImage" ] || die "no kernel '$k' in $B/kernels" "build it with harness/build-kernel.sh"
	ls "$B/kernels/$k/mods/lib/modules/"*/kernel/lib/test_sysfs.ko >/dev/null 2>&1 ||
		die "kernel '$k' has no test_sysfs module" "use a kernel with the test_sysfs patch applied (prefix-$tk or later)"
done

SYSFS_CASES="mod-read-pread mod-read-open mod-write-pwrite mod-write-open builtin-read-pread builtin-read-open"
out=$B/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
for k in "$base" "$fixed"; do
	cp "$B/kernels/$k/info" "$out/info.$k"
done
{
	printf '%q ' "$0" "$@"
	echo
	for v in PAIRS VCPUS ICOUNT HOST BENCH_SECONDS BENCH_ROUNDS ICOUNT_SECONDS ICOUNT_ROUNDS; do
		echo "$v=${!v}"
	done
} >"$out/cmd"

# The CPU lock, as "flock CPU_LOCK CMD" takes it, held on fd 9 around each
# boot so that the boot's own CPU use can be measured inside the lock.
exec 9>>"$CPU_LOCK" || die "cannot open $CPU_LOCK" "set CPU_LOCK to a writable file"
cpu_lock() {
	flock -n 9 && return
	log "waiting for $CPU_LOCK (held by: $(lock_holders))"
	flock 9
}
cpu_unlock() { flock -u 9; }
lock_holders() {
	local ino p
	ino=$(stat -c %i "$CPU_LOCK")
	for p in $(awk -v i=":$ino" 'index($0, i " ") && $2 != "->" { print $(NF - 3) }' /proc/locks | sort -u); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80
	done | paste -sd ';'
}

# busy_ticks: the host's non-idle CPU time so far, in clock ticks.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# child_secs FILE: CPU seconds of this script's finished children, from the
# output of "times" (run in this shell: a subshell has no children yet).
child_secs() {
	awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } print s }' "$1"
}
# other_pct T0 T1 BUSY_TICKS C0 C1: the % of the host's CPU time that
# processes other than our children used between times T0 and T1.
other_pct() {
	awk -v t0="$1" -v t1="$2" -v b="$3" -v c0="$4" -v c1="$5" -v hz="$HZ" -v n="$NCPU" 'BEGIN {
		o = (b / hz - (c1 - c0)) / ((t1 - t0) * n) * 100
		printf "%.0f", o < 0 ? 0 : o }'
}
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)

for k in "$base" "$fixed"; do
	cpu_lock
	"$TOP/harness/make-initramfs.sh" "$k" >/dev/null || exit 1
	cpu_unlock
done

modes=
for v in $VCPUS; do
	modes="$modes time$v"
done
[ "$ICOUNT" = 1 ] && modes="$modes icount"
nboots=$(($(echo "$modes" | wc -w) * PAIRS * 2))
[ "$HOST" = 1 ] && modes="$modes host"
BENCH=$("$TOP/harness/build-bench.sh") || exit 1
log "bench: $base (base) vs $fixed (fixed), modes:$modes, $PAIRS pairs, $nboots boots; results in $out"

tsv=$out/results.tsv
: >"$tsv"
errors=0 busy=0
declare -A short
# boot MODE PAIR ROLE KERNEL: one boot; appends its results to results.tsv.
boot() {
	local mode=$1 pair=$2 role=$3 k=$4 d=$out/$1/$2-$3 v extra="" append cases rc t0 t1 b0 b1 c0 c1 other
	if [ "$mode" = icount ]; then
		v=1 extra="-icount shift=0,sleep=off"
		cases=$(echo "$SYSFS_CASES loop2 loop3" | tr ' ' ,)
		append="harness.env.BENCH_SECONDS=$ICOUNT_SECONDS harness.env.BENCH_ROUNDS=$ICOUNT_ROUNDS"
	else
		v=${mode#time}
		cases=$(echo "$SYSFS_CASES" | tr ' ' ,)
		append="harness.env.BENCH_SECONDS=$BENCH_SECONDS harness.env.BENCH_ROUNDS=$BENCH_ROUNDS"
	fi
	append="$append harness.env.BENCH_CPUS=$v harness.env.BENCH_CASES=$cases"
	mkdir -p "$d"
	cpu_lock
	times >"$d/times0"
	t0=$(date +%s.%N) b0=$(busy_ticks)
	QEMU_EXTRA=$extra EXTRA_APPEND=$append \
		"$TOP/harness/boot-guest.sh" "$k" bench "$d" "$BOOT_TIMEOUT" "$v" 2>"$d/boot.err"
	t1=$(date +%s.%N) b1=$(busy_ticks)
	times >"$d/times1"
	c0=$(child_secs "$d/times0") c1=$(child_secs "$d/times1")
	rm -f "$d/times0" "$d/times1"
	other=$(other_pct "$t0" "$t1" $((b1 - b0)) "$c0" "$c1")
	ps -eo pcpu,etime,args --sort=-pcpu | head -n 6 | cut -c1-160 >"$d/host-ps"
	cpu_unlock
	echo "$other" >"$d/host-other-pct"
	t0=${t0%.*} t1=${t1%.*}
	"$TOP/harness/parse-results.sh" -e bench "$d" >"$d/results.ktap" 2>&1
	rc=$?
	tr -d '\r' <"$d/ktap.log" | awk -v m="$mode" -v p="$pair" -v r="$role" -v v="$v" -v o="$other" '
		$1 == "#" && $2 == "bench" {
			for (i = 4; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			sub(/^threads=/, "", $4)
			print m "\t" v "\t" p "\t" r "\t" $3 "\t" $4 "\t" f["ns_per_op"] "\t" o
		}' >>"$tsv"
	if grep -q '^not ok [0-9]* cpus ' "$d/ktap.log"; then
		short[$mode]=$(sed -n 's/^not ok [0-9]* cpus online=\([0-9]*\).*/\1/p' "$d/ktap.log" | head -n 1)
	fi
	if [ $rc -ne 0 ]; then
		errors=$((errors + 1))
		log "$mode pair $pair $role ($k): FAILED ($((t1 - t0)) s), see $d/results.ktap"
		grep '^not ok' "$d/results.ktap" | sed 's/^/>>>   /' >&2
	else
		log "$mode pair $pair $role ($k): ok ($((t1 - t0)) s, other processes used $other% of the host CPUs)"
		[ "$other" -gt "$BUSY_PCT" ] && busy=$((busy + 1))
	fi
}

# host PAIR: the host mode's run; its baseline is "base", the pin "fixed".
host() {
	local d=$out/host/$1 t0 t1 b0 b1 c0 c1 other
	mkdir -p "$d"
	cpu_lock
	times >"$d/times0"
	t0=$(date +%s.%N) b0=$(busy_ticks)
	"$BENCH" -d "$BENCH_SECONDS" -r "$BENCH_ROUNDS" -c "$NCPU" \
		builtin-read-pread pin-private pin-shared >"$d/ktap.log" 2>&1
	t1=$(date +%s.%N) b1=$(busy_ticks)
	times >"$d/times1"
	c0=$(child_secs "$d/times0") c1=$(child_secs "$d/times1")
	rm -f "$d/times0" "$d/times1"
	other=$(other_pct "$t0" "$t1" $((b1 - b0)) "$c0" "$c1")
	ps -eo pcpu,etime,args --sort=-pcpu | head -n 6 | cut -c1-160 >"$d/host-ps"
	cpu_unlock
	echo "$other" >"$d/host-other-pct"
	awk -v p="$1" -v n="$NCPU" -v o="$other" '
		$1 == "#" && $2 == "bench" {
			sub(/^threads=/, "", $4); v = $5; sub(/^ns_per_op=/, "", v)
			if ($3 == "builtin-read-pread") { b[$4] = v; next }
			x[$3, $4] = v; t[$4] = 1
		}
		END {
			for (th in t)
				for (c = 1; c <= 2; c++) {
					cs = c == 1 ? "pin-shared" : "pin-private"
					if (!((cs, th) in x) || !(th in b)) continue
					print "host\t" n "\t" p "\tbase\t" cs "\t" th "\t" b[th] "\t" o
					print "host\t" n "\t" p "\tfixed\t" cs "\t" th "\t" x[cs, th] "\t" o
				}
		}' "$d/ktap.log" >>"$tsv"
	if grep -q '^not ok' "$d/ktap.log"; then
		errors=$((errors + 1))
		log "host run $1: FAILED, see $d/ktap.log"
	else
		log "host run $1: ok (other processes used $other% of the host CPUs)"
		[ "$other" -gt "$BUSY_PCT" ] && busy=$((busy + 1))
	fi
}

for pair in $(seq 1 "$PAIRS"); do
	for mode in $modes; do
		if [ "$mode" = host ]; then
			host "$pair"
			continue
		fi
		# A guest that lacks CPUs is reported once; more boots add nothing.
		[ -n "${short[$mode]}" ] && continue
		boot "$mode" "$pair" base "$base"
		boot "$mode" "$pair" fixed "$fixed"
	done
done

# The accelerator as QEMU ran it, per mode, from the boots' QEMU commands.
accel_of() {
	local c
	c=$(tr -d '\\' <"$out/$1/1-base/cmd" 2>/dev/null)
	echo "$(echo "$c" | grep -o -- '-accel [^ ]*' | cut -d' ' -f2)$(echo "$c" | grep -o -- ' -icount [^ ]*')"
}

commit() { sed -n 's/^commit=//p' "$B/kernels/$1/info" | cut -c1-12; }

{
	echo "## Cost per sysfs operation: the series (\`$fixed\`) against base (\`$base\`)"
	echo
	echo "- command: \`PAIRS=$PAIRS VCPUS=\"$VCPUS\" ICOUNT=$ICOUNT HOST=$HOST harness/bench.sh $*\` (\`make bench\` with the defaults)"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), host: $(nproc) CPUs, $(qemu-system-x86_64 --version | head -n 1)"
	echo "- kernels: base \`$base\` = $(commit "$base") ($(sed -n 's/^subject=//p' "$B/kernels/$base/info")), fixed \`$fixed\` = $(commit "$fixed") ($(sed -n 's/^subject=//p' "$B/kernels/$fixed/info"))"
	for mode in $modes; do
		[ "$mode" = host ] || echo "- accelerator, $mode: \`$(accel_of "$mode")\`"
	done
	echo "- values: median over the boots of each boot's median over $BENCH_ROUNDS rounds of ${BENCH_SECONDS} s (icount: $ICOUNT_ROUNDS rounds of ${ICOUNT_SECONDS} s of guest time); pair ratios: min..max over the BASE/FIXED boot pairs"
	echo "- host load: in $busy of the boots, other processes used more than $BUSY_PCT% of the host's CPUs (per boot: host-other-pct, host-ps)"
	echo "- raw: \`${out#"$TOP"/}\`"
	echo
	for mode in $modes; do
		if [ -n "${short[$mode]}" ]; then
			echo "**$mode: the guest saw ${short[$mode]} CPU(s) of ${mode#time}; its multi-thread cases were not measured.**"
			echo
		fi
	done
	awk -F'\t' -v modes="$modes" -v hostinfo="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $NCPU CPUs, Linux $(uname -r)" '
	function median(list,    a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		key = $1 SUBSEP $5 SUBSEP $6
		if (!(key in seen)) { seen[key] = 1; order[++nk] = key; vcpus[key] = $2 }
		val[key, $4] = val[key, $4] " " $7
		pv[key, $3, $4] = $7
		if ($3 > np) np = $3
	}
	function target(c, t) {
		if (c ~ /^loop/) return ""
		if (c ~ /^builtin/) return "~1.00"
		return t > 1 ? "<= 1.05" : "<= 1.02"
	}
	function ok(c, t, r) {
		if (c ~ /^builtin/) return r >= 0.98 && r <= 1.02
		return r <= (t > 1 ? 1.05 : 1.02)
	}
	# The median ratio decides, unless the pairs disagree about it, or, in
	# a time mode, the built-in attributes (a control: the fix adds under
	# 0.5% instructions there) are off by more than 2%, which is noise.
	function verdict(md, c, t, r, lo, hi,    dev) {
		dev = ctl[md, t]
		if (md ~ /^time/ && dev > 0.02)
			return c ~ /^builtin/ ? sprintf("noise (control off by %.0f%%)", dev * 100) : \
				sprintf("inconclusive (built-in control off by %.0f%%)", dev * 100)
		if (ok(c, t, lo) != ok(c, t, hi)) return "inconclusive (pairs disagree)"
		return ok(c, t, r) ? "met" : "MISSED"
	}
	function ratio(key) { return median(val[key, "fixed"]) / median(val[key, "base"]) }
	END {
		for (k = 1; k <= nk; k++) {
			split(order[k], f, SUBSEP)
			if (f[2] !~ /^builtin/ || val[order[k], "base"] == "" || val[order[k], "fixed"] == "") continue
			d = ratio(order[k]) - 1
			if (d < 0) d = -d
			if (d > ctl[f[1], f[3]]) ctl[f[1], f[3]] = d
		}
		nm = split(modes, m, " ")
		for (i = 1; i <= nm; i++) {
			ic = m[i] == "icount"
			if (m[i] == "host") {
				print "Estimate without emulation, on the host (" hostinfo "): pread() of /sys/class/mem/*/dev, and the same bracketed by a user-space copy of try_module_get()/module_put() on one counter for all threads (pin-shared, as a module'"'"'s attributes share it) or one per thread (pin-private):"
				print ""
				print "| case | CPUs | threads | pread ns/op | pread+pin ns/op | ratio | pair ratios | target |"
				print "|---|---|---|---|---|---|---|---|"
			} else if (ic) {
				print "Guest instructions per operation (QEMU -icount shift=0,sleep=off, 1 vCPU, single-threaded TCG):"
				print ""
				print "| case | threads | base insn/op | fixed insn/op | fixed - base | fixed/base | pair ratios | target |"
				print "|---|---|---|---|---|---|---|---|"
			} else {
				print "Wall-clock time per operation, " m[i] ":"
				print ""
				print "| case | vCPUs | threads | base ns/op | fixed ns/op | fixed/base | pair ratios | target |"
				print "|---|---|---|---|---|---|---|---|"
			}
			for (k = 1; k <= nk; k++) {
				split(order[k], f, SUBSEP)
				if (f[1] != m[i]) continue
				key = order[k]
				if (val[key, "base"] == "" || val[key, "fixed"] == "") continue
				b = median(val[key, "base"]); x = median(val[key, "fixed"])
				lo = ""; hi = ""
				for (p = 1; p <= np; p++) {
					if (pv[key, p, "base"] == "" || pv[key, p, "fixed"] == "") continue
					r = pv[key, p, "fixed"] / pv[key, p, "base"]
					if (lo == "" || r < lo) lo = r
					if (hi == "" || r > hi) hi = r
				}
				r = x / b
				tg = target(f[2], f[3])
				vd = tg == "" ? "" : tg " " verdict(f[1], f[2], f[3], r, lo, hi)
				if (ic && f[2] ~ /^loop/) {
					n = f[2] == "loop2" ? 2 : 3
					vd = sprintf("check: %d insn/iteration; off by %+.2f%% (base), %+.2f%% (fixed)", n, (b / n - 1) * 100, (x / n - 1) * 100)
				}
				if (ic)
					printf "| %s | %s | %.1f | %.1f | %+.1f | %.4f | %.4f..%.4f | %s |\n", f[2], f[3], b, x, x - b, r, lo, hi, vd
				else
					printf "| %s | %s | %s | %.0f | %.0f | %.3f | %.3f..%.3f | %s |\n", f[2], vcpus[key], f[3], b, x, r, lo, hi, vd
			}
			print ""
		}
	}' "$tsv"
} >"$out/summary.md"
# The snippet for docs/results.md (harness/report.sh), with the repository
# commit the run was made from.
mkdir -p "$B/report"
{
	cat "$out/summary.md"
	echo "Measured on $(git -C "$TOP" rev-parse --short HEAD)."
} >"$B/report/bench.md"
cat "$out/summary.md"

st=0
if [ $errors -gt 0 ]; then
	echo "error: $errors of the boots failed or missed cases -- see $out/*/*/results.ktap" >&2
	st=1
fi
for mode in $modes; do
	if [ -n "${short[$mode]}" ]; then
		echo "error: $mode: the guest saw ${short[$mode]} CPU(s) of ${mode#time} -- give the test kernel a way to find the other CPUs (CONFIG_ACPI=y in config/base.config) and rebuild" >&2
		st=1
	fi
done
exit $st

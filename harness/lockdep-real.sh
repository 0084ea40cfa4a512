#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lockdep on a real configuration: the debug kernel of x86_64_defconfig,
# with and without the lockdep patch, booted once per scenario.
usage() {
	cat <<EOF
usage: lockdep-real.sh [options]

Builds the debug kernel of a real configuration (CONFIG $CFG:
x86_64_defconfig + kvm_guest.config + kernel/configs/debug.config + the
series' options + config/hotplug.config + config/drivers.config) twice:
"without" is kernel A of the lockdep A/B of harness/ab.tsv, the series
without:$(printf '\n  "%s"' "${WITHOUT[@]}")
"with" is the whole series. Boots each once per scenario
(guest/tests/lockdep_real), so that
the first lockdep report of a scenario, after which lockdep checks
nothing, does not hide the next scenario's, and counts the lockdep
reports and the other console reports of each boot.

  --scenarios LIST  comma-separated, from boot,cpu,pci,memory,modules
                    (default all)
  --kernels LIST    without,with (default both)
  --rounds N        CPU hotplug rounds (default 20)
  --dry-run         print the builds and the QEMU runs, run nothing
  --table           run nothing; write the table again from the last runs
  -h, --help        this text

The table goes to build/report/lockdep-real.md (make report puts it in
docs/results.md) and is printed. Exit status 0 only if every scenario ran
its steps and the "with" kernel has no lockdep report that the "without"
kernel does not have in the same scenario.
EOF
}
. "$(dirname "$0")/common.sh"

CFG=real+hotplug+drivers
# "without": the patches that kernel A of the lockdep A/B leaves out.
IFS=$'\t' read -ra WITHOUT <<<"$(ab_val lockdep a)"
[ "${WITHOUT[0]}" = without ] && [ ${#WITHOUT[@]} -ge 2 ] ||
	die "harness/ab.tsv: line 'lockdep a' is not 'without SUBJECT...'" "fix harness/ab.tsv"
WITHOUT=("${WITHOUT[@]:1}")
WITHOUT_DESC=$(printf '"%s" and ' "${WITHOUT[@]}")
WITHOUT_DESC=${WITHOUT_DESC% and }
ALL=boot,cpu,pci,memory,modules
# The header lines of lockdep's reports (kernel/locking/lockdep.c,
# lockdep_proc and RCU's lockdep_rcu_suspicious()).
LOCKDEP_RE='WARNING: (possible (circular|recursive|irq)|inconsistent lock state|.*lock order detected|bad unlock balance|suspicious RCU usage|held lock freed|lock held (when returning|at task exit)|Nested lock was not taken|bad contention detected)'
# The first line of any other report.
OTHER_RE='(BUG|WARNING|UBSAN):|Kernel panic|blocked for more than|unreferenced object'

cmdline="$*"
scens=$ALL kernels=without,with rounds=20 dry=0 table=0
while [ $# -gt 0 ]; do
	case $1 in
	--scenarios) scens=$2; shift ;;
	--kernels) kernels=$2; shift ;;
	--rounds) rounds=$2; shift ;;
	--dry-run) dry=1 ;;
	--table) table=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown option '$1'" "see harness/lockdep-real.sh --help" ;;
	esac
	shift
done
for s in ${scens//,/ }; do
	case ,$ALL, in *,"$s",*) ;; *) die "unknown scenario '$s'" "use some of $ALL" ;; esac
done
for k in ${kernels//,/ }; do
	case $k in without | with) ;; *) die "unknown kernel '$k'" "use without and/or with" ;; esac
done
case $rounds in '' | *[!0-9]* | 0) die "rounds must be a positive number, got '$rounds'" "pass --rounds N" ;; esac

require_base
mkdir -p "$STATE" "$B/report"

# The devices the pci and memory scenarios unplug: a virtio disk and a
# virtio NIC on fixed slots of bus 0, and the memory backends of the three
# pc-dimms that the guest has the monitor add and remove.
img=$STATE/lockdep-real.img
devices="-blockdev driver=file,filename=$img,node-name=lrdisk
-device virtio-blk-pci,id=lrblk,drive=lrdisk,bus=pci.0,addr=0x5
-netdev user,id=lrnetdev -device virtio-net-pci,id=lrnet,netdev=lrnetdev,bus=pci.0,addr=0x6
-object memory-backend-ram,id=lrmem1,size=256M -object memory-backend-ram,id=lrmem2,size=256M
-object memory-backend-ram,id=lrmem3,size=256M"
# A bound per scenario, in seconds (TCG, KASAN and lockdep).
bound() {
	case $1 in
	boot) echo 900 ;;
	modules) echo 5400 ;;
	*) echo 2400 ;;
	esac
}

run_kernel() {
	local k=$1 ref name s art tmo
	if [ "$k" = without ]; then
		ref=$(series_without ab-lockdep "${WITHOUT[@]}") || return 1
		name=real-nolockdep
	else
		ref=$("$TOP/harness/apply-series.sh") || return 1
		name=real
	fi
	if [ $dry = 1 ]; then
		echo "harness/build-kernel.sh $(git -C "$SRC" rev-parse --short "$ref") $CFG $name"
	else
		local t0=$SECONDS
		name=$(staged_kernel "$name" "$ref" "$CFG") || return 1
		log "kernel $name ready after $((SECONDS - t0)) s"
	fi
	for s in ${scens//,/ }; do
		tmo=$(bound "$s")
		# The one description of the run, for the dry run and the run.
		local run=(env MONITOR_RELAY=1 GUEST_MEM=2048,slots=4,maxmem=4G "QEMU_EXTRA=$(echo $devices)"
			"EXTRA_APPEND=${EXTRA_APPEND:+$EXTRA_APPEND }harness.env.LOCKDEP_REAL=$s harness.env.LOCKDEP_REAL_ROUNDS=$rounds memhp_default_state=online_movable"
			BOOT_TIMEOUT="$tmo" harness/run-tests.sh "$name" lockdep_real 4)
		if [ $dry = 1 ]; then
			printf '%q ' "${run[@]}"
			echo
			continue
		fi
		[ -f "$img" ] || truncate -s 64M "$img"
		log "lockdep on $name: scenario $s (bound $tmo s)"
		(cd "$TOP" && "${run[@]}") >"$STATE/lockdep-real-$k-$s.ktap" 2>&1
		art=$(sed -n 's/^# artefacts: //p' "$STATE/lockdep-real-$k-$s.ktap")
		echo "$art" >"$STATE/lockdep-real-$k-$s.art"
		echo "$(date -u +%Y-%m-%d) $(git -C "$TOP" rev-parse --short HEAD) harness/lockdep-real.sh $cmdline" \
			>"$STATE/lockdep-real-$k-$s.meta"
	done
}

if [ $table = 0 ]; then
	for k in ${kernels//,/ }; do
		run_kernel "$k" || exit 1
	done
	[ $dry = 1 ] && exit 0
fi

# cell K S: the figures of kernel K in scenario S: v_lockdep (lockdep
# reports), v_known (those harness/lockdep-real.known lists for S), v_other
# (other reports), v_steps (guest cases: ok, or the first that failed, the
# console cases left out) and v_secs.
cell() {
	local art bad
	v_lockdep=- v_known=0 v_other=- v_steps="not run" v_secs=-
	art=$(cat "$STATE/lockdep-real-$1-$2.art" 2>/dev/null)
	[ -n "$art" ] && [ -d "$art" ] || return 0
	# A report runs from its header to the next blank-prefixed header
	# or 80 lines, whichever comes first.
	read -r v_lockdep v_known < <(cat "$art"/boot*/console.log 2>/dev/null | tr -d '\r' |
		awk -v re="$LOCKDEP_RE" -v scen="$2" -F'\t' '
		FILENAME == ARGV[1] { if ($1 == scen) pat[++np] = $2; next }
		function close_rep() { if (open && hit) known++; open = 0; hit = 0 }
		$0 ~ re { close_rep(); n++; open = 1; left = 80; next }
		open { for (i = 1; i <= np; i++) if (index($0, pat[i])) hit = 1
		       if (--left == 0) close_rep() }
		END { close_rep(); print n + 0, known + 0 }' "$TOP/harness/lockdep-real.known" -)
	v_other=$(cat "$art"/boot*/console.log 2>/dev/null | grep -E "$OTHER_RE" | grep -cvE "$LOCKDEP_RE")
	v_secs=$(cat "$art"/boot*/boot-seconds 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }')
	bad=$(grep '^not ok' "$art/results.ktap" | grep -v ': console: \|kernel log' | head -n 1 | cut -c1-60)
	if [ -n "$bad" ]; then
		v_steps="failed: $bad"
	else
		v_steps=ok
	fi
}

# shown N KNOWN: a count of lockdep reports for the table.
shown() {
	if [ "$2" -gt 0 ] 2>/dev/null; then echo "$1 ($2 known)"; else echo "$1"; fi
}

out=$B/report/lockdep-real.md
n=0 fail=0
{
	echo "## Lockdep on a real configuration"
	echo
	for f in "$STATE"/lockdep-real-*.meta; do
		[ -f "$f" ] && cut -d' ' -f3- "$f"
	done | sort -u | sed 's/^\(.*\)$/Command: `\1`./'
	echo
	echo "Kernel config \`$CFG\` (\`harness/build-kernel.sh\`): x86_64_defconfig + kvm_guest.config + kernel/configs/debug.config (KASAN, lockdep, kmemleak, ...) + the series' options + config/hotplug.config + config/drivers.config. \"without\" is the series without $WITHOUT_DESC; \"with\" is the whole series. One boot per scenario (guest/tests/lockdep_real), 4 vCPUs, 2 GB, under TCG."
	echo
	for k in without with; do
		f=$(ls "$STATE"/lockdep-real-$k-*.art 2>/dev/null | head -n 1)
		[ -n "$f" ] || continue
		art=$(cat "$f")
		d=$(cut -d' ' -f1 "$STATE"/lockdep-real-$k-*.meta | sort -u | paste -sd, | sed 's/,/, /g')
		c=$(cut -d' ' -f2 "$STATE"/lockdep-real-$k-*.meta | sort -u | paste -sd, | sed 's/,/, /g')
		echo "- $k: $d, repository $c, kernel $(sed -n 's/^commit=//p' "$art/info" | cut -c1-12)"
	done
	echo
	echo "| scenario | without: lockdep reports | without: other reports | with: lockdep reports | with: other reports | guest steps (without / with) | run time (without / with) |"
	echo "|---|---|---|---|---|---|---|"
} >"$out"
for s in ${ALL//,/ }; do
	cell without "$s"
	wl=$v_lockdep wk=$v_known wo=$v_other ws=$v_steps wt=$v_secs
	cell with "$s"
	[ "$wl$v_lockdep" = -- ] && continue
	echo "| $s | $(shown "$wl" "$wk") | $wo | $(shown "$v_lockdep" "$v_known") | $v_other | $ws / $v_steps | $wt / $v_secs s |" >>"$out"
	n=$((n + 1))
	desc="lockdep-real: $s: with the lockdep patch, $(shown "$v_lockdep" "$v_known") lockdep reports (without: $(shown "$wl" "$wk")); guest steps $ws / $v_steps"
	# The kernel with the patch may have no lockdep report that is not
	# known and that the kernel without it does not have; a scenario run
	# only with the patch is held to no unknown report.
	if { [ "$ws" = ok ] || [ "$ws" = "not run" ]; } && [ "$v_steps" = ok ] && [ "$v_lockdep" != - ] &&
		[ $((v_lockdep - v_known)) -le "${wl/-/0}" ]; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		fail=1
	fi
done
cat "$out" | sed 's/^/# /'
echo "# table: $out"
[ $n -gt 0 ] || die "no lockdep-real run recorded" "run harness/lockdep-real.sh first"
exit $fail

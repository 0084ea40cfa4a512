#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make stress": boot one guest, run the stress tests in it, print their
# KTAP and the iterations per second of every loop.
#
#   stress.sh [--short]
#
# Guest programs (guest/tests/): zram_stress (zram device life cycles
# through sysfs against attribute readers and rmmod/modprobe),
# test_sysfs_stress (test_sysfs devices added and removed against
# attribute readers/writers and rmmod/modprobe), zram_hotplug (cpu1
# offline/online against zram load/use/unload; SKIP with one CPU).
#
# Environment (make variables of the same name work too):
#   KERNEL   staged kernel under build/kernels (default: debug)
#   ITERS    iterations of each primary loop per scenario (default 1000)
#   SECS     time bound per scenario in seconds, 0 = none (default 0)
#   STALL    seconds without progress before a loop counts as stuck (20)
#   SCENARIOS  zram_stress/test_sysfs_stress scenarios, comma-separated
#            (default: stable,reload)
#   TESTS    guest programs (default zram_stress,test_sysfs_stress,zram_hotplug)
#   CPUS     vCPUs (default 2)
#   EXTRA_APPEND  more kernel command line; "slub_debug=- no_debug_objects"
#            turns off SLUB debugging (KASAN covers it) and debug objects,
#            which makes the zram loops 1.6x faster on the debug kernel
#   TIMEOUT  wall-clock bound of the guest in seconds (default: from
#            ITERS/SECS and the kernel's speed, see below)
# --short: ITERS=30 SECS=12 unless set: the variant for "make check",
# under two minutes of wall-clock time on TCG.
#
# Exit status 0 only if nothing failed. Does not take the CPU lock itself:
# callers that share the machine wrap it, e.g.
#   flock /tmp/sysfs-modpin-cpu.lock harness/stress.sh --short
. "$(dirname "$0")/common.sh"

short=0
case ${1:-} in
--short) short=1 ;;
"") ;;
*) die "unknown argument '$1'" "usage: stress.sh [--short]" ;;
esac

KERNEL=${KERNEL:-debug}
TESTS=${TESTS:-zram_stress,test_sysfs_stress,zram_hotplug}
CPUS=${CPUS:-2}
STALL=${STALL:-20}
SCENARIOS=${SCENARIOS:-stable,reload}
if [ $short = 1 ]; then
	ITERS=${ITERS:-30} SECS=${SECS:-12}
else
	ITERS=${ITERS:-1000} SECS=${SECS:-0}
fi
[[ $ITERS =~ ^[1-9][0-9]*$ ]] || die "ITERS='$ITERS' is not a positive number" "e.g. make stress ITERS=100"
[[ $SECS =~ ^[0-9]+$ ]] || die "SECS='$SECS' is not a number of seconds" "e.g. SECS=60, or 0 for no time bound"
[[ $STALL =~ ^[1-9][0-9]*$ ]] || die "STALL='$STALL' is not a positive number" "e.g. STALL=20"
[[ $SCENARIOS =~ ^(stable|reload)(,(stable|reload))*$ ]] ||
	die "SCENARIOS='$SCENARIOS' is not a list of scenarios" "use stable, reload or stable,reload"

if [ ! -f "$B/kernels/$KERNEL/bzImage" ]; then
	if [ "$KERNEL" = debug ]; then
		die "no debug kernel in $B/kernels/debug (KASAN, lockdep, kmemleak)" \
			"build it with 'harness/build-kernel.sh harness/series debug debug', or use the test kernel: make stress KERNEL=series"
	fi
	die "no kernel '$KERNEL' in $B/kernels/$KERNEL" "build it with harness/build-kernel.sh, or pick one of: $(ls "$B/kernels" | tr '\n' ' ')"
fi

# Five scenarios at most (zram 2, test_sysfs 2, hotplug 1). Measured under
# TCG: an iteration of the slowest loop (a zram device life cycle) takes
# about 0.4 s on the test kernel and 7 s on the debug kernel (KASAN,
# lockdep, kmemleak; a fork alone costs 0.16 s there). Budget 4x that per
# iteration, plus boot, set-up and the kernel log checks per scenario.
if grep -qE '^CONFIG_(KASAN|PROVE_LOCKING)=y' "$B/kernels/$KERNEL/.config" 2>/dev/null; then
	per_iter_ds=300		# tenths of a second
else
	per_iter_ds=16
fi
if [ -z "${TIMEOUT:-}" ]; then
	per=$((ITERS * per_iter_ds / 10 + 1))
	[ "$SECS" -gt 0 ] && [ "$SECS" -lt "$per" ] && per=$SECS
	TIMEOUT=$((5 * (per + STALL + 60) + 300))
fi
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT='$TIMEOUT' is not a positive number" "e.g. TIMEOUT=3600"

log "stress: kernel $KERNEL, tests $TESTS, $ITERS iterations per loop, time bound ${SECS}s per scenario (0: none), guest bound ${TIMEOUT}s"
[ "$SECS" -eq 0 ] && [ "$per_iter_ds" -gt 100 ] && [ "$ITERS" -gt 100 ] &&
	log "stress: about $((ITERS * 7 / 60)) min per zram scenario on this kernel; SECS=N bounds each scenario"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
EXTRA_APPEND="${EXTRA_APPEND:+$EXTRA_APPEND }harness.env.STRESS_ITERS=$ITERS harness.env.STRESS_SECONDS=$SECS harness.env.STRESS_STALL_S=$STALL harness.env.STRESS_SCENARIOS=$SCENARIOS" \
	BOOT_TIMEOUT=$TIMEOUT GUEST_TEST_TIMEOUT=$TIMEOUT \
	"$TOP/harness/run-tests.sh" "$KERNEL" "$TESTS" "$CPUS" | tee "$out"
rc=${PIPESTATUS[0]}

# Iterations per second of every loop, from the "stress-rate:" lines.
if grep -q 'stress-rate:' "$out"; then
	echo "# iterations per second (test/scenario loop: iterations, seconds, rate):"
	sed -n 's/^# stress-rate: /#   /p' "$out"
fi
# A full run leaves the snippet for docs/results.md (harness/report.sh).
if [ $short = 0 ]; then
	mkdir -p "$B/report"
	{
		echo "## Stress (zram, test_sysfs, CPU hotplug)"
		echo
		echo "Measured $(date -u +%Y-%m-%d) on $(git -C "$TOP" rev-parse --short HEAD) with" \
			"\`KERNEL=$KERNEL ITERS=$ITERS SECS=$SECS SCENARIOS=$SCENARIOS harness/stress.sh\`" \
			"($(sed -n 's/^subject=//p' "$B/kernels/$KERNEL/info")):"
		echo
		echo '```'
		grep -E '^(not )?ok |passed, ' "$out"
		echo '```'
		echo
		echo "Loop rates (iterations, seconds, per second):"
		echo
		echo '```'
		sed -n 's/^# stress-rate: //p' "$out"
		echo '```'
	} >"$B/report/stress.md"
fi
exit "$rc"

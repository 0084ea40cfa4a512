#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Measure how reliably the deadlock cases reproduce on a kernel: boot it N
# times, run test_sysfs.sh with the deadlock cases forced on, and count per
# case how many runs reported the deadlock, with the detection times.
#
#   repeat-deadlock.sh KERNEL_NAME [N]     (default N=10)
. "$(dirname "$0")/common.sh"

[ $# -ge 1 ] || die "usage: repeat-deadlock.sh KERNEL_NAME [N]" "KERNEL_NAME is under $B/kernels"
name=$1 n=${2:-10}
out=$STATE/repeat-$name
rm -rf "$out" && mkdir -p "$out"
for i in $(seq 1 "$n"); do
	EXTRA_APPEND="harness.env.TEST_SYSFS_DEADLOCK=1" "$TOP/harness/run-tests.sh" "$name" test_sysfs \
		>"$out/run$i.ktap" 2>&1
done
echo "# $name, $n boots: runs that reported the deadlock, per case"
cat "$out"/run*.ktap | sed -n 's/^not ok [0-9]* test_sysfs: \(.*\) # deadlock$/\1/p; s/^ok [0-9]* test_sysfs: \(.*\) # XFAIL deadlock.*/\1/p' |
	sort | uniq -c | sed 's/^/# /'
echo "# detection time (s): $(cat "$out"/run*.ktap | sed -n 's/^# deadlock detected in \([0-9.]*\) s$/\1/p' |
	sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "min %s, median %s, max %s over %d detections", a[1], a[int((NR + 1) / 2)], a[NR], NR }')"

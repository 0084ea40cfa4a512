#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness smoke test: load zram, write one of its sysfs attributes and read
# it back, then unload it and check the kernel log stayed clean.
. /lib/ktap_helpers.sh

ktap_print_header
ktap_set_plan 4

dmesg -c >/dev/null
if modprobe zram num_devices=1 && [ -e /sys/block/zram0/disksize ]; then
	ktap_test_pass "modprobe zram creates /sys/block/zram0"
else
	ktap_test_fail "modprobe zram creates /sys/block/zram0"
fi

echo 16M >/sys/block/zram0/disksize 2>/dev/null
got=$(cat /sys/block/zram0/disksize 2>/dev/null)
if [ "$got" = 16777216 ]; then
	ktap_test_pass "zram0 disksize reads back 16777216"
else
	ktap_print_msg "disksize read back '$got'"
	ktap_test_fail "zram0 disksize reads back 16777216"
fi

echo 1 >/sys/block/zram0/reset 2>/dev/null
if rmmod zram && [ ! -e /sys/block/zram0 ]; then
	ktap_test_pass "rmmod zram removes /sys/block/zram0"
else
	ktap_test_fail "rmmod zram removes /sys/block/zram0"
fi

bad=$(dmesg | grep -E "$(grep -v '^#' /lib/splat-patterns | grep . | paste -sd'|')")
if [ -z "$bad" ]; then
	ktap_test_pass "kernel log clean"
else
	ktap_print_msg "$bad"
	ktap_test_fail "kernel log clean"
fi
ktap_finished

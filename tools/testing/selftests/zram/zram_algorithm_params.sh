#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# algorithm_params sets the level and the dictionary of a compression
# backend. The backends are created when disksize is set and use those
# parameters until reset, so the attribute must refuse an initialized
# device, as comp_algorithm does. If it does not, a store on a live lz4
# disk that was set up with a dictionary frees the dictionary: the pages
# written before no longer decompress and read back as I/O errors (and a
# concurrent writer uses the freed dictionary).
#
# Each case works on its own device from hot_add. Needs CONFIG_ZRAM; the
# dictionary case needs CONFIG_ZRAM_BACKEND_LZ4 and is skipped without it.

DIR=$(dirname "$0")
. "$DIR/../kselftest/ktap_helpers.sh"

CTL=/sys/class/zram-control
LOADED=
TMP=$(mktemp -d)

ktap_print_header

if [ ! -d $CTL ]; then
	if ! modprobe -q zram num_devices=0 2>/dev/null || [ ! -d $CTL ]; then
		ktap_skip_all "no $CTL: needs CONFIG_ZRAM"
		rm -rf "$TMP"
		exit "$KSFT_SKIP"
	fi
	LOADED=1
fi

cleanup() {
	[ -z "$ID" ] || remove_disk
	[ -z "$LOADED" ] || rmmod zram
	rm -rf "$TMP"
}
trap cleanup EXIT

# new_disk: hot_add a device; ID is its number, D its sysfs directory and
# N its device node.
new_disk() {
	read -r ID <$CTL/hot_add || ktap_exit_fail_msg "hot_add failed"
	D=/sys/block/zram$ID
	N=/dev/zram$ID
	if [ ! -b "$N" ]; then
		N=$TMP/zram$ID
		rm -f "$N"
		IFS=: read -r major minor <"$D/dev"
		mknod "$N" b "$major" "$minor"
	fi
}

remove_disk() {
	echo 1 >"$D/reset"
	echo "$ID" >$CTL/hot_remove
	ID=
}

# params_store VALUE: write VALUE to algorithm_params; ERR is the error
# message of a refused write.
params_store() {
	ERR=$(echo "$1" 2>&1 >"$D/algorithm_params")
}

ktap_set_plan 4

new_disk
ktap_test_result "algorithm_params is accepted before disksize is set" \
	params_store "level=1"
echo 16M >"$D/disksize"
if params_store "level=2"; then
	ktap_test_fail "algorithm_params is refused with EBUSY once disksize is set (accepted)"
else
	case $ERR in
	*"busy"*) ktap_test_pass "algorithm_params is refused with EBUSY once disksize is set" ;;
	*) ktap_test_fail "algorithm_params is refused with EBUSY once disksize is set ($ERR)" ;;
	esac
fi
echo 1 >"$D/reset"
ktap_test_result "algorithm_params is accepted again after reset" \
	params_store "level=3"
remove_disk

# A dictionary of text, and 16 pages that compress against it.
line="zram dictionary test: the quick brown fox jumps over the lazy dog"
yes "$line" | head -c 4096 >"$TMP/dict"
yes "$line" | head -c 65536 >"$TMP/data"

new_disk
desc="lz4 pages written with a dictionary read back after a params store"
if ! grep -qw lz4 "$D/comp_algorithm"; then
	ktap_test_skip "$desc (needs CONFIG_ZRAM_BACKEND_LZ4)"
elif ! echo lz4 >"$D/comp_algorithm" ||
     ! params_store "algo=lz4 dict=$TMP/dict" ||
     ! echo 16M >"$D/disksize"; then
	ktap_test_fail "$desc (setup: $ERR)"
else
	dd if="$TMP/data" of="$N" bs=4096 oflag=direct conv=notrunc 2>/dev/null
	params_store "algo=lz4 level=1"
	ktap_print_msg "params store on the live disk: ${ERR:-accepted}"
	if dd if="$N" of="$TMP/back" bs=4096 count=16 iflag=direct 2>"$TMP/err" &&
	   cmp -s "$TMP/data" "$TMP/back"; then
		ktap_test_pass "$desc"
	else
		ktap_print_msg "read back: $(tail -n 1 "$TMP/err")"
		ktap_test_fail "$desc"
	fi
fi
remove_disk

ktap_finished

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests for lib/test_sysfs.c: sysfs attribute reads and writes on a misc
# and a block device, sync and async probe, races between an attribute
# operation and the removal of its device, and the deadlock between a
# store that takes a lock and a removal that holds it.
#
# The races are driven by the kernfs wait points of CONFIG_FAIL_KERNFS.
# Every wait is bounded. A deadlock is detected by reading the kernel
# stacks of the stuck tasks, reported as "not ok N <name> # deadlock" with
# both stacks, and then broken by killing the store, which waits killably.
#
# On a kernel whose delete_module() waits for the sysfs operations in
# flight before it calls the module's exit function, the module exit cases
# cannot deadlock: rmmod waits for the store, then unloads the module, and
# a store that arrives during rmmod fails with ENODEV. rmmod_waits.sh
# tells whether the running kernel does this; where it does not, the cases
# that need it are skipped, because they would deadlock or leave rmmod
# stuck. Driver unbind and removal through a control file do not unload
# the module, so they deadlock on every kernel, by design, until the store
# is killed; they only run when asked and are reported as XFAIL.
#
#   TEST_SYSFS_DEADLOCK=1  run every case, whatever the kernel does
#   TEST_SYSFS_DEADLOCK=0  skip every case that can deadlock

DIR=$(dirname "$0")
. "$DIR/../kselftest/ktap_helpers.sh"

MOD=test_sysfs
CTL=/sys/class/misc/test_sysfs
MISC=/sys/class/misc/test_sysfs_misc
BLK=/sys/block/test_sysfs_blk
FI=/sys/kernel/debug/fail_kernfs
DBG=/sys/kernel/debug/test_sysfs
PDEV=/sys/bus/platform/devices/test_sysfs_sync.0
PID=
RPID=
KNOWN=

ktap_print_header

if ! modprobe -q $MOD 2>/dev/null; then
	ktap_skip_all "module $MOD not found: needs CONFIG_TEST_SYSFS=m"
	exit "$KSFT_SKIP"
fi
if [ ! -d "$FI" ]; then
	rmmod $MOD
	ktap_skip_all "no $FI: needs CONFIG_FAIL_KERNFS and debugfs"
	exit "$KSFT_SKIP"
fi
rmmod $MOD
TMP=$(mktemp -d)

ktap_test_deadlock() {
	__ktap_test "not ok" "$1" "deadlock"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

# Bounded wait: evaluate "cmd" at most $1 * 20 times, 50 ms apart.
wait_until() {
	tries=$(($1 * 20))
	shift
	while ! eval "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

gone() {
	case $(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) in
	"" | Z) return 0 ;;
	esac
	return 1
}

in_stack() {
	grep -q "$2" "/proc/$1/stack" 2>/dev/null
}

fi_setup() {
	echo 100 >"$FI/probability"
	echo 1 >"$FI/interval"
	echo 0 >"$FI/verbose"
	echo Y >"$FI/task-filter"
	echo 10000 >"$FI/timeout_ms"
	echo 1 >"$FI/times"
	echo "$1" >"$FI/name"
	echo Y >"$FI/$2"
}

fi_reset() {
	for p in "$FI"/wait_*; do
		echo N >"$p"
	done
	echo 1 >"$FI/release"
	echo >"$FI/name"
	echo 0 >"$FI/probability"
}

# Run shell command $1 in the background in a task that the fault
# injection task filter lets wait; $PID is that task. Output to $TMP/out.
start_marked() {
	sh -c "echo 1 >/proc/self/make-it-fail; $1" >"$TMP/out" 2>&1 &
	PID=$!
}

# Reap background task $1 and set RC to its exit status.
reap() {
	wait "$1"
	RC=$?
}

load() {
	modprobe $MOD || ktap_exit_fail_msg "modprobe $MOD failed"
	[ -z "$1" ] || echo "$1" >$CTL/remove_lock
}

# try_rmmod: one rmmod, bounded in time. One that still waits after 10 s
# is killed (its wait for operations in flight is killable); return 2.
try_rmmod() {
	rmmod $MOD 2>"$TMP/rmmod.err" &
	rmpid=$!
	if wait_until 10 "gone $rmpid"; then
		wait $rmpid
		return
	fi
	kill -9 $rmpid
	wait $rmpid
	return 2
}

# Unload the module, retrying while it is busy, as "modprobe -r --wait"
# does; at most 200 tries, 50 ms apart, and none once an rmmod got stuck.
unload() {
	n=0
	while lsmod | grep -q "^$MOD "; do
		try_rmmod
		[ $? != 2 ] || return 1
		n=$((n + 1))
		[ $n -lt 200 ] || return 1
		sleep 0.05
	done
}

# Attribute reads and writes -------------------------------------------

# check_value DEV ATTR INPUT EXPECTED
check_value() {
	dev=$1 attr=$2
	if echo "$3" >"$dev/$attr" 2>/dev/null &&
	   [ "$(cat "$dev/$attr")" = "$4" ]; then
		return 0
	fi
	ktap_print_msg "$dev/$attr: wrote '$3', read '$(cat "$dev/$attr" 2>&1)', want '$4'"
	return 1
}

# check_invalid DEV ATTR GOOD BAD: BAD is refused with EINVAL and the
# value written before stays.
check_invalid() {
	dev=$1 attr=$2
	echo "$3" >"$dev/$attr"
	before=$(cat "$dev/$attr")
	err=$(echo "$4" 2>&1 >"$dev/$attr")
	case $err in
	*"Invalid argument"*) ;;
	*) ktap_print_msg "$dev/$attr: '$4' gave '$err'"; return 1 ;;
	esac
	[ "$(cat "$dev/$attr")" = "$before" ]
}

test_values() {
	kind=$1 dev=$2
	ktap_test_result "$kind: int_val reads back 42 and -7" \
		eval 'check_value $dev int_val 42 42 && check_value $dev int_val -7 -7'
	ktap_test_result "$kind: bool_val reads back y as 1 and off as 0" \
		eval 'check_value $dev bool_val y 1 && check_value $dev bool_val off 0'
	ktap_test_result "$kind: str_val reads back a string" \
		check_value "$dev" str_val hello-sysfs hello-sysfs
	ktap_test_result "$kind: mutex_int reads back 5" check_value "$dev" mutex_int 5 5
	ktap_test_result "$kind: rtnl_int reads back 6" check_value "$dev" rtnl_int 6 6
	ktap_test_result "$kind: invalid values get EINVAL and change nothing" \
		eval 'check_invalid $dev int_val 3 abc &&
		      check_invalid $dev bool_val 1 maybe &&
		      check_invalid $dev str_val ok 0123456789abcdef0123456789abcdef &&
		      check_invalid $dev mutex_int 4 4x'
}

# check_bin FILE: 4 bytes written at offset 0 read back, in the 16 bytes.
check_bin() {
	printf 'abcd' >"$1" && [ "$(head -c 4 "$1")" = abcd ] &&
		[ "$(wc -c <"$1")" -eq 16 ]
}

test_attributes() {
	load
	echo 1 >$CTL/misc_device
	echo 1 >$CTL/blk_device
	test_values misc $MISC
	test_values blk $BLK
	ktap_test_result "misc: bin_val reads back what was written" check_bin $MISC/bin_val
	ktap_test_result "blk: bin_val reads back what was written" check_bin $BLK/bin_val
	ktap_test_result "platform device: pdev_int (driver dev_groups) reads back 9" \
		check_value "$PDEV" pdev_int 9 9
	ktap_test_result "class: class_int (class_groups) reads back 8" \
		check_value /sys/class/test_sysfs class_int 8 8
	ktap_test_result "control: remove_lock accepts only none, mutex and rtnl" \
		eval 'lock=rtnl; check_value $CTL remove_lock $lock $lock &&
		      check_invalid $CTL remove_lock none spinlock'
	unload
}

# refused FILE VALUE...: each VALUE written to FILE fails with EINVAL or
# ERANGE and FILE reads back what it held before. "@4k" stands for 4 KiB of
# garbage in one write(2).
refused() {
	file=$1
	shift
	before=$(cat "$file")
	for v in "$@"; do
		if [ "$v" = @4k ]; then
			err=$(dd if="$TMP/garbage" of="$file" bs=4096 count=1 \
			      conv=notrunc 2>&1 >/dev/null)
		else
			err=$(echo "$v" 2>&1 >"$file")
		fi
		case $err in
		*"Invalid argument"* | *"out of range"*) ;;
		*)
			ktap_print_msg "$file: '$v' was not refused: '$err'"
			return 1
			;;
		esac
		if [ "$(cat "$file")" != "$before" ]; then
			ktap_print_msg "$file: '$v' changed it to '$(cat "$file")'"
			return 1
		fi
	done
}

# Every writable attribute that test_sysfs defines gets the values that its
# format rules out. bin_val is raw data: any byte is valid, and sysfs cuts
# writes at its 16 bytes.
test_bad_input() {
	desc="every writable attribute refuses bad input and keeps its value"
	load
	echo 1 >$CTL/misc_device
	echo 1 >$CTL/blk_device
	head -c 4096 /dev/zero | tr '\0' '#' >"$TMP/garbage"
	huge=999999999999999999999999
	long=0123456789abcdef0123456789abcdef
	echo "test_sysfs.sh: bad input $$" >/dev/kmsg
	ok=0
	for f in $MISC/int_val $MISC/mutex_int $MISC/rtnl_int $BLK/int_val \
		 $BLK/mutex_int $BLK/rtnl_int $PDEV/pdev_int \
		 /sys/class/test_sysfs/class_int; do
		refused "$f" abc "" 4x $huge @4k || ok=1
	done
	for f in $MISC/bool_val $BLK/bool_val $CTL/misc_device \
		 $CTL/blk_device $CTL/probe_async; do
		refused "$f" maybe "" -1 $huge @4k || ok=1
	done
	refused $MISC/str_val $long @4k || ok=1
	refused $BLK/str_val $long @4k || ok=1
	refused $CTL/remove_lock spinlock "" -1 @4k || ok=1
	refused $CTL/bulk_attrs abc "" -1 65537 $huge @4k || ok=1
	if dmesg | sed -n "/test_sysfs.sh: bad input $$/,\$p" |
	   grep -E 'WARNING|BUG|Call Trace'; then
		ktap_print_msg "the kernel logged the above"
		ok=1
	fi
	ktap_test_result "$desc" [ $ok = 0 ]
	unload
}

# Registration variants ------------------------------------------------

# test_probe KIND SYSFS_PATH ASYNC
test_probe() {
	load
	echo "$3" >$CTL/probe_async
	mode=sync
	[ "$3" = 1 ] && mode=async
	echo 1 >$CTL/${1}_device
	if [ "$3" = 0 ]; then
		ok=0
		[ -e "$2/int_val" ] || ok=1
	else
		wait_until 10 "[ -e $2/int_val ]"
		ok=$?
	fi
	driver=$(basename "$(readlink "$2/device/driver")")
	[ "$driver" = "test_sysfs_$mode" ] || ok=1
	ktap_test_result "$1: $mode probe registers the device and its attributes" [ $ok = 0 ]
	echo 0 >$CTL/${1}_device
	ktap_test_result "$1: removal through the control device removes it" [ ! -e "$2" ]
	unload
}

# Removal races -------------------------------------------------------

# An attribute store is parked with its active reference; removing the
# device must wait for it, and the store must complete.
test_inflight_removal() {
	desc="misc: removal waits for a store in flight, which completes"
	load
	echo 1 >$CTL/misc_device
	fi_setup int_val wait_write_active
	start_marked "echo 11 >$MISC/int_val"
	if ! wait_until 10 '[ "$(cat $FI/waiting)" = 1 ]'; then
		fi_reset
		reap $PID
		ktap_test_fail "$desc (store never parked)"
		unload
		return
	fi
	echo 0 >$CTL/misc_device &
	RPID=$!
	wait_until 10 "in_stack $RPID kernfs_drain"
	draining=$?
	echo 1 >"$FI/release"
	wait_until 10 "gone $RPID"
	removed=$?
	reap $PID
	fi_reset
	if [ $draining = 0 ] && [ $removed = 0 ] && [ "$RC" = 0 ] && [ ! -e $MISC ]; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc (draining $draining, removed $removed, store rc $RC)"
	fi
	unload
}

# A file opened before removal fails with ENODEV after it.
test_open_fd() {
	load
	echo 1 >$CTL/misc_device
	exec 3<>$MISC/int_val
	echo 0 >$CTL/misc_device
	werr=$(echo 1 2>&1 >&3)
	rerr=$(cat <&3 2>&1)
	exec 3>&-
	case "$werr|$rerr" in
	*"No such device"*"|"*"No such device"*) ok=0 ;;
	*) ok=1; ktap_print_msg "write: '$werr', read: '$rerr'" ;;
	esac
	ktap_test_result "misc: an fd opened before removal gets ENODEV after it" [ $ok = 0 ]
	unload
}

# del_gendisk() while an attribute read or write is about to take its
# active reference: the operation must fail with ENODEV, and touch no
# freed memory (KASAN, on a debug kernel, watches that).
test_blk_removal() {
	op=$1 point=$2
	desc="blk: del_gendisk before a $op takes its active reference, $op gets ENODEV"
	load
	echo 1 >$CTL/blk_device
	fi_setup int_val "$point"
	if [ "$op" = read ]; then
		start_marked "exec cat $BLK/int_val"
	else
		start_marked "echo 12 >$BLK/int_val"
	fi
	if wait_until 10 '[ "$(cat $FI/waiting)" = 1 ]'; then
		echo 0 >$CTL/blk_device
		removed=$?
		echo 1 >"$FI/release"
		reap $PID
		fi_reset
		if [ $removed = 0 ] && [ "$RC" != 0 ] && grep -q "No such device" "$TMP/out"; then
			ktap_test_pass "$desc"
		else
			ktap_test_fail "$desc (rc $RC: $(cat "$TMP/out"))"
		fi
	else
		fi_reset
		reap $PID
		ktap_test_fail "$desc (never parked)"
	fi
	unload
}

# rmmod and operations in flight -----------------------------------------

# park_store FILE: park a store on FILE inside kernfs, after it has taken
# its active reference and entered the module; $PID is the store.
park_store() {
	fi_setup "$(basename "$1")" wait_write_active
	start_marked "echo 1 >$1"
	wait_until 10 '[ "$(cat $FI/waiting)" = 1 ]'
}

# waiting_rmmod: start rmmod in the background ($RPID) and check that it
# waits in delete_module() rather than failing or finishing at once.
waiting_rmmod() {
	rmmod $MOD 2>"$TMP/rmmod.err" &
	RPID=$!
	wait_until 10 "gone $RPID || in_stack $RPID delete_module" || return 1
	sleep 0.2
	! gone $RPID
}

# test_pin NAME FILE: rmmod waits for a store parked on FILE; meanwhile
# a new read of FILE fails with ENODEV; once the store is released, both
# the store and rmmod succeed.
test_pin() {
	desc=$1
	load
	echo 1 >$CTL/misc_device
	echo 1 >$CTL/blk_device
	if ! park_store "$2"; then
		fi_reset
		reap $PID
		ktap_test_fail "$desc (store never parked)"
		unload
		return
	fi
	why=
	if ! waiting_rmmod; then
		why="rmmod did not wait: $(cat "$TMP/rmmod.err")"
	elif ! cat "$2" 2>&1 >/dev/null | grep -q "No such device"; then
		why="a read during rmmod did not fail with ENODEV"
	fi
	echo 1 >"$FI/release"
	reap $PID
	src=$RC
	fi_reset
	wait_until 10 "gone $RPID" || why="${why:-rmmod still waits after the store}"
	reap $RPID
	if [ -z "$why" ] && { [ "$src" != 0 ] || [ "$RC" != 0 ]; }; then
		why="store rc $src, rmmod rc $RC $(cat "$TMP/rmmod.err")"
	fi
	if [ -z "$why" ] && lsmod | grep -q "^$MOD "; then
		why="module still loaded"
	fi
	if [ -z "$why" ]; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc ($why)"
	fi
	unload
}

# test_pin_kill NAME: an rmmod killed while it waits for a store in flight
# leaves the module live and working, and the next rmmod unloads it.
test_pin_kill() {
	desc=$1
	load
	echo 1 >$CTL/misc_device
	if ! park_store $MISC/int_val; then
		fi_reset
		reap $PID
		ktap_test_fail "$desc (store never parked)"
		unload
		return
	fi
	why=
	if waiting_rmmod; then
		kill -9 $RPID
		wait_until 10 "gone $RPID" || why="killed rmmod still waits"
		reap $RPID
	else
		why="rmmod did not wait: $(cat "$TMP/rmmod.err")"
	fi
	state=$(cat /sys/module/$MOD/initstate 2>/dev/null)
	refcnt=$(cat /sys/module/$MOD/refcnt 2>/dev/null)
	if [ -z "$why" ] && { [ "$state" != live ] || [ "$refcnt" != 0 ]; }; then
		why="module $state, refcnt $refcnt after the kill"
	fi
	if [ -z "$why" ] && ! check_value $MISC int_val 5 5; then
		why="attribute does not work after the kill"
	fi
	echo 1 >"$FI/release"
	reap $PID
	fi_reset
	[ -n "$why" ] || [ "$RC" = 0 ] || why="store rc $RC"
	if [ -z "$why" ] && ! try_rmmod; then
		why="next rmmod failed: $(cat "$TMP/rmmod.err")"
	fi
	if [ -z "$why" ]; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc ($why)"
	fi
	unload
}

# Deadlocks -----------------------------------------------------------

# report_deadlock NAME: both tasks are stuck; print their stacks, report,
# then break the deadlock by killing the store.
report_deadlock() {
	ktap_print_msg "store (pid $PID) is stuck in:"
	sed 's/^/#   /' "/proc/$PID/stack"
	ktap_print_msg "removal (pid $RPID) is stuck in:"
	sed 's/^/#   /' "/proc/$RPID/stack"
	if [ -n "$KNOWN" ]; then
		ktap_test_xfail "$1" "deadlock: $KNOWN"
	else
		ktap_test_deadlock "$1"
	fi
	kill -9 $PID
	wait_until 10 "gone $RPID" ||
		ktap_exit_fail_msg "removal still stuck after the kill; reboot first"
	reap $PID
	reap $RPID
}

# settle NAME: wait, bounded, for the store and the removal to finish. If
# they do not, they are stuck in some other way than the lock deadlock:
# report that with their stacks, break it, and return 1.
settle() {
	wait_until 10 "gone $RPID && gone $PID" && return 0
	ktap_print_msg "store (pid $PID) is stuck in:"
	sed 's/^/#   /' "/proc/$PID/stack" 2>/dev/null
	ktap_print_msg "removal (pid $RPID) is stuck in:"
	sed 's/^/#   /' "/proc/$RPID/stack" 2>/dev/null
	ktap_test_fail "$1 (stuck)"
	kill -9 $PID 2>/dev/null
	wait_until 10 "gone $RPID" ||
		ktap_exit_fail_msg "removal still stuck after the kill; reboot first"
	reap $PID
	reap $RPID
	return 1
}

# now_cs: set NOW to the uptime in hundredths of a second.
now_cs() {
	read -r up _ </proc/uptime
	NOW=${up%.*}${up#*.}
}

# deadlock_found: within 10 s, the store waits in its handler, where it
# only waits for the lock, the removal waits in kernfs_drain(), and both
# stay there for 1 s. The bounds are in time, not in polls: a poll takes
# half a second on a slow debug kernel, and the removal must be released
# well before a hung task detector with a 10 s timeout reports it.
deadlock_found() {
	now_cs
	t0=$NOW
	since=
	while [ $((NOW - t0)) -lt 1000 ]; do
		gone $RPID && return 1
		if in_stack $PID "$LOCKFN" && in_stack $RPID kernfs_drain; then
			now_cs
			[ -n "$since" ] || since=$NOW
			if [ $((NOW - since)) -ge 100 ]; then
				ktap_print_msg "$(printf 'deadlock detected in %d.%02d s' \
					$(((NOW - t0) / 100)) $(((NOW - t0) % 100)))"
				return 0
			fi
		else
			since=
		fi
		sleep 0.05
		now_cs
	done
	return 1
}

# remover TRIGGER: start the removal of the test device in the background.
remover() {
	case $1 in
	rmmod) rmmod $MOD 2>"$TMP/rmmod.err" & ;;
	unbind) echo "$DEVNAME" >"/sys/bus/platform/drivers/test_sysfs_sync/unbind" & ;;
	control) echo 0 >"$CTL/${KIND}_device" & ;;
	esac
	RPID=$!
}

# test_deadlock NAME KIND LOCK TRIGGER: the store is in flight first
# (parked after taking its active reference), then the removal starts
# under the lock, then the store goes on and takes the lock.
test_deadlock() {
	name=$1 KIND=$2 lock=$3 trigger=$4
	attr=${lock}_int
	LOCKFN=${attr}_store
	[ "$KIND" = misc ] && dev=$MISC || dev=$BLK
	[ "$KIND" = misc ] && DEVNAME=test_sysfs_sync.0 || DEVNAME=test_sysfs_sync.1
	load "$lock"
	echo 1 >"$CTL/${KIND}_device"
	fi_setup "$attr" wait_write_active
	start_marked "echo 1 >$dev/$attr"
	if ! wait_until 10 '[ "$(cat $FI/waiting)" = 1 ]'; then
		fi_reset
		reap $PID
		ktap_test_fail "$name (store never parked)"
		unload
		return
	fi
	remover "$trigger"
	# rmmod waits in delete_module() for the store, or (without the fix)
	# goes as far as it can: into kernfs_drain(), holding the lock.
	wait_until 10 "gone $RPID || in_stack $RPID kernfs_drain || in_stack $RPID delete_module"
	echo 1 >"$FI/release"
	if deadlock_found; then
		fi_reset
		report_deadlock "$name"
	else
		fi_reset
		if settle "$name"; then
			reap $PID
			src=$RC
			reap $RPID
			err=$(cat "$TMP/rmmod.err" 2>/dev/null)
			ktap_print_msg "store rc $src, removal rc $RC $err"
			# The store ran; rmmod, if it was the trigger, waited
			# for it and then unloaded the module.
			ok=0
			[ "$src" = 0 ] || ok=1
			if [ "$trigger" = rmmod ]; then
				[ "$RC" = 0 ] || ok=1
				! lsmod | grep -q "^$MOD " || ok=1
			fi
			if [ -n "$KNOWN" ] && [ $ok = 0 ]; then
				ktap_test_xpass "$name" "no deadlock: $KNOWN"
			else
				ktap_test_result "$name" [ $ok = 0 ]
			fi
		fi
	fi
	unload
}

# rmmod first: module exit holds the lock (paused before removing the
# device), then a store arrives and takes its active reference, then the
# removal goes on.
test_deadlock_rmmod_first() {
	name=$1
	LOCKFN=mutex_int_store
	load mutex
	echo 1 >$CTL/misc_device
	echo Y >$DBG/remove_pause
	rmmod $MOD 2>"$TMP/rmmod.err" &
	RPID=$!
	if ! wait_until 10 '[ "$(cat $DBG/remove_paused)" = 1 ]'; then
		echo N >$DBG/remove_pause
		reap $RPID
		ktap_test_fail "$name (rmmod never reached remove())"
		unload
		return
	fi
	sh -c "echo 1 >$MISC/mutex_int" >"$TMP/out" 2>&1 &
	PID=$!
	# The store either fails at once, or waits for the mutex.
	wait_until 10 "gone $PID || in_stack $PID $LOCKFN"
	echo N >$DBG/remove_pause
	if deadlock_found; then
		report_deadlock "$name"
	elif settle "$name"; then
		reap $PID
		src=$RC
		reap $RPID
		ktap_print_msg "store rc $src ($(cat "$TMP/out")), rmmod rc $RC"
		# The store never entered the module; rmmod completed.
		ok=0
		grep -q "No such device" "$TMP/out" || ok=1
		[ "$RC" = 0 ] || ok=1
		ktap_test_result "$name" [ $ok = 0 ]
	fi
	unload
}

trap 'fi_reset; unload; rm -rf "$TMP"' EXIT

# Which cases can run. WAITS: those that need delete_module() to wait for
# the operations in flight; KNOWN_CASES: the unbind and control deadlocks.
case ${TEST_SYSFS_DEADLOCK:-} in
1)
	WAITS=1 KNOWN_CASES=1
	;;
0)
	WAITS=0 KNOWN_CASES=0
	WHY="TEST_SYSFS_DEADLOCK=0"
	;;
*)
	KNOWN_CASES=0
	"$DIR/rmmod_waits.sh"
	case $? in
	0) WAITS=1 ;;
	1) WAITS=0 WHY="rmmod does not wait for operations in flight here" ;;
	*) WAITS=0 WHY="cannot tell whether rmmod waits for operations in flight" ;;
	esac
	;;
esac

# only_if FLAG REASON NAME FUNCTION ARGS...: run FUNCTION NAME ARGS... if
# FLAG is 1, else report NAME as skipped for REASON.
only_if() {
	if [ "$1" != 1 ]; then
		ktap_test_skip "$3 ($2)"
		return
	fi
	why=$2 name=$3 fn=$4
	shift 4
	$fn "$name" "$@"
}

ktap_set_plan 42

test_attributes
test_bad_input
test_probe misc $MISC 0
test_probe misc $MISC 1
test_probe blk $BLK 0
test_probe blk $BLK 1
test_inflight_removal
test_open_fd
test_blk_removal read wait_read_before_active
test_blk_removal write wait_write_before_active

W=$WAITS
only_if $W "$WHY" "rmmod waits for a store in flight on misc device groups" \
	test_pin $MISC/int_val
only_if $W "$WHY" "rmmod waits for a store in flight on gendisk groups" \
	test_pin $BLK/int_val
only_if $W "$WHY" "rmmod waits for a store in flight on driver dev_groups" \
	test_pin $PDEV/pdev_int
only_if $W "$WHY" "rmmod waits for a store in flight on class groups" \
	test_pin /sys/class/test_sysfs/class_int
only_if $W "$WHY" "rmmod waits for a store in flight on bin attributes" \
	test_pin $MISC/bin_val
only_if $W "$WHY" "a killed rmmod leaves the module live; the next rmmod unloads it" \
	test_pin_kill

only_if $W "$WHY" "misc: module exit under the mutex removes the device during a store" \
	test_deadlock misc mutex rmmod
only_if $W "$WHY" "blk: module exit under the mutex removes the disk during a store" \
	test_deadlock blk mutex rmmod
only_if $W "$WHY" "misc: module exit under rtnl removes the device during a store" \
	test_deadlock misc rtnl rmmod
only_if $W "$WHY" "misc: rmmod holds the mutex first, a store arrives, then removal" \
	test_deadlock_rmmod_first
# The known deadlocks go last: on a lockdep kernel they end in a lockdep
# report, after which lockdep checks nothing else in this boot.
[ "$TEST_SYSFS_DEADLOCK" = 0 ] ||
	WHY="deadlocks until killed, by design; TEST_SYSFS_DEADLOCK=1 runs it"
K=$KNOWN_CASES
KNOWN="driver unbind does not unload the module, rmmod's wait cannot help"
only_if $K "$WHY" "misc: driver unbind under the mutex removes the device during a store" \
	test_deadlock misc mutex unbind
KNOWN="removal without module unload, rmmod's wait cannot help"
only_if $K "$WHY" "misc: a control store under the mutex removes the device during a store" \
	test_deadlock misc mutex control
KNOWN=

ktap_finished

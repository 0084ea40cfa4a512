#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Test the kernfs wait points of CONFIG_FAIL_KERNFS: every point parks a
# task and lets it go on release, the name and task filters keep other
# operations out, a forgotten wait ends by timeout with a ratelimited log
# line, and every knob refuses bad input without changing its value.
# The pure input checks are also covered by the fail_kernfs KUnit suite
# (CONFIG_FAIL_KERNFS_KUNIT_TEST); this test covers what needs tasks.
#
# The node used is the built-in, writable sysfs attribute
# /sys/module/printk/parameters/time; the test writes back its own value.

DIR=$(dirname "$0")
. "$DIR/../kselftest/ktap_helpers.sh"

FI=/sys/kernel/debug/fail_kernfs
NODE=/sys/module/printk/parameters/time
PID=
RC=

ktap_print_header

if [ ! -d "$FI" ]; then
	ktap_skip_all "no $FI: needs CONFIG_FAIL_KERNFS and debugfs"
	exit "$KSFT_SKIP"
fi
if [ ! -w "$NODE" ]; then
	ktap_skip_all "no writable $NODE"
	exit "$KSFT_SKIP"
fi
VALUE=$(cat "$NODE")
TMP=$(mktemp -d)

# Bounded wait: poll "cmd" at most $1 * 20 times, 50 ms apart.
wait_until() {
	tries=$(($1 * 20))
	shift
	while ! eval "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

fi_reset() {
	for p in "$FI"/wait_*; do
		echo N >"$p"
	done
	echo 1 >"$FI/release"
	echo >"$FI/name"
	echo 10000 >"$FI/timeout_ms"
}

cleanup() {
	fi_reset
	echo 0 >"$FI/probability"
	rm -rf "$TMP"
}
trap cleanup EXIT

# Start the operation $1 (open, read or write) on $NODE in a task marked
# with make-it-fail, so that the task filter lets it (and only it) wait.
# The task execs the operation, so $PID is the task that gets parked.
start_op() {
	case $1 in
	open) op="exec 3<$NODE" ;;
	read) op="exec cat $NODE" ;;
	write) op="echo $VALUE >$NODE" ;;
	esac
	sh -c "echo 1 >/proc/self/make-it-fail; $op" >"$TMP/out" 2>&1 &
	PID=$!
}

task_state() {
	sed 's/.*) \(.\).*/\1/' "/proc/$PID/stat" 2>/dev/null
}

op_done() {
	case $(task_state) in
	"" | Z) return 0 ;;
	esac
	return 1
}

# Reap the operation; release it first so that this never blocks. Sets RC.
finish_op() {
	echo 1 >"$FI/release"
	wait "$PID"
	RC=$?
}

# A wait point parks the task and lets it go on release: promptly, and
# not by the timeout (timeout_ms is 10 s here).
test_point() {
	point=$1 op=$2
	desc="$point parks $op and release lets it go on"
	timeouts=$(cat "$FI/timeouts")

	echo "$(basename $NODE)" >"$FI/name"
	echo 1 >"$FI/times"
	echo Y >"$FI/$point"
	start_op "$op"
	if ! wait_until 10 '[ "$(cat $FI/waiting)" = 1 ]'; then
		finish_op
		ktap_test_fail "$desc (never counted in waiting)"
		fi_reset
		return
	fi
	# Parked for real: still there a while later, in uninterruptible sleep.
	sleep 0.3
	state=$(task_state)
	if [ "$state" != D ]; then
		finish_op
		ktap_test_fail "$desc (not parked: state '$state')"
	else
		echo 1 >"$FI/release"
		if wait_until 5 op_done && finish_op && [ "$RC" = 0 ] &&
		   [ "$(cat $FI/waiting)" = 0 ] &&
		   [ "$(cat $FI/timeouts)" = "$timeouts" ]; then
			ktap_test_pass "$desc"
		else
			finish_op
			ktap_test_fail "$desc (not released: rc '$RC')"
		fi
	fi
	fi_reset
}

# An operation that does not pass the filter must not wait.
test_filtered() {
	desc=$1 name=$2 marked=$3
	echo "$name" >"$FI/name"
	echo -1 >"$FI/times"
	echo Y >"$FI/wait_read_active"
	if [ "$marked" = yes ]; then
		start_op read
	else
		cat "$NODE" >"$TMP/out" &
		PID=$!
	fi
	# Unfiltered, it would stay parked for timeout_ms (10 s).
	if wait_until 3 op_done && finish_op && [ "$RC" = 0 ]; then
		ktap_test_pass "$desc"
	else
		finish_op
		ktap_test_fail "$desc"
	fi
	fi_reset
}

# log_mark: write a unique marker to the kernel log; log_since prints
# what the kernel logged after the last marker. The log is never cleared.
log_mark() {
	MARK="fail_kernfs.sh: mark $$.$(date +%s).$MARKS"
	MARKS=$((MARKS + 1))
	echo "$MARK" >/dev/kmsg
}
MARKS=0

log_since() {
	dmesg | sed -n "\|$MARK|,\$p" | sed 1d
}

# Park one write and release it as soon as "waiting" counts it, $1 times.
# Each release must reach the task at once, never by the timeout: a task
# counted in "waiting" has read the release sequence that the next release
# changes.
test_release_rounds() {
	desc="release right after waiting counts the task is never lost ($1 rounds)"
	before=$(cat "$FI/timeouts")
	echo "$(basename $NODE)" >"$FI/name"
	echo 2000 >"$FI/timeout_ms"
	echo Y >"$FI/wait_write_active"
	i=0 ok=0
	while [ $i -lt "$1" ]; do
		echo 1 >"$FI/times"
		start_op write
		if ! wait_until 10 '[ "$(cat $FI/waiting)" = 1 ]'; then
			ok=1
			ktap_print_msg "round $i: never counted in waiting"
			finish_op
			break
		fi
		echo 1 >"$FI/release"
		wait "$PID"
		i=$((i + 1))
	done
	after=$(cat "$FI/timeouts")
	[ "$after" = "$before" ] || ktap_print_msg "$((after - before)) releases lost"
	ktap_test_result "$desc" eval '[ $ok = 0 ] && [ "$after" = "$before" ]'
	fi_reset
}

# refused FILE VALUE...: each VALUE written to FILE fails with EINVAL or
# ERANGE, and FILE reads back what it held before. "@4k" stands for 4 KiB
# of garbage in one write(2), "@off" for a valid value written at offset 1.
# With QUIET=1, only the value is checked: the debugfs bool files of the
# fault_attr (task-filter) ignore bad input without an error.
refused() {
	file=$1
	shift
	before=$(cat "$file")
	for v in "$@"; do
		case $v in
		@4k) err=$(dd if="$TMP/garbage" of="$file" bs=4096 count=1 \
			   conv=notrunc 2>&1 >/dev/null) ;;
		@off) err=$(printf 'x' | dd of="$file" bs=1 seek=1 conv=notrunc \
			    2>&1 >/dev/null) ;;
		*) err=$(echo "$v" 2>&1 >"$file") ;;
		esac
		case ${QUIET:-}$err in
		1* | *"Invalid argument"* | *"out of range"*) ;;
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

# Every writable file under $FI gets the bad values that its format
# rules out; an unknown writable file fails, so that a new one gets a rule.
test_bad_input() {
	desc="every knob refuses bad input with EINVAL or ERANGE and keeps its value"
	head -c 4096 /dev/zero | tr '\0' '#' >"$TMP/garbage"
	huge=999999999999999999999999
	long=$(head -c 300 /dev/zero | tr '\0' n)
	log_mark
	ok=0
	for f in "$FI"/*; do
		case $(stat -c %a "$f") in
		6?? | 2??) ;;
		*) continue ;;
		esac
		case ${f##*/} in
		release) continue ;;	# any write releases, by definition
		wait_*)
			refused "$f" maybe "" -1 $huge @4k ;;
		task-filter)
			QUIET=1
			refused "$f" maybe "" -1 $huge @4k
			r=$?
			QUIET=
			[ $r = 0 ] ;;
		name)
			refused "$f" " " "   " " time" "time " "a/b" \
				"$(printf 'ti\nme')" "$long" @4k @off ;;
		timeout_ms)
			refused "$f" abc "" -1 0 300001 $huge 10x @4k ;;
		times | space)
			refused "$f" abc "" $huge @4k ;;
		probability | interval | verbose | verbose_ratelimit_* | \
		stacktrace-depth | require-* | reject-*)
			refused "$f" abc "" -1 $huge @4k ;;
		*)
			ktap_print_msg "no bad-input rule for $f"
			false ;;
		esac || ok=1
	done
	if log_since | grep -E 'WARNING|BUG|Call Trace|fail_kernfs'; then
		ktap_print_msg "the kernel logged the above"
		ok=1
	fi
	ktap_test_result "$desc" [ $ok = 0 ]
}

ktap_set_plan 12

echo 100 >"$FI/probability"
echo -1 >"$FI/times"
echo 0 >"$FI/verbose"
echo 1 >"$FI/interval"
echo Y >"$FI/task-filter"
fi_reset

test_point wait_open open
test_point wait_read_before_active read
test_point wait_read_active read
test_point wait_write_before_active write
test_point wait_write_active write

test_filtered "name filter skips other nodes" not-this-node yes
test_filtered "task filter skips unmarked tasks" "" no

# Timeout: nobody releases; the task goes on after timeout_ms and it is
# counted and logged.
before=$(cat "$FI/timeouts")
echo 500 >"$FI/timeout_ms"
echo "$(basename $NODE)" >"$FI/name"
echo 1 >"$FI/times"
echo Y >"$FI/wait_write_active"
log_mark
start_op write
if wait_until 10 op_done && wait "$PID" && [ "$(cat $FI/timeouts)" = $((before + 1)) ]; then
	ktap_test_pass "timeout ends the wait and is counted"
else
	finish_op
	ktap_test_fail "timeout ends the wait and is counted"
fi
msg="not released from wait_write_active on \"time\" within 500 ms"
if log_since | grep -q "fail_kernfs: .* $msg"; then
	ktap_test_pass "timeout is logged"
else
	ktap_test_fail "timeout is logged"
fi
fi_reset

# Many timeouts in a row: every one is counted, the log is ratelimited.
before=$(cat "$FI/timeouts")
echo 1 >"$FI/timeout_ms"
echo "$(basename $NODE)" >"$FI/name"
echo -1 >"$FI/times"
echo Y >"$FI/wait_read_active"
log_mark
sh -c 'echo 1 >/proc/self/make-it-fail
       i=0; while [ $i -lt 30 ]; do cat '"$NODE"' >/dev/null; i=$((i + 1)); done'
count=$(($(cat "$FI/timeouts") - before))
lines=$(log_since | grep -c "fail_kernfs: .* not released from")
ktap_print_msg "$count timeouts, $lines log lines"
ktap_test_result "timeouts are all counted, and logged ratelimited" \
	eval '[ "$count" -ge 30 ] && [ "$lines" -ge 1 ] && [ "$lines" -le 10 ]'
fi_reset

test_release_rounds 20
test_bad_input

ktap_finished

# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the guest stress tests (zram_stress, test_sysfs_stress,
# zram_hotplug). Sourced, not run: the file is not executable, so the
# guest's /init never runs it as a test. POSIX sh for busybox ash.
#
# A stress scenario is a set of loops, each a background subshell whose
# output goes to a file (never to the test's stdout: a task stuck in D state
# must not keep the pipe to /init open). The test's main process is the
# watchdog: every second it checks that each loop's heartbeat changed. A
# loop that makes no progress for STRESS_STALL_S seconds (default 20) is a
# stall: the stacks of the loops' tasks and of every D-state task are
# printed, "echo w > /proc/sysrq-trigger" dumps the blocked tasks to the
# console, the scenario is reported "not ok" and the test ends asking the
# host for a fresh boot.
#
# Loops are "primary" (they run STRESS_ITERS iterations, or until the
# scenario's time bound STRESS_SECONDS) or "secondary" (they run until the
# primaries are done). Every loop ends by writing one summary line, with
# its iteration count and rate, and its counters.
#
# Environment (kernel command line harness.env.NAME=VAL):
#   STRESS_ITERS    iterations of each primary loop per scenario (default 50)
#   STRESS_SECONDS  time bound per scenario in seconds, 0 = none (default 0)
#   STRESS_STALL_S  no-progress limit of the watchdog (default 20)
#   STRESS_SCENARIOS  zram_stress and test_sysfs_stress: the scenarios to
#                   run, comma-separated (stable, reload; default both);
#                   the others are reported as skipped
#   STRESS_PLANT    self-test of the checks, never set in normal runs:
#                   "bug" writes a "BUG:" line to the kernel log after the
#                   start marker (the log check must fail); "stall:LOOP"
#                   makes loop LOOP block in the kernel, in the open of a
#                   FIFO nobody writes (the watchdog must fire). Tests may
#                   know more values (test_sysfs_stress: "remove_pause").

ST_ITERS=${STRESS_ITERS:-50}
ST_SECONDS=${STRESS_SECONDS:-0}
ST_STALL_S=${STRESS_STALL_S:-20}
ST_N=0 ST_PASS=0 ST_FAIL=0 ST_SKIP=0 ST_XFAIL=0
ST_STALLED=
# Kernel log lines that fail a test: the shared list (guest/splat-patterns),
# as an extended regular expression.
ST_BAD_LOG=$(grep -v '^#' /lib/splat-patterns | grep . | paste -sd'|')

# KTAP ------------------------------------------------------------------

st_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

st_msg() {
	echo "# $*"
}

st_ok() {
	ST_N=$((ST_N + 1)) ST_PASS=$((ST_PASS + 1))
	echo "ok $ST_N $*"
}

st_notok() {
	ST_N=$((ST_N + 1)) ST_FAIL=$((ST_FAIL + 1))
	echo "not ok $ST_N $*"
}

st_skip() {
	ST_N=$((ST_N + 1)) ST_SKIP=$((ST_SKIP + 1))
	echo "ok $ST_N $1 # SKIP $2"
}

# st_xfail DESC REASON: a known failure, counted apart (never as a pass).
st_xfail() {
	ST_N=$((ST_N + 1)) ST_XFAIL=$((ST_XFAIL + 1))
	echo "ok $ST_N $1 # XFAIL $2"
}

# st_result OK DESC: ok if OK is 0.
st_result() {
	if [ "$1" -eq 0 ]; then
		st_ok "$2"
	else
		st_notok "$2"
	fi
}

st_totals() {
	echo "# Totals: pass:$ST_PASS fail:$ST_FAIL xfail:$ST_XFAIL xpass:0 skip:$ST_SKIP error:0"
}

# Time ------------------------------------------------------------------

# st_now: NOW (seconds) and NOW_CS (centiseconds) since boot, no fork.
st_now() {
	read -r _st_up _st_idle </proc/uptime
	NOW=${_st_up%.*}
	NOW_CS=$NOW${_st_up#*.}
}

# st_rate N CS: "N / (CS / 100)" with two decimals, in RATE.
st_rate() {
	if [ "$2" -gt 0 ]; then
		_st_r=$(($1 * 10000 / $2))
	else
		_st_r=0
	fi
	RATE=$((_st_r / 100)).$(printf %02d $((_st_r % 100)))
}

# st_secs CS: CS centiseconds as seconds with two decimals, in SECS.
st_secs() {
	SECS=$(($1 / 100)).$(printf %02d $(($1 % 100)))
}

# Setup -----------------------------------------------------------------

# st_init NAME: work directory W=/tmp/stress-NAME, and a collector that
# copies the kernel log (/dev/kmsg) into $W/kmsg from the start of the
# test: the ring buffer may wrap during a long run, the copy does not.
st_init() {
	ST_NAME=$1
	W=/tmp/stress-$1
	rm -rf "$W"
	mkdir -p "$W"
	(
		# cat ends with EPIPE if it falls behind the ring buffer;
		# start over then (from the oldest record still there: some
		# records are repeated, those overwritten are lost).
		while [ ! -e "$W/kmsg.stop" ]; do
			cat /dev/kmsg
			sleep 1
		done
	) >>"$W/kmsg" 2>/dev/null </dev/null &
	ST_KMSG_PID=$!
	st_now
	# The log records after this sequence number belong to the test.
	st_mark "stress-lib: start $1 $$ $NOW_CS"
	ST_SEQ=$MARK_SEQ
	if [ -z "$ST_SEQ" ]; then
		st_msg "kernel log collector did not see the start marker; checking the whole log"
		ST_SEQ=0
	fi
	if [ "${STRESS_PLANT:-}" = bug ]; then
		echo "BUG: planted by STRESS_PLANT=bug (stress-lib self-test)" >/dev/kmsg
	fi
	if [ -w /sys/kernel/debug/kmemleak ]; then
		# Forget what leaked before the test.
		st_bounded 300 sh -c 'echo scan >/sys/kernel/debug/kmemleak; echo clear >/sys/kernel/debug/kmemleak'
	fi
}

# st_mark TEXT: write TEXT to the kernel log and set MARK_SEQ to the
# sequence number of its record, once the collector of st_init has it
# (empty if it does not within 10 s).
st_mark() {
	echo "$1" >/dev/kmsg
	MARK_SEQ=
	_st_t=0
	while [ -z "$MARK_SEQ" ] && [ $_st_t -lt 100 ]; do
		MARK_SEQ=$(grep -F "$1" "$W/kmsg" 2>/dev/null | tail -n 1 | cut -d, -f2)
		[ -n "$MARK_SEQ" ] || sleep 0.1
		_st_t=$((_st_t + 1))
	done
}

st_fini() {
	: >"$W/kmsg.stop"
	# The collector's cat is a child of the subshell; end both.
	for _st_p in $(st_children "$ST_KMSG_PID") "$ST_KMSG_PID"; do
		kill "$_st_p" 2>/dev/null
	done
}

# Processes -------------------------------------------------------------

# st_alive PID: PID exists and is not a zombie.
st_alive() {
	[ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# st_children PID: the descendants of PID, one per line.
st_children() {
	_st_root=$1
	for _st_s in /proc/[0-9]*/stat; do
		{ read -r _st_l <"$_st_s"; } 2>/dev/null || continue
		_st_pid=${_st_l%% *}
		_st_rest=${_st_l##*) }
		set -- $_st_rest
		echo "$_st_pid $2"
	done 2>/dev/null | awk -v root="$_st_root" '
		{ parent[$1] = $2; pids[NR] = $1 }
		END {
			want[root] = 1
			do {
				more = 0
				for (i = 1; i in pids; i++) {
					p = pids[i]
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; more = 1 }
				}
			} while (more)
			for (p in want) if (p != root) print p
		}'
}

# st_task_report PID: one line for the task, then its kernel stack.
st_task_report() {
	_st_stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	_st_comm=${_st_stat#*(}
	_st_comm=${_st_comm%)*}
	_st_rest=${_st_stat##*) }
	_st_wchan=$(cat "/proc/$1/wchan" 2>/dev/null)
	_st_cmd=$(tr "\\0" " " <"/proc/$1/cmdline" 2>/dev/null | head -c 160)
	echo "# task $1 ($_st_comm) state ${_st_rest%% *} wchan ${_st_wchan:-?}: ${_st_cmd}"
	sed 's/^/#     /' "/proc/$1/stack" 2>/dev/null
}

# st_dstate: the pids of all tasks in D state.
st_dstate() {
	for _st_s in /proc/[0-9]*/stat; do
		{ read -r _st_l <"$_st_s"; } 2>/dev/null || continue
		_st_rest=${_st_l##*) }
		[ "${_st_rest%% *}" = D ] && echo "${_st_l%% *}"
	done 2>/dev/null
}

# st_bounded SECS CMD...: run CMD, wait for it at most SECS seconds. On
# timeout report the stack of the stuck task, set ST_STALLED, return 124.
st_bounded() {
	_st_lim=$1
	shift
	"$@" >"$W/bounded.out" 2>&1 </dev/null &
	_st_bp=$!
	_st_t=0
	while st_alive "$_st_bp"; do
		if [ $_st_t -ge $((_st_lim * 10)) ]; then
			st_msg "stall: '$*' did not finish within $_st_lim s"
			st_task_report "$_st_bp"
			for _st_c in $(st_children "$_st_bp"); do
				st_task_report "$_st_c"
			done
			echo w >/proc/sysrq-trigger
			ST_STALLED="$*"
			return 124
		fi
		sleep 0.1
		_st_t=$((_st_t + 1))
	done
	wait "$_st_bp"
}

# Loops -----------------------------------------------------------------

# st_want NAME DESC: 0 if scenario NAME is selected by STRESS_SCENARIOS;
# otherwise report the case DESC as skipped and return 1.
st_want() {
	case ,${STRESS_SCENARIOS:-$1}, in
	*,"$1",*) return 0 ;;
	esac
	st_skip "$2" "not selected (STRESS_SCENARIOS=$STRESS_SCENARIOS)"
	return 1
}

# st_scenario NAME: start a scenario; the loops spawned next belong to it.
st_scenario() {
	ST_SCEN=$1
	ST_PRIMARY= ST_SECONDARY= ST_STALLED=
	rm -f "$W/stop"
}

# st_spawn NAME primary|secondary FUNC ARGS...: run FUNC ARGS... as loop
# NAME in the background.
st_spawn() {
	_st_name=$1 _st_kind=$2
	shift 2
	rm -f "$W/$_st_name.beat" "$W/$_st_name.done" "$W/$_st_name.res" "$W/$_st_name.iter"
	(
		LOOP=$_st_name
		"$@"
	) >"$W/$_st_name.log" 2>&1 </dev/null &
	eval "ST_PID_$_st_name=$!"
	if [ "$_st_kind" = primary ]; then
		ST_PRIMARY="$ST_PRIMARY $_st_name"
	else
		ST_SECONDARY="$ST_SECONDARY $_st_name"
	fi
}

# In a loop: heartbeat, with the step the loop is at.
st_beat() {
	_st_beats=$((_st_beats + 1))
	echo "$_st_beats $*" >"$W/$LOOP.beat"
}

# In a loop: st_loop_start, then "while st_more; do ...; done".
st_loop_start() {
	st_now
	_st_t0=$NOW_CS
	_st_beats=0
	st_beat start
	if [ "${STRESS_PLANT:-}" = "stall:$LOOP" ]; then
		mkfifo "$W/plant.$LOOP"
		st_beat "planted stall: opening a FIFO nobody writes"
		read -r _st_x <"$W/plant.$LOOP"
	fi
}

# In a loop: whether to do another iteration. $1 is the number done, or
# empty for a secondary loop (it runs until the scenario stops).
st_more() {
	[ -e "$W/stop" ] && return 1
	[ -n "$1" ] || return 0
	[ "$1" -lt "$ST_ITERS" ] || return 1
	if [ "$ST_SECONDS" -gt 0 ]; then
		st_now
		[ $((NOW_CS - _st_t0)) -lt $((ST_SECONDS * 100)) ] || return 1
	fi
	return 0
}

# In a primary loop, after iteration N: st_iter_done N, for
# st_wait_iters.
st_iter_done() {
	echo "$1" >"$W/$LOOP.iter"
}

# st_iters LOOP...: ITERS, the iterations the loops have finished.
st_iters() {
	ITERS=0
	for _st_l in "$@"; do
		_st_v=0
		{ read -r _st_v <"$W/$_st_l.iter"; } 2>/dev/null
		ITERS=$((ITERS + ${_st_v:-0}))
	done
}

# In a secondary loop: st_wait_iters K LOOP...: wait until the loops have
# finished K more iterations, or the scenario stops. A module loop uses it
# so that the loops it races with also get whole cycles done, whatever the
# speed of the kernel. The watchdog bounds the wait (a stuck loop stops
# its own heartbeat).
st_wait_iters() {
	_st_k=$1
	shift
	st_iters "$@"
	_st_target=$((ITERS + _st_k))
	while [ "$ITERS" -lt "$_st_target" ] && [ ! -e "$W/stop" ]; do
		st_beat "wait for $_st_k iteration(s) of $*"
		usleep 50000
		st_iters "$@"
	done
}

# In a loop, at its end: st_loop_end ITERS WHAT COUNTERS. Writes the
# summary line "<loop>: ITERS WHAT in S s, R/s; COUNTERS" for the scenario
# report and marks the loop done.
st_loop_end() {
	st_now
	_st_dt=$((NOW_CS - _st_t0))
	st_rate "$1" "$_st_dt"
	st_secs "$_st_dt"
	echo "$LOOP: $1 $2 in $SECS s, $RATE/s; $3" >"$W/$LOOP.res"
	echo "stress-rate: $ST_NAME/$ST_SCEN $LOOP iterations=$1 seconds=$SECS rate=$RATE" >>"$W/$LOOP.res"
	for _st_c in $_st_cnames; do
		eval "echo \"\$_st_c=\$c_$_st_c\""
	done >"$W/$LOOP.cnt"
	echo "iterations=$1" >>"$W/$LOOP.cnt"
	: >"$W/$LOOP.done"
}

# st_loop_pids: the pids of all loops of the scenario and their children.
st_loop_pids() {
	for _st_l in $ST_PRIMARY $ST_SECONDARY; do
		eval "_st_p=\$ST_PID_$_st_l"
		echo "$_st_p"
		st_children "$_st_p"
	done
}

# st_stall_report LOOP: everything needed to see why LOOP is stuck.
st_stall_report() {
	{ read -r _st_b <"$W/$1.beat"; } 2>/dev/null
	st_msg "stall: loop $1 made no progress for more than $ST_STALL_S s; last step: ${_st_b#* }"
	for _st_l in $ST_PRIMARY $ST_SECONDARY; do
		{ read -r _st_b <"$W/$_st_l.beat"; } 2>/dev/null
		st_msg "loop $_st_l at: ${_st_b#* }"
	done
	st_msg "tasks of the loops, with their kernel stacks:"
	for _st_p in $(st_loop_pids); do
		st_task_report "$_st_p"
	done
	st_msg "other tasks in D state:"
	_st_lp=" $(st_loop_pids | tr '\n' ' ') "
	for _st_p in $(st_dstate); do
		case $_st_lp in *" $_st_p "*) continue ;; esac
		st_task_report "$_st_p"
	done
	# Blocked tasks (and held locks, with lockdep) to the console.
	echo w >/proc/sysrq-trigger
	[ -e /proc/lockdep ] && echo d >/proc/sysrq-trigger
	for _st_l in $ST_PRIMARY $ST_SECONDARY; do
		st_msg "last lines of loop $_st_l:"
		tail -n 5 "$W/$_st_l.log" 2>/dev/null | sed 's/^/#   /'
	done
}

# st_run: watch the loops of the scenario. Returns 0 when all loops
# finished, 1 on a stall (ST_STALLED names the loop; the loops are killed,
# but tasks stuck in the kernel stay), 2 if a loop died without finishing.
st_run() {
	st_now
	_st_start=$NOW
	for _st_l in $ST_PRIMARY $ST_SECONDARY; do
		eval "_st_seen_$_st_l=" "_st_when_$_st_l=$NOW"
	done
	_st_ret=0
	while :; do
		sleep 1
		st_now
		_st_alldone=1 _st_primdone=1
		for _st_l in $ST_PRIMARY $ST_SECONDARY; do
			if [ -e "$W/$_st_l.done" ]; then
				continue
			fi
			_st_alldone=0
			case " $ST_PRIMARY " in *" $_st_l "*) _st_primdone=0 ;; esac
			_st_b=
			{ read -r _st_b <"$W/$_st_l.beat"; } 2>/dev/null
			eval "_st_seen=\$_st_seen_$_st_l _st_when=\$_st_when_$_st_l"
			if [ -n "$_st_b" ] && [ "$_st_b" != "$_st_seen" ]; then
				eval "_st_seen_$_st_l=\$_st_b _st_when_$_st_l=\$NOW"
			elif [ $((NOW - _st_when)) -gt "$ST_STALL_S" ]; then
				# A loop that died without finishing is not a stall.
				eval "_st_p=\$ST_PID_$_st_l"
				if ! st_alive "$_st_p"; then
					st_msg "loop $_st_l exited without finishing; last lines:"
					tail -n 5 "$W/$_st_l.log" | sed 's/^/#   /'
					: >"$W/$_st_l.done"
					_st_ret=2
					continue
				fi
				ST_STALLED=$_st_l
				st_stall_report "$_st_l"
				for _st_p in $(st_loop_pids); do
					kill -9 "$_st_p" 2>/dev/null
				done
				_st_ret=1
				break 2
			fi
		done
		[ $_st_alldone = 1 ] && break
		[ $_st_primdone = 1 ] && [ ! -e "$W/stop" ] && : >"$W/stop"
	done
	rm -f "$W/stop"
	for _st_l in $ST_PRIMARY $ST_SECONDARY; do
		eval "_st_p=\$ST_PID_$_st_l"
		[ $_st_ret = 1 ] || wait "$_st_p" 2>/dev/null
	done
	st_now
	ST_ELAPSED=$((NOW - _st_start))
	return $_st_ret
}

# st_report: the summary lines of the loops of the scenario, as KTAP
# comments; then forget the loops.
st_report() {
	for _st_l in $ST_PRIMARY $ST_SECONDARY; do
		if [ -s "$W/$_st_l.res" ]; then
			sed 's/^/# /' "$W/$_st_l.res"
		else
			st_msg "$_st_l: no summary (killed)"
		fi
	done
	ST_PRIMARY= ST_SECONDARY=
}

# st_counter_lines FILE: the loop's counters, one "name=value" word each.
# Loops keep counters in shell variables c_NAME; st_counters prints them.
st_count() {
	eval "c_$1=\$((\${c_$1:-0} + 1))"
	case " $_st_cnames " in *" $1 "*) ;; *) _st_cnames="$_st_cnames $1" ;; esac
}

# st_add NAME N: add N to counter NAME.
st_add() {
	eval "c_$1=\$((\${c_$1:-0} + $2))"
	case " $_st_cnames " in *" $1 "*) ;; *) _st_cnames="$_st_cnames $1" ;; esac
}

st_counters() {
	_st_out=
	for _st_c in $_st_cnames; do
		eval "_st_out=\"\$_st_out \$_st_c=\$c_$_st_c\""
	done
	echo "${_st_out# }"
}

# st_get NAME: the value of counter NAME (0 if never counted).
st_get() {
	eval "echo \${c_$1:-0}"
}

# st_res LOOP NAME: counter NAME of a finished loop (0 if none).
st_res() {
	_st_v=$(sed -n "s/^$2=//p" "$W/$1.cnt" 2>/dev/null)
	echo "${_st_v:-0}"
}

# Module ----------------------------------------------------------------

# st_rmmod MOD [-r]: one attempt to unload MOD, with rmmod or, given -r,
# with "modprobe -r" (which also unloads the modules MOD uses); its error
# goes to $E. Sets ST_RMMOD to ok, ewouldblock (the kernel refused for now:
# "Resource temporarily unavailable"), ebusy (the module is in use) or
# other, and counts rmmod_$ST_RMMOD. Returns 0 only if MOD was unloaded.
# The one place that reads rmmod's errors, for every loop that unloads.
st_rmmod() {
	if [ "$2" = -r ]; then
		modprobe -r "$1" 2>"$E"
	else
		rmmod "$1" 2>"$E"
	fi
	if [ $? -eq 0 ]; then
		ST_RMMOD=ok
	else
		case $(cat "$E") in
		*"emporarily unavailable"* | *"would block"*) ST_RMMOD=ewouldblock ;;
		*"busy"* | *"in use"*) ST_RMMOD=ebusy ;;
		*) ST_RMMOD=other ;;
		esac
	fi
	st_count "rmmod_$ST_RMMOD"
	[ "$ST_RMMOD" = ok ]
}

# st_module_loop MOD PAUSE EVERY LOOP...: a secondary loop that unloads and
# reloads module MOD until the scenario stops. Before each cycle it lets
# the loops LOOP... finish 0, 1 or 2 iterations and pauses up to PAUSE *
# 32767 us, so that some cycles race with them and some complete whatever
# the kernel's speed. Every EVERY-th unload is "modprobe -r" (which also
# unloads what MOD uses), the others rmmod; EVERY 0 means rmmod only. The
# generation in $W/gen is odd while the module is unloaded or loaded.
# Counts rmmod_ok, rmmod_ewouldblock, rmmod_ebusy, rmmod_other (st_rmmod),
# modprobe_ok, modprobe_fail.
st_module_loop() {
	_st_mod=$1 _st_pause=$2 _st_every=$3
	shift 3
	E=$W/err.$LOOP
	st_loop_start
	n=0 gen=0
	while st_more; do
		st_wait_iters $((RANDOM % 3)) "$@"
		usleep $((RANDOM * _st_pause))
		st_more || break
		n=$((n + 1))
		gen=$((gen + 1))
		echo $gen >"$W/gen"
		if [ "$_st_every" -gt 0 ] && [ $((n % _st_every)) -eq 0 ]; then
			st_beat "$n modprobe -r $_st_mod"
			st_rmmod "$_st_mod" -r
		else
			st_beat "$n rmmod $_st_mod"
			st_rmmod "$_st_mod"
		fi
		[ "$ST_RMMOD" = other ] && echo "rmmod $n: $(cat "$E")"
		st_beat "$n modprobe $_st_mod"
		if modprobe "$_st_mod" 2>"$E"; then
			st_count modprobe_ok
		else
			st_count modprobe_fail
			echo "modprobe $n: $(cat "$E")"
		fi
		gen=$((gen + 1))
		echo $gen >"$W/gen"
	done
	st_loop_end $n "rmmod+modprobe" "$(st_counters)"
}

# st_unload MOD: rmmod MOD if it is loaded, retrying for up to 10 s while
# it fails; each attempt bounded by 30 s. Returns 124 on a stall. For the
# test's main process, which no watchdog watches: loops use st_rmmod and
# their heartbeat instead.
st_unload() {
	_st_t=0
	while lsmod | grep -q "^$1 "; do
		st_bounded 30 rmmod "$1" && return 0
		[ $? -eq 124 ] && return 124
		[ $_st_t -ge 100 ] && { st_msg "rmmod $1: $(cat "$W/bounded.out")"; return 1; }
		sleep 0.1
		_st_t=$((_st_t + 1))
	done
	return 0
}

# Operations in loops --------------------------------------------------

# st_fail STEP MESSAGE: remember the first failure of the iteration in
# fail ("STEP: MESSAGE") and failstep. Returns 1.
st_fail() {
	[ -n "$fail" ] || fail="$1: $2"
	[ -n "$failstep" ] || failstep=$1
	return 1
}

# wr STEP FILE VALUE: write VALUE to FILE (no fork). E is the loop's
# error file.
wr() {
	{ echo "$3" >"$2"; } 2>"$E" && return 0
	_m=
	read -r _m <"$E"
	st_fail "$1" "write '$3' to $2: ${_m:-failed}"
}

# rd STEP FILE: read the first line of FILE into V.
rd() {
	V=
	{ read -r V <"$2"; } 2>"$E" && return 0
	_m=
	read -r _m <"$E"
	[ -z "$_m" ] && [ -n "$V" ] && return 0
	st_fail "$1" "read $2: ${_m:-empty}"
}

# read_gen: G, the generation of the module loop (odd while it unloads or
# loads the module).
read_gen() {
	G=
	{ read -r G <"$W/gen"; } 2>/dev/null
}

# zram ------------------------------------------------------------------

ZS_PAGES=64		# pages written and read back per iteration
ZS_SAME=32		# of which zero-filled or same-filled
ZS_RANDOM=16		# of which random (incompressible: huge pages)

# zs_files DIR: FILES, the paths of every readable attribute of the zram
# device DIR, recursively (queue/, power/, ...). All zram devices have the
# same attributes, so the relative names are found once per loop (forks
# are slow on a debug kernel), from a listing that looks complete.
zs_files() {
	if [ -z "$ZS_REL" ]; then
		_rel=$(cd "$1/" 2>/dev/null && find . -type f -perm -0400 2>/dev/null)
		case $_rel in
		*./disksize*./mm_stat* | *./mm_stat*./disksize*)
			case $_rel in *./queue/*) ZS_REL=$_rel ;; esac ;;
		esac
		[ -n "$ZS_REL" ] || _rel=
	fi
	FILES=
	for _f in ${ZS_REL:-$_rel}; do
		FILES="$FILES $1/${_f#./}"
	done
}

# zs_read_all STEP DIR: read every readable attribute of the zram device
# DIR; any error is a failure.
zs_read_all() {
	zs_files "$2"
	[ -n "$FILES" ] || { st_fail "$1" "no attributes in $2"; return 1; }
	cat $FILES >/dev/null 2>"$E" && return 0
	st_fail "$1" "$(head -n 3 "$E" | tr '\n' ' ')"
}

# Test data of a loop: $W/data.LOOP.K for K = 0..3, ZS_PAGES pages each
# (text, random, zero-filled, same-filled), the first page stamped with
# the loop and K; iteration I writes variant I % 4, so stale data from the
# iteration before would not compare equal.
zs_make_data() {
	yes "zram stress $LOOP: a compressible line of text" | head -c $((15 * 4096)) >"$W/text.$LOOP"
	dd if=/dev/urandom bs=4096 count=$ZS_RANDOM status=none >"$W/random.$LOOP"
	for _k in 0 1 2 3; do
		{
			printf '%-4095s\n' "loop $LOOP variant $_k"
			cat "$W/text.$LOOP" "$W/random.$LOOP"
			dd if=/dev/zero bs=4096 count=16 status=none
			tr '\0' 'Z' </dev/zero | head -c $((16 * 4096))
		} >"$W/data.$LOOP.$_k"
	done
}

# zs_io DIR SIZE: write the data at a random page offset with O_DIRECT,
# read it back, compare. The disk is held open (so it cannot be reset or
# removed) from before the write until after the read. Device nodes are
# made once per major:minor, in $W.
zs_io() {
	rd io "$1/dev" || return 1
	_node=$W/node.${V%:*}.${V#*:}
	if [ ! -b "$_node" ]; then
		mknod "$_node" b "${V%:*}" "${V#*:}" 2>"$E" || { st_fail io "mknod: $(cat "$E")"; return 1; }
	fi
	_off=$((RANDOM % ($2 / 4096 - ZS_PAGES)))
	_data=$W/data.$LOOP.$((i % 4))
	# "command" keeps a failed redirection of exec from ending the shell;
	# the braces keep the redirection of stderr from being permanent.
	{ command exec 3<>"$_node"; } 2>"$E" || { st_fail io "open: $(cat "$E")"; return 1; }
	if ! dd if="$_data" of=/proc/self/fd/3 bs=4096 seek="$_off" \
		oflag=direct conv=notrunc status=none 2>"$E"; then
		exec 3>&-
		st_fail io "write at page $_off: $(head -n 1 "$E")"
		return 1
	fi
	if ! dd if=/proc/self/fd/3 of="$W/back.$LOOP" bs=4096 skip="$_off" \
		count=$ZS_PAGES iflag=direct status=none 2>"$E"; then
		exec 3>&-
		st_fail io "read at page $_off: $(head -n 1 "$E")"
		return 1
	fi
	exec 3>&-
	cmp "$_data" "$W/back.$LOOP" >"$E" 2>&1 && return 0
	st_fail io "data read back differs: $(head -n 1 "$E")"
}

# zs_check_mm DIR: mm_stat after the write of ZS_PAGES pages to a fresh disk.
zs_check_mm() {
	rd mm_stat "$1/mm_stat" || return 1
	set -- $V
	[ $# -ge 9 ] || { st_fail mm_stat "has $# fields: $V"; return 1; }
	[ "$1" -eq $((ZS_PAGES * 4096)) ] && [ "$6" -ge "$ZS_SAME" ] && [ "$8" -ge "$ZS_RANDOM" ] && return 0
	st_fail mm_stat "want orig_data_size $((ZS_PAGES * 4096)), same_pages >= $ZS_SAME, huge_pages >= $ZS_RANDOM: $V"
}

# Kernel log ------------------------------------------------------------

# st_log_bad FROM: the bad lines of the kernel log after sequence number
# FROM, each once, in $W/bad (after a second, for the collector to catch
# up).
st_log_bad() {
	sleep 1
	awk -F';' -v seq="$1" -v pat="$ST_BAD_LOG" '
		/^ / { next }
		{ split($1, h, ","); if (h[2] + 0 <= seq + 0) next }
		{ msg = substr($0, index($0, ";") + 1) }
		msg ~ pat && !(msg in seen) { seen[msg] = 1; print msg }
	' "$W/kmsg" >"$W/bad"
}

# st_log_check: 0 if the kernel log since st_init has no bad line. The
# bad lines go to $W/bad.
st_log_check() {
	if [ -w /sys/kernel/debug/kmemleak ]; then
		# Objects younger than 5 s are not reported. One scan: a scan
		# takes ~12 s on the debug kernel under TCG.
		sleep 5
		st_bounded 300 sh -c 'echo scan >/sys/kernel/debug/kmemleak'
		cat /sys/kernel/debug/kmemleak >"$W/kmemleak" 2>/dev/null
	fi
	st_log_bad "$ST_SEQ"
	if [ -s "$W/kmemleak" ]; then
		echo "kmemleak: $(grep -c '^unreferenced object' "$W/kmemleak") unreferenced object(s):" >>"$W/bad"
		head -n 40 "$W/kmemleak" >>"$W/bad"
	fi
	[ ! -s "$W/bad" ]
}

# st_log_case: the KTAP case for the kernel log check.
st_log_case() {
	if st_log_check; then
		st_ok "$1: kernel log clean (no BUG/WARNING/KASAN/lockdep/kmemleak/hung task/Oops)"
	else
		st_msg "kernel log lines since the start of $ST_NAME:"
		head -n 60 "$W/bad" | sed 's/^/#   /'
		st_notok "$1: kernel log clean (no BUG/WARNING/KASAN/lockdep/kmemleak/hung task/Oops)"
	fi
}

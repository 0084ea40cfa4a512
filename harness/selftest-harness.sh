#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-tests of the harness's bad-input paths and of its result parser.
# Each case runs a harness script on deliberately bad input in a scratch
# build folder and checks the one-line error it prints. Prints KTAP.
#
#   selftest-harness.sh [KERNEL_NAME]
#
# With KERNEL_NAME (a built kernel), also checks that a guest that never
# powers off is killed and reported within its bound.
. "$(dirname "$0")/common.sh"

H=$TOP/harness
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

# expect DESC PATTERN CMD...: CMD must fail and its stderr match PATTERN.
expect() {
	local desc=$1 pat=$2 out
	shift 2
	n=$((n + 1))
	out=$("$@" 2>&1 >/dev/null) && out="(exit status 0) $out"
	if [[ $out != "(exit status 0)"* ]] && echo "$out" | grep -qE "$pat"; then
		echo "ok $n $desc"
	else
		echo "$out" | head -n 5 | sed 's/^/# /'
		echo "not ok $n $desc"
		fail=1
	fi
}

# A fake "kernel source" tarball: just a Makefile that prints a version.
fake_source() {
	local ver=$1 d=$tmp/src-$1
	mkdir -p "$d/linux-source-6.12"
	printf 'kernelversion:\n\t@echo %s\n' "$ver" >"$d/linux-source-6.12/Makefile"
	printf 'hello\n' >"$d/linux-source-6.12/README"
	printf '/*\n!/debian/\n' >"$d/linux-source-6.12/.gitignore"
	tar -C "$d" -cJf "$d.tar.xz" linux-source-6.12
	echo "$d.tar.xz"
}

echo "TAP version 13"

expect "a source other than the tested version is refused" \
	"source is Linux 6.12.999, but the series is tested on $BASE_VERSION" \
	env B="$tmp/b1" SRC_TARBALL="$(fake_source 6.12.999)" "$H/prepare-base.sh"

env B="$tmp/b5" BASE_PKG_VERSION=6.12.999-1 SRC_TARBALL="$(fake_source 6.12.999)" "$H/prepare-base.sh" >/dev/null 2>&1
expect "a base tree of another version is refused" "holds base-6.12.999, but the series is tested on $BASE_VERSION" \
	env B="$tmp/b5" "$H/prepare-base.sh"

expect "a missing source tarball is named" "kernel source .*/nonexistent.tar.xz not found" \
	env B="$tmp/b2" SRC_TARBALL=/nonexistent.tar.xz "$H/prepare-base.sh"

expect "too little disk is caught before building" "only [0-9]+ GB free under .*, need 999999 GB" \
	env B="$tmp/b3" HARNESS_MIN_GB=999999 SRC_TARBALL="$(fake_source "$BASE_VERSION")" "$H/prepare-base.sh"

# A patch that does not apply names the patch and the file.
env B="$tmp/b4" SRC_TARBALL="$(fake_source "$BASE_VERSION")" "$H/prepare-base.sh" >/dev/null 2>&1
mkdir -p "$tmp/p"
cat >"$tmp/p/0001-corrupt.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: test <test@example.org>
Date: Thu, 1 Jan 2026 00:00:00 +0000
Subject: [PATCH] corrupt

---
 README | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/README b/README
--- a/README
+++ b/README
@@ -1 +1 @@
-this line is not in the file
+bye
PATCH
echo 0001-corrupt.patch >"$tmp/p/series"
expect "a patch that does not apply is named, with its file" \
	"patch 0001-corrupt.patch \(corrupt\) does not apply on base-$BASE_VERSION at README" \
	env B="$tmp/b4" "$H/apply-series.sh" "$tmp/p"
echo 0002-missing.patch >>"$tmp/p/series"
expect "a series entry without a file is named" "lists 0002-missing.patch, which does not exist" \
	env B="$tmp/b4" "$H/apply-series.sh" "$tmp/p"

expect "a missing tool is named" "missing tool 'no-such-tool-xyz'" \
	bash -c ". '$H/common.sh'; need_tool no-such-tool-xyz"

expect "the sweep refuses a cycle count that is not a positive number" \
	"cycles must be a positive number, got '0'" "$H/sweep.sh" --cycles 0
expect "the sweep refuses a module it does not know" \
	"module 'nosuchmod' is not in guest/tests/sweep.list" "$H/sweep.sh" --modules brd,nosuchmod
expect "the sweep refuses an unknown kernel" "unknown kernel 'mainline'" "$H/sweep.sh" --kernels series,mainline

# KVM that cannot work falls back to TCG and says why.
n=$((n + 1))
out=$(B="$tmp/b5" KVM_DEV=/nonexistent "$H/probe-accel.sh" 2>&1)
if [ "$(echo "$out" | tail -n 1)" = tcg ] && echo "$out" | grep -q "accel: tcg (/nonexistent missing"; then
	echo "ok $n no KVM device falls back to TCG, with the reason"
else
	echo "not ok $n no KVM device falls back to TCG, with the reason"
	fail=1
fi

# The parser: an unexpected splat fails the running test, a declared one
# does not, and missing results are failures.
mk_run() {
	mkdir -p "$1"
	printf '%s\n' "[ 1.0] harness: begin t1" "[ 1.1] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x0" \
		"[ 1.2] harness: end t1 rc=0" >"$1/console.log"
	printf '%s\n' "# harness: begin t1" "TAP version 13" "1..2" "$2" "ok 1 a" "ok 2 b" \
		"# harness: end t1 rc=0" >"$1/ktap.log"
}
n=$((n + 1))
mk_run "$tmp/r1" "# nothing expected"
mk_run "$tmp/r2" "# harness-expect: WARNING:"
r1=$("$H/parse-results.sh" "$tmp/r1" | tail -n 1)
r2=$("$H/parse-results.sh" "$tmp/r2" | tail -n 1)
if [ "$r1" = "2 passed, 1 failed" ] && [ "$r2" = "2 passed, 0 failed" ]; then
	echo "ok $n a console splat fails its test unless declared"
else
	echo "# got '$r1' and '$r2'"
	echo "not ok $n a console splat fails its test unless declared"
	fail=1
fi
n=$((n + 1))
r3=$("$H/parse-results.sh" -e "t1 t2" "$tmp/r2" | tail -n 1)
if [ "$r3" = "2 passed, 1 failed" ]; then
	echo "ok $n a test that never ran is a failure"
else
	echo "# got '$r3'"
	echo "not ok $n a test that never ran is a failure"
	fail=1
fi

n=$((n + 1))
mkdir -p "$tmp/r4"
: >"$tmp/r4/console.log"
printf '%s\n' "# harness: begin t1" "TAP version 13" "1..3" "ok 1 a" \
	"ok 2 b # XFAIL known" "ok 3 c # XPASS known" "# harness: end t1 rc=1" >"$tmp/r4/ktap.log"
r4=$("$H/parse-results.sh" -o "$tmp/r4.tsv" "$tmp/r4" | tail -n 3 | tr '\n' '|')
if [ "$r4" = "# 1 expected failure(s) (XFAIL), not counted as passed|# Totals: pass:1 fail:0 xfail:1 xpass:1 skip:0 error:0|1 passed, 1 failed|" ]; then
	echo "ok $n an XFAIL is not counted as passed, an XPASS fails"
else
	echo "# got '$r4'"
	echo "not ok $n an XFAIL is not counted as passed, an XPASS fails"
	fail=1
fi
n=$((n + 1))
# The rows are the one parse: each case with its status, and the KTAP
# printed from them says the same.
r5=$(awk -F'\t' '$1 == "case" { printf "%s/%s/%s|", $3, $4, $5 }' "$tmp/r4.tsv")
if [ "$r5" = "a/pass/|b/xfail/ # XFAIL known|c/xpass/ # XPASS known|" ]; then
	echo "ok $n the parse's rows give each case its status"
else
	echo "# got '$r5'"
	echo "not ok $n the parse's rows give each case its status"
	fail=1
fi

# The one entry point: every stage has its help, and a KERNEL that names
# no commit is refused with the cause.
n=$((n + 1))
bad=
for st in prepare build boot test parse ab check stress bench sweep lockdep-real shell report; do
	"$H/modpin" "$st" --help 2>&1 | head -n 1 | grep -q '^usage: ' || bad="$bad $st"
done
out=$("$H/modpin" build --dry-run no-such-ref:test 2>&1)
rc=$?
if [ -z "$bad" ] && [ $rc -ne 0 ] && [ "$out" = "error: 'no-such-ref' names no commit of $B/linux -- fix: use series, series~N, base or a commit id" ]; then
	echo "ok $n harness/modpin: every stage has --help; an unknown REF is named"
else
	echo "# stages without help:${bad:- none}; build of an unknown REF: rc $rc, '$out'"
	echo "not ok $n harness/modpin: every stage has --help; an unknown REF is named"
	fail=1
fi

# The A/B step judges recorded runs by harness/ab.tsv: a case whose result
# the data file does not accept fails, and so does a case missing on B.
ab_run() {
	local t=$'\t' c="test_sysfs.sh: misc: module exit under the mutex removes the device during a store"
	mkdir -p "$tmp/ab/state"
	printf '%s\n' "kind${t}program${t}case${t}status${t}directive${t}program_seconds${t}program_console_reports" \
		"case${t}sysfs${t}$c${t}fail${t} # deadlock${t}1.0${t}0" >"$tmp/ab/state/ab-deadlock-a.tsv"
	printf '%s\n' "kind${t}program${t}case${t}status${t}directive${t}program_seconds${t}program_console_reports" \
		${1:+"case${t}sysfs${t}$c${t}$1${t}${t}1.0${t}0"} >"$tmp/ab/state/ab-deadlock-b.tsv"
	printf '%s\n' date=d commit=c append= ref_a=a desc_a=A ref_b=b desc_b=B >"$tmp/ab/state/ab-deadlock.meta"
	B=$tmp/ab "$H/ab.sh" --table deadlock 2>&1 | grep -c '^not ok'
}
n=$((n + 1))
r6="$(ab_run pass) $(ab_run fail) $(ab_run)"
if [ "$r6" = "0 1 1" ]; then
	echo "ok $n the A/B step fails a result the data file does not accept, and a missing case"
else
	echo "# got '$r6' (not ok lines for pass, fail, missing on B)"
	echo "not ok $n the A/B step fails a result the data file does not accept, and a missing case"
	fail=1
fi

if [ -n "$1" ]; then
	n=$((n + 1))
	"$H/make-initramfs.sh" "$1" >/dev/null
	start=$(date +%s)
	out=$(GUEST_TEST_TIMEOUT=600 "$H/boot-guest.sh" "$1" hang "$tmp/hang" 15 1 2>&1)
	rc=$? took=$(($(date +%s) - start))
	if [ $rc -eq 124 ] && [ $took -le 25 ] && echo "$out" | grep -q "guest timed out after 15s"; then
		echo "ok $n a guest that never powers off is killed after its bound (${took}s)"
	else
		echo "$out" | head -n 3 | sed 's/^/# /'
		echo "not ok $n a guest that never powers off is killed after its bound (rc $rc, ${took}s)"
		fail=1
	fi

	# The monitor relay: a guest's request reaches QEMU's monitor.
	n=$((n + 1))
	MONITOR_RELAY=1 "$H/boot-guest.sh" "$1" monitor "$tmp/mon" 60 1 >/dev/null 2>&1
	if grep -q 'VM status: running' "$tmp/mon/monitor.log" 2>/dev/null; then
		echo "ok $n the monitor relay passes a guest's request to QEMU's monitor"
	else
		sed 's/^/# monitor.log: /' "$tmp/mon/monitor.log" 2>/dev/null | head -n 5
		echo "not ok $n the monitor relay passes a guest's request to QEMU's monitor"
		fail=1
	fi

	# The interactive shell, driven as a user would, in a detached tmux.
	n=$((n + 1))
	s=selftest-shell-$$
	tmux new-session -d -s "$s" -x 200 -y 50 "$H/shell.sh $1"
	got=
	for _ in $(seq 1 120); do
		tmux capture-pane -p -t "$s" 2>/dev/null | grep -q 'harness: shell on' && break
		sleep 1
	done
	sleep 1
	tmux send-keys -t "$s" 'echo shell-answer=$((6 * 7))' Enter
	for _ in $(seq 1 20); do
		got=$(tmux capture-pane -p -t "$s" 2>/dev/null | grep -c '^shell-answer=42')
		[ "$got" -ge 1 ] && break
		sleep 0.5
	done
	tmux send-keys -t "$s" exit Enter
	for _ in $(seq 1 30); do
		tmux has-session -t "$s" 2>/dev/null || break
		sleep 0.5
	done
	if tmux has-session -t "$s" 2>/dev/null; then
		tmux kill-session -t "$s"
		echo "not ok $n harness/shell.sh: a command runs in the guest shell and 'exit' ends QEMU (still running)"
		fail=1
	elif [ "${got:-0}" -ge 1 ]; then
		echo "ok $n harness/shell.sh: a command runs in the guest shell and 'exit' ends QEMU"
	else
		echo "not ok $n harness/shell.sh: a command runs in the guest shell and 'exit' ends QEMU (no answer)"
		fail=1
	fi
fi
echo "1..$n"
exit $fail

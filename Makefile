# SPDX-License-Identifier: GPL-2.0
# The two commands a newcomer needs are "make run" and "make check"; the
# rest are the steps they are made of. See README.md. The long runs and
# the shell depend on "base", so that they work in a fresh clone too.

.PHONY: help run check shell stress bench sweep lockdep-real check-fresh report deps base worktree export clean distclean

run:
	@harness/run.sh $(TESTS)

check:
	@harness/check.sh

# Stress tests in one boot: make stress [KERNEL=debug] [ITERS=1000] [SECS=0]
# [SCENARIOS=stable,reload]
stress: base
	@KERNEL="$(KERNEL)" ITERS="$(ITERS)" SECS="$(SECS)" SCENARIOS="$(SCENARIOS)" harness/stress.sh

# Cost of the fix per sysfs operation, base vs series (harness/bench.sh).
bench: base
	@harness/bench.sh

# Real drivers under sysfs load on base, series and debug kernels:
# make sweep [ARGS="--cycles 20 --kernels series"] (harness/sweep.sh --help).
sweep: base
	@harness/sweep.sh $(ARGS)

# Lockdep on a real configuration's debug kernel, with and without the
# lockdep patch: make lockdep-real [ARGS="--scenarios cpu,pci"]
# (harness/lockdep-real.sh --help).
lockdep-real: base
	@harness/lockdep-real.sh $(ARGS)

# The README's commands in a debootstrapped minimal Debian 12:
# make check-fresh [ARGS=--check] (harness/check-fresh.sh --help).
check-fresh:
	@harness/check-fresh.sh $(ARGS)

# An interactive shell in a staged kernel: make shell [KERNEL=series]
# (harness/shell.sh --help).
shell: base
	@harness/shell.sh $(or $(KERNEL),series)

# docs/results.md from the snippets the runs wrote (harness/report.sh).
report:
	@harness/report.sh

deps:
	@harness/install-deps.sh

base: deps
	@harness/prepare-base.sh

worktree: base
	@harness/worktree.sh

export:
	@AUTHOR="$(AUTHOR)" harness/export-series.sh

clean:
	rm -rf build

# Also remove the caches kept outside build/ (ccache).
distclean: clean
	rm -rf "$${SYSFS_MODPIN_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/sysfs-modpin}"

help:
	@echo "make run [TESTS=a,b]      build the test kernel, boot it, run the guest tests"
	@echo "make check                everything CI checks, as KTAP"
	@echo "make stress [KERNEL=debug] [ITERS=N] [SECS=N] [SCENARIOS=a,b]"
	@echo "                          zram, test_sysfs and CPU hotplug stress in one boot"
	@echo "make sweep [ARGS=...]     real drivers under sysfs load (harness/sweep.sh --help)"
	@echo "make bench                cost per sysfs operation, base against series"
	@echo "make lockdep-real [ARGS=...]"
	@echo "                          lockdep on a defconfig debug kernel, with and without"
	@echo "                          the lockdep patch (harness/lockdep-real.sh --help)"
	@echo "make check-fresh [ARGS=--check]"
	@echo "                          make run (and make check) in a fresh minimal Debian 12"
	@echo "make report               docs/results.md from the runs' result snippets"
	@echo "make shell [KERNEL=name]  a shell on the console of a staged kernel"
	@echo "make deps | base | worktree | export [AUTHOR=...]"
	@echo "                          packages, base tree, edit branch, write patches/"
	@echo "make clean | distclean    remove build/ (and the ccache)"
	@echo "harness/modpin STAGE ...  every stage with flags, REF[:CONFIG] kernels (--help)"

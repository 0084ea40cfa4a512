# SPDX-License-Identifier: GPL-2.0
# The two commands a newcomer needs are "make run" and "make check"; the
# rest are the steps they are made of. See README.md.

.PHONY: run check stress bench sweep deps base worktree export clean distclean

run:
	@harness/run.sh $(TESTS)

check:
	@harness/check.sh

# Stress tests in one boot: make stress [KERNEL=debug] [ITERS=1000] [SECS=0]
# [SCENARIOS=stable,reload]
stress:
	@KERNEL="$(KERNEL)" ITERS="$(ITERS)" SECS="$(SECS)" SCENARIOS="$(SCENARIOS)" harness/stress.sh

# Cost of the fix per sysfs operation, base vs series (harness/bench.sh).
bench:
	@harness/bench.sh

# Real drivers under sysfs load on base, series and debug kernels:
# make sweep [ARGS="--cycles 20 --kernels series"] (harness/sweep.sh --help).
sweep:
	@harness/sweep.sh $(ARGS)

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

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make run": from nothing to test results in one command.
# Installs missing packages, prepares the base tree, applies patches/,
# builds the test kernel, boots it and runs the guest tests.
#
#   run.sh [TESTS]     (default: smoke,kunit,sysfs,zram_params)
. "$(dirname "$0")/common.sh"

tests=${1:-${TESTS:-smoke,kunit,sysfs,zram_params}}
"$TOP/harness/install-deps.sh" || exit 1
"$TOP/harness/prepare-base.sh" >/dev/null || exit 1
head=$("$TOP/harness/apply-series.sh") || exit 1
"$TOP/harness/build-kernel.sh" "$head" test series >/dev/null || exit 1
exec "$TOP/harness/run-tests.sh" series "$tests" "${CPUS:-2}"

// SPDX-License-Identifier: GPL-2.0
/*
 * Unprivileged readers of a module's sysfs attributes must not make rmmod
 * fail: delete_module() waits for the reads in flight instead.
 *
 * Four processes running as nobody read the attributes of the test_sysfs
 * misc and block devices in a loop, two with pread() on open files and two
 * with open(), read() and close(), while the main process loads the module,
 * creates its devices and unloads it, ITERATIONS times (argument 1, default
 * 100). Every unload must succeed at the first attempt, called as kmod and
 * busybox call it, with O_NONBLOCK. The time each unload takes is printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

#define MOD		"test_sysfs"
#define CTL		"/sys/class/misc/test_sysfs/"
#define NR_READERS	4
#define NOBODY		65534
#define MAX_ITERATIONS	10000
#define UNLOAD_TIMEOUT_S	30

static const char * const files[] = {
	"/sys/class/misc/test_sysfs_misc/int_val",
	"/sys/class/misc/test_sysfs_misc/bool_val",
	"/sys/class/misc/test_sysfs_misc/str_val",
	"/sys/block/test_sysfs_blk/int_val",
};

#define NR_FILES	((int)ARRAY_SIZE(files))

/* Written by the readers, read by the main process. */
struct reader_stats {
	long reads;		/* successful reads */
	long unexpected;	/* errors other than a file that has gone */
	int last_errno;
	int uid;
};

static struct reader_stats *stats;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A file of the module that is not there, or has been removed. */
static int gone(int err)
{
	return err == ENOENT || err == ENODEV;
}

static void count(struct reader_stats *st, ssize_t ret)
{
	if (ret >= 0) {
		st->reads++;
	} else if (!gone(errno)) {
		st->unexpected++;
		st->last_errno = errno;
	}
}

static void reader(struct reader_stats *st, int use_pread)
{
	int fds[NR_FILES];
	char buf[64];
	int i;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(1);
	/* After the credential change, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	st->uid = getuid();

	for (i = 0; i < NR_FILES; i++)
		fds[i] = -1;
	for (;;) {
		for (i = 0; i < NR_FILES; i++) {
			ssize_t ret;

			if (!use_pread) {
				int fd = open(files[i], O_RDONLY);

				if (fd < 0) {
					count(st, -1);
					continue;
				}
				count(st, read(fd, buf, sizeof(buf)));
				close(fd);
				continue;
			}
			if (fds[i] < 0)
				fds[i] = open(files[i], O_RDONLY);
			if (fds[i] < 0) {
				count(st, -1);
				continue;
			}
			ret = pread(fds[i], buf, sizeof(buf), 0);
			if (ret < 0 && errno == ENODEV) {
				/* The device was removed: open the new one. */
				close(fds[i]);
				fds[i] = -1;
			}
			count(st, ret);
		}
	}
}

static long total_reads(void)
{
	long sum = 0;
	int i;

	for (i = 0; i < NR_READERS; i++)
		sum += stats[i].reads;
	return sum;
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

static int load(void)
{
	if (system("modprobe " MOD))
		return -1;
	if (write_str(CTL "misc_device", "1") || write_str(CTL "blk_device", "1"))
		return -1;
	return 0;
}

/*
 * delete_module() waits, killably, for the operations in flight. Bound
 * that wait: SIGALRM's default action kills the test, and with it the
 * readers (PR_SET_PDEATHSIG), which ends the wait.
 */
static int unload(void)
{
	int ret;

	alarm(UNLOAD_TIMEOUT_S);
	ret = syscall(__NR_delete_module, MOD, O_NONBLOCK);
	alarm(0);
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int iterations = argc > 1 ? atoi(argv[1]) : 100;
	int first_ok = 0, failed = 0, unexpected = 0, n = 0, i;
	double *ms, t0, deadline;
	pid_t pids[NR_READERS];
	long before;

	ksft_print_header();
	if (iterations < 1 || iterations > MAX_ITERATIONS)
		ksft_exit_fail_msg("iterations must be 1..%d\n", MAX_ITERATIONS);
	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	if (system("modprobe -q " MOD " 2>/dev/null") || unload())
		ksft_exit_skip("module " MOD " not found: needs CONFIG_TEST_SYSFS=m\n");
	ksft_set_plan(3);

	ms = calloc(iterations, sizeof(*ms));
	stats = mmap(NULL, sizeof(*stats) * NR_READERS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ms || stats == MAP_FAILED)
		ksft_exit_fail_msg("out of memory\n");
	memset(stats, 0, sizeof(*stats) * NR_READERS);

	for (i = 0; i < NR_READERS; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		if (!pids[i])
			reader(&stats[i], i % 2);
	}

	for (i = 0; i < iterations; i++) {
		if (load()) {
			ksft_print_msg("iteration %d: cannot load " MOD "\n", i);
			failed++;
			break;
		}
		/* Let the readers get at the new devices, for up to 2 s. */
		before = total_reads();
		deadline = now_ms() + 2000;
		while (total_reads() < before + 4 * NR_FILES && now_ms() < deadline)
			usleep(1000);

		t0 = now_ms();
		if (!unload()) {
			ms[n++] = now_ms() - t0;
			first_ok++;
			continue;
		}
		ms[n++] = now_ms() - t0;
		ksft_print_msg("iteration %d: rmmod failed at the first attempt: %s\n",
			       i, strerror(errno));
		failed++;
		/* Retry for up to 10 s, as "modprobe -r --wait" would. */
		deadline = now_ms() + 10000;
		while (unload() && now_ms() < deadline)
			usleep(10000);
	}

	for (i = 0; i < NR_READERS; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	unload();

	for (i = 0; i < NR_READERS; i++) {
		unexpected += stats[i].unexpected;
		if (stats[i].unexpected)
			ksft_print_msg("reader %d: %ld unexpected errors, last: %s\n",
				       i, stats[i].unexpected,
				       strerror(stats[i].last_errno));
	}
	qsort(ms, n, sizeof(*ms), cmp_double);
	ksft_print_msg("%d readers (uid %d), %ld reads\n", NR_READERS,
		       stats[0].uid, total_reads());
	ksft_print_msg("rmmod %d/%d at the first attempt, median %.2f ms, max %.2f ms\n",
		       first_ok, iterations, n ? ms[n / 2] : 0, n ? ms[n - 1] : 0);

	ksft_test_result(stats[0].uid == NOBODY && total_reads() > 0,
			 "readers ran without privileges\n");
	ksft_test_result(first_ok == iterations,
			 "rmmod succeeds at the first attempt under readers (%d/%d)\n",
			 first_ok, iterations);
	ksft_test_result(!unexpected, "readers saw no unexpected error\n");
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs-bench - time per sysfs operation, for the cost of the kernfs
 * module pin (try_module_get()/module_put() around each operation on an
 * attribute that a module defines).
 *
 * Runs in the test guest, after guest/tests/bench has loaded test_sysfs
 * and created its misc and block test devices. Each case is timed with
 * clock_gettime(CLOCK_MONOTONIC): a warm-up round, then ROUNDS rounds of
 * SECONDS each; a case's result is the median of its rounds. A round's
 * value is the mean, over the threads, of each thread's elapsed time
 * divided by its operations. Threads are pinned one per CPU; thread i uses
 * attribute i of the case's list, so concurrent threads work on different
 * files of the same module, each behind a different lock (the module's
 * reference count is then the only data they share that the fix adds).
 *
 * Cases:
 *   mod-read-pread       pread() of a module-owned attribute, fd kept open
 *   mod-read-open        open() + read() + close() of the same
 *   mod-write-pwrite     pwrite() of a module-owned attribute
 *   mod-write-open       open() + write() + close() of the same
 *   builtin-read-pread   pread() of a built-in attribute (a device's "dev")
 *   builtin-read-open    open() + read() + close() of the same
 *   loop2, loop3         a loop of 2 (3) instructions per iteration; one
 *                        iteration is one op. Not run by default: under
 *                        QEMU -icount shift=0 they show whether guest ns
 *                        are guest instructions.
 *   refcnt-private       the instructions try_module_get() and module_put()
 *   refcnt-shared        run on a module's reference count, in user space:
 *                        one counter per thread, or one for all threads.
 *   pin-private          builtin-read-pread bracketed by those two, as the
 *   pin-shared           fix brackets a module-owned attribute's show(): a
 *                        counter per thread, or one for all threads.
 *                        The refcnt and pin cases are not run by default:
 *                        on real CPUs (the host, with builtin-read-pread as
 *                        the baseline) they estimate what the pin and the
 *                        bouncing of its cache line cost without emulation.
 *
 * Output is KTAP. Test 1 checks that the guest has the CPUs it was asked
 * for (-c), test 2 does one operation on every attribute the selected cases
 * use; then one test per case and thread count, each preceded by one
 * machine-readable line:
 *   # bench CASE threads=N ns_per_op=X min=X max=X ops=N rounds_ns=X,X,...
 *
 * Built on the host by harness/build-bench.sh (gcc -O2 -static -pthread).
 * Usage: sysfs-bench [-d SECONDS] [-r ROUNDS] [-c CPUS] [-t THREADS] [CASE...]
 *   -c CPUS     CPUs the guest was given; fewer online is a failure, and the
 *               multi-thread cases are skipped (default: the online CPUs)
 *   -t THREADS  threads of the multi-thread cases (default: CPUS); each
 *               case runs with 1 thread, and with THREADS if more than 1
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	16
#define MAX_ROUNDS	101
#define SYSFS_BATCH	16		/* sysfs ops between clock reads */
#define LOOP_BATCH	100000UL	/* loop iterations between clock reads */

enum bench_op {
	OP_PREAD,
	OP_OPEN_READ,
	OP_PWRITE,
	OP_OPEN_WRITE,
	OP_LOOP2,
	OP_LOOP3,
	OP_REFCNT_PRIVATE,
	OP_REFCNT_SHARED,
	OP_PIN_PRIVATE,
	OP_PIN_SHARED,
};

struct bench_attr {
	const char *path;
	const char *val;		/* what a write case writes */
};

/*
 * Module-owned attributes of test_sysfs, each behind its own lock: the
 * misc and the block test device have one mutex each, remove_lock takes
 * none, probe_async takes the control lock.
 */
static const struct bench_attr mod_attrs[] = {
	{ "/sys/class/misc/test_sysfs_misc/int_val", "1\n" },
	{ "/sys/class/block/test_sysfs_blk/int_val", "1\n" },
	{ "/sys/class/misc/test_sysfs/remove_lock", "none\n" },
	{ "/sys/class/misc/test_sysfs/probe_async", "0\n" },
	{ NULL, NULL }
};

/* Built-in attributes: drivers/base/core.c's "dev", no lock taken. */
static const struct bench_attr builtin_attrs[] = {
	{ "/sys/class/mem/null/dev", NULL },
	{ "/sys/class/mem/zero/dev", NULL },
	{ "/sys/class/mem/full/dev", NULL },
	{ "/sys/class/mem/random/dev", NULL },
	{ NULL, NULL }
};

struct bench_case {
	const char *name;
	enum bench_op op;
	const struct bench_attr *attrs;
	int by_default;
};

static const struct bench_case cases[] = {
	{ "mod-read-pread", OP_PREAD, mod_attrs, 1 },
	{ "mod-read-open", OP_OPEN_READ, mod_attrs, 1 },
	{ "mod-write-pwrite", OP_PWRITE, mod_attrs, 1 },
	{ "mod-write-open", OP_OPEN_WRITE, mod_attrs, 1 },
	{ "builtin-read-pread", OP_PREAD, builtin_attrs, 1 },
	{ "builtin-read-open", OP_OPEN_READ, builtin_attrs, 1 },
	{ "loop2", OP_LOOP2, NULL, 0 },
	{ "loop3", OP_LOOP3, NULL, 0 },
	{ "refcnt-private", OP_REFCNT_PRIVATE, NULL, 0 },
	{ "refcnt-shared", OP_REFCNT_SHARED, NULL, 0 },
	{ "pin-private", OP_PIN_PRIVATE, builtin_attrs, 0 },
	{ "pin-shared", OP_PIN_SHARED, builtin_attrs, 0 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_CASES	ARRAY_SIZE(cases)

struct worker {
	pthread_t tid;
	int idx;
	int cpu;
	const struct bench_case *bc;
	const struct bench_attr *attr;
	int fd;
	int err;			/* errno of the first failed op, or 0 */
	const char *failed;		/* what failed */
	double ns_per_op[MAX_ROUNDS + 1];
	unsigned long ops[MAX_ROUNDS + 1];
	struct refcnt *rc;		/* the refcnt cases' counter */
};

/* A module's reference count: one per thread, or one for all. */
struct refcnt {
	_Alignas(64) int state;		/* struct module's state, never GOING */
	int count;
};

static struct refcnt refcnts[MAX_THREADS + 1];

static double round_ns = 300e6;
static int nr_rounds = 5;
static pthread_barrier_t start_barrier;
static pthread_barrier_t end_barrier;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#ifdef __x86_64__
/* Exactly two instructions per iteration. */
static void loop2(unsigned long n)
{
	asm volatile("1:\n\t"
		     "dec %0\n\t"
		     "jnz 1b"
		     : "+r" (n) : : "cc");
}

/* Exactly three instructions per iteration. */
static void loop3(unsigned long n)
{
	unsigned long x = 0;

	asm volatile("1:\n\t"
		     "add $1, %1\n\t"
		     "dec %0\n\t"
		     "jnz 1b"
		     : "+r" (n), "+r" (x) : : "cc");
}
#else
static void loop2(unsigned long n)
{
	while (n--)
		asm volatile("" : : : "memory");
}

static void loop3(unsigned long n)
{
	loop2(n);
}
#endif

/*
 * What try_module_get() does on a module: the state test, then
 * atomic_inc_not_zero(), a cmpxchg loop. 0 if the count was taken.
 */
static int refcnt_get(struct refcnt *r)
{
	int v;

	if (__atomic_load_n(&r->state, __ATOMIC_RELAXED) == 2)
		return -1;
	v = __atomic_load_n(&r->count, __ATOMIC_RELAXED);
	do {
		if (!v)
			return -1;
	} while (!__atomic_compare_exchange_n(&r->count, &v, v + 1, 0,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return 0;
}

/* What module_put() does: atomic_dec_if_positive(), a cmpxchg loop. */
static void refcnt_put(struct refcnt *r)
{
	int v = __atomic_load_n(&r->count, __ATOMIC_RELAXED);

	do {
		if (v - 1 < 0)
			abort();
	} while (!__atomic_compare_exchange_n(&r->count, &v, v - 1, 0,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
}

static int fail(struct worker *w, const char *what, int err)
{
	w->failed = what;
	w->err = err ? err : EIO;
	return -1;
}

/* One operation of the worker's case; 0 or -1 (w->err set). */
static int do_op(struct worker *w)
{
	const char *path = w->attr ? w->attr->path : NULL;
	const char *val = w->attr ? w->attr->val : NULL;
	char buf[4096];
	ssize_t n;
	int fd;

	switch (w->bc->op) {
	case OP_PREAD:
		if (pread(w->fd, buf, sizeof(buf), 0) <= 0)
			return fail(w, "pread", errno);
		return 0;
	case OP_PIN_PRIVATE:
	case OP_PIN_SHARED:
		if (refcnt_get(w->rc))
			return fail(w, "refcnt_get", EINVAL);
		n = pread(w->fd, buf, sizeof(buf), 0);
		refcnt_put(w->rc);
		if (n <= 0)
			return fail(w, "pread", errno);
		return 0;
	case OP_PWRITE:
		if (pwrite(w->fd, val, strlen(val), 0) != (ssize_t)strlen(val))
			return fail(w, "pwrite", errno);
		return 0;
	case OP_OPEN_READ:
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return fail(w, "open", errno);
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n <= 0)
			return fail(w, "read", errno);
		return 0;
	case OP_OPEN_WRITE:
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return fail(w, "open", errno);
		n = write(fd, val, strlen(val));
		close(fd);
		if (n != (ssize_t)strlen(val))
			return fail(w, "write", errno);
		return 0;
	default:
		return fail(w, "unknown op", EINVAL);
	}
}

/* Run one round of the worker's case; returns the ops done. */
static unsigned long run_round(struct worker *w, double *elapsed)
{
	unsigned long ops = 0;
	double t0, t;
	int i;

	t0 = now_ns();
	do {
		switch (w->bc->op) {
		case OP_LOOP2:
			loop2(LOOP_BATCH);
			ops += LOOP_BATCH;
			break;
		case OP_LOOP3:
			loop3(LOOP_BATCH);
			ops += LOOP_BATCH;
			break;
		case OP_REFCNT_PRIVATE:
		case OP_REFCNT_SHARED:
			for (i = 0; i < 1000; i++)
				if (!refcnt_get(w->rc))
					refcnt_put(w->rc);
			ops += 1000;
			break;
		default:
			for (i = 0; i < SYSFS_BATCH && !w->err; i++)
				if (!do_op(w))
					ops++;
			break;
		}
		t = now_ns();
	} while (t - t0 < round_ns && !w->err);
	*elapsed = t - t0;
	return ops;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;
	double elapsed;
	int r;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("# thread %d: cannot pin to CPU %d: %s\n", w->idx,
		       w->cpu, strerror(errno));

	/* Round 0 is the warm-up. */
	for (r = 0; r <= nr_rounds; r++) {
		pthread_barrier_wait(&start_barrier);
		if (!w->err) {
			w->ops[r] = run_round(w, &elapsed);
			w->ns_per_op[r] = w->ops[r] ? elapsed / w->ops[r] : 0;
		}
		pthread_barrier_wait(&end_barrier);
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int nr_attrs(const struct bench_attr *attrs)
{
	int n = 0;

	while (attrs && attrs[n].path)
		n++;
	return n;
}

/* Run one case with @threads threads and print its result; 0 if it passed. */
static int run_case(int num, const struct bench_case *bc, int threads,
		    int online)
{
	static struct worker workers[MAX_THREADS];
	double vals[MAX_ROUNDS], sorted[MAX_ROUNDS], median;
	unsigned long total_ops = 0;
	int flags, i, r, shared, bad = -1;
	struct worker *w;

	if (bc->attrs && threads > nr_attrs(bc->attrs)) {
		printf("ok %d %s threads=%d # SKIP only %d attributes\n", num,
		       bc->name, threads, nr_attrs(bc->attrs));
		return 0;
	}
	pthread_barrier_init(&start_barrier, NULL, threads + 1);
	pthread_barrier_init(&end_barrier, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		w = &workers[i];
		memset(w, 0, sizeof(*w));
		w->idx = i;
		w->cpu = i % online;
		w->bc = bc;
		w->attr = bc->attrs ? &bc->attrs[i] : NULL;
		shared = bc->op == OP_REFCNT_SHARED || bc->op == OP_PIN_SHARED;
		w->rc = &refcnts[shared ? MAX_THREADS : i];
		w->rc->count = 1;
		w->fd = -1;
		if (bc->op != OP_OPEN_READ && bc->op != OP_OPEN_WRITE &&
		    w->attr) {
			flags = bc->op == OP_PWRITE ? O_WRONLY : O_RDONLY;
			w->fd = open(w->attr->path, flags);
			if (w->fd < 0)
				fail(w, "open", errno);
		}
		if (pthread_create(&w->tid, NULL, worker_fn, w)) {
			printf("# cannot create thread %d\n", i);
			exit(1);
		}
	}
	for (r = 0; r <= nr_rounds; r++) {
		pthread_barrier_wait(&start_barrier);
		pthread_barrier_wait(&end_barrier);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(workers[i].tid, NULL);
		if (workers[i].fd >= 0)
			close(workers[i].fd);
		if (workers[i].err && bad < 0)
			bad = i;
	}
	pthread_barrier_destroy(&start_barrier);
	pthread_barrier_destroy(&end_barrier);

	if (bad >= 0) {
		w = &workers[bad];
		printf("# %s threads=%d: %s %s: %s\n", bc->name, threads,
		       w->failed, w->attr ? w->attr->path : "", strerror(w->err));
		printf("not ok %d %s threads=%d\n", num, bc->name, threads);
		return 1;
	}
	for (r = 1; r <= nr_rounds; r++) {
		vals[r - 1] = 0;
		for (i = 0; i < threads; i++) {
			vals[r - 1] += workers[i].ns_per_op[r] / threads;
			total_ops += workers[i].ops[r];
		}
	}
	memcpy(sorted, vals, nr_rounds * sizeof(vals[0]));
	qsort(sorted, nr_rounds, sizeof(sorted[0]), cmp_double);
	if (nr_rounds % 2)
		median = sorted[nr_rounds / 2];
	else
		median = (sorted[nr_rounds / 2 - 1] + sorted[nr_rounds / 2]) / 2;

	printf("# bench %s threads=%d ns_per_op=%.3f min=%.3f max=%.3f ops=%lu rounds_ns=",
	       bc->name, threads, median, sorted[0], sorted[nr_rounds - 1],
	       total_ops);
	for (r = 0; r < nr_rounds; r++)
		printf("%s%.3f", r ? "," : "", vals[r]);
	printf("\n");
	printf("ok %d %s threads=%d\n", num, bc->name, threads);
	return 0;
}

/*
 * One operation on each attribute the case uses, so that a missing or
 * failing attribute shows even where the case only runs one thread.
 * Returns 0, or 1 after printing what failed.
 */
static int check_attrs(const struct bench_case *bc)
{
	struct worker w;
	int i, ret;

	for (i = 0; bc->attrs && bc->attrs[i].path; i++) {
		memset(&w, 0, sizeof(w));
		w.bc = bc;
		w.attr = &bc->attrs[i];
		w.rc = &refcnts[i];
		w.rc->count = 1;
		w.fd = open(w.attr->path, bc->op == OP_PWRITE ||
			    bc->op == OP_OPEN_WRITE ? O_WRONLY : O_RDONLY);
		ret = w.fd < 0 ? fail(&w, "open", errno) : do_op(&w);
		if (w.fd >= 0)
			close(w.fd);
		if (ret) {
			printf("# %s: %s %s: %s\n", bc->name, w.failed,
			       w.attr->path, strerror(w.err));
			return 1;
		}
	}
	return 0;
}

static void print_usage(const char *prog)
{
	unsigned int i;

	fprintf(stderr,
		"usage: %s [-d SECONDS] [-r ROUNDS] [-c CPUS] [-t THREADS] [CASE...]\ncases:",
		prog);
	for (i = 0; i < NR_CASES; i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const struct bench_case *sel[NR_CASES];
	int cpus = 0, threads = 0, online, nsel = 0, failed = 0;
	int opt, num, plan, i, multi, bad;
	unsigned int c;

	while ((opt = getopt(argc, argv, "d:r:c:t:h")) != -1) {
		switch (opt) {
		case 'd':
			round_ns = strtod(optarg, NULL) * 1e9;
			break;
		case 'r':
			nr_rounds = atoi(optarg);
			break;
		case 'c':
			cpus = atoi(optarg);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		default:
			print_usage(argv[0]);
		}
	}
	if (round_ns <= 0 || nr_rounds < 1 || nr_rounds > MAX_ROUNDS ||
	    cpus < 0 || threads < 0 || threads > MAX_THREADS)
		print_usage(argv[0]);

	for (i = optind; i < argc; i++) {
		for (c = 0; c < NR_CASES; c++)
			if (!strcmp(argv[i], cases[c].name))
				break;
		if (c == NR_CASES) {
			fprintf(stderr, "unknown case '%s'\n", argv[i]);
			print_usage(argv[0]);
		}
		sel[nsel++] = &cases[c];
	}
	if (!nsel)
		for (c = 0; c < NR_CASES; c++)
			if (cases[c].by_default)
				sel[nsel++] = &cases[c];

	setvbuf(stdout, NULL, _IOLBF, 0);
	online = sysconf(_SC_NPROCESSORS_ONLN);
	if (online < 1)
		online = 1;
	if (!cpus)
		cpus = online;
	if (!threads)
		threads = cpus;
	multi = threads > 1;

	printf("TAP version 13\n");
	printf("# sysfs-bench: cpus_online=%d cpus_requested=%d threads=%d seconds=%g rounds=%d\n",
	       online, cpus, threads, round_ns / 1e9, nr_rounds);
	plan = 2 + nsel * (multi ? 2 : 1);
	printf("1..%d\n", plan);

	num = 1;
	if (online < cpus) {
		printf("# guest sees %d CPU(s), %d requested: multi-thread cases skipped\n",
		       online, cpus);
		printf("not ok %d cpus online=%d requested=%d\n", num++, online,
		       cpus);
		failed++;
	} else {
		printf("ok %d cpus online=%d requested=%d\n", num++, online,
		       cpus);
	}

	bad = 0;
	for (i = 0; i < nsel; i++)
		bad += check_attrs(sel[i]);
	printf("%s %d attributes usable\n", bad ? "not ok" : "ok", num++);
	failed += !!bad;

	for (i = 0; i < nsel; i++)
		failed += run_case(num++, sel[i], 1, online);
	for (i = 0; multi && i < nsel; i++) {
		if (online < cpus || online < threads) {
			printf("ok %d %s threads=%d # SKIP %d CPU(s) online\n",
			       num++, sel[i]->name, threads, online);
			continue;
		}
		failed += run_case(num++, sel[i], threads, online);
	}
	return failed ? 1 : 0;
}

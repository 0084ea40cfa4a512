// SPDX-License-Identifier: GPL-2.0
/*
 * Wait points for kernfs file operations.
 *
 * The races between a kernfs file operation and the removal of its node
 * are a few instructions wide.  Tests make them reproducible by parking a
 * task at a wait point inside the operation, doing the removal, and then
 * releasing the task.  Each wait point is enabled on its own, and whether
 * an enabled point fires is decided by the standard fault injection
 * attributes (probability, interval, times, task-filter, verbose) of
 * /sys/kernel/debug/fail_kernfs/.  See
 * Documentation/fault-injection/fault-injection.rst.
 */

#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "kernfs-internal.h"

static const char * const kernfs_fi_point_names[KERNFS_FI_NR_POINTS] = {
	[KERNFS_FI_OPEN]		= "wait_open",
	[KERNFS_FI_READ_BEFORE_ACTIVE]	= "wait_read_before_active",
	[KERNFS_FI_READ_ACTIVE]		= "wait_read_active",
	[KERNFS_FI_WRITE_BEFORE_ACTIVE]	= "wait_write_before_active",
	[KERNFS_FI_WRITE_ACTIVE]	= "wait_write_active",
};

static DECLARE_FAULT_ATTR(fail_kernfs);
static bool kernfs_fi_enabled[KERNFS_FI_NR_POINTS];
static u32 kernfs_fi_timeout_ms = 30 * MSEC_PER_SEC;
static atomic_t kernfs_fi_waiting = ATOMIC_INIT(0);
static atomic_t kernfs_fi_timeouts = ATOMIC_INIT(0);

/*
 * Bumped by every write to "release"; a parked task waits for it to change
 * from the value it read before it was counted in "waiting".  See the
 * barrier comments in kernfs_fi_wait() and kernfs_fi_release_write().
 */
static atomic_long_t kernfs_fi_release_seq = ATOMIC_LONG_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(kernfs_fi_wq);

/* Only nodes with this name wait; an empty filter matches every node. */
static DEFINE_SPINLOCK(kernfs_fi_name_lock);
static char kernfs_fi_name[NAME_MAX + 1];

/**
 * kernfs_fi_parse_name - check a name written to the "name" filter
 * @dst: buffer of NAME_MAX + 1 bytes that receives the name
 * @src: the bytes written, not NUL-terminated
 * @len: number of bytes at @src
 *
 * One trailing newline, as echo(1) adds, is dropped.  What is left is
 * either empty, which clears the filter, or a name that a kernfs node can
 * have and that can be matched exactly: at most NAME_MAX bytes, no '/', no
 * ASCII control character and no leading or trailing space.  Anything else,
 * including a name made of spaces only, is refused rather than trimmed, so
 * that a filter never ends up matching more nodes than the user named.
 *
 * Return: 0 with the NUL-terminated name in @dst, or -EINVAL with @dst
 * left alone.
 */
VISIBLE_IF_KUNIT int kernfs_fi_parse_name(char *dst, const char *src,
					  size_t len)
{
	size_t i;

	if (len && src[len - 1] == '\n')
		len--;
	if (len > NAME_MAX)
		return -EINVAL;
	if (len && (src[0] == ' ' || src[len - 1] == ' '))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = src[i];

		if (c < 0x20 || c == 0x7f || c == '/')
			return -EINVAL;
	}

	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kernfs_fi_parse_name);

/**
 * kernfs_fi_name_matches - apply the name filter to a node name
 * @filter: the filter, as accepted by kernfs_fi_parse_name()
 * @name: the name of the node
 *
 * Return: %true if @filter is empty or equal to @name.
 */
VISIBLE_IF_KUNIT bool kernfs_fi_name_matches(const char *filter,
					     const char *name)
{
	return !filter[0] || !strcmp(filter, name);
}
EXPORT_SYMBOL_IF_KUNIT(kernfs_fi_name_matches);

/**
 * kernfs_fi_check_timeout - check a value written to "timeout_ms"
 * @ms: the value
 *
 * Return: 0 if @ms is between 1 and KERNFS_FI_MAX_TIMEOUT_MS, else -EINVAL.
 */
VISIBLE_IF_KUNIT int kernfs_fi_check_timeout(u64 ms)
{
	return ms && ms <= KERNFS_FI_MAX_TIMEOUT_MS ? 0 : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(kernfs_fi_check_timeout);

static bool kernfs_fi_name_match(const char *name)
{
	bool match;

	spin_lock(&kernfs_fi_name_lock);
	match = kernfs_fi_name_matches(kernfs_fi_name, name);
	spin_unlock(&kernfs_fi_name_lock);
	return match;
}

/**
 * kernfs_fi_wait - park the current task at a kernfs wait point
 * @kn: kernfs_node the operation works on
 * @point: which wait point the caller is at
 *
 * If @point is enabled, @kn matches the name filter and the fail_kernfs
 * fault attributes say so, block until "release" is written or until
 * timeout_ms expires, whichever comes first.  While blocked, the task is
 * counted in "waiting", so a test can tell that it has arrived.  The wait
 * is killable, and a timeout is logged (ratelimited) and counted in
 * "timeouts".
 *
 * The caller's locking state is left alone: at the *_ACTIVE points the
 * caller holds an active reference on @kn, so a concurrent removal of @kn
 * waits in kernfs_drain() until the task is released.
 */
void kernfs_fi_wait(struct kernfs_node *kn, enum kernfs_fi_point point)
{
	char name[NAME_MAX + 1];
	unsigned long timeout;
	long seq, left;

	if (!READ_ONCE(kernfs_fi_enabled[point]))
		return;
	/* A rename may free kn->name: copy it under kernfs_rename_lock. */
	if (kernfs_name(kn, name, sizeof(name)) < 0 ||
	    !kernfs_fi_name_match(name))
		return;
	if (!should_fail_ex(&fail_kernfs, 1, 0))
		return;

	timeout = READ_ONCE(kernfs_fi_timeout_ms);
	seq = atomic_long_read(&kernfs_fi_release_seq);
	/*
	 * A test waits until "waiting" counts this task and then writes
	 * "release".  Order the read of the sequence before the increment,
	 * so that a task that is seen in "waiting" has read the sequence that
	 * the next release changes; pairs with the barrier in
	 * kernfs_fi_release_write().  Otherwise the task could read the bumped
	 * sequence, miss that release and stay parked until the timeout.
	 */
	smp_mb__before_atomic();
	atomic_inc(&kernfs_fi_waiting);
	left = wait_event_killable_timeout(kernfs_fi_wq,
					   atomic_long_read(&kernfs_fi_release_seq) != seq,
					   msecs_to_jiffies(timeout));
	atomic_dec(&kernfs_fi_waiting);

	if (!left) {
		atomic_inc(&kernfs_fi_timeouts);
		pr_warn_ratelimited("fail_kernfs: %s[%d] not released from %s on \"%s\" within %lu ms, continuing\n",
				    current->comm, task_pid_nr(current),
				    kernfs_fi_point_names[point], name, timeout);
	}
}

/*
 * The wait_* switches. Unlike debugfs_create_bool(), a write that is not a
 * boolean fails with the error of kstrtobool() instead of being ignored.
 */
static ssize_t kernfs_fi_point_write(struct file *file, const char __user *buf,
				     size_t count, loff_t *ppos)
{
	bool *enabled = file->private_data;
	bool val;
	int ret;

	ret = kstrtobool_from_user(buf, count, &val);
	if (ret)
		return ret;
	WRITE_ONCE(*enabled, val);
	return count;
}

static const struct file_operations kernfs_fi_point_fops = {
	.read	= debugfs_read_file_bool,
	.write	= kernfs_fi_point_write,
	.open	= simple_open,
	.llseek	= default_llseek,
};

static ssize_t kernfs_fi_release_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	/*
	 * Order the caller's earlier read of "waiting" before the bump;
	 * pairs with the barrier in kernfs_fi_wait().  The wake-up itself
	 * cannot be lost: wait_event_*() checks the condition after queueing
	 * the task, and wake_up_all() takes the wait queue lock.
	 */
	smp_mb__before_atomic();
	atomic_long_inc(&kernfs_fi_release_seq);
	wake_up_all(&kernfs_fi_wq);
	return count;
}

static const struct file_operations kernfs_fi_release_fops = {
	.write	= kernfs_fi_release_write,
	.llseek	= noop_llseek,
};

static ssize_t kernfs_fi_name_read(struct file *file, char __user *buf,
				   size_t count, loff_t *ppos)
{
	char name[NAME_MAX + 2];
	size_t len;

	spin_lock(&kernfs_fi_name_lock);
	len = scnprintf(name, sizeof(name), "%s\n", kernfs_fi_name);
	spin_unlock(&kernfs_fi_name_lock);
	return simple_read_from_buffer(buf, count, ppos, name, len);
}

static ssize_t kernfs_fi_name_write(struct file *file, const char __user *buf,
				    size_t count, loff_t *ppos)
{
	char src[NAME_MAX + 1], name[NAME_MAX + 1];
	int ret;

	/* The name and its newline in one write(2), from the start. */
	if (*ppos || count > NAME_MAX + 1)
		return -EINVAL;
	if (copy_from_user(src, buf, count))
		return -EFAULT;
	ret = kernfs_fi_parse_name(name, src, count);
	if (ret)
		return ret;

	spin_lock(&kernfs_fi_name_lock);
	strscpy(kernfs_fi_name, name);
	spin_unlock(&kernfs_fi_name_lock);
	return count;
}

static const struct file_operations kernfs_fi_name_fops = {
	.read	= kernfs_fi_name_read,
	.write	= kernfs_fi_name_write,
	.llseek	= default_llseek,
};

static int kernfs_fi_timeout_get(void *data, u64 *val)
{
	*val = READ_ONCE(kernfs_fi_timeout_ms);
	return 0;
}

static int kernfs_fi_timeout_set(void *data, u64 val)
{
	int ret = kernfs_fi_check_timeout(val);

	if (!ret)
		WRITE_ONCE(kernfs_fi_timeout_ms, val);
	return ret;
}

DEFINE_DEBUGFS_ATTRIBUTE(kernfs_fi_timeout_fops, kernfs_fi_timeout_get,
			 kernfs_fi_timeout_set, "%llu\n");

static int __init kernfs_fi_debugfs_init(void)
{
	struct dentry *dir;
	int i;

	dir = fault_create_debugfs_attr("fail_kernfs", NULL, &fail_kernfs);
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	for (i = 0; i < KERNFS_FI_NR_POINTS; i++)
		debugfs_create_file(kernfs_fi_point_names[i], 0600, dir,
				    &kernfs_fi_enabled[i], &kernfs_fi_point_fops);
	debugfs_create_file("name", 0600, dir, NULL, &kernfs_fi_name_fops);
	debugfs_create_file_unsafe("timeout_ms", 0600, dir, NULL,
				   &kernfs_fi_timeout_fops);
	debugfs_create_file("release", 0200, dir, NULL, &kernfs_fi_release_fops);
	debugfs_create_atomic_t("waiting", 0400, dir, &kernfs_fi_waiting);
	debugfs_create_atomic_t("timeouts", 0400, dir, &kernfs_fi_timeouts);
	return 0;
}
late_initcall(kernfs_fi_debugfs_init);

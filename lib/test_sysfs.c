// SPDX-License-Identifier: GPL-2.0
/*
 * Test module for races between sysfs operations and device removal.
 *
 * The module registers a control misc device, "test_sysfs", whose
 * attributes add and remove test devices: a misc device ("test_sysfs_misc")
 * and a block device ("test_sysfs_blk"). Each test device is the child of a
 * platform device bound to one of two platform drivers, one that probes
 * synchronously and one that probes asynchronously, so that removal can be
 * triggered by module exit, by driver unbind, or through the control device.
 *
 * Every test device carries the same attributes, one value each: plain
 * attributes and a bin attribute, in groups that built-in code registers
 * for the module (misc device groups, gendisk groups). The platform devices
 * carry an attribute from the driver's dev_groups, and the module's class,
 * "test_sysfs", a class attribute, so that every way of registering a
 * module's static attributes can be tested. Two of
 * them, mutex_int and rtnl_int, take a lock in show and store; the driver's
 * remove() can be told to hold the same lock across the removal of the
 * device. That is the pattern that deadlocks against kernfs_drain(): the
 * removal waits for the store's active reference, the store waits for the
 * lock. The stores take the lock killably, so a test can break a deadlock
 * it has detected by killing the store.
 *
 * Attributes are documented in Documentation/ABI/testing/sysfs-test_sysfs,
 * and tools/testing/selftests/sysfs/test_sysfs.sh drives them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#define TEST_SYSFS_STR_LEN		32
#define TEST_SYSFS_BIN_LEN		16
#define TEST_SYSFS_PAUSE_MAX_MS		30000
#define TEST_SYSFS_PAUSE_POLL_MS	10

enum test_sysfs_kind {
	TEST_SYSFS_MISC,
	TEST_SYSFS_BLK,
	TEST_SYSFS_NR_KINDS,
};

enum test_sysfs_lock {
	TEST_SYSFS_LOCK_NONE,
	TEST_SYSFS_LOCK_MUTEX,
	TEST_SYSFS_LOCK_RTNL,
};

static const char * const test_sysfs_lock_names[] = {
	[TEST_SYSFS_LOCK_NONE]	= "none",
	[TEST_SYSFS_LOCK_MUTEX]	= "mutex",
	[TEST_SYSFS_LOCK_RTNL]	= "rtnl",
};

/**
 * struct test_sysfs_dev - one test device
 * @kind: misc or block
 * @misc: the misc device, for %TEST_SYSFS_MISC
 * @disk: the gendisk, for %TEST_SYSFS_BLK
 * @lock: protects @int_val, @bool_val and @str_val
 * @int_val: value of the int_val attribute
 * @bool_val: value of the bool_val attribute
 * @str_val: value of the str_val attribute
 * @bin_val: contents of the bin_val bin attribute, under @lock
 * @pdev_int: value of the pdev_int attribute of the platform device, under @lock
 * @mutex_int: value of the mutex_int attribute, under test_sysfs_mutex
 * @rtnl_int: value of the rtnl_int attribute, under the RTNL lock
 */
struct test_sysfs_dev {
	enum test_sysfs_kind kind;
	struct miscdevice misc;
	struct gendisk *disk;
	struct mutex lock;		/* protects the five values below */
	int int_val;
	bool bool_val;
	char str_val[TEST_SYSFS_STR_LEN];
	u8 bin_val[TEST_SYSFS_BIN_LEN];
	int pdev_int;
	int mutex_int;
	int rtnl_int;
};

/* The lock "M" of the deadlock: taken by mutex_int and, on demand, by remove(). */
static DEFINE_MUTEX(test_sysfs_mutex);

/* Serialises the control attributes and protects the state below. */
static DEFINE_MUTEX(test_sysfs_ctl_lock);
static struct platform_device *test_sysfs_pdev[TEST_SYSFS_NR_KINDS];
static bool test_sysfs_probe_async;

/*
 * "bulk_attrs": a directory "bulk" below the control device with that many
 * read-only attributes, so that the cost of removing a large directory can
 * be measured. All its attributes share one lockdep class, as the
 * instances of one static attribute do. Protected by test_sysfs_ctl_lock.
 */
#define TEST_SYSFS_BULK_MAX	65536
struct test_sysfs_bulk {
	struct kobject *kobj;
	struct attribute_group group;
	struct kobj_attribute *attrs;
	char (*names)[12];	/* "a" and an unsigned int */
	unsigned int nr;
};

static struct test_sysfs_bulk test_sysfs_bulk;

/* Read by remove(), which can run without test_sysfs_ctl_lock (unbind). */
static enum test_sysfs_lock test_sysfs_remove_lock;

/*
 * Pause in remove(), with the remove lock held and before the device is
 * removed, while the debugfs bool "remove_pause" is set. The debugfs files
 * use the built-in debugfs fops, which do not pin this module, so a test
 * can still release the pause while the module is going away.
 */
static bool test_sysfs_remove_pause;
static atomic_t test_sysfs_remove_paused = ATOMIC_INIT(0);
static struct dentry *test_sysfs_debugfs;

static int test_sysfs_major;

/* The misc device and the disk are both children of the platform device. */
static struct test_sysfs_dev *to_test_sysfs_dev(struct device *dev)
{
	return dev_get_drvdata(dev->parent);
}

static ssize_t int_val_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	int val;

	mutex_lock(&tdev->lock);
	val = tdev->int_val;
	mutex_unlock(&tdev->lock);
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t int_val_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	int val, ret;

	ret = kstrtoint(buf, 0, &val);
	if (ret)
		return ret;
	mutex_lock(&tdev->lock);
	tdev->int_val = val;
	mutex_unlock(&tdev->lock);
	return count;
}
static DEVICE_ATTR_RW(int_val);

static ssize_t bool_val_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	bool val;

	mutex_lock(&tdev->lock);
	val = tdev->bool_val;
	mutex_unlock(&tdev->lock);
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t bool_val_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	mutex_lock(&tdev->lock);
	tdev->bool_val = val;
	mutex_unlock(&tdev->lock);
	return count;
}
static DEVICE_ATTR_RW(bool_val);

static ssize_t str_val_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	ssize_t len;

	mutex_lock(&tdev->lock);
	len = sysfs_emit(buf, "%s\n", tdev->str_val);
	mutex_unlock(&tdev->lock);
	return len;
}

static ssize_t str_val_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	size_t len = count;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= TEST_SYSFS_STR_LEN || memchr(buf, '\0', len))
		return -EINVAL;
	mutex_lock(&tdev->lock);
	memcpy(tdev->str_val, buf, len);
	tdev->str_val[len] = '\0';
	mutex_unlock(&tdev->lock);
	return count;
}
static DEVICE_ATTR_RW(str_val);

static ssize_t mutex_int_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	int val;

	if (mutex_lock_killable(&test_sysfs_mutex))
		return -EINTR;
	val = tdev->mutex_int;
	mutex_unlock(&test_sysfs_mutex);
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t mutex_int_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	int val, ret;

	ret = kstrtoint(buf, 0, &val);
	if (ret)
		return ret;
	if (mutex_lock_killable(&test_sysfs_mutex))
		return -EINTR;
	tdev->mutex_int = val;
	mutex_unlock(&test_sysfs_mutex);
	return count;
}
static DEVICE_ATTR_RW(mutex_int);

static ssize_t rtnl_int_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	int val;

	if (rtnl_lock_killable())
		return -EINTR;
	val = tdev->rtnl_int;
	rtnl_unlock();
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t rtnl_int_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(dev);
	int val, ret;

	ret = kstrtoint(buf, 0, &val);
	if (ret)
		return ret;
	if (rtnl_lock_killable())
		return -EINTR;
	tdev->rtnl_int = val;
	rtnl_unlock();
	return count;
}
static DEVICE_ATTR_RW(rtnl_int);

static ssize_t bin_val_read(struct file *file, struct kobject *kobj,
			    struct bin_attribute *attr, char *buf, loff_t off,
			    size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(kobj_to_dev(kobj));

	/* sysfs keeps off + count within TEST_SYSFS_BIN_LEN */
	mutex_lock(&tdev->lock);
	memcpy(buf, tdev->bin_val + off, count);
	mutex_unlock(&tdev->lock);
	return count;
}

static ssize_t bin_val_write(struct file *file, struct kobject *kobj,
			     struct bin_attribute *attr, char *buf, loff_t off,
			     size_t count)
{
	struct test_sysfs_dev *tdev = to_test_sysfs_dev(kobj_to_dev(kobj));

	mutex_lock(&tdev->lock);
	memcpy(tdev->bin_val + off, buf, count);
	mutex_unlock(&tdev->lock);
	return count;
}
static BIN_ATTR_RW(bin_val, TEST_SYSFS_BIN_LEN);

static struct attribute *test_sysfs_dev_attrs[] = {
	&dev_attr_int_val.attr,
	&dev_attr_bool_val.attr,
	&dev_attr_str_val.attr,
	&dev_attr_mutex_int.attr,
	&dev_attr_rtnl_int.attr,
	NULL
};

static struct bin_attribute *test_sysfs_dev_bin_attrs[] = {
	&bin_attr_bin_val,
	NULL
};

static const struct attribute_group test_sysfs_dev_group = {
	.attrs		= test_sysfs_dev_attrs,
	.bin_attrs	= test_sysfs_dev_bin_attrs,
};
__ATTRIBUTE_GROUPS(test_sysfs_dev);

/* Attribute of the platform device, from the driver's dev_groups. */
static ssize_t pdev_int_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct test_sysfs_dev *tdev = dev_get_drvdata(dev);
	int val;

	mutex_lock(&tdev->lock);
	val = tdev->pdev_int;
	mutex_unlock(&tdev->lock);
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t pdev_int_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct test_sysfs_dev *tdev = dev_get_drvdata(dev);
	int val, ret;

	ret = kstrtoint(buf, 0, &val);
	if (ret)
		return ret;
	mutex_lock(&tdev->lock);
	tdev->pdev_int = val;
	mutex_unlock(&tdev->lock);
	return count;
}
static DEVICE_ATTR_RW(pdev_int);

static struct attribute *test_sysfs_pdev_attrs[] = {
	&dev_attr_pdev_int.attr,
	NULL
};
ATTRIBUTE_GROUPS(test_sysfs_pdev);

/* Attribute of the module's class, from its class_groups. */
static int test_sysfs_class_int;

static ssize_t class_int_show(const struct class *class,
			      const struct class_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(test_sysfs_class_int));
}

static ssize_t class_int_store(const struct class *class,
			       const struct class_attribute *attr,
			       const char *buf, size_t count)
{
	int val, ret;

	ret = kstrtoint(buf, 0, &val);
	if (ret)
		return ret;
	WRITE_ONCE(test_sysfs_class_int, val);
	return count;
}
static CLASS_ATTR_RW(class_int);

static struct attribute *test_sysfs_class_attrs[] = {
	&class_attr_class_int.attr,
	NULL
};
ATTRIBUTE_GROUPS(test_sysfs_class);

static const struct class test_sysfs_class = {
	.name		= "test_sysfs",
	.class_groups	= test_sysfs_class_groups,
};

static const struct file_operations test_sysfs_misc_fops = {
	.owner	= THIS_MODULE,
};

static void test_sysfs_submit_bio(struct bio *bio)
{
	bio_io_error(bio);
}

static const struct block_device_operations test_sysfs_blk_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= test_sysfs_submit_bio,
};

static int test_sysfs_add_misc(struct test_sysfs_dev *tdev,
			       struct device *parent)
{
	tdev->misc.minor = MISC_DYNAMIC_MINOR;
	tdev->misc.name = "test_sysfs_misc";
	tdev->misc.fops = &test_sysfs_misc_fops;
	tdev->misc.groups = test_sysfs_dev_groups;
	tdev->misc.parent = parent;
	return misc_register(&tdev->misc);
}

static int test_sysfs_add_blk(struct test_sysfs_dev *tdev,
			      struct device *parent)
{
	struct gendisk *disk;
	int ret;

	disk = blk_alloc_disk(NULL, NUMA_NO_NODE);
	if (IS_ERR(disk))
		return PTR_ERR(disk);
	disk->major = test_sysfs_major;
	disk->first_minor = 0;
	disk->minors = 1;
	disk->fops = &test_sysfs_blk_fops;
	strscpy(disk->disk_name, "test_sysfs_blk");
	set_capacity(disk, 0);

	ret = device_add_disk(parent, disk, test_sysfs_dev_groups);
	if (ret) {
		put_disk(disk);
		return ret;
	}
	tdev->disk = disk;
	return 0;
}

static int test_sysfs_probe(struct platform_device *pdev)
{
	const enum test_sysfs_kind *kind = dev_get_platdata(&pdev->dev);
	struct test_sysfs_dev *tdev;

	tdev = devm_kzalloc(&pdev->dev, sizeof(*tdev), GFP_KERNEL);
	if (!tdev)
		return -ENOMEM;
	mutex_init(&tdev->lock);
	tdev->kind = *kind;
	platform_set_drvdata(pdev, tdev);

	if (tdev->kind == TEST_SYSFS_BLK)
		return test_sysfs_add_blk(tdev, &pdev->dev);
	return test_sysfs_add_misc(tdev, &pdev->dev);
}

/* Wait, bounded, while remove_pause is set; see test_sysfs_remove_pause. */
static void test_sysfs_pause(void)
{
	unsigned int waited = 0;

	if (!READ_ONCE(test_sysfs_remove_pause))
		return;
	atomic_inc(&test_sysfs_remove_paused);
	while (READ_ONCE(test_sysfs_remove_pause) &&
	       waited < TEST_SYSFS_PAUSE_MAX_MS) {
		msleep(TEST_SYSFS_PAUSE_POLL_MS);
		waited += TEST_SYSFS_PAUSE_POLL_MS;
	}
	atomic_dec(&test_sysfs_remove_paused);
	if (waited >= TEST_SYSFS_PAUSE_MAX_MS)
		pr_warn("remove_pause not cleared within %u ms, going on\n",
			TEST_SYSFS_PAUSE_MAX_MS);
}

/* Remove the device node and its attributes, draining their operations. */
static void test_sysfs_del(struct test_sysfs_dev *tdev)
{
	test_sysfs_pause();
	if (tdev->kind == TEST_SYSFS_BLK) {
		del_gendisk(tdev->disk);
		put_disk(tdev->disk);
	} else {
		misc_deregister(&tdev->misc);
	}
}

/*
 * Removal of the test device, from module exit, from driver unbind or
 * from the control device. With remove_lock set, the lock is held across
 * the removal, which drains the active references of the attributes. The
 * lock is taken here, in plain sight, and not in a helper, so that static
 * checkers see the pattern as drivers write it.
 */
static void test_sysfs_remove(struct platform_device *pdev)
{
	struct test_sysfs_dev *tdev = platform_get_drvdata(pdev);

	switch (READ_ONCE(test_sysfs_remove_lock)) {
	case TEST_SYSFS_LOCK_MUTEX:
		mutex_lock(&test_sysfs_mutex);
		test_sysfs_del(tdev);
		mutex_unlock(&test_sysfs_mutex);
		break;
	case TEST_SYSFS_LOCK_RTNL:
		rtnl_lock();
		test_sysfs_del(tdev);
		rtnl_unlock();
		break;
	default:
		test_sysfs_del(tdev);
	}
}

static struct platform_driver test_sysfs_sync_driver = {
	.probe	= test_sysfs_probe,
	.remove	= test_sysfs_remove,
	.driver	= {
		.name		= "test_sysfs_sync",
		.probe_type	= PROBE_FORCE_SYNCHRONOUS,
		.dev_groups	= test_sysfs_pdev_groups,
	},
};

static struct platform_driver test_sysfs_async_driver = {
	.probe	= test_sysfs_probe,
	.remove	= test_sysfs_remove,
	.driver	= {
		.name		= "test_sysfs_async",
		.probe_type	= PROBE_PREFER_ASYNCHRONOUS,
		.dev_groups	= test_sysfs_pdev_groups,
	},
};

/* Add or remove the test device of @kind. Called with test_sysfs_ctl_lock. */
static int test_sysfs_set_present(enum test_sysfs_kind kind, bool present)
{
	struct platform_device *pdev = test_sysfs_pdev[kind];
	const char *drv;

	if (!present) {
		test_sysfs_pdev[kind] = NULL;
		platform_device_unregister(pdev);
		return 0;
	}
	if (pdev)
		return 0;

	drv = test_sysfs_probe_async ? test_sysfs_async_driver.driver.name :
				       test_sysfs_sync_driver.driver.name;
	pdev = platform_device_register_data(NULL, drv, kind, &kind,
					     sizeof(kind));
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	test_sysfs_pdev[kind] = pdev;
	return 0;
}

static ssize_t test_sysfs_present_show(enum test_sysfs_kind kind, char *buf)
{
	bool present;

	mutex_lock(&test_sysfs_ctl_lock);
	present = test_sysfs_pdev[kind];
	mutex_unlock(&test_sysfs_ctl_lock);
	return sysfs_emit(buf, "%d\n", present);
}

static ssize_t test_sysfs_present_store(enum test_sysfs_kind kind,
					const char *buf, size_t count)
{
	bool present;
	int ret;

	ret = kstrtobool(buf, &present);
	if (ret)
		return ret;
	mutex_lock(&test_sysfs_ctl_lock);
	ret = test_sysfs_set_present(kind, present);
	mutex_unlock(&test_sysfs_ctl_lock);
	return ret ?: count;
}

static ssize_t misc_device_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return test_sysfs_present_show(TEST_SYSFS_MISC, buf);
}

static ssize_t misc_device_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return test_sysfs_present_store(TEST_SYSFS_MISC, buf, count);
}
static DEVICE_ATTR_RW(misc_device);

static ssize_t blk_device_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return test_sysfs_present_show(TEST_SYSFS_BLK, buf);
}

static ssize_t blk_device_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	return test_sysfs_present_store(TEST_SYSFS_BLK, buf, count);
}
static DEVICE_ATTR_RW(blk_device);

static ssize_t probe_async_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	bool async;

	mutex_lock(&test_sysfs_ctl_lock);
	async = test_sysfs_probe_async;
	mutex_unlock(&test_sysfs_ctl_lock);
	return sysfs_emit(buf, "%d\n", async);
}

static ssize_t probe_async_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	bool async;
	int ret;

	ret = kstrtobool(buf, &async);
	if (ret)
		return ret;
	mutex_lock(&test_sysfs_ctl_lock);
	test_sysfs_probe_async = async;
	mutex_unlock(&test_sysfs_ctl_lock);
	return count;
}
static DEVICE_ATTR_RW(probe_async);

static ssize_t remove_lock_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  test_sysfs_lock_names[READ_ONCE(test_sysfs_remove_lock)]);
}

static ssize_t remove_lock_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	int lock = sysfs_match_string(test_sysfs_lock_names, buf);

	if (lock < 0)
		return lock;
	WRITE_ONCE(test_sysfs_remove_lock, lock);
	return count;
}
static DEVICE_ATTR_RW(remove_lock);

static ssize_t test_sysfs_bulk_attr_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", attr->attr.name);
}

/* Remove the bulk directory, if any. Called with test_sysfs_ctl_lock. */
static void test_sysfs_bulk_remove(void)
{
	struct test_sysfs_bulk *b = &test_sysfs_bulk;

	if (!b->kobj)
		return;
	kobject_put(b->kobj);
	kvfree(b->group.attrs);
	kvfree(b->attrs);
	kvfree(b->names);
	memset(b, 0, sizeof(*b));
}

/* Add the bulk directory with @nr attributes. Called with test_sysfs_ctl_lock. */
static int test_sysfs_bulk_add(struct device *parent, unsigned int nr)
{
	struct test_sysfs_bulk *b = &test_sysfs_bulk;
	unsigned int i;
	int ret = -ENOMEM;

	b->attrs = kvcalloc(nr, sizeof(*b->attrs), GFP_KERNEL);
	b->names = kvcalloc(nr, sizeof(*b->names), GFP_KERNEL);
	b->group.attrs = kvcalloc(nr + 1, sizeof(*b->group.attrs), GFP_KERNEL);
	if (!b->attrs || !b->names || !b->group.attrs)
		goto err_free;
	for (i = 0; i < nr; i++) {
		struct kobj_attribute *ka = &b->attrs[i];

		snprintf(b->names[i], sizeof(b->names[i]), "a%05u", i);
		sysfs_attr_init(&ka->attr);
		ka->attr.name = b->names[i];
		ka->attr.mode = 0444;
		ka->show = test_sysfs_bulk_attr_show;
		b->group.attrs[i] = &ka->attr;
	}
	b->kobj = kobject_create_and_add("bulk", &parent->kobj);
	if (!b->kobj)
		goto err_free;
	ret = sysfs_create_group(b->kobj, &b->group);
	if (ret)
		goto err_put;
	b->nr = nr;
	return 0;

err_put:
	kobject_put(b->kobj);
err_free:
	kvfree(b->group.attrs);
	kvfree(b->attrs);
	kvfree(b->names);
	memset(b, 0, sizeof(*b));
	return ret;
}

static ssize_t bulk_attrs_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	unsigned int nr;

	mutex_lock(&test_sysfs_ctl_lock);
	nr = test_sysfs_bulk.nr;
	mutex_unlock(&test_sysfs_ctl_lock);
	return sysfs_emit(buf, "%u\n", nr);
}

static ssize_t bulk_attrs_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	unsigned int nr;
	int ret;

	ret = kstrtouint(buf, 0, &nr);
	if (ret)
		return ret;
	if (nr > TEST_SYSFS_BULK_MAX)
		return -ERANGE;
	mutex_lock(&test_sysfs_ctl_lock);
	test_sysfs_bulk_remove();
	ret = nr ? test_sysfs_bulk_add(dev, nr) : 0;
	mutex_unlock(&test_sysfs_ctl_lock);
	return ret ?: count;
}
static DEVICE_ATTR_RW(bulk_attrs);

static struct attribute *test_sysfs_ctl_attrs[] = {
	&dev_attr_misc_device.attr,
	&dev_attr_blk_device.attr,
	&dev_attr_probe_async.attr,
	&dev_attr_remove_lock.attr,
	&dev_attr_bulk_attrs.attr,
	NULL
};
ATTRIBUTE_GROUPS(test_sysfs_ctl);

static struct miscdevice test_sysfs_ctl = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "test_sysfs",
	.fops	= &test_sysfs_misc_fops,
	.groups	= test_sysfs_ctl_groups,
};

static int __init test_sysfs_init(void)
{
	int ret;

	test_sysfs_major = register_blkdev(0, "test_sysfs");
	if (test_sysfs_major < 0)
		return test_sysfs_major;
	ret = class_register(&test_sysfs_class);
	if (ret)
		goto err_blkdev;
	ret = platform_driver_register(&test_sysfs_sync_driver);
	if (ret)
		goto err_class;
	ret = platform_driver_register(&test_sysfs_async_driver);
	if (ret)
		goto err_sync;
	ret = misc_register(&test_sysfs_ctl);
	if (ret)
		goto err_async;

	test_sysfs_debugfs = debugfs_create_dir("test_sysfs", NULL);
	debugfs_create_bool("remove_pause", 0600, test_sysfs_debugfs,
			    &test_sysfs_remove_pause);
	debugfs_create_atomic_t("remove_paused", 0400, test_sysfs_debugfs,
				&test_sysfs_remove_paused);
	return 0;

err_async:
	platform_driver_unregister(&test_sysfs_async_driver);
err_sync:
	platform_driver_unregister(&test_sysfs_sync_driver);
err_class:
	class_unregister(&test_sysfs_class);
err_blkdev:
	unregister_blkdev(test_sysfs_major, "test_sysfs");
	return ret;
}
module_init(test_sysfs_init);

static void __exit test_sysfs_exit(void)
{
	int kind;

	/* No control operation may add a device behind our back from here. */
	misc_deregister(&test_sysfs_ctl);
	mutex_lock(&test_sysfs_ctl_lock);
	test_sysfs_bulk_remove();
	mutex_unlock(&test_sysfs_ctl_lock);
	for (kind = 0; kind < TEST_SYSFS_NR_KINDS; kind++)
		if (test_sysfs_pdev[kind])
			test_sysfs_set_present(kind, false);
	platform_driver_unregister(&test_sysfs_async_driver);
	platform_driver_unregister(&test_sysfs_sync_driver);
	class_unregister(&test_sysfs_class);
	unregister_blkdev(test_sysfs_major, "test_sysfs");
	debugfs_remove_recursive(test_sysfs_debugfs);
}
module_exit(test_sysfs_exit);

MODULE_DESCRIPTION("Test module for races between sysfs operations and device removal");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");

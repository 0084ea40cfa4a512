// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the parts of the kernfs wait points that need no task to
 * park: the checks applied to what is written to the "name" and
 * "timeout_ms" knobs, and the name filter.  Parking, releasing and timing
 * out tasks is tested from user space by
 * tools/testing/selftests/sysfs/fail_kernfs.sh.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "kernfs-internal.h"

static int parse(char *dst, const char *src)
{
	return kernfs_fi_parse_name(dst, src, strlen(src));
}

static void kernfs_fi_test_name_valid(struct kunit *test)
{
	char name[NAME_MAX + 1];

	KUNIT_EXPECT_EQ(test, parse(name, "int_val\n"), 0);
	KUNIT_EXPECT_STREQ(test, name, "int_val");
	KUNIT_EXPECT_EQ(test, parse(name, "int_val"), 0);
	KUNIT_EXPECT_STREQ(test, name, "int_val");
	/* Names inside may hold spaces; only the ends may not. */
	KUNIT_EXPECT_EQ(test, parse(name, "a b\n"), 0);
	KUNIT_EXPECT_STREQ(test, name, "a b");
	/* Empty, with or without the newline, clears the filter. */
	KUNIT_EXPECT_EQ(test, parse(name, "\n"), 0);
	KUNIT_EXPECT_STREQ(test, name, "");
	KUNIT_EXPECT_EQ(test, parse(name, ""), 0);
	KUNIT_EXPECT_STREQ(test, name, "");
}

static void kernfs_fi_test_name_invalid(struct kunit *test)
{
	/* Spaces only, then a newline, as "echo '  ' >name" writes. */
	static const char spaces_nl[] = { ' ', ' ', '\n', '\0' };
	static const char * const bad[] = {
		" ", "   ", spaces_nl, "\t\n", " int_val", "int_val ",
		"int_val\n\n", "int\nval", "a/b", "/", "a\x01", "\x7f",
	};
	char name[NAME_MAX + 1] = "unchanged";
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, parse(name, bad[i]), -EINVAL,
				    "input %d", i);
		KUNIT_EXPECT_STREQ(test, name, "unchanged");
	}
}

static void kernfs_fi_test_name_length(struct kunit *test)
{
	char src[NAME_MAX + 3], name[NAME_MAX + 1];

	memset(src, 'x', sizeof(src));
	/* NAME_MAX bytes, with or without a newline, fit. */
	KUNIT_EXPECT_EQ(test, kernfs_fi_parse_name(name, src, NAME_MAX), 0);
	KUNIT_EXPECT_EQ(test, strlen(name), NAME_MAX);
	src[NAME_MAX] = '\n';
	KUNIT_EXPECT_EQ(test, kernfs_fi_parse_name(name, src, NAME_MAX + 1), 0);
	KUNIT_EXPECT_EQ(test, strlen(name), NAME_MAX);
	/* One byte more does not. */
	src[NAME_MAX] = 'x';
	src[NAME_MAX + 1] = '\n';
	KUNIT_EXPECT_EQ(test, kernfs_fi_parse_name(name, src, NAME_MAX + 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kernfs_fi_parse_name(name, src, NAME_MAX + 1),
			-EINVAL);
}

static void kernfs_fi_test_name_matches(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, kernfs_fi_name_matches("", "int_val"));
	KUNIT_EXPECT_TRUE(test, kernfs_fi_name_matches("int_val", "int_val"));
	KUNIT_EXPECT_FALSE(test, kernfs_fi_name_matches("int_val", "int_val2"));
	KUNIT_EXPECT_FALSE(test, kernfs_fi_name_matches("int", "int_val"));
	KUNIT_EXPECT_FALSE(test, kernfs_fi_name_matches("Int_val", "int_val"));
}

static void kernfs_fi_test_timeout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kernfs_fi_check_timeout(1), 0);
	KUNIT_EXPECT_EQ(test, kernfs_fi_check_timeout(30000), 0);
	KUNIT_EXPECT_EQ(test, kernfs_fi_check_timeout(KERNFS_FI_MAX_TIMEOUT_MS), 0);
	KUNIT_EXPECT_EQ(test, kernfs_fi_check_timeout(0), -EINVAL);
	KUNIT_EXPECT_EQ(test,
			kernfs_fi_check_timeout(KERNFS_FI_MAX_TIMEOUT_MS + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kernfs_fi_check_timeout(U64_MAX), -EINVAL);
}

static struct kunit_case kernfs_fi_test_cases[] = {
	KUNIT_CASE(kernfs_fi_test_name_valid),
	KUNIT_CASE(kernfs_fi_test_name_invalid),
	KUNIT_CASE(kernfs_fi_test_name_length),
	KUNIT_CASE(kernfs_fi_test_name_matches),
	KUNIT_CASE(kernfs_fi_test_timeout),
	{}
};

static struct kunit_suite kernfs_fi_test_suite = {
	.name = "fail_kernfs",
	.test_cases = kernfs_fi_test_cases,
};

kunit_test_suite(kernfs_fi_test_suite);

MODULE_DESCRIPTION("KUnit tests for the kernfs fault injection wait points");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

# SPDX-License-Identifier: GPL-2.0
# Sysfs listings for the guest programs that read what a module load
# created (sweep, lockdep_real). Sourced, not run: the file is not
# executable, so the guest's /init never runs it as a test. POSIX sh for
# busybox ash.

# sysfs_list FILE [DIR...]: every regular file of sysfs (or of the DIRs
# under it), sorted, into FILE. Left out: the mounts under /sys, which are
# not sysfs, and /sys/kernel/slab, whose thousands of files belong to the
# slab allocator (with SLUB debugging they alone take a listing past a
# minute under TCG).
sysfs_list() {
	_sl_out=$1
	shift
	[ $# -gt 0 ] || set -- /sys
	find "$@" -xdev -path /sys/kernel/slab -prune -o -type f -print 2>/dev/null | sort -u >"$_sl_out"
}

# sysfs_new BEFORE AFTER: the lines of listing AFTER that listing BEFORE
# does not have, in AFTER's order.
sysfs_new() {
	awk 'NR == FNR { old[$0] = 1; next } !($0 in old)' "$1" "$2"
}

# sysfs_anchors BEFORE NEW: the directories that hold every file of NEW,
# as few as possible: for each file, the deepest of its parent directories
# that the full listing BEFORE already had, leaving out those inside
# another one (sorted with a trailing slash, so that a directory comes
# right before those inside it). Listing only these finds the files of a
# load that creates the same devices again, at a fraction of the cost of
# all of sysfs.
sysfs_anchors() {
	awk 'NR == FNR {
		d = $0
		while (sub(/\/[^\/]*$/, "", d) && !(d in had))
			had[d] = 1
		next
	}
	{
		d = $0
		do
			sub(/\/[^\/]*$/, "", d)
		while (d != "" && !(d in had))
		print (d == "" ? "/sys" : d) "/"
	}' "$1" "$2" | sort -u | awk 'k == "" || index($0, k) != 1 { print substr($0, 1, length($0) - 1); k = $0 }'
}

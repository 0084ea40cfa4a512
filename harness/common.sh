# SPDX-License-Identifier: GPL-2.0
# Sourced by every harness script: paths, identity and small helpers.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$TOP/harness/identity"

B=${B:-$TOP/build}		# every build artefact lives here; safe to delete
SRC=$B/linux			# git repo: base commit + developer branch "series"
KTREE=$B/ktree			# build worktree (detached): only the kernel builders
				# (build-kernel, check-allmod, measure-fi-off) check
				# out and read it, each for its own build
STREE=$B/stree			# series worktree: apply-series.sh runs git am there
				# and leaves it at harness/series; checkpatch and
				# Coccinelle read their scripts from it
PATCHES=$TOP/patches
STATE=$B/state
SRC_TARBALL=${SRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
# The one base the series is tested on: Debian's linux-source-6.12 at this
# package version (bookworm-security keeps the older ones), whose "make
# kernelversion" is BASE_VERSION. install-deps.sh installs exactly this
# version; another one can be tried by setting BASE_PKG_VERSION (untested).
BASE_PKG_VERSION=${BASE_PKG_VERSION:-6.12.117-1~deb12u1}
BASE_VERSION=${BASE_PKG_VERSION%%-*}
BASE_DATE="2024-11-17T00:00:00+0000"	# fixed, so the base commit id is reproducible

export GIT_AUTHOR_NAME="$PROJECT_NAME" GIT_AUTHOR_EMAIL="$PROJECT_EMAIL"
export GIT_COMMITTER_NAME="$PROJECT_NAME" GIT_COMMITTER_EMAIL="$PROJECT_EMAIL"
# Content-keyed caches outlive build/ ("make clean" keeps them, "make
# distclean" removes them), so that a fresh clone on the same machine
# rebuilds its kernels from ccache.
CACHE=${SYSFS_MODPIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sysfs-modpin}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export LC_ALL=C

# The A/B checks (harness/ab.sh): ab_names lists them, ab_val NAME KEY
# prints the values of the first line NAME KEY (tab-separated).
AB_DATA=$TOP/harness/ab.tsv
ab_names() { awk -F'\t' '!/^#/ && $2 == "title" { print $1 }' "$AB_DATA"; }
ab_val() {
	awk -F'\t' -v n="$1" -v k="$2" '$1 == n && $2 == k {
		sub(/^[^\t]*\t[^\t]*\t?/, ""); print; exit }' "$AB_DATA"
}

# die "cause" "fix": one line, naming what went wrong and what to do.
die() {
	echo "error: $1${2:+ -- fix: $2}" >&2
	exit 1
}

log() { echo ">>> $*" >&2; }

need_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "missing tool '$t'" "run 'make deps' (or harness/install-deps.sh)"
	done
}

# need_disk DIR GB: refuse to start work that would fill the disk.
need_disk() {
	local dir=$1 gb=${HARNESS_MIN_GB:-$2} avail
	mkdir -p "$dir"
	avail=$(df -Pk "$dir" | awk 'NR==2 {print int($4 / 1048576)}')
	[ "$avail" -ge "$gb" ] ||
		die "only ${avail} GB free under $dir, need ${gb} GB" "free disk space or set B=<dir on a bigger disk>"
}

base_tag() {
	git -C "$SRC" tag -l 'base-6.12.*' 2>/dev/null | head -n 1
}

require_base() {
	BASE=$(base_tag)
	[ -n "$BASE" ] || die "no base tree in $SRC" "run 'make base' (harness/prepare-base.sh)"
}

# The patch files, in order, as listed by patches/series.
series_files() {
	grep -v '^[[:space:]]*\(#\|$\)' "$PATCHES/series" 2>/dev/null | sed "s|^|$PATCHES/|"
}

series_count() {
	series_files | wc -l
}

# series_commit SUBJECT: the commit of the applied series (harness/series,
# applied first if needed) whose subject line is SUBJECT.
series_commit() {
	local head c
	require_base
	head=$("$TOP/harness/apply-series.sh") || exit 1
	c=$(git -C "$SRC" log --format='%H %s' "$BASE..$head" | awk -v s="$1" 'substr($0, 42) == s { print $1; exit }')
	[ -n "$c" ] || die "no commit '$1' in the series" "check the subject, or patches/series"
	echo "$c"
}

# ktree_checkout COMMIT [NAME]: check COMMIT out in the harness worktree,
# creating the worktree if needed. The first call takes the worktree's
# lock ($STATE/ktree.lock) for the rest of the calling script, and its
# children, so that two builders never move the worktree under each
# other: a second one waits, and says what it waits for.
ktree_checkout() {
	if [ -z "${KTREE_LOCKED:-}" ]; then
		mkdir -p "$STATE"
		exec 8>>"$STATE/ktree.lock" || die "cannot open $STATE/ktree.lock" "check $STATE"
		if ! flock -n 8; then
			log "waiting for $KTREE: another build holds $STATE/ktree.lock"
			flock 8
		fi
		export KTREE_LOCKED=1
	fi
	if [ ! -e "$KTREE/.git" ]; then
		log "creating harness worktree $KTREE"
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$KTREE" "$1" || die "cannot create $KTREE" "rm -rf $KTREE and retry"
	elif [ "$(git -C "$KTREE" rev-parse HEAD)" != "$1" ]; then
		git -C "$KTREE" checkout -q -f --detach "$1" || die "cannot check out ${2:-$1} in $KTREE" "rm -rf $KTREE and retry"
	fi
}

# staged_find COMMIT CONFIG: the name under build/kernels of a kernel
# staged for COMMIT and CONFIG; 1 if there is none.
staged_find() {
	local info
	info=$(grep -lx "commit=$1" "$B"/kernels/*/info 2>/dev/null |
		xargs -r grep -lx "config=$2" | xargs -r grep -lx "staged=2" | head -n 1)
	[ -n "$info" ] && basename "$(dirname "$info")"
}

# staged_kernel NAME COMMIT CONFIG: the name of a kernel already staged
# under build/kernels for COMMIT and CONFIG (by the bisect build, say), or
# build and stage it as NAME.
staged_kernel() {
	if ! staged_find "$2" "$3"; then
		"$TOP/harness/build-kernel.sh" "$2" "$3" "$1" >/dev/null || exit 1
		echo "$1"
	fi
}

# series_without NAME SUBJECT...: a commit of the series (harness/series)
# without the patches of the given subjects: the other patches applied to
# the base in a private index ($STATE/NAME.index; no worktree, so no tree
# another step reads moves) and committed as one commit with a fixed
# date, so that a re-run gives the same commit and rebuilds nothing.
series_without() {
	local name=$1 head picks c tree
	shift
	require_base
	head=$("$TOP/harness/apply-series.sh") || exit 1
	picks=$(git -C "$SRC" log --reverse --format='%H %s' "$BASE..$head" | awk -v drop="$(printf '%s\n' "$@")" '
		BEGIN { n = split(drop, d, "\n"); for (i = 1; i <= n; i++) if (d[i] != "") skip[d[i]] = 1 }
		!(substr($0, 42) in skip) { print $1 }')
	mkdir -p "$STATE"
	: >"$STATE/$name-pick.log"
	GIT_INDEX_FILE=$STATE/$name.index git -C "$SRC" read-tree "$BASE" ||
		die "cannot read $BASE into $STATE/$name.index" "rm $STATE/$name.index and retry"
	for c in $picks; do
		git -C "$SRC" diff-tree -p --binary "$c^" "$c" |
			GIT_INDEX_FILE=$STATE/$name.index git -C "$SRC" apply --cached 2>>"$STATE/$name-pick.log" ||
			die "the series does not apply without the patches dropped (at $(git -C "$SRC" log -1 --format=%s "$c"))" \
				"see $STATE/$name-pick.log"
	done
	tree=$(GIT_INDEX_FILE=$STATE/$name.index git -C "$SRC" write-tree) || exit 1
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE git -C "$SRC" commit-tree "$tree" -p "$BASE^{commit}" \
		-m "the series without: $*"
}

// SPDX-License-Identifier: GPL-2.0-only
/// Find sysfs handlers that take a sleeping lock which a function of the
/// same file holds across the removal of a device or of sysfs attributes.
///
/// Removing a kernfs node waits in kernfs_drain() until every show() or
/// store() running on the node has returned. If such a handler blocks on
/// a lock L while the removal runs with L held, neither side can go on:
/// the removal waits for the handler, the handler waits for L.
///
/// Handlers are the functions named in DEVICE_ATTR*, __ATTR*, DRIVER_ATTR*,
/// CLASS_ATTR*, BUS_ATTR*, BIN_ATTR* and __BIN_ATTR*, the .show, .store,
/// .read and .write members of initialisers of attribute types, and any
/// function taking a pointer to a struct *attr* and a char buffer. A
/// handler takes L if it, or a function of the same file that it calls,
/// may block on L: mutex_lock*(), down*(), percpu_down_*(), device_lock(),
/// rtnl_lock*(), lock_device_hotplug(), guard() and scoped_guard(); not
/// the trylocks, nor lock_device_hotplug_sysfs().
///
/// Removal calls are device_del(), device_unregister(), device_destroy(),
/// del_gendisk(), misc_deregister(), sysfs_remove_*() (but not of links or
/// mount points, which have no handlers), sysfs_unmerge_group(),
/// kobject_del(), kobject_put(), class_unregister(), class_destroy(),
/// platform_device_unregister(), and the equivalents platform_device_del(),
/// device_remove_file(), device_remove_bin_file(), device_remove_group(),
/// device_remove_groups() and cdev_device_del(). L is held across a removal
/// when the call, or a call of a function of the same file that leads to
/// one through calls (callbacks given to device_for_each_child() and the
/// like count as calls), follows the acquisition of L (trylocks included)
/// on some path with no release of L in between; a guard() is taken to
/// last to the end of the function. Attributes of a class, a bus or a
/// driver are not taken to be drained by the removal of a device.
///
/// Each report names the lock, the removal, the function holding the lock,
/// a handler taking it, and where the holder is reached from, following
/// its callers in the same file: "module_exit" (only from the function
/// given to module_exit()), "unbind/hot-remove" (from a .remove,
/// .remove_new or .disconnect callback or a devm action), "store" (from a
/// sysfs handler) or "other/unknown" (a caller outside the file, such as an
/// exported function, a work item or an error path of a probe). rmmod
/// waiting for the sysfs operations in flight before the module's exit
/// runs only removes the deadlock in the "module_exit" case.
///
// Confidence: Low. Locks are compared by name, not by object: member
//  locks match when the lock families and the member paths are equal
//  (&a->lock and &b->lock) and the types of the base pointers are equal
//  when Coccinelle knows both ("same type and member") or one is unknown
//  ("same member name"); globals match by name, RTNL matches RTNL. The
//  script does not know which kobject a handler belongs to, so the handler
//  taking L need not be one of the attributes that are removed; it does
//  not know whether a kobject_put() drops the last reference, nor that a
//  callee releases L first; only calls, locks and removals within one file
//  are seen. On Linux 6.12, 13 of a random sample of 30 of its 78 reports
//  were true positives, 4 of them on error paths only.
// Options: --no-includes --include-headers
// Keywords: sysfs, kernfs, kernfs_drain, deadlock, mutex, rwsem, rtnl
// URL: https://coccinelle.gitlabpages.inria.fr/website

virtual context
virtual org
virtual report

@initialize:python@
@@
import re

# Calls that remove a kernfs node, and so drain its active references.
REMOVAL_CALLS = frozenset([
	"device_del", "device_unregister", "device_destroy", "del_gendisk",
	"misc_deregister", "kobject_del", "kobject_put", "class_unregister",
	"class_destroy", "platform_device_unregister", "platform_device_del",
	"device_remove_file", "device_remove_bin_file", "device_remove_group",
	"device_remove_groups", "cdev_device_del",
	"sysfs_unmerge_group",
])

# Symbolic links and mount points have no show() or store() to drain.
def is_removal(f):
	return f in REMOVAL_CALLS or (f.startswith("sysfs_remove_") and
		"link" not in f and f != "sysfs_remove_mount_point")

# Lock functions taking the lock object as first argument: name -> family.
# A sysfs handler only blocks on the ones that do not fail when the lock
# is busy; a function holding the lock may have taken it with either.
ARG_LOCKS = {
	"mutex_lock": "mutex", "mutex_lock_interruptible": "mutex",
	"mutex_lock_killable": "mutex", "mutex_lock_nested": "mutex",
	"mutex_lock_interruptible_nested": "mutex",
	"mutex_lock_killable_nested": "mutex", "mutex_lock_io": "mutex",
	"mutex_lock_io_nested": "mutex", "mutex_lock_nest_lock": "mutex",
	"down": "sem", "down_interruptible": "sem", "down_killable": "sem",
	"down_timeout": "sem",
	"down_read": "rwsem", "down_read_interruptible": "rwsem",
	"down_read_killable": "rwsem", "down_read_nested": "rwsem",
	"down_read_non_owner": "rwsem", "down_write": "rwsem",
	"down_write_killable": "rwsem", "down_write_nested": "rwsem",
	"down_write_nest_lock": "rwsem",
	"percpu_down_read": "percpu_rwsem", "percpu_down_write": "percpu_rwsem",
	"device_lock": "device_lock",
	"rtnl_net_lock": "rtnl",
}
ARG_TRYLOCKS = {
	"mutex_trylock": "mutex", "down_trylock": "sem",
	"down_read_trylock": "rwsem", "down_write_trylock": "rwsem",
	"percpu_down_read_trylock": "percpu_rwsem",
	"device_trylock": "device_lock",
}
# Lock functions of a single, global lock: name -> family.
GLOBAL_LOCKS = {
	"rtnl_lock": "rtnl", "rtnl_lock_killable": "rtnl",
	"lock_device_hotplug": "device_hotplug",
}
GLOBAL_TRYLOCKS = {
	"rtnl_trylock": "rtnl",
	# restarts the syscall rather than block, made for sysfs handlers
	"lock_device_hotplug_sysfs": "device_hotplug",
}
# guard()/scoped_guard() classes: name -> (family, blocks).
GUARDS = {
	"mutex": ("mutex", True), "mutex_intr": ("mutex", True),
	"mutex_try": ("mutex", False),
	"rwsem_read": ("rwsem", True), "rwsem_read_intr": ("rwsem", True),
	"rwsem_read_try": ("rwsem", False), "rwsem_write": ("rwsem", True),
	"rwsem_write_try": ("rwsem", False),
	"device": ("device_lock", True),
	"rtnl": ("rtnl", True),
}

class FileFacts:
	def __init__(self):
		self.defined = set()
		self.handlers = {}	# name -> set of scopes
		self.refs = {}		# function -> same-file functions it calls
		self.callpos = set()	# positions of those calls
		self.removals = {}	# function -> [(removal call, position)]
		self.locks = {}		# function -> [(family, expr, position, blocks)]
		self.bases = {}		# position key -> {variable: type}
		self.held = []		# (function, family, expr, lock position, callee, position)
		self.exits = set()
		self.unbind = set()

facts = {}
defined = set()
removers = set()

def reset():
	facts.clear()
	defined.clear()
	removers.clear()

def ff(p):
	f = p[0].file
	if f not in facts:
		facts[f] = FileFacts()
	return facts[f]

def pkey(p):
	return (p[0].line, p[0].column)

def is_ident(s):
	return re.match(r"^[A-Za-z_]\w*$", s) is not None and s != "NULL"

# The scope of a handler says which removals can drain it: the attributes
# of a class, a bus or a driver do not go away with a device. Attributes
# from __ATTR() and friends, kobject attributes and others are "unknown".
def scope_of(t):
	for s in ("device", "class", "bus", "driver"):
		if s + "_attr" in t or t.startswith(s.upper() + "_"):
			return s
	return "unknown"

def add_handler(p, name, scope):
	if is_ident(name):
		ff(p).handlers.setdefault(name, set()).add(scope)

def drains(removal, scopes):
	if len(scopes) > 1:
		scopes = scopes - set(["unknown"])
	if "device" in scopes or "unknown" in scopes or \
	   removal.startswith("sysfs_") or \
	   removal in ("kobject_put", "kobject_del"):
		return True
	return "class" in scopes and removal in ("class_unregister",
						  "class_destroy")

def add_lock(p, family, expr, blocks):
	fn = p[0].current_element
	ff(p).locks.setdefault(fn, []).append((family, expr, p, blocks))

def add_call(p, g):
	fx = ff(p)
	fn = p[0].current_element
	if fn not in fx.defined:
		return
	fx.callpos.add(pkey(p))
	if g in fx.defined:
		fx.refs.setdefault(fn, set()).add(g)
	if is_removal(g):
		fx.removals.setdefault(fn, []).append((g, p))

def add_held(p1, family, expr, cf, p2):
	fn = p1[0].current_element
	fx = ff(p1)
	if pkey(p2) in fx.callpos:
		fx.held.append((fn, family, expr, p1, cf, p2))

def arg_lock(l):
	if l in ARG_LOCKS:
		return ARG_LOCKS[l], True
	return ARG_TRYLOCKS[l], False

def global_lock(l):
	if l in GLOBAL_LOCKS:
		return GLOBAL_LOCKS[l], True
	return GLOBAL_TRYLOCKS[l], False

def add_base(p, x, t):
	t = re.sub(r"\bconst\b|\bvolatile\b|\*", "", t)
	t = " ".join(t.split())
	ff(p).bases.setdefault(pkey(p), {})[x] = t

# The identity of a lock, as far as we can tell: (family, owner, path).
# The owner is the type of the base pointer of a member lock, "global:NAME"
# for a global variable, or None when unknown. None if there is no usable
# identity, e.g. a lock passed in as a plain pointer argument.
def lock_key(fx, family, expr, p):
	if family in ("rtnl", "device_hotplug"):
		return (family, "global", "")
	s = expr.replace(" ", "")
	while s.startswith("&") or (s.startswith("(") and s.endswith(")")):
		s = s[1:] if s.startswith("&") else s[1:-1]
	s = re.sub(r"\[[^]]*\]", "", s)
	m = re.match(r"^([A-Za-z_]\w*)(\((.*?)\))?(.*)$", s)
	if not m:
		return None
	base, call, rest = m.group(1), m.group(2), m.group(4)
	path = re.sub(r"^(->|\.)", "", rest).replace("->", ".")
	if path and not re.match(r"^[\w.]+$", path):
		return None
	locals_ = fx.bases.get(pkey(p), {})
	if call:
		owner = None
	elif base in locals_:
		owner = locals_[base]
		if not path:
			return None
	else:
		owner = "global:" + base
	return (family, owner, path)

def same_lock(a, b):
	if a is None or b is None or a[0] != b[0] or a[2] != b[2]:
		return None
	if a[1] == b[1]:
		return "same object" if a[1] == "global" or \
			(a[1] or "").startswith("global:") else "same type and member"
	if a[1] is None or b[1] is None:
		if (a[1] or "").startswith("global:") or \
		   (b[1] or "").startswith("global:"):
			return None
		return "same member name"
	return None

def lock_desc(family, expr):
	if family == "rtnl":
		return "RTNL"
	if family == "device_hotplug":
		return "device_hotplug_lock"
	return expr.replace(" ", "")

def closure(fx, start, edges):
	seen = {start: [start]}
	todo = [start]
	while todo:
		f = todo.pop(0)
		for g in sorted(edges.get(f, ())):
			if g not in seen:
				seen[g] = seen[f] + [g]
				todo.append(g)
	return seen

def classify(fx, fn):
	callers = {}
	for f, gs in fx.refs.items():
		for g in gs:
			callers.setdefault(g, set()).add(f)
	classes = set()
	for f in closure(fx, fn, callers):
		if f in fx.exits:
			classes.add("module_exit")
		if f in fx.unbind:
			classes.add("unbind/hot-remove")
		if f in fx.handlers:
			classes.add("store")
		if not callers.get(f) and f not in fx.exits and \
		   f not in fx.unbind and f not in fx.handlers:
			classes.add("other/unknown")
	for c in ("store", "unbind/hot-remove", "other/unknown", "module_exit"):
		if c in classes:
			return c, sorted(classes - set([c]))
	return "other/unknown", []

# Functions that lead to a removal call: name -> chain of calls.
def removal_paths(fx):
	removes = {}
	for f in fx.removals:
		removes[f] = [f]
	changed = True
	while changed:
		changed = False
		for f in sorted(fx.refs):
			if f in removes:
				continue
			for g in sorted(fx.refs[f]):
				if g in removes and g != f:
					removes[f] = [f] + removes[g]
					changed = True
					break
	return removes

def analyse(fx):
	removes = fx.removes
	# Locks that each handler may block on, directly or through callees.
	hlocks = []
	for h in sorted(fx.handlers):
		if h not in fx.defined:
			continue
		for f, chain in closure(fx, h, fx.refs).items():
			for family, expr, p, blocks in fx.locks.get(f, []):
				key = lock_key(fx, family, expr, p)
				if blocks and key is not None:
					hlocks.append((key, h, chain, p,
						       fx.handlers[h]))
	hits = []
	seen = set()
	for fn, family, expr, p1, cf, p2 in fx.held:
		if is_removal(cf):
			chain, calls = [], [cf]
		elif cf in removes and cf != fn:
			chain = removes[cf]
			calls = sorted(set(c for c, p in fx.removals[chain[-1]]))
		else:
			continue
		key = lock_key(fx, family, expr, p1)
		matches = []
		for hkey, h, hchain, hp, scopes in hlocks:
			how = same_lock(key, hkey)
			# The lock taken by the holder itself, reached from a
			# handler, is not a second party blocking on it.
			if not how or pkey(hp) == pkey(p1):
				continue
			if not any(drains(c, scopes) for c in calls):
				continue
			matches.append((h, hchain, hp, how))
		if not matches:
			continue
		dup = (pkey(p2), key)
		if dup in seen:
			continue
		seen.add(dup)
		removal = "()/".join(calls)
		cls, also = classify(fx, fn)
		hits.append((fn, family, expr, p1, cf, p2, removal, chain,
			     matches, cls, also))
	hits.sort(key=lambda h: (int(h[5][0].line), int(h[5][0].column)))
	return hits

def message(hit):
	fn, family, expr, p1, cf, p2, removal, chain, matches, cls, also = hit
	via = ""
	if chain:
		via = " via %s()" % "() -> ".join(chain)
	h, hchain, hp, how = matches[0]
	hvia = ""
	if len(hchain) > 1:
		hvia = " via %s()" % "() -> ".join(hchain[1:])
	others = sorted(set(m[0] for m in matches if m[0] != h))
	more = ""
	if others:
		more = " (also %s)" % ", ".join(o + "()" for o in others[:4])
		if len(others) > 4:
			more = more[:-1] + ", ...)"
	alsoc = ""
	if also:
		alsoc = " (also: %s)" % ", ".join(also)
	return ("WARNING: %s held across %s()%s in %s() (locked on line %s); "
		"sysfs handler %s()%s takes it on line %s [%s]%s: "
		"kernfs_drain() deadlock, class: %s%s" %
		(lock_desc(family, expr), removal, via, fn, p1[0].line, h, hvia,
		 hp[0].line, how, more, cls, alsoc))

ctx_pos = set()
hits_cache = []

def all_hits():
	if not hits_cache:
		for f in sorted(facts):
			hits_cache.extend(analyse(facts[f]))
		hits_cache.append(None)
	return hits_cache[:-1]

@script:python depends on report || org || context@
@@
reset()
ctx_pos.clear()
del hits_cache[:]

// ------------------------------------------------------------------------
// Functions of the file.

@fdef@
identifier f;
position p;
@@

f@p(...) { ... }

@script:python@
f << fdef.f;
p << fdef.p;
@@
ff(p).defined.add(f)
defined.add(f)

// ------------------------------------------------------------------------
// sysfs handlers.

@attr_decl@
declarer d =~ "^(DEVICE|DRIVER|CLASS|BUS)_ATTR_(ADMIN_)?(RW|RO|WO)$";
identifier nm;
position p;
@@

d@p(nm);

@script:python@
d << attr_decl.d;
nm << attr_decl.nm;
p << attr_decl.p;
@@
if not d.endswith("WO"):
	add_handler(p, nm + "_show", scope_of(d))
if not d.endswith("RO"):
	add_handler(p, nm + "_store", scope_of(d))

@attr_decl4@
declarer d =~ "^DEVICE_ATTR(_PREALLOC|_IGNORE_LOCKDEP)?$";
identifier nm;
expression mode, sh, st;
position p;
@@

d@p(nm, mode, sh, st);

@script:python@
sh << attr_decl4.sh;
st << attr_decl4.st;
p << attr_decl4.p;
@@
add_handler(p, sh, "device")
add_handler(p, st, "device")

@bin_decl@
declarer d =~ "^BIN_ATTR_(ADMIN_)?(RW|RO|WO)$";
identifier nm;
expression sz;
position p;
@@

d@p(nm, sz);

@script:python@
d << bin_decl.d;
nm << bin_decl.nm;
p << bin_decl.p;
@@
if not d.endswith("WO"):
	add_handler(p, nm + "_read", "unknown")
if not d.endswith("RO"):
	add_handler(p, nm + "_write", "unknown")

@bin_decl5@
declarer name BIN_ATTR;
identifier nm;
expression mode, rd, wr, sz;
position p;
@@

BIN_ATTR@p(nm, mode, rd, wr, sz);

@script:python@
rd << bin_decl5.rd;
wr << bin_decl5.wr;
p << bin_decl5.p;
@@
add_handler(p, rd, "unknown")
add_handler(p, wr, "unknown")

@attr_expr@
identifier nm, a =~ "^(__ATTR(_PREALLOC|_IGNORE_LOCKDEP)?|__BIN_ATTR)$";
expression mode, sh, st;
position p;
@@

(
a@p(nm, mode, sh, st)
|
a@p(nm, mode, sh, st, ...)
)

@script:python@
sh << attr_expr.sh;
st << attr_expr.st;
p << attr_expr.p;
@@
add_handler(p, sh, "unknown")
add_handler(p, st, "unknown")

@attr_expr1@
identifier nm, a =~ "^__(BIN_)?ATTR_(ADMIN_)?(RW|RO|WO)(_MODE)?$";
position p;
@@

(
a@p(nm)
|
a@p(nm, ...)
)

@script:python@
a << attr_expr1.a;
nm << attr_expr1.nm;
p << attr_expr1.p;
@@
m = re.match(r"^__(BIN_)?ATTR_(ADMIN_)?(RW|RO|WO)", a)
rd, wr = ("_read", "_write") if m.group(1) else ("_show", "_store")
if m.group(3) != "WO":
	add_handler(p, nm + rd, "unknown")
if m.group(3) != "RO":
	add_handler(p, nm + wr, "unknown")

@attr_init@
identifier x, fld =~ "^(show|store|read|write)$";
type T;
expression f;
position p;
@@

(
T x = { ..., .fld@p = f, ... };
|
T x = { ..., { ..., .fld@p = f, ... }, ... };
|
T x = { ..., .x = { ..., .fld@p = f, ... }, ... };
)

@script:python@
T << attr_init.T;
fld << attr_init.fld;
f << attr_init.f;
p << attr_init.p;
@@
# Only attribute types: .show is also a seq_operations member, .read and
# .write are file_operations members.
if "attr" in T and "seq_operations" not in T:
	add_handler(p, f, scope_of(T))

@attr_sig@
identifier f, a, b;
identifier at =~ "attr";
type T;
position p;
@@

(
T f@p(..., struct at *a, ..., char *b, ...) { ... }
|
T f@p(..., const struct at *a, ..., char *b, ...) { ... }
)

@script:python@
f << attr_sig.f;
aty << attr_sig.at;
p << attr_sig.p;
@@
add_handler(p, f, scope_of(aty))

@attr_sig_store@
identifier f, a, b;
identifier at =~ "attr";
type T;
position p;
@@

(
T f@p(..., struct at *a, ..., const char *b, ...) { ... }
|
T f@p(..., const struct at *a, ..., const char *b, ...) { ... }
)

@script:python@
f << attr_sig_store.f;
aty << attr_sig_store.at;
p << attr_sig_store.p;
@@
add_handler(p, f, scope_of(aty))

// ------------------------------------------------------------------------
// Calls and references between functions of the file, and removal calls.

@calls@
identifier g;
position p : script:python (g) { g in defined or is_removal(g) };
@@

g@p(...)

@script:python@
g << calls.g;
p << calls.p;
@@
add_call(p, g)

// A callback given to an iterator that calls it before returning.
@iter_calls@
identifier it = {device_for_each_child, device_for_each_child_reverse,
		 bus_for_each_dev, bus_for_each_drv, driver_for_each_device,
		 class_for_each_device, idr_for_each};
identifier g;
position p : script:python (g) { g in defined };
@@

it(..., g@p, ...)

@script:python@
g << iter_calls.g;
p << iter_calls.p;
@@
add_call(p, g)

// ------------------------------------------------------------------------
// Lock acquisitions, and the types of the variables in their arguments.

@lock_arg@
identifier l = {mutex_lock, mutex_lock_interruptible,
		mutex_lock_killable, mutex_lock_nested,
		mutex_lock_interruptible_nested, mutex_lock_killable_nested,
		mutex_lock_io, mutex_lock_io_nested, mutex_lock_nest_lock, down,
		down_interruptible, down_killable, down_timeout, down_read,
		down_read_interruptible, down_read_killable, down_read_nested,
		down_read_non_owner, down_write, down_write_killable,
		down_write_nested, down_write_nest_lock, percpu_down_read,
		percpu_down_write, device_lock, rtnl_net_lock, mutex_trylock,
		down_trylock, down_read_trylock, down_write_trylock,
		percpu_down_read_trylock, device_trylock};
expression E;
position p;
@@

l@p(E, ...)

@script:python@
l << lock_arg.l;
E << lock_arg.E;
p << lock_arg.p;
@@
family, blocks = arg_lock(l)
add_lock(p, family, E, blocks)

@lock_glob@
identifier l = {rtnl_lock, rtnl_lock_killable, rtnl_trylock,
		lock_device_hotplug, lock_device_hotplug_sysfs};
position p;
@@

l@p()

@script:python@
l << lock_glob.l;
p << lock_glob.p;
@@
family, blocks = global_lock(l)
add_lock(p, family, "", blocks)

@lock_guard@
identifier gk = {mutex, mutex_intr, mutex_try, rwsem_read, rwsem_read_intr,
		 rwsem_read_try, rwsem_write, rwsem_write_try, device, rtnl};
expression E;
position p;
@@

(
guard@p(gk)(E)
|
guard@p(gk)()
)

@script:python@
gk << lock_guard.gk;
E << lock_guard.E = "";
p << lock_guard.p;
@@
family, blocks = GUARDS[gk]
add_lock(p, family, E, blocks)

@lock_scoped@
iterator name scoped_guard;
identifier gk = {mutex, mutex_intr, mutex_try, rwsem_read, rwsem_read_intr,
		 rwsem_read_try, rwsem_write, rwsem_write_try, device, rtnl};
expression E;
statement S;
position p;
@@

(
scoped_guard@p(gk, E) S
|
scoped_guard@p(gk) S
)

@script:python@
gk << lock_scoped.gk;
E << lock_scoped.E = "";
p << lock_scoped.p;
@@
family, blocks = GUARDS[gk]
add_lock(p, family, E, blocks)

@lock_base@
identifier l =~ "^(mutex_|down|percpu_down_|device_|guard$)";
identifier gk;
type T;
local idexpression T x;
position p;
@@

(
l@p(<+... x ...+>, ...)
|
l@p(gk)(<+... x ...+>)
)

@script:python@
x << lock_base.x;
T << lock_base.T;
p << lock_base.p;
@@
add_base(p, x, T)

@lock_base_scoped@
iterator name scoped_guard;
identifier gk;
type T;
local idexpression T x;
statement S;
position p;
@@

scoped_guard@p(gk, <+... x ...+>) S

@script:python@
x << lock_base_scoped.x;
T << lock_base_scoped.T;
p << lock_base_scoped.p;
@@
add_base(p, x, T)

// Functions of the file that lead to a removal call.
@script:python depends on report || org || context@
@@
for fx in facts.values():
	fx.removes = removal_paths(fx)
	removers.update(fx.removes)

// ------------------------------------------------------------------------
// A lock held across a call of a removal function, or of a function of
// the same file.

@held_arg exists@
identifier cf;
identifier l = {mutex_lock, mutex_lock_interruptible,
		mutex_lock_killable, mutex_lock_nested,
		mutex_lock_interruptible_nested, mutex_lock_killable_nested,
		mutex_lock_io, mutex_lock_io_nested, mutex_lock_nest_lock, down,
		down_interruptible, down_killable, down_timeout, down_read,
		down_read_interruptible, down_read_killable, down_read_nested,
		down_read_non_owner, down_write, down_write_killable,
		down_write_nested, down_write_nest_lock, percpu_down_read,
		percpu_down_write, device_lock, rtnl_net_lock, mutex_trylock,
		down_trylock, down_read_trylock, down_write_trylock,
		percpu_down_read_trylock, device_trylock};
expression E;
position p1;
position p2 : script:python (cf) { cf in removers or is_removal(cf) };
@@

l@p1(E, ...)
... when != mutex_unlock(E)
    when != up(E)
    when != up_read(E)
    when != up_write(E)
    when != percpu_up_read(E)
    when != percpu_up_write(E)
    when != device_unlock(E)
    when != rtnl_net_unlock(E)
cf@p2

@script:python@
l << held_arg.l;
E << held_arg.E;
p1 << held_arg.p1;
cf << held_arg.cf;
p2 << held_arg.p2;
@@
add_held(p1, arg_lock(l)[0], E, cf, p2)

@held_glob exists@
identifier cf;
identifier l = {rtnl_lock, rtnl_lock_killable, rtnl_trylock,
		lock_device_hotplug, lock_device_hotplug_sysfs};
position p1;
position p2 : script:python (cf) { cf in removers or is_removal(cf) };
@@

l@p1()
... when != rtnl_unlock()
    when != __rtnl_unlock()
    when != unlock_device_hotplug()
cf@p2

@script:python@
l << held_glob.l;
p1 << held_glob.p1;
cf << held_glob.cf;
p2 << held_glob.p2;
@@
add_held(p1, global_lock(l)[0], "", cf, p2)

// A guard() is held until the end of its scope; this takes the rest of
// the function.
@held_guard exists@
identifier cf;
identifier gk = {mutex, mutex_intr, mutex_try, rwsem_read, rwsem_read_intr,
		 rwsem_read_try, rwsem_write, rwsem_write_try, device, rtnl};
expression E;
position p1;
position p2 : script:python (cf) { cf in removers or is_removal(cf) };
@@

(
guard@p1(gk)(E)
|
guard@p1(gk)()
)
... when any
cf@p2

@script:python@
gk << held_guard.gk;
E << held_guard.E = "";
p1 << held_guard.p1;
cf << held_guard.cf;
p2 << held_guard.p2;
@@
add_held(p1, GUARDS[gk][0], E, cf, p2)

@held_scoped exists@
iterator name scoped_guard;
identifier cf;
identifier gk = {mutex, mutex_intr, mutex_try, rwsem_read, rwsem_read_intr,
		 rwsem_read_try, rwsem_write, rwsem_write_try, device};
expression E;
position p1;
position p2 : script:python (cf) { cf in removers or is_removal(cf) };
@@

scoped_guard@p1(gk, E) {
... when any
cf@p2
... when any
}

@script:python@
gk << held_scoped.gk;
E << held_scoped.E;
p1 << held_scoped.p1;
cf << held_scoped.cf;
p2 << held_scoped.p2;
@@
add_held(p1, GUARDS[gk][0], E, cf, p2)

@held_scoped_rtnl exists@
iterator name scoped_guard;
identifier cf, gk = {rtnl};
position p1;
position p2 : script:python (cf) { cf in removers or is_removal(cf) };
@@

scoped_guard@p1(gk) {
... when any
cf@p2
... when any
}

@script:python@
p1 << held_scoped_rtnl.p1;
cf << held_scoped_rtnl.cf;
p2 << held_scoped_rtnl.p2;
@@
add_held(p1, "rtnl", "", cf, p2)

// ------------------------------------------------------------------------
// Where removals come from: module_exit(), driver callbacks, devm actions.

@mod_exit@
declarer name module_exit;
identifier f;
position p;
@@

module_exit@p(f);

@script:python@
f << mod_exit.f;
p << mod_exit.p;
@@
ff(p).exits.add(f)

@unbind_init@
identifier x, y, fld =~ "^(remove|remove_new|disconnect)$";
type T;
identifier f;
position p;
@@

(
T x = { ..., .fld@p = f, ... };
|
T x = { ..., { ..., .fld@p = f, ... }, ... };
|
T x = { ..., .y = { ..., .fld@p = f, ... }, ... };
)

@script:python@
f << unbind_init.f;
p << unbind_init.p;
@@
ff(p).unbind.add(f)

@unbind_devm@
identifier a = {devm_add_action, devm_add_action_or_reset};
identifier f;
expression dev, data;
position p;
@@

a@p(dev, f, data)

@script:python@
f << unbind_devm.f;
p << unbind_devm.p;
@@
ff(p).unbind.add(f)

// ------------------------------------------------------------------------
// Put it together.

@script:python depends on report@
@@
for hit in all_hits():
	coccilib.report.print_report(hit[5][0], message(hit))

@script:python depends on org@
@@
for hit in all_hits():
	cocci.print_main(message(hit), hit[5])
	cocci.print_secs("lock", hit[3])
	cocci.print_secs("handler lock", hit[8][0][2])

@script:python depends on context@
@@
for hit in all_hits():
	for p in (hit[3], hit[5]):
		ctx_pos.add((p[0].file,) + pkey(p))

@depends on context@
identifier l;
position p : script:python () { (p[0].file,) + pkey(p) in ctx_pos };
@@

* l@p

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM's module state (libkmod) and its device node (libudev). Reading only:
 * no module is ever loaded, /dev/kvm is only checked for access, not opened.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libkmod.h>
#include <libudev.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "facts.h"
#include "sysroot.h"

/* Parameters that change how guest physical addresses are handled. */
static const char *const interesting_params[] = {
	"ept",			    /* kvm_intel: without EPT, shadow paging, 52-bit GPAs */
	"npt",			    /* kvm_amd: same for NPT */
	"unrestricted_guest",	    /* kvm_intel: real-mode guests run natively */
	"allow_smaller_maxphyaddr", /* kvm_intel, 5.9+: guest MAXPHYADDR below host */
	"tdp_mmu",
	NULL,
};

static void read_params(const struct sysroot *sr, struct kvm_module *m)
{
	char path[160], val[64];
	size_t used = 0;

	for (int i = 0; interesting_params[i]; i++) {
		snprintf(path, sizeof(path), "sys/module/%s/parameters/%s", m->name,
			 interesting_params[i]);
		if (sr_read_line(sr, path, val, sizeof(val)) < 0)
			continue;
		used += (size_t)snprintf(m->params + used, sizeof(m->params) - used, "%s%s=%s",
					 used ? " " : "", interesting_params[i], val);
		if (used >= sizeof(m->params))
			break;
	}
}

/*
 * What sysfs says, as libkmod's kmod_module_get_initstate() reads it:
 * initstate "live" is loaded, a module directory without initstate is
 * built in, no directory is not loaded (or built in without parameters,
 * which modules.builtin tells).
 */
static enum mod_state state_from_sysfs(const struct sysroot *sr, const char *name)
{
	char path[128], buf[32];
	int fd;

	snprintf(path, sizeof(path), "sys/module/%s/initstate", name);
	if (sr_read_line(sr, path, buf, sizeof(buf)) >= 0)
		return !strcmp(buf, "live") ? MOD_LOADED : MOD_UNKNOWN;
	snprintf(path, sizeof(path), "sys/module/%s", name);
	fd = sr_openat(sr, path);
	if (fd == -EISDIR)
		return MOD_BUILTIN; /* built-in modules have no initstate */
	if (fd >= 0)
		close(fd);
	/* A copied tree without sys/module tells nothing about modules. */
	fd = sr_openat(sr, "sys/module");
	return fd == -EISDIR ? MOD_ABSENT : MOD_UNKNOWN;
}

/*
 * libkmod is opened only to tell "installed but not loaded" from "not
 * installed" for the kvm module itself, when sysfs does not show it: its
 * compression libraries (zstd, xz, OpenSSL) cost more to load than the
 * whole check otherwise takes.
 */
static enum mod_state state_from_kmod(const char *name)
{
	static const char *const no_config[] = { NULL }; /* no modprobe.d: paths only */
	__typeof__(kmod_new) *k_new;
	__typeof__(kmod_unref) *k_unref;
	__typeof__(kmod_set_log_priority) *k_log;
	__typeof__(kmod_module_new_from_name) *k_mod;
	__typeof__(kmod_module_get_path) *k_path;
	__typeof__(kmod_module_unref) *k_mod_unref;
	enum mod_state st = MOD_UNKNOWN;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	void *h = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return MOD_UNKNOWN;
	k_new = (__typeof__(kmod_new) *)dlsym(h, "kmod_new");
	k_unref = (__typeof__(kmod_unref) *)dlsym(h, "kmod_unref");
	k_log = (__typeof__(kmod_set_log_priority) *)dlsym(h, "kmod_set_log_priority");
	k_mod = (__typeof__(kmod_module_new_from_name) *)dlsym(h, "kmod_module_new_from_name");
	k_path = (__typeof__(kmod_module_get_path) *)dlsym(h, "kmod_module_get_path");
	k_mod_unref = (__typeof__(kmod_module_unref) *)dlsym(h, "kmod_module_unref");
	if (!k_new || !k_unref || !k_log || !k_mod || !k_path || !k_mod_unref)
		goto out;
	ctx = k_new(NULL, no_config);
	if (!ctx)
		goto out;
	k_log(ctx, 0); /* libkmod must not print on our stderr */
	if (k_mod(ctx, name, &mod) == 0) {
		st = k_path(mod) ? MOD_ABSENT : MOD_NOT_FOUND;
		k_mod_unref(mod);
	}
	k_unref(ctx);
out:
	dlclose(h);
	return st;
}

static void add_module(const struct sysroot *sr, struct host_facts *f, const char *name,
		       bool always)
{
	struct kvm_module *m;
	enum mod_state st;

	if (f->nmodules >= (int)(sizeof(f->modules) / sizeof(f->modules[0])))
		return;
	st = state_from_sysfs(sr, name);
	/* only kvm itself is listed when absent: libkmod then says whether it is installed */
	if (!always && (st == MOD_ABSENT || st == MOD_NOT_FOUND))
		return;
	if (st == MOD_ABSENT && sr->live)
		st = state_from_kmod(name);
	m = &f->modules[f->nmodules++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->state = st;
	if (st == MOD_LOADED || st == MOD_BUILTIN)
		read_params(sr, m);
	text_clean(m->params);
}

static void read_modules(const struct sysroot *sr, struct host_facts *f)
{
	add_module(sr, f, "kvm", true);
	if (f->arch == ARCH_X86_64) {
		add_module(sr, f, "kvm_intel", false);
		add_module(sr, f, "kvm_amd", false);
		add_module(sr, f, "kvm_pvm", false); /* PVM hosts (nested, no VMX/SVM) */
	}
}

/*
 * KVM is running when sysfs has its misc device (kvm_init() registers it):
 * then a missing /dev/kvm is a missing node (a container without the
 * device, /dev not devtmpfs), not a host without KVM.
 */
static bool kvm_in_sysfs(struct udev_device *dev)
{
	struct stat st;

	if (dev)
		return true;
	return stat("/sys/class/misc/kvm", &st) == 0;
}

/* The group's name; a gid without one is said to be a number. */
static void read_group(struct host_facts *f, gid_t gid)
{
	struct group *g;
	int err;

	errno = 0;
	g = getgrgid(gid);
	err = errno;
	if (g) {
		snprintf(f->dev_group, sizeof(f->dev_group), "%s", g->gr_name);
	} else {
		/* the number, said to be one: "group 0" would pass for a name */
		snprintf(f->dev_group, sizeof(f->dev_group), "gid %u", (unsigned int)gid);
		f->dev_group_is_gid = true;
		/* getgrgid(3): 0, ENOENT, ESRCH, EBADF or EPERM mean "no such group" */
		if (err && err != ENOENT && err != ESRCH && err != EBADF && err != EPERM)
			facts_note(f, "/dev/kvm: the name of group %u was not looked up: %s",
				   (unsigned int)gid, strerror(err));
	}
	text_clean(f->dev_group);
}

static void read_node(struct host_facts *f, const char *node, const struct stat *st)
{
	f->dev_present = true;
	f->dev_mode = st->st_mode & 07777;
	f->dev_number_known = true;
	f->dev_major = major(st->st_rdev);
	f->dev_minor = minor(st->st_rdev);
	/* KVM's node is the misc device 10:232 (KVM_MINOR, include/linux/miscdevice.h) */
	f->dev_not_kvm = !S_ISCHR(st->st_mode) || f->dev_major != KIC_KVM_MAJOR ||
			 f->dev_minor != KIC_KVM_MINOR;
	read_group(f, st->st_gid);
	f->dev_accessible = faccessat(AT_FDCWD, node, R_OK | W_OK, AT_EACCESS) == 0;
	if (!f->dev_accessible)
		f->dev_open_errno = errno;
}

static void read_device(struct host_facts *f)
{
	const char *node = "/dev/kvm";
	struct udev_device *dev = NULL;
	struct udev *udev = udev_new();
	struct stat st;

	f->dev_known = true;
	/* libudev reads /sys/class/misc/kvm itself; no udevd is needed. */
	if (udev)
		dev = udev_device_new_from_subsystem_sysname(udev, "misc", "kvm");
	if (dev && udev_device_get_devnode(dev))
		node = udev_device_get_devnode(dev);
	f->kvm_registered = kvm_in_sysfs(dev);
	f->kvm_registered_known = true;
	if (stat(node, &st) == 0) {
		read_node(f, node, &st);
	} else {
		f->dev_open_errno = ENOENT;
		if (f->kvm_registered)
			facts_note(f, "sysfs has misc/kvm (KVM is running) but %s is missing",
				   node);
	}
	udev_device_unref(dev);
	udev_unref(udev);
}

void devinfo_read(const struct sysroot *sr, struct host_facts *f)
{
	read_modules(sr, f);
	if (sr->live)
		read_device(f);
}

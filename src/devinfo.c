// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM's module state (libkmod) and its device node (libudev). Reading only:
 * no module is ever loaded, /dev/kvm is only checked for access, not opened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libkmod.h>
#include <libudev.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* Offline (or when libkmod cannot tell): the sysfs layout libkmod itself reads. */
static enum mod_state state_from_sysfs(const struct sysroot *sr, const char *name)
{
	char path[128], buf[32];
	DIR *d;

	/* A copied tree without sys/module tells nothing about modules. */
	d = sr_opendir(sr, "sys/module");
	if (!d)
		return MOD_UNKNOWN;
	closedir(d);
	snprintf(path, sizeof(path), "sys/module/%s/initstate", name);
	if (sr_read_line(sr, path, buf, sizeof(buf)) >= 0)
		return !strcmp(buf, "live") ? MOD_LOADED : MOD_UNKNOWN;
	snprintf(path, sizeof(path), "sys/module/%s", name);
	d = sr_opendir(sr, path);
	if (d) {
		closedir(d);
		return MOD_BUILTIN; /* built-in modules have no initstate */
	}
	return MOD_ABSENT;
}

static enum mod_state state_from_kmod(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod = NULL;
	enum mod_state st = MOD_UNKNOWN;
	int r;

	if (!ctx || kmod_module_new_from_name(ctx, name, &mod) < 0)
		return MOD_UNKNOWN;
	r = kmod_module_get_initstate(mod);
	if (r == KMOD_MODULE_BUILTIN)
		st = MOD_BUILTIN;
	else if (r == KMOD_MODULE_LIVE)
		st = MOD_LOADED;
	/*
	 * KMOD_MODULE_COMING also stands for "sys/module/NAME without initstate"
	 * when modules.builtin is missing (an initramfs): the sysfs check below
	 * tells built-in from loading.
	 */
	else if (r == -ENOENT)
		/* Not loaded: installed as a module file, or not at all? */
		st = kmod_module_get_path(mod) ? MOD_ABSENT : MOD_NOT_FOUND;
	kmod_module_unref(mod);
	return st;
}

static void add_module(const struct sysroot *sr, struct kmod_ctx *ctx, struct host_facts *f,
		       const char *name, bool always)
{
	struct kvm_module *m;
	enum mod_state st;

	if (f->nmodules >= (int)(sizeof(f->modules) / sizeof(f->modules[0])))
		return;
	st = sr->live ? state_from_kmod(ctx, name) : MOD_UNKNOWN;
	if (st == MOD_UNKNOWN)
		st = state_from_sysfs(sr, name);
	if (!always && (st == MOD_ABSENT || st == MOD_NOT_FOUND))
		return;
	m = &f->modules[f->nmodules++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->state = st;
	read_params(sr, m);
	text_clean(m->params);
}

static void read_modules(const struct sysroot *sr, struct host_facts *f)
{
	struct kmod_ctx *ctx = NULL;
	char dir[512];

	if (sr->live) {
		ctx = kmod_new(NULL, NULL);
	} else if (f->kernel_release[0]) {
		snprintf(dir, sizeof(dir), "%s/lib/modules/%s", sr->path, f->kernel_release);
		ctx = kmod_new(dir, NULL);
	}
	if (ctx)
		kmod_set_log_priority(ctx, 0); /* libkmod must not print on our stderr */
	add_module(sr, ctx, f, "kvm", true);
	if (f->arch == ARCH_X86_64) {
		add_module(sr, ctx, f, "kvm_intel", false);
		add_module(sr, ctx, f, "kvm_amd", false);
		add_module(sr, ctx, f, "kvm_pvm", false); /* PVM hosts (nested, no VMX/SVM) */
	}
	kmod_unref(ctx);
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
	if (stat(node, &st) == 0 && S_ISCHR(st.st_mode)) {
		struct group *g = getgrgid(st.st_gid);

		f->dev_present = true;
		f->dev_mode = st.st_mode & 07777;
		if (g)
			snprintf(f->dev_group, sizeof(f->dev_group), "%s", g->gr_name);
		else
			snprintf(f->dev_group, sizeof(f->dev_group), "%u", (unsigned int)st.st_gid);
		text_clean(f->dev_group);
		f->dev_accessible = faccessat(AT_FDCWD, node, R_OK | W_OK, AT_EACCESS) == 0;
		if (!f->dev_accessible)
			f->dev_open_errno = errno;
	} else {
		f->dev_open_errno = ENOENT;
		if (dev)
			facts_note(f, "udev knows misc/kvm but %s is missing", node);
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

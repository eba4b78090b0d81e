// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An extracted sosreport as a --sysroot tree: see sosreport.h. File names
 * are the ones sos 4.x writes (sos_commands/<plugin>/<command with spaces
 * as '_'>); every read is bounded and confined to the tree (sysroot.c).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid_arm.h"
#include "facts.h"
#include "jscan.h"
#include "sosreport.h"
#include "vmm_detect.h"
#include "vmm_version.h"

#define SOS_KLOG_MAX	 (64u << 20) /* a day of a busy journal, no more */
#define SOS_PKG_MAX	 (16u << 20) /* dpkg -l of a large host is ~2 MiB */
#define SOS_MANIFEST_MAX (16u << 20)

bool sos_is_bundle(const struct sysroot *sr)
{
	DIR *d;

	if (sr->live)
		return false;
	d = sr_opendir(sr, "sos_commands");
	if (!d)
		return false;
	closedir(d);
	return true;
}

/* ---- identity: uname -a, lscpu ---- */

struct uname_fields {
	char node[65], release[128], machine[65];
};

/*
 * "Linux node 6.1.0-28-arm64 #1 SMP ... aarch64 GNU/Linux": the version
 * field has spaces, so the machine is taken from the end (coreutils drops
 * "unknown" processor and platform fields; RHEL prints them as the machine).
 */
static int parse_uname(const char *line, struct uname_fields *u)
{
	char buf[512], *tok[64], *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " \t\r\n", &save); t && n < 64;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	if (n < 5 || strcmp(tok[0], "Linux"))
		return -EINVAL;
	snprintf(u->node, sizeof(u->node), "%s", tok[1]);
	snprintf(u->release, sizeof(u->release), "%s", tok[2]);
	snprintf(u->machine, sizeof(u->machine), "%s", tok[n - 2]);
	return 0;
}

static int read_uname(const struct sysroot *sr, struct uname_fields *u)
{
	static const char *const files[] = { "sos_commands/kernel/uname_-a", "uname" };
	char buf[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (sr_read_line(sr, files[i], buf, sizeof(buf)) > 0 && !parse_uname(buf, u))
			return 0;
	return -ENOENT;
}

static int lscpu_line(const char *line, void *ctx)
{
	char *machine = ctx;

	if (strncmp(line, "Architecture:", 13))
		return 0;
	line += 13;
	while (*line == ' ' || *line == '\t')
		line++;
	snprintf(machine, 65, "%s", line);
	return 1;
}

int sos_identity(const struct sysroot *sr, struct host_facts *f)
{
	struct uname_fields u = { .node = "" };
	char machine[65] = "";

	if (!sos_is_bundle(sr))
		return -ENOENT;
	if (read_uname(sr, &u) == 0)
		snprintf(machine, sizeof(machine), "%s", u.machine);
	else
		sr_foreach_line(sr, "sos_commands/processor/lscpu", 1u << 20, lscpu_line, machine);
	if (!f->arch_name[0] && machine[0])
		snprintf(f->arch_name, sizeof(f->arch_name), "%s", machine);
	if (!f->kernel_release[0] && u.release[0])
		snprintf(f->kernel_release, sizeof(f->kernel_release), "%s", u.release);
	if (!machine[0])
		facts_note(f, "sosreport: neither kernel/uname_-a nor processor/lscpu: "
			      "architecture unknown");
	if (!u.release[0])
		facts_note(f, "sosreport: no kernel/uname_-a: kernel release unknown");
	return machine[0] ? 0 : -ENOENT;
}

/* ---- kernel messages ---- */

/*
 * Journal lines ("Nov 29 23:05:11 host kernel: kvm [1]: ...") carry a
 * syslog prefix: hand over what the kernel printed.
 */
static int sos_klog_line(const char *line, void *ctx)
{
	const char *k = strstr(line, " kernel: ");

	if (k && k - line < 96)
		line = k + 9;
	klog_parse_line(line, ctx);
	return 0;
}

int sos_read_klog(const struct sysroot *sr, struct host_facts *f, struct klog_state *st)
{
	/* All of the collected boot: never the last boot's or all boots' journal. */
	static const struct {
		const char *path, *what;
	} src[] = {
		{ "sos_commands/kvm_ipa/journalctl_-k_kvm",
		  "the kvm_ipa plugin's journal extract" },
		{ "sos_commands/kernel/dmesg", "dmesg (kernel plugin)" },
		{ "sos_commands/logs/journalctl_--no-pager_--catalog_--boot",
		  "this boot's journal (logs plugin)" },
	};
	char missing[160] = "";
	size_t used = 0;
	int nread = 0;

	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		/* each its own log: a boot marker in one must not drop another's lines */
		struct klog_state one = { 0 };
		int r = sr_foreach_line(sr, src[i].path, SOS_KLOG_MAX, sos_klog_line, &one);

		if (r == 0 || r == -EFBIG) {
			klog_merge(st, &one);
			nread++;
			continue;
		}
		if (r != -ENOENT)
			facts_note(f, "%s: %s", src[i].path, sr_strerror(r));
		if (used < sizeof(missing))
			used += (size_t)snprintf(missing + used, sizeof(missing) - used, "%s%s",
						 used ? ", " : "", src[i].what);
	}
	if (missing[0])
		facts_note(f, "sosreport: not collected: %s", missing);
	return nread ? 0 : -ENOENT;
}

/* ---- arm64 MIDRs from proc/cpuinfo ---- */

struct cpuinfo_ctx {
	struct host_facts *f;
	int cpu;
	unsigned int imp, var, part, rev;
	int have; /* bit per field seen */
	int filled;
};

static void cpuinfo_flush(struct cpuinfo_ctx *c)
{
	struct host_facts *f = c->f;

	if (c->cpu < 0 || c->have != 0xf)
		goto out;
	for (int i = 0; i < f->ncpus; i++) {
		struct cpu_info *ci = &f->cpus[i];

		if (ci->index != c->cpu || ci->midr_valid)
			continue;
		/* MIDR_EL1: implementer[31:24] variant[23:20] 0xf[19:16] part[15:4] rev[3:0] */
		ci->midr = (c->imp & 0xff) << 24 | (c->var & 0xf) << 20 | 0xfu << 16 |
			   (c->part & 0xfff) << 4 | (c->rev & 0xf);
		ci->midr_valid = true;
		c->filled++;
	}
out:
	c->cpu = -1;
	c->have = 0;
}

static int cpuinfo_field(const char *line, const char *key, unsigned int *v)
{
	size_t n = strlen(key);
	char *end;
	unsigned long x;

	if (strncmp(line, key, n) || (line[n] != '\t' && line[n] != ' ' && line[n] != ':'))
		return 0;
	line = strchr(line + n, ':');
	if (!line)
		return 0;
	errno = 0;
	x = strtoul(line + 1, &end, 0);
	if (errno || end == line + 1 || x > 0xffff)
		return 0;
	*v = (unsigned int)x;
	return 1;
}

static int cpuinfo_midr_line(const char *line, void *p)
{
	struct cpuinfo_ctx *c = p;
	unsigned int v;

	if (cpuinfo_field(line, "processor", &v)) {
		cpuinfo_flush(c);
		c->cpu = (int)v;
	} else if (cpuinfo_field(line, "CPU implementer", &c->imp)) {
		c->have |= 1;
	} else if (cpuinfo_field(line, "CPU variant", &c->var)) {
		c->have |= 2;
	} else if (cpuinfo_field(line, "CPU part", &c->part)) {
		c->have |= 4;
	} else if (cpuinfo_field(line, "CPU revision", &c->rev)) {
		c->have |= 8;
	}
	return 0;
}

void sos_cpuinfo_midrs(const struct sysroot *sr, struct host_facts *f)
{
	struct cpuinfo_ctx c = { .f = f, .cpu = -1 };
	int missing = 0;

	for (int i = 0; i < f->ncpus; i++)
		missing += !f->cpus[i].midr_valid;
	if (!missing || f->arch != ARCH_ARM64)
		return;
	if (sr_foreach_line(sr, "proc/cpuinfo", 4u << 20, cpuinfo_midr_line, &c) == 0)
		cpuinfo_flush(&c);
	if (c.filled)
		facts_note(f, "MIDR of %d CPUs rebuilt from proc/cpuinfo (no midr_el1 files)",
			   c.filled);
	else
		facts_note(f, "no midr_el1 files and no CPU part in proc/cpuinfo: CPU parts "
			      "unknown");
}

/* ---- installed VMMs from package lists ---- */

enum pkg_version { PV_UPSTREAM, PV_DEB_QEMU, PV_DATE, PV_QEMU_OF };

static const struct pkg_vmm {
	const char *pkg;
	const char *vmm;  /* row in vmm.c */
	const char *path; /* where the package puts it */
	enum pkg_version kind;
	enum kic_arch emulates; /* a TCG emulator on other hosts: not a KVM user */
} pkg_vmms[] = {
	/* Debian and Ubuntu */
	{ "qemu-system-arm", "qemu", "/usr/bin/qemu-system-aarch64", PV_DEB_QEMU, ARCH_ARM64 },
	{ "qemu-system-x86", "qemu", "/usr/bin/qemu-system-x86_64", PV_DEB_QEMU, ARCH_X86_64 },
	{ "libvirt-daemon", "libvirt", "/usr/sbin/libvirtd", PV_QEMU_OF, ARCH_UNKNOWN },
	{ "kvmtool", "kvmtool", "/usr/bin/lkvm", PV_DATE, ARCH_UNKNOWN },
	{ "firecracker", "firecracker", "/usr/bin/firecracker", PV_UPSTREAM, ARCH_UNKNOWN },
	{ "cloud-hypervisor", "cloud-hypervisor", "/usr/bin/cloud-hypervisor", PV_UPSTREAM,
	  ARCH_UNKNOWN },
	/* RHEL, Fedora, SUSE (rpm names) */
	{ "qemu-kvm-core", "qemu", "/usr/libexec/qemu-kvm", PV_UPSTREAM, ARCH_UNKNOWN },
	{ "qemu-system-aarch64-core", "qemu", "/usr/bin/qemu-system-aarch64", PV_UPSTREAM,
	  ARCH_ARM64 },
	{ "qemu-arm", "qemu", "/usr/bin/qemu-system-aarch64", PV_UPSTREAM, ARCH_ARM64 },
	{ "qemu-x86", "qemu", "/usr/bin/qemu-system-x86_64", PV_UPSTREAM, ARCH_X86_64 },
	{ "libvirt-daemon-driver-qemu", "libvirt", "/usr/sbin/libvirtd", PV_QEMU_OF, ARCH_UNKNOWN },
	{ "libkrun", "libkrun", "/usr/lib64/libkrun.so", PV_UPSTREAM, ARCH_UNKNOWN },
};

#define NPKG (sizeof(pkg_vmms) / sizeof(pkg_vmms[0]))

/* "0.20230224-1" (kvmtool snapshots) -> "20230224" */
static int date_version(const char *v, char *out, size_t len)
{
	const char *p = strchr(v, ':');

	p = p ? p + 1 : v;
	if (!strncmp(p, "0.", 2))
		p += 2;
	for (int i = 0; i < 8; i++)
		if (!isdigit((unsigned char)p[i]))
			return -EINVAL;
	if (len < 9)
		return -EINVAL;
	memcpy(out, p, 8);
	out[8] = '\0';
	return 0;
}

/* "ii  qemu-system-arm:arm64  1:7.2+dfsg-7+deb12u18  arm64  desc" */
static int dpkg_fields(const char *line, char *name, size_t nlen, char *ver, size_t vlen)
{
	char st[8];

	if (sscanf(line, "%7s", st) != 1 || strlen(st) < 2 || (st[0] != 'i' && st[0] != 'h') ||
	    st[1] != 'i')
		return -EINVAL; /* only installed packages (desired install/hold, state 'i') */
	line += strlen(st);
	while (*line == ' ')
		line++;
	if (sscanf(line, "%127s", name) != 1 || strlen(name) + 1 > nlen)
		return -EINVAL;
	name[strcspn(name, ":")] = '\0';
	line += strcspn(line, " ");
	while (*line == ' ')
		line++;
	if (sscanf(line, "%63s", ver) != 1 || strlen(ver) + 1 > vlen)
		return -EINVAL;
	return 0;
}

/* "qemu-kvm-core-7.2.0-14.el9_2.x86_64  Wed 01 ..." -> name, version */
static int rpm_fields(const char *line, char *name, size_t nlen, char *ver, size_t vlen)
{
	char nevra[256], *dot, *rel, *v;

	if (sscanf(line, "%255s", nevra) != 1)
		return -EINVAL;
	dot = strrchr(nevra, '.');
	if (!dot)
		return -EINVAL;
	*dot = '\0';
	rel = strrchr(nevra, '-');
	if (!rel)
		return -EINVAL;
	*rel = '\0';
	v = strrchr(nevra, '-');
	if (!v || v == nevra || strlen(v + 1) + 1 > vlen || (size_t)(v - nevra) + 1 > nlen)
		return -EINVAL;
	*v = '\0';
	memcpy(name, nevra, (size_t)(v - nevra) + 1);
	memcpy(ver, v + 1, strlen(v + 1) + 1);
	return 0;
}

int sos_package_vmm(const char *line, bool rpm, enum kic_arch arch, struct vmm_seen *out)
{
	char name[128], ver[64];
	const struct pkg_vmm *p = NULL;
	int r;

	r = rpm ? rpm_fields(line, name, sizeof(name), ver, sizeof(ver))
		: dpkg_fields(line, name, sizeof(name), ver, sizeof(ver));
	if (r)
		return -ENOENT;
	for (size_t i = 0; i < NPKG && !p; i++)
		if (!strcmp(pkg_vmms[i].pkg, name))
			p = &pkg_vmms[i];
	/* qemu-system-aarch64 on x86 emulates (TCG): KVM does not apply (as facts.c). */
	if (!p || (arch == ARCH_X86_64 && p->emulates == ARCH_ARM64))
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", p->vmm);
	snprintf(out->path, sizeof(out->path), "%s", p->path);
	switch (p->kind) {
	case PV_DEB_QEMU:
		r = vmm_debian_qemu_version(ver, out->version, sizeof(out->version));
		break;
	case PV_DATE:
		r = date_version(ver, out->version, sizeof(out->version));
		break;
	case PV_UPSTREAM:
		r = vmm_debian_upstream(ver, out->version, sizeof(out->version));
		break;
	default:
		r = 0; /* libvirt: the QEMU's, filled in later */
	}
	if (r)
		out->version[0] = '\0';
	snprintf(out->note, sizeof(out->note), "version from the %s list: %.40s %.40s",
		 rpm ? "rpm" : "dpkg -l", name, ver);
	text_clean(out->version);
	text_clean(out->note);
	return 0;
}

struct pkg_ctx {
	struct host_facts *f;
	bool rpm;
	int lines;
};

static bool already_found(const struct host_facts *f, const struct vmm_seen *s)
{
	for (int i = 0; i < f->nvmms_found; i++)
		if (!strcmp(f->vmms_found[i].name, s->name) &&
		    !strcmp(f->vmms_found[i].path, s->path))
			return true;
	return false;
}

static int pkg_line(const char *line, void *p)
{
	struct pkg_ctx *c = p;
	struct vmm_seen s;

	c->lines++;
	if (sos_package_vmm(line, c->rpm, c->f->arch, &s) || already_found(c->f, &s) ||
	    c->f->nvmms_found >= KIC_MAX_VMMS)
		return 0;
	c->f->vmms_found[c->f->nvmms_found++] = s;
	return 0;
}

/* libvirt is judged with the QEMU it runs (as vmm_detect.c does). */
static void libvirt_versions(struct host_facts *f)
{
	const struct vmm_seen *qemu = NULL;

	for (int i = 0; i < f->nvmms_found; i++)
		if (!strcmp(f->vmms_found[i].name, "qemu") && f->vmms_found[i].version[0] &&
		    (!qemu || strstr(f->vmms_found[i].path, "aarch64")))
			qemu = &f->vmms_found[i];
	for (int i = 0; i < f->nvmms_found; i++) {
		struct vmm_seen *s = &f->vmms_found[i];

		if (strcmp(s->name, "libvirt") || s->version[0])
			continue;
		if (qemu) {
			snprintf(s->version, sizeof(s->version), "%s", qemu->version);
			snprintf(s->note, sizeof(s->note), "version of the QEMU it runs: %.90s",
				 qemu->path);
		} else {
			snprintf(s->note, sizeof(s->note),
				 "no QEMU version known to judge it with");
		}
	}
}

static void sos_detect_vmms(const struct sysroot *sr, struct host_facts *f)
{
	/* The plugin's short lists first; then sos's dpkg and rpm plugins'. */
	static const struct {
		const char *path;
		bool rpm;
	} lists[] = {
		{ "sos_commands/kvm_ipa/dpkg_-l_vmm", false },
		{ "sos_commands/dpkg/dpkg_-l", false },
		{ "sos_commands/kvm_ipa/rpm_-q_vmm", true },
		{ "installed-rpms", true },
	};
	int found = 0;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct pkg_ctx c = { .f = f, .rpm = lists[i].rpm };
		int r = sr_foreach_line(sr, lists[i].path, SOS_PKG_MAX, pkg_line, &c);

		if (r == 0 && c.lines)
			found++;
		else if (r < 0 && r != -ENOENT)
			facts_note(f, "%s: %s", lists[i].path, sr_strerror(r));
	}
	libvirt_versions(f);
	if (!found)
		facts_note(f, "sosreport: no package list (dpkg -l, installed-rpms): installed "
			      "VMMs unknown");
}

/* ---- the plugin's JSON report ---- */

struct rctx {
	struct host_facts *f;
	struct kvm_obs *obs;
	struct sos_meta *m;
	int schema;
	bool have_arch, have_run, bad;
	/* evidence of the report, sorted out after the scan */
	int nev;
	struct pa_evidence ev[KIC_MAX_EVIDENCE];
	char why[KIC_MAX_MEMSLOTS][96];
};

/* Numbers only as JSON numbers: "12" is a string, not an API version. */
static int to_int(enum js_type t, const char *v, long min, long max, long *out)
{
	return t == JS_NUMBER ? parse_int_range(v, min, max, out) : -EINVAL;
}

static int errno_from_name(const char *name)
{
	if (!strcmp(name, "EUNKNOWN"))
		return 255; /* errno_name() says EUNKNOWN for it again */
	for (int e = 1; e < 200; e++) {
		const char *n = errno_name(e);

		if (n && strcmp(n, "EUNKNOWN") && !strcmp(n, name))
			return e;
	}
	return 255;
}

static enum probe_result probe_result_from(const char *v)
{
	return !strcmp(v, "created")	? PR_CREATED
	       : !strcmp(v, "rejected") ? PR_REJECTED
	       : !strcmp(v, "skipped")	? PR_SKIPPED
					: PR_NOT_RUN;
}

static enum run_result run_result_from(const char *v)
{
	return !strcmp(v, "exited")    ? RUN_EXITED
	       : !strcmp(v, "hang")    ? RUN_HANG
	       : !strcmp(v, "error")   ? RUN_ERROR
	       : !strcmp(v, "skipped") ? RUN_SKIPPED
				       : RUN_NOT_RUN;
}

static unsigned int exit_reason_from(const char *v)
{
	static const struct {
		const char *name;
		unsigned int nr; /* KVM_EXIT_*, include/uapi/linux/kvm.h */
	} r[] = { { "io", KVM_EXIT_IO },
		  { "hlt", KVM_EXIT_HLT },
		  { "mmio", KVM_EXIT_MMIO },
		  { "shutdown", KVM_EXIT_SHUTDOWN },
		  { "fail_entry", KVM_EXIT_FAIL_ENTRY },
		  { "internal_error", KVM_EXIT_INTERNAL_ERROR },
		  { "system_event", KVM_EXIT_SYSTEM_EVENT } };

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (!strcmp(r[i].name, v))
			return r[i].nr;
	return KVM_EXIT_UNKNOWN; /* printed as "unknown" again */
}

static enum mod_state mod_state_from(const char *v)
{
	return !strcmp(v, "builtin")	 ? MOD_BUILTIN
	       : !strcmp(v, "loaded")	 ? MOD_LOADED
	       : !strcmp(v, "absent")	 ? MOD_ABSENT
	       : !strcmp(v, "not-found") ? MOD_NOT_FOUND
					 : MOD_UNKNOWN;
}

static void copy_str(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
	text_clean(dst);
}

/* Grows a counted array to hold element idx; false when idx is out of range. */
static bool slot(int *n, long idx, int max)
{
	if (idx < 0 || idx >= max)
		return false;
	if (*n <= idx)
		*n = (int)idx + 1;
	return true;
}

static void r_host(struct rctx *c, const char *k, long idx, enum js_type t, const char *v)
{
	struct host_facts *f = c->f;
	uint64_t x;
	long n;

	if (!strcmp(k, "arch") && t == JS_STRING) {
		for (int a = ARCH_UNKNOWN; a <= ARCH_OTHER; a++)
			if (!strcmp(v, kic_arch_name(a)))
				f->arch = a;
		copy_str(f->arch_name, sizeof(f->arch_name), v);
		c->have_arch = true;
	} else if (!strcmp(k, "kernel_release") && t == JS_STRING) {
		copy_str(f->kernel_release, sizeof(f->kernel_release), v);
	} else if (!strcmp(k, "live")) {
		c->m->live = t == JS_TRUE;
	} else if (!strcmp(k, "kvm_arm_mode") && t == JS_STRING) {
		copy_str(f->kvm_arm_mode, sizeof(f->kvm_arm_mode), v);
	} else if (!strcmp(k, "cpus[].cpu") && slot(&f->ncpus, idx, KIC_MAX_CPUS) &&
		   !to_int(t, v, 0, 1 << 20, &n)) {
		f->cpus[idx].index = (int)n;
	} else if (!strcmp(k, "cpus[].midr") && t == JS_STRING &&
		   slot(&f->ncpus, idx, KIC_MAX_CPUS) && !parse_hex_u64(v, &x) && x <= UINT32_MAX) {
		f->cpus[idx].midr = (uint32_t)x;
		f->cpus[idx].midr_valid = true;
	} else if (!strcmp(k, "ram_top") && t == JS_STRING && !parse_hex_u64(v, &x)) {
		f->ram_top = x;
	} else if (!strcmp(k, "log_ipa_limit") && !to_int(t, v, 32, 56, &n)) {
		f->log_ipa_limit = ipa_known((int)n);
	} else if (!strcmp(k, "log_default_warning_comm") && t == JS_STRING) {
		f->log_default_warned = true;
		copy_str(f->log_default_comm, sizeof(f->log_default_comm), v);
	} else if (!strcmp(k, "evidence[].source") && slot(&c->nev, idx, KIC_MAX_EVIDENCE)) {
		c->ev[idx].source = PA_SRC__MAX;
		for (int s = 0; s < PA_SRC__MAX; s++)
			if (!strcmp(v, pa_source_name(s)))
				c->ev[idx].source = s;
	} else if (!strcmp(k, "evidence[].bits") && slot(&c->nev, idx, KIC_MAX_EVIDENCE) &&
		   !to_int(t, v, 1, 64, &n)) {
		c->ev[idx].bits = (int)n;
	} else if (!strcmp(k, "evidence[].detail") && t == JS_STRING &&
		   slot(&c->nev, idx, KIC_MAX_EVIDENCE)) {
		copy_str(c->ev[idx].detail, sizeof(c->ev[idx].detail), v);
	} else if (!strcmp(k, "notes[]") && t == JS_STRING) {
		facts_note(f, "%s", v);
	}
}

/* "MAJOR:MINOR" of the report's /dev/kvm; anything else leaves it unknown. */
static void dev_number(struct host_facts *f, const char *v)
{
	char *end;
	unsigned long ma = strtoul(v, &end, 10), mi;

	if (end == v || *end != ':' || ma > 0xfff)
		return;
	v = end + 1;
	mi = strtoul(v, &end, 10);
	if (end == v || *end || mi > 0xfffff)
		return;
	f->dev_number_known = true;
	f->dev_major = (unsigned int)ma;
	f->dev_minor = (unsigned int)mi;
}

static void r_kvm(struct rctx *c, const char *k, long idx, enum js_type t, const char *v)
{
	struct host_facts *f = c->f;
	struct kvm_obs *o = c->obs;
	long n;

	if (!strcmp(k, "device.present") && t != JS_NULL) {
		f->dev_known = true;
		f->dev_present = t == JS_TRUE;
	} else if (!strcmp(k, "device.accessible")) {
		f->dev_accessible = t == JS_TRUE;
	} else if (!strcmp(k, "device.mode") && t == JS_STRING) {
		f->dev_mode = (unsigned int)strtoul(v, NULL, 8) & 07777;
	} else if (!strcmp(k, "device.group") && t == JS_STRING) {
		copy_str(f->dev_group, sizeof(f->dev_group), v);
	} else if (!strcmp(k, "device.number") && t == JS_STRING) {
		dev_number(f, v);
	} else if (!strcmp(k, "device.is_kvm") && t != JS_NULL) {
		f->dev_not_kvm = t != JS_TRUE;
	} else if (!strcmp(k, "device.kvm_registered") && t != JS_NULL) {
		f->kvm_registered_known = true;
		f->kvm_registered = t == JS_TRUE;
	} else if (!strcmp(k, "modules[].name") && slot(&f->nmodules, idx, 4)) {
		copy_str(f->modules[idx].name, sizeof(f->modules[0].name), v);
	} else if (!strcmp(k, "modules[].state") && slot(&f->nmodules, idx, 4)) {
		f->modules[idx].state = mod_state_from(v);
	} else if (!strcmp(k, "modules[].parameters") && slot(&f->nmodules, idx, 4)) {
		copy_str(f->modules[idx].params, sizeof(f->modules[0].params), v);
	} else if (!strcmp(k, "api_version") && !to_int(t, v, 0, 1 << 30, &n)) {
		o->api_version = (int)n;
	} else if (!strcmp(k, "ipa_limit") && !to_int(t, v, 0, 64, &n)) {
		o->ipa_limit = n ? ipa_known((int)n) : IPA_LIMIT_ABSENT;
	} else if (!strcmp(k, "nr_memslots") && !to_int(t, v, 0, 1 << 30, &n)) {
		o->nr_memslots = (int)n;
	} else if (!strcmp(k, "max_vcpus") && !to_int(t, v, 0, 1 << 30, &n)) {
		o->max_vcpus = (int)n;
	} else if (!strcmp(k, "vm_types") && !to_int(t, v, 0, 1L << 30, &n)) {
		o->vm_types = (int)n;
	} else if (!strcmp(k, "cpuid_phys_bits") && !to_int(t, v, 0, 64, &n)) {
		o->cpuid_phys_bits = (int)n;
	}
}

static void r_ipa(struct ipa_probe *p, const char *k, enum js_type t, const char *v)
{
	long n;

	if (!strcmp(k, "bits") && !to_int(t, v, 0, 64, &n))
		p->bits = (int)n;
	else if (!strcmp(k, "result"))
		p->result = probe_result_from(v);
	else if (!strcmp(k, "errno") && t == JS_STRING)
		p->err = errno_from_name(v);
}

static void r_slot(struct rctx *c, long idx, const char *k, enum js_type t, const char *v)
{
	struct slot_probe *s;
	uint64_t x;
	long n;

	if (!slot(&c->obs->nslots, idx, KIC_MAX_MEMSLOTS))
		return;
	s = &c->obs->slots[idx];
	if (!strcmp(k, "vm_bits") && !to_int(t, v, 0, 64, &n))
		s->vm_bits = (int)n;
	else if (!strcmp(k, "gpa") && t == JS_STRING && !parse_hex_u64(v, &x))
		s->gpa = x;
	else if (!strcmp(k, "size") && t == JS_STRING && !parse_hex_u64(v, &x))
		s->size = x;
	else if (!strcmp(k, "result"))
		s->result = !strcmp(v, "accepted") ? SLOT_ACCEPTED : SLOT_REJECTED;
	else if (!strcmp(k, "errno") && t == JS_STRING)
		s->err = errno_from_name(v);
	else if (!strcmp(k, "why") && t == JS_STRING)
		copy_str(c->why[idx], sizeof(c->why[0]), v);
}

static void r_probes(struct rctx *c, const char *k, long idx, enum js_type t, const char *v)
{
	struct kvm_obs *o = c->obs;
	struct vcpu_run *r = &o->run;
	long n;

	if (!strcmp(k, "run")) {
		o->probed = t == JS_TRUE;
		c->have_run = t == JS_TRUE || t == JS_FALSE;
	} else if (!strcmp(k, "skipped_reason") && t == JS_STRING) {
		copy_str(o->skip_reason, sizeof(o->skip_reason), v);
	} else if (!strncmp(k, "default_vm.", 11)) {
		r_ipa(&o->default_vm, k + 11, t, v);
	} else if (!strncmp(k, "ipa_sizes[].", 12)) {
		if (slot(&o->nipa, idx, KIC_MAX_IPA_PROBES))
			r_ipa(&o->ipa[idx], k + 12, t, v);
	} else if (!strncmp(k, "memslots[].", 11)) {
		r_slot(c, idx, k + 11, t, v);
	} else if (!strcmp(k, "vcpu_run.result")) {
		r->result = run_result_from(v);
	} else if (!strcmp(k, "vcpu_run.exit_reason") && t == JS_STRING) {
		r->exit_reason = exit_reason_from(v);
	} else if (!strcmp(k, "vcpu_run.elapsed_ms") && !to_int(t, v, 0, 1L << 40, &n)) {
		r->elapsed_ms = n;
	} else if (!strcmp(k, "vcpu_run.vm_bits") && !to_int(t, v, 0, 64, &n)) {
		r->vm_bits = (int)n;
	} else if (!strcmp(k, "vcpu_run.detail") && t == JS_STRING) {
		copy_str(r->detail, sizeof(r->detail), v);
	} else if (!strcmp(k, "incomplete")) {
		o->incomplete = t == JS_TRUE;
	} else if (!strcmp(k, "incomplete_reason") && t == JS_STRING) {
		copy_str(o->incomplete_reason, sizeof(o->incomplete_reason), v);
	} else if (!strcmp(k, "elapsed_ms") && !to_int(t, v, 0, 1L << 40, &n)) {
		o->elapsed_ms = n;
	}
}

/* Installed VMMs of the report (what-if ones are the options of that run, not facts). */
static void r_vmms(struct rctx *c, const char *k, long idx, enum js_type t, const char *v)
{
	struct host_facts *f = c->f;
	struct vmm_seen *s;

	if (!slot(&f->nvmms_found, idx, KIC_MAX_VMMS))
		return;
	s = &f->vmms_found[idx];
	if (!strcmp(k, "name") && t == JS_STRING)
		copy_str(s->name, sizeof(s->name), v);
	else if (!strcmp(k, "version") && t == JS_STRING)
		copy_str(s->version, sizeof(s->version), v);
	else if (!strcmp(k, "path") && t == JS_STRING)
		copy_str(s->path, sizeof(s->path), v);
	else if (!strcmp(k, "what_if") && t == JS_TRUE)
		s->note[0] = '\1'; /* dropped after the scan */
}

static int report_cb(const char *path, long idx, enum js_type t, const char *v, void *ctx)
{
	struct rctx *c = ctx;
	long n;

	if (!strcmp(path, "schema_version")) {
		c->schema = to_int(t, v, 0, 1000, &n) ? -1 : (int)n;
	} else if (!strcmp(path, "tool_version") && t == JS_STRING) {
		copy_str(c->m->tool_version, sizeof(c->m->tool_version), v);
	} else if (!strncmp(path, "host.", 5)) {
		r_host(c, path + 5, idx, t, v);
	} else if (!strncmp(path, "kvm.", 4)) {
		r_kvm(c, path + 4, idx, t, v);
	} else if (!strncmp(path, "probes.", 7)) {
		r_probes(c, path + 7, idx, t, v);
	} else if (!strncmp(path, "vmms[].", 7)) {
		r_vmms(c, path + 7, idx, t, v);
	}
	return 0;
}

/* Facts' evidence back into the facts; the probes' into obs. */
static void sort_evidence(struct rctx *c)
{
	struct host_facts *f = c->f;

	for (int i = 0; i < c->nev; i++) {
		const struct pa_evidence *e = &c->ev[i];

		switch (e->source) {
		case PA_SRC_KVM_CAP:
			break; /* kvm.ipa_limit */
		case PA_SRC_ONE_REG:
			c->obs->one_reg_parange_bits = e->bits;
			break;
		case PA_SRC_CPUID:
			c->obs->cpuid_phys_bits = e->bits;
			break;
		case PA_SRC_CORE_TABLE:
			f->core_pa_bits = e->bits;
			facts_add_evidence(f, e->source, e->bits, e->detail);
			break;
		case PA_SRC_CPUINFO:
			f->x86_phys_bits = e->bits;
			facts_add_evidence(f, e->source, e->bits, e->detail);
			break;
		case PA_SRC__MAX:
			break;
		default:
			facts_add_evidence(f, e->source, e->bits, e->detail);
		}
	}
}

static void drop_what_ifs(struct host_facts *f)
{
	int n = 0;

	for (int i = 0; i < f->nvmms_found; i++) {
		struct vmm_seen *s = &f->vmms_found[i];

		if (s->note[0] == '\1' || !s->name[0])
			continue;
		snprintf(s->note, sizeof(s->note), "from kvm-ipa-check's report in the sosreport");
		f->vmms_found[n++] = *s;
	}
	f->nvmms_found = n;
}

int sos_parse_report(const char *buf, size_t len, struct host_facts *f, struct kvm_obs *obs,
		     struct sos_meta *m)
{
	static struct rctx c;
	int r;

	memset(f, 0, sizeof(*f));
	memset(obs, 0, sizeof(*obs));
	memset(m, 0, sizeof(*m));
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.obs = obs;
	c.m = m;
	/* what the report does not give (null: a failed query there) is unknown here too */
	obs->api_version = obs->nr_memslots = obs->max_vcpus = -ENODATA;
	obs->vm_types = -1;
	obs->smaller_maxphyaddr = -1;
	r = js_scan(buf, len, report_cb, &c);
	if (r < 0)
		return r;
	if (c.schema != KIC_SCHEMA_VERSION || !c.have_arch || !c.have_run)
		return -EINVAL;
	sort_evidence(&c);
	for (int i = 0; i < obs->nslots; i++)
		obs->slots[i].why = c.why[i];
	drop_what_ifs(f);
	if (!obs->probed)
		obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	return 0;
}

/* ---- where and when: the archive's uname and sos manifest ---- */

struct when_ctx {
	char plugin[64], run[64];
};

static int manifest_cb(const char *path, long idx, enum js_type t, const char *v, void *ctx)
{
	struct when_ctx *w = ctx;

	(void)idx;
	if (t != JS_STRING)
		return 0;
	if (!strcmp(path, "components.report.plugins.kvm_ipa.start_time"))
		copy_str(w->plugin, sizeof(w->plugin), v);
	else if (!strcmp(path, "start_time"))
		copy_str(w->run, sizeof(w->run), v);
	return w->plugin[0] ? 1 : 0;
}

static char *read_all(const struct sysroot *sr, const char *rel, size_t max, int *len)
{
	char *buf = malloc(max);

	if (!buf) {
		*len = -ENOMEM;
		return NULL;
	}
	*len = sr_read_bin(sr, rel, (unsigned char *)buf, max);
	if (*len < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* "2026-11-29 23:05:36.788525" -> "2026-11-29 23:05:36 (sos's clock)" */
static void sos_time(const struct sysroot *sr, char *out, size_t len)
{
	struct when_ctx w = { .plugin = "" };
	char *buf;
	int n;

	snprintf(out, len, "an unknown time (no sos manifest)");
	buf = read_all(sr, "sos_reports/manifest.json", SOS_MANIFEST_MAX, &n);
	if (!buf)
		return;
	js_scan(buf, (size_t)n, manifest_cb, &w);
	free(buf);
	if (w.plugin[0] || w.run[0])
		snprintf(out, len, "%.19s", w.plugin[0] ? w.plugin : w.run);
}

static void sos_host(const struct sysroot *sr, char *out, size_t len)
{
	struct uname_fields u = { .node = "" };
	char buf[128];

	if (read_uname(sr, &u) == 0)
		snprintf(out, len, "%s", u.node);
	else if (sr_read_line(sr, "sos_commands/host/hostname", buf, sizeof(buf)) > 0)
		snprintf(out, len, "%.64s", buf);
	else
		snprintf(out, len, "an unnamed host");
	text_clean(out);
}

/*
 * The kernel log details the JSON does not carry (format, suffix, WARN,
 * pKVM line), from the same archive's logs of the same boot; only when they
 * agree with the report on the limit.
 */
static void merge_log(struct host_facts *j, const struct host_facts *tree)
{
	if (!tree->log_readable ||
	    (j->log_ipa_limit.state == IPA_KNOWN && tree->log_ipa_limit.state == IPA_KNOWN &&
	     j->log_ipa_limit.bits != tree->log_ipa_limit.bits))
		return;
	j->log_readable = true;
	if (j->log_ipa_limit.state != IPA_KNOWN && tree->log_ipa_limit.state == IPA_KNOWN) {
		j->log_ipa_limit = tree->log_ipa_limit;
		facts_add_evidence(j, PA_SRC_KERNEL_LOG, tree->log_ipa_limit.bits,
				   log_format_name(tree->log_format));
	}
	j->log_format = tree->log_format;
	j->log_reduced_suffix = tree->log_reduced_suffix;
	j->log_unfixed_warn = tree->log_unfixed_warn;
	j->log_protected = tree->log_protected;
	j->log_pkvm_refused = tree->log_pkvm_refused;
	memcpy(j->log_kvm_mode, tree->log_kvm_mode, sizeof(j->log_kvm_mode));
	if (!j->log_default_warned && tree->log_default_warned) {
		j->log_default_warned = true;
		memcpy(j->log_default_comm, tree->log_default_comm, sizeof(j->log_default_comm));
	}
	memcpy(j->cmdline, tree->cmdline, sizeof(j->cmdline));
}

static int import_report(const struct sysroot *sr, struct host_facts *f, struct kvm_obs *obs)
{
	static struct host_facts j;
	static struct kvm_obs o;
	struct sos_meta m;
	char host[96], when[64];
	int n, r;
	char *buf = read_all(sr, SOS_PLUGIN_JSON, SOS_REPORT_MAX, &n);

	if (!buf)
		return n;
	r = n ? sos_parse_report(buf, (size_t)n, &j, &o, &m) : -ENODATA;
	free(buf);
	if (r < 0)
		return r;
	sos_host(sr, host, sizeof(host));
	sos_time(sr, when, sizeof(when));
	/* First note, before the report's own: whose verdict this is. */
	memmove(j.notes[1], j.notes[0], sizeof(j.notes[0]) * (KIC_MAX_NOTES - 1));
	j.nnotes = j.nnotes < KIC_MAX_NOTES ? j.nnotes + 1 : KIC_MAX_NOTES;
	snprintf(j.notes[0], sizeof(j.notes[0]), "%s on %.40s at %.48s by kvm-ipa-check %.20s",
		 m.live ? "measured" : "read offline", host, when,
		 m.tool_version[0] ? m.tool_version : "?");
	text_clean(j.notes[0]);
	merge_log(&j, f);
	j.is_root = f->is_root;
	*f = j;
	*obs = o;
	if (!obs->probed && !obs->skip_reason[0])
		snprintf(obs->skip_reason, sizeof(obs->skip_reason),
			 "not probed on the host (kvm-ipa-check's report in the sosreport)");
	return 0;
}

static void missing_notes(struct host_facts *f)
{
	if (!f->ram_top)
		facts_note(f, "sosreport: no sys/devices/system/memory nor proc/iomem (pci "
			      "plugin): top of RAM unknown");
}

void sos_read(const struct sysroot *sr, struct host_facts *f, struct kvm_obs *obs)
{
	int r;

	if (!sos_is_bundle(sr))
		return;
	r = import_report(sr, f, obs);
	if (r == 0)
		return;
	if (r == -ENOENT)
		facts_note(f, "sosreport: no kvm-ipa-check report (kvm_ipa plugin): nothing was "
			      "measured on the host, facts from sos's own files");
	else
		facts_note(f, "%s: %s, ignored: facts from sos's own files", SOS_PLUGIN_JSON,
			   r == -ENODATA ? "empty (the tool did not finish: see sos_logs)"
			   : r == -EFBIG ? "larger than a report"
					 : "not a kvm-ipa-check report (schema_version 1)");
	snprintf(obs->skip_reason, sizeof(obs->skip_reason),
		 "sosreport without kvm-ipa-check's measurement: KVM was not probed");
	sos_detect_vmms(sr, f);
	missing_notes(f);
}

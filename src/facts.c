// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host facts: arch, kernel, CPUs, RAM and the kernel log, read below a
 * sysroot. Nothing here touches /dev/kvm; a missing or garbage file becomes a
 * note and an unknown figure, never a failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cpuid_arm.h"
#include "facts.h"
#include "parse.h"
#include "sosreport.h"
#include "vmm_detect.h"

#define KLOG_MAX_BYTES	  (16u << 20) /* a full 16 MiB log buffer, no more */
#define MAX_MEMORY_BLOCKS (1 << 20)

void facts_note(struct host_facts *f, const char *fmt, ...)
{
	static int hidden; /* notes past the limit; the last slot counts them */
	va_list ap;

	if (f->nnotes < KIC_MAX_NOTES)
		hidden = 0; /* a fresh list (test programs fill several) */
	if (f->nnotes >= KIC_MAX_NOTES) {
		/* the last note gives way to the count, which then includes it */
		hidden += hidden ? 1 : 2;
		snprintf(f->notes[KIC_MAX_NOTES - 1], sizeof(f->notes[0]),
			 "%d more notes not shown", hidden);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(f->notes[f->nnotes], sizeof(f->notes[0]), fmt, ap);
	va_end(ap);
	text_clean(f->notes[f->nnotes++]);
}

void facts_add_evidence(struct host_facts *f, enum pa_source src, int bits, const char *detail)
{
	pa_evidence_add(f->evidence, &f->nevidence, src, bits, detail);
}

static void note_read_error(struct host_facts *f, const char *path, int err)
{
	if (err == -ENOENT)
		return; /* absence is normal on many kernels; callers decide */
	if (err == -EFBIG)
		facts_note(f, "%s: larger than expected, ignored", path);
	else if (err == -EINVAL)
		facts_note(f, "%s: not a regular text file, ignored", path);
	else
		facts_note(f, "%s: %s", path, sr_strerror(err));
}

static enum kic_arch arch_from_name(const char *m)
{
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return ARCH_ARM64;
	if (!strcmp(m, "x86_64"))
		return ARCH_X86_64;
	return *m ? ARCH_OTHER : ARCH_UNKNOWN;
}

static void read_identity(const struct sysroot *sr, struct host_facts *f)
{
	struct utsname u;
	int r;

	if (sr->live && uname(&u) == 0) {
		snprintf(f->arch_name, sizeof(f->arch_name), "%s", u.machine);
		snprintf(f->kernel_release, sizeof(f->kernel_release), "%s", u.release);
	} else {
		/* /proc/sys/kernel/arch is what uname -m says (kernel/utsname_sysctl.c). */
		r = sr_read_line(sr, "proc/sys/kernel/arch", f->arch_name, sizeof(f->arch_name));
		if (r < 0) {
			note_read_error(f, "proc/sys/kernel/arch", r);
			f->arch_name[0] = '\0';
		}
		r = sr_read_line(sr, "proc/sys/kernel/osrelease", f->kernel_release,
				 sizeof(f->kernel_release));
		if (r < 0) {
			note_read_error(f, "proc/sys/kernel/osrelease", r);
			f->kernel_release[0] = '\0';
		}
		/* A sosreport has neither file: sos's uname -a or lscpu. */
		if (!f->arch_name[0] || !f->kernel_release[0])
			sos_identity(sr, f);
	}
	/* A copied tree may hold anything: nothing read may drive a terminal. */
	text_clean(f->arch_name);
	text_clean(f->kernel_release);
	f->arch = arch_from_name(f->arch_name);
	if (f->arch == ARCH_UNKNOWN)
		facts_note(f, "architecture unknown: proc/sys/kernel/arch missing or unreadable");
}

static void read_cmdline(const struct sysroot *sr, struct host_facts *f)
{
	int r = sr_read_line(sr, "proc/cmdline", f->cmdline, sizeof(f->cmdline));

	if (r < 0) {
		note_read_error(f, "proc/cmdline", r);
		f->cmdline[0] = '\0';
	}
	text_clean(f->cmdline);
	parse_kvm_arm_mode(f->cmdline, f->kvm_arm_mode, sizeof(f->kvm_arm_mode));
}

static void read_one_midr(const struct sysroot *sr, struct host_facts *f, int cpu)
{
	char path[96], buf[64];
	struct cpu_info *c;
	int r;

	if (f->ncpus >= KIC_MAX_CPUS)
		return;
	c = &f->cpus[f->ncpus++];
	c->index = cpu;
	snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/regs/identification/midr_el1",
		 cpu);
	r = sr_read(sr, path, buf, sizeof(buf));
	if (r < 0) {
		if (r != -ENOENT)
			note_read_error(f, path, r);
		return;
	}
	if (midr_parse(buf, &c->midr) < 0) {
		facts_note(f, "%s: not a MIDR value, ignored", path);
		return;
	}
	c->midr_valid = true;
}

static void read_cpus(const struct sysroot *sr, struct host_facts *f)
{
	static bool set[KIC_MAX_CPUS];
	static char buf[4096]; /* off the stack: ulimit -s may be tiny */
	int r, min_pa = 0, unknown = 0;

	memset(set, 0, sizeof(set));
	r = sr_read_line(sr, "sys/devices/system/cpu/possible", buf, sizeof(buf));
	if (r >= 0)
		r = parse_cpulist(buf, set, KIC_MAX_CPUS);
	if (r < 0) {
		note_read_error(f, "sys/devices/system/cpu/possible", r == -ERANGE ? -EFBIG : r);
		return;
	}
	for (int i = 0; i < KIC_MAX_CPUS; i++)
		if (set[i] && f->arch == ARCH_ARM64)
			read_one_midr(sr, f, i);
		else if (set[i])
			f->cpus[f->ncpus++] = (struct cpu_info){ .index = i };
	if (!sr->live)
		sos_cpuinfo_midrs(sr, f);
	for (int i = 0; i < f->ncpus; i++) {
		struct midr m;
		int pa;

		if (!f->cpus[i].midr_valid)
			continue;
		midr_decode(f->cpus[i].midr, &m);
		pa = arm_part_pa_bits(m.implementer, m.partnum);
		if (pa <= 0) {
			unknown++;
			continue;
		}
		/* KVM takes the smallest PARange of all CPUs (FTR_LOWER_SAFE). */
		if (!min_pa || pa < min_pa)
			min_pa = pa;
	}
	if (min_pa && !unknown) {
		f->core_pa_bits = min_pa;
		facts_add_evidence(f, PA_SRC_CORE_TABLE, min_pa,
				   "documented PARange of the CPU parts");
	}
}

static int cmp_long_desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x < y) - (x > y);
}

/* Highest online memory block: sys/devices/system/memory/memoryN/state. */
static void read_memory_blocks(const struct sysroot *sr, struct host_facts *f)
{
	char buf[64], path[96];
	uint64_t block = 0;
	long *ids = NULL;
	size_t n = 0, cap = 0, seen = 0;
	DIR *d;
	int r;

	r = sr_read(sr, "sys/devices/system/memory/block_size_bytes", buf, sizeof(buf));
	if (r >= 0)
		r = parse_hex_u64(buf, &block);
	if (r < 0 || block == 0 || (block & (block - 1))) {
		if (r != -ENOENT)
			note_read_error(f, "sys/devices/system/memory/block_size_bytes",
					r < 0 ? r : -EINVAL);
		return;
	}
	d = sr_opendir(sr, "sys/devices/system/memory");
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		long id;

		/* a million memoryN entries: the deadline holds inside the listing */
		if (!(++seen & 4095) && kic_interrupted() < 0) {
			facts_note(f, "sys/devices/system/memory: listing cut short (%s)",
				   kic_interrupted() == -EINTR ? "signal" : "--timeout");
			break;
		}
		if (strncmp(de->d_name, "memory", 6) ||
		    parse_int_range(de->d_name + 6, 0, 1L << 40, &id))
			continue;
		if (n == cap) {
			long *nids;

			if (cap >= MAX_MEMORY_BLOCKS)
				break;
			cap = cap ? cap * 2 : 256;
			nids = realloc(ids, cap * sizeof(*ids));
			if (!nids)
				break;
			ids = nids;
		}
		ids[n++] = id;
	}
	closedir(d);
	qsort(ids, n, sizeof(*ids), cmp_long_desc);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "sys/devices/system/memory/memory%ld/state", ids[i]);
		if (sr_read_line(sr, path, buf, sizeof(buf)) >= 0 && !strcmp(buf, "online")) {
			if ((uint64_t)ids[i] < (UINT64_MAX / block) - 1)
				f->ram_top = ((uint64_t)ids[i] + 1) * block;
			break;
		}
	}
	free(ids);
}

static int dt_cells(const struct sysroot *sr, const char *name, int dflt)
{
	unsigned char b[4];
	char path[96];

	snprintf(path, sizeof(path), "sys/firmware/devicetree/base/%s", name);
	if (sr_read_bin(sr, path, b, sizeof(b)) != 4)
		return dflt;
	return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
}

/* Device tree memory nodes (arm64 boards without memory hotplug sysfs). */
static void read_dt_memory(const struct sysroot *sr, struct host_facts *f)
{
	/* ePAPR defaults when the root node has no #address-cells/#size-cells */
	int ac = dt_cells(sr, "#address-cells", 2), sc = dt_cells(sr, "#size-cells", 1);
	DIR *d = sr_opendir(sr, "sys/firmware/devicetree/base");
	unsigned char reg[512];
	char path[384];

	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		uint64_t top;
		int n;

		if (strncmp(de->d_name, "memory", 6) ||
		    (de->d_name[6] != '\0' && de->d_name[6] != '@'))
			continue;
		snprintf(path, sizeof(path), "sys/firmware/devicetree/base/%s/reg", de->d_name);
		n = sr_read_bin(sr, path, reg, sizeof(reg));
		if (n > 0 && parse_dt_reg_top(reg, (size_t)n, ac, sc, &top) == 0 &&
		    top > f->ram_top)
			f->ram_top = top;
	}
	closedir(d);
}

struct iomem_ctx {
	uint64_t top, ram_top;
	bool all_zero;
	int lines;
};

static int iomem_line(const char *line, void *p)
{
	struct iomem_ctx *c = p;
	uint64_t start, end;
	const char *name;
	int depth;

	if (parse_iomem_line(line, &start, &end, &depth, &name))
		return 0;
	c->lines++;
	if (start || end)
		c->all_zero = false;
	if (end + 1 > c->top && end != UINT64_MAX)
		c->top = end + 1;
	if (depth == 0 && !strcmp(name, "System RAM") && end + 1 > c->ram_top)
		c->ram_top = end + 1;
	return 0;
}

static void read_iomem(const struct sysroot *sr, struct host_facts *f)
{
	struct iomem_ctx c = { .all_zero = true };
	int r = sr_foreach_line(sr, "proc/iomem", SR_MAX_FILE, iomem_line, &c);

	if (r < 0) {
		note_read_error(f, "proc/iomem", r);
		return;
	}
	/* Without CAP_SYS_ADMIN the kernel shows every address as 0. */
	if (!c.lines || c.all_zero) {
		if (c.lines)
			facts_note(f, "proc/iomem: addresses hidden (needs root)");
		return;
	}
	f->iomem_readable = true;
	f->iomem_top = c.top;
	if (!f->ram_top && c.ram_top)
		f->ram_top = c.ram_top;
}

static int klog_line(const char *line, void *p)
{
	klog_parse_line(line, p);
	return 0;
}

/* /dev/kmsg hands out one record per read(); O_NONBLOCK ends at the tail. */
static int read_kmsg(struct klog_state *st)
{
	enum { REC = 8192 }; /* CONSOLE_EXT_LOG_MAX */
	char *rec = malloc(REC);
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), r = 0;
	long count = 0;

	if (fd < 0 || !rec) {
		r = fd < 0 ? -errno : -ENOMEM;
		if (fd >= 0)
			close(fd);
		free(rec);
		return r;
	}
	for (;;) {
		ssize_t n;

		/* every 256 records: the deadline and stop signals hold here too */
		if (!(count & 255) && (r = kic_interrupted()) < 0)
			break;
		n = read(fd, rec, REC - 1);

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue; /* record overwritten while reading: skip it */
		if (n <= 0 || ++count > 200000)
			break;
		rec[n] = '\0';
		rec[strcspn(rec, "\n")] = '\0';
		klog_parse_line(rec, st);
	}
	close(fd);
	free(rec);
	return r;
}

/*
 * Only the running boot's lines count (klog_parse_line() forgets what came
 * before the last boot marker): kern.log and a kept dmesg span boots.
 */
static bool klog_this_boot(struct host_facts *f, const struct klog_state *st, const char *src)
{
	if (st->earlier_boots > 0)
		facts_note(f,
			   "kernel log: %s holds %d earlier boot%s; only the last boot's lines "
			   "are read",
			   src, st->earlier_boots, st->earlier_boots == 1 ? "" : "s");
	if (st->release[0] && f->kernel_release[0] && strcmp(st->release, f->kernel_release)) {
		facts_note(f,
			   "kernel log: %s's last boot ran Linux %s, not the running %s: not "
			   "used",
			   src, st->release, f->kernel_release);
		return false;
	}
	return true;
}

static void read_klog(const struct sysroot *sr, struct host_facts *f)
{
	static const char *const files[] = { "var/log/dmesg", "sos_commands/kernel/dmesg",
					     "var/log/kern.log" };
	struct klog_state st = { 0 };
	const char *src = "/dev/kmsg";
	int r = -ENOENT;

	if (sr->live) {
		r = read_kmsg(&st);
		if (r < 0)
			facts_note(f, "kernel log: /dev/kmsg: %s%s", strerror(-r),
				   r == -EPERM || r == -EACCES ? " (kernel.dmesg_restrict)" : "");
	}
	if (!sr->live && sos_is_bundle(sr)) {
		r = sos_read_klog(sr, f, &st);
		src = "the sosreport";
	}
	for (size_t i = 0; r < 0 && i < sizeof(files) / sizeof(files[0]); i++) {
		memset(&st, 0, sizeof(st));
		src = files[i];
		r = sr_foreach_line(sr, files[i], KLOG_MAX_BYTES, klog_line, &st);
		if (r == -EFBIG)
			r = 0; /* what was read still counts */
		else if (r < 0 && r != -ENOENT)
			note_read_error(f, files[i], r);
	}
	if (r < 0) {
		if (!sr->live)
			facts_note(f, "kernel log: none in the tree (var/log/dmesg, "
				      "sos_commands/kernel/dmesg, var/log/kern.log)");
		return;
	}
	if (!klog_this_boot(f, &st, src))
		return;
	f->log_readable = true;
	/* Missing inputs are always notes: a wrapped ring buffer loses the boot lines. */
	if (f->arch == ARCH_ARM64 && !st.ipa_limit)
		facts_note(f, "kernel log: no KVM \"IPA Size Limit\" line (the log no longer "
			      "reaches back to boot, or KVM did not initialise)");
	if (st.ipa_limit > 0)
		f->log_ipa_limit = ipa_known(st.ipa_limit);
	f->log_format = st.fmt;
	f->log_reduced_suffix = st.reduced_suffix;
	f->log_unfixed_warn = st.unfixed_warn;
	f->log_default_warned = st.default_warned;
	snprintf(f->log_default_comm, sizeof(f->log_default_comm), "%s", st.comm);
	text_clean(f->log_default_comm);
	f->log_protected = st.protected_mode;
	f->log_pkvm_refused = st.pkvm_refused;
	snprintf(f->log_kvm_mode, sizeof(f->log_kvm_mode), "%s", st.kvm_mode);
	text_clean(f->log_kvm_mode);
	if (st.ipa_limit)
		facts_add_evidence(f, PA_SRC_KERNEL_LOG, st.ipa_limit, log_format_name(st.fmt));
}

static int cpuinfo_line(const char *line, void *p)
{
	struct host_facts *f = p;
	int phys, virt;

	if (parse_address_sizes(line, &phys, &virt) == 0) {
		f->x86_phys_bits = phys;
		return 1; /* the boot CPU's line is enough */
	}
	return 0;
}

static void read_cpuinfo_x86(const struct sysroot *sr, struct host_facts *f)
{
	int r = sr_foreach_line(sr, "proc/cpuinfo", 4u << 20, cpuinfo_line, f);

	if (r < 0)
		note_read_error(f, "proc/cpuinfo", r);
	/* Reduced by AMD SME / Intel TME key bits (arch/x86/kernel/cpu/{amd,intel}.c). */
	facts_add_evidence(f, PA_SRC_CPUINFO, f->x86_phys_bits, "address sizes (after SME/TME)");
}

static bool foreign_emulator(const struct host_facts *f, const struct vmm_seen *v)
{
	const char *base = strrchr(v->path, '/');

	/* qemu-system-aarch64 on an x86 host emulates (TCG): KVM does not apply. */
	base = base ? base + 1 : v->path;
	return f->arch == ARCH_X86_64 && !strcmp(base, "qemu-system-aarch64");
}

void facts_detect_vmms(const struct sysroot *sr, struct host_facts *f, bool allow_exec,
		       int timeout_ms)
{
	static struct vmm_seen found[KIC_MAX_VMMS];
	int n = vmm_detect(sr->path, allow_exec, timeout_ms, found, KIC_MAX_VMMS);

	if (n < 0) {
		facts_note(f, "VMM detection: %s", strerror(-n));
		return;
	}
	for (int i = 0; i < n && f->nvmms_found < KIC_MAX_VMMS; i++) {
		struct vmm_seen *s;

		if (found[i].skipped) {
			facts_note(f, "%s: %s", found[i].path, found[i].note);
			continue;
		}
		if (foreign_emulator(f, &found[i]))
			continue;
		/* Judged without a version: the report says why (not run, not ELF, ...). */
		if (!found[i].version[0] && found[i].note[0])
			facts_note(f, "%s: version unknown: %s", found[i].path, found[i].note);
		s = &f->vmms_found[f->nvmms_found++];
		*s = found[i];
		text_clean(s->name);
		text_clean(s->path);
		text_clean(s->version);
		text_clean(s->note);
	}
}

void facts_read(const struct sysroot *sr, struct host_facts *f)
{
	f->live = sr->live;
	f->page_size = sr->live ? sysconf(_SC_PAGESIZE) : 0;
	f->is_root = geteuid() == 0;
	read_identity(sr, f);
	read_cmdline(sr, f);
	read_cpus(sr, f);
	read_memory_blocks(sr, f);
	if (!f->ram_top)
		read_dt_memory(sr, f);
	read_iomem(sr, f);
	/* every line klog_parse_line() looks for is arm64 KVM's: x86 reads none */
	if (f->arch == ARCH_ARM64 || f->arch == ARCH_UNKNOWN)
		read_klog(sr, f);
	if (f->arch == ARCH_X86_64)
		read_cpuinfo_x86(sr, f);
	if (f->ram_top)
		facts_add_evidence(f, PA_SRC_RAM_TOP, bits_for_top(f->ram_top),
				   "bits needed by the highest RAM address");
	if (f->iomem_top)
		facts_add_evidence(f, PA_SRC_IOMEM_TOP, bits_for_top(f->iomem_top),
				   "bits needed by the highest /proc/iomem entry");
}

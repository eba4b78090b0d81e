// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole pipeline on a copied tree (--sysroot, a sosreport): the input
 * writes the files the readers look at -- arch, kernel release, command
 * line, iomem, cpuinfo, the kernel log, CPU lists and MIDRs, memory blocks,
 * a device tree reg, module state and parameters, dpkg's status and file
 * lists, VMM binaries -- into a scratch tree; facts_read, devinfo_read and
 * facts_detect_vmms read it as `kvm-ipa-check --sysroot` would; the probe
 * observations and the --vmm/--kernel/--ipa-limit arguments are random
 * within what the probes and main() produce; assess; then report_print in
 * all four formats. Checked:
 *  - JSON (terse and --verbose) is strict RFC 8259 (json_check.c);
 *  - text without colour holds no control character but '\n' and '\t': a copied
 *    tree must not drive the reader's terminal (escape sequences, OSC);
 *  - nagios: one status line "KVM-IPA <STATE> - text | perfdata" with no
 *    '|' or ';' in its text and no '|' in the long output;
 *  - prometheus: every line is a comment or `name{label="v",...} value`
 *    with only \\, \" and \n escapes, no series twice, all UTF-8.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess.h"
#include "facts.h"
#include "fuzz.h"
#include "json_check.h"
#include "parse.h"
#include "report.h"
#include "sysroot.h"
#include "vmm.h"

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static const struct {
	const char *path;
	size_t max;
	int mode;
} files[] = {
	{ "proc/sys/kernel/arch", 80, 0644 },
	{ "proc/sys/kernel/osrelease", 200, 0644 },
	{ "proc/cmdline", 600, 0644 },
	{ "proc/iomem", 2000, 0644 },
	{ "proc/cpuinfo", 2000, 0644 },
	{ "var/log/dmesg", 4000, 0644 },
	{ "sys/devices/system/cpu/possible", 40, 0644 },
	{ "sys/devices/system/cpu/cpu0/regs/identification/midr_el1", 40, 0644 },
	{ "sys/devices/system/cpu/cpu1/regs/identification/midr_el1", 40, 0644 },
	{ "sys/devices/system/memory/block_size_bytes", 40, 0644 },
	{ "sys/devices/system/memory/memory8/state", 40, 0644 },
	{ "sys/firmware/devicetree/base/memory@40000000/reg", 64, 0644 },
	{ "sys/module/kvm/initstate", 40, 0644 },
	{ "sys/module/kvm/parameters/tdp_mmu", 80, 0644 },
	{ "sys/module/kvm_intel/parameters/ept", 80, 0644 },
	{ "var/lib/dpkg/status", 4000, 0644 },
	{ "var/lib/dpkg/info/qemu-system-arm.list", 400, 0644 },
	{ "usr/bin/qemu-system-aarch64", 200, 0755 },
	{ "usr/bin/lkvm", 200, 0755 },
	{ "usr/lib/libkrun.so.1.9.4", 8, 0755 },
};

static char root[64];

static void remove_tree(void)
{
	char cmd[96];

	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_report: could not remove %s\n", root);
	}
}

/* Trees left by runs that crashed (abort skips atexit): their pid is gone. */
static void remove_stale(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char cmd[160];

	while (d && (e = readdir(d)) != NULL) {
		int pid;

		if (sscanf(e->d_name, "kic-fuzz-report-%d", &pid) != 1 ||
		    (kill(pid, 0) < 0 && errno != ESRCH))
			continue;
		if (kill(pid, 0) == 0)
			continue;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", dir, e->d_name);
		if (system(cmd) != 0)
			break;
	}
	if (d)
		closedir(d);
}

static void mkdirs(const char *path)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", root, path);
	for (char *p = buf + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
}

/* Writes (or, for a length of 0xffff, removes) each file of the tree. */
static void write_tree(struct fuzz_in *in)
{
	if (!root[0]) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

		remove_stale(base);
		snprintf(root, sizeof(root), "%s/kic-fuzz-report-%d", base, (int)getpid());
		mkdir(root, 0755);
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			mkdirs(files[i].path);
		atexit(remove_tree);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n = fuzz_byte(in) << 8 | fuzz_byte(in);
		char path[256];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", root, files[i].path);
		if (n == 0xffff || (!in->left && n == 0)) {
			unlink(path);
			continue;
		}
		n %= files[i].max + 1;
		if (n > in->left)
			n = in->left;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, files[i].mode);
		FUZZ_CHECK(fd >= 0, "cannot write %s", path);
		FUZZ_CHECK(write(fd, in->p, n) == (ssize_t)n, "short write");
		fchmod(fd, (mode_t)files[i].mode);
		close(fd);
		in->p += n;
		in->left -= n;
	}
}

static void build(struct fuzz_in *in, struct host_facts *f, struct kvm_obs *obs, struct whatif *w)
{
	unsigned int flags;
	int limit;
	struct sysroot sr;
	char *s;
	int n;

	write_tree(in);
	FUZZ_CHECK(sr_open(&sr, root) == 0, "sysroot %s", root);
	facts_read(&sr, f);
	devinfo_read(&sr, f);
	facts_detect_vmms(&sr, f, false, 100);
	sr_close(&sr);

	/* Observations: anything the probes can report (offline trees have none). */
	flags = fuzz_byte(in) | fuzz_byte(in) << 8;
	obs->probed = flags & 1;
	limit = obs->probed ? (int)(fuzz_byte(in) % 60) - 1 : -1; /* unknown, absent, 1..58 */
	obs->ipa_limit = limit > 0 ? ipa_known(limit) : limit ? IPA_LIMIT_UNKNOWN : IPA_LIMIT_ABSENT;
	if (!obs->probed)
		copy(obs->skip_reason, sizeof(obs->skip_reason),
		     "offline tree (--sysroot): nothing was measured");
	obs->api_version = 12;
	obs->nr_memslots = 32764;
	obs->max_vcpus = 1024;
	obs->vm_types = -1;
	obs->smaller_maxphyaddr = -1;
	obs->one_reg_parange_bits = (int)(fuzz_byte(in) % 60);
	obs->cpuid_phys_bits = (int)(fuzz_byte(in) % 60);
	obs->default_vm.result = (enum probe_result)(fuzz_byte(in) % 4);
	obs->default_vm.err = obs->default_vm.result == PR_REJECTED ? 22 : 0;
	obs->nipa = (int)(fuzz_byte(in) % 8);
	for (int i = 0; i < obs->nipa; i++) {
		obs->ipa[i].bits = 32 + i;
		obs->ipa[i].result = (enum probe_result)(fuzz_byte(in) % 4);
		obs->ipa[i].err = obs->ipa[i].result == PR_REJECTED ? 22 : 0;
	}
	obs->nslots = (int)(fuzz_byte(in) % 6);
	for (int i = 0; i < obs->nslots; i++) {
		obs->slots[i].vm_bits = 0;
		obs->slots[i].gpa = fuzz_u64(in);
		obs->slots[i].size = 0x10000;
		obs->slots[i].result = (enum slot_result)(fuzz_byte(in) & 1);
		obs->slots[i].err = obs->slots[i].result == SLOT_REJECTED ? 22 : 0;
		obs->slots[i].why = "RAM base of QEMU virt";
	}
	obs->run.result = (enum run_result)(fuzz_byte(in) % 5);
	obs->run.exit_reason = fuzz_byte(in) % 40;
	obs->run.mmio_addr = 0x09000000;
	obs->run.elapsed_ms = fuzz_byte(in);
	copy(obs->run.detail, sizeof(obs->run.detail), "no exit within 1000 ms");
	obs->incomplete = flags & 2;
	if (obs->incomplete)
		copy(obs->incomplete_reason, sizeof(obs->incomplete_reason), "interrupted by signal");
	obs->elapsed_ms = fuzz_byte(in);

	/* What-if arguments, accepted as main() accepts them. */
	w->ipa_limit = flags & 4 ? ipa_known(32 + (int)(fuzz_byte(in) % 21)) : IPA_LIMIT_UNKNOWN;
	s = fuzz_str(in, 63);
	{
		struct kver kv;

		if (parse_kernel_version(s, &kv) == 0)
			copy(w->kernel, sizeof(w->kernel), s);
	}
	free(s);
	n = (int)(fuzz_byte(in) % 3);
	for (int i = 0; i < n; i++) {
		s = fuzz_str(in, 100);
		if (parse_vmm_arg(s, w->vmms[w->nvmms].name, sizeof(w->vmms[0].name),
				  w->vmms[w->nvmms].version, sizeof(w->vmms[0].version)) == 0 &&
		    vmm_lookup(w->vmms[w->nvmms].name))
			w->nvmms++;
		free(s);
	}
	w->default_probe_skipped = flags & 8;
}

static char *render(const struct report_opts *o, const struct host_facts *f,
		    const struct kvm_obs *obs, const struct assessment *a, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	FUZZ_CHECK(report_print(m, o, f, obs, a) == 0, "report_print failed");
	fclose(m);
	return buf;
}

static bool utf8_ok(const unsigned char *p, size_t len)
{
	struct json_check c = { 0 };
	char *q = malloc(len + 2);
	bool ok;

	/* The validator's string rule is the UTF-8 one; quote the bytes (no '"', '\\', controls). */
	q[0] = '"';
	for (size_t i = 0; i < len; i++)
		q[i + 1] = (p[i] < 0x20 || p[i] == '"' || p[i] == '\\') ? ' ' : (char)p[i];
	q[len + 1] = '"';
	ok = json_validate(q, len + 2, &c) == 0;
	free(q);
	return ok;
}

static const char *name_end(const char *p)
{
	if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
		p++;
	return p;
}

/* One sample line; NULL when fine, else why not. */
static const char *prom_line(const char *l)
{
	const char *p = name_end(l);
	char *end;

	if (!p)
		return "bad metric name";
	if (*p == '{') {
		p++;
		while (*p != '}') {
			const char *q = name_end(p);

			if (!q || q[0] != '=' || q[1] != '"')
				return "bad label name";
			for (p = q + 2; *p != '"'; p++) {
				if (!*p || *p == '\n')
					return "unterminated label value";
				if (*p == '\\' && (p[1] == '\\' || p[1] == '"' || p[1] == 'n'))
					p++;
				else if (*p == '\\')
					return "bad escape in a label value";
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return "expected ',' or '}'";
		}
		p++;
	}
	if (*p++ != ' ')
		return "no space before the value";
	strtod(p, &end);
	if (end == p || *end)
		return "bad value";
	return NULL;
}

static void check_prometheus(const char *out, size_t len)
{
	char *copy_ = strndup(out, len), *save = NULL, *series[256];
	int nseries = 0;

	FUZZ_CHECK(utf8_ok((const unsigned char *)out, len), "prometheus output is not UTF-8");
	FUZZ_CHECK(len && out[len - 1] == '\n', "prometheus output does not end in a newline");
	for (char *l = strtok_r(copy_, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		const char *why;
		char *sp;

		if (!strncmp(l, "# HELP ", 7) || !strncmp(l, "# TYPE ", 7))
			continue;
		why = prom_line(l);
		FUZZ_CHECK(!why, "prometheus line '%s': %s", l, why);
		sp = strrchr(l, ' ');
		*sp = '\0';
		for (int i = 0; i < nseries; i++)
			FUZZ_CHECK(strcmp(series[i], l), "series '%s' twice", l);
		if (nseries < 256)
			series[nseries++] = l;
	}
	free(copy_);
}

static void check_nagios(const char *out, size_t len)
{
	const char *nl = memchr(out, '\n', len), *bar, *sep;

	FUZZ_CHECK(nl, "nagios output has no status line");
	FUZZ_CHECK(!strncmp(out, "KVM-IPA ", 8), "nagios status line: '%.*s'", (int)(nl - out), out);
	sep = strstr(out, " |");
	FUZZ_CHECK(sep && sep < nl, "no perfdata separator");
	bar = memchr(out, '|', (size_t)(nl - out));
	FUZZ_CHECK(bar == sep + 1, "'|' in the status text: '%.*s'", (int)(nl - out), out);
	FUZZ_CHECK(!memchr(out, ';', (size_t)(sep - out)), "';' in the status text: '%.*s'",
		   (int)(nl - out), out);
	FUZZ_CHECK(!memchr(nl, '|', len - (size_t)(nl - out)), "'|' in the long output");
}

static void check_text(const char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f),
			   "control byte 0x%02x in the text report, line: '%.*s'", c,
			   (int)strcspn(out + (i > 60 ? i - 60 : 0), "\n"),
			   out + (i > 60 ? i - 60 : 0));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host_facts f;
	static struct kvm_obs obs;
	static struct whatif w;
	static struct assessment a;
	struct fuzz_in in = { data, size };
	struct report_opts o = { .version = "0.1.0" };
	struct json_check c = { 0 };
	char *out;
	size_t len;

	memset(&f, 0, sizeof(f));
	memset(&obs, 0, sizeof(obs));
	memset(&w, 0, sizeof(w));
	memset(&a, 0, sizeof(a));
	build(&in, &f, &obs, &w);
	assess(&f, &obs, &w, &a);
	FUZZ_CHECK(a.status >= ST_OK && a.status <= ST_UNKNOWN, "status %d", a.status);

	for (int verbose = 0; verbose < 2; verbose++) {
		o.format = FMT_JSON;
		o.verbose = verbose;
		out = render(&o, &f, &obs, &a, &len);
		if (json_validate(out, len, &c)) {
			fprintf(stderr, "invalid JSON at byte %zu: %s\n---\n%.*s\n---\n", c.err_at,
				c.err, (int)(len < 6000 ? len : 6000), out);
			abort();
		}
		free(out);
		o.format = FMT_TEXT;
		out = render(&o, &f, &obs, &a, &len);
		check_text(out, len);
		free(out);
	}
	o.verbose = false;
	o.quiet = true;
	out = render(&o, &f, &obs, &a, &len);
	check_text(out, len);
	free(out);
	o.quiet = false;
	o.format = FMT_NAGIOS;
	out = render(&o, &f, &obs, &a, &len);
	check_nagios(out, len);
	free(out);
	o.format = FMT_PROMETHEUS;
	out = render(&o, &f, &obs, &a, &len);
	check_prometheus(out, len);
	free(out);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers of outside text: pure functions over NUL-terminated strings, no I/O,
 * so they can be unit-tested and fuzzed on their own.
 */
#ifndef KIC_PARSE_H
#define KIC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* "0-3,5,7-8" -> marks set[i]; returns the number of CPUs or -EINVAL/-ERANGE. */
int parse_cpulist(const char *s, bool *set, int nmax);

/* Hex with or without 0x, surrounded by optional whitespace. */
int parse_hex_u64(const char *s, uint64_t *v);

/* Decimal integer in [min, max]. */
int parse_int_range(const char *s, long min, long max, long *v);

/* "  00001000-0009fbff : System RAM"; depth = leading spaces / 2. */
int parse_iomem_line(const char *line, uint64_t *start, uint64_t *end, int *depth,
		     const char **name);

/*
 * Device tree "reg" of a memory node: big-endian (address, size) pairs of
 * acells and scells 32-bit cells. Returns the highest end, or -EINVAL.
 */
int parse_dt_reg_top(const unsigned char *buf, size_t len, int acells, int scells, uint64_t *top);

/* What the kernel log says about KVM's IPA set-up (enum log_format: check.h). */

struct klog_state {
	int ipa_limit;
	enum log_format fmt;
	bool reduced_suffix; /* " (Reduced IPA size, ...)": only fixed kernels print it */
	bool unfixed_warn;   /* a WARN only unfixed kernels print */
	bool default_warned; /* "<comm> using unsupported default IPA limit" */
	char comm[32];
	bool protected_mode;  /* "Protected nVHE mode initialized successfully" */
	bool pkvm_refused;    /* "Protected KVM not available with VHE" */
	char kvm_mode[48];    /* "VHE mode initialized successfully", ... */
	bool hyp_unavailable; /* "HYP mode not available" */
	char release[64];     /* "Linux version RELEASE" of the boot */
	long lines;	      /* all lines read */
	long boot_lines;      /* lines read since the last boot marker */
	int earlier_boots;    /* boots before the last one, whose lines were dropped */
};

/* Strips a /dev/kmsg "pri,seq,ts,flags;" or dmesg "[ 1.2] " prefix. */
const char *klog_strip_prefix(const char *line);
/*
 * One line of a kernel log. Only the last boot counts: a boot marker
 * ("Booting Linux on physical CPU", "Linux version ") forgets what the
 * lines before it said and counts an earlier boot.
 */
void klog_parse_line(const char *line, struct klog_state *st);
/* Adds what src (another log of the same boot) says to dst. */
void klog_merge(struct klog_state *dst, const struct klog_state *src);
const char *log_format_name(enum log_format f);

/* x86 /proc/cpuinfo "address sizes\t: 46 bits physical, 48 bits virtual". */
int parse_address_sizes(const char *line, int *phys, int *virt);

/* "kvm-arm.mode=protected" from a kernel command line; "" when absent. */
void parse_kvm_arm_mode(const char *cmdline, char *out, size_t len);

struct kver {
	int major, minor, patch;
	bool has_patch; /* a third number was given */
	bool distro;	/* "-<n>-<flavour>" suffix: the stable level may be hidden */
	int rc;		/* "5.12-rc2", "5.12.0-rc2": 2, a mainline release candidate; 0 none */
};

/*
 * "5.10.0-32-arm64", "6.1", "v5.4.106", "5.12-rc2". kver_cmp() ignores rc: an
 * -rc of X.Y has what X.Y's merge window brought; a fix merged later in the
 * cycle needs v->rc checked.
 */
int parse_kernel_version(const char *s, struct kver *v);
int kver_cmp(const struct kver *a, int major, int minor, int patch);

/* "NAME[=VERSION]" of --vmm into name and version ("" if none). */
int parse_vmm_arg(const char *s, char *name, size_t nlen, char *ver, size_t vlen);

/* Seconds with optional decimals, "1", "0.5", in [0.1, 600] -> milliseconds. */
int parse_seconds(const char *s, long *ms);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsers of outside text. Every input may be garbage; none may crash. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static bool rest_is_ws(const char *s)
{
	return *skip_ws(s) == '\0';
}

/* strtol without locale surprises: digits only, no sign, no overflow. */
static int parse_dec(const char **sp, long max, long *v)
{
	const char *s = *sp;
	long n = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		if (n > (max - (*s - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (*s - '0');
		s++;
	}
	*sp = s;
	*v = n;
	return 0;
}

int parse_int_range(const char *s, long min, long max, long *v)
{
	long n;
	int r;

	if (!s)
		return -EINVAL;
	s = skip_ws(s);
	r = parse_dec(&s, LONG_MAX, &n);
	if (r)
		return r;
	if (!rest_is_ws(s))
		return -EINVAL;
	if (n < min || n > max)
		return -ERANGE;
	*v = n;
	return 0;
}

int parse_cpulist(const char *s, bool *set, int nmax)
{
	int count = 0;

	if (!s)
		return -EINVAL;
	s = skip_ws(s);
	if (!*s)
		return -EINVAL;
	while (*s) {
		long a, b;

		if (parse_dec(&s, INT_MAX, &a))
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (parse_dec(&s, INT_MAX, &b) || b < a)
				return -EINVAL;
		}
		if (b >= nmax)
			return -ERANGE;
		for (long i = a; i <= b; i++) {
			if (!set[i])
				count++;
			set[i] = true;
		}
		if (*s == ',')
			s++;
		else if (rest_is_ws(s))
			break;
		else
			return -EINVAL;
	}
	return count;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Reads hex digits at *sp; -ERANGE past 64 bits. */
static int parse_hex_prefix(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	uint64_t n = 0;
	int d, digits = 0;

	while ((d = hexval(*s)) >= 0) {
		if (n >> 60)
			return -ERANGE;
		n = (n << 4) | (uint64_t)d;
		s++;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	*sp = s;
	*v = n;
	return 0;
}

int parse_hex_u64(const char *s, uint64_t *v)
{
	int r;

	if (!s)
		return -EINVAL;
	s = skip_ws(s);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	r = parse_hex_prefix(&s, v);
	if (r)
		return r;
	return rest_is_ws(s) ? 0 : -EINVAL;
}

int parse_iomem_line(const char *line, uint64_t *start, uint64_t *end, int *depth,
		     const char **name)
{
	const char *s = line;
	int sp = 0;

	while (*s == ' ') {
		s++;
		sp++;
	}
	if (parse_hex_prefix(&s, start) || *s++ != '-' || parse_hex_prefix(&s, end))
		return -EINVAL;
	if (*end < *start)
		return -EINVAL;
	s = skip_ws(s);
	if (*s != ':')
		return -EINVAL;
	*depth = sp / 2;
	*name = skip_ws(s + 1);
	return 0;
}

static uint64_t be_cells(const unsigned char *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells * 4; i++)
		v = (v << 8) | p[i];
	return v;
}

int parse_dt_reg_top(const unsigned char *buf, size_t len, int acells, int scells, uint64_t *top)
{
	size_t entry = (size_t)(acells + scells) * 4;
	uint64_t best = 0;

	if (acells < 1 || acells > 2 || scells < 1 || scells > 2 || !len || len % entry)
		return -EINVAL;
	for (size_t off = 0; off < len; off += entry) {
		uint64_t base = be_cells(buf + off, acells);
		uint64_t size = be_cells(buf + off + (size_t)acells * 4, scells);

		if (size && base + size > base && base + size > best)
			best = base + size;
	}
	if (!best)
		return -EINVAL;
	*top = best;
	return 0;
}

const char *log_format_name(enum log_format f)
{
	switch (f) {
	case LOG_FMT_NEW:
		return "5.12+ (fixed)";
	case LOG_FMT_510_WARN:
		return "5.10.0-5.10.23/5.11.0-5.11.6 (unfixed)";
	case LOG_FMT_OLD_420:
		return "4.20-5.9";
	case LOG_FMT_PRE_420:
		return "4.7-4.19";
	default:
		return "none";
	}
}

const char *klog_strip_prefix(const char *line)
{
	const char *s = line, *semi;

	/* /dev/kmsg: "6,1234,5678901,-;text" */
	if (isdigit((unsigned char)*s)) {
		semi = strchr(s, ';');
		if (semi &&
		    strspn(s, "0123456789,-+abcdefghijklmnopqrstuvwxyz=") == (size_t)(semi - s))
			return semi + 1;
	}
	/* syslog (kern.log, the journal): "Nov 29 23:05:11 host kernel: text" */
	if (*s != '<' && *s != '[') {
		const char *k = strstr(s, " kernel: ");

		if (k && k - s < 128)
			s = k + 9;
	}
	/* dmesg: "[    1.234567] text", optionally after "<6>" */
	if (s[0] == '<' && isdigit((unsigned char)s[1])) {
		const char *gt = strchr(s, '>');

		if (gt && gt - s < 6)
			s = gt + 1;
	}
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (rb && rb - s < 32)
			return skip_ws(rb + 1);
	}
	return s;
}

/* Number right after `key` in s, or -1. */
static int num_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);
	long v;

	if (!p)
		return -1;
	p += strlen(key);
	if (parse_dec(&p, 1000, &v))
		return -1;
	return (int)v;
}

static void klog_default_warning(const char *msg, const char *p, struct klog_state *st)
{
	size_t n;

	st->default_warned = true;
	/* "<comm> using unsupported default IPA limit": comm is up to 15 chars before. */
	n = (size_t)(p - msg);
	while (n > 0 && msg[n - 1] == ' ')
		n--;
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, msg, n);
	st->comm[n] = '\0';
}

/* KVM's mode at init: which text says whether pKVM protected mode runs. */
static bool klog_kvm_mode(const char *msg, struct klog_state *st)
{
	const char *p = strstr(msg, "mode initialized successfully");
	const char *kvm = strstr(msg, "kvm [");
	size_t n;

	/*
	 * arch/arm64/kvm/arm.c, kvm_arm_init(): "Protected nVHE", "VHE" or "Hyp"
	 * (5.11-6.1); "Protected %cVHE", "VHE" or "Hyp %cVHE" (6.12).
	 * cpufeature.c (5.11-5.18) and early_kvm_mode_cfg() (5.19+, cde5042adf11):
	 * "Protected KVM not available with VHE" when kvm-arm.mode=protected is
	 * ignored.
	 */
	if (strstr(msg, "Protected KVM not available with VHE")) {
		st->pkvm_refused = true;
		st->protected_mode = false;
		return true;
	}
	if (!p || !kvm)
		return false;
	p = strchr(kvm, ':');
	p = p ? skip_ws(p + 1) : msg;
	n = strcspn(p, "\r\n");
	if (n >= sizeof(st->kvm_mode))
		n = sizeof(st->kvm_mode) - 1;
	memcpy(st->kvm_mode, p, n);
	st->kvm_mode[n] = '\0';
	st->protected_mode = strncmp(p, "Protected ", 10) == 0;
	return true;
}

/* A new boot starts: what the log said before is another boot's. */
static bool klog_boot_marker(const char *msg, struct klog_state *st)
{
	static const char version[] = "Linux version ";
	long lines = st->lines;
	int earlier = st->earlier_boots + (st->boot_lines > 0);
	char release[sizeof(st->release)];
	size_t n;

	if (strncmp(msg, "Booting Linux on physical CPU", 29) != 0 &&
	    strncmp(msg, version, sizeof(version) - 1) != 0)
		return false;
	/* "Booting Linux" and "Linux version" open the same boot: keep its release. */
	snprintf(release, sizeof(release), "%s", st->boot_lines ? "" : st->release);
	memset(st, 0, sizeof(*st));
	st->lines = lines;
	st->earlier_boots = earlier;
	memcpy(st->release, release, sizeof(release));
	if (!strncmp(msg, version, sizeof(version) - 1)) {
		msg += sizeof(version) - 1;
		n = strcspn(msg, " \t\r\n");
		if (n >= sizeof(st->release))
			n = sizeof(st->release) - 1;
		memcpy(st->release, msg, n);
		st->release[n] = '\0';
	}
	return true;
}

void klog_parse_line(const char *line, struct klog_state *st)
{
	const char *msg = klog_strip_prefix(line), *p;
	int v;

	st->lines++;
	if (klog_boot_marker(msg, st))
		return;
	/* journalctl's "-- Logs begin at ..." / "-- Boot ... --" are not the kernel's */
	if (*msg && strncmp(msg, "-- ", 3) != 0)
		st->boot_lines++;
	/* Sources: arch/arm64/kvm/reset.c of each era (docs/kernel-facts.md §1) */
	if ((p = strstr(msg, "using unsupported default IPA limit")) != NULL) {
		klog_default_warning(msg, p, st);
	} else if ((v = num_after(msg, "KVM IPA Size Limit (")) > 0) {
		st->unfixed_warn = true; /* 5.10.0-5.10.23 WARN, removed by 7d717558dd5e */
		st->fmt = LOG_FMT_510_WARN;
	} else if ((v = num_after(msg, "KVM IPA limit (")) > 0) {
		st->unfixed_warn = true; /* 4.20-5.9 WARN */
		if (st->fmt == LOG_FMT_NONE)
			st->fmt = LOG_FMT_OLD_420;
	} else if ((v = num_after(msg, "IPA Size Limit: ")) > 0) {
		/* PARange encodes 32..56 bits; anything else is not a real log line */
		st->ipa_limit = v >= 32 && v <= 56 ? v : 0;
		p = strstr(msg, "IPA Size Limit: ") + 16;
		while (isdigit((unsigned char)*p))
			p++;
		if (strncmp(p, "bits", 4) == 0) {
			st->fmt = LOG_FMT_OLD_420;
		} else if (strstr(p, "(Reduced IPA size")) {
			st->reduced_suffix = true;
			st->fmt = LOG_FMT_NEW;
		} else if (st->fmt != LOG_FMT_510_WARN) {
			st->fmt = LOG_FMT_NEW;
		}
	} else if ((v = num_after(msg, "PARange is ")) > 0 &&
		   strstr(msg, "unsupported configuration")) {
		st->ipa_limit = v >= 32 && v <= 56 ? v : 0;
		st->fmt = LOG_FMT_PRE_420;
		st->unfixed_warn = true;
	} else if (klog_kvm_mode(msg, st)) {
		/* recorded */
	} else if (strstr(msg, "kvm") && strstr(msg, "HYP mode not available")) {
		st->hyp_unavailable = true;
	}
}

void klog_merge(struct klog_state *dst, const struct klog_state *src)
{
	if (src->ipa_limit)
		dst->ipa_limit = src->ipa_limit;
	/* the newer era's format wins: a 5.10 WARN and the plain line are one boot */
	if (src->fmt != LOG_FMT_NONE && (dst->fmt == LOG_FMT_NONE || src->fmt == LOG_FMT_510_WARN))
		dst->fmt = src->fmt;
	dst->reduced_suffix |= src->reduced_suffix;
	dst->unfixed_warn |= src->unfixed_warn;
	if (src->default_warned && !dst->default_warned) {
		dst->default_warned = true;
		memcpy(dst->comm, src->comm, sizeof(dst->comm));
	}
	dst->pkvm_refused |= src->pkvm_refused;
	if (src->kvm_mode[0]) {
		memcpy(dst->kvm_mode, src->kvm_mode, sizeof(dst->kvm_mode));
		dst->protected_mode = src->protected_mode;
	}
	if (src->pkvm_refused)
		dst->protected_mode = false;
	dst->hyp_unavailable |= src->hyp_unavailable;
	if (src->release[0])
		memcpy(dst->release, src->release, sizeof(dst->release));
	dst->lines += src->lines;
	dst->boot_lines += src->boot_lines;
	dst->earlier_boots += src->earlier_boots;
}

int parse_address_sizes(const char *line, int *phys, int *virt)
{
	const char *p;
	long a, b;

	if (strncmp(line, "address sizes", 13) != 0)
		return -EINVAL;
	p = strchr(line, ':');
	if (!p)
		return -EINVAL;
	p = skip_ws(p + 1);
	if (parse_dec(&p, 64, &a) || strncmp(p, " bits physical, ", 16) != 0)
		return -EINVAL;
	p += 16;
	if (parse_dec(&p, 64, &b) || strncmp(p, " bits virtual", 13) != 0)
		return -EINVAL;
	if (a < 1 || b < 1)
		return -ERANGE;
	*phys = (int)a;
	*virt = (int)b;
	return 0;
}

void parse_kvm_arm_mode(const char *cmdline, char *out, size_t len)
{
	const char *p = cmdline, *key = "kvm-arm.mode=";

	out[0] = '\0';
	/* The last occurrence wins, as with the kernel's own parser. */
	while ((p = strstr(p, key)) != NULL) {
		size_t n;

		if (p == cmdline || p[-1] == ' ' || p[-1] == '\t') {
			p += strlen(key);
			n = strcspn(p, " \t\n");
			if (n >= len)
				n = len - 1;
			memcpy(out, p, n);
			out[n] = '\0';
		} else {
			p++;
		}
	}
}

int parse_kernel_version(const char *s, struct kver *v)
{
	long n;

	memset(v, 0, sizeof(*v));
	if (!s)
		return -EINVAL;
	s = skip_ws(s);
	if (*s == 'v')
		s++;
	if (parse_dec(&s, 999, &n))
		return -EINVAL;
	v->major = (int)n;
	if (*s++ != '.' || parse_dec(&s, 999, &n))
		return -EINVAL;
	v->minor = (int)n;
	if (*s == '.') {
		s++;
		if (parse_dec(&s, 99999, &n))
			return -EINVAL;
		v->patch = (int)n;
		v->has_patch = true;
	}
	/* Debian "5.10.0-32-arm64", Ubuntu "5.15.0-91-generic": ABI number, not stable level. */
	if (*s == '-' && isdigit((unsigned char)s[1]))
		v->distro = true;
	/* Mainline "5.12-rc2" (uname: "5.12.0-rc2"); a stable "5.10.24-rc1" is 5.10.24's review. */
	if (!strncmp(s, "-rc", 3) && isdigit((unsigned char)s[3]) && (!v->has_patch || !v->patch)) {
		const char *q = s + 3;

		if (parse_dec(&q, 99, &n))
			return -EINVAL;
		v->rc = (int)n;
	}
	for (; *s; s++)
		if (!isprint((unsigned char)*s) || *s == ' ')
			return rest_is_ws(s) ? 0 : -EINVAL;
	return 0;
}

int kver_cmp(const struct kver *a, int major, int minor, int patch)
{
	if (a->major != major)
		return a->major < major ? -1 : 1;
	if (a->minor != minor)
		return a->minor < minor ? -1 : 1;
	if (a->patch != patch)
		return a->patch < patch ? -1 : 1;
	return 0;
}

int parse_vmm_arg(const char *s, char *name, size_t nlen, char *ver, size_t vlen)
{
	const char *eq;
	size_t n;

	if (!s || !*s)
		return -EINVAL;
	eq = strchr(s, '=');
	n = eq ? (size_t)(eq - s) : strlen(s);
	if (n == 0 || n >= nlen)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return -EINVAL;
	memcpy(name, s, n);
	name[n] = '\0';
	ver[0] = '\0';
	if (eq) {
		const char *p = eq + 1;

		if (!*p || strlen(p) >= vlen)
			return -EINVAL;
		for (const char *q = p; *q; q++)
			if (!isalnum((unsigned char)*q) && !strchr(".-+~_:", *q))
				return -EINVAL;
		snprintf(ver, vlen, "%s", p);
	}
	return 0;
}

int parse_seconds(const char *s, long *ms)
{
	long whole, frac = 0, scale = 100;
	bool beyond = false; /* non-zero digits below a millisecond */
	const char *p;

	if (!s)
		return -EINVAL;
	p = skip_ws(s);
	if (parse_dec(&p, 100000, &whole))
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		while (isdigit((unsigned char)*p)) {
			frac += (*p - '0') * scale;
			beyond |= !scale && *p != '0';
			scale /= 10;
			p++;
		}
	}
	if (!rest_is_ws(p))
		return -EINVAL;
	*ms = whole * 1000 + frac;
	/* 600.0001 is past 600 although it rounds down to 600000 ms */
	if (*ms < 100 || *ms > 600000 || (*ms == 600000 && beyond))
		return -ERANGE;
	return 0;
}

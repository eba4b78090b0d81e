// SPDX-License-Identifier: GPL-2.0-or-later
/* Names shared by every stage: enums to the strings the JSON contract uses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"

const char *kic_arch_name(enum kic_arch a)
{
	switch (a) {
	case ARCH_ARM64:
		return "arm64";
	case ARCH_X86_64:
		return "x86_64";
	case ARCH_OTHER:
		return "other";
	default:
		return "unknown";
	}
}

const char *kic_status_name(enum kic_status s)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };

	return (unsigned int)s < 4 ? names[s] : "unknown";
}

const char *kernel_behaviour_name(enum kernel_behaviour kb)
{
	switch (kb) {
	case KB_DEFAULT_FITS:
		return "default-fits";
	case KB_DEFAULT_REJECTED:
		return "default-rejected";
	case KB_DEFAULT_CAPPED:
		return "default-capped";
	case KB_DEFAULT_HANGS:
		return "default-hangs";
	case KB_NOT_APPLICABLE:
		return "not-applicable";
	default:
		return "unknown";
	}
}

const char *pa_source_name(enum pa_source s)
{
	static const char *const names[PA_SRC__MAX] = {
		[PA_SRC_CORE_TABLE] = "core-documentation",
		[PA_SRC_KVM_CAP] = "kvm-cap-ipa-size",
		[PA_SRC_ONE_REG] = "kvm-one-reg-id_aa64mmfr0",
		[PA_SRC_KERNEL_LOG] = "kernel-log",
		[PA_SRC_CPUINFO] = "cpuinfo-address-sizes",
		[PA_SRC_CPUID] = "kvm-supported-cpuid",
		[PA_SRC_RAM_TOP] = "ram-top",
		[PA_SRC_IOMEM_TOP] = "iomem-top",
	};

	return (unsigned int)s < PA_SRC__MAX ? names[s] : "unknown";
}

const char *vmm_verdict_name(enum vmm_verdict v)
{
	switch (v) {
	case VV_WORKS:
		return "works";
	case VV_LIMITED:
		return "limited";
	case VV_FAILS:
		return "fails";
	case VV_HANGS:
		return "hangs";
	default:
		return "unknown";
	}
}

/* Only the errnos the kernel paths we probe can return; others print as numbers. */
const char *errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },	    { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" },	    { EIO, "EIO" },
		{ ENXIO, "ENXIO" },	    { E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" },	    { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" },	    { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" },	    { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },	    { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" },	    { ENOTDIR, "ENOTDIR" },
		{ EISDIR, "EISDIR" },	    { EINVAL, "EINVAL" },
		{ EMFILE, "EMFILE" },	    { ENOTTY, "ENOTTY" },
		{ EFBIG, "EFBIG" },	    { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" },	    { ENOSYS, "ENOSYS" },
		{ ELOOP, "ELOOP" },	    { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EOVERFLOW, "EOVERFLOW" },
		{ ENOTSUP, "ENOTSUP" },
	};

	if (err == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "EUNKNOWN";
}

void pa_evidence_add(struct pa_evidence *ev, int *n, enum pa_source src, int bits,
		     const char *detail)
{
	struct pa_evidence *e;

	if (bits <= 0 || *n >= KIC_MAX_EVIDENCE)
		return;
	e = &ev[(*n)++];
	e->source = src;
	e->bits = bits;
	snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
}

int bits_for_top(uint64_t top)
{
	int bits = 0;

	if (top <= 1)
		return 0;
	top -= 1; /* highest address inside [0, top) */
	while (top) {
		bits++;
		top >>= 1;
	}
	return bits;
}

size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, *cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, *cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, *cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && *cp < 0x80) || (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

void text_clean(char *str)
{
	unsigned char *s = (unsigned char *)str;

	while (*s) {
		uint32_t cp;
		size_t n = utf8_seq(s, &cp);

		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
			/* keep the string's length: overwrite the whole sequence */
			size_t k = n ? n : 1;

			for (size_t i = 0; i < k; i++)
				s[i] = '?';
			s += k;
		} else {
			s += n;
		}
	}
}

volatile sig_atomic_t probe_stop;
long kic_deadline_ms;

long kic_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

const char *kic_stop_reason(void)
{
	switch (probe_stop) {
	case SIGINT:
		return "interrupted by signal SIGINT";
	case SIGTERM:
		return "interrupted by signal SIGTERM";
	case SIGHUP:
		return "interrupted by signal SIGHUP";
	case SIGQUIT:
		return "interrupted by signal SIGQUIT";
	default:
		return "interrupted by signal";
	}
}

int kic_interrupted(void)
{
	if (probe_stop)
		return -EINTR;
	if (kic_deadline_ms && kic_now_ms() >= kic_deadline_ms)
		return -ETIMEDOUT;
	return 0;
}

bool errno_is_fault(int err)
{
	switch (err < 0 ? -err : err) {
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case ENOBUFS:
	case EIO:
	case EINTR:
	case ETIMEDOUT:
	case ENOSYS:
		return true;
	default:
		return false;
	}
}

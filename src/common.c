// SPDX-License-Identifier: GPL-2.0-or-later
/* Names shared by every stage: enums to the strings the JSON contract uses. */
#include <errno.h>
#include <string.h>

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

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMM versions: found in a VMM's `--version` output and compared. Pure, and
 * needs no VMM table: used by vmm_detect.c (stage 1, finding versions) and
 * vmm.c (stage 3, picking a release range) alike.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm_version.h"

int vmm_version_cmp(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	if (*a == 'v' || *a == 'V')
		a++;
	if (*b == 'v' || *b == 'V')
		b++;
	while (isdigit((unsigned char)*a) || isdigit((unsigned char)*b)) {
		unsigned long long x = 0, y = 0;

		/* Clamp instead of overflowing: 20 digits are not a version. */
		for (; isdigit((unsigned char)*a); a++)
			x = x < 1000000000000000ULL ? x * 10 + (unsigned)(*a - '0') : x;
		for (; isdigit((unsigned char)*b); b++)
			y = y < 1000000000000000ULL ? y * 10 + (unsigned)(*b - '0') : y;
		if (x != y)
			return x < y ? -1 : 1;
		/* Only a dot followed by a digit continues; anything else is a suffix. */
		a = (*a == '.' && isdigit((unsigned char)a[1])) ? a + 1 : "";
		b = (*b == '.' && isdigit((unsigned char)b[1])) ? b + 1 : "";
	}
	return 0;
}

/* What must appear in a VMM's version output, and where its number starts. */
static const struct {
	const char *name;
	const char *marker; /* the number follows it (after an optional 'v') */
	bool single_ok;	    /* "libkrun.so.1" carries a major only */
} markers[] = {
	{ "qemu", "QEMU emulator version ", false }, /* vl.c version() */
	{ "libvirt", "QEMU emulator version ", false },
	{ "libvirt", "hypervisor: QEMU ", false },	    /* virsh version */
	{ "firecracker", "Firecracker ", false },	    /* main.rs "Firecracker v{}" */
	{ "cloud-hypervisor", "cloud-hypervisor ", false }, /* "cloud-hypervisor v16.0" */
	{ "kvmtool", "kvm tool ", false },		    /* builtin-version.c */
	{ "crosvm", "crosvm ", false },			    /* main.rs "crosvm {}" */
	{ "gvisor", "runsc version release-", false },	    /* "runsc version release-20240513.0" */
	{ "gvisor", "runsc version ", false },
	{ "libkrun", "libkrun.so.", true }, /* Makefile libkrun.so.$(FULL_VERSION) */
	{ "libkrun", "libkrun-sev.so.", true },
};

/* Copies "[v]1.2.3[-suffix]" at s into ver without the 'v'; 0 or -errno. */
static int take_version(const char *s, bool single_ok, char *ver, size_t len)
{
	size_t n = 0, dots = 0;

	if (*s == 'v' || *s == 'V')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)s[n]) || (s[n] == '.' && isdigit((unsigned char)s[n + 1])))
		dots += s[n++] == '.';
	if (!dots && !single_ok)
		return -EINVAL;
	/* Keep a suffix glued to it ("-rc1", "-12-gabc1234", "+dfsg"). */
	if (s[n] == '-' || s[n] == '+' || s[n] == '~')
		while (isalnum((unsigned char)s[n]) || (s[n] && strchr(".-+~", s[n])))
			n++;
	while (n && strchr(".-+~", s[n - 1]))
		n--;
	if (n + 1 > len)
		return -ERANGE;
	memcpy(ver, s, n);
	ver[n] = '\0';
	return 0;
}

/* The first dotted number that stands on its own (not inside a word). */
static int first_version(const char *out, char *ver, size_t len)
{
	int err = -EINVAL;

	for (const char *p = out; *p; p++) {
		bool start = p == out || !isalnum((unsigned char)p[-1]);
		int r = start ? take_version(p, false, ver, len) : -EINVAL;

		if (r == 0)
			return 0;
		err = r == -ERANGE ? r : err;
	}
	return err;
}

int vmm_version_parse(const char *name, const char *version_output, char *ver, size_t len)
{
	bool has_marker = false;
	int err = -EINVAL;

	if (!ver || !len || !version_output)
		return -EINVAL;
	ver[0] = '\0';
	for (size_t i = 0; name && i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *p;
		int r;

		if (strcmp(markers[i].name, name))
			continue;
		has_marker = true;
		p = strstr(version_output, markers[i].marker);
		if (!p)
			continue;
		r = take_version(p + strlen(markers[i].marker), markers[i].single_ok, ver, len);
		if (r == 0)
			return 0;
		err = r == -ERANGE ? r : err;
	}
	/* A VMM with a known format that did not match: wrong program or garbage. */
	if (has_marker)
		return err;
	return first_version(version_output, ver, len);
}

int vmm_debian_upstream(const char *debver, char *out, size_t len)
{
	const char *p = strchr(debver, ':');
	size_t n = 0;

	p = p ? p + 1 : debver;
	while (isdigit((unsigned char)p[n]) || p[n] == '.')
		n++;
	if (!n || !isdigit((unsigned char)p[0]) || n + 1 > len)
		return -EINVAL;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int vmm_debian_qemu_version(const char *debver, char *out, size_t len)
{
	const char *u;

	if (!debver || !out || vmm_debian_upstream(debver, out, len) < 0)
		return -EINVAL;
	/*
	 * Debian bookworm ships "7.2" and adds upstream stable releases as
	 * patches: 1:7.2+dfsg-7+deb12u3 "update to upstream 7.2.7" (and 7.2.6,
	 * which has the libvirt probe fix), per its debian/changelog.
	 */
	u = strstr(debver, "+deb12u");
	if (!strcmp(out, "7.2") && u && atoi(u + 7) >= 3)
		snprintf(out, len, "7.2.7");
	return 0;
}

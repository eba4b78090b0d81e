// SPDX-License-Identifier: GPL-2.0-or-later
/* Debian package versions from var/lib/dpkg/status: vmm_debian_qemu_version. */
#include <ctype.h>

#include "fuzz.h"
#include "vmm_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *s, *out;

	if (size < 1)
		return 0;
	/*
	 * 6..69 bytes (the caller's is 64). Under 6, "7.2.7" is cut by its
	 * snprintf to "7.2." -- no caller does that, so not exercised.
	 */
	len = (size_t)data[0] % 64 + 6;
	s = fuzz_strndup(data + 1, size - 1);
	out = malloc(len);
	memset(out, 'X', len);
	if (vmm_debian_qemu_version(s, out, len) == 0) {
		const char *colon = strchr(s, ':'), *up = colon ? colon + 1 : s;

		FUZZ_CHECK(memchr(out, 0, len), "out not terminated");
		FUZZ_CHECK(isdigit((unsigned char)out[0]), "'%s' from '%s'", out, s);
		FUZZ_CHECK(strspn(out, "0123456789.") == strlen(out), "'%s' from '%s'", out, s);
		/* The upstream part as it stands, or 7.2 raised to the stable release it carries. */
		FUZZ_CHECK(!strncmp(up, out, strlen(out)) ||
				   (!strcmp(out, "7.2.7") && !strncmp(up, "7.2", 3) && strstr(s, "+deb12u")),
			   "'%s' is not the upstream part of '%s'", out, s);
	}
	free(out);
	free(s);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel releases (uname, --kernel): parse_kernel_version and kver_cmp. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), again[64];
	struct kver v, v2;

	if (parse_kernel_version(s, &v) == 0) {
		FUZZ_CHECK(v.major >= 0 && v.major <= 999 && v.minor >= 0 && v.minor <= 999 &&
				   v.patch >= 0 && v.patch <= 99999,
			   "%d.%d.%d", v.major, v.minor, v.patch);
		FUZZ_CHECK(v.has_patch || v.patch == 0, "patch without has_patch");
		FUZZ_CHECK(kver_cmp(&v, v.major, v.minor, v.patch) == 0, "not equal to itself");
		FUZZ_CHECK(kver_cmp(&v, v.major, v.minor, v.patch + 1) < 0, "order");
		FUZZ_CHECK(kver_cmp(&v, v.major + 1, 0, 0) < 0, "order");
		FUZZ_CHECK(v.rc >= 0 && v.rc <= 99 && !(v.rc && v.distro), "rc %d", v.rc);
		if (v.has_patch)
			snprintf(again, sizeof(again), "%d.%d.%d%s", v.major, v.minor, v.patch,
				 v.distro ? "-1-arm64" : "");
		else
			snprintf(again, sizeof(again), "%d.%d%s", v.major, v.minor,
				 v.distro ? "-1-arm64" : "");
		if (v.rc) /* "5.12-rc2", "5.12.0-rc2" */
			snprintf(again + strlen(again), sizeof(again) - strlen(again), "-rc%d", v.rc);
		FUZZ_CHECK(parse_kernel_version(again, &v2) == 0 && !memcmp(&v, &v2, sizeof(v)),
			   "round trip of '%s' (from '%s')", again, s);
	}
	free(s);
	return 0;
}

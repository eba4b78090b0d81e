// SPDX-License-Identifier: GPL-2.0-or-later
/* x86 /proc/cpuinfo "address sizes" lines: parse_address_sizes. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), again[96];
	int phys = -1, virt = -1, p2, v2;

	if (parse_address_sizes(s, &phys, &virt) == 0) {
		FUZZ_CHECK(phys >= 1 && phys <= 64 && virt >= 1 && virt <= 64, "%d/%d bits", phys,
			   virt);
		snprintf(again, sizeof(again), "address sizes\t: %d bits physical, %d bits virtual",
			 phys, virt);
		FUZZ_CHECK(parse_address_sizes(again, &p2, &v2) == 0 && p2 == phys && v2 == virt,
			   "round trip of '%s'", again);
	} else {
		FUZZ_CHECK(phys == -1 && virt == -1, "output written on error");
	}
	free(s);
	return 0;
}

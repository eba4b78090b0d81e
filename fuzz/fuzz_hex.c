// SPDX-License-Identifier: GPL-2.0-or-later
/* Hex numbers from sysfs (midr_el1, block_size_bytes): parse_hex_u64. */
#include <inttypes.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), again[32];
	uint64_t v, v2;

	if (parse_hex_u64(s, &v) == 0) {
		/* Every accepted string is also a valid strtoull base-16 number. */
		const char *p = s;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		FUZZ_CHECK(*p != '-' && *p != '+', "sign accepted in '%s'", s);
		FUZZ_CHECK(strtoull(s, NULL, 16) == v, "'%s' -> %" PRIx64 ", strtoull disagrees", s,
			   v);
		snprintf(again, sizeof(again), "0x%" PRIx64, v);
		FUZZ_CHECK(parse_hex_u64(again, &v2) == 0 && v2 == v, "round trip of %s", again);
		snprintf(again, sizeof(again), "%" PRIX64 "\n", v);
		FUZZ_CHECK(parse_hex_u64(again, &v2) == 0 && v2 == v, "round trip of %s", again);
	}
	free(s);
	return 0;
}

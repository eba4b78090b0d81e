// SPDX-License-Identifier: GPL-2.0-or-later
/* sysfs midr_el1 text: midr_parse, then decode, names and the PA table on the value. */
#include <errno.h>

#include "cpuid_arm.h"
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), again[24];
	uint32_t midr = 0xdeadbeef, m2;
	uint64_t hex;
	struct midr d;
	int r = midr_parse(s, &midr);

	if (r == 0) {
		/* The same text is a hex number to the generic parser, and fits 32 bits. */
		FUZZ_CHECK(parse_hex_u64(s, &hex) == 0 && hex == midr,
			   "'%s' -> %08x, parse_hex_u64 disagrees", s, midr);
		midr_decode(midr, &d);
		FUZZ_CHECK(((uint32_t)d.implementer << 24 | d.variant << 20 | d.architecture << 16 |
			    d.partnum << 4 | d.revision) == midr,
			   "decode of %08x does not recompose", midr);
		(void)arm_implementer_name(d.implementer);
		(void)arm_part_name(d.implementer, d.partnum);
		r = arm_part_pa_bits(d.implementer, d.partnum);
		FUZZ_CHECK(r == 0 || (r >= 32 && r <= 52), "%d PA bits", r);
		snprintf(again, sizeof(again), "0x%016x\n", midr);
		FUZZ_CHECK(midr_parse(again, &m2) == 0 && m2 == midr, "round trip of %s", again);
	} else {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE, "unexpected error %d", r);
		if (r == -ERANGE)
			FUZZ_CHECK(parse_hex_u64(s, &hex) != 0 || hex > 0xffffffffu,
				   "'%s' fits 32 bits but ERANGE", s);
	}
	free(s);
	return 0;
}

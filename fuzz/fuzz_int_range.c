// SPDX-License-Identifier: GPL-2.0-or-later
/* Decimal integers (--ipa-limit, sysfs numbers): parse_int_range, against strtol. */
#include <errno.h>
#include <limits.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	long min = (long)fuzz_u64(&in), max = (long)fuzz_u64(&in), v = 12345, ref;
	char *s = fuzz_strndup(in.p, in.left), *end;
	int r;

	r = parse_int_range(s, min, max, &v);
	if (r == 0) {
		FUZZ_CHECK(v >= min && v <= max, "%ld outside [%ld, %ld]", v, min, max);
		FUZZ_CHECK(v >= 0, "negative %ld", v);
		errno = 0;
		ref = strtol(s, &end, 10);
		FUZZ_CHECK(errno == 0 && ref == v, "'%s' -> %ld, strtol says %ld", s, v, ref);
		while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
			end++;
		FUZZ_CHECK(*end == '\0', "'%s' accepted with trailing junk", s);
	} else {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE, "unexpected error %d", r);
		FUZZ_CHECK(v == 12345, "output written on error");
	}
	free(s);
	return 0;
}

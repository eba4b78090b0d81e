// SPDX-License-Identifier: GPL-2.0-or-later
/* --timeout SECONDS: parse_seconds, against strtod. */
#include <math.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	long ms = -1;
	double ref;

	if (parse_seconds(s, &ms) == 0) {
		FUZZ_CHECK(ms >= 100 && ms <= 600000, "%ld ms", ms);
		FUZZ_CHECK(!strpbrk(s, "eExXpPnNiI+-"), "'%s' is not plain decimal", s);
		/* Digits past the millisecond are cut, never rounded: |diff| < 1 ms. */
		ref = strtod(s, NULL) * 1000.0;
		FUZZ_CHECK(fabs(ref - (double)ms) < 1.0 + 1e-6, "'%s' -> %ld ms, strtod %f", s, ms,
			   ref);
	}
	/* On -ERANGE *ms holds the out-of-range value (main exits then); not checked. */
	free(s);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* sysfs CPU lists ("0-3,5"): parse_cpulist into an exactly-sized set. */
#include <stdbool.h>

#include "fuzz.h"
#include "parse.h"

#define NMAX 512 /* KIC_MAX_CPUS */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int nmax, r, count = 0;
	bool *set, *set2;
	char *s, *out;
	size_t olen = 0;
	FILE *f;

	if (size < 2)
		return 0;
	nmax = ((data[0] << 8) | data[1]) % (NMAX + 1);
	s = fuzz_strndup(data + 2, size - 2);
	set = calloc((size_t)nmax + 1, sizeof(*set)); /* +1: calloc(0) may be NULL */
	r = parse_cpulist(s, set, nmax);
	if (r >= 0) {
		for (int i = 0; i < nmax; i++)
			count += set[i];
		FUZZ_CHECK(r == count, "returned %d, %d marked", r, count);
		FUZZ_CHECK(r >= 1 && r <= nmax, "count %d of %d", r, nmax);
		/* Print the set back as a list; it must parse to the same set. */
		f = open_memstream(&out, &olen);
		for (int i = 0, first = 1; i < nmax; i++) {
			int j = i;

			if (!set[i])
				continue;
			while (j + 1 < nmax && set[j + 1])
				j++;
			fprintf(f, j > i ? "%s%d-%d" : "%s%d", first ? "" : ",", i, j);
			first = 0;
			i = j;
		}
		fclose(f);
		set2 = calloc((size_t)nmax + 1, sizeof(*set2));
		FUZZ_CHECK(parse_cpulist(out, set2, nmax) == r, "own list '%s' rejected", out);
		FUZZ_CHECK(!memcmp(set, set2, (size_t)nmax), "round trip of '%s' changed it", out);
		free(set2);
		free(out);
	} else {
		FUZZ_CHECK(r == -22 || r == -34, "unexpected error %d", r); /* EINVAL, ERANGE */
	}
	free(set);
	free(s);
	return 0;
}

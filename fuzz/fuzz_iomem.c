// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/iomem lines: parse_iomem_line, with a print-and-reparse round trip. */
#define _GNU_SOURCE
#include <inttypes.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), *again;
	uint64_t start, end, start2, end2;
	const char *name, *name2;
	int depth, depth2, len;
	size_t n = strlen(s);

	if (parse_iomem_line(s, &start, &end, &depth, &name) == 0) {
		FUZZ_CHECK(start <= end, "start %" PRIx64 " > end %" PRIx64, start, end);
		FUZZ_CHECK(depth >= 0 && (size_t)depth <= n / 2, "depth %d", depth);
		FUZZ_CHECK(name >= s && name <= s + n, "name outside the line");
		len = asprintf(&again, "%*s%" PRIx64 "-%" PRIx64 " : %s", 2 * depth, "", start,
			       end, name);
		FUZZ_CHECK(len >= 0, "asprintf");
		FUZZ_CHECK(parse_iomem_line(again, &start2, &end2, &depth2, &name2) == 0,
			   "own rendering '%s' rejected", again);
		FUZZ_CHECK(start2 == start && end2 == end && depth2 == depth && !strcmp(name2, name),
			   "round trip of '%s' changed it", again);
		free(again);
	}
	free(s);
	return 0;
}

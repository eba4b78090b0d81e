// SPDX-License-Identifier: GPL-2.0-or-later
/* Device tree memory "reg" properties (binary): parse_dt_reg_top. */
#include "fuzz.h"
#include "parse.h"

static uint64_t cells(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < 4 * n; i++)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int acells, scells;
	uint64_t top = 0, want = 0;
	unsigned char *buf;
	size_t len, entry;

	if (size < 1)
		return 0;
	acells = data[0] & 3;
	scells = (data[0] >> 2) & 3;
	len = size - 1;
	buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	if (parse_dt_reg_top(buf, len, acells, scells, &top) == 0) {
		entry = (size_t)(acells + scells) * 4;
		FUZZ_CHECK(acells >= 1 && acells <= 2 && scells >= 1 && scells <= 2, "cells %d/%d",
			   acells, scells);
		FUZZ_CHECK(len && len % entry == 0, "length %zu", len);
		for (size_t off = 0; off < len; off += entry) {
			uint64_t b = cells(buf + off, acells), sz = cells(buf + off + 4 * acells, scells);

			if (sz && b + sz > b && b + sz > want)
				want = b + sz;
		}
		FUZZ_CHECK(top == want && top > 0, "top %llx, want %llx", (unsigned long long)top,
			   (unsigned long long)want);
	}
	free(buf);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* MIDR values as read from sysfs, any 32 bits: cpu_summary, mmfr0_pa_bits. */
#include <errno.h>

#include "cpuid_arm.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int max, n, r, total = 0;
	uint32_t *midrs;
	struct cpu_cluster *out;

	if (size < 9)
		return 0;
	max = (int)(fuzz_byte(&in) % 17); /* 0..16; 0 must be refused or fill nothing */
	r = mmfr0_pa_bits(fuzz_u64(&in));
	FUZZ_CHECK(r == -EINVAL || (r >= 32 && r <= 56), "mmfr0 -> %d bits", r);
	n = (int)(in.left / 4);
	midrs = malloc((size_t)n * 4 + 4);
	for (int i = 0; i < n; i++)
		midrs[i] = (uint32_t)fuzz_byte(&in) << 24 | fuzz_byte(&in) << 16 |
			   fuzz_byte(&in) << 8 | fuzz_byte(&in);
	out = malloc((size_t)max * sizeof(*out) + 1);
	r = cpu_summary(midrs, n, out, max);
	if (r >= 0) {
		FUZZ_CHECK(r <= max && r <= n, "%d clusters for %d CPUs, max %d", r, n, max);
		for (int i = 0; i < r; i++) {
			FUZZ_CHECK(out[i].count >= 1, "empty cluster %d", i);
			total += out[i].count;
			for (int j = 0; j < i; j++)
				FUZZ_CHECK(out[j].implementer != out[i].implementer ||
						   out[j].partnum != out[i].partnum,
					   "clusters %d and %d are the same part", j, i);
		}
		/* Every CPU is counted unless the clusters ran out. */
		FUZZ_CHECK(total <= n && (total == n || r == max), "%d CPUs counted of %d", total,
			   n);
	} else {
		FUZZ_CHECK(r == -EINVAL, "unexpected error %d", r);
	}
	free(out);
	free(midrs);
	return 0;
}

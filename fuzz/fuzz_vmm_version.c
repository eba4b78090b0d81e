// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMM `--version` output: vmm_version_parse for each known VMM (or a fuzzed
 * name) into an exactly-sized buffer; then the version found -- and a second,
 * raw one as from --vmm NAME=VERSION -- through vmm_version_cmp, vmm_range_for,
 * vmm_judge and vmm_max_guest_ram, the pure judge that takes them.
 */
#include <errno.h>

#include "fuzz.h"
#include "vmm.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int sel = fuzz_byte(&in), envb = fuzz_byte(&in);
	size_t len = fuzz_byte(&in) % 72 + 1; /* the caller's buffer is 64 */
	int nrows = vmm_row_count(), r;
	char *name, *raw, *text, *ver;
	const struct vmm_row *row;
	struct vmm_env env;
	struct vmm_result res;

	FUZZ_CHECK(nrows > 0, "no VMM rows");
	name = fuzz_str(&in, 40);
	if (sel < 0xf0) { /* mostly a known VMM, by canonical name or alias */
		row = vmm_row_at((int)(sel % (unsigned int)nrows));
		FUZZ_CHECK(row && row->name, "row %u", sel);
		free(name);
		name = strdup((sel & 0x80) && row->aliases[0] ? row->aliases[0] : row->name);
	}
	raw = fuzz_str(&in, 80);
	text = fuzz_strndup(in.p, in.left);
	ver = malloc(len);
	memset(ver, 'X', len);

	/* the parser takes canonical names; an alias is looked up first, as callers do */
	r = vmm_version_parse(vmm_canonical_name(name) ? vmm_canonical_name(name) : name, text, ver,
			      len);
	FUZZ_CHECK(memchr(ver, 0, len), "version buffer of %zu not terminated", len);
	if (r == 0) {
		FUZZ_CHECK(*ver, "empty version accepted");
		FUZZ_CHECK(strlen(ver) < len, "version too long");
		FUZZ_CHECK(vmm_version_cmp(ver, ver) == 0, "'%s' not equal to itself", ver);
	} else {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE, "unexpected error %d", r);
	}
	/* The comparison is an order: antisymmetric, reflexive. */
	FUZZ_CHECK(vmm_version_cmp(raw, raw) == 0, "'%s' not equal to itself", raw);
	FUZZ_CHECK(sign(vmm_version_cmp(raw, ver)) == -sign(vmm_version_cmp(ver, raw)),
		   "'%s' and '%s' compare both ways", raw, ver);

	row = vmm_lookup(name);
	if (row) {
		const struct vmm_range *rg = vmm_range_for(row, r == 0 ? ver : raw);

		FUZZ_CHECK(!rg || (rg >= row->ranges && rg < row->ranges + row->nranges),
			   "range outside its row");
	}
	env.arch = (enum kic_arch)(envb & 3);
	/* unknown, absent, or 1 .. 62 bits */
	env.ipa_limit = envb >> 2 == 0	 ? (struct ipa_limit){ IPA_UNKNOWN, 0 }
			: envb >> 2 == 1 ? (struct ipa_limit){ IPA_ABSENT, 0 }
					 : ipa_known((int)(envb >> 2) - 1);
	env.kb = (enum kernel_behaviour)(fuzz_byte(&in) % (KB_NOT_APPLICABLE + 1));
	env.kb_measured = envb & 1;
	for (int i = 0; i < 2; i++) {
		const char *v = i ? raw : (r == 0 ? ver : NULL);

		memset(&res, 0x55, sizeof(res));
		r = vmm_judge(&env, name, v, &res);
		if (r == 0) {
			FUZZ_CHECK(memchr(res.name, 0, sizeof(res.name)) &&
					   memchr(res.version, 0, sizeof(res.version)) &&
					   memchr(res.reason, 0, sizeof(res.reason)) &&
					   memchr(res.fix, 0, sizeof(res.fix)),
				   "judge left a string unterminated");
			FUZZ_CHECK(res.verdict >= VV_WORKS && res.verdict <= VV_HANGS, "verdict %d",
				   res.verdict);
		} else {
			FUZZ_CHECK(r == -ENOENT && !row, "judge error %d for a known VMM", r);
		}
		(void)vmm_max_guest_ram(name, v, ipa_bits(env.ipa_limit));
	}
	free(ver);
	free(text);
	free(raw);
	free(name);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel command lines: parse_kvm_arm_mode into an exactly-sized buffer. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *s, *out;

	if (size < 1)
		return 0;
	len = (size_t)data[0] % 64 + 1; /* 1..64: the caller's buffer is 32 */
	s = fuzz_strndup(data + 1, size - 1);
	out = malloc(len);
	memset(out, 'X', len);
	parse_kvm_arm_mode(s, out, len);
	FUZZ_CHECK(memchr(out, 0, len), "out not terminated within %zu bytes", len);
	FUZZ_CHECK(strlen(out) < len, "out too long");
	FUZZ_CHECK(!*out || strstr(s, "kvm-arm.mode="), "value without the key");
	FUZZ_CHECK(!strpbrk(out, " \t\n"), "value '%s' holds whitespace", out);
	FUZZ_CHECK(!*out || strstr(s, out), "value '%s' is not from the line", out);
	free(out);
	free(s);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* --vmm NAME[=VERSION]: parse_vmm_arg into exactly-sized buffers. */
#include <ctype.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nlen, vlen;
	char *s, *name, *ver;

	if (size < 2)
		return 0;
	nlen = (size_t)data[0] % 40 + 1; /* the caller's are 32 and 64 */
	vlen = (size_t)data[1] % 72 + 1;
	s = fuzz_strndup(data + 2, size - 2);
	name = malloc(nlen);
	ver = malloc(vlen);
	if (parse_vmm_arg(s, name, nlen, ver, vlen) == 0) {
		FUZZ_CHECK(memchr(name, 0, nlen) && memchr(ver, 0, vlen), "not terminated");
		FUZZ_CHECK(*name, "empty name accepted from '%s'", s);
		for (const char *p = name; *p; p++)
			FUZZ_CHECK(isalnum((unsigned char)*p) || *p == '-' || *p == '_',
				   "bad name char in '%s'", name);
		FUZZ_CHECK(!strncmp(s, name, strlen(name)), "name not from the argument");
		if (*ver)
			FUZZ_CHECK(s[strlen(name)] == '=' && !strcmp(s + strlen(name) + 1, ver),
				   "version '%s' is not what follows '='", ver);
		else
			FUZZ_CHECK(!strcmp(s, name), "version lost from '%s'", s);
	}
	free(name);
	free(ver);
	free(s);
	return 0;
}

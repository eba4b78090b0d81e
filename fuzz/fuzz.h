/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses: inputs become exactly-sized heap
 * strings (so ASan sees any read past the NUL), and a broken invariant
 * aborts with a message, which libFuzzer records as a crash.
 */
#ifndef KIC_FUZZ_H
#define KIC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                          \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__,      \
				__LINE__, #cond);                                      \
			fprintf(stderr, __VA_ARGS__);                                  \
			fputc('\n', stderr);                                           \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* data[0..size) as a malloc'd NUL-terminated string; stops at an embedded NUL. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Reads the input as a sequence of fields: a byte, then length-prefixed strings. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline unsigned int fuzz_byte(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | fuzz_byte(in);
	return v;
}

/* A heap string of up to maxlen bytes: length byte, then the bytes (NUL ends it early). */
static inline char *fuzz_str(struct fuzz_in *in, size_t maxlen)
{
	size_t n = fuzz_byte(in);
	char *s;

	if (n > maxlen)
		n = maxlen;
	if (n > in->left)
		n = in->left;
	s = fuzz_strndup(in->p, n);
	in->p += n;
	in->left -= n;
	return s;
}

#endif

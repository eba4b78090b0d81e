// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer (json_writer.c): the input is a script of jsonw_*() calls
 * -- open, close, and named or bare values -- whose names and string values
 * are arbitrary bytes. The output, written to a memory FILE, must be valid
 * JSON (json_check.c) and must decode back to exactly the names and strings
 * given, with each byte that is not part of well-formed UTF-8 as U+FFFD.
 * The script keeps to the writer's rules (a name before each value in an
 * object, none in an array, at most JSONW_MAX_NEST containers inside the
 * outermost): breaking them is a bug the writer aborts on, by design.
 */
#define _GNU_SOURCE
#include <stdbool.h>

#include "fuzz.h"
#include "json_check.h"
#include "json_writer.h"

/* Containers the script may nest inside the top object: the writer's documented limit. */
#define NEST JSONW_MAX_NEST
#define MAX_STRINGS 4096

struct want {
	char *s[MAX_STRINGS];
	size_t len[MAX_STRINGS];
	bool key[MAX_STRINGS];
	int n, seen;
	int max_depth;	/* deepest nesting the script reached */
	char bad[512];	/* the first mismatch, "" when none */
};

/* Length of the well-formed UTF-8 sequence at p (p is NUL-terminated), or 0. */
static size_t seq(const unsigned char *p)
{
	static const struct { unsigned char lo, hi; int n; unsigned char lo1, hi1; } t[] = {
		{ 0xc2, 0xdf, 2, 0x80, 0xbf }, { 0xe0, 0xe0, 3, 0xa0, 0xbf },
		{ 0xe1, 0xec, 3, 0x80, 0xbf }, { 0xed, 0xed, 3, 0x80, 0x9f },
		{ 0xee, 0xef, 3, 0x80, 0xbf }, { 0xf0, 0xf0, 4, 0x90, 0xbf },
		{ 0xf1, 0xf3, 4, 0x80, 0xbf }, { 0xf4, 0xf4, 4, 0x80, 0x8f },
	};

	if (p[0] < 0x80)
		return 1;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (p[0] < t[i].lo || p[0] > t[i].hi)
			continue;
		if (p[1] < t[i].lo1 || p[1] > t[i].hi1)
			return 0;
		for (int k = 2; k < t[i].n; k++)
			if (p[k] < 0x80 || p[k] > 0xbf)
				return 0;
		return (size_t)t[i].n;
	}
	return 0;
}

/* What the string must decode to: itself, invalid bytes as U+FFFD (EF BF BD). */
static void expect(struct want *w, const char *str, bool is_key)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t cap = strlen(str) * 3 + 1, n = 0;
	char *out = malloc(cap);

	while (*p) {
		size_t k = seq(p);

		if (k) {
			memcpy(out + n, p, k);
			n += k;
			p += k;
		} else {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
			p++;
		}
	}
	FUZZ_CHECK(w->n < MAX_STRINGS, "too many strings");
	w->s[w->n] = out;
	w->len[w->n] = n;
	w->key[w->n] = is_key;
	w->n++;
}

static void got(const char *s, size_t len, bool is_key, void *ctx)
{
	struct want *w = ctx;
	int i = w->seen++;

	if (w->bad[0])
		return;
	if (i >= w->n)
		snprintf(w->bad, sizeof(w->bad), "more strings in the output than the %d given", w->n);
	else if (w->key[i] != is_key)
		snprintf(w->bad, sizeof(w->bad), "string %d: key and value swapped", i);
	else if (w->len[i] != len || memcmp(w->s[i], s, len))
		snprintf(w->bad, sizeof(w->bad), "string %d decodes to %zu bytes '%.*s', want %zu '%.*s'",
			 i, len, (int)(len < 80 ? len : 80), s, w->len[i],
			 (int)(w->len[i] < 80 ? w->len[i] : 80), w->s[i]);
}

/* Names the next value when inside an object; records what the output must hold. */
static void member(struct json_writer *jw, struct want *w, bool in_obj, const char *k)
{
	if (!in_obj)
		return;
	expect(w, k, true);
	jsonw_name(jw, k);
}

/*
 * Plays the script into jw, recording in w the strings the output must hold.
 * An op byte: low nibble the call, high nibble % 3 == 2 skips value calls
 * (they were text-only calls when the writer also printed text; kept so the
 * stored regression inputs play as they did).
 */
static void play(struct json_writer *jw, const uint8_t *data, size_t size, struct want *w)
{
	struct fuzz_in in = { data, size };
	bool is_array[NEST + 2] = { false };
	int depth = 0; /* containers open inside the top object */
	char *k = NULL, *v = NULL;

	while (in.left) {
		unsigned int op = fuzz_byte(&in);
		bool in_obj = !is_array[depth], shown = (op >> 4) % 3 != 2;
		unsigned long long n;

		k = fuzz_str(&in, 64);
		switch (op & 15) {
		case 0:
		case 1:
			if (depth >= NEST)
				break;
			member(jw, w, in_obj, k);
			if (op & 1)
				jsonw_start_array(jw);
			else
				jsonw_start_object(jw);
			is_array[++depth] = op & 1;
			if (depth > w->max_depth)
				w->max_depth = depth;
			break;
		case 2:
			if (!depth)
				break;
			if (is_array[depth])
				jsonw_end_array(jw);
			else
				jsonw_end_object(jw);
			depth--;
			break;
		case 3:
		case 4: { /* 4: a NULL value, printed as null */
			bool null_v = (op & 15) == 4;

			v = fuzz_str(&in, 255);
			if (shown) {
				member(jw, w, in_obj, k);
				if (!null_v)
					expect(w, v, false);
				jsonw_string(jw, null_v ? NULL : v);
			}
			free(v);
			v = NULL;
			break;
		}
		case 5:
			n = (unsigned long long)fuzz_u64(&in);
			if (shown) {
				member(jw, w, in_obj, k);
				jsonw_int(jw, (long long)n);
			}
			break;
		case 6:
			n = (unsigned long long)fuzz_u64(&in);
			if (shown) {
				member(jw, w, in_obj, k);
				jsonw_uint(jw, n);
			}
			break;
		case 7: {
			char hex[24];

			n = (unsigned long long)fuzz_u64(&in);
			snprintf(hex, sizeof(hex), "0x%llx", n);
			if (shown) {
				member(jw, w, in_obj, k);
				expect(w, hex, false);
				jsonw_hex(jw, n);
			}
			break;
		}
		case 8:
			n = fuzz_byte(&in) & 1;
			if (shown) {
				member(jw, w, in_obj, k);
				jsonw_bool(jw, n);
			}
			break;
		case 9:
			if (shown) {
				member(jw, w, in_obj, k);
				jsonw_null(jw);
			}
			break;
		default: /* nothing */
			break;
		}
		free(k);
		k = NULL;
	}
	while (depth) {
		if (is_array[depth])
			jsonw_end_array(jw);
		else
			jsonw_end_object(jw);
		depth--;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_check c = { 0 };
	struct want *w = calloc(1, sizeof(*w));
	struct json_writer jw;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	jsonw_init(&jw, f);
	jsonw_start_object(&jw);
	play(&jw, data, size, w);
	jsonw_end_object(&jw);
	fclose(f);
	c.on_string = got;
	c.ctx = w;
	if (json_validate(buf, len, &c) == 0 && !w->bad[0] && w->seen != w->n)
		snprintf(w->bad, sizeof(w->bad), "%d strings in the output, %d given", w->seen,
			 w->n);
	if (c.err || w->bad[0]) {
		if (c.err)
			fprintf(stderr, "invalid JSON at byte %zu: %s", c.err_at, c.err);
		else
			fprintf(stderr, "JSON does not hold the strings given: %s", w->bad);
		fprintf(stderr, " (script nested %d containers)\n---\n%.*s\n---\n", w->max_depth,
			(int)(len < 4000 ? len : 4000), buf);
		abort();
	}
	for (int i = 0; i < w->n; i++)
		free(w->s[i]);
	free(w);
	free(buf);
	return 0;
}

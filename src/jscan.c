// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bounded JSON scanner (see jscan.h). Recursive descent whose depth is
 * capped at JS_MAX_DEPTH, so the C stack use is bounded too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "jscan.h"

struct js {
	const char *p, *end;
	js_cb cb;
	void *ctx;
	int depth;
	long idx; /* index in the innermost array, -1 outside */
	char path[JS_MAX_PATH];
	size_t plen;
	char val[JS_MAX_VALUE];
};

static void skip_ws(struct js *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, const char *end, uint32_t *v)
{
	*v = 0;
	if (end - p < 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;

		if (d < 0)
			return -EINVAL;
		*v = (*v << 4) | (uint32_t)d;
	}
	return 0;
}

/* Appends code point cp as UTF-8 if it fits; U+0000 becomes U+FFFD. */
static void put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
	unsigned char b[4];
	size_t k;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (*n + k < cap) {
		memcpy(out + *n, b, k);
		*n += k;
	}
}

static int escape(struct js *s, uint32_t *cp)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (s->p >= s->end)
		return -EINVAL;
	if (*s->p != 'u') {
		e = memchr(from, *s->p, sizeof(from) - 1);
		if (!e || !*s->p)
			return -EINVAL;
		*cp = (unsigned char)to[e - from];
		s->p++;
		return 0;
	}
	if (hex4(s->p + 1, s->end, cp))
		return -EINVAL;
	s->p += 5;
	/* A high surrogate takes the low one after it; a lone one is U+FFFD. */
	if (*cp >= 0xd800 && *cp <= 0xdbff && s->end - s->p >= 6 && s->p[0] == '\\' &&
	    s->p[1] == 'u') {
		uint32_t lo;

		if (!hex4(s->p + 2, s->end, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
			*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
			s->p += 6;
		}
	}
	return 0;
}

/* A string at s->p (after the quote) into out, cut at cap - 1 bytes. */
static int string(struct js *s, char *out, size_t cap)
{
	size_t n = 0;

	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		uint32_t cp;
		size_t k;

		if (c == '"') {
			s->p++;
			out[n] = '\0';
			return 0;
		}
		if (c < 0x20)
			return -EINVAL;
		if (c == '\\') {
			s->p++;
			if (escape(s, &cp))
				return -EINVAL;
			put_utf8(out, cap, &n, cp);
			continue;
		}
		/* Raw bytes: valid UTF-8 is copied whole, anything else is U+FFFD. */
		k = (c < 0x80) ? 1 : 0;
		if (!k) {
			unsigned char seq[5] = { 0 };
			size_t avail = (size_t)(s->end - s->p);

			memcpy(seq, s->p, avail < 4 ? avail : 4);
			k = utf8_seq(seq, &cp);
		}
		if (!k) {
			put_utf8(out, cap, &n, 0xfffd);
			s->p++;
			continue;
		}
		if (n + k < cap) {
			memcpy(out + n, s->p, k);
			n += k;
		}
		s->p += k;
	}
	return -EINVAL;
}

static bool digit(const struct js *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int number(struct js *s)
{
	const char *start = s->p;
	size_t n;

	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (!digit(s))
		return -EINVAL;
	if (*s->p == '0')
		s->p++;
	else
		while (digit(s))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!digit(s))
			return -EINVAL;
		while (digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digit(s))
			return -EINVAL;
		while (digit(s))
			s->p++;
	}
	n = (size_t)(s->p - start);
	if (n >= sizeof(s->val))
		return -E2BIG;
	memcpy(s->val, start, n);
	s->val[n] = '\0';
	return 0;
}

static int literal(struct js *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -EINVAL;
	s->p += n;
	s->val[0] = '\0';
	return 0;
}

static int value(struct js *s);

/* Extends the path by ".key" (or "key" at the top) or "[]"; restores on return. */
static int push(struct js *s, const char *part, bool member)
{
	size_t n = strlen(part) + (member && s->plen ? 1 : 0);

	if (s->plen + n >= sizeof(s->path))
		return -E2BIG;
	if (member && s->plen)
		s->path[s->plen++] = '.';
	memcpy(s->path + s->plen, part, strlen(part) + 1);
	s->plen += strlen(part);
	return 0;
}

static int object(struct js *s)
{
	char key[128];
	size_t saved = s->plen;
	int r;

	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return -EINVAL;
		s->p++;
		r = string(s, key, sizeof(key));
		if (r)
			return r;
		/* '.' and '[' would make paths ambiguous: such keys are never ours. */
		for (char *k = key; (k = strpbrk(k, ".[]")) != NULL;)
			*k = '_';
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -EINVAL;
		s->p++;
		r = push(s, key, true);
		if (!r)
			r = value(s);
		s->plen = saved;
		s->path[saved] = '\0';
		if (r)
			return r;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return -EINVAL;
	}
}

static int array(struct js *s)
{
	size_t saved = s->plen;
	long i = 0, outer = s->idx;
	int r;

	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	r = push(s, "[]", false);
	if (r)
		return r;
	for (;; i++) {
		s->idx = i;
		r = value(s);
		if (r)
			break;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		r = s->p < s->end && *s->p == ']' ? 0 : -EINVAL;
		if (!r)
			s->p++;
		break;
	}
	s->idx = outer;
	s->plen = saved;
	s->path[saved] = '\0';
	return r;
}

static int container(struct js *s, char open)
{
	int r;

	if (s->depth >= JS_MAX_DEPTH)
		return -E2BIG;
	s->depth++;
	s->p++;
	r = open == '{' ? object(s) : array(s);
	s->depth--;
	return r;
}

static int value(struct js *s)
{
	enum js_type t;
	int r;

	skip_ws(s);
	if (s->p >= s->end)
		return -EINVAL;
	switch (*s->p) {
	case '{':
	case '[':
		return container(s, *s->p);
	case '"':
		s->p++;
		t = JS_STRING;
		r = string(s, s->val, sizeof(s->val));
		break;
	case 't':
		t = JS_TRUE;
		r = literal(s, "true");
		break;
	case 'f':
		t = JS_FALSE;
		r = literal(s, "false");
		break;
	case 'n':
		t = JS_NULL;
		r = literal(s, "null");
		break;
	default:
		t = JS_NUMBER;
		r = number(s);
	}
	if (r)
		return r;
	return s->cb(s->path, s->idx, t, s->val, s->ctx);
}

int js_scan(const char *buf, size_t len, js_cb cb, void *ctx)
{
	struct js s;
	int r;

	memset(&s, 0, sizeof(s));
	s.p = buf;
	s.end = buf + len;
	s.cb = cb;
	s.ctx = ctx;
	s.idx = -1;
	r = value(&s);
	if (r)
		return r;
	skip_ws(&s);
	return s.p == s.end ? 0 : -EINVAL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Strict RFC 8259 validator for the JSON writer's fuzz harness and tests. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

#define MAX_NEST 1024

struct st {
	const unsigned char *p, *start, *end;
	struct json_check *c;
	char *sbuf; /* decoded string */
	size_t slen, scap;
	int depth;
};

static int fail(struct st *s, const char *why)
{
	if (!s->c->err) {
		s->c->err = why;
		s->c->err_at = (size_t)(s->p - s->start);
	}
	return -1;
}

static void ws(struct st *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static void put(struct st *s, const void *b, size_t n)
{
	if (s->slen + n > s->scap) {
		s->scap = (s->slen + n) * 2 + 64;
		s->sbuf = realloc(s->sbuf, s->scap);
		if (!s->sbuf)
			abort();
	}
	memcpy(s->sbuf + s->slen, b, n);
	s->slen += n;
}

static void put_cp(struct st *s, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put(s, b, n);
}

/* RFC 3629 table: length of the well-formed sequence at p, or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char b0 = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (b0 < 0x80)
		return 1;
	if (b0 >= 0xc2 && b0 <= 0xdf)
		n = 2;
	else if (b0 >= 0xe0 && b0 <= 0xef)
		n = 3;
	else if (b0 >= 0xf0 && b0 <= 0xf4)
		n = 4;
	else
		return 0; /* 80-c1 (continuation, overlong lead), f5-ff */
	if (b0 == 0xe0)
		lo = 0xa0; /* overlong */
	else if (b0 == 0xed)
		hi = 0x9f; /* surrogates */
	else if (b0 == 0xf0)
		lo = 0x90; /* overlong */
	else if (b0 == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if ((size_t)(end - p) < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static int hex4(struct st *s, uint32_t *v)
{
	*v = 0;
	if (s->end - s->p < 4)
		return fail(s, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		unsigned char ch = *s->p++;
		uint32_t d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return fail(s, "bad hex digit in \\u escape");
		*v = *v << 4 | d;
	}
	return 0;
}

static int string(struct st *s, bool is_key)
{
	s->slen = 0;
	if (s->p >= s->end || *s->p != '"')
		return fail(s, "expected a string");
	s->p++;
	for (;;) {
		unsigned char ch;

		if (s->p >= s->end)
			return fail(s, "unterminated string");
		ch = *s->p;
		if (ch == '"') {
			s->p++;
			break;
		}
		if (ch < 0x20)
			return fail(s, "unescaped control character in a string");
		if (ch == '\\') {
			uint32_t cp, lo;

			if (++s->p >= s->end)
				return fail(s, "unterminated escape");
			ch = *s->p++;
			switch (ch) {
			case '"': case '\\': case '/':
				put(s, &ch, 1);
				break;
			case 'b': put(s, "\b", 1); break;
			case 'f': put(s, "\f", 1); break;
			case 'n': put(s, "\n", 1); break;
			case 'r': put(s, "\r", 1); break;
			case 't': put(s, "\t", 1); break;
			case 'u':
				if (hex4(s, &cp))
					return -1;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail(s, "lone low surrogate escape");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
						return fail(s, "high surrogate escape without its pair");
					s->p += 2;
					if (hex4(s, &lo))
						return -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return fail(s, "high surrogate escape without its pair");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				put_cp(s, cp);
				break;
			default:
				s->p--;
				return fail(s, "invalid escape");
			}
			continue;
		}
		{
			size_t n = utf8_seq(s->p, s->end);

			if (!n)
				return fail(s, "invalid UTF-8 in a string");
			put(s, s->p, n);
			s->p += n;
		}
	}
	if (s->c->on_string)
		s->c->on_string(s->sbuf ? s->sbuf : "", s->slen, is_key, s->c->ctx);
	return 0;
}

static bool digit(struct st *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int number(struct st *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (!digit(s))
		return fail(s, "expected a digit");
	if (*s->p == '0') {
		s->p++;
		if (digit(s))
			return fail(s, "leading zero");
	} else {
		while (digit(s))
			s->p++;
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!digit(s))
			return fail(s, "expected a digit after '.'");
		while (digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digit(s))
			return fail(s, "expected an exponent");
		while (digit(s))
			s->p++;
	}
	return 0;
}

static int literal(struct st *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return fail(s, "invalid literal");
	s->p += n;
	return 0;
}

static int value(struct st *s);

static int members(struct st *s, bool object)
{
	char close = object ? '}' : ']';

	if (++s->depth > MAX_NEST)
		return fail(s, "nested too deep");
	s->p++; /* '{' or '[' */
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		if (object) {
			ws(s);
			if (string(s, true))
				return -1;
			ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "expected ':'");
			s->p++;
		}
		if (value(s))
			return -1;
		if (s->p >= s->end)
			return fail(s, "unterminated object or array");
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == close) {
			s->p++;
			break;
		}
		return fail(s, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	s->depth--;
	return 0;
}

/* A value with the whitespace around it. */
static int value(struct st *s)
{
	int r;

	ws(s);
	if (s->p >= s->end)
		return fail(s, "expected a value");
	switch (*s->p) {
	case '{':
		r = members(s, true);
		break;
	case '[':
		r = members(s, false);
		break;
	case '"':
		r = string(s, false);
		break;
	case 't':
		r = literal(s, "true");
		break;
	case 'f':
		r = literal(s, "false");
		break;
	case 'n':
		r = literal(s, "null");
		break;
	default:
		r = number(s);
		break;
	}
	if (r)
		return r;
	ws(s);
	return 0;
}

int json_validate(const char *buf, size_t len, struct json_check *c)
{
	struct st s = { (const unsigned char *)buf, (const unsigned char *)buf,
			(const unsigned char *)buf + len, c, NULL, 0, 0, 0 };
	int r;

	c->err = NULL;
	c->err_at = 0;
	r = value(&s);
	if (!r && s.p != s.end)
		r = fail(&s, "text after the value");
	free(s.sbuf);
	return r;
}

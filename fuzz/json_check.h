/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small strict JSON validator (RFC 8259): one value with optional
 * whitespace around it, no trailing commas, no leading zeros, only the
 * seven escapes plus \uXXXX with paired surrogates, and well-formed UTF-8
 * (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
 * Decoded strings (keys and values) can be handed to a callback in order.
 */
#ifndef KIC_JSON_CHECK_H
#define KIC_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

struct json_check {
	/* Optional: each string, decoded (may hold NULs, so with its length). */
	void (*on_string)(const char *s, size_t len, bool is_key, void *ctx);
	void *ctx;
	/* Out: why and where it is invalid. */
	const char *err;
	size_t err_at;
};

/* 0 when buf[0..len) is exactly one valid JSON text, -1 otherwise. */
int json_validate(const char *buf, size_t len, struct json_check *c);

#endif

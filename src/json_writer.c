// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer (see json_writer.h). Output shape, relied on by the golden
 * reports: each member or element on its own line, indented two spaces per
 * open container; an empty container stays "{}" or "[]"; the outermost
 * close ends with a newline.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "json_writer.h"

void jsonw_init(struct json_writer *jw, FILE *out)
{
	*jw = (struct json_writer){ .out = out };
}

/* Valid UTF-8 passes; any other byte becomes U+FFFD, so the output always parses. */
void json_escape(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		uint32_t cp;
		size_t n = utf8_seq(s, &cp);

		if (n == 0) {
			fputs("\\ufffd", out);
			s++;
		} else if (n > 1) {
			fwrite(s, 1, n, out);
			s += n;
		} else if (*s == '"' || *s == '\\') {
			fputc('\\', out);
			fputc(*s++, out);
		} else if (*s == '\n') {
			fputs("\\n", out);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", out);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\u%04x", *s++);
		} else {
			fputc(*s++, out);
		}
	}
}

/* The comma and line break before a member or element. */
static void jsonw_eor(struct json_writer *jw)
{
	if (!jw->first[jw->depth])
		fputc(',', jw->out);
	jw->first[jw->depth] = false;
	fprintf(jw->out, "\n%*s", 2 * jw->depth, "");
}

/* Before any value: an array element (or the outermost value) gets its own line. */
static void jsonw_value(struct json_writer *jw)
{
	if (jw->named)
		jw->named = false;
	else if (jw->depth && !jw->array[jw->depth])
		abort(); /* a member without a name: a code bug */
	else if (jw->depth)
		jsonw_eor(jw);
}

void jsonw_name(struct json_writer *jw, const char *name)
{
	if (!jw->depth || jw->array[jw->depth] || jw->named)
		abort(); /* a name outside an object, or twice: a code bug */
	jsonw_eor(jw);
	fputc('"', jw->out);
	json_escape(jw->out, name);
	fputs("\": ", jw->out);
	jw->named = true;
}

static void jsonw_open(struct json_writer *jw, char c)
{
	jsonw_value(jw);
	fputc(c, jw->out);
	if (jw->depth > JSONW_MAX_NEST)
		abort(); /* a code bug, never input: see JSONW_MAX_NEST */
	jw->depth++;
	jw->first[jw->depth] = true;
	jw->array[jw->depth] = c == '[';
}

static void jsonw_close(struct json_writer *jw, char c)
{
	if (!jw->depth || jw->named || jw->array[jw->depth] != (c == ']'))
		abort(); /* closing what is not open, or after a bare name: a code bug */
	if (!jw->first[jw->depth])
		fprintf(jw->out, "\n%*s", 2 * (jw->depth - 1), "");
	fputc(c, jw->out);
	if (--jw->depth == 0)
		fputc('\n', jw->out);
}

void jsonw_start_object(struct json_writer *jw)
{
	jsonw_open(jw, '{');
}

void jsonw_end_object(struct json_writer *jw)
{
	jsonw_close(jw, '}');
}

void jsonw_start_array(struct json_writer *jw)
{
	jsonw_open(jw, '[');
}

void jsonw_end_array(struct json_writer *jw)
{
	jsonw_close(jw, ']');
}

void jsonw_string(struct json_writer *jw, const char *s)
{
	jsonw_value(jw);
	if (!s) {
		fputs("null", jw->out);
		return;
	}
	fputc('"', jw->out);
	json_escape(jw->out, s);
	fputc('"', jw->out);
}

void jsonw_int(struct json_writer *jw, long long v)
{
	jsonw_value(jw);
	fprintf(jw->out, "%lld", v);
}

void jsonw_uint(struct json_writer *jw, unsigned long long v)
{
	jsonw_value(jw);
	fprintf(jw->out, "%llu", v);
}

/* 64-bit addresses as "0x..." strings: JSON numbers lose precision past 2^53. */
void jsonw_hex(struct json_writer *jw, unsigned long long v)
{
	jsonw_value(jw);
	fprintf(jw->out, "\"0x%llx\"", v);
}

void jsonw_bool(struct json_writer *jw, bool v)
{
	jsonw_value(jw);
	fputs(v ? "true" : "false", jw->out);
}

void jsonw_null(struct json_writer *jw)
{
	jsonw_value(jw);
	fputs("null", jw->out);
}

void jsonw_string_field(struct json_writer *jw, const char *name, const char *s)
{
	jsonw_name(jw, name);
	jsonw_string(jw, s);
}

void jsonw_int_field(struct json_writer *jw, const char *name, long long v)
{
	jsonw_name(jw, name);
	jsonw_int(jw, v);
}

void jsonw_uint_field(struct json_writer *jw, const char *name, unsigned long long v)
{
	jsonw_name(jw, name);
	jsonw_uint(jw, v);
}

void jsonw_hex_field(struct json_writer *jw, const char *name, unsigned long long v)
{
	jsonw_name(jw, name);
	jsonw_hex(jw, v);
}

void jsonw_bool_field(struct json_writer *jw, const char *name, bool v)
{
	jsonw_name(jw, name);
	jsonw_bool(jw, v);
}

void jsonw_null_field(struct json_writer *jw, const char *name)
{
	jsonw_name(jw, name);
	jsonw_null(jw);
}

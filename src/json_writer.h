/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer in the manner of iproute2's json_writer.c:
 * the caller opens containers, names members and writes values; the writer
 * puts the commas, the two-space indentation and the escapes. JSON only --
 * the text report has its own renderer (render_text.c).
 *
 *	struct json_writer jw;
 *
 *	jsonw_init(&jw, out);
 *	jsonw_start_object(&jw);
 *	jsonw_int_field(&jw, "bits", 36);
 *	jsonw_name(&jw, "list");
 *	jsonw_start_array(&jw);
 *	jsonw_string(&jw, "a");
 *	jsonw_end_array(&jw);
 *	jsonw_end_object(&jw);	(the outermost close ends the line)
 *
 * Inside an object every value follows jsonw_name() (or is written by a
 * *_field() call); inside an array values are written bare. Breaking that
 * rule, or the nesting limit, is a bug in the caller: the writer aborts
 * rather than print broken JSON.
 */
#ifndef KIC_JSON_WRITER_H
#define KIC_JSON_WRITER_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Containers that may nest inside the outermost one. The report's shape is
 * fixed by code (4 levels deep), so going past this is a bug: the writer
 * aborts rather than print broken JSON.
 */
#define JSONW_MAX_NEST 14

struct json_writer {
	FILE *out;
	int depth;			/* containers open */
	bool first[JSONW_MAX_NEST + 2]; /* no member written yet at this depth */
	bool array[JSONW_MAX_NEST + 2]; /* the container at this depth is an array */
	bool named;			/* jsonw_name() wrote the key of the next value */
};

void jsonw_init(struct json_writer *jw, FILE *out);

void jsonw_start_object(struct json_writer *jw);
void jsonw_end_object(struct json_writer *jw);
void jsonw_start_array(struct json_writer *jw);
void jsonw_end_array(struct json_writer *jw);

void jsonw_name(struct json_writer *jw, const char *name);

void jsonw_string(struct json_writer *jw, const char *s); /* NULL: null */
void jsonw_int(struct json_writer *jw, long long v);
void jsonw_uint(struct json_writer *jw, unsigned long long v);
void jsonw_hex(struct json_writer *jw, unsigned long long v); /* "0x..." string */
void jsonw_bool(struct json_writer *jw, bool v);
void jsonw_null(struct json_writer *jw);

/* A named member in one call: jsonw_name() then the value. */
void jsonw_string_field(struct json_writer *jw, const char *name, const char *s);
void jsonw_int_field(struct json_writer *jw, const char *name, long long v);
void jsonw_uint_field(struct json_writer *jw, const char *name, unsigned long long v);
void jsonw_hex_field(struct json_writer *jw, const char *name, unsigned long long v);
void jsonw_bool_field(struct json_writer *jw, const char *name, bool v);
void jsonw_null_field(struct json_writer *jw, const char *name);

/* JSON string body escaping (no quotes), also used by the fuzz harness. */
void json_escape(FILE *out, const char *s);

#endif

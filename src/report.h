/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KIC_REPORT_H
#define KIC_REPORT_H

#include <stdio.h>

#include "check.h"

enum report_format { FMT_TEXT, FMT_JSON, FMT_NAGIOS, FMT_PROMETHEUS };

struct report_opts {
	enum report_format format;
	bool color;
	bool verbose;
	bool quiet;
	const char *version;
};

/* Stage 4: the only place that prints a report. Returns 0 or -errno. */
int report_print(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a);

/* For main's messages on stderr that must match the chosen format. */
void report_usage_error_nagios(FILE *out, const char *msg);

/*
 * Containers open_json_object/array may nest inside the top object. The
 * report's shape is fixed by code (4 levels deep), so going past this is a
 * bug: the writer aborts rather than print broken JSON.
 */
#define PRINT_MAX_NEST 14

/* The one print path (iproute2's json_print idea): text fmt or JSON key. */
enum print_mode { PRINT_ANY, PRINT_FP, PRINT_JSON };

void print_begin(FILE *out, bool json);
void print_end(void);
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);
void print_string(enum print_mode m, const char *key, const char *fmt, const char *v);
void print_int(enum print_mode m, const char *key, const char *fmt, long long v);
void print_u64(enum print_mode m, const char *key, const char *fmt, unsigned long long v);
void print_hex(enum print_mode m, const char *key, const char *fmt, unsigned long long v);
void print_bool(enum print_mode m, const char *key, const char *fmt, bool v);
void print_null(enum print_mode m, const char *key, const char *fmt);

/* JSON string body escaping, also used by the fuzz harness; writes to out. */
void json_escape(FILE *out, const char *s);

#endif

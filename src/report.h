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
	bool map; /* --map: the memory-map pictures in the text report */
	const char *version;
};

/*
 * Stage 4: the only place that prints a report. Renders the format asked
 * for (render.h lists the renderers) from the three stages' structs.
 * Returns 0 or -errno (-EIO when the output could not be written).
 */
int report_print(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a);

/* For main's messages on stderr that must match the chosen format. */
void report_usage_error_nagios(FILE *out, const char *msg);

#endif

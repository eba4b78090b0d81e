/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the report stage: report.c picks the renderer for the format; each
 * renderer writes one document from the same three structs, in its own file:
 *   render_text.c     the text report (summarises; --verbose adds each probe)
 *   render_map.c      its memory-map pictures (--map, --verbose)
 *   render_json.c     the JSON document (lists every fact and probe)
 *   render_monitor.c  Nagios (monitoring-plugins) and Prometheus
 * Only the report layer includes this header.
 */
#ifndef KIC_RENDER_H
#define KIC_RENDER_H

#include <stdio.h>

#include "check.h"
#include "report.h"

void render_text(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a);
void render_text_quiet(FILE *out, bool color, const struct assessment *a);
/* --map (and --verbose): each judged VMM's memory map against its IPA size (render_map.c). */
void render_map(FILE *out, bool color, const struct assessment *a);
void render_json(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a);
void render_nagios(FILE *out, const struct kvm_obs *obs, const struct assessment *a);
void render_prometheus(FILE *out, const struct kvm_obs *obs, const struct assessment *a);

/* The report's words for the probes' enums (report.c), shared by the renderers. */
const char *mod_state_name(enum mod_state s);
const char *probe_result_name(enum probe_result r);
const char *slot_result_name(enum slot_result r);
const char *run_result_name(enum run_result r);
const char *exit_reason_name(unsigned int reason); /* KVM_EXIT_* */
bool run_reached_mmio(const struct vcpu_run *r);   /* the guest store exited as MMIO */

/* v->version, or "(unknown)": text, map and Nagios spell it alike. */
const char *vmm_version_text(const struct vmm_result *v);

/* s in capitals ("ok" -> "OK"): status and verdict words of text and Nagios. */
void fput_upper(const char *s, FILE *out);

#endif

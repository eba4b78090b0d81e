// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stage 4, the only place that prints a report: picks the renderer for the
 * format (render_text.c, render_json.c, render_monitor.c) and holds the
 * words the renderers share for the probes' results.
 */
#include <ctype.h>
#include <errno.h>
#include <linux/kvm.h>

#include "render.h"

const char *mod_state_name(enum mod_state s)
{
	switch (s) {
	case MOD_BUILTIN:
		return "builtin";
	case MOD_LOADED:
		return "loaded";
	case MOD_ABSENT:
		return "absent";
	case MOD_NOT_FOUND:
		return "not-found";
	default:
		return "unknown";
	}
}

const char *probe_result_name(enum probe_result r)
{
	switch (r) {
	case PR_CREATED:
		return "created";
	case PR_REJECTED:
		return "rejected";
	case PR_SKIPPED:
		return "skipped";
	default:
		return "not-run";
	}
}

const char *slot_result_name(enum slot_result r)
{
	return r == SLOT_ACCEPTED ? "accepted" : "rejected";
}

const char *run_result_name(enum run_result r)
{
	switch (r) {
	case RUN_EXITED:
		return "exited";
	case RUN_HANG:
		return "hang";
	case RUN_ERROR:
		return "error";
	case RUN_SKIPPED:
		return "skipped";
	default:
		return "not-run";
	}
}

/* The exits our one-instruction guest can end in (include/uapi/linux/kvm.h). */
const char *exit_reason_name(unsigned int reason)
{
	switch (reason) {
	case KVM_EXIT_IO:
		return "io";
	case KVM_EXIT_HLT:
		return "hlt";
	case KVM_EXIT_MMIO:
		return "mmio";
	case KVM_EXIT_SHUTDOWN:
		return "shutdown";
	case KVM_EXIT_FAIL_ENTRY:
		return "fail_entry";
	case KVM_EXIT_INTERNAL_ERROR:
		return "internal_error";
	case KVM_EXIT_SYSTEM_EVENT:
		return "system_event";
	default:
		return "unknown";
	}
}

bool run_reached_mmio(const struct vcpu_run *r)
{
	return r->result == RUN_EXITED && r->exit_reason == KVM_EXIT_MMIO;
}

/*
 * A VMM's version in the text, map and Nagios reports; JSON's null. One
 * spelling for "not known" across them (Prometheus: an empty label value,
 * which it treats as no label).
 */
const char *vmm_version_text(const struct vmm_result *v)
{
	return v->version[0] ? v->version : "(unknown)";
}

void fput_upper(const char *s, FILE *out)
{
	for (; *s; s++)
		fputc(toupper((unsigned char)*s), out);
}

int report_print(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a)
{
	switch (o->format) {
	case FMT_NAGIOS:
		render_nagios(out, obs, a);
		break;
	case FMT_PROMETHEUS:
		render_prometheus(out, obs, a);
		break;
	case FMT_JSON:
		render_json(out, o, f, obs, a);
		break;
	default:
		if (o->quiet)
			render_text_quiet(out, o->color, a);
		else
			render_text(out, o, f, obs, a);
	}
	if (fflush(out) == EOF || ferror(out))
		return -EIO;
	return 0;
}

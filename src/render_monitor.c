// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The monitoring formats, flat and small: a monitoring-plugins status line
 * with perfdata (Nagios, Icinga) and the Prometheus text exposition format
 * (node_exporter's textfile collector). Both carry the verdict and the
 * figures a dashboard graphs, not the report.
 */
#include <string.h>

#include "render.h"

/* ---- monitoring-plugins: "SERVICE STATUS - text | perfdata" ---- */

/*
 * Status text is free text in one line: '|' starts perfdata and a newline
 * ends the line; Nagios 4 also rewrites ';' (its own field separator) as
 * ':'. Keep all three out.
 */
static void nagios_text(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s == ';' ? ',' : *s, out);
}

/* KVM answered: a VM was created or refused. Not tried, or a fault, is not a measurement. */
static bool size_measured(const struct ipa_probe *p)
{
	return p->result == PR_CREATED || p->result == PR_REJECTED;
}

/* How many explicit IPA sizes KVM accepted; -1 when some size (or all) went unmeasured. */
static int accepted_sizes(const struct kvm_obs *obs)
{
	int n = 0;

	if (!obs->nipa) /* none tried: x86, no limit known, or a probe cut short */
		return -1;
	for (int i = 0; i < obs->nipa; i++) {
		if (!size_measured(&obs->ipa[i]))
			return -1; /* a partial count would graph as a drop */
		n += obs->ipa[i].result == PR_CREATED;
	}
	return n;
}

/*
 * What-if: with --ipa-limit (or for an arm64 host class judged from another
 * architecture) the limit is the judged host's, and this host's CPU
 * address size beside it would read as the judged host's; with --kernel
 * too, this kernel's probe results would. Flat formats have no place to
 * say whose a figure is, so they carry only the judged host's figures
 * (text and JSON keep both, marked).
 */
static bool cpu_not_judged(const struct assessment *a)
{
	return a->whatif_ipa_limit.state == IPA_KNOWN || a->other_host;
}

static bool probes_not_judged(const struct assessment *a)
{
	return cpu_not_judged(a) || a->whatif_kernel[0];
}

void render_nagios(FILE *out, const struct kvm_obs *obs, const struct assessment *a)
{
	int acc;

	fputs("KVM-IPA ", out);
	fput_upper(kic_status_name(a->status), out);
	fputs(" - ", out);
	nagios_text(out, a->summary);
	if (a->status == ST_UNKNOWN && a->fix[0]) { /* the monitor shows only this line */
		fputs(" - fix: ", out);
		nagios_text(out, a->fix);
	}
	fputs(" |", out);
	if (a->ipa_limit.state == IPA_KNOWN)
		fprintf(out, " ipa_limit_bits=%d;;;32;52", a->ipa_limit.bits);
	if (a->host_pa_bits > 0 && !cpu_not_judged(a))
		fprintf(out, " host_pa_bits=%d;;;32;52", a->host_pa_bits);
	if (obs->probed && !probes_not_judged(a) && (acc = accepted_sizes(obs)) >= 0)
		fprintf(out, " accepted_sizes=%d;;;0;", acc);
	if (obs->probed)
		fprintf(out, " probe_time=%.3fs;;;0;", (double)obs->elapsed_ms / 1000.0);
	fputc('\n', out);
	/* Long output: one line per VMM and finding. */
	for (int i = 0; i < a->nvmms; i++) {
		const struct vmm_result *v = &a->vmms[i];

		/* "[what-if]" as in the text report: named with --vmm, not found */
		fprintf(out, "%s %s%s: %s - ", v->name, vmm_version_text(v),
			v->what_if ? " [what-if]" : "", vmm_verdict_name(v->verdict));
		nagios_text(out, v->reason);
		fputc('\n', out);
	}
	for (int i = 0; i < a->nfindings; i++) {
		nagios_text(out, a->findings[i]);
		fputc('\n', out);
	}
}

void report_usage_error_nagios(FILE *out, const char *msg)
{
	fputs("KVM-IPA UNKNOWN - ", out);
	nagios_text(out, msg);
	fputc('\n', out);
}

/* ---- Prometheus text exposition format ---- */

/* A label value: only \\, \" and \n are escapes there. */
static void prom_label(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void prom_head(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static bool vmm_seen_before(const struct assessment *a, int i)
{
	const struct vmm_result *v = &a->vmms[i];

	for (int j = 0; j < i; j++)
		if (!strcmp(a->vmms[j].name, v->name) && !strcmp(a->vmms[j].version, v->version) &&
		    !strcmp(a->vmms[j].path, v->path) && a->vmms[j].what_if == v->what_if)
			return true;
	return false;
}

static void prom_vmms(FILE *out, const struct assessment *a)
{
	if (!a->nvmms)
		return;
	prom_head(out, "kvm_ipa_vmm_verdict",
		  "Verdict per VMM (1 for the verdict label that applies).");
	for (int i = 0; i < a->nvmms; i++) {
		const struct vmm_result *v = &a->vmms[i];

		if (vmm_seen_before(a, i))
			continue; /* one series per label set, or the collector rejects the file */
		fputs("kvm_ipa_vmm_verdict{vmm=\"", out);
		prom_label(out, v->name);
		fputs("\",version=\"", out);
		prom_label(out, v->version);
		fputs("\",path=\"", out);
		prom_label(out, v->path);
		fprintf(out, "\",verdict=\"%s\",what_if=\"%s\"} 1\n", vmm_verdict_name(v->verdict),
			v->what_if ? "1" : "0");
	}
}

static void prom_sizes(FILE *out, const struct kvm_obs *obs)
{
	bool head = false;

	for (int i = 0; i < obs->nipa; i++) {
		const struct ipa_probe *p = &obs->ipa[i];

		if (!size_measured(p))
			continue; /* skipped (time budget, fault): unknown, not refused */
		if (!head)
			prom_head(out, "kvm_ipa_size_accepted",
				  "1 if a VM of this IPA size was created, 0 if KVM refused it; no "
				  "sample for a size not tried.");
		head = true;
		fprintf(out, "kvm_ipa_size_accepted{bits=\"%d\"} %d\n", p->bits,
			p->result == PR_CREATED);
	}
}

/*
 * JSON's null is no sample here, never a 0 or -1: a dashboard cannot tell
 * a 0 from "not known", and an absent series is what PromQL treats as
 * missing. Only figures that were measured or read are exported.
 */
void render_prometheus(FILE *out, const struct kvm_obs *obs, const struct assessment *a)
{
	prom_head(out, "kvm_ipa_status", "Overall status: 0 ok, 1 warning, 2 critical, 3 unknown.");
	fprintf(out, "kvm_ipa_status %d\n", a->status);
	/*
	 * Sizes in bits, but no _bits suffix: promtool's lint reserves it for
	 * the unit. No limit sample when it is unknown, nor when KVM has none
	 * (x86, arm64 before 4.20): JSON's assessed_ipa_limit is null for both.
	 */
	if (a->ipa_limit.state == IPA_KNOWN) {
		prom_head(out, "kvm_ipa_size_limit",
			  "Guest IPA size limit in address bits that the verdict used: "
			  "KVM_CAP_ARM_VM_IPA_SIZE, else the kernel log's, or the judged host's "
			  "given with --ipa-limit (a prediction); no sample when unknown or when "
			  "KVM has none (x86).");
		fprintf(out, "kvm_ipa_size_limit %d\n", a->ipa_limit.bits);
	}
	if (a->host_pa_bits > 0 && !cpu_not_judged(a)) {
		prom_head(out, "kvm_ipa_host_pa_size",
			  "The CPU's physical address size in address bits; no sample when "
			  "unknown.");
		fprintf(out, "kvm_ipa_host_pa_size %d\n", a->host_pa_bits);
	}
	prom_head(out, "kvm_ipa_kernel_behaviour",
		  "Type-0 behaviour of the kernel (1 for the one that applies).");
	fprintf(out, "kvm_ipa_kernel_behaviour{behaviour=\"%s\",measured=\"%d\"} 1\n",
		kernel_behaviour_name(a->behaviour), a->behaviour_measured);
	if (obs->probed && !probes_not_judged(a) && size_measured(&obs->default_vm)) {
		prom_head(out, "kvm_ipa_default_vm_ok",
			  "1 if KVM_CREATE_VM(0) created a VM, 0 if KVM refused it.");
		fprintf(out, "kvm_ipa_default_vm_ok %d\n", obs->default_vm.result == PR_CREATED);
	}
	if (!probes_not_judged(a))
		prom_sizes(out, obs);
	if (obs->probed && !probes_not_judged(a) && obs->run.result != RUN_SKIPPED &&
	    obs->run.result != RUN_NOT_RUN) {
		prom_head(out, "kvm_ipa_vcpu_run_ok", "1 if one guest instruction exited to MMIO.");
		fprintf(out, "kvm_ipa_vcpu_run_ok %d\n", run_reached_mmio(&obs->run));
	}
	if (a->max_guest_ram) {
		prom_head(out, "kvm_ipa_max_guest_ram_bytes",
			  "Largest guest RAM that fits above 2 GiB.");
		fprintf(out, "kvm_ipa_max_guest_ram_bytes %llu\n",
			(unsigned long long)a->max_guest_ram);
	}
	prom_vmms(out, a);
	if (obs->probed) { /* JSON's probes.elapsed_ms is null: nothing was timed */
		prom_head(out, "kvm_ipa_probe_duration_seconds",
			  "Time spent probing /dev/kvm; no sample when it was not probed.");
		fprintf(out, "kvm_ipa_probe_duration_seconds %.3f\n",
			(double)obs->elapsed_ms / 1000.0);
	}
}

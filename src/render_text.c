// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text report: a summary for a person. One line per finding, each a
 * label, a mark (PASS WARN FAIL NOTE SKIP) and what was seen; --verbose adds
 * the evidence table and every IPA size and memslot probed. Sections follow
 * the stages: host facts, /dev/kvm and the module, the probes, the
 * assessment, the VMMs, notes, then the verdict. The JSON document
 * (render_json.c) lists everything; this one leaves out what says nothing.
 */
#include <stdint.h>
#include <string.h>

#include "cpuid_arm.h"
#include "render.h"

#define LABEL_WIDTH 34

#define COLOR_GREEN   "\033[32m"
#define COLOR_YELLOW  "\033[33m"
#define COLOR_RED     "\033[31m"
#define COLOR_MAGENTA "\033[35m"
#define COLOR_CYAN    "\033[36m"
#define COLOR_DIM     "\033[2m"
#define COLOR_RESET   "\033[0m"

struct text {
	FILE *f;
	bool color;
	bool verbose;
};

enum mark { MARK_PASS, MARK_WARN, MARK_FAIL, MARK_NOTE, MARK_SKIP };

static void label(const struct text *t, const char *l)
{
	fprintf(t->f, "  %-*s: ", LABEL_WIDTH, l);
}

static void mark(const struct text *t, enum mark m)
{
	static const char *const words[] = { "PASS", "WARN", "FAIL", "NOTE", "SKIP" };
	static const char *const colors[] = { COLOR_GREEN, COLOR_YELLOW, COLOR_RED, COLOR_CYAN,
					      COLOR_DIM };

	if (t->color)
		fprintf(t->f, "%s%s" COLOR_RESET " ", colors[m], words[m]);
	else
		fprintf(t->f, "%s ", words[m]);
}

/* A word in capitals, coloured when colour is on: VMM verdicts and the status. */
static void word(const struct text *t, const char *color, const char *w)
{
	if (t->color)
		fputs(color, t->f);
	fput_upper(w, t->f);
	if (t->color)
		fputs(COLOR_RESET, t->f);
}

static const char *errno_text(int err)
{
	const char *name = errno_name(err);

	return name ? name : "-";
}

/* ---- host facts ---- */

static void text_cpus(const struct text *t, const struct host_facts *f)
{
	uint32_t midrs[KIC_MAX_CPUS];
	struct cpu_cluster cl[16];
	int n = 0, ncl;

	for (int i = 0; i < f->ncpus; i++)
		if (f->cpus[i].midr_valid)
			midrs[n++] = f->cpus[i].midr;
	ncl = cpu_summary(midrs, n, cl, 16);
	for (int i = 0; i < ncl; i++) {
		const char *imp = arm_implementer_name(cl[i].implementer);
		const char *part = arm_part_name(cl[i].implementer, cl[i].partnum);

		label(t, i ? "" : "CPUs");
		fprintf(t->f, "%d x %s %s (MIDR 0x%08x)", cl[i].count, imp ? imp : "unknown",
			part ? part : "unknown part", cl[i].midr);
		if (cl[i].pa_bits > 0)
			fprintf(t->f, ", documented PA %d bits", cl[i].pa_bits);
		fputc('\n', t->f);
	}
	if (!ncl && f->ncpus) {
		label(t, "CPUs");
		fprintf(t->f, "%d\n", f->ncpus);
	}
}

static void text_host(const struct text *t, const struct host_facts *f, const struct assessment *a)
{
	if (f->arch == ARCH_ARM64)
		text_cpus(t, f);
	label(t, "Host physical address size");
	if (a->host_pa_bits)
		fprintf(t->f, "%d bits\n", a->host_pa_bits);
	else
		fputs("unknown\n", t->f);
	if (f->ram_top) {
		label(t, "Top of RAM");
		fprintf(t->f, "0x%llx (%d bits)\n", (unsigned long long)f->ram_top,
			bits_for_top(f->ram_top));
	}
	if (f->log_ipa_limit.state == IPA_KNOWN) {
		label(t, "Kernel log IPA limit");
		fprintf(t->f, "%d bits%s\n", f->log_ipa_limit.bits,
			f->log_default_warned ? ", \"upgrade your VMM\" logged" : "");
	}
	if (!t->verbose)
		return;
	for (int i = 0; i < a->nevidence; i++) {
		const struct pa_evidence *e = &a->evidence[i];

		fprintf(t->f, "  %-*s: %d bits (%s)\n", LABEL_WIDTH, pa_source_name(e->source),
			e->bits, e->detail);
	}
}

/* ---- /dev/kvm and the module ---- */

static void text_device(const struct text *t, const struct host_facts *f)
{
	if (!f->dev_known)
		return; /* a copied tree has no /dev */
	label(t, "/dev/kvm");
	if (!f->dev_present) {
		mark(t, MARK_FAIL);
		fputs(f->kvm_registered ? "missing (KVM is running: sysfs has misc/kvm)\n"
					: "missing\n",
		      t->f);
		return;
	}
	if (f->dev_not_kvm) {
		mark(t, MARK_FAIL);
		fprintf(t->f, "not the KVM device: %u:%u, KVM's is the character device %d:%d\n",
			f->dev_major, f->dev_minor, KIC_KVM_MAJOR, KIC_KVM_MINOR);
		return;
	}
	mark(t, f->dev_accessible ? MARK_PASS : MARK_FAIL);
	fprintf(t->f, "mode %04o %s%s%s\n", f->dev_mode, f->dev_group_is_gid ? "" : "group ",
		f->dev_group, f->dev_accessible ? "" : ", not accessible to this user");
}

static void text_kvm(const struct text *t, const struct host_facts *f, const struct kvm_obs *obs)
{
	text_device(t, f);
	if (f->nmodules) {
		label(t, "KVM module");
		for (int i = 0; i < f->nmodules; i++) {
			const struct kvm_module *m = &f->modules[i];

			fprintf(t->f, "%s%s %s", i ? ", " : "", m->name, mod_state_name(m->state));
			if (m->params[0])
				fprintf(t->f, " (%s)", m->params);
		}
		fputc('\n', t->f);
	}
	if (!obs->probed)
		return;
	label(t, "KVM API version");
	if (obs->api_version >= 0)
		fprintf(t->f, "%d\n", obs->api_version);
	else
		fprintf(t->f, "unknown (KVM_GET_API_VERSION failed: %s)\n",
			errno_text(-obs->api_version));
	if (f->arch == ARCH_ARM64) {
		label(t, "IPA size limit (KVM)");
		if (obs->ipa_limit.state == IPA_KNOWN)
			fprintf(t->f, "%d bits\n", obs->ipa_limit.bits);
		else if (obs->ipa_limit.state == IPA_ABSENT)
			fputs("capability absent (0)\n", t->f);
		else
			fputs("unknown (the query failed)\n", t->f);
	}
	if (f->arch == ARCH_X86_64) {
		label(t, "Guest physical bits (CPUID)");
		if (obs->cpuid_phys_bits > 0)
			fprintf(t->f, "%d\n", obs->cpuid_phys_bits);
		else if (obs->cpuid_err)
			fprintf(t->f, "unknown (KVM_GET_SUPPORTED_CPUID failed: %s)\n",
				errno_text(obs->cpuid_err));
		else
			fputs("unknown (leaf 0x80000008 not reported)\n", t->f);
	}
}

/* ---- the probes ---- */

static void text_default_vm(const struct text *t, const struct host_facts *f,
			    const struct kvm_obs *obs, const struct assessment *a)
{
	const struct ipa_probe *d = &obs->default_vm;
	/* A predicted behaviour (what-if) is not what this host's probe is marked against. */
	bool noted = a->what_if && !a->behaviour_measured;

	label(t, f->arch == ARCH_ARM64 ? "Default VM (type 0 = 40 bits)" : "Default VM (type 0)");
	if (d->result == PR_CREATED) {
		if (a->behaviour == KB_DEFAULT_FITS || a->behaviour == KB_NOT_APPLICABLE ||
		    f->arch != ARCH_ARM64)
			mark(t, MARK_PASS);
		else
			mark(t, noted ? MARK_NOTE : MARK_FAIL);
		fputs("created\n", t->f);
	} else if (d->result == PR_REJECTED) {
		mark(t, a->behaviour == KB_DEFAULT_REJECTED || noted ? MARK_WARN : MARK_FAIL);
		fprintf(t->f, "refused with %s\n", errno_text(d->err));
	} else {
		mark(t, MARK_SKIP);
		fputs(a->default_probe_skipped ? "not probed (--no-default-probe)\n"
					       : "not probed\n",
		      t->f);
	}
}

/* "32-36 bits created, 37 refused with EINVAL"; WARN if a size within the limit failed. */
static void text_ipa_sizes(const struct text *t, const struct kvm_obs *obs)
{
	int lo = 0, hi = 0, nbad = 0;

	for (int i = 0; i < obs->nipa; i++) {
		const struct ipa_probe *p = &obs->ipa[i];

		if (p->result == PR_CREATED) {
			if (!lo)
				lo = p->bits;
			hi = p->bits;
		} else if (p->bits <= ipa_bits(obs->ipa_limit)) {
			nbad++;
		}
		if (t->verbose)
			fprintf(t->f, "    %d bits: %s%s%s\n", p->bits,
				probe_result_name(p->result), p->err ? " " : "",
				p->err ? errno_text(p->err) : "");
	}
	if (!obs->nipa)
		return;
	label(t, "Explicit IPA sizes");
	mark(t, nbad ? MARK_WARN : MARK_PASS);
	if (lo && lo < hi)
		fprintf(t->f, "%d-%d bits created", lo, hi);
	else if (lo)
		fprintf(t->f, "%d bits created", lo);
	else
		fputs("none created", t->f);
	for (int i = 0; i < obs->nipa; i++)
		if (obs->ipa[i].bits > ipa_bits(obs->ipa_limit) &&
		    obs->ipa[i].result == PR_REJECTED)
			fprintf(t->f, ", %d refused with %s", obs->ipa[i].bits,
				errno_text(obs->ipa[i].err));
	fputc('\n', t->f);
}

static void text_slots(const struct text *t, const struct kvm_obs *obs)
{
	int acc = 0;

	for (int i = 0; i < obs->nslots; i++) {
		const struct slot_probe *s = &obs->slots[i];

		acc += s->result == SLOT_ACCEPTED;
		if (t->verbose)
			fprintf(t->f, "    VM %2d bits%s 0x%012llx+0x%llx: %-8s %-6s %s\n",
				s->vm_bits, s->vm_bits ? "" : " (type 0)",
				(unsigned long long)s->gpa, (unsigned long long)s->size,
				slot_result_name(s->result), s->err ? errno_text(s->err) : "",
				s->why);
	}
	if (!obs->nslots)
		return;
	label(t, "Memslots at VMM addresses");
	mark(t, MARK_NOTE);
	fprintf(t->f, "%d accepted, %d refused%s\n", acc, obs->nslots - acc,
		t->verbose ? "" : " (--verbose lists them)");
}

static void text_run(const struct text *t, const struct vcpu_run *r)
{
	label(t, "vCPU run (one guest store)");
	switch (r->result) {
	case RUN_EXITED:
		mark(t, run_reached_mmio(r) ? MARK_PASS : MARK_WARN);
		fprintf(t->f, "%s exit after %ld ms\n", exit_reason_name(r->exit_reason),
			r->elapsed_ms);
		break;
	case RUN_HANG:
		mark(t, MARK_FAIL);
		fprintf(t->f, "hang: %s\n", r->detail);
		break;
	case RUN_ERROR:
		mark(t, MARK_WARN);
		fprintf(t->f, "%s\n", r->detail);
		break;
	default:
		mark(t, MARK_SKIP);
		fputs("not run\n", t->f);
	}
}

static void text_probes(const struct text *t, const struct host_facts *f, const struct kvm_obs *obs,
			const struct assessment *a)
{
	if (!obs->probed) {
		if (obs->skip_reason[0]) {
			label(t, "KVM probes");
			mark(t, MARK_SKIP);
			fprintf(t->f, "%s\n", obs->skip_reason);
		}
		return;
	}
	text_default_vm(t, f, obs, a);
	text_ipa_sizes(t, obs);
	text_slots(t, obs);
	text_run(t, &obs->run);
	if (obs->incomplete) {
		label(t, "Probes");
		mark(t, MARK_WARN);
		fprintf(t->f, "INCOMPLETE: %s\n", obs->incomplete_reason);
	}
}

/* ---- the assessment and the VMMs ---- */

static const char *behaviour_source(const struct assessment *a)
{
	if (a->behaviour_measured)
		return "measured";
	return a->whatif_ipa_limit.state == IPA_KNOWN || a->whatif_kernel[0] ? "predicted"
									     : "not measured";
}

static void text_assessment(const struct text *t, const struct assessment *a)
{
	if (a->what_if) {
		label(t, "Judged (what-if)");
		fprintf(t->f, "%s\n", a->judged_host);
	}
	label(t, "Kernel behaviour for type 0");
	if (a->behaviour == KB_NOT_APPLICABLE)
		fprintf(t->f, "%s (%s)\n", kernel_behaviour_name(a->behaviour), a->behaviour_basis);
	else
		fprintf(t->f, "%s (%s: %s)\n", kernel_behaviour_name(a->behaviour),
			behaviour_source(a), a->behaviour_basis);
	if (a->max_guest_ram) {
		label(t, "Largest guest RAM (2 GiB base)");
		fprintf(t->f, "%llu bytes (%llu GiB)\n", (unsigned long long)a->max_guest_ram,
			(unsigned long long)(a->max_guest_ram >> 30));
	}
	if (a->log_warning_spent) {
		label(t, "Kernel warning");
		mark(t, MARK_NOTE);
		fputs("the type-0 probe used up this boot's one \"upgrade your VMM\" line "
		      "(pr_warn_once); use --no-default-probe to keep it\n",
		      t->f);
	}
}

static void text_vmms(const struct text *t, const struct assessment *a)
{
	static const char *const colors[] = { [VV_WORKS] = COLOR_GREEN,
					      [VV_LIMITED] = COLOR_YELLOW,
					      [VV_UNKNOWN] = COLOR_MAGENTA,
					      [VV_FAILS] = COLOR_RED,
					      [VV_HANGS] = COLOR_RED };

	if (a->nvmms)
		fputs("VMMs:\n", t->f);
	for (int i = 0; i < a->nvmms; i++) {
		const struct vmm_result *v = &a->vmms[i];
		char lbl[128];

		snprintf(lbl, sizeof(lbl), "%s %s%s", v->name, vmm_version_text(v),
			 v->what_if ? " [what-if]" : "");
		label(t, lbl);
		word(t, colors[v->verdict], vmm_verdict_name(v->verdict));
		fprintf(t->f, " %s\n", v->reason);
		if (v->fix[0])
			fprintf(t->f, "  %-*s  fix: %s\n", LABEL_WIDTH, "", v->fix);
	}
}

static void text_list(const struct text *t, const char *title, const char *item, size_t size, int n)
{
	if (n)
		fprintf(t->f, "%s:\n", title);
	for (int i = 0; i < n; i++)
		fprintf(t->f, "  - %s\n", item + (size_t)i * size);
}

/* ---- the verdict ---- */

/* "STATUS: summary", the status coloured when colour is on; all --quiet prints. */
static void verdict_line(const struct text *t, const struct assessment *a)
{
	static const char *const colors[] = { [ST_OK] = COLOR_GREEN,
					      [ST_WARNING] = COLOR_YELLOW,
					      [ST_CRITICAL] = COLOR_RED,
					      [ST_UNKNOWN] = COLOR_MAGENTA };

	word(t, colors[a->status], kic_status_name(a->status));
	fprintf(t->f, ": %s\n", a->summary);
}

static void text_verdict(const struct text *t, const struct assessment *a)
{
	text_list(t, "Findings", a->findings[0], sizeof(a->findings[0]), a->nfindings);
	verdict_line(t, a);
	/* With VMMs listed, their lines say what these two say in general. */
	if (a->default_vmm[0] && a->nvmms == 0)
		fprintf(t->f, "  %s.\n", a->default_vmm);
	if (a->sized_vmm[0] && a->nvmms == 0)
		fprintf(t->f, "  %s.\n", a->sized_vmm);
	if (a->fix[0])
		fprintf(t->f, "  Fix: %s.\n", a->fix);
	if (a->what_if)
		fputs("  (what-if options given: what is marked \"predicted\" comes from "
		      "them, not from this host)\n",
		      t->f);
}

void render_text(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a)
{
	const struct text t = { .f = out, .color = o->color, .verbose = o->verbose };

	fprintf(out, "kvm-ipa-check %s: %s host, kernel %s%s\n", o->version, kic_arch_name(f->arch),
		f->kernel_release[0] ? f->kernel_release : "unknown",
		f->live ? "" : " (offline tree)");
	text_host(&t, f, a);
	text_kvm(&t, f, obs);
	text_probes(&t, f, obs, a);
	text_assessment(&t, a);
	text_vmms(&t, a);
	if (o->map || o->verbose)
		render_map(out, o->color, a);
	text_list(&t, "Notes", f->notes[0], sizeof(f->notes[0]), f->nnotes);
	text_verdict(&t, a);
}

/* --quiet: the verdict line alone, coloured as in the full report (--color). */
void render_text_quiet(FILE *out, bool color, const struct assessment *a)
{
	const struct text t = { .f = out, .color = color };

	verdict_line(&t, a);
}

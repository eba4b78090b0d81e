// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON document: every fact, every probe and the whole assessment, for
 * machines (schema in man/kvm-ipa-check.1, KIC_SCHEMA_VERSION). Unlike the
 * text report nothing is left out: a figure that is unknown is null, a list
 * with nothing in it is []. Key order is part of the output (golden files).
 */
#include <stdint.h>

#include "cpuid_arm.h"
#include "json_writer.h"
#include "render.h"

static const char *nonempty(const char *s)
{
	return s[0] ? s : NULL;
}

/* A figure that may be unknown: its value when known, else null. */
static void json_int_or_null(struct json_writer *jw, const char *name, bool known, long long v)
{
	if (known)
		jsonw_int_field(jw, name, v);
	else
		jsonw_null_field(jw, name);
}

static void json_uint_or_null(struct json_writer *jw, const char *name, bool known,
			      unsigned long long v)
{
	if (known)
		jsonw_uint_field(jw, name, v);
	else
		jsonw_null_field(jw, name);
}

static void json_hex_or_null(struct json_writer *jw, const char *name, bool known,
			     unsigned long long v)
{
	if (known)
		jsonw_hex_field(jw, name, v);
	else
		jsonw_null_field(jw, name);
}

/* ---- host facts ---- */

static void json_cpu(struct json_writer *jw, const struct cpu_info *c)
{
	struct midr m;
	int pa_bits;

	jsonw_start_object(jw);
	jsonw_int_field(jw, "cpu", c->index);
	if (!c->midr_valid) {
		jsonw_null_field(jw, "midr");
		jsonw_null_field(jw, "implementer");
		jsonw_null_field(jw, "part");
		jsonw_null_field(jw, "pa_bits");
		jsonw_end_object(jw);
		return;
	}
	midr_decode(c->midr, &m);
	pa_bits = arm_part_pa_bits(m.implementer, m.partnum);
	jsonw_hex_field(jw, "midr", c->midr);
	jsonw_string_field(jw, "implementer", arm_implementer_name(m.implementer));
	jsonw_string_field(jw, "part", arm_part_name(m.implementer, m.partnum));
	json_int_or_null(jw, "pa_bits", pa_bits > 0, pa_bits);
	jsonw_end_object(jw);
}

static void json_evidence(struct json_writer *jw, const struct assessment *a)
{
	jsonw_name(jw, "evidence");
	jsonw_start_array(jw);
	for (int i = 0; i < a->nevidence; i++) {
		const struct pa_evidence *e = &a->evidence[i];

		jsonw_start_object(jw);
		jsonw_string_field(jw, "source", pa_source_name(e->source));
		jsonw_int_field(jw, "bits", e->bits);
		jsonw_string_field(jw, "detail", e->detail);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
}

static void json_host(struct json_writer *jw, const struct host_facts *f,
		      const struct assessment *a)
{
	jsonw_name(jw, "host");
	jsonw_start_object(jw);
	jsonw_string_field(jw, "arch", kic_arch_name(f->arch));
	jsonw_string_field(jw, "kernel_release", f->kernel_release);
	jsonw_bool_field(jw, "live", f->live);
	jsonw_string_field(jw, "kvm_arm_mode", nonempty(f->kvm_arm_mode));
	jsonw_name(jw, "cpus");
	jsonw_start_array(jw);
	for (int i = 0; i < f->ncpus; i++)
		json_cpu(jw, &f->cpus[i]);
	jsonw_end_array(jw);
	json_int_or_null(jw, "pa_bits", a->host_pa_bits > 0, a->host_pa_bits);
	json_hex_or_null(jw, "ram_top", f->ram_top != 0, f->ram_top);
	json_int_or_null(jw, "log_ipa_limit", f->log_ipa_limit.state == IPA_KNOWN,
			 f->log_ipa_limit.bits);
	jsonw_string_field(jw, "log_default_warning_comm",
			   f->log_default_warned ? f->log_default_comm : NULL);
	json_evidence(jw, a);
	jsonw_name(jw, "notes");
	jsonw_start_array(jw);
	for (int i = 0; i < f->nnotes; i++)
		jsonw_string(jw, f->notes[i]);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

/* ---- /dev/kvm, the module, KVM's capabilities ---- */

static void json_bool_or_null(struct json_writer *jw, const char *name, bool known, bool v)
{
	if (known)
		jsonw_bool_field(jw, name, v);
	else
		jsonw_null_field(jw, name);
}

static void json_device(struct json_writer *jw, const struct host_facts *f)
{
	char mode[16], number[24];

	jsonw_name(jw, "device");
	jsonw_start_object(jw);
	if (!f->dev_known) { /* a copied tree has no /dev */
		jsonw_null_field(jw, "present");
		jsonw_null_field(jw, "accessible");
		jsonw_null_field(jw, "mode");
		jsonw_null_field(jw, "group");
		jsonw_null_field(jw, "number");
		jsonw_null_field(jw, "is_kvm");
		jsonw_null_field(jw, "kvm_registered");
		jsonw_end_object(jw);
		return;
	}
	snprintf(mode, sizeof(mode), "%04o", f->dev_mode);
	snprintf(number, sizeof(number), "%u:%u", f->dev_major, f->dev_minor);
	jsonw_bool_field(jw, "present", f->dev_present);
	jsonw_bool_field(jw, "accessible", f->dev_accessible);
	jsonw_string_field(jw, "mode", f->dev_present ? mode : NULL);
	/* a name only: a gid whose name was not found is no group name */
	jsonw_string_field(jw, "group",
			   f->dev_present && !f->dev_group_is_gid ? f->dev_group : NULL);
	jsonw_string_field(jw, "number", f->dev_present && f->dev_number_known ? number : NULL);
	json_bool_or_null(jw, "is_kvm", f->dev_present && f->dev_number_known, !f->dev_not_kvm);
	json_bool_or_null(jw, "kvm_registered", f->kvm_registered_known, f->kvm_registered);
	jsonw_end_object(jw);
}

static void json_module(struct json_writer *jw, const struct kvm_module *m)
{
	jsonw_start_object(jw);
	jsonw_string_field(jw, "name", m->name);
	jsonw_string_field(jw, "state", mod_state_name(m->state));
	jsonw_string_field(jw, "parameters", m->params);
	jsonw_end_object(jw);
}

static void json_kvm(struct json_writer *jw, const struct host_facts *f, const struct kvm_obs *obs)
{
	jsonw_name(jw, "kvm");
	jsonw_start_object(jw);
	json_device(jw, f);
	/* "module": the first one (kvm itself); "modules": all of them. */
	jsonw_name(jw, "module");
	if (f->nmodules)
		json_module(jw, &f->modules[0]);
	else
		jsonw_null(jw);
	jsonw_name(jw, "modules");
	jsonw_start_array(jw);
	for (int i = 0; i < f->nmodules; i++)
		json_module(jw, &f->modules[i]);
	jsonw_end_array(jw);
	/* Every key is always there: what was not measured is null. */
	if (!obs->probed) {
		jsonw_null_field(jw, "api_version");
		jsonw_null_field(jw, "ipa_limit");
		jsonw_null_field(jw, "nr_memslots");
		jsonw_null_field(jw, "max_vcpus");
		jsonw_null_field(jw, "vm_types");
		jsonw_null_field(jw, "cpuid_phys_bits");
		jsonw_end_object(jw);
		return;
	}
	/* A failed query is unknown (null; probes.incomplete_reason names the errno). */
	json_int_or_null(jw, "api_version", obs->api_version >= 0, obs->api_version);
	/* 0: the capability is absent; a failed query is unknown, not absent */
	json_int_or_null(jw, "ipa_limit", obs->ipa_limit.state != IPA_UNKNOWN,
			 ipa_bits(obs->ipa_limit));
	json_int_or_null(jw, "nr_memslots", obs->nr_memslots >= 0, obs->nr_memslots);
	json_int_or_null(jw, "max_vcpus", obs->max_vcpus >= 0, obs->max_vcpus);
	json_int_or_null(jw, "vm_types", f->arch == ARCH_X86_64 && obs->vm_types >= 0,
			 obs->vm_types);
	json_int_or_null(jw, "cpuid_phys_bits", f->arch == ARCH_X86_64 && obs->cpuid_phys_bits > 0,
			 obs->cpuid_phys_bits);
	jsonw_end_object(jw);
}

/* ---- the probes ---- */

static void json_ipa_probe(struct json_writer *jw, const struct ipa_probe *p, bool with_bits)
{
	jsonw_start_object(jw);
	if (with_bits)
		jsonw_int_field(jw, "bits", p->bits);
	jsonw_string_field(jw, "result", probe_result_name(p->result));
	jsonw_string_field(jw, "errno", p->err ? errno_name(p->err) : NULL);
	jsonw_end_object(jw);
}

static void json_slot(struct json_writer *jw, const struct slot_probe *s)
{
	jsonw_start_object(jw);
	jsonw_int_field(jw, "vm_bits", s->vm_bits);
	jsonw_hex_field(jw, "gpa", s->gpa);
	jsonw_hex_field(jw, "size", s->size);
	jsonw_string_field(jw, "result", slot_result_name(s->result));
	jsonw_string_field(jw, "errno", s->err ? errno_name(s->err) : NULL);
	jsonw_string_field(jw, "why", s->why);
	jsonw_end_object(jw);
}

static void json_run(struct json_writer *jw, const struct vcpu_run *r)
{
	jsonw_name(jw, "vcpu_run");
	jsonw_start_object(jw);
	jsonw_string_field(jw, "result", run_result_name(r->result));
	jsonw_string_field(jw, "exit_reason",
			   r->result == RUN_EXITED ? exit_reason_name(r->exit_reason) : NULL);
	jsonw_int_field(jw, "elapsed_ms", r->elapsed_ms);
	jsonw_int_field(jw, "vm_bits", r->vm_bits);
	jsonw_string_field(jw, "detail", nonempty(r->detail));
	jsonw_end_object(jw);
}

static void json_probes(struct json_writer *jw, const struct kvm_obs *obs)
{
	jsonw_name(jw, "probes");
	jsonw_start_object(jw);
	jsonw_bool_field(jw, "run", obs->probed);
	/* Every key is always there: a probe that did not run is null or []. */
	jsonw_string_field(jw, "skipped_reason", obs->probed ? NULL : obs->skip_reason);
	jsonw_name(jw, "default_vm");
	if (obs->probed)
		json_ipa_probe(jw, &obs->default_vm, false);
	else
		jsonw_null(jw);
	jsonw_name(jw, "ipa_sizes");
	jsonw_start_array(jw);
	for (int i = 0; i < obs->nipa; i++)
		json_ipa_probe(jw, &obs->ipa[i], true);
	jsonw_end_array(jw);
	jsonw_name(jw, "memslots");
	jsonw_start_array(jw);
	for (int i = 0; i < obs->nslots; i++)
		json_slot(jw, &obs->slots[i]);
	jsonw_end_array(jw);
	if (obs->probed)
		json_run(jw, &obs->run);
	else
		jsonw_null_field(jw, "vcpu_run");
	jsonw_bool_field(jw, "incomplete", obs->incomplete);
	jsonw_string_field(jw, "incomplete_reason",
			   obs->incomplete ? obs->incomplete_reason : NULL);
	json_int_or_null(jw, "elapsed_ms", obs->probed, obs->elapsed_ms);
	jsonw_end_object(jw);
}

/* ---- the assessment ---- */

/* Which host a what-if verdict is about; null without what-if options. */
static void json_whatif(struct json_writer *jw, const struct assessment *a)
{
	if (!a->what_if) {
		jsonw_null_field(jw, "what_if");
		return;
	}
	jsonw_name(jw, "what_if");
	jsonw_start_object(jw);
	jsonw_string_field(jw, "arch", kic_arch_name(a->judged_arch));
	jsonw_bool_field(jw, "other_host", a->other_host);
	json_int_or_null(jw, "ipa_limit", a->whatif_ipa_limit.state == IPA_KNOWN,
			 a->whatif_ipa_limit.bits);
	jsonw_string_field(jw, "kernel", nonempty(a->whatif_kernel));
	jsonw_string_field(jw, "judged_host", a->judged_host);
	jsonw_end_object(jw);
}

static void json_assessment(struct json_writer *jw, const struct assessment *a)
{
	json_whatif(jw, a);
	jsonw_string_field(jw, "kernel_behaviour", kernel_behaviour_name(a->behaviour));
	jsonw_bool_field(jw, "kernel_behaviour_measured", a->behaviour_measured);
	jsonw_string_field(jw, "kernel_behaviour_basis", a->behaviour_basis);
	json_int_or_null(jw, "assessed_ipa_limit", a->ipa_limit.state == IPA_KNOWN,
			 a->ipa_limit.bits);
	json_uint_or_null(jw, "max_guest_ram", a->max_guest_ram != 0, a->max_guest_ram);
	jsonw_bool_field(jw, "log_warning_spent", a->log_warning_spent);
}

/* The memory map the verdict was judged on (vmm.c), what --map draws. */
static void json_regions(struct json_writer *jw, const struct vmm_result *v)
{
	json_int_or_null(jw, "map_ipa_bits", v->map_bits > 0, v->map_bits);
	json_int_or_null(jw, "vm_ipa_bits", v->vm_bits > 0, v->vm_bits);
	jsonw_name(jw, "regions");
	jsonw_start_array(jw);
	for (int i = 0; i < v->nregions; i++) {
		const struct vmm_map_region *g = &v->regions[i];

		jsonw_start_object(jw);
		jsonw_string_field(jw, "name", g->name);
		jsonw_string_field(jw, "description", g->what);
		jsonw_uint_field(jw, "base", g->base);
		jsonw_uint_field(jw, "size", g->size);
		jsonw_bool_field(jw, "ram", g->ram);
		jsonw_bool_field(jw, "opt_in", g->opt_in);
		jsonw_bool_field(jw, "beyond_limit", g->beyond);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
}

static void json_vmm(struct json_writer *jw, const struct vmm_result *v)
{
	jsonw_start_object(jw);
	jsonw_string_field(jw, "name", v->name);
	jsonw_string_field(jw, "version", nonempty(v->version));
	jsonw_string_field(jw, "path", nonempty(v->path));
	jsonw_string_field(jw, "verdict", vmm_verdict_name(v->verdict));
	jsonw_string_field(jw, "reason", v->reason);
	jsonw_string_field(jw, "fix", nonempty(v->fix));
	jsonw_bool_field(jw, "what_if", v->what_if);
	json_uint_or_null(jw, "max_guest_ram", v->max_guest_ram != 0, v->max_guest_ram);
	json_regions(jw, v);
	jsonw_end_object(jw);
}

static void json_verdict(struct json_writer *jw, const struct assessment *a)
{
	jsonw_name(jw, "verdict");
	jsonw_start_object(jw);
	jsonw_string_field(jw, "status", kic_status_name(a->status));
	jsonw_string_field(jw, "summary", a->summary);
	jsonw_string_field(jw, "default_vmms", nonempty(a->default_vmm));
	jsonw_string_field(jw, "sized_vmms", nonempty(a->sized_vmm));
	jsonw_string_field(jw, "fix", nonempty(a->fix));
	jsonw_name(jw, "findings");
	jsonw_start_array(jw);
	for (int i = 0; i < a->nfindings; i++)
		jsonw_string(jw, a->findings[i]);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

void render_json(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a)
{
	struct json_writer jw;

	jsonw_init(&jw, out);
	jsonw_start_object(&jw);
	jsonw_int_field(&jw, "schema_version", KIC_SCHEMA_VERSION);
	jsonw_string_field(&jw, "tool_version", o->version);
	json_host(&jw, f, a);
	json_kvm(&jw, f, obs);
	json_probes(&jw, obs);
	json_assessment(&jw, a);
	jsonw_name(&jw, "vmms");
	jsonw_start_array(&jw);
	for (int i = 0; i < a->nvmms; i++)
		json_vmm(&jw, &a->vmms[i]);
	jsonw_end_array(&jw);
	json_verdict(&jw, a);
	jsonw_int_field(&jw, "exit_code", a->status);
	jsonw_end_object(&jw);
}

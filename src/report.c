// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * All output. Text and JSON come from the same print_*() calls: in text mode
 * the fmt is printed, in JSON mode the key and value. Nagios and Prometheus
 * are flat formats with their own small renderers at the end of this file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpuid_arm.h"
#include "report.h"

#define MAX_DEPTH   (PRINT_MAX_NEST + 2) /* the top object and one spare */
#define LABEL_WIDTH 34

static struct {
	FILE *f;
	bool json;
	int depth;
	bool first[MAX_DEPTH];
	bool in_array[MAX_DEPTH];
	bool color;
} W;

void print_begin(FILE *out, bool json)
{
	memset(&W, 0, sizeof(W));
	W.f = out;
	W.json = json;
	W.first[0] = true;
	if (json) {
		fputc('{', W.f);
		W.depth = 1;
		W.first[1] = true;
	}
}

void print_end(void)
{
	if (W.json)
		fputs("\n}\n", W.f);
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

static void json_key(const char *key)
{
	if (!W.first[W.depth])
		fputc(',', W.f);
	W.first[W.depth] = false;
	fprintf(W.f, "\n%*s", 2 * W.depth, "");
	if (key && !W.in_array[W.depth]) {
		fputc('"', W.f);
		json_escape(W.f, key);
		fputs("\": ", W.f);
	}
}

static void json_open(const char *key, char c, bool array)
{
	if (!W.json)
		return;
	json_key(key);
	fputc(c, W.f);
	if (W.depth >= PRINT_MAX_NEST + 1)
		abort(); /* a code bug, never input: see PRINT_MAX_NEST */
	W.depth++;
	W.first[W.depth] = true;
	W.in_array[W.depth] = array;
}

static void json_close(char c)
{
	if (!W.json)
		return;
	if (!W.first[W.depth])
		fprintf(W.f, "\n%*s", 2 * (W.depth - 1), "");
	fputc(c, W.f);
	if (W.depth > 1)
		W.depth--;
}

void open_json_object(const char *key)
{
	json_open(key, '{', false);
}

void close_json_object(void)
{
	json_close('}');
}

void open_json_array(const char *key)
{
	json_open(key, '[', true);
}

void close_json_array(void)
{
	json_close(']');
}

static bool want_text(enum print_mode m)
{
	return !W.json && m != PRINT_JSON;
}

static bool want_json(enum print_mode m)
{
	return W.json && m != PRINT_FP;
}

/*
 * The print_*() fmt arguments are string literals at every call site in this
 * file; like iproute2's json_print.c they pass through to fprintf().
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_string(enum print_mode m, const char *key, const char *fmt, const char *v)
{
	if (want_json(m)) {
		json_key(key);
		if (!v) {
			fputs("null", W.f);
			return;
		}
		fputc('"', W.f);
		json_escape(W.f, v);
		fputc('"', W.f);
	} else if (want_text(m) && fmt) {
		fprintf(W.f, fmt, v ? v : "-");
	}
}

void print_int(enum print_mode m, const char *key, const char *fmt, long long v)
{
	if (want_json(m)) {
		json_key(key);
		fprintf(W.f, "%lld", v);
	} else if (want_text(m) && fmt) {
		fprintf(W.f, fmt, v);
	}
}

void print_u64(enum print_mode m, const char *key, const char *fmt, unsigned long long v)
{
	if (want_json(m)) {
		json_key(key);
		fprintf(W.f, "%llu", v);
	} else if (want_text(m) && fmt) {
		fprintf(W.f, fmt, v);
	}
}

/* 64-bit addresses as "0x..." strings: JSON numbers lose precision past 2^53. */
void print_hex(enum print_mode m, const char *key, const char *fmt, unsigned long long v)
{
	if (want_json(m)) {
		json_key(key);
		fprintf(W.f, "\"0x%llx\"", v);
	} else if (want_text(m) && fmt) {
		fprintf(W.f, fmt, v);
	}
}

void print_bool(enum print_mode m, const char *key, const char *fmt, bool v)
{
	if (want_json(m)) {
		json_key(key);
		fputs(v ? "true" : "false", W.f);
	} else if (want_text(m) && fmt) {
		fprintf(W.f, fmt, v ? "yes" : "no");
	}
}

void print_null(enum print_mode m, const char *key, const char *fmt)
{
	if (want_json(m)) {
		json_key(key);
		fputs("null", W.f);
	} else if (want_text(m) && fmt) {
		fputs(fmt, W.f);
	}
}

#pragma GCC diagnostic pop

/* ---- text helpers ---- */

enum mark { MARK_PASS, MARK_WARN, MARK_FAIL, MARK_NOTE, MARK_SKIP };

static void label(const char *l)
{
	if (!W.json)
		fprintf(W.f, "  %-*s: ", LABEL_WIDTH, l);
}

static void mark(enum mark m)
{
	static const char *const words[] = { "PASS", "WARN", "FAIL", "NOTE", "SKIP" };
	static const char *const colors[] = { "\033[32m", "\033[33m", "\033[31m", "\033[36m",
					      "\033[2m" };

	if (W.json)
		return;
	if (W.color)
		fprintf(W.f, "%s%s\033[0m ", colors[m], words[m]);
	else
		fprintf(W.f, "%s ", words[m]);
}

static const char *errno_or_null(int err)
{
	return err ? errno_name(err) : NULL;
}

/* The monitoring-plugins spelling of a status, for text and Nagios. */
static const char *status_word(enum kic_status st)
{
	static const char *const words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	return (unsigned int)st < 4 ? words[st] : "UNKNOWN";
}

static const char *exit_reason_name(unsigned int r)
{
	switch (r) {
	case 2:
		return "io";
	case 5:
		return "hlt";
	case 6:
		return "mmio";
	case 8:
		return "shutdown";
	case 9:
		return "fail_entry";
	case 17:
		return "internal_error";
	case 24:
		return "system_event";
	default:
		return "unknown";
	}
}

static const char *mod_state_name(enum mod_state s)
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

static void report_cpus(const struct report_opts *o, const struct host_facts *f)
{
	uint32_t midrs[KIC_MAX_CPUS];
	struct cpu_cluster cl[16];
	int n = 0, ncl;

	open_json_array("cpus");
	for (int i = 0; i < f->ncpus; i++) {
		const struct cpu_info *c = &f->cpus[i];
		struct midr m;

		open_json_object(NULL);
		print_int(PRINT_JSON, "cpu", NULL, c->index);
		if (!c->midr_valid) {
			print_null(PRINT_JSON, "midr", NULL);
			close_json_object();
			continue;
		}
		midrs[n++] = c->midr;
		midr_decode(c->midr, &m);
		print_hex(PRINT_JSON, "midr", NULL, c->midr);
		print_string(PRINT_JSON, "implementer", NULL, arm_implementer_name(m.implementer));
		print_string(PRINT_JSON, "part", NULL, arm_part_name(m.implementer, m.partnum));
		if (arm_part_pa_bits(m.implementer, m.partnum) > 0)
			print_int(PRINT_JSON, "pa_bits", NULL,
				  arm_part_pa_bits(m.implementer, m.partnum));
		else
			print_null(PRINT_JSON, "pa_bits", NULL);
		close_json_object();
	}
	close_json_array();
	if (W.json)
		return;
	ncl = cpu_summary(midrs, n, cl, 16);
	for (int i = 0; i < ncl; i++) {
		const char *imp = arm_implementer_name(cl[i].implementer);
		const char *part = arm_part_name(cl[i].implementer, cl[i].partnum);

		label(i ? "" : "CPUs");
		fprintf(W.f, "%d x %s %s (MIDR 0x%08x)", cl[i].count, imp ? imp : "unknown",
			part ? part : "unknown part", cl[i].midr);
		if (cl[i].pa_bits > 0)
			fprintf(W.f, ", documented PA %d bits", cl[i].pa_bits);
		fputc('\n', W.f);
	}
	if (!ncl && f->ncpus) {
		label("CPUs");
		fprintf(W.f, "%d\n", f->ncpus);
	}
	(void)o;
}

static void report_evidence(const struct report_opts *o, const struct assessment *a)
{
	open_json_array("evidence");
	for (int i = 0; i < a->nevidence; i++) {
		const struct pa_evidence *e = &a->evidence[i];

		open_json_object(NULL);
		print_string(PRINT_JSON, "source", NULL, pa_source_name(e->source));
		print_int(PRINT_JSON, "bits", NULL, e->bits);
		print_string(PRINT_JSON, "detail", NULL, e->detail);
		close_json_object();
		if (o->verbose && !W.json)
			fprintf(W.f, "  %-*s: %d bits (%s)\n", LABEL_WIDTH,
				pa_source_name(e->source), e->bits, e->detail);
	}
	close_json_array();
}

static void report_host(const struct report_opts *o, const struct host_facts *f,
			const struct assessment *a)
{
	open_json_object("host");
	print_string(PRINT_JSON, "arch", NULL, kic_arch_name(f->arch));
	print_string(PRINT_JSON, "kernel_release", NULL, f->kernel_release);
	print_bool(PRINT_JSON, "live", NULL, f->live);
	print_string(PRINT_JSON, "kvm_arm_mode", NULL, f->kvm_arm_mode[0] ? f->kvm_arm_mode : NULL);
	if (f->arch == ARCH_ARM64 || W.json)
		report_cpus(o, f);
	label("Host physical address size");
	if (a->host_pa_bits)
		print_int(PRINT_ANY, "pa_bits", "%lld bits\n", a->host_pa_bits);
	else
		print_null(PRINT_ANY, "pa_bits", "unknown\n");
	if (f->ram_top) {
		label("Top of RAM");
		print_hex(PRINT_ANY, "ram_top", "0x%llx", f->ram_top);
		if (!W.json)
			fprintf(W.f, " (%d bits)\n", bits_for_top(f->ram_top));
	} else {
		print_null(PRINT_JSON, "ram_top", NULL);
	}
	if (f->log_ipa_limit) {
		label("Kernel log IPA limit");
		print_int(PRINT_ANY, "log_ipa_limit", "%lld bits", f->log_ipa_limit);
		if (!W.json)
			fprintf(W.f, "%s\n",
				f->log_default_warned ? ", \"upgrade your VMM\" logged" : "");
	}
	if (f->log_default_warned)
		print_string(PRINT_JSON, "log_default_warning_comm", NULL, f->log_default_comm);
	report_evidence(o, a);
	open_json_array("notes");
	for (int i = 0; i < f->nnotes; i++)
		print_string(PRINT_JSON, NULL, NULL, f->notes[i]);
	close_json_array();
	close_json_object();
}

static void report_module(const char *key, const struct kvm_module *m)
{
	open_json_object(key);
	print_string(PRINT_JSON, "name", NULL, m->name);
	print_string(PRINT_JSON, "state", NULL, mod_state_name(m->state));
	print_string(PRINT_JSON, "parameters", NULL, m->params);
	close_json_object();
}

static void report_device(const struct host_facts *f)
{
	char mode[16];

	open_json_object("device");
	if (!f->dev_known) {
		print_null(PRINT_JSON, "present", NULL);
		print_null(PRINT_JSON, "accessible", NULL);
		close_json_object();
		return;
	}
	snprintf(mode, sizeof(mode), "%04o", f->dev_mode);
	print_bool(PRINT_JSON, "present", NULL, f->dev_present);
	print_bool(PRINT_JSON, "accessible", NULL, f->dev_accessible);
	print_string(PRINT_JSON, "mode", NULL, f->dev_present ? mode : NULL);
	print_string(PRINT_JSON, "group", NULL, f->dev_present ? f->dev_group : NULL);
	close_json_object();
	if (W.json)
		return;
	label("/dev/kvm");
	if (!f->dev_present) {
		mark(MARK_FAIL);
		print_string(PRINT_FP, NULL, "%s\n", "missing");
	} else if (!f->dev_accessible) {
		mark(MARK_FAIL);
		fprintf(W.f, "mode %s group %s, not accessible to this user\n", mode, f->dev_group);
	} else {
		mark(MARK_PASS);
		fprintf(W.f, "mode %s group %s\n", mode, f->dev_group);
	}
}

static void report_kvm(const struct host_facts *f, const struct kvm_obs *obs)
{
	open_json_object("kvm");
	report_device(f);
	if (f->nmodules) {
		const struct kvm_module *m = &f->modules[0];

		label("KVM module");
		for (int i = 0; i < f->nmodules && !W.json; i++)
			fprintf(W.f, "%s%s %s%s%s%s", i ? ", " : "", f->modules[i].name,
				mod_state_name(f->modules[i].state),
				f->modules[i].params[0] ? " (" : "", f->modules[i].params,
				f->modules[i].params[0] ? ")" : "");
		if (!W.json)
			fputc('\n', W.f);
		report_module("module", m);
		open_json_array("modules");
		for (int i = 0; i < f->nmodules; i++)
			report_module(NULL, &f->modules[i]);
		close_json_array();
	} else {
		print_null(PRINT_JSON, "module", NULL);
	}
	if (!obs->probed) {
		print_null(PRINT_JSON, "api_version", NULL);
		print_null(PRINT_JSON, "ipa_limit", NULL);
		close_json_object();
		return;
	}
	label("KVM API version");
	print_int(PRINT_ANY, "api_version", "%lld\n", obs->api_version);
	if (f->arch == ARCH_ARM64 || W.json) {
		label("IPA size limit (KVM)");
		if (obs->ipa_limit > 0)
			print_int(PRINT_ANY, "ipa_limit", "%lld bits\n", obs->ipa_limit);
		else
			print_int(PRINT_ANY, "ipa_limit", "capability absent (%lld)\n", 0);
	}
	print_int(PRINT_JSON, "nr_memslots", NULL, obs->nr_memslots);
	print_int(PRINT_JSON, "max_vcpus", NULL, obs->max_vcpus);
	if (f->arch == ARCH_X86_64) {
		if (obs->vm_types >= 0)
			print_int(PRINT_JSON, "vm_types", NULL, obs->vm_types);
		label("Guest physical bits (CPUID)");
		print_int(PRINT_ANY, "cpuid_phys_bits", "%lld\n", obs->cpuid_phys_bits);
	}
	close_json_object();
}

static const char *ipa_result_name(enum probe_result r)
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

static const char *run_result_name(enum run_result r)
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

static void report_default_vm(const struct host_facts *f, const struct kvm_obs *obs,
			      const struct assessment *a)
{
	const struct ipa_probe *d = &obs->default_vm;

	open_json_object("default_vm");
	print_string(PRINT_JSON, "result", NULL, ipa_result_name(d->result));
	print_string(PRINT_JSON, "errno", NULL, errno_or_null(d->err));
	close_json_object();
	label(f->arch == ARCH_ARM64 ? "Default VM (type 0 = 40 bits)" : "Default VM (type 0)");
	if (d->result == PR_CREATED) {
		mark(a->behaviour == KB_DEFAULT_FITS || a->behaviour == KB_NOT_APPLICABLE
			     ? MARK_PASS
			     : MARK_FAIL);
		print_string(PRINT_FP, NULL, "%s\n", "created");
	} else if (d->result == PR_REJECTED) {
		mark(a->behaviour == KB_DEFAULT_REJECTED ? MARK_WARN : MARK_FAIL);
		print_string(PRINT_FP, NULL, "refused with %s\n", errno_name(d->err));
	} else {
		mark(MARK_SKIP);
		print_string(PRINT_FP, NULL, "%s\n",
			     a->default_probe_skipped ? "not probed (--no-default-probe)"
						      : "not probed");
	}
}

static void report_ipa_sizes(const struct report_opts *o, const struct kvm_obs *obs)
{
	int lo = 0, hi = 0, nbad = 0;

	open_json_array("ipa_sizes");
	for (int i = 0; i < obs->nipa; i++) {
		const struct ipa_probe *p = &obs->ipa[i];

		open_json_object(NULL);
		print_int(PRINT_JSON, "bits", NULL, p->bits);
		print_string(PRINT_JSON, "result", NULL, ipa_result_name(p->result));
		print_string(PRINT_JSON, "errno", NULL, errno_or_null(p->err));
		close_json_object();
		if (p->result == PR_CREATED) {
			if (!lo)
				lo = p->bits;
			hi = p->bits;
		} else if (p->bits <= obs->ipa_limit) {
			nbad++;
		}
		if (o->verbose && !W.json)
			fprintf(W.f, "    %d bits: %s%s%s\n", p->bits, ipa_result_name(p->result),
				p->err ? " " : "", p->err ? errno_name(p->err) : "");
	}
	close_json_array();
	if (W.json || !obs->nipa)
		return;
	label("Explicit IPA sizes");
	mark(nbad ? MARK_WARN : MARK_PASS);
	if (lo)
		fprintf(W.f, "%d-%d bits created", lo, hi);
	else
		fprintf(W.f, "none created");
	for (int i = 0; i < obs->nipa; i++)
		if (obs->ipa[i].bits > obs->ipa_limit && obs->ipa[i].result == PR_REJECTED)
			fprintf(W.f, ", %d refused with %s", obs->ipa[i].bits,
				errno_name(obs->ipa[i].err));
	fputc('\n', W.f);
}

static void report_slots(const struct report_opts *o, const struct kvm_obs *obs)
{
	int acc = 0, rej = 0;

	open_json_array("memslots");
	for (int i = 0; i < obs->nslots; i++) {
		const struct slot_probe *s = &obs->slots[i];

		open_json_object(NULL);
		print_int(PRINT_JSON, "vm_bits", NULL, s->vm_bits);
		print_hex(PRINT_JSON, "gpa", NULL, s->gpa);
		print_hex(PRINT_JSON, "size", NULL, s->size);
		print_string(PRINT_JSON, "result", NULL,
			     s->result == SLOT_ACCEPTED ? "accepted" : "rejected");
		print_string(PRINT_JSON, "errno", NULL, errno_or_null(s->err));
		print_string(PRINT_JSON, "why", NULL, s->why);
		close_json_object();
		if (s->result == SLOT_ACCEPTED)
			acc++;
		else
			rej++;
		if (o->verbose && !W.json)
			fprintf(W.f, "    VM %2d bits%s 0x%012llx+0x%llx: %-8s %-6s %s\n",
				s->vm_bits, s->vm_bits ? "" : " (type 0)",
				(unsigned long long)s->gpa, (unsigned long long)s->size,
				s->result == SLOT_ACCEPTED ? "accepted" : "rejected",
				s->err ? errno_name(s->err) : "", s->why);
	}
	close_json_array();
	if (!W.json && obs->nslots) {
		label("Memslots at VMM addresses");
		mark(MARK_NOTE);
		fprintf(W.f, "%d accepted, %d refused%s\n", acc, rej,
			o->verbose ? "" : " (--verbose lists them)");
	}
}

static void report_run(const struct kvm_obs *obs)
{
	const struct vcpu_run *r = &obs->run;

	open_json_object("vcpu_run");
	print_string(PRINT_JSON, "result", NULL, run_result_name(r->result));
	if (r->result == RUN_EXITED)
		print_string(PRINT_JSON, "exit_reason", NULL, exit_reason_name(r->exit_reason));
	else
		print_null(PRINT_JSON, "exit_reason", NULL);
	print_int(PRINT_JSON, "elapsed_ms", NULL, r->elapsed_ms);
	print_int(PRINT_JSON, "vm_bits", NULL, r->vm_bits);
	print_string(PRINT_JSON, "detail", NULL, r->detail[0] ? r->detail : NULL);
	close_json_object();
	label("vCPU run (one guest store)");
	switch (r->result) {
	case RUN_EXITED:
		mark(r->exit_reason == 6 ? MARK_PASS : MARK_WARN);
		if (!W.json)
			fprintf(W.f, "%s exit after %ld ms\n", exit_reason_name(r->exit_reason),
				r->elapsed_ms);
		break;
	case RUN_HANG:
		mark(MARK_FAIL);
		print_string(PRINT_FP, NULL, "hang: %s\n", r->detail);
		break;
	case RUN_ERROR:
		mark(MARK_WARN);
		print_string(PRINT_FP, NULL, "%s\n", r->detail);
		break;
	default:
		mark(MARK_SKIP);
		print_string(PRINT_FP, NULL, "%s\n", "not run");
	}
}

static void report_probes(const struct report_opts *o, const struct host_facts *f,
			  const struct kvm_obs *obs, const struct assessment *a)
{
	open_json_object("probes");
	print_bool(PRINT_JSON, "run", NULL, obs->probed);
	if (!obs->probed) {
		print_string(PRINT_JSON, "skipped_reason", NULL, obs->skip_reason);
		if (obs->skip_reason[0]) {
			label("KVM probes");
			mark(MARK_SKIP);
			print_string(PRINT_FP, NULL, "%s\n", obs->skip_reason);
		}
		close_json_object();
		return;
	}
	report_default_vm(f, obs, a);
	report_ipa_sizes(o, obs);
	report_slots(o, obs);
	report_run(obs);
	print_bool(PRINT_JSON, "incomplete", NULL, obs->incomplete);
	print_string(PRINT_JSON, "incomplete_reason", NULL,
		     obs->incomplete ? obs->incomplete_reason : NULL);
	print_int(PRINT_JSON, "elapsed_ms", NULL, obs->elapsed_ms);
	if (obs->incomplete && !W.json) {
		label("Probes");
		mark(MARK_WARN);
		fprintf(W.f, "INCOMPLETE: %s\n", obs->incomplete_reason);
	}
	close_json_object();
}

/* VMM lines carry the verdict itself, coloured like the marks. */
static void verdict_word(enum vmm_verdict v)
{
	static const char *const colors[] = { [VV_WORKS] = "\033[32m",
					      [VV_LIMITED] = "\033[33m",
					      [VV_UNKNOWN] = "\033[35m",
					      [VV_FAILS] = "\033[31m",
					      [VV_HANGS] = "\033[31m" };
	char word[16];
	int i;

	for (i = 0; vmm_verdict_name(v)[i] && i < 15; i++)
		word[i] = (char)(vmm_verdict_name(v)[i] - 'a' + 'A');
	word[i] = '\0';
	if (W.color)
		fprintf(W.f, "%s%s\033[0m ", colors[v], word);
	else
		fprintf(W.f, "%s ", word);
}

static void report_vmms(const struct assessment *a)
{
	open_json_array("vmms");
	if (!W.json && a->nvmms)
		fputs("VMMs:\n", W.f);
	for (int i = 0; i < a->nvmms; i++) {
		const struct vmm_result *v = &a->vmms[i];
		char lbl[128];

		open_json_object(NULL);
		print_string(PRINT_JSON, "name", NULL, v->name);
		print_string(PRINT_JSON, "version", NULL, v->version[0] ? v->version : NULL);
		print_string(PRINT_JSON, "path", NULL, v->path[0] ? v->path : NULL);
		print_string(PRINT_JSON, "verdict", NULL, vmm_verdict_name(v->verdict));
		print_string(PRINT_JSON, "reason", NULL, v->reason);
		print_string(PRINT_JSON, "fix", NULL, v->fix[0] ? v->fix : NULL);
		print_bool(PRINT_JSON, "what_if", NULL, v->what_if);
		if (v->max_guest_ram)
			print_u64(PRINT_JSON, "max_guest_ram", NULL, v->max_guest_ram);
		else
			print_null(PRINT_JSON, "max_guest_ram", NULL);
		close_json_object();
		if (W.json)
			continue;
		snprintf(lbl, sizeof(lbl), "%s %s%s", v->name,
			 v->version[0] ? v->version : "(version?)", v->what_if ? " [what-if]" : "");
		label(lbl);
		verdict_word(v->verdict);
		fprintf(W.f, "%s\n", v->reason);
		if (v->fix[0])
			fprintf(W.f, "  %-*s  fix: %s\n", LABEL_WIDTH, "", v->fix);
	}
	close_json_array();
}

static void report_assessment(const struct kvm_obs *obs, const struct assessment *a)
{
	label("Kernel behaviour for type 0");
	print_string(PRINT_ANY, "kernel_behaviour", "%s", kernel_behaviour_name(a->behaviour));
	print_bool(PRINT_JSON, "kernel_behaviour_measured", NULL, a->behaviour_measured);
	if (!W.json && a->behaviour == KB_NOT_APPLICABLE)
		fprintf(W.f, " (%s)\n", a->behaviour_basis);
	else if (!W.json)
		fprintf(W.f, " (%s: %s)\n", a->behaviour_measured ? "measured" : "not measured",
			a->behaviour_basis);
	print_string(PRINT_JSON, "kernel_behaviour_basis", NULL, a->behaviour_basis);
	if (a->ipa_limit)
		print_int(PRINT_JSON, "assessed_ipa_limit", NULL, a->ipa_limit);
	else
		print_null(PRINT_JSON, "assessed_ipa_limit", NULL);
	if (a->max_guest_ram) {
		label("Largest guest RAM (2 GiB base)");
		print_u64(PRINT_ANY, "max_guest_ram", "%llu bytes", a->max_guest_ram);
		if (!W.json)
			fprintf(W.f, " (%llu GiB)\n", (unsigned long long)(a->max_guest_ram >> 30));
	} else {
		print_null(PRINT_JSON, "max_guest_ram", NULL);
	}
	print_bool(PRINT_JSON, "log_warning_spent", NULL, a->log_warning_spent);
	if (a->log_warning_spent && !W.json) {
		label("Kernel warning");
		mark(MARK_NOTE);
		fprintf(W.f, "the type-0 probe used up this boot's one \"upgrade your VMM\" line "
			     "(pr_warn_once); use --no-default-probe to keep it\n");
	}
	(void)obs;
}

static void report_list(const char *key, const char *title, const char (*items)[200], int n)
{
	open_json_array(key);
	if (!W.json && n)
		fprintf(W.f, "%s:\n", title);
	for (int i = 0; i < n; i++) {
		print_string(PRINT_JSON, NULL, NULL, items[i]);
		if (!W.json)
			fprintf(W.f, "  - %s\n", items[i]);
	}
	close_json_array();
}

static void report_verdict(const struct assessment *a)
{
	static const char *const colors[] = { "\033[32m", "\033[33m", "\033[31m", "\033[35m" };

	open_json_object("verdict");
	print_string(PRINT_JSON, "status", NULL, kic_status_name(a->status));
	print_string(PRINT_JSON, "summary", NULL, a->summary);
	print_string(PRINT_JSON, "default_vmms", NULL, a->default_vmm[0] ? a->default_vmm : NULL);
	print_string(PRINT_JSON, "sized_vmms", NULL, a->sized_vmm[0] ? a->sized_vmm : NULL);
	print_string(PRINT_JSON, "fix", NULL, a->fix[0] ? a->fix : NULL);
	report_list("findings", "Findings", a->findings, a->nfindings);
	close_json_object();
	print_int(PRINT_JSON, "exit_code", NULL, a->status);
	if (W.json)
		return;
	if (W.color)
		fprintf(W.f, "%s%s\033[0m: %s\n", colors[a->status], status_word(a->status),
			a->summary);
	else
		fprintf(W.f, "%s: %s\n", status_word(a->status), a->summary);
	if (a->default_vmm[0] && a->nvmms == 0)
		fprintf(W.f, "  %s.\n", a->default_vmm);
	if (a->sized_vmm[0] && a->nvmms == 0)
		fprintf(W.f, "  %s.\n", a->sized_vmm);
	if (a->fix[0])
		fprintf(W.f, "  Fix: %s.\n", a->fix);
	if (a->what_if)
		fprintf(W.f, "  (what-if options given: figures marked \"not measured\" are "
			     "predictions)\n");
}

static void report_structured(FILE *out, const struct report_opts *o, const struct host_facts *f,
			      const struct kvm_obs *obs, const struct assessment *a)
{
	print_begin(out, o->format == FMT_JSON);
	W.color = o->color && o->format == FMT_TEXT;
	print_int(PRINT_JSON, "schema_version", NULL, KIC_SCHEMA_VERSION);
	print_string(PRINT_JSON, "tool_version", NULL, o->version);
	if (!W.json)
		fprintf(out, "kvm-ipa-check %s: %s host, kernel %s%s\n", o->version,
			kic_arch_name(f->arch),
			f->kernel_release[0] ? f->kernel_release : "unknown",
			f->live ? "" : " (offline tree)");
	report_host(o, f, a);
	report_kvm(f, obs);
	report_probes(o, f, obs, a);
	report_assessment(obs, a);
	report_vmms(a);
	if (!W.json) {
		char notes[KIC_MAX_NOTES][200];

		for (int i = 0; i < f->nnotes; i++)
			snprintf(notes[i], sizeof(notes[i]), "%s", f->notes[i]);
		report_list(NULL, "Notes", (const char(*)[200])notes, f->nnotes);
	}
	report_verdict(a);
	print_end();
}

/* ---- monitoring-plugins: "SERVICE STATUS - text | perfdata" ---- */

static void nagios_text(FILE *out, const char *s)
{
	/*
	 * '|' starts perfdata and newlines end the status line; Nagios 4 also
	 * rewrites ';' (its own field separator) as ':'. Keep all three out.
	 */
	for (; *s; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s == ';' ? ',' : *s, out);
}

static int accepted_sizes(const struct kvm_obs *obs)
{
	int n = 0;

	for (int i = 0; i < obs->nipa; i++)
		n += obs->ipa[i].result == PR_CREATED;
	return n;
}

static void report_nagios(FILE *out, const struct kvm_obs *obs, const struct assessment *a)
{

	fprintf(out, "KVM-IPA %s - ", status_word(a->status));
	nagios_text(out, a->summary);
	if (a->status == ST_UNKNOWN && a->fix[0]) { /* the monitor shows only this line */
		fputs(" - fix: ", out);
		nagios_text(out, a->fix);
	}
	fputs(" |", out);
	if (a->ipa_limit)
		fprintf(out, " ipa_limit_bits=%d;;;32;52", a->ipa_limit);
	if (a->host_pa_bits)
		fprintf(out, " host_pa_bits=%d;;;32;52", a->host_pa_bits);
	if (obs->probed) {
		fprintf(out, " accepted_sizes=%d;;;0;", accepted_sizes(obs));
		fprintf(out, " probe_time=%.3fs;;;0;", (double)obs->elapsed_ms / 1000.0);
	}
	fputc('\n', out);
	/* Long output: one line per VMM and finding. */
	for (int i = 0; i < a->nvmms; i++) {
		fprintf(out, "%s %s: %s - ", a->vmms[i].name,
			a->vmms[i].version[0] ? a->vmms[i].version : "?",
			vmm_verdict_name(a->vmms[i].verdict));
		nagios_text(out, a->vmms[i].reason);
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

/* ---- Prometheus text exposition format (node_exporter textfile collector) ---- */

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

static void report_prometheus(FILE *out, const struct kvm_obs *obs, const struct assessment *a)
{
	prom_head(out, "kvm_ipa_status", "Overall status: 0 ok, 1 warning, 2 critical, 3 unknown.");
	fprintf(out, "kvm_ipa_status %d\n", a->status);
	/* Sizes in bits, but no _bits suffix: promtool's lint reserves it for the unit. */
	prom_head(out, "kvm_ipa_size_limit",
		  "Guest IPA size limit in address bits (KVM_CAP_ARM_VM_IPA_SIZE); 0 when absent.");
	fprintf(out, "kvm_ipa_size_limit %d\n", a->ipa_limit);
	prom_head(out, "kvm_ipa_host_pa_size", "The CPU's physical address size in address bits.");
	fprintf(out, "kvm_ipa_host_pa_size %d\n", a->host_pa_bits);
	prom_head(out, "kvm_ipa_kernel_behaviour",
		  "Type-0 behaviour of the kernel (1 for the one "
		  "that applies).");
	fprintf(out, "kvm_ipa_kernel_behaviour{behaviour=\"%s\",measured=\"%d\"} 1\n",
		kernel_behaviour_name(a->behaviour), a->behaviour_measured);
	if (obs->probed && obs->default_vm.result != PR_SKIPPED) {
		prom_head(out, "kvm_ipa_default_vm_ok", "1 if KVM_CREATE_VM(0) created a VM.");
		fprintf(out, "kvm_ipa_default_vm_ok %d\n", obs->default_vm.result == PR_CREATED);
	}
	if (obs->nipa) {
		prom_head(out, "kvm_ipa_size_accepted", "1 if a VM of this IPA size was created.");
		for (int i = 0; i < obs->nipa; i++)
			fprintf(out, "kvm_ipa_size_accepted{bits=\"%d\"} %d\n", obs->ipa[i].bits,
				obs->ipa[i].result == PR_CREATED);
	}
	if (obs->probed && obs->run.result != RUN_SKIPPED && obs->run.result != RUN_NOT_RUN) {
		prom_head(out, "kvm_ipa_vcpu_run_ok", "1 if one guest instruction exited to MMIO.");
		fprintf(out, "kvm_ipa_vcpu_run_ok %d\n",
			obs->run.result == RUN_EXITED && obs->run.exit_reason == 6);
	}
	if (a->max_guest_ram) { /* JSON's null: no sample, not a 0 */
		prom_head(out, "kvm_ipa_max_guest_ram_bytes",
			  "Largest guest RAM that fits above 2 GiB.");
		fprintf(out, "kvm_ipa_max_guest_ram_bytes %llu\n",
			(unsigned long long)a->max_guest_ram);
	}
	prom_vmms(out, a);
	prom_head(out, "kvm_ipa_probe_duration_seconds", "Time spent probing /dev/kvm.");
	fprintf(out, "kvm_ipa_probe_duration_seconds %.3f\n", (double)obs->elapsed_ms / 1000.0);
}

int report_print(FILE *out, const struct report_opts *o, const struct host_facts *f,
		 const struct kvm_obs *obs, const struct assessment *a)
{

	switch (o->format) {
	case FMT_NAGIOS:
		report_nagios(out, obs, a);
		break;
	case FMT_PROMETHEUS:
		report_prometheus(out, obs, a);
		break;
	default:
		if (o->quiet && o->format == FMT_TEXT)
			fprintf(out, "%s: %s\n", status_word(a->status), a->summary);
		else
			report_structured(out, o, f, obs, a);
	}
	if (fflush(out) == EOF || ferror(out))
		return -EIO;
	return 0;
}

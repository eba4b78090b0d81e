// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test-only: renders the report of a live, probed host for the golden files
 * (tests/test_golden.sh). `--sysroot` never probes, so the report's probe
 * sections (default VM, IPA sizes, memslots, the vCPU run, the x86 CPUID
 * line, incomplete runs) only appear on a live host, whose kernel, CPU and
 * timings differ per machine. Here the host facts are read from a fixture
 * tree as the tool reads them; the KVM observations are SYNTHETIC (written
 * below, modelled on what probe.c records on such a host: the README's real
 * Cortex-A72 run, a fixed and an unfixed 36-bit kernel, this x86 machine);
 * then the real assess() and report_print() run. A fake of the probes (and,
 * in two scenarios marked below, of a few facts): what it checks is the
 * report's rendering of every state, not the probes.
 *
 * Usage: golden_render SCENARIO [--json|--nagios|--prometheus] [--verbose]
 *        [--quiet] [--color]   (run from the top of the tree)
 * Exit status: the assessment's, like the tool; 64 on a usage error.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "facts.h"
#include "report.h"
#include "sysroot.h"

#define EXIT_USAGE 64

static const char *const slot_why[] = {
	"RAM base of QEMU virt and Cloud Hypervisor (1 GiB)",
	"RAM base of kvmtool, Firecracker, crosvm, libkrun (2 GiB)",
	"top of a 36-bit space (Apple M1)",
	"top of the 40-bit default space",
	"top of a 44-bit space",
	"top of a 48-bit space",
	"QEMU virt high redistributors and ECAM (256 GiB)",
	"QEMU virt high PCIe MMIO window (512 GiB)",
	"ends exactly at the VM's limit",
	"ends one page past the VM's limit",
};

/* probe.c's x86 labels: the same addresses, named by address only */
static const char *const slot_why_x86[] = {
	"at 1 GiB",
	"at 2 GiB",
	"top of a 36-bit space",
	"top of a 40-bit space",
	"top of a 44-bit space",
	"top of a 48-bit space",
	"at 256 GiB",
	"at 512 GiB",
	"ends exactly at the VM's limit",
	"ends one page past the VM's limit",
};

/* probe.c's memslot sites in a VM of vm_bits (0: type 0, nominal 40 bits). */
static void slots(struct kvm_obs *obs, int vm_bits, int limit_bits, bool x86)
{
	const uint64_t size = 0x10000, page = 0x1000;
	uint64_t gpa[10] = {
		1ULL << 30,
		2ULL << 30,
		(1ULL << 36) - size,
		(1ULL << 40) - size,
		(1ULL << 44) - size,
		(1ULL << 48) - size,
		256ULL << 30,
		512ULL << 30,
		(1ULL << limit_bits) - size,
		(1ULL << limit_bits) - size + page,
	};

	for (int i = 0; i < 10; i++) {
		struct slot_probe *s = &obs->slots[obs->nslots];
		bool dup = false;

		for (int j = 0; j < obs->nslots; j++)
			dup |= obs->slots[j].vm_bits == vm_bits && obs->slots[j].gpa == gpa[i];
		if (dup)
			continue; /* probe.c's try_slot() tries each address once per VM */
		obs->nslots++;

		s->vm_bits = vm_bits;
		s->gpa = gpa[i];
		s->size = size;
		s->why = x86 ? slot_why_x86[i] : slot_why[i];
		s->result = gpa[i] + size <= (1ULL << limit_bits) ? SLOT_ACCEPTED : SLOT_REJECTED;
		s->err = s->result == SLOT_REJECTED ? EINVAL : 0;
	}
}

/* Explicit sizes 32..limit+1: all created up to the limit, the one past refused. */
static void sizes(struct kvm_obs *obs, int limit)
{
	for (int bits = 32; bits <= limit + 1; bits++) {
		struct ipa_probe *p = &obs->ipa[obs->nipa++];

		p->bits = bits;
		p->result = bits <= limit ? PR_CREATED : PR_REJECTED;
		p->err = bits <= limit ? 0 : EINVAL;
	}
}

static void live_device(struct host_facts *f, bool accessible)
{
	f->live = true;
	f->dev_known = true;
	f->dev_present = true;
	f->dev_number_known = true;
	f->dev_major = KIC_KVM_MAJOR;
	f->dev_minor = KIC_KVM_MINOR;
	f->kvm_registered = true;
	f->kvm_registered_known = true;
	f->dev_accessible = accessible;
	f->dev_mode = 0660;
	snprintf(f->dev_group, sizeof(f->dev_group), "kvm");
	f->is_root = accessible;
	f->nmodules = 1;
	snprintf(f->modules[0].name, sizeof(f->modules[0].name), "kvm");
	f->modules[0].state = MOD_BUILTIN;
}

static void arm64_caps(struct kvm_obs *obs, int limit)
{
	obs->probed = true;
	obs->api_version = KVM_API_VERSION;
	obs->ipa_limit = ipa_known(limit);
	obs->nr_memslots = 32764;
	obs->max_vcpus = 512;
	obs->vm_types = -1;
	obs->smaller_maxphyaddr = -1;
	obs->elapsed_ms = 9;
}

static void run_exit(struct kvm_obs *obs, int vm_bits, unsigned int reason)
{
	obs->run.result = RUN_EXITED;
	obs->run.vm_bits = vm_bits;
	obs->run.exit_reason = reason;
	obs->run.mmio_addr = 0x09000000;
	obs->run.elapsed_ms = 1;
}

/* Cortex-A72, 44 bits, 6.1: type 0 fits (the README's run on real KVM). */
static void a72_fits(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	arm64_caps(obs, 44);
	obs->default_vm.result = PR_CREATED;
	sizes(obs, 44);
	slots(obs, 0, 40, false);
	slots(obs, 44, 44, false);
	run_exit(obs, 0, KVM_EXIT_MMIO);
}

/* Apple M1, fixed kernel: type 0 refused with EINVAL, 32..36 created. */
static void m1_fixed(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	arm64_caps(obs, 36);
	obs->default_vm.result = PR_REJECTED;
	obs->default_vm.err = EINVAL;
	sizes(obs, 36);
	slots(obs, 36, 36, false);
	run_exit(obs, 36, KVM_EXIT_MMIO);
}

/* Apple M1, unfixed kernel: type 0 created, its guest's first access hangs. */
static void m1_unfixed(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	arm64_caps(obs, 36);
	obs->default_vm.result = PR_CREATED;
	sizes(obs, 36);
	slots(obs, 0, 36, false);
	obs->run.result = RUN_HANG;
	obs->run.elapsed_ms = 1000;
	snprintf(obs->run.detail, sizeof(obs->run.detail), "no exit within 1000 ms");
}

/* Interrupted at the deadline after the first size: the rest skipped, the run not done. */
static void a72_incomplete(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	arm64_caps(obs, 44);
	obs->default_vm.result = PR_CREATED;
	sizes(obs, 44);
	for (int i = 1; i < obs->nipa; i++) {
		obs->ipa[i].result = PR_SKIPPED;
		obs->ipa[i].err = 0;
	}
	obs->run.result = RUN_SKIPPED;
	obs->incomplete = true;
	snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason), "deadline reached");
}

/* A run that exits with something else than MMIO, and one that errors. */
static void a53_odd_exit(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	arm64_caps(obs, 40);
	obs->default_vm.result = PR_SKIPPED;
	sizes(obs, 40);
	run_exit(obs, 40, KVM_EXIT_INTERNAL_ERROR);
}

static void a53_run_error(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	arm64_caps(obs, 40);
	obs->default_vm.result = PR_CREATED;
	obs->ipa_limit = IPA_LIMIT_ABSENT; /* pre-4.20: no KVM_CAP_ARM_VM_IPA_SIZE */
	obs->run.result = RUN_ERROR;
	obs->run.err = EFAULT;
	snprintf(obs->run.detail, sizeof(obs->run.detail), "KVM_RUN: Bad address");
}

/* Not root and /dev/kvm 0660 root:kvm: nothing probed. */
static void m1_no_access(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, false);
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	obs->open_errno = EACCES;
	snprintf(obs->skip_reason, sizeof(obs->skip_reason),
		 "cannot open /dev/kvm: Permission denied (not root)");
}

/*
 * Facts no fixture tree has (SYNTHETIC facts too): kvm-arm.mode=protected,
 * the "upgrade your VMM" warning with its comm, a CPU without a MIDR and
 * one of an unknown part, notes about unreadable inputs; /dev/kvm missing
 * while sysfs has misc/kvm (a container started without the device).
 */
static void m1_odd_facts(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	f->dev_present = false;
	f->dev_accessible = false;
	snprintf(f->kvm_arm_mode, sizeof(f->kvm_arm_mode), "protected");
	f->log_default_warned = true;
	snprintf(f->log_default_comm, sizeof(f->log_default_comm), "qemu-system-aar");
	f->cpus[0].midr_valid = false;
	f->cpus[0].midr = 0;
	f->cpus[1].midr = 0x410fdff0; /* Arm, part 0xdff: in no table */
	facts_note(f, "cannot read %s: %s", "/proc/iomem", "Permission denied");
	facts_note(f, "kernel log: %s", "no KVM line (dmesg_restrict?)");
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	snprintf(obs->skip_reason, sizeof(obs->skip_reason), "/dev/kvm is missing");
}

/* An arm64 tree that tells nothing: no MIDR, no RAM map, no kernel log line. */
static void a53_no_facts(struct host_facts *f, struct kvm_obs *obs)
{
	for (int i = 0; i < f->ncpus; i++)
		f->cpus[i].midr_valid = false;
	f->core_pa_bits = 0;
	f->ram_top = 0;
	f->iomem_top = 0;
	f->log_ipa_limit = IPA_LIMIT_UNKNOWN;
	f->log_format = LOG_FMT_NONE;
	f->log_reduced_suffix = false;
	f->nevidence = 0;
	f->nvmms_found = 0;
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	snprintf(obs->skip_reason, sizeof(obs->skip_reason),
		 "offline tree (--sysroot): nothing was measured");
}

/*
 * x86, probes faulted (SYNTHETIC: as strace -e inject=ioctl:error=EPERM
 * gives): the API version and CPUID queries failed; unknown, never a value.
 */
static void x86_faulted(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	obs->probed = true;
	obs->api_version = -EPERM;
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	obs->nr_memslots = -EPERM;
	obs->max_vcpus = 1024;
	obs->vm_types = -1;
	obs->smaller_maxphyaddr = -1;
	obs->cpuid_err = EPERM;
	obs->default_vm.result = PR_NOT_RUN;
	obs->run.result = RUN_NOT_RUN;
	obs->incomplete = true;
	snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
		 "KVM_GET_API_VERSION failed with EPERM (Operation not permitted): a fault of "
		 "this process's environment, not KVM's answer");
	obs->elapsed_ms = 1;
}

/* x86, /dev/kvm bound over by /dev/null (1:3): not opened, UNKNOWN with the reason. */
static void x86_not_kvm(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	f->dev_major = 1;
	f->dev_minor = 3;
	f->dev_not_kvm = true;
	f->dev_mode = 0666;
	snprintf(f->dev_group, sizeof(f->dev_group), "root");
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	snprintf(obs->skip_reason, sizeof(obs->skip_reason),
		 "/dev/kvm is not the KVM device: character device 1:3, KVM's is the character "
		 "device 10:232");
	obs->incomplete = true;
	snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason), "%s", obs->skip_reason);
}

/* arm64 booted at EL1: kvm built in, no misc device, no /dev/kvm. */
static void m1_no_kvm(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, false);
	f->dev_present = false;
	f->dev_number_known = false;
	f->kvm_registered = false;
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	snprintf(obs->skip_reason, sizeof(obs->skip_reason), "/dev/kvm is missing");
}

/* x86: no IPA sizes; memslots in the type-0 VM, CPUID's physical bits. */
static void x86_live(struct host_facts *f, struct kvm_obs *obs)
{
	live_device(f, true);
	f->nmodules = 2;
	snprintf(f->modules[0].params, sizeof(f->modules[0].params), "tdp_mmu=Y");
	snprintf(f->modules[1].name, sizeof(f->modules[1].name), "kvm_intel");
	f->modules[1].state = MOD_LOADED;
	snprintf(f->modules[1].params, sizeof(f->modules[1].params), "ept=Y");
	obs->probed = true;
	obs->api_version = KVM_API_VERSION;
	obs->ipa_limit = IPA_LIMIT_ABSENT;
	obs->nr_memslots = 32764;
	obs->max_vcpus = 1024;
	obs->vm_types = 1;
	obs->smaller_maxphyaddr = 1;
	obs->cpuid_phys_bits = 46;
	obs->default_vm.result = PR_CREATED;
	slots(obs, 0, 46, true);
	run_exit(obs, 0, KVM_EXIT_MMIO);
	obs->elapsed_ms = 11;
}

static const struct scenario {
	const char *name;
	const char *fixture;
	void (*fill)(struct host_facts *f, struct kvm_obs *obs);
	bool no_default_probe;
} scenarios[] = {
	{ "a72-fits", "a72-44", a72_fits, false },
	{ "m1-fixed", "m1-36", m1_fixed, false },
	{ "m1-unfixed", "m1-36-unfixed", m1_unfixed, false },
	{ "a72-incomplete", "a72-44", a72_incomplete, false },
	{ "a53-odd-exit", "a53-40", a53_odd_exit, true },
	{ "a53-run-error", "a53-40", a53_run_error, false },
	{ "m1-no-access", "m1-36", m1_no_access, false },
	{ "m1-odd-facts", "m1-36", m1_odd_facts, false },
	{ "a53-no-facts", "a53-40", a53_no_facts, false },
	{ "x86-live", "x86", x86_live, false },
	{ "x86-faulted", "x86", x86_faulted, false },
	{ "x86-not-kvm", "x86", x86_not_kvm, false },
	{ "m1-no-kvm", "m1-36", m1_no_kvm, false },
};

static int usage(void)
{
	fprintf(stderr, "usage: golden_render SCENARIO [--json|--nagios|--prometheus] "
			"[--verbose] [--quiet] [--color]\nscenarios:");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(stderr, " %s", scenarios[i].name);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static struct host_facts f;
	static struct kvm_obs obs;
	static struct whatif w;
	static struct assessment a;
	struct report_opts o = { .format = FMT_TEXT, .version = KIC_VERSION };
	const struct scenario *sc = NULL;
	char root[128];
	struct sysroot sr;
	int r;

	for (size_t i = 0; argc > 1 && i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[1], scenarios[i].name))
			sc = &scenarios[i];
	if (!sc)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o.format = FMT_JSON;
		else if (!strcmp(argv[i], "--nagios"))
			o.format = FMT_NAGIOS;
		else if (!strcmp(argv[i], "--prometheus"))
			o.format = FMT_PROMETHEUS;
		else if (!strcmp(argv[i], "--verbose"))
			o.verbose = true;
		else if (!strcmp(argv[i], "--quiet"))
			o.quiet = true;
		else if (!strcmp(argv[i], "--color"))
			o.color = true;
		else
			return usage();
	}
	snprintf(root, sizeof(root), "tests/fixtures/%s", sc->fixture);
	r = sr_open(&sr, root);
	if (r < 0) {
		fprintf(stderr, "golden_render: %s: %s\n", root, strerror(-r));
		return EXIT_USAGE;
	}
	facts_read(&sr, &f);
	devinfo_read(&sr, &f);
	facts_detect_vmms(&sr, &f, false, 100);
	sr_close(&sr);
	sc->fill(&f, &obs);
	w.default_probe_skipped = sc->no_default_probe;
	assess(&f, &obs, &w, &a);
	if (report_print(stdout, &o, &f, &obs, &a) < 0)
		return ST_UNKNOWN;
	return a.status;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The assessment, fed with hand-made observations.
 *
 * FAKE KVM, LABELLED: the kvm_obs structs below are written by hand. They
 * stand for states no kernel on this machine or in the arm64 emulation matrix
 * can show (a 36-bit host on a fixed, an unfixed and a pKVM kernel; a hung
 * vCPU). The real probe code is tested against real KVM in test_kvm_x86.sh
 * and tests/arm64/run-matrix.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>

#include "assess.h"
#include "tap.h"

static struct host_facts F;
static struct kvm_obs O;
static struct assessment A;
static struct whatif W;

static void arm64_host(int limit)
{
	memset(&F, 0, sizeof(F));
	memset(&O, 0, sizeof(O));
	memset(&W, 0, sizeof(W));
	F.arch = ARCH_ARM64;
	F.live = true;
	F.dev_known = F.dev_present = F.dev_accessible = true;
	snprintf(F.kernel_release, sizeof(F.kernel_release), "6.1.0-28-arm64");
	O.probed = true;
	O.api_version = KVM_API_VERSION;
	O.ipa_limit = ipa_known(limit);
	for (int b = 32; b <= limit + 1; b++) {
		struct ipa_probe *p = &O.ipa[O.nipa++];

		p->bits = b;
		p->result = b <= limit ? PR_CREATED : PR_REJECTED;
		p->err = b <= limit ? 0 : EINVAL;
	}
	O.run.result = RUN_EXITED;
	O.run.exit_reason = KVM_EXIT_MMIO;
}

static void slot(int vm_bits, int top_bits, enum slot_result r, int err)
{
	struct slot_probe *s = &O.slots[O.nslots++];

	s->vm_bits = vm_bits;
	s->size = 0x10000;
	s->gpa = (1ULL << top_bits) - s->size;
	s->result = r;
	s->err = err;
}

static void run(void)
{
	assess(&F, &O, &W, &A);
}

static void test_measured(void)
{
	arm64_host(44);
	O.default_vm.result = PR_CREATED;
	F.page_size = 16384; /* 2^31 - 1 pages of 16 KiB: 32 TiB, above the 44-bit space */
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-fits", "44-bit host: default fits");
	ok(A.behaviour_measured, "44-bit: measured");
	is_int(A.status, ST_OK, "44-bit: OK");
	is_int(A.max_guest_ram, (1ULL << 44) - (2ULL << 30), "44-bit: RAM above 2 GiB");

	/* One memslot holds at most 2^31 - 1 pages (KVM_MEM_MAX_NR_PAGES). */
	arm64_host(48);
	O.default_vm.result = PR_CREATED;
	run();
	is_int(A.max_guest_ram, ((1ULL << 31) - 1) * 4096,
	       "48-bit, page size unknown: 4 KiB slot cap");
	F.page_size = 65536;
	run();
	is_int(A.max_guest_ram, ((1ULL << 31) - 1) * 65536,
	       "48-bit, 64 KiB pages: 128 TiB slot cap");
	F.page_size = 0;

	/* Apple M1 on a fixed kernel: 7d717558dd5e returns EINVAL for type 0. */
	arm64_host(36);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	O.run.vm_bits = 36;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "36-bit fixed: rejected");
	is_int(A.status, ST_WARNING, "36-bit fixed: WARNING with no VMM found");
	ok(A.log_warning_spent, "36-bit fixed: our probe spent the pr_warn_once");
	ok(strstr(A.default_vmm, "fail at start") != NULL, "default VMMs fail cleanly");
	ok(strstr(A.sized_vmm, "32 to 36") != NULL, "sized VMMs: 32..36");
	W.ipa_limit = ipa_known(44);
	run();
	ok(A.log_warning_spent, "36-bit fixed, --ipa-limit 44: the probe here still spent it");
	W.ipa_limit = IPA_LIMIT_UNKNOWN;
	/* The log (read before the probe) already had it: the probe spent nothing. */
	F.log_default_warned = true;
	run();
	ok(!A.log_warning_spent, "36-bit fixed, warning already logged: not spent by the probe");
	F.log_default_warned = false;

	/* Unfixed (5.10.0-5.10.23): type 0 accepted with a full 40-bit space. */
	arm64_host(36);
	O.default_vm.result = PR_CREATED;
	slot(0, 40, SLOT_ACCEPTED, 0);
	slot(0, 36, SLOT_ACCEPTED, 0);
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-hangs", "36-bit unfixed: hangs");
	is_int(A.status, ST_CRITICAL, "36-bit unfixed: CRITICAL");
	ok(!A.log_warning_spent, "unfixed: no warning was logged");

	/* pKVM protected mode (6.2+, 60dfe093ec13): type 0 gets the host's 36 bits. */
	arm64_host(36);
	O.default_vm.result = PR_CREATED;
	slot(0, 40, SLOT_REJECTED, EFAULT);
	slot(0, 36, SLOT_ACCEPTED, 0);
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-capped", "pKVM: capped");
	is_int(A.status, ST_WARNING, "pKVM: WARNING");
	/* pKVM also creates the 37-bit VM, with 36 bits (seen on 6.12 in the
	 * arm64 matrix): its slot at 2^37 is refused, 262b003d059c is not
	 * missing. */
	O.ipa[O.nipa - 1].result = PR_CREATED;
	O.ipa[O.nipa - 1].err = 0;
	slot(37, 37, SLOT_REJECTED, EFAULT);
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-capped", "pKVM 37 created: capped");
	ok(A.nfindings == 1 && strstr(A.findings[0], "37-bit VM created beyond the 36-bit"),
	   "pKVM 37 created: only the VM beyond the limit is a finding");

	/* A vCPU that never comes back from the type-0 VM. */
	arm64_host(40);
	O.default_vm.result = PR_CREATED;
	O.run.result = RUN_HANG;
	O.run.vm_bits = 0;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-hangs", "run hang: hangs");
	is_int(A.status, ST_CRITICAL, "run hang: CRITICAL");

	/* 262b003d059c missing: a slot ending exactly at the limit is refused. */
	arm64_host(44);
	O.default_vm.result = PR_CREATED;
	slot(44, 44, SLOT_REJECTED, EFAULT);
	run();
	is_int(A.status, ST_WARNING, "exclusive-limit bug: WARNING");
	ok(A.nfindings && strstr(A.findings[0], "262b003d059c"), "names the missing fix");

	/* Interrupted run: partial, and never reported as OK. */
	arm64_host(44);
	O.default_vm.result = PR_CREATED;
	O.incomplete = true;
	run();
	is_int(A.status, ST_UNKNOWN, "incomplete: UNKNOWN");

	/* Skipped type-0 probe on a 36-bit host: no measurement, log decides. */
	arm64_host(36);
	O.default_vm.result = PR_SKIPPED;
	W.default_probe_skipped = true;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "unknown", "skipped, no log: unknown");
	F.log_ipa_limit = ipa_known(36);
	F.log_reduced_suffix = true;
	F.log_format = LOG_FMT_NEW;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "skipped, log: rejected");
	ok(!A.behaviour_measured, "from the log: not measured");

	/* Skipped on a 40-bit host: the measured limit settles it, but type 0 was not tried. */
	arm64_host(40);
	O.default_vm.result = PR_SKIPPED;
	W.default_probe_skipped = true;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-fits", "skipped, 40 bits: fits");
	ok(!A.behaviour_measured, "skipped, 40 bits: inferred, not measured");
}

static void test_offline(void)
{
	arm64_host(36);
	O.probed = false;
	O.ipa_limit = IPA_LIMIT_UNKNOWN;
	F.live = false;
	F.dev_known = false;
	run();
	is_int(A.status, ST_UNKNOWN, "offline, no log: UNKNOWN");

	F.log_ipa_limit = ipa_known(36);
	F.log_unfixed_warn = true;
	F.log_format = LOG_FMT_510_WARN;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-hangs", "offline 5.10 WARN: hangs");
	ok(!A.behaviour_measured, "offline: not measured");

	F.log_unfixed_warn = false;
	F.log_format = LOG_FMT_NEW;
	F.log_reduced_suffix = true;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "offline fixed: rejected");

	/* pKVM: the log decides, the command line only hints (docs/kernel-facts.md §2). */
	snprintf(F.kernel_release, sizeof(F.kernel_release), "6.12.118+deb13-arm64");
	snprintf(F.kvm_arm_mode, sizeof(F.kvm_arm_mode), "protected");
	F.log_protected = true;
	snprintf(F.log_kvm_mode, sizeof(F.log_kvm_mode),
		 "Protected nVHE mode initialized successfully");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-capped", "offline pKVM 6.12: capped");
	ok(strstr(A.behaviour_basis, "Protected nVHE mode initialized") != NULL,
	   "pKVM: the log line decided, and the basis says so");

	/* kvm-arm.mode=protected ignored in VHE (audit item 1): the kernel says so. */
	F.log_protected = false;
	F.log_pkvm_refused = true;
	snprintf(F.log_kvm_mode, sizeof(F.log_kvm_mode), "VHE mode initialized successfully");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected",
	       "protected asked, VHE kept: rejected");
	is_int(A.status, ST_WARNING, "protected asked, VHE kept: WARNING");
	ok(A.nfindings >= 1 && strstr(A.findings[A.nfindings - 1], "not available with VHE"),
	   "protected asked, VHE kept: a finding says the kernel ignored it");
	F.log_pkvm_refused = false;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected",
	       "protected asked, log says VHE mode: rejected");
	ok(strstr(A.behaviour_basis, "Reduced IPA size") != NULL,
	   "VHE mode: the fixed kernel's line");
	/* The command line alone: a hint, said to be one. */
	F.log_kvm_mode[0] = '\0';
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-capped", "command line only: capped");
	ok(strstr(A.behaviour_basis, "unconfirmed") != NULL, "command line only: says unconfirmed");

	/* Before 6.2 protected mode rejects type 0 like any fixed kernel (audit item 2). */
	snprintf(F.kernel_release, sizeof(F.kernel_release), "6.1.0-26-arm64");
	F.log_protected = true;
	snprintf(F.log_kvm_mode, sizeof(F.log_kvm_mode),
		 "Protected nVHE mode initialized successfully");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected",
	       "offline pKVM 6.1: rejected");
	ok(strstr(A.behaviour_basis, "only from 6.2") != NULL, "pKVM 6.1: the basis says why");
	snprintf(W.kernel, sizeof(W.kernel), "6.1.0");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected",
	       "pKVM --kernel 6.1.0: the prediction agrees with the log");
	W.kernel[0] = '\0';
	snprintf(F.kernel_release, sizeof(F.kernel_release), "not-a-version");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "unknown", "pKVM, unreadable release: unknown");
	/* "upgrade your VMM" is printed only where type 0 is refused: never capped. */
	snprintf(F.kernel_release, sizeof(F.kernel_release), "6.12.118+deb13-arm64");
	F.log_default_warned = true;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected",
	       "pKVM line but this boot refused type 0: rejected");
	/* The IPA line wrapped out of the log: 6.2+ with pKVM caps all the same. */
	F.log_default_warned = false;
	F.log_format = LOG_FMT_NONE;
	F.log_reduced_suffix = false;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-capped",
	       "pKVM 6.12, no IPA line in the log: capped");
	F.log_format = LOG_FMT_NEW;
	F.log_reduced_suffix = true;
	F.log_default_warned = false;
	F.log_protected = false;
	F.log_kvm_mode[0] = '\0';
	F.kvm_arm_mode[0] = '\0';

	F.log_ipa_limit = ipa_known(48);
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-fits", "offline 48: fits");
}

static void test_access(void)
{
	arm64_host(36);
	O.probed = false;
	F.dev_present = false;
	run();
	is_int(A.status, ST_UNKNOWN, "no /dev/kvm: UNKNOWN");
	ok(strstr(A.summary, "missing") != NULL, "no /dev/kvm: says so");

	F.dev_present = true;
	F.dev_accessible = false;
	F.dev_mode = 0660;
	snprintf(F.dev_group, sizeof(F.dev_group), "kvm");
	O.open_errno = EACCES;
	run();
	is_int(A.status, ST_UNKNOWN, "EACCES: UNKNOWN");
	ok(strstr(A.fix, "group kvm") != NULL, "EACCES: tells which group");
	F.dev_mode = 0600;
	snprintf(F.dev_group, sizeof(F.dev_group), "root");
	run();
	ok(strstr(A.fix, "only root") != NULL && !strstr(A.fix, "usermod"),
	   "mode 0600: no advice to join group root");
	/* a gid without a name (getgrgid() failed or found none): the number, said so */
	F.dev_mode = 0660;
	F.dev_group_is_gid = true;
	snprintf(F.dev_group, sizeof(F.dev_group), "gid 1234");
	run();
	ok(strstr(A.summary, "mode 0660, gid 1234)") && strstr(A.fix, "usermod -aG 1234 USER"),
	   "unnamed gid: summary says gid, usermod gets the number (%s / %s)", A.summary, A.fix);
	snprintf(F.dev_group, sizeof(F.dev_group), "gid 0");
	run();
	ok(strstr(A.fix, "only root") != NULL && !strstr(A.fix, "usermod") &&
		   !strstr(A.summary, "group 0"),
	   "unnamed gid 0: no advice to join it, never called group 0");
	F.dev_group_is_gid = false;

	memset(&F, 0, sizeof(F));
	memset(&O, 0, sizeof(O));
	F.arch = ARCH_X86_64;
	F.live = F.dev_known = F.dev_present = F.dev_accessible = true;
	O.probed = true;
	O.api_version = KVM_API_VERSION;
	O.default_vm.result = PR_CREATED;
	O.run.result = RUN_EXITED;
	O.run.exit_reason = KVM_EXIT_MMIO;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "not-applicable", "x86: not applicable");
	is_int(A.status, ST_OK, "x86: OK");
	O.run.result = RUN_HANG;
	run();
	is_int(A.status, ST_CRITICAL, "x86 vCPU hang: CRITICAL");
	O.run.result = RUN_EXITED;
	F.arch = ARCH_UNKNOWN;
	O.probed = false;
	run();
	is_int(A.status, ST_UNKNOWN, "unknown arch: UNKNOWN");
}

static void predict(const char *rel, int limit, bool prot, const char *want, int conf)
{
	enum kernel_behaviour kb;
	char basis[160];
	int c = predict_kernel(rel, limit, prot, &kb, basis, sizeof(basis));

	is_str(kernel_behaviour_name(kb), want, "predict %s on %d bits%s", rel, limit,
	       prot ? " (protected)" : "");
	is_int(c, conf, "confidence for %s", rel);
}

static void test_predict(void)
{
	/* Thresholds: docs/kernel-facts.md §1 (7d717558dd5e and its stable backports). */
	predict("5.10.23", 36, false, "default-hangs", 2);
	predict("5.10.24", 36, false, "default-rejected", 2);
	predict("5.11.6", 36, false, "default-hangs", 2);
	predict("5.11.7", 36, false, "default-rejected", 2);
	predict("5.4.105", 36, false, "default-hangs", 2);
	predict("5.4.106", 36, false, "default-rejected", 2);
	predict("5.9.16", 36, false, "default-hangs", 2);
	predict("5.12", 36, false, "default-rejected", 2);
	predict("6.1.0-28-arm64", 36, false, "default-rejected", 2);
	predict("5.10.0-32-arm64", 36, false, "unknown", 0);
	predict("5.10", 36, false, "unknown", 0);
	predict("5.15.0-91-generic", 36, false, "default-rejected", 2);
	predict("4.19.300", 36, false, "default-hangs", 1);
	predict("6.6.1", 36, true, "default-capped", 1);
	predict("6.1.1", 36, true, "default-rejected", 2);
	/* a distribution 6.1 could carry a vendor's pKVM backport: not sure */
	predict("6.1.0-26-arm64", 36, true, "default-rejected", 1);
	predict("6.2.0", 36, true, "default-capped", 1);
	predict("5.10.23", 44, false, "default-fits", 2);
	predict("garbage", 36, false, "unknown", 0);
	predict("6.1", 0, false, "unknown", 0);

	/* --kernel on a measured host is a prediction, marked as one. */
	arm64_host(36);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	snprintf(W.kernel, sizeof(W.kernel), "5.10.20");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-hangs", "--kernel 5.10.20: hangs");
	ok(!A.behaviour_measured, "--kernel: not measured");
	is_int(A.status, ST_CRITICAL, "--kernel 5.10.20 on 36 bits: CRITICAL");

	/* --ipa-limit: another host class on this (fixed) kernel. */
	arm64_host(44);
	O.default_vm.result = PR_CREATED;
	W.ipa_limit = ipa_known(36);
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "--ipa-limit 36 on 6.1");
	is_int(ipa_bits(A.ipa_limit), 36, "--ipa-limit used");
	ok(!A.ipa_limit_measured, "--ipa-limit: not measured");
}

static void test_vmms(void)
{
	/* The host's status takes the worst verdict of the VMMs judged. */
	arm64_host(36);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	W.nvmms = 1;
	snprintf(W.vmms[0].name, sizeof(W.vmms[0].name), "firecracker");
	snprintf(W.vmms[0].version, sizeof(W.vmms[0].version), "0.24.0");
	run();
	is_int(A.nvmms, 1, "one VMM judged");
	is_str(vmm_verdict_name(A.vmms[0].verdict), "fails", "Firecracker 0.24 on fixed 36-bit");
	ok(A.vmms[0].what_if, "named with --vmm: what-if");
	is_int(A.status, ST_CRITICAL, "a failing VMM makes the host CRITICAL");
	ok(!strncmp(A.summary, "firecracker 0.24.0 fails; ", 26), "summary names it first: %s",
	   A.summary);
	snprintf(W.vmms[0].version, sizeof(W.vmms[0].version), "1.7.0");
	run();
	is_str(vmm_verdict_name(A.vmms[0].verdict), "works", "Firecracker 1.7 on 36-bit");
	is_int(A.status, ST_WARNING, "working VMM: the kernel's WARNING stands");
	ok(A.vmms[0].max_guest_ram > 0, "per-VMM largest RAM filled");
}

static void add_vmm(const char *name, const char *version)
{
	snprintf(W.vmms[W.nvmms].name, sizeof(W.vmms[0].name), "%s", name);
	snprintf(W.vmms[W.nvmms].version, sizeof(W.vmms[0].version), "%s", version);
	W.nvmms++;
}

/* This machine's kind of host: x86-64, KVM measured and working. */
static void x86_host(void)
{
	memset(&F, 0, sizeof(F));
	memset(&O, 0, sizeof(O));
	memset(&W, 0, sizeof(W));
	F.arch = ARCH_X86_64;
	snprintf(F.arch_name, sizeof(F.arch_name), "x86_64");
	snprintf(F.kernel_release, sizeof(F.kernel_release), "6.18.44");
	F.live = F.dev_known = F.dev_present = F.dev_accessible = true;
	F.page_size = 4096;
	O.probed = true;
	O.api_version = KVM_API_VERSION;
	O.ipa_limit = IPA_LIMIT_UNKNOWN;
	O.default_vm.result = PR_CREATED;
	O.run.result = RUN_EXITED;
	O.run.exit_reason = KVM_EXIT_MMIO;
}

/* The README's what-if: a 36-bit arm64 host class, kernel 6.1.0, QEMU 6.2 and 7.2.6. */
static void readme_whatif(void)
{
	W.ipa_limit = ipa_known(36);
	snprintf(W.kernel, sizeof(W.kernel), "6.1.0");
	add_vmm("qemu", "6.2");
	add_vmm("qemu", "7.2.6");
	add_vmm("firecracker", "1.7.0");
}

/* The verdict everywhere must be this one. */
static void same_verdict(const char *where)
{
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "%s: 6.1.0 on 36 bits",
	       where);
	ok(!A.behaviour_measured, "%s: predicted, not measured", where);
	is_int(A.judged_arch, ARCH_ARM64, "%s: an arm64 host is judged", where);
	is_int(ipa_bits(A.ipa_limit), 36, "%s: the given limit is used", where);
	is_int(A.nvmms, 3, "%s: three VMMs judged", where);
	is_str(vmm_verdict_name(A.vmms[0].verdict), "fails", "%s: QEMU 6.2 fails", where);
	is_str(vmm_verdict_name(A.vmms[1].verdict), "limited", "%s: QEMU 7.2.6 limited", where);
	is_str(vmm_verdict_name(A.vmms[2].verdict), "works", "%s: Firecracker 1.7.0 works", where);
	is_int(A.status, ST_CRITICAL, "%s: CRITICAL", where);
	ok(!strncmp(A.summary, "qemu 6.2 fails; ", 16), "%s: summary names QEMU 6.2: %s", where,
	   A.summary);
	is_int(A.max_guest_ram, (1ULL << 36) - (2ULL << 30), "%s: RAM figure of 36 bits", where);
}

static void test_whatif_any_host(void)
{
	/* x86-64, root: measured x86 KVM; the verdict is about the arm64 class. */
	x86_host();
	readme_whatif();
	run();
	same_verdict("x86-64, root");
	ok(A.other_host, "x86-64: the judged host is not this host");
	ok(strstr(A.judged_host, "arm64 host with a 36-bit IPA limit, kernel 6.1.0") != NULL,
	   "x86-64: the report says which host is judged: %s", A.judged_host);
	ok(strstr(A.judged_host, "x86_64 host") != NULL, "x86-64: and which host measured");
	ok(strstr(A.summary, "(predicted)") && strstr(A.summary, "an arm64 host class"),
	   "x86-64: summary says predicted, for an arm64 host");
	ok(strstr(A.default_vmm, "on a 36-bit host") != NULL, "x86-64: not 'this 36-bit host'");

	/* An anomaly of this x86 host's own KVM is not the arm64 verdict. */
	O.api_version = 11;
	run();
	is_int(A.status, ST_CRITICAL, "x86-64, odd API version: still the what-if verdict");
	O.api_version = KVM_API_VERSION;

	/* --no-probe. */
	O.probed = false;
	snprintf(O.skip_reason, sizeof(O.skip_reason), "--no-probe given");
	run();
	same_verdict("x86-64, --no-probe");

	/* Ordinary user: /dev/kvm 0600 root. */
	F.dev_accessible = false;
	F.dev_mode = 0600;
	snprintf(F.dev_group, sizeof(F.dev_group), "root");
	O.open_errno = EACCES;
	run();
	same_verdict("x86-64, ordinary user");
	ok(A.nfindings > 0 && strstr(A.findings[A.nfindings - 1], "cannot open /dev/kvm"),
	   "ordinary user: the access problem stays a finding");
	ok(!strstr(A.fix, "run as root"), "ordinary user: no advice to run as root: %s", A.fix);

	/* arm64, offline tree of another class (44 bits): --ipa-limit wins. */
	arm64_host(44);
	O.probed = false;
	O.ipa_limit = IPA_LIMIT_UNKNOWN;
	F.live = F.dev_known = false;
	F.log_ipa_limit = ipa_known(44);
	readme_whatif();
	run();
	same_verdict("arm64 --sysroot (44-bit tree)");
	ok(!A.other_host, "arm64 tree: this host, with the what-if inputs");

	/* arm64, live, ordinary user: nothing measured, still answered. */
	arm64_host(36);
	O.probed = false;
	O.ipa_limit = IPA_LIMIT_UNKNOWN;
	F.dev_accessible = false;
	O.open_errno = EACCES;
	readme_whatif();
	run();
	same_verdict("arm64, ordinary user");

	/* arm64, root, measured 36 bits, fixed kernel. */
	arm64_host(36);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	readme_whatif();
	run();
	same_verdict("arm64, root");
}

static void test_whatif_limits(void)
{
	char msg[256] = "";

	/* --kernel on x86 without a limit has nothing to apply to: a usage error. */
	x86_host();
	snprintf(W.kernel, sizeof(W.kernel), "5.10.23");
	is_int(whatif_check(&F, &W, msg, sizeof(msg)), -EINVAL, "x86 --kernel alone: refused");
	ok(strstr(msg, "--ipa-limit") && strstr(msg, "x86_64"), "and says what to add: %s", msg);
	W.ipa_limit = ipa_known(36);
	is_int(whatif_check(&F, &W, msg, sizeof(msg)), 0, "x86 --kernel --ipa-limit: accepted");
	F.arch = ARCH_UNKNOWN;
	W.ipa_limit = IPA_LIMIT_UNKNOWN;
	is_int(whatif_check(&F, &W, msg, sizeof(msg)), -EINVAL, "unknown arch --kernel: refused");
	arm64_host(36);
	snprintf(W.kernel, sizeof(W.kernel), "5.10.23");
	is_int(whatif_check(&F, &W, msg, sizeof(msg)), 0, "arm64 --kernel alone: accepted");

	/* --ipa-limit without --kernel from x86: no kernel to predict from below 40 bits. */
	x86_host();
	W.ipa_limit = ipa_known(36);
	add_vmm("firecracker", "1.7.0");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "unknown", "x86 --ipa-limit 36 alone: unknown");
	ok(strstr(A.behaviour_basis, "--kernel") != NULL, "and says to give --kernel: %s",
	   A.behaviour_basis);
	is_int(A.status, ST_UNKNOWN, "x86 --ipa-limit 36 alone: UNKNOWN");
	is_str(vmm_verdict_name(A.vmms[0].verdict), "works", "a sized VMM still works");
	W.ipa_limit = ipa_known(44);
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-fits", "x86 --ipa-limit 44: fits");
	is_int(A.status, ST_OK, "x86 --ipa-limit 44: OK");

	/* x86 VMMs found on this host are not the arm64 host's. */
	F.nvmms_found = 1;
	snprintf(F.vmms_found[0].name, sizeof(F.vmms_found[0].name), "qemu");
	snprintf(F.vmms_found[0].version, sizeof(F.vmms_found[0].version), "6.2");
	run();
	is_int(A.nvmms, 1, "x86 --ipa-limit: the VMM found here is not judged");
	ok(A.nfindings > 0 && strstr(A.findings[0], "name them with --vmm"), "and says so");

	/* --vmm alone on x86 judges this x86 host. */
	W.ipa_limit = IPA_LIMIT_UNKNOWN;
	run();
	ok(!A.other_host, "x86 --vmm alone: this host");
	is_str(kernel_behaviour_name(A.behaviour), "not-applicable", "x86 --vmm alone: x86");
	is_int(A.nvmms, 2, "x86 --vmm alone: found and named VMMs judged");

	/* arm64, no access, no log: --kernel alone cannot tell, and says why. */
	arm64_host(36);
	O.probed = false;
	O.ipa_limit = IPA_LIMIT_UNKNOWN;
	F.dev_accessible = false;
	O.open_errno = EACCES;
	snprintf(W.kernel, sizeof(W.kernel), "5.10.23");
	run();
	is_int(A.status, ST_UNKNOWN, "arm64 no access, no limit: UNKNOWN");
	ok(strstr(A.summary, "give --ipa-limit") != NULL, "and says to give --ipa-limit: %s",
	   A.summary);
	F.log_ipa_limit = ipa_known(36);
	run();
	is_int(A.status, ST_CRITICAL, "arm64 no access, log limit 36, 5.10.23: CRITICAL");

	/* Every --vmm is judged, however many VMMs were found. */
	arm64_host(36);
	F.nvmms_found = KIC_MAX_VMMS;
	for (int i = 0; i < KIC_MAX_VMMS; i++)
		snprintf(F.vmms_found[i].name, sizeof(F.vmms_found[i].name), "qemu");
	for (int i = 0; i < KIC_MAX_VMMS; i++)
		add_vmm("firecracker", "0.24.0");
	run();
	is_int(A.nvmms, 2 * KIC_MAX_VMMS, "24 found and 24 named: all judged");
}

static void test_summary(void)
{
	static const char *const names[][2] = {
		{ "qemu", "6.2" },	     { "firecracker", "0.24.0" },
		{ "libkrun", "0.1.7" },	     { "cloud-hypervisor", "15.0" },
		{ "qemu", "5.2" },	     { "qemu", "4.2.1" },
		{ "firecracker", "0.23.0" }, { "libvirt", "6.2" },
		{ "qemu", "6.1.1" },	     { "qemu", "6.0.1" },
		{ "qemu", "5.1.0" },	     { "qemu", "5.0.1" },
	};
	const char *p, *end;
	int n = sizeof(names) / sizeof(names[0]);
	bool whole = true;

	arm64_host(36);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	for (int i = 0; i < n; i++)
		add_vmm(names[i][0], names[i][1]);
	run();
	for (int i = 0; i < n; i++)
		is_str(vmm_verdict_name(A.vmms[i].verdict), "fails", "%s %s fails on 36 bits",
		       names[i][0], names[i][1]);
	ok(!strncmp(A.summary, "12 VMMs fail: qemu 6.2, firecracker 0.24.0, ", 44),
	   "many VMMs: counted, then listed: %s", A.summary);
	/* Each listed item is a whole "name version" of a failing VMM. */
	p = A.summary + strlen("12 VMMs fail: ");
	end = strstr(p, "; ");
	ok(end != NULL, "the list ends with a separator");
	while (end && p < end) {
		const char *q = strstr(p, ", ");
		size_t len = (size_t)((q && q < end ? q : end) - p);
		bool found = len == 3 && !strncmp(p, "...", 3);

		for (int i = 0; i < n && !found; i++) {
			char item[64];

			snprintf(item, sizeof(item), "%s %s", names[i][0], names[i][1]);
			found = strlen(item) == len && !strncmp(p, item, len);
		}
		if (!found)
			whole = false;
		p += len + 2;
	}
	ok(whole, "the list holds only whole items and '...'");
	ok(strstr(A.summary, "; default-rejected (measured)") != NULL,
	   "the behaviour follows after a separator");

	/* Few VMMs: every one with its verdict. */
	arm64_host(36);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	add_vmm("qemu", "6.2");
	add_vmm("libkrun", "0.1.7");
	run();
	ok(!strncmp(A.summary, "qemu 6.2 fails, libkrun 0.1.7 fails; default-rejected", 53),
	   "two VMMs: listed with verdicts: %s", A.summary);

	/* A 32-bit limit: one size, said once. */
	arm64_host(32);
	O.default_vm.result = PR_REJECTED;
	O.default_vm.err = EINVAL;
	run();
	ok(strstr(A.sized_vmm, "VMs of 32 bits only") != NULL, "32 bits: %s", A.sized_vmm);
	ok(!strstr(A.sized_vmm, "32 to 32"), "32 bits: no '32 to 32'");
}

int main(void)
{
	test_measured();
	test_vmms();
	test_offline();
	test_access();
	test_predict();
	test_whatif_any_host();
	test_whatif_limits();
	test_summary();
	return done_testing();
}

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
	O.api_version = 12;
	O.ipa_limit = limit;
	for (int b = 32; b <= limit + 1; b++) {
		struct ipa_probe *p = &O.ipa[O.nipa++];

		p->bits = b;
		p->result = b <= limit ? PR_CREATED : PR_REJECTED;
		p->err = b <= limit ? 0 : EINVAL;
	}
	O.run.result = RUN_EXITED;
	O.run.exit_reason = 6;
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
	F.log_ipa_limit = 36;
	F.log_reduced_suffix = true;
	F.log_format = 1;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "skipped, log: rejected");
	ok(!A.behaviour_measured, "from the log: not measured");
}

static void test_offline(void)
{
	arm64_host(36);
	O.probed = false;
	O.ipa_limit = -1;
	F.live = false;
	F.dev_known = false;
	run();
	is_int(A.status, ST_UNKNOWN, "offline, no log: UNKNOWN");

	F.log_ipa_limit = 36;
	F.log_unfixed_warn = true;
	F.log_format = 2;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-hangs", "offline 5.10 WARN: hangs");
	ok(!A.behaviour_measured, "offline: not measured");

	F.log_unfixed_warn = false;
	F.log_format = 1;
	F.log_reduced_suffix = true;
	snprintf(F.kvm_arm_mode, sizeof(F.kvm_arm_mode), "protected");
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-capped", "offline pKVM: capped");

	F.log_ipa_limit = 48;
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

	memset(&F, 0, sizeof(F));
	memset(&O, 0, sizeof(O));
	F.arch = ARCH_X86_64;
	F.live = F.dev_known = F.dev_present = F.dev_accessible = true;
	O.probed = true;
	O.api_version = 12;
	O.default_vm.result = PR_CREATED;
	O.run.result = RUN_EXITED;
	O.run.exit_reason = 6;
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
	/* Thresholds: kernel.md §1.3 (7d717558dd5e and its stable backports). */
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
	W.ipa_limit = 36;
	run();
	is_str(kernel_behaviour_name(A.behaviour), "default-rejected", "--ipa-limit 36 on 6.1");
	is_int(A.ipa_limit, 36, "--ipa-limit used");
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

int main(void)
{
	test_measured();
	test_vmms();
	test_offline();
	test_access();
	test_predict();
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VMM knowledge base and judge: every row just below, at and above its
 * release thresholds, on 36/40/44/48-bit hosts and under every kernel
 * behaviour; real `--version` outputs; largest guest RAM per layout.
 * The expected verdicts are written here as a table of behaviour classes, so
 * the test states the rules independently of how vmm.c encodes them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "tap.h"
#include "vmm.h"

#define MiB (1ULL << 20)

/* How a release behaves; the expected verdicts per host follow from it. */
enum cls {
	C_TYPE0,       /* type 0, high device regions beyond 36 bits (QEMU <= 3.1) */
	C_TYPE0_PLAIN, /* type 0, map within 33 bits (old FC, kvmtool, CH, crosvm, ...) */
	C_TYPE0_RAM,   /* type 0, memory up to 40 bits (gVisor before 2026-07-14) */
	C_GVISOR_ANY,  /* gVisor of unknown release: the two above disagree under pKVM */
	C_FIXED40,     /* asks for its fixed 40-bit map (QEMU 4.0-6.2) */
	C_FITS,	       /* map cut to the limit (QEMU >= 7.0) */
	C_SIZED,       /* host maximum or minimal: fits anything from 32 bits */
	C_SIZED_OPT,   /* host maximum, but options need regions above 2^36 (FC >= 1.13) */
	C_PROBE0,      /* libvirt: type-0 probe, then QEMU >= 7.0 */
	C_PROBE_OK,    /* libvirt: sized probe, then QEMU >= 7.0 */
	C__N,
};

/* Kernel behaviours in check.h order: unknown, fits, rejected, capped, hangs, n/a. */
#define W VV_WORKS
#define L VV_LIMITED
#define U VV_UNKNOWN
#define F VV_FAILS
#define H VV_HANGS
static const enum vmm_verdict on36[C__N][6] = {
	[C_TYPE0] = { U, U, F, L, H, U },     [C_TYPE0_PLAIN] = { U, U, F, W, H, U },
	[C_TYPE0_RAM] = { U, U, F, F, H, U }, [C_GVISOR_ANY] = { U, U, F, U, H, U },
	[C_FIXED40] = { F, F, F, F, F, F },   [C_FITS] = { L, L, L, L, L, L },
	[C_SIZED] = { W, W, W, W, W, W },     [C_SIZED_OPT] = { L, L, L, L, L, L },
	[C_PROBE0] = { U, U, F, L, L, U },    [C_PROBE_OK] = { L, L, L, L, L, L },
};
#undef W
#undef L
#undef U
#undef F
#undef H

static const struct vcase {
	const char *name, *version;
	enum cls cls;
} cases[] = {
	/* QEMU: 4.0 kvm_type, 6.0 explicit, 7.0 map fitted to the host */
	{ "qemu", "3.1.0", C_TYPE0 },
	{ "qemu", "3.1.1", C_TYPE0 },
	{ "qemu", "4.0.0", C_FIXED40 },
	{ "qemu", "4.0.1", C_FIXED40 },
	{ "qemu", "5.2.0", C_FIXED40 },
	{ "qemu", "6.0.0", C_FIXED40 },
	{ "qemu", "6.0.1", C_FIXED40 },
	{ "qemu", "6.2.0", C_FIXED40 },
	{ "qemu-system-aarch64", "6.99.99", C_FIXED40 },
	{ "qemu", "7.0.0", C_FITS },
	{ "qemu", "7.0.1", C_FITS },
	{ "qemu", "v7.2.22", C_FITS },
	{ "qemu", "10.0.13", C_FITS },
	/* libvirt (versions are QEMU's): probe fixed in 8.2, 7.2.6, 8.0.5, 8.1.1 */
	{ "libvirt", "3.1.0", C_TYPE0 },
	{ "libvirt", "6.2.0", C_FIXED40 },
	{ "libvirt", "7.2.5", C_PROBE0 },
	{ "libvirt", "7.2.6", C_PROBE_OK },
	{ "libvirt", "7.2.7", C_PROBE_OK },
	{ "libvirtd", "8.0.4", C_PROBE0 },
	{ "libvirt", "8.0.5", C_PROBE_OK },
	{ "libvirt", "8.0.6", C_PROBE_OK },
	{ "libvirt", "8.1.0", C_PROBE0 },
	{ "libvirt", "8.1.1", C_PROBE_OK },
	{ "libvirt", "8.1.2", C_PROBE_OK },
	{ "libvirt", "8.2.0", C_PROBE_OK },
	/* kvmtool: committed 2021-08-31 (authored 2021-08-22) */
	{ "kvmtool", "20210822", C_TYPE0_PLAIN },
	{ "kvmtool", "20210830", C_TYPE0_PLAIN },
	{ "lkvm", "0.20170904-1", C_TYPE0_PLAIN },
	{ "kvmtool", "<20210831", C_TYPE0_PLAIN }, /* a binary without the fix's message */
	{ "kvmtool", "20210831", C_SIZED },
	{ "kvmtool", "2021-08-31", C_SIZED },
	{ "kvmtool", "20210901", C_SIZED },
	/* Firecracker: kvm-ioctls 0.9 in v0.25.0; PCI window in v1.13.0; pmem and
	 * virtio-mem at 512 GiB in v1.14.0 */
	{ "firecracker", "0.24.6", C_TYPE0_PLAIN },
	{ "firecracker", "0.25.0", C_SIZED },
	{ "firecracker", "0.25.1", C_SIZED },
	{ "firecracker", "v1.7.0", C_SIZED },
	{ "firecracker", "1.12.9", C_SIZED },
	{ "firecracker", "1.13.0", C_SIZED_OPT },
	{ "firecracker", "1.13.2", C_SIZED_OPT },
	{ "firecracker", "1.14.0", C_SIZED_OPT },
	{ "firecracker", "1.16.1", C_SIZED_OPT },
	/* Cloud Hypervisor v16.0; the 64 MiB hole of v23.0 changes only RAM */
	{ "cloud-hypervisor", "15.0", C_TYPE0_PLAIN },
	{ "cloud-hypervisor", "15.99", C_TYPE0_PLAIN },
	{ "cloud-hypervisor", "16.0", C_SIZED },
	{ "cloud-hypervisor", "16.0-12-gabc1234", C_SIZED },
	{ "cloud-hypervisor", "16.1", C_SIZED },
	{ "cloud-hypervisor", "23.0", C_SIZED },
	/* crosvm: committed 2021-11-01 (authored 2021-08-26) */
	{ "crosvm", "20210826", C_TYPE0_PLAIN },
	{ "crosvm", "20211031", C_TYPE0_PLAIN },
	{ "crosvm", "20211101", C_SIZED },
	{ "crosvm", "20211102", C_SIZED },
	/* libkrun: 0.1.7 type 0; 0.1.8 to 0.2.1 a kvm-ioctls fork with
	 * 363ac11884c7; 1.0.0 kvm-ioctls 0.11 */
	{ "libkrun", "0.1.7", C_TYPE0_PLAIN },
	{ "libkrun", "0.1.8", C_SIZED },
	{ "libkrun", "0.2.1", C_SIZED },
	{ "libkrun", "1.0.0", C_SIZED },
	{ "libkrun", "1.9.4", C_SIZED },
	/* gVisor: always type 0; its map fits the host from release-20260714.0 */
	{ "gvisor", "20240513.0", C_TYPE0_RAM },
	{ "gvisor", "20260707.0", C_TYPE0_RAM },
	{ "gvisor", "20260714.0", C_TYPE0_PLAIN },
	{ "runsc", "20260721.0", C_TYPE0_PLAIN },
	{ "runsc", "", C_GVISOR_ANY },
	/* Solo5 and Hyperlight: every release creates type 0 */
	{ "solo5-hvt", "0.9.3", C_TYPE0_PLAIN },
	{ "solo5-hvt", NULL, C_TYPE0_PLAIN },
	/* kvm-ioctls 0.9.0 */
	{ "kvm-ioctls", "0.8.0", C_TYPE0_PLAIN },
	{ "kvm-ioctls", "0.8.99", C_TYPE0_PLAIN },
	{ "kvm-ioctls", "0.9.0", C_SIZED },
	{ "kvm-ioctls", "0.9.1", C_SIZED },
	{ "kvm-ioctls", "0.24.0", C_SIZED },
	{ "hyperlight", "0.16.0", C_TYPE0_PLAIN },
	{ "hyperlight", NULL, C_TYPE0_PLAIN },
	/* Dragonball: the host's size, but a fixed 40-bit MMIO pool on top */
	{ "dragonball", "3.0.0", C_SIZED_OPT },
	{ "kata-dragonball", NULL, C_SIZED_OPT },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const enum kernel_behaviour kbs[] = { KB_UNKNOWN,	  KB_DEFAULT_FITS,
					     KB_DEFAULT_REJECTED, KB_DEFAULT_CAPPED,
					     KB_DEFAULT_HANGS,	  KB_NOT_APPLICABLE };

/* The tests' shorthand for a limit: -1 unknown, 0 capability absent, else bits. */
static struct ipa_limit lim(int v)
{
	return v < 0 ? (struct ipa_limit){ IPA_UNKNOWN, 0 }
	       : v   ? ipa_known(v)
		     : (struct ipa_limit){ IPA_ABSENT, 0 };
}

static struct vmm_result judge(enum kic_arch arch, int limit, enum kernel_behaviour kb,
			       const char *name, const char *version)
{
	struct vmm_env env = { .arch = arch, .ipa_limit = lim(limit), .kb = kb, .kb_measured = true };
	struct vmm_result r;

	memset(&r, 0x5a, sizeof(r));
	if (vmm_judge(&env, name, version, &r) < 0)
		r.verdict = (enum vmm_verdict) - 1;
	return r;
}

static bool terminated_and_whole(const struct vmm_result *r)
{
	/* A reason that fills its buffer was probably cut short. */
	return memchr(r->reason, 0, sizeof(r->reason)) &&
	       strlen(r->reason) + 1 < sizeof(r->reason) && memchr(r->fix, 0, sizeof(r->fix)) &&
	       strlen(r->fix) + 1 < sizeof(r->fix);
}

/* One line per case and host; every verdict and every sentence is checked. */
static void test_matrix(void)
{
	static const int limits[] = { 36, 40, 44, 48 };
	int bad_text = 0, no_fix = 0;

	for (size_t l = 0; l < 4; l++)
		for (size_t k = 0; k < 6; k++)
			for (size_t i = 0; i < NCASES; i++) {
				const struct vcase *c = &cases[i];
				struct vmm_result r =
					judge(ARCH_ARM64, limits[l], kbs[k], c->name, c->version);
				enum vmm_verdict want =
					limits[l] == 36 ? on36[c->cls][k] : VV_WORKS;

				is_int(r.verdict, want, "%s %s on a %d-bit host, kernel %s: %s",
				       c->name, c->version ? c->version : "(none)", limits[l],
				       kernel_behaviour_name(kbs[k]), vmm_verdict_name(want));
				if (r.verdict != want)
					printf("#   reason: %s\n", r.reason);
				bad_text += !terminated_and_whole(&r) || !r.reason[0];
				no_fix += (r.verdict == VV_FAILS || r.verdict == VV_HANGS) &&
					  !r.fix[0];
			}
	is_int(bad_text, 0, "every reason and fix is terminated, whole and non-empty");
	is_int(no_fix, 0, "every failure and hang names a fix");
}

static bool has(const struct vmm_result *r, const char *s)
{
	bool yes = strstr(r->reason, s) || strstr(r->fix, s);

	if (!yes)
		printf("#   no \"%s\" in: %s | %s\n", s, r->reason, r->fix);
	return yes;
}

/* What the user is told: the exact messages and the fixes. */
static void test_messages(void)
{
	struct vmm_result r;

	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "qemu", "3.1.0");
	ok(has(&r, "\"ioctl(KVM_CREATE_VM) failed: 22 Invalid argument\""),
	   "QEMU 3.1 on a fixed kernel: kvm_init's message");
	ok(has(&r, "QEMU 7.0 or later"), "QEMU 3.1: fix is 7.0");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_HANGS, "qemu", "3.1.0");
	ok(has(&r, "hangs on its first memory access") && has(&r, "5.10.24"),
	   "QEMU 3.1 on an unfixed kernel: hang, kernel fix named");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "qemu", "6.2.0");
	ok(has(&r, "require an IPA range (40 bits) larger than the one supported by the host "
		   "(36 bits)"),
	   "QEMU 6.2: virt_kvm_type's message with both sizes");
	ok(has(&r, "highmem=off does not help"), "QEMU 6.2: highmem=off is no way out");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "qemu", "7.2.22");
	ok(has(&r, "123 vCPUs") && has(&r, "64-bit PCIe MMIO window") && has(&r, "63 GiB"),
	   "QEMU 7.2 on 36 bits: high regions left out, 63 GiB of RAM");
	ok(has(&r, ">123 vCPUs need 39 IPA bits"), "QEMU 7.2: the 2nd redistributor region ends "
						   "at 256 GiB + 64 MiB, 39 bits");
	r = judge(ARCH_ARM64, 39, KB_DEFAULT_REJECTED, "qemu", "7.2.22");
	is_int(r.verdict, VV_LIMITED, "QEMU 7.2 on 39 bits: still limited");
	ok(has(&r, "64-bit PCIe MMIO window") && !strstr(r.reason, "123 vCPUs") &&
		   has(&r, "511 GiB"),
	   "QEMU 7.2 on 39 bits: only the 512 GiB window left out");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "libvirt", "8.1.0");
	ok(has(&r, "does not support virt type 'kvm'") && has(&r, "8.1.1"),
	   "libvirt with QEMU 8.1.0: the probe's message and the stable fix");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "kvmtool", "20210101");
	ok(has(&r, "\"Error: KVM_CREATE_VM ioctl\"") && has(&r, "2021-08-31"),
	   "old kvmtool: its error and the date that fixes it");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "kvmtool", "<20210831");
	is_int(r.verdict, VV_FAILS, "kvmtool without the fix's message, fixed kernel: fails");
	ok(has(&r, "kvmtool built before 2021-08-31 creates VM type 0"),
	   "... and says when it was built");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_HANGS, "kvmtool", "<20210831");
	is_int(r.verdict, VV_HANGS, "kvmtool without the fix's message, unfixed kernel: hangs");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "kvmtool", "<nodate");
	is_int(r.verdict, VV_UNKNOWN, "\"<\" without a date: version unknown");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "qemu", "<20210831");
	is_int(r.verdict, VV_UNKNOWN, "\"<date\" on a row with releases: version unknown");
	r = judge(ARCH_ARM64, 32, KB_DEFAULT_REJECTED, "kvmtool", "20210831");
	ok(r.verdict == VV_WORKS && has(&r, "asks for the IPA bits its RAM needs"),
	   "kvmtool 2021-08-31 asks for the bits its RAM needs");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "firecracker", "0.24.6");
	ok(has(&r, "\"Internal error while starting microVM: Vm(VmFd(Error(22)))\"") &&
		   has(&r, "0.25.0"),
	   "Firecracker 0.24: its API error printed with {:?}, fix 0.25.0");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "firecracker", "1.13.0");
	ok(has(&r, "--enable-pci") && !strstr(r.reason, "pmem"),
	   "Firecracker 1.13 on 36 bits: the PCI window caveat only");
	r = judge(ARCH_ARM64, 38, KB_DEFAULT_REJECTED, "firecracker", "1.13.0");
	is_int(r.verdict, VV_LIMITED,
	       "Firecracker 1.13 on 38 bits: PCI BARs at 256 GiB out of reach");
	r = judge(ARCH_ARM64, 39, KB_DEFAULT_REJECTED, "firecracker", "1.13.0");
	is_int(r.verdict, VV_WORKS, "Firecracker 1.13 on 39 bits: works");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "firecracker", "1.14.0");
	ok(r.verdict == VV_LIMITED && has(&r, "virtio-pmem and virtio-mem") && has(&r, "EFAULT") &&
		   has(&r, "--enable-pci") && has(&r, "62 GiB"),
	   "Firecracker 1.14 on 36 bits: pmem and virtio-mem fail with EFAULT, PCI too");
	r = judge(ARCH_ARM64, 39, KB_DEFAULT_REJECTED, "firecracker", "1.14.0");
	ok(r.verdict == VV_LIMITED && has(&r, "virtio-pmem") && !strstr(r.reason, "enable-pci"),
	   "Firecracker 1.14 on 39 bits: only pmem and virtio-mem out of reach");
	r = judge(ARCH_ARM64, 40, KB_DEFAULT_FITS, "firecracker", "1.14.0");
	is_int(r.verdict, VV_WORKS, "Firecracker 1.14 on 40 bits: works");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "cloud-hypervisor", "15.0");
	ok(has(&r, "\"called `Result::unwrap()` on an `Err` value: VmCreate(Invalid argument (os "
		   "error 22))\"") &&
		   has(&r, "v16.0"),
	   "Cloud Hypervisor 15: its panic, fix v16.0");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "crosvm", "20211031");
	ok(has(&r, "\"failed to create vm: Invalid argument (os error 22)\"") &&
		   has(&r, "2021-11-01"),
	   "crosvm of 2021-10-31: its error, fix dated 2021-11-01");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "libkrun", "0.1.7");
	ok(has(&r, "\"Building the microVM failed: Internal(Vm(VmFd(Error(22))))\"") &&
		   has(&r, "0.1.8"),
	   "libkrun 0.1.7: its log line, fix 0.1.8");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "gvisor", "20240513.0");
	ok(has(&r, "\"cannot create sandbox: cannot read client sync file: waiting for sandbox to "
		   "start: EOF\" on stderr") &&
		   has(&r,
		       "--debug-log: \"creating loader: creating platform: creating VM: invalid "
		       "argument\"") &&
		   has(&r, "systrap"),
	   "gVisor: runsc's stderr and its log line, and the platform to use instead");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_CAPPED, "gvisor", "20260707.0");
	ok(r.verdict == VV_FAILS && has(&r, "needs 40") &&
		   has(&r, "\"set memory region failed: invalid physical range\"") &&
		   has(&r, "20260714.0"),
	   "gVisor before 2026-07-14 under pKVM: the Sentry's throw on EFAULT");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_CAPPED, "gvisor", "20260714.0");
	is_int(r.verdict, VV_WORKS, "gVisor 2026-07-14 under pKVM: its map fits the host");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "gvisor", "20260714.0");
	ok(r.verdict == VV_FAILS && has(&r, "creating VM: invalid argument"),
	   "gVisor 2026-07-14 on a fixed kernel: still type 0, still refused");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "hyperlight", "0.16.0");
	ok(r.verdict == VV_FAILS &&
		   has(&r, "\"VM creation failed: KVM error: Invalid argument (os error 22)\""),
	   "Hyperlight: type 0 refused, its error");
	r = judge(ARCH_ARM64, 35, KB_DEFAULT_CAPPED, "hyperlight", "0.16.0");
	ok(r.verdict == VV_FAILS && has(&r, "EFAULT") && has(&r, "needs 36") &&
		   has(&r, "\"Hypervisor error: KVM error: Bad address (os error 14)\""),
	   "Hyperlight under pKVM on 35 bits: its memory at 64 GiB gets EFAULT");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "dragonball", "3.32.0");
	ok(r.verdict == VV_LIMITED && has(&r, "asks for the host's IPA size (36 bits)") &&
		   has(&r, "DAX") && has(&r, "EFAULT") && has(&r, "62 GiB"),
	   "Dragonball on 36 bits: sized VM, the 992 GiB MMIO pool out of reach");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "solo5-hvt", NULL);
	ok(has(&r, "\"solo5-hvt: KVM: ioctl (CREATE_VM) failed: Invalid argument\"") &&
		   has(&r, "solo5-spt"),
	   "Solo5 hvt: err(3) message, spt as the way out");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_CAPPED, "qemu", "3.1.0");
	ok(has(&r, "pKVM gives it the host's 36 bits") && has(&r, "cannot reach"),
	   "QEMU 3.1 under pKVM: a 36-bit VM whose high regions are out of reach");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "kvm-ioctls", "0.8.0");
	ok(has(&r, "0.9.0"), "kvm-ioctls 0.8: fix is 0.9.0");
	r = judge(ARCH_ARM64, 48, KB_DEFAULT_FITS, "qemu", "6.2.0");
	ok(has(&r, "within the 48-bit limit"), "QEMU 6.2 on 48 bits asks for 40, within the limit");
}

/* Hosts that are not a plain "36/40/44/48 bits, known". */
static void test_other_hosts(void)
{
	struct vmm_result r;

	r = judge(ARCH_X86_64, -1, KB_NOT_APPLICABLE, "qemu", "3.1.0");
	is_int(r.verdict, VV_WORKS, "x86: works");
	is_str(r.reason, "x86 VM types carry no IPA size", "x86: the reason");
	r = judge(ARCH_X86_64, 0, KB_UNKNOWN, "gvisor", NULL);
	is_int(r.verdict, VV_WORKS, "x86: gVisor works too");
	r = judge(ARCH_OTHER, 36, KB_DEFAULT_REJECTED, "qemu", "3.1.0");
	is_int(r.verdict, VV_UNKNOWN, "other architecture: unknown");
	r = judge(ARCH_UNKNOWN, 36, KB_DEFAULT_REJECTED, "qemu", "3.1.0");
	is_int(r.verdict, VV_UNKNOWN, "unknown architecture: unknown");

	/* No KVM_CAP_ARM_VM_IPA_SIZE: every VMM gets type 0. */
	r = judge(ARCH_ARM64, 0, KB_DEFAULT_FITS, "qemu", "7.2.22");
	is_int(r.verdict, VV_WORKS, "pre-4.20 kernel, 40-bit CPU: QEMU 7.2 works");
	r = judge(ARCH_ARM64, 0, KB_DEFAULT_HANGS, "firecracker", "1.7.0");
	is_int(r.verdict, VV_HANGS, "pre-4.20 kernel on a small CPU: even Firecracker 1.7 hangs");
	r = judge(ARCH_ARM64, 0, KB_DEFAULT_HANGS, "libvirt", "8.2.0");
	is_int(r.verdict, VV_HANGS, "pre-4.20 kernel on a small CPU: libvirt's QEMU hangs");
	r = judge(ARCH_ARM64, 0, KB_UNKNOWN, "qemu", "7.2.22");
	is_int(r.verdict, VV_UNKNOWN, "pre-4.20 kernel, CPU size unknown: unknown");

	/* Limit unknown: the kernel behaviour tells which side of 40 it is. */
	r = judge(ARCH_ARM64, -1, KB_DEFAULT_FITS, "qemu", "3.1.0");
	is_int(r.verdict, VV_WORKS, "limit unknown, default fits: works");
	r = judge(ARCH_ARM64, -1, KB_DEFAULT_REJECTED, "qemu", "7.2.22");
	is_int(r.verdict, VV_LIMITED, "limit unknown, default rejected: QEMU 7.2 limited");
	ok(has(&r, "at least"), "... and says the list may be longer");
	r = judge(ARCH_ARM64, -1, KB_DEFAULT_REJECTED, "qemu", "6.2.0");
	is_int(r.verdict, VV_FAILS, "limit unknown, default rejected: QEMU 6.2 fails");
	r = judge(ARCH_ARM64, -1, KB_DEFAULT_REJECTED, "firecracker", "1.7.0");
	is_int(r.verdict, VV_WORKS, "limit unknown, default rejected: Firecracker 1.7 works");
	r = judge(ARCH_ARM64, -1, KB_UNKNOWN, "firecracker", "1.7.0");
	is_int(r.verdict, VV_UNKNOWN, "nothing known: unknown");

	/* A hard-to-fit map on a 40-bit host and a 32-bit one. */
	r = judge(ARCH_ARM64, 32, KB_DEFAULT_REJECTED, "solo5-hvt", NULL);
	is_int(r.verdict, VV_FAILS, "Solo5 on 32 bits: type 0 refused");
	r = judge(ARCH_ARM64, 32, KB_DEFAULT_CAPPED, "solo5-hvt", NULL);
	is_int(r.verdict, VV_LIMITED, "Solo5 under pKVM on 32 bits: MMIO at 4 GiB out of reach");
}

/* Version unknown: a verdict only when every release agrees. */
static void test_unknown_version(void)
{
	struct vmm_result r;

	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "qemu", NULL);
	is_int(r.verdict, VV_UNKNOWN, "QEMU of unknown version on 36 bits: unknown");
	ok(has(&r, "fails before 7.0.0, limited from 7.0.0"), "... says which versions do what");
	ok(has(&r, "--version"), "... and how to learn the version");
	r = judge(ARCH_ARM64, 48, KB_DEFAULT_FITS, "qemu", "");
	is_int(r.verdict, VV_WORKS, "QEMU of unknown version on 48 bits: works");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "libvirt", NULL);
	ok(has(&r, "fails before 7.2.6, limited from 7.2.6, fails from 8.0.0, limited from 8.0.5"),
	   "libvirt of unknown QEMU: the stable branches in order");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "kvmtool", "3.18.0");
	is_int(r.verdict, VV_UNKNOWN, "kvmtool's fixed \"3.18.0\" is no date: unknown");
	ok(has(&r, "\"3.18.0\" tells nothing") && has(&r, "fails before 2021-08-31"),
	   "... says so and names the date");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "crosvm", "0.1.0");
	ok(r.verdict == VV_UNKNOWN && has(&r, "works from 2021-11-01"),
	   "crosvm 0.1.0: unknown, date named");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_CAPPED, "gvisor", NULL);
	ok(r.verdict == VV_UNKNOWN && has(&r, "fails before 20260714.0, works from 20260714.0"),
	   "gVisor of unknown release under pKVM: depends on the release");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_CAPPED, "kvmtool", NULL);
	is_int(r.verdict, VV_WORKS, "kvmtool under pKVM: every build works");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "gvisor", "");
	is_int(r.verdict, VV_FAILS, "gVisor of unknown version: fails (all releases)");
	r = judge(ARCH_ARM64, 36, KB_DEFAULT_REJECTED, "firecracker", "nightly");
	is_int(r.verdict, VV_UNKNOWN, "a version that is no number counts as unknown");
}

static void test_api_edges(void)
{
	struct vmm_env env = { .arch = ARCH_ARM64, .ipa_limit = lim(36), .kb = KB_DEFAULT_REJECTED };
	struct vmm_result r;

	is_int(vmm_judge(NULL, "qemu", "7.2", &r), -EINVAL, "judge: NULL env");
	is_int(vmm_judge(&env, NULL, "7.2", &r), -EINVAL, "judge: NULL name");
	is_int(vmm_judge(&env, "qemu", "7.2", NULL), -EINVAL, "judge: NULL result");
	is_int(vmm_judge(&env, "bhyve", "1.0", &r), -ENOENT, "judge: unknown VMM");
	is_int(vmm_judge(&env, "qemu-system-aarch64", "7.2.22", &r), 0, "judge by alias");
	is_str(r.name, "qemu", "result carries the canonical name");
	is_str(r.version, "7.2.22", "result carries the version");
	ok(!r.path[0] && !r.what_if, "path and what_if left for the caller");

	/* One KVM memslot caps the RAM a reason quotes (QEMU 7.2 at 44 bits: 8191 GiB). */
	env.ipa_limit = lim(44);
	env.kb = KB_DEFAULT_FITS;
	env.ram_cap = 0;
	vmm_judge(&env, "qemu", "7.2.22", &r);
	ok(strstr(r.reason, "guest RAM up to 16383 GiB") != NULL, "no cap: the map's 16383 GiB");
	env.ram_cap = ((1ULL << 31) - 1) * 4096;
	vmm_judge(&env, "qemu", "7.2.22", &r);
	ok(strstr(r.reason, "guest RAM up to 8191 GiB") != NULL, "memslot cap: 8191 GiB (%s)",
	   r.reason);
}

static void test_names(void)
{
	static const char *const names[][2] = {
		{ "qemu", "qemu" },
		{ "qemu-system-aarch64", "qemu" },
		{ "kvmtool", "kvmtool" },
		{ "lkvm", "kvmtool" },
		{ "firecracker", "firecracker" },
		{ "cloud-hypervisor", "cloud-hypervisor" },
		{ "crosvm", "crosvm" },
		{ "libkrun", "libkrun" },
		{ "gvisor", "gvisor" },
		{ "runsc", "gvisor" },
		{ "solo5-hvt", "solo5-hvt" },
		{ "kvm-ioctls", "kvm-ioctls" },
		{ "libvirt", "libvirt" },
		{ "libvirtd", "libvirt" },
		{ "hyperlight", "hyperlight" },
		{ "hyperlight-host", "hyperlight" },
		{ "dragonball", "dragonball" },
		{ "kata-dragonball", "dragonball" },
	};
	int sorted = 1, cited = 1;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		is_str(vmm_canonical_name(names[i][0]), names[i][1], "canonical name of %s",
		       names[i][0]);
	ok(!vmm_lookup("") && !vmm_lookup(NULL) && !vmm_lookup("QEMU"), "no lookup of junk");
	is_str(vmm_known_names(),
	       "qemu, libvirt, kvmtool, firecracker, cloud-hypervisor, crosvm, libkrun, gvisor, "
	       "solo5-hvt, hyperlight, dragonball, kvm-ioctls",
	       "known names, in the completions' order");
	is_int(vmm_row_count(), 12, "twelve rows");
	ok(!vmm_row_at(-1) && !vmm_row_at(12) && vmm_row_at(0), "row_at bounds");
	/* The table's own invariants: sorted ranges, a message and fix where needed. */
	for (int i = 0; i < vmm_row_count(); i++) {
		const struct vmm_row *row = vmm_row_at(i);

		sorted &= row->nranges > 0 && !row->ranges[0].from[0] && row->display &&
			  row->what && row->version_hint;
		for (int k = 0; k < row->nranges; k++) {
			const struct vmm_range *g = &row->ranges[k];

			if (k)
				sorted &= vmm_version_cmp(row->ranges[k - 1].from[0]
								  ? row->ranges[k - 1].from
								  : "0",
							  g->from) < 0;
			if (g->choice == VMM_IPA_TYPE0)
				cited &= g->create_fail && g->fix;
			if (g->choice == VMM_IPA_FIXED_MAP || g->choice == VMM_IPA_MINIMAL)
				cited &= g->size_fail != NULL;
			/* RAM a default map cannot do without: what the VMM says then */
			for (int x = 0; x < VMM_MAX_REGIONS && g->regions[x].name; x++)
				if (g->regions[x].ram && !g->regions[x].opt_in)
					cited &= g->size_fail != NULL;
		}
	}
	ok(sorted, "every row starts at \"\" and its ranges ascend");
	ok(cited, "every type-0 range has a message and a fix; sized ones and RAM-backed maps a "
		  "size message");
	ok(vmm_range_for(vmm_lookup("qemu"), "7.2.22") == &vmm_lookup("qemu")->ranges[3],
	   "range_for QEMU 7.2.22 is the 7.0 range");
	/* Texts the judge quotes only in some configurations, pinned at the table. */
	is_str(vmm_range_for(vmm_lookup("qemu"), "7.0.0")->size_fail,
	       "Addressing limited to {L} bits, but memory exceeds it by N bytes",
	       "QEMU 7.0+: virt_set_memmap's message");
	is_str(vmm_range_for(vmm_lookup("qemu"), "6.2.0")->size_fail,
	       "-m and ,maxmem option values require an IPA range ({M} bits) larger than the one "
	       "supported by the host ({L} bits)",
	       "QEMU 4.0-6.2: virt_kvm_type's message");
	is_str(vmm_range_for(vmm_lookup("kvmtool"), "20210831")->size_fail,
	       "Fatal: Memory too large for this system (needs {M} bits, {L} available)",
	       "kvmtool 2021-08-31: kvm__get_vm_type's die()");
	ok(!vmm_range_for(vmm_lookup("qemu"), "") && !vmm_range_for(NULL, "1.0"),
	   "range_for: no version, no row");
	ok(!vmm_range_for(vmm_lookup("kvmtool"), "3.18.0"), "range_for: kvmtool wants a date");
	ok(vmm_range_for(vmm_lookup("kvmtool"), "<20210831") == &vmm_lookup("kvmtool")->ranges[0] &&
		   vmm_range_for(vmm_lookup("kvmtool"), "<20210901") ==
			   &vmm_lookup("kvmtool")->ranges[1],
	   "range_for: \"<date\" is the range before that date");
}

static void parse_is(const char *name, const char *output, const char *want, const char *what)
{
	char ver[64];
	int r = vmm_version_parse(name, output, ver, sizeof(ver));

	if (want) {
		is_int(r, 0, "parse %s", what);
		is_str(ver, want, "version of %s", what);
	} else {
		is_int(r, -EINVAL, "no version in %s", what);
	}
}

static void test_parse(void)
{
	char small[4];

	/* This host: Debian bookworm's qemu-system-arm 1:7.2+dfsg-7+deb12u18+b3. */
	parse_is("qemu",
		 "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n"
		 "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n",
		 "7.2.22", "QEMU 7.2.22 (Debian)");
	/* softmmu/vl.c version(): "QEMU emulator version " QEMU_FULL_VERSION */
	parse_is("qemu", "QEMU emulator version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)",
		 "6.2.0", "QEMU 6.2.0 (Ubuntu jammy)");
	parse_is("qemu", "QEMU emulator version 8.2.0-rc1\n", "8.2.0-rc1",
		 "QEMU release candidate");
	/* src/firecracker/src/main.rs: println!("Firecracker v{}\n", ...) */
	parse_is("firecracker",
		 "Firecracker v1.7.0\n\nSupported snapshot data format versions: v1.0.0, v2.0.0\n",
		 "1.7.0", "Firecracker v1.7.0");
	/* cloud-hypervisor main.rs: "{CARGO_BIN_NAME} {BUILD_VERSION}", git describe */
	parse_is("cloud-hypervisor", "cloud-hypervisor v16.0\n", "16.0", "cloud-hypervisor v16.0");
	parse_is("cloud-hypervisor", "cloud-hypervisor v38.0-12-g1a2b3c4-dirty\n",
		 "38.0-12-g1a2b3c4-dirty", "cloud-hypervisor git describe");
	/* kvmtool builtin-version.c: "kvm tool %s", fallback VN=3.18.0 */
	parse_is("kvmtool", "kvm tool 3.18.0\n", "3.18.0", "kvm tool 3.18.0");
	/* crosvm src/main.rs: "crosvm {}" */
	parse_is("crosvm", "crosvm 0.1.0\n", "0.1.0", "crosvm 0.1.0");
	/* runsc: "runsc version release-YYYYMMDD.N" then "spec: ..." */
	parse_is("gvisor", "runsc version release-20240513.0\nspec: 1.1.0-rc.1\n", "20240513.0",
		 "runsc release-20240513.0");
	/* libkrun Makefile: libkrun.so.$(FULL_VERSION), soname .so.1 */
	parse_is("libkrun", "libkrun.so.1.9.4", "1.9.4", "libkrun.so.1.9.4");
	parse_is("libkrun", "libkrun.so.1", "1", "libkrun.so.1");
	/* virsh version (UbuntuAsahi/ubuntu-asahi#51): libvirt takes QEMU's version */
	parse_is("libvirt",
		 "Compiled against library: libvirt 8.0.0\nUsing library: libvirt 8.0.0\n"
		 "Using API: QEMU 8.0.0\nRunning hypervisor: QEMU 6.2.0\n",
		 "6.2.0", "virsh version");
	parse_is("libvirt", "libvirtd (libvirt) 9.0.0\n", NULL, "libvirtd --version");
	parse_is("kvm-ioctls", "kvm-ioctls 0.9.0", "0.9.0", "a Cargo.lock-ish line");
	parse_is("kvm-ioctls", "version = \"0.11.0\"", "0.11.0", "Cargo.lock version line");
	parse_is("kvm-ioctls", "9.0~", "9.0", "suffix characters at the very end (fuzz)");
	parse_is("qemu", "QEMU emulator version 8.2.0-", "8.2.0", "a dangling dash");
	parse_is("qemu", "", NULL, "empty output");
	parse_is("firecracker", "Firecracker\n", NULL, "Firecracker without a number");
	parse_is("qemu", "Firecracker v1.7.0\n", NULL, "another VMM's output");
	parse_is("qemu", "qemu: unknown option '--version'\n", NULL, "an error message");
	parse_is("kvm-ioctls", "abc1.2 x", NULL, "a number inside a word");
	is_int(vmm_version_parse("qemu", "QEMU emulator version 7.2.22", small, sizeof(small)),
	       -ERANGE, "short buffer: -ERANGE");
	is_str(small, "", "short buffer left empty");
	is_int(vmm_version_parse("qemu", NULL, small, sizeof(small)), -EINVAL, "NULL output");
}

static void test_cmp(void)
{
	ok(vmm_version_cmp("v1.7.0", "1.7.0") == 0, "v prefix ignored");
	ok(vmm_version_cmp("1.10", "1.9") > 0, "numeric, not lexical");
	ok(vmm_version_cmp("16.0", "16.0.0") == 0, "missing parts are 0");
	ok(vmm_version_cmp("7.2.5", "7.2.6") < 0, "7.2.5 < 7.2.6");
	ok(vmm_version_cmp("8.0.0-rc1", "8.0.0") == 0, "suffix ignored");
	ok(vmm_version_cmp("16.0-12-gabc", "16.0") == 0, "git describe suffix ignored");
	ok(vmm_version_cmp("20210822", "20210821") > 0, "dates compare as numbers");
	ok(vmm_version_cmp("", "0.1") < 0 && vmm_version_cmp(NULL, "") == 0, "empty and NULL");
	ok(vmm_version_cmp("1.2.", "1.2") == 0, "trailing dot is a suffix");
	ok(vmm_version_cmp("99999999999999999999999", "99999999999999999999998") == 0,
	   "huge numbers clamp, no overflow");
}

static void test_max_ram(void)
{
	static const struct {
		const char *name, *version;
		int bits;
		uint64_t want;
	} t[] = {
		{ "qemu", "7.2.22", 36, 63 * GiB }, /* 1 GiB base */
		{ "qemu", "7.2.22", 32, 3 * GiB },  /* what highmem=off leaves */
		{ "qemu", "7.2.22", 40, 1023 * GiB },
		{ "qemu", "5.2.0", 36, 0 },		    /* cannot start below 40 */
		{ "qemu", "5.2.0", 40, 510 * GiB },	    /* high IO must end by 1 TiB */
		{ "qemu", "3.1.0", 40, 255 * GiB },	    /* LEGACY_RAMLIMIT_GB */
		{ "libvirt", "8.2.0", 36, 63 * GiB },	    /* QEMU's map */
		{ "firecracker", "1.7.0", 36, 62 * GiB },   /* 2 GiB base */
		{ "firecracker", "1.7.0", 48, 1022 * GiB }, /* DRAM_MEM_MAX_SIZE */
		{ "firecracker", "1.13.0", 38, 254 * GiB },
		{ "firecracker", "1.13.0", 40, 766 * GiB }, /* skips [256, 512) GiB */
		{ "firecracker", NULL, 36, 62 * GiB },	    /* every release agrees */
		{ "kvmtool", "20210831", 36, 62 * GiB },
		{ "kvmtool", "<20210831", 36, 62 * GiB },
		{ "cloud-hypervisor", "16.0", 36, 63 * GiB }, /* RAM_64BIT_START 1 GiB */
		{ "cloud-hypervisor", "22.0", 36, 63 * GiB },
		{ "cloud-hypervisor", "23.0", 36, 63 * GiB - 64 * MiB }, /* the 64 MiB hole */
		{ "dragonball", "3.0.0", 36, 62 * GiB },
		{ "dragonball", "3.0.0", 44, 990 * GiB }, /* DRAM_MEM_END 992 GiB */
		{ "hyperlight", "0.16.0", 36, 0 },
		{ "crosvm", "20210826", 44, 1022 * GiB }, /* type 0: 40 bits on any host */
		{ "crosvm", "20211101", 44, 16382 * GiB },
		{ "solo5-hvt", NULL, 36, 4 * GiB },
		{ "solo5-hvt", NULL, 32, 0 },
		{ "gvisor", NULL, 40, 0 },
		{ "kvm-ioctls", "0.9.0", 40, 0 },
		{ "qemu", NULL, 36, 0 }, /* depends on the version */
		{ "nosuch", "1.0", 40, 0 },
		{ "qemu", "7.2.22", 31, 0 },
		{ "qemu", "7.2.22", 60, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(vmm_max_guest_ram(t[i].name, t[i].version, t[i].bits), t[i].want,
		       "max RAM of %s %s in %d bits: %llu GiB", t[i].name,
		       t[i].version ? t[i].version : "(any)", t[i].bits,
		       (unsigned long long)(t[i].want / GiB));
}

/* ---- the map the verdict is judged on ------------------------------------ */

/* The first few mismatches, as TAP comments. */
static int ndiag;
static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void diag(const char *fmt, ...)
{
	va_list ap;

	if (ndiag++ >= 20)
		return;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static bool mentioned(const char *reason, const char *what)
{
	return strstr(reason, what) != NULL;
}

/*
 * Every row at every release boundary, limits 32..52, every VM that is
 * created (a sized VMM, a type-0 one on 40+ bits or under pKVM): the
 * regions marked beyond are exactly what makes the verdict fail or limited.
 * Works: none beyond. Limited: some, none of them RAM-backed by default, each
 * named in the reason. Fails: a default RAM-backed region beyond, or a fixed
 * map with any default region beyond.
 */
static void check_beyond(const struct vmm_row *row, const char *v, int bits,
			 enum kernel_behaviour kb, int *bad)
{
	struct vmm_env env = { .arch = ARCH_ARM64, .ipa_limit = lim(bits), .kb = kb };
	const struct vmm_range *r = vmm_range_for(row, v);
	struct vmm_result res;
	bool any = false, ram = false, dflt = false, named = true;
	int want = -1;

	if (vmm_judge(&env, row->name, v, &res) || !res.map_bits) {
		(*bad)++;
		diag("%s %s at %d bits: no map", row->name, v, bits);
		return;
	}
	for (int i = 0; i < res.nregions; i++) {
		const struct vmm_map_region *g = &res.regions[i];

		if (!g->beyond)
			continue;
		any = true;
		ram |= g->ram && !g->opt_in;
		dflt |= !g->opt_in;
		named &= mentioned(res.reason, g->what);
	}
	if (!any)
		want = VV_WORKS;
	else if (ram || (r->choice == VMM_IPA_FIXED_MAP && dflt))
		want = VV_FAILS;
	else
		want = VV_LIMITED;
	if ((int)res.verdict != want || (want == VV_LIMITED && !named)) {
		(*bad)++;
		diag("%s %s at %d bits: %s, beyond set says %s: %s", row->name, v, bits,
		     vmm_verdict_name(res.verdict), vmm_verdict_name(want), res.reason);
	}
}

/*
 * The largest-RAM figure is where RAM meets the limit: with that much RAM no
 * default region the VMM cannot leave out is beyond, and RAM ends at 2^bits
 * (or, for a map whose high regions float above RAM, they end within it);
 * one GiB more fails. Unless the VMM's own cap bounds it (more bits give no
 * more RAM).
 */
static void check_max_ram(const struct vmm_row *row, const char *v, int bits, int *bad)
{
	const struct vmm_range *r = vmm_range_for(row, v);
	int vb = r->choice == VMM_IPA_TYPE0 && bits > 40 ? 40 : bits;
	struct vmm_env env = { .arch = ARCH_ARM64,
			       .ipa_limit = lim(bits),
			       .kb = bits >= 40 ? KB_DEFAULT_FITS : KB_DEFAULT_CAPPED };
	uint64_t m = vmm_max_guest_ram(row->name, v, bits), top = 0, sum = 0;
	bool floats = r->regions[0].name && r->regions[0].floats;
	bool capped = vb < 52 ? vmm_max_guest_ram(row->name, v, vb + 1) == m ||
					(r->choice == VMM_IPA_TYPE0 && bits >= 40)
			      : vmm_max_guest_ram(row->name, v, 51) == m;
	struct vmm_result res, res0;

	if (!m || r->ram == VMM_RAM_NONE)
		return;
	vmm_judge(&env, row->name, v, &res0);
	env.ram_size = m;
	vmm_judge(&env, row->name, v, &res);
	for (int i = 0; i < res.nregions; i++) {
		const struct vmm_map_region *g = &res.regions[i];

		if (g->ram && !strcmp(g->name, "RAM")) {
			sum += g->size;
			top = g->base + g->size;
			if (g->beyond)
				(*bad)++, diag("%s %s %d bits: RAM of %llu beyond", row->name, v,
					       bits, (unsigned long long)m);
		} else if (g->beyond && !g->opt_in && r->choice != VMM_IPA_MAP_FITS &&
			   !(i < res0.nregions && res0.regions[i].beyond)) {
			/* RAM pushed it beyond (a map QEMU cannot cut before 7.0) */
			(*bad)++;
			diag("%s %s %d bits: %s beyond with the largest RAM", row->name, v, bits,
			     g->name);
		}
	}
	if (sum != m)
		(*bad)++, diag("%s %s %d bits: RAM regions hold %llu, not %llu", row->name, v, bits,
			       (unsigned long long)sum, (unsigned long long)m);
	if (res.ram_top != top)
		(*bad)++, diag("%s %s %d bits: ram_top %llx, RAM ends at %llx", row->name, v, bits,
			       (unsigned long long)res.ram_top, (unsigned long long)top);
	if (capped)
		return;
	/* ... or at the start of a hole RAM skips that reaches the limit: Cloud
	 * Hypervisor's 64 MiB below 4 GiB, Firecracker 1.13's [256, 512) GiB */
	if (r->ram == VMM_RAM_CH_HOLE && top == 0xfc000000ULL && vb == 32)
		top = 1ULL << vb;
	if (r->ram == VMM_RAM_FC_GAP && top == 256 * GiB && vb == 39)
		top = 1ULL << vb;
	if (!floats && top != 1ULL << vb)
		(*bad)++, diag("%s %s %d bits: largest RAM ends at %llx, not at the limit",
			       row->name, v, bits, (unsigned long long)top);
	env.ram_size = m + GiB;
	vmm_judge(&env, row->name, v, &res);
	if (res.verdict != VV_FAILS)
		(*bad)++, diag("%s %s %d bits: 1 GiB more RAM than the largest: %s", row->name, v,
			       bits, vmm_verdict_name(res.verdict));
}

static void test_map(void)
{
	int bad_beyond = 0, bad_ram = 0, n = 0;

	for (int i = 0; i < vmm_row_count(); i++) {
		const struct vmm_row *row = vmm_row_at(i);

		if (row->also_row)
			continue; /* libvirt: a probe, then QEMU's rows */
		for (int k = 0; k < row->nranges; k++) {
			const char *v = row->ranges[k].from[0] ? row->ranges[k].from : "0";
			bool type0 = row->ranges[k].choice == VMM_IPA_TYPE0;

			if (row->vkind == VMM_VER_DATE && !row->ranges[k].from[0])
				v = "20000101";
			for (int bits = 32; bits <= 52; bits++) {
				/* Type 0 below 40 bits is created only under pKVM. */
				check_beyond(row, v, bits,
					     bits >= 40 ? KB_DEFAULT_FITS
					     : type0	? KB_DEFAULT_CAPPED
							: KB_DEFAULT_REJECTED,
					     &bad_beyond);
				check_max_ram(row, v, bits, &bad_ram);
				n++;
			}
		}
	}
	is_int(bad_beyond, 0,
	       "the regions beyond the limit are what fails or limits the verdict "
	       "(%d row, release and limit cases)",
	       n);
	is_int(bad_ram, 0, "the largest-RAM figure is where RAM meets the limit (%d cases)", n);
}

static void test_map_examples(void)
{
	struct vmm_env env = { .arch = ARCH_ARM64, .ipa_limit = lim(36), .kb = KB_DEFAULT_REJECTED };
	struct vmm_result res;

	vmm_judge(&env, "qemu", "5.2.0", &res);
	is_int(res.map_bits, 36, "QEMU 5.2 on 36 bits: the map is drawn against 36 bits");
	is_int(res.nregions, 5, "devices, RAM, REDIST2, high ECAM, high MMIO");
	is_str(res.regions[1].name, "RAM", "RAM second");
	is_int(res.regions[1].base, GiB, "RAM at 1 GiB");
	is_int(res.regions[1].size, 128 * MiB, "QEMU's default 128 MiB");
	is_int(res.regions[2].base, 256 * GiB, "REDIST2 at 256 GiB");
	is_int(res.regions[3].base, 256 * GiB + 256 * MiB, "high ECAM aligned to its size");
	is_int(res.regions[4].base, 512 * GiB, "high MMIO at 512 GiB");
	ok(!res.regions[1].beyond && res.regions[2].beyond && res.regions[4].beyond,
	   "RAM within, the high regions beyond");
	env.ram_size = 300 * GiB;
	env.ipa_limit = lim(44);
	env.kb = KB_DEFAULT_FITS;
	vmm_judge(&env, "qemu", "7.2.0", &res);
	is_int(res.regions[2].base, 301 * GiB,
	       "with 300 GiB of RAM the high regions float above it");
	is_int(res.regions[4].base, 512 * GiB, "... the MMIO window aligned to its 512 GiB");
	env.ram_size = 600 * GiB;
	vmm_judge(&env, "qemu", "7.2.0", &res);
	is_int(res.regions[4].base, 1024 * GiB, "with 600 GiB the MMIO window moves to 1 TiB");
	env.ram_size = 0;
	vmm_judge(&env, "firecracker", "1.14.0", &res);
	is_int(res.map_bits, 44, "Firecracker asks for the host's 44 bits");
	vmm_judge(&env, "firecracker", "0.24.0", &res);
	is_int(res.map_bits, 40, "Firecracker 0.24 gets type 0's 40 bits on a 44-bit host");
	env.ram_size = 300 * GiB;
	vmm_judge(&env, "firecracker", "1.14.0", &res);
	ok(res.nregions == 5 && res.regions[1].base == 2 * GiB &&
		   res.regions[1].size == 254 * GiB && !strcmp(res.regions[2].name, "PCI-BARs") &&
		   res.regions[3].base == 512 * GiB && res.regions[3].size == 46 * GiB &&
		   res.regions[3].ram,
	   "Firecracker 1.13+: RAM skips [256, 512) GiB; regions lowest first");
	vmm_judge(&env, "qemu", NULL, &res);
	is_int(res.map_bits, 0, "QEMU of unknown version: no map (its releases' maps differ)");
}

/*
 * What the VM gets is told apart from the line its map is drawn against:
 * QEMU >= 7.0 virt_kvm_type() asks for requested_pa_size, what its frozen map
 * needs (hw/arm/virt.c, 7.0); type 0 on an unfixed kernel gets 40 bits; a
 * refused VM gets none and has no largest RAM.
 */
static void test_vm_bits(void)
{
	struct vmm_env env = { .arch = ARCH_ARM64,
			       .ipa_limit = lim(36),
			       .kb = KB_DEFAULT_REJECTED };
	struct vmm_result res;

	vmm_judge(&env, "qemu", "7.2.0", &res);
	is_int(res.map_bits, 36, "QEMU 7.2 on 36 bits: drawn against the host's 36");
	is_int(res.vm_bits, 32, "... but asks for the 32 bits 128 MiB at 1 GiB needs");
	ok(res.ram_top != 0, "... and has a largest RAM (it works, limited)");
	env.ram_size = 40 * GiB;
	vmm_judge(&env, "qemu", "7.2.0", &res);
	is_int(res.vm_bits, 36,
	       "QEMU 7.2 with 40 GiB of RAM asks for 36 bits (RAM ends at 41 GiB)");
	env.ram_size = 0;
	env.ipa_limit = lim(44);
	env.kb = KB_DEFAULT_FITS;
	vmm_judge(&env, "qemu", "7.2.0", &res);
	is_int(res.vm_bits, 40, "QEMU 7.2 on 44 bits: the high MMIO window ends at 1 TiB: 40 bits");
	is_int(res.map_bits, 44, "... drawn against 44");
	vmm_judge(&env, "qemu", "5.2.0", &res);
	is_int(res.vm_bits, 40, "QEMU 5.2 on 44 bits: type 0 for a map within 40 bits");
	vmm_judge(&env, "firecracker", "1.14.0", &res);
	is_int(res.vm_bits, 44, "Firecracker asks for the host's limit");
	vmm_judge(&env, "kvmtool", "20220701", &res);
	is_int(res.vm_bits, 32, "kvmtool asks for what its RAM needs (kvm__get_vm_type)");
	env.ipa_limit = lim(36);
	env.kb = KB_DEFAULT_HANGS;
	vmm_judge(&env, "qemu", "3.1.0", &res);
	is_int(res.verdict, VV_HANGS, "QEMU 3.1 on an unfixed 36-bit kernel hangs");
	is_int(res.vm_bits, 40, "... its VM gets the 40 bits the unfixed kernel accepts, not 36");
	is_int(res.ram_top, 0, "... and has no largest RAM (the guest hangs)");
	env.kb = KB_DEFAULT_REJECTED;
	vmm_judge(&env, "qemu", "3.1.0", &res);
	is_int(res.verdict, VV_FAILS, "QEMU 3.1 on a fixed 36-bit kernel fails");
	is_int(res.vm_bits, 0, "... no VM is created");
	is_int(res.ram_top, 0, "... no largest RAM");
	vmm_judge(&env, "qemu", "6.2.0", &res);
	ok(res.vm_bits == 0 && res.ram_top == 0 && res.map_bits == 36,
	   "QEMU 6.2 refuses its 40-bit map on 36 bits: no VM, no RAM, drawn against 36");
	vmm_judge(&env, "solo5-hvt", NULL, &res);
	ok(res.verdict == VV_FAILS && res.vm_bits == 0 && res.ram_top == 0,
	   "Solo5 hvt (type 0) on a fixed 36-bit kernel: fails, no VM, no RAM");
	env.kb = KB_DEFAULT_CAPPED;
	vmm_judge(&env, "qemu", "3.1.0", &res);
	is_int(res.vm_bits, 36, "type 0 under pKVM gets the host's 36");
}

int main(void)
{
	test_matrix();
	test_messages();
	test_other_hosts();
	test_unknown_version();
	test_api_edges();
	test_names();
	test_parse();
	test_cmp();
	test_max_ram();
	test_map();
	test_map_examples();
	test_vm_bits();
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM probes: measure, on this kernel, what VMMs will meet. Every VM is
 * throwaway; every fd and mapping is released before kvm_probe() returns.
 * This file picks what to measure; probe_vm.c holds the VM, memslot and
 * vCPU helpers, probe_arm64.c/probe_x86.c the per-arch guest.
 * Facts the ioctls depend on: docs/kernel-facts.md §2, §3 and §5.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"
#include "probe_vm.h"

#ifndef KVM_CAP_ARM_VM_IPA_SIZE
#define KVM_CAP_ARM_VM_IPA_SIZE 165
#endif

static bool out_of_time(const struct probe_opts *o, struct kvm_obs *obs)
{
	if (obs->incomplete)
		return true;
	if (probe_stop) {
		obs->incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason), "%s",
			 kic_stop_reason());
	} else if (o->deadline_ms && kic_now_ms() >= o->deadline_ms) {
		obs->incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "time budget (--timeout) spent");
	}
	return obs->incomplete;
}

static int create_vm(int kvm_fd, unsigned long type, struct ipa_probe *p, struct kvm_obs *obs)
{
	int fd = kvm_ioctl(kvm_fd, KVM_CREATE_VM, type);

	p->bits = (int)type;
	if (fd < 0 && !kvm_answer(-fd)) {
		p->result = PR_SKIPPED; /* not measured: no rejection to report */
		p->err = -fd;
		probe_fault(obs, "KVM_CREATE_VM", -fd);
		return fd;
	}
	if (fd < 0) {
		p->result = PR_REJECTED;
		p->err = -fd;
		return fd;
	}
	p->result = PR_CREATED;
	return fd;
}

/*
 * Where real VMMs put things on arm64:
 *  - 1 GiB: QEMU hw/arm/virt.c VIRT_MEM; Cloud Hypervisor arch/src/aarch64/layout.rs
 *    RAM_START 0x4000_0000
 *  - 2 GiB: kvmtool arm/include/arm-common/kvm-arch.h ARM_MEMORY_AREA; Firecracker
 *    src/vmm/src/arch/aarch64/layout.rs DRAM_MEM_START; crosvm aarch64/src/lib.rs
 *    AARCH64_PHYS_MEM_START 0x80000000
 *  - 256/512 GiB: QEMU virt's high redistributors/ECAM and 64-bit PCIe MMIO window
 *    (hw/arm/virt.c: placed whatever the IPA size before 7.0, cut to it from 7.0;
 *    docs/vmm-knowledge.md)
 */
static const struct {
	uint64_t gpa;
	int top_bits; /* slot ends at 2^top_bits instead */
	const char *why;
	const char *why_x86; /* the same address on x86, where the arm64 layouts mean nothing */
} slot_sites[] = {
	{ 1ULL << 30, 0, "RAM base of QEMU virt and Cloud Hypervisor (1 GiB)", "at 1 GiB" },
	{ 2ULL << 30, 0, "RAM base of kvmtool, Firecracker, crosvm, libkrun (2 GiB)", "at 2 GiB" },
	{ 0, 36, "top of a 36-bit space (Apple M1)", "top of a 36-bit space" },
	{ 0, 40, "top of the 40-bit default space", "top of a 40-bit space" },
	{ 0, 44, "top of a 44-bit space", "top of a 44-bit space" },
	{ 0, 48, "top of a 48-bit space", "top of a 48-bit space" },
	{ 256ULL << 30, 0, "QEMU virt high redistributors and ECAM (256 GiB)", "at 256 GiB" },
	{ 512ULL << 30, 0, "QEMU virt high PCIe MMIO window (512 GiB)", "at 512 GiB" },
};

static void try_slot(int vm_fd, int vm_bits, uint64_t gpa, void *hva, const char *why,
		     struct kvm_obs *obs)
{
	struct slot_probe *s;
	int r;

	if (obs->nslots >= KIC_MAX_MEMSLOTS)
		return;
	for (int i = 0; i < obs->nslots; i++)
		if (obs->slots[i].vm_bits == vm_bits && obs->slots[i].gpa == gpa)
			return;
	s = &obs->slots[obs->nslots++];
	s->vm_bits = vm_bits;
	s->gpa = gpa;
	s->size = PROBE_SLOT_SIZE;
	s->why = why;
	r = probe_set_slot(vm_fd, 0, gpa, PROBE_SLOT_SIZE, hva);
	if (r < 0 && !kvm_answer(-r)) {
		obs->nslots--; /* not measured */
		probe_fault(obs, "KVM_SET_USER_MEMORY_REGION", -r);
		return;
	}
	if (r < 0) {
		s->result = SLOT_REJECTED;
		s->err = -r;
		return;
	}
	s->result = SLOT_ACCEPTED;
	probe_clear_slot(vm_fd, 0);
}

/*
 * limit_bits: the VM's nominal size (40 for type 0 on arm64, MAXPHYADDR on
 * x86). x86: the rows name addresses only (the arm64 VMM layouts do not
 * apply) and are listed, never judged: without TDP, KVM takes slots up to
 * 52 bits whatever MAXPHYADDR is (docs/kernel-facts.md, section 3).
 */
static void probe_slots(int vm_fd, int vm_bits, int limit_bits, bool x86, struct kvm_obs *obs)
{
	long page = sysconf(_SC_PAGESIZE);
	void *hva = probe_map_anon(PROBE_SLOT_SIZE);

	if (!hva) {
		probe_fault(obs, "mmap", ENOMEM);
		return;
	}
	for (size_t i = 0; i < sizeof(slot_sites) / sizeof(slot_sites[0]) && !obs->incomplete;
	     i++) {
		uint64_t gpa = slot_sites[i].gpa;

		if (slot_sites[i].top_bits)
			gpa = (1ULL << slot_sites[i].top_bits) - PROBE_SLOT_SIZE;
		try_slot(vm_fd, vm_bits, gpa, hva, x86 ? slot_sites[i].why_x86 : slot_sites[i].why,
			 obs);
	}
	if (limit_bits > 16 && limit_bits < 63 && !obs->incomplete) {
		uint64_t top = 1ULL << limit_bits;

		try_slot(vm_fd, vm_bits, top - PROBE_SLOT_SIZE, hva,
			 "ends exactly at the VM's limit", obs);
		/* One host page past: the kernel's ">" check must reject exactly this. */
		try_slot(vm_fd, vm_bits, top - PROBE_SLOT_SIZE + (uint64_t)page, hva,
			 "ends one page past the VM's limit", obs);
	}
	munmap(hva, PROBE_SLOT_SIZE);
}

static void probe_common_caps(const struct host_facts *f, int kvm_fd, struct kvm_obs *obs)
{
	int ipa;

	obs->api_version = kvm_ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	obs->nr_memslots = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	obs->max_vcpus = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	ipa = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);

	/*
	 * KVM_CHECK_EXTENSION answers 0 for an absent cap: any error is a fault.
	 * A failed query stays negative (-errno): the report shows it unknown.
	 */
	if (obs->api_version < 0)
		probe_fault(obs, "KVM_GET_API_VERSION", -obs->api_version);
	if (obs->nr_memslots < 0)
		probe_fault(obs, "KVM_CHECK_EXTENSION(KVM_CAP_NR_MEMSLOTS)", -obs->nr_memslots);
	if (obs->max_vcpus < 0)
		probe_fault(obs, "KVM_CHECK_EXTENSION(KVM_CAP_MAX_VCPUS)", -obs->max_vcpus);
	if (ipa < 0)
		probe_fault(obs, "KVM_CHECK_EXTENSION(KVM_CAP_ARM_VM_IPA_SIZE)", -ipa);
	/* 0 = cap absent: pre-4.20 arm64, or an arch without IPA types; a fault tells nothing */
	if (ipa > 0)
		obs->ipa_limit = ipa_known(ipa);
	else if (ipa == 0)
		obs->ipa_limit = IPA_LIMIT_ABSENT;
	if (f->arch == ARCH_X86_64)
		x86_probe_caps(kvm_fd, obs);
}

/* arm64: type 0, then every explicit size 32..limit+1; keeps the largest VM. */
static void probe_ipa_types(int kvm_fd, const struct probe_opts *o, struct kvm_obs *obs,
			    struct vm_handle *dflt, struct vm_handle *largest)
{
	if (o->default_probe) {
		dflt->fd = create_vm(kvm_fd, 0, &obs->default_vm, obs);
		dflt->bits = 0;
	} else {
		obs->default_vm.result = PR_SKIPPED;
	}
	if (obs->ipa_limit.state != IPA_KNOWN)
		return; /* no KVM_CAP_ARM_VM_IPA_SIZE: only type 0 exists (pre-4.20) */
	for (int bits = 32; bits <= obs->ipa_limit.bits + 1 && obs->nipa < KIC_MAX_IPA_PROBES;
	     bits++) {
		struct ipa_probe *p = &obs->ipa[obs->nipa++];
		int fd;

		if (out_of_time(o, obs)) {
			p->bits = bits;
			p->result = PR_SKIPPED;
			continue;
		}
		fd = create_vm(kvm_fd, (unsigned long)bits, p, obs);
		if (fd < 0)
			continue;
		if (largest->fd >= 0)
			close(largest->fd);
		largest->fd = fd;
		largest->bits = bits;
	}
}

/* KVM's node is the misc device 10:232 (KVM_MINOR, include/linux/miscdevice.h). */
static bool is_kvm_node(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == KIC_KVM_MAJOR &&
	       minor(st->st_rdev) == KIC_KVM_MINOR;
}

static int not_kvm(struct kvm_obs *obs, const struct stat *st)
{
	snprintf(obs->skip_reason, sizeof(obs->skip_reason),
		 "/dev/kvm is not the KVM device: %s %u:%u, KVM's is the character device %d:%d",
		 S_ISCHR(st->st_mode) ? "character device" : "not a character device,",
		 major(st->st_rdev), minor(st->st_rdev), KIC_KVM_MAJOR, KIC_KVM_MINOR);
	obs->incomplete = true;
	snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason), "%s", obs->skip_reason);
	return -1;
}

static int open_kvm(const struct host_facts *f, struct kvm_obs *obs)
{
	struct stat st;
	int fd, err;

	/* Never open another device (a tape rewinds on open): the node is checked first. */
	if (stat("/dev/kvm", &st) == 0 && !is_kvm_node(&st))
		return not_kvm(obs, &st);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	err = errno;
	if (fd >= 0 && fstat(fd, &st) == 0 && !is_kvm_node(&st)) {
		close(fd); /* replaced between the two looks */
		return not_kvm(obs, &st);
	}
	if (fd >= 0)
		return fd;
	obs->open_errno = err;
	snprintf(obs->skip_reason, sizeof(obs->skip_reason), "cannot open /dev/kvm: %s%s",
		 strerror(err),
		 (err == EACCES || err == EPERM) && !f->is_root ? " (not root)" : "");
	/* root refused (a seccomp filter) or out of fds: nothing was learnt about KVM */
	if (errno_is_fault(err) || (err == EPERM && f->is_root))
		probe_fault(obs, "open /dev/kvm", err);
	return -1;
}

static void probe_arm64(int kvm_fd, const struct probe_opts *o, struct kvm_obs *obs)
{
	struct vm_handle dflt = { -1, 0 }, largest = { -1, 0 };
	const struct vm_handle *runvm;

	probe_ipa_types(kvm_fd, o, obs, &dflt, &largest);
	if (dflt.fd >= 0 && !out_of_time(o, obs))
		probe_slots(dflt.fd, 0, KIC_DEFAULT_IPA, false, obs);
	if (largest.fd >= 0 && !out_of_time(o, obs))
		probe_slots(largest.fd, largest.bits, largest.bits, false, obs);
	/*
	 * Run in the type-0 VM when the kernel gave us one: that is where
	 * unfixed kernels hang. Otherwise in the largest VM.
	 */
	runvm = dflt.fd >= 0 ? &dflt : &largest;
	if (!o->run)
		obs->run.result = RUN_SKIPPED;
	else if (runvm->fd >= 0 && !out_of_time(o, obs))
		arm64_probe_run(kvm_fd, runvm, o, obs);
	if (dflt.fd >= 0)
		close(dflt.fd);
	if (largest.fd >= 0)
		close(largest.fd);
}

static void probe_x86(int kvm_fd, const struct probe_opts *o, struct kvm_obs *obs)
{
	struct vm_handle vm = { -1, 0 };
	int limit = obs->cpuid_phys_bits;

	/* x86 VM types carry no address size; type 0 is always the one to test. */
	vm.fd = create_vm(kvm_fd, 0, &obs->default_vm, obs);
	if (vm.fd < 0)
		return;
	if (!out_of_time(o, obs))
		probe_slots(vm.fd, 0, limit, true, obs);
	if (!o->run)
		obs->run.result = RUN_SKIPPED;
	else if (!out_of_time(o, obs))
		x86_probe_run(kvm_fd, &vm, o, obs);
	close(vm.fd);
}

void kvm_probe(const struct host_facts *f, const struct probe_opts *o, struct kvm_obs *obs)
{
	long start = kic_now_ms();
	int kvm_fd;

	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	kvm_fd = open_kvm(f, obs);
	if (kvm_fd < 0)
		return;
	obs->probed = true;
	probe_common_caps(f, kvm_fd, obs);
	if (obs->incomplete) {
		/* a fault in the caps: nothing more is worth measuring */
	} else if (obs->api_version != KVM_API_VERSION) {
		snprintf(obs->skip_reason, sizeof(obs->skip_reason),
			 "KVM API version %d, expected %d", obs->api_version, KVM_API_VERSION);
	} else if (f->arch == ARCH_ARM64) {
		probe_arm64(kvm_fd, o, obs);
	} else if (f->arch == ARCH_X86_64) {
		probe_x86(kvm_fd, o, obs);
	}
	close(kvm_fd);
	out_of_time(o, obs); /* a signal during the last step still marks the report */
	obs->elapsed_ms = kic_now_ms() - start;
}

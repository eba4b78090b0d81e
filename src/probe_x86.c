// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 probes: the guest physical width KVM supports (CPUID 0x80000008) and
 * one real-mode store that must come back as KVM_EXIT_MMIO. x86 VM types
 * carry no address size (docs/kernel-facts.md §4).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probe_vm.h"

#ifndef KVM_CAP_SMALLER_MAXPHYADDR
#define KVM_CAP_SMALLER_MAXPHYADDR 185
#endif
#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES 235 /* 6.8+, include/uapi/linux/kvm.h */
#endif

#ifdef __x86_64__

#define CODE_GPA   0x1000ULL
#define NCPUID_ENT 128

/* mov [0x9000], al ; hlt  -- 0x9000 has no memslot, so KVM exits with MMIO */
static const uint8_t code_mmio[] = { 0xa2, 0x00, 0x90, 0xf4 };
static const uint8_t code_spin[] = { 0xeb, 0xfe }; /* jmp $ */

static void read_phys_bits(int kvm_fd, struct kvm_obs *obs)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + NCPUID_ENT * sizeof(c->entries[0]));
	int r;

	if (!c) {
		probe_fault(obs, "calloc", ENOMEM);
		return;
	}
	c->nent = NCPUID_ENT;
	r = kvm_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, (unsigned long)c);
	if (r < 0) {
		/* E2BIG is KVM's answer (more entries than room); the rest are faults */
		obs->cpuid_err = -r;
		if (!kvm_answer(-r))
			probe_fault(obs, "KVM_GET_SUPPORTED_CPUID", -r);
	} else {
		for (unsigned int i = 0; i < c->nent; i++) {
			uint32_t eax = c->entries[i].eax;

			if (c->entries[i].function != 0x80000008)
				continue;
			/* 6.10+: EAX[23:16] GuestPhysBits caps TDP at 48 without 5-level. */
			obs->cpuid_phys_bits = (eax >> 16) & 0xff ? (eax >> 16) & 0xff : eax & 0xff;
		}
	}
	free(c);
}

void x86_probe_caps(int kvm_fd, struct kvm_obs *obs)
{
	int r = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);

	/* KVM_CHECK_EXTENSION answers 0 for an absent cap: an error is a fault */
	if (r < 0)
		probe_fault(obs, "KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES)", -r);
	obs->vm_types = r > 0 ? r : -1;
	r = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SMALLER_MAXPHYADDR);
	if (r < 0)
		probe_fault(obs, "KVM_CHECK_EXTENSION(KVM_CAP_SMALLER_MAXPHYADDR)", -r);
	obs->smaller_maxphyaddr = r >= 0 ? r : -1;
	read_phys_bits(kvm_fd, obs);
}

static int vcpu_setup(int vm_fd, int vcpu_fd, struct kvm_obs *obs)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	(void)vm_fd;
	(void)obs;
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 0x2; /* bit 1 is reserved as one */
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

void x86_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		   struct kvm_obs *obs)
{
	bool spin = o->payload == PAYLOAD_SPIN;
	const struct guest g = {
		.code = spin ? code_spin : code_mmio,
		.code_len = spin ? sizeof(code_spin) : sizeof(code_mmio),
		.gpa = CODE_GPA,
		.size = (uint64_t)sysconf(_SC_PAGESIZE),
		.setup = vcpu_setup,
	};

	/* Intel without unrestricted guest needs a TSS for real mode; QEMU's address. */
	ioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	probe_guest_run(kvm_fd, vm, &g, o, obs);
}

#else

void x86_probe_caps(int kvm_fd, struct kvm_obs *obs)
{
	(void)kvm_fd;
	obs->vm_types = -1;
	obs->smaller_maxphyaddr = -1;
}

void x86_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		   struct kvm_obs *obs)
{
	(void)kvm_fd;
	(void)vm;
	(void)o;
	obs->run.result = RUN_ERROR;
	snprintf(obs->run.detail, sizeof(obs->run.detail), "binary not built for x86_64");
}

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 probes: the guest physical width KVM supports (CPUID 0x80000008) and
 * one real-mode store that must come back as KVM_EXIT_MMIO. x86 VM types
 * carry no address size (kernel.md §6.1).
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

#include "probe.h"

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

	if (!c)
		return;
	c->nent = NCPUID_ENT;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
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
	int r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);

	obs->vm_types = r > 0 ? r : -1;
	r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SMALLER_MAXPHYADDR);
	obs->smaller_maxphyaddr = r >= 0 ? r : -1;
	read_phys_bits(kvm_fd, obs);
}

static int vcpu_setup(int vcpu_fd)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

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
	const uint8_t *code = o->payload == PAYLOAD_SPIN ? code_spin : code_mmio;
	size_t code_len = o->payload == PAYLOAD_SPIN ? sizeof(code_spin) : sizeof(code_mmio);
	long page = sysconf(_SC_PAGESIZE);
	struct vcpu_run *r = &obs->run;
	void *mem = NULL, *run = MAP_FAILED;
	int vcpu_fd = -1, map_size, ret;

	r->vm_bits = vm->bits;
	/* Intel without unrestricted guest needs a TSS for real mode; QEMU's address. */
	ioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	mem = probe_map_anon((size_t)page);
	if (!mem) {
		ret = -ENOMEM;
		goto fail;
	}
	memcpy(mem, code, code_len);
	ret = probe_set_slot(vm->fd, 1, CODE_GPA, (uint64_t)page, mem);
	if (ret < 0)
		goto fail;
	vcpu_fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	map_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu_fd < 0 || map_size <= 0) {
		ret = -errno;
		goto fail;
	}
	ret = vcpu_setup(vcpu_fd);
	if (ret < 0)
		goto fail;
	run = mmap(NULL, (size_t)map_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED) {
		ret = -errno;
		goto fail;
	}
	probe_run_vcpu(vcpu_fd, run, probe_watchdog_ms(o), r);
	munmap(run, (size_t)map_size);
	goto out;
fail:
	r->result = RUN_ERROR;
	r->err = -ret;
	snprintf(r->detail, sizeof(r->detail), "vCPU set-up: %s", strerror(-ret));
out:
	if (vcpu_fd >= 0)
		close(vcpu_fd);
	if (mem)
		munmap(mem, (size_t)page);
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

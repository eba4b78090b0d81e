// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 vCPU probes: the host's real PARange through KVM_GET_ONE_REG (EL0
 * MRS hides it, arch/arm64/kernel/cpufeature.c FTR_HIDDEN) and one guest
 * store that must come back as KVM_EXIT_MMIO.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpuid_arm.h"
#include "probe_vm.h"

#ifdef __aarch64__

/* uapi: arch/arm64/include/uapi/asm/kvm.h (docs/kernel-facts.md §5) */
#define REG_PC	     0x6030000000100040ULL /* core reg, offsetof(kvm_regs, pc) / 4 */
#define REG_ID_MMFR0 0x603000000013C038ULL /* ARM64_SYS_REG(3, 0, 0, 7, 0) */
#define CODE_GPA     0x40000000ULL	   /* 1 GiB, inside every IPA size >= 32 */

/*
 *   movz x1, #0x0900, lsl #16   ; x1 = 0x09000000, unbacked (QEMU virt's PL011)
 *   str  x0, [x1]               ; stage-2 fault on an unbacked IPA -> MMIO exit
 *   b    .
 */
static const uint32_t code_mmio[] = { 0xd2a12001, 0xf9000020, 0x14000000 };
static const uint32_t code_spin[] = { 0x14000000 }; /* b . : never exits */

static int vcpu_setup(int vm_fd, int vcpu_fd, struct kvm_obs *obs)
{
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	uint64_t mmfr0 = 0, pc = CODE_GPA;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return -errno;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu_fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -errno;
	/* The guest's initial view is the host's sanitised register, unmasked. */
	reg.id = REG_ID_MMFR0;
	reg.addr = (uintptr_t)&mmfr0;
	if (ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg) == 0 && mmfr0_pa_bits(mmfr0) > 0)
		obs->one_reg_parange_bits = mmfr0_pa_bits(mmfr0);
	reg.id = REG_PC;
	reg.addr = (uintptr_t)&pc;
	if (ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg) < 0)
		return -errno;
	return 0;
}

void arm64_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		     struct kvm_obs *obs)
{
	bool spin = o->payload == PAYLOAD_SPIN;
	const struct guest g = {
		.code = spin ? code_spin : code_mmio,
		.code_len = spin ? sizeof(code_spin) : sizeof(code_mmio),
		.gpa = CODE_GPA,
		.size = PROBE_SLOT_SIZE,
		.setup = vcpu_setup,
	};

	probe_guest_run(kvm_fd, vm, &g, o, obs);
}

#else /* a binary built for another architecture cannot drive arm64 KVM */

void arm64_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		     struct kvm_obs *obs)
{
	(void)kvm_fd;
	(void)vm;
	(void)o;
	obs->run.result = RUN_ERROR;
	snprintf(obs->run.detail, sizeof(obs->run.detail), "binary not built for arm64");
}

#endif

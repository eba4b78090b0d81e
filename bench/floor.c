// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The floor for bench/run: only the KVM work a full check does, nothing else
 * -- no host facts, no libudev/libkmod, no VMM detection, no assessment, no
 * report. The same ioctls in the same order as src/probe.c, probe_vm.c, probe_x86.c and
 * probe_arm64.c: open /dev/kvm, API version, the caps, the VMs, the memslot
 * set/delete sequence at the same addresses, one vCPU and one run under the
 * same watchdog timer. libc only. Exit 0 when the vCPU run exited.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef KVM_CAP_ARM_VM_IPA_SIZE
#define KVM_CAP_ARM_VM_IPA_SIZE 165
#endif
#ifndef KVM_CAP_SMALLER_MAXPHYADDR
#define KVM_CAP_SMALLER_MAXPHYADDR 185
#endif
#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES 235
#endif

#define SLOT_SIZE  0x10000ULL
#define WATCHDOG_MS 1000

static int kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int set_slot(int vm, uint32_t slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return kvm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mr);
}

static void clear_slot(int vm, uint32_t slot)
{
	struct kvm_userspace_memory_region mr = { .slot = slot };

	kvm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mr);
}

/* probe.c slot_sites[] and try_slot(): the same addresses, deduplicated. */
static const struct {
	uint64_t gpa;
	int top_bits;
} sites[] = {
	{ 1ULL << 30, 0 },   { 2ULL << 30, 0 },	  { 0, 36 }, { 0, 40 },
	{ 0, 44 },	     { 0, 48 },		  { 256ULL << 30, 0 }, { 512ULL << 30, 0 },
};

static uint64_t tried[48];
static int ntried;

static void try_slot(int vm, uint64_t gpa, void *hva)
{
	for (int i = 0; i < ntried; i++)
		if (tried[i] == gpa)
			return;
	if (ntried < 48)
		tried[ntried++] = gpa;
	if (set_slot(vm, 0, gpa, SLOT_SIZE, hva) == 0)
		clear_slot(vm, 0);
}

static void probe_slots(int vm, int limit_bits)
{
	long page = sysconf(_SC_PAGESIZE);
	void *hva = map_anon(SLOT_SIZE);

	if (!hva)
		return;
	ntried = 0;
	for (size_t i = 0; i < sizeof(sites) / sizeof(sites[0]); i++)
		try_slot(vm, sites[i].top_bits ? (1ULL << sites[i].top_bits) - SLOT_SIZE : sites[i].gpa,
			 hva);
	if (limit_bits > 16 && limit_bits < 63) {
		uint64_t top = 1ULL << limit_bits;

		try_slot(vm, top - SLOT_SIZE, hva);
		try_slot(vm, top - SLOT_SIZE + (uint64_t)page, hva);
	}
	munmap(hva, SLOT_SIZE);
}

/* probe_vm.c run_vcpu(): SIGALRM timer as the watchdog around KVM_RUN. */
static volatile sig_atomic_t fired;
static struct kvm_run *volatile watched;

static void on_alarm(int sig)
{
	(void)sig;
	fired = 1;
	if (watched)
		watched->immediate_exit = 1;
}

static int run_vcpu(int vcpu, struct kvm_run *run)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct itimerspec its = { .it_value = { WATCHDOG_MS / 1000, (WATCHDOG_MS % 1000) * 1000000L } };
	timer_t t;
	int ret;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	fired = 0;
	watched = run;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) < 0 || timer_settime(t, 0, &its, NULL) < 0)
		return -1;
	for (;;) {
		ret = ioctl(vcpu, KVM_RUN, 0) < 0 ? -errno : 0;
		if (ret == -EINTR && !fired) {
			run->immediate_exit = 0;
			continue;
		}
		break;
	}
	timer_delete(t);
	watched = NULL;
	sigaction(SIGALRM, &old, NULL);
	return ret == 0 && run->exit_reason == KVM_EXIT_MMIO ? 0 : -1;
}

#ifdef __x86_64__

static int x86(int kvm)
{
	static const uint8_t code[] = { 0xa2, 0x00, 0x90, 0xf4 }; /* mov [0x9000], al; hlt */
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 128 * sizeof(c->entries[0]));
	long page = sysconf(_SC_PAGESIZE);
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int limit = 0, vm, vcpu, size, ok = -1;
	void *mem, *run;

	/* x86_probe_caps() */
	ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SMALLER_MAXPHYADDR);
	c->nent = 128;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) == 0)
		for (unsigned int i = 0; i < c->nent; i++)
			if (c->entries[i].function == 0x80000008) {
				uint32_t eax = c->entries[i].eax;

				limit = (eax >> 16) & 0xff ? (eax >> 16) & 0xff : eax & 0xff;
			}
	free(c);

	/* probe_x86() */
	vm = kvm_ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -1;
	probe_slots(vm, limit);
	ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	mem = map_anon((size_t)page);
	memcpy(mem, code, sizeof(code));
	if (set_slot(vm, 1, 0x1000, (uint64_t)page, mem) < 0)
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		goto out;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		goto out_vcpu;
	sregs.cs.base = sregs.cs.selector = sregs.ds.base = sregs.ds.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		goto out_vcpu;
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0x1000;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		goto out_vcpu;
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		goto out_vcpu;
	ok = run_vcpu(vcpu, run);
	munmap(run, (size_t)size);
out_vcpu:
	close(vcpu);
out:
	munmap(mem, (size_t)page);
	close(vm);
	return ok;
}

#elif defined(__aarch64__)

static int arm64(int kvm, int ipa_limit)
{
	static const uint32_t code[] = { 0xd2a12001, 0xf9000020, 0x14000000 };
	int dflt = kvm_ioctl(kvm, KVM_CREATE_VM, 0), largest = -1, lbits = 0, vm, vcpu, size;
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	uint64_t mmfr0 = 0, pc = 0x40000000ULL;
	void *mem, *run;
	int ok = -1;

	/* probe_ipa_types(): type 0, then 32..limit+1, keeping the largest */
	for (int bits = 32; ipa_limit > 0 && bits <= ipa_limit + 1 && bits < 32 + 24; bits++) {
		int fd = kvm_ioctl(kvm, KVM_CREATE_VM, (unsigned long)bits);

		if (fd < 0)
			continue;
		if (largest >= 0)
			close(largest);
		largest = fd;
		lbits = bits;
	}
	if (dflt >= 0)
		probe_slots(dflt, 40);
	if (largest >= 0)
		probe_slots(largest, lbits);
	vm = dflt >= 0 ? dflt : largest;
	if (vm < 0)
		return -1;
	/* arm64_probe_run() */
	mem = map_anon(SLOT_SIZE);
	memcpy(mem, code, sizeof(code));
	if (set_slot(vm, 1, 0x40000000ULL, SLOT_SIZE, mem) < 0)
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		goto out;
	memset(&init, 0, sizeof(init));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		goto out_vcpu;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0)
		goto out_vcpu;
	reg.id = 0x603000000013C038ULL; /* ID_AA64MMFR0_EL1 */
	reg.addr = (uintptr_t)&mmfr0;
	ioctl(vcpu, KVM_GET_ONE_REG, &reg);
	reg.id = 0x6030000000100040ULL; /* PC */
	reg.addr = (uintptr_t)&pc;
	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg) < 0)
		goto out_vcpu;
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		goto out_vcpu;
	ok = run_vcpu(vcpu, run);
	munmap(run, (size_t)size);
out_vcpu:
	close(vcpu);
out:
	munmap(mem, SLOT_SIZE);
	if (dflt >= 0)
		close(dflt);
	if (largest >= 0)
		close(largest);
	return ok;
}

#endif

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), ipa, r = -1;

	if (kvm < 0) {
		perror("/dev/kvm");
		return 3;
	}
	/* probe_common_caps() */
	if (kvm_ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return 3;
	kvm_ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	kvm_ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	ipa = kvm_ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
#ifdef __x86_64__
	(void)ipa;
	r = x86(kvm);
#elif defined(__aarch64__)
	r = arm64(kvm, ipa > 0 ? ipa : 0);
#endif
	close(kvm);
	return r == 0 ? 0 : 2;
}

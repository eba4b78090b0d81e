// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KVM probes: measure, on this kernel, what VMMs will meet. Every VM is
 * throwaway; every fd and mapping is released before kvm_probe() returns.
 * Facts the ioctls depend on: docs/kernel-facts.md §2, §3 and §5.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#ifndef KVM_CAP_ARM_VM_IPA_SIZE
#define KVM_CAP_ARM_VM_IPA_SIZE 165
#endif

long now_ms(void)
{
	return kic_now_ms();
}

/*
 * What KVM itself answers when it refuses a request (virt/kvm/kvm_main.c,
 * arch/arm64/kvm/mmu.c): anything else (EMFILE, ENFILE, ENOMEM, EPERM or
 * ENOSYS from a seccomp filter, EINTR) is a fault of this process's
 * environment and says nothing about the kernel's IPA handling.
 */
static bool kvm_answer(int err)
{
	switch (err) {
	case EINVAL:
	case EFAULT:
	case E2BIG:
	case EEXIST:
	case ERANGE:
	case ENXIO:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

/* Marks the probes incomplete: the verdict becomes UNKNOWN with this reason. */
static void probe_fault(struct kvm_obs *obs, const char *what, int err)
{
	if (obs->incomplete)
		return;
	obs->incomplete = true;
	snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
		 "%s failed with %s (%s): a fault of this process's environment, not KVM's answer",
		 what, errno_name(err), strerror(err));
}

static bool out_of_time(const struct probe_opts *o, struct kvm_obs *obs)
{
	if (obs->incomplete)
		return true;
	if (probe_stop) {
		obs->incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "interrupted by signal");
	} else if (o->deadline_ms && now_ms() >= o->deadline_ms) {
		obs->incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "time budget (--timeout) spent");
	}
	return obs->incomplete;
}

static int kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR && !probe_stop);
	return r < 0 ? -errno : r;
}

void *probe_map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int probe_set_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return kvm_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mr);
}

void probe_clear_slot(int vm_fd, uint32_t slot)
{
	struct kvm_userspace_memory_region mr = { .slot = slot };

	kvm_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mr);
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
} slot_sites[] = {
	{ 1ULL << 30, 0, "RAM base of QEMU virt and Cloud Hypervisor (1 GiB)" },
	{ 2ULL << 30, 0, "RAM base of kvmtool, Firecracker, crosvm, libkrun (2 GiB)" },
	{ 0, 36, "top of a 36-bit space (Apple M1)" },
	{ 0, 40, "top of the 40-bit default space" },
	{ 0, 44, "top of a 44-bit space" },
	{ 0, 48, "top of a 48-bit space" },
	{ 256ULL << 30, 0, "QEMU virt high redistributors and ECAM (256 GiB)" },
	{ 512ULL << 30, 0, "QEMU virt high PCIe MMIO window (512 GiB)" },
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

/* limit_bits: the VM's nominal size (40 for type 0 on arm64, MAXPHYADDR on x86). */
static void probe_slots(int vm_fd, int vm_bits, int limit_bits, struct kvm_obs *obs)
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
		try_slot(vm_fd, vm_bits, gpa, hva, slot_sites[i].why, obs);
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
	obs->api_version = kvm_ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	obs->nr_memslots = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	obs->max_vcpus = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	/* 0 = cap absent: pre-4.20 arm64, or an arch without IPA types. */
	obs->ipa_limit = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	/* KVM_CHECK_EXTENSION answers 0 for an absent cap: any error is a fault. */
	if (obs->api_version < 0)
		probe_fault(obs, "KVM_GET_API_VERSION", -obs->api_version);
	else if (obs->nr_memslots < 0 || obs->max_vcpus < 0 || obs->ipa_limit < 0)
		probe_fault(obs, "KVM_CHECK_EXTENSION",
			    obs->ipa_limit < 0	 ? -obs->ipa_limit
			    : obs->max_vcpus < 0 ? -obs->max_vcpus
						 : -obs->nr_memslots);
	if (obs->ipa_limit < 0)
		obs->ipa_limit = 0;
	if (f->arch == ARCH_ARM64)
		arm64_probe_caps(kvm_fd, obs);
	else if (f->arch == ARCH_X86_64)
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
	if (obs->ipa_limit <= 0)
		return; /* no KVM_CAP_ARM_VM_IPA_SIZE: only type 0 exists (pre-4.20) */
	for (int bits = 32; bits <= obs->ipa_limit + 1 && obs->nipa < KIC_MAX_IPA_PROBES; bits++) {
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

static int open_kvm(const struct host_facts *f, struct kvm_obs *obs)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), err = errno;

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
		probe_slots(dflt.fd, 0, KIC_DEFAULT_IPA, obs);
	if (largest.fd >= 0 && !out_of_time(o, obs))
		probe_slots(largest.fd, largest.bits, largest.bits, obs);
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
		probe_slots(vm.fd, 0, limit, obs);
	if (!o->run)
		obs->run.result = RUN_SKIPPED;
	else if (!out_of_time(o, obs))
		x86_probe_run(kvm_fd, &vm, o, obs);
	close(vm.fd);
}

void kvm_probe(const struct host_facts *f, const struct probe_opts *o, struct kvm_obs *obs)
{
	long start = now_ms();
	int kvm_fd;

	obs->ipa_limit = -1;
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
	obs->elapsed_ms = now_ms() - start;
}

/* The watchdog never runs past the global deadline. */
long probe_watchdog_ms(const struct probe_opts *o)
{
	long ms = o->watchdog_ms;

	if (o->deadline_ms) {
		long left = o->deadline_ms - now_ms();

		if (left < ms)
			ms = left > 1 ? left : 1;
	}
	return ms;
}

/* ---- the watchdog ---- */

static struct kvm_run *volatile watched_run;
static volatile sig_atomic_t watchdog_fired;

static void on_watchdog(int sig)
{
	(void)sig;
	watchdog_fired = 1;
	/* Covers the race where the signal lands just before KVM_RUN enters. */
	if (watched_run)
		watched_run->immediate_exit = 1;
}

static int arm_timer(timer_t *t, long ms)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct itimerspec its = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };

	if (timer_create(CLOCK_MONOTONIC, &sev, t) < 0)
		return -errno;
	if (timer_settime(*t, 0, &its, NULL) < 0) {
		int err = -errno;

		timer_delete(*t);
		return err;
	}
	return 0;
}

/*
 * full: the timer is the whole watchdog. When the deadline shortened it, an
 * expiry only says the budget ran out, never that the guest hangs.
 */
static int run_vcpu(int vcpu_fd, void *run_map, long watchdog_ms, bool full, struct kvm_obs *obs)
{
	struct sigaction sa = { .sa_handler = on_watchdog }, old;
	struct kvm_run *run = run_map;
	struct vcpu_run *r = &obs->run;
	long start = now_ms();
	timer_t timer;
	int ret;

	sigemptyset(&sa.sa_mask); /* no SA_RESTART: KVM_RUN must come back with EINTR */
	sigaction(SIGALRM, &sa, &old);
	watchdog_fired = 0;
	watched_run = run;
	ret = arm_timer(&timer, watchdog_ms > 0 ? watchdog_ms : 1);
	if (ret < 0)
		goto out;
	for (;;) {
		ret = probe_stop ? -EINTR : ioctl(vcpu_fd, KVM_RUN, 0) < 0 ? -errno : 0;
		if (ret == -EINTR && !watchdog_fired && !probe_stop) {
			run->immediate_exit = 0;
			continue;
		}
		break;
	}
	timer_delete(timer);
out:
	watched_run = NULL;
	sigaction(SIGALRM, &old, NULL);
	r->elapsed_ms = now_ms() - start;
	if (ret == -EINTR && watchdog_fired && full) {
		r->result = RUN_HANG;
		snprintf(r->detail, sizeof(r->detail), "no exit within %ld ms", watchdog_ms);
	} else if (ret == -EINTR && watchdog_fired) {
		r->result = RUN_NOT_RUN;
		snprintf(r->detail, sizeof(r->detail),
			 "cut short by the deadline after %ld ms: not a hang", r->elapsed_ms);
		obs->incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "time budget (--timeout) spent during the vCPU run (deadline, not the "
			 "watchdog): hang or not unknown");
	} else if (ret == -EINTR) {
		r->result = RUN_NOT_RUN;
		snprintf(r->detail, sizeof(r->detail), "interrupted by signal after %ld ms",
			 r->elapsed_ms);
		obs->incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "interrupted by signal during the vCPU run");
	} else if (ret < 0 && !kvm_answer(-ret)) {
		r->result = RUN_NOT_RUN;
		r->err = -ret;
		snprintf(r->detail, sizeof(r->detail), "KVM_RUN: %s", strerror(-ret));
		probe_fault(obs, "KVM_RUN", -ret);
	} else if (ret < 0) {
		r->result = RUN_ERROR;
		r->err = -ret;
		snprintf(r->detail, sizeof(r->detail), "KVM_RUN: %s", strerror(-ret));
	} else {
		r->exit_reason = run->exit_reason;
		if (run->exit_reason == KVM_EXIT_MMIO)
			r->mmio_addr = run->mmio.phys_addr;
		r->result = RUN_EXITED;
	}
	return ret;
}

void probe_guest_run(int kvm_fd, const struct vm_handle *vm, const struct guest *g,
		     const struct probe_opts *o, struct kvm_obs *obs)
{
	struct vcpu_run *r = &obs->run;
	void *mem, *run = MAP_FAILED;
	int vcpu_fd = -1, map_size = 0, ret;
	long wd;

	r->vm_bits = vm->bits;
	mem = probe_map_anon(g->size);
	if (!mem) {
		ret = -ENOMEM;
		goto fail;
	}
	memcpy(mem, g->code, g->code_len);
	ret = probe_set_slot(vm->fd, 1, g->gpa, g->size, mem);
	if (ret < 0)
		goto fail;
	vcpu_fd = kvm_ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	map_size = kvm_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu_fd < 0 || map_size <= 0) {
		ret = vcpu_fd < 0 ? vcpu_fd : map_size < 0 ? map_size : -EINVAL;
		goto fail;
	}
	ret = g->setup(vm->fd, vcpu_fd, obs);
	if (ret < 0)
		goto fail;
	run = mmap(NULL, (size_t)map_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED) {
		ret = -errno;
		goto fail;
	}
	wd = probe_watchdog_ms(o);
	run_vcpu(vcpu_fd, run, wd, wd >= o->watchdog_ms, obs);
	goto out;
fail:
	r->result = kvm_answer(-ret) ? RUN_ERROR : RUN_NOT_RUN;
	r->err = -ret;
	snprintf(r->detail, sizeof(r->detail), "vCPU set-up: %s", strerror(-ret));
	if (!kvm_answer(-ret))
		probe_fault(obs, "vCPU set-up", -ret);
out:
	if (run != MAP_FAILED)
		munmap(run, (size_t)map_size);
	if (vcpu_fd >= 0)
		close(vcpu_fd);
	if (mem)
		munmap(mem, g->size);
}

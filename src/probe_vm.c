// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A throwaway VM's helpers, used by probe.c and by the per-arch guests
 * (probe_arm64.c, probe_x86.c): KVM's answer told from a fault, memslots,
 * and one vCPU run under a watchdog. They call nothing of probe.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "probe_vm.h"

/*
 * What KVM itself answers when it refuses a request (virt/kvm/kvm_main.c,
 * arch/arm64/kvm/mmu.c): anything else (EMFILE, ENFILE, ENOMEM, EPERM or
 * ENOSYS from a seccomp filter, EINTR) is a fault of this process's
 * environment and says nothing about the kernel's IPA handling.
 */
bool kvm_answer(int err)
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

void probe_fault(struct kvm_obs *obs, const char *what, int err)
{
	if (obs->incomplete)
		return;
	obs->incomplete = true;
	snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
		 "%s failed with %s (%s): a fault of this process's environment, not KVM's answer",
		 what, errno_name(err), strerror(err));
}

int kvm_ioctl(int fd, unsigned long req, unsigned long arg)
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

/* The watchdog never runs past the global deadline. */
static long probe_watchdog_ms(const struct probe_opts *o)
{
	long ms = o->watchdog_ms;

	if (o->deadline_ms) {
		long left = o->deadline_ms - kic_now_ms();

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
	/* SA_ONSTACK: on main()'s signal stack (kvm-ipa-check.c), if there is one */
	struct sigaction sa = { .sa_handler = on_watchdog, .sa_flags = SA_ONSTACK }, old;
	struct kvm_run *run = run_map;
	struct vcpu_run *r = &obs->run;
	long start = kic_now_ms();
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
	r->elapsed_ms = kic_now_ms() - start;
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

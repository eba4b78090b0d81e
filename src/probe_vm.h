/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside stage 2 only: the throwaway VM's helpers (probe_vm.c), used by
 * probe.c and by the per-arch guests, and the per-arch entry points
 * (probe_arm64.c, probe_x86.c) that probe.c picks. probe_vm.c calls neither.
 */
#ifndef KIC_PROBE_VM_H
#define KIC_PROBE_VM_H

#include <stdint.h>

#include "probe.h"

#define PROBE_SLOT_SIZE 0x10000ULL /* 64 KiB: aligned for 4K, 16K and 64K hosts */

struct vm_handle {
	int fd;
	int bits; /* 0 = type 0 */
};

/* True for an errno KVM answers a request with; anything else is a fault. */
bool kvm_answer(int err);
/* Marks the probes incomplete: the verdict becomes UNKNOWN with this reason. */
void probe_fault(struct kvm_obs *obs, const char *what, int err);
/* ioctl() retried on EINTR until probe_stop; returns the result or -errno. */
int kvm_ioctl(int fd, unsigned long req, unsigned long arg);

void *probe_map_anon(size_t size);
int probe_set_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size, void *hva);
void probe_clear_slot(int vm_fd, uint32_t slot);

/* A throwaway guest: code in one memslot, a per-arch vCPU set-up. */
struct guest {
	const void *code;
	size_t code_len;
	uint64_t gpa;  /* where the code slot starts; the vCPU starts there */
	uint64_t size; /* the code slot's size */
	int (*setup)(int vm_fd, int vcpu_fd, struct kvm_obs *obs);
};

/*
 * Maps the code, creates vCPU 0, runs it under the watchdog (never past
 * o->deadline_ms) and fills obs->run; releases the vCPU, its mapping and the
 * code memory.
 */
void probe_guest_run(int kvm_fd, const struct vm_handle *vm, const struct guest *g,
		     const struct probe_opts *o, struct kvm_obs *obs);

/* Per arch: one vCPU run in vm (fills obs->run); x86's capabilities. */
void arm64_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		     struct kvm_obs *obs);
void x86_probe_caps(int kvm_fd, struct kvm_obs *obs);
void x86_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		   struct kvm_obs *obs);

#endif

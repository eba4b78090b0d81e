/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KIC_PROBE_H
#define KIC_PROBE_H

#include <signal.h>
#include <stdint.h>

#include "check.h"

/* What the throwaway vCPU executes. SPIN exists only for the watchdog tests. */
enum payload { PAYLOAD_MMIO, PAYLOAD_SPIN };

struct probe_opts {
	bool default_probe; /* create a type-0 VM */
	bool run;	    /* run one guest instruction */
	long deadline_ms;   /* CLOCK_MONOTONIC, absolute; 0 = none */
	long watchdog_ms;
	enum payload payload;
};

/* Set by the caller's SIGINT/SIGTERM handler; probes stop at the next step. */
extern volatile sig_atomic_t probe_stop;

long now_ms(void);

/* Stage 2: opens /dev/kvm, probes, closes every fd. Fills obs only. */
void kvm_probe(const struct host_facts *f, const struct probe_opts *o, struct kvm_obs *obs);

/* Shared between probe.c and the per-arch files. */
#define PROBE_SLOT_SIZE 0x10000ULL    /* 64 KiB: aligned for 4K, 16K and 64K hosts */
#define PROBE_MMIO_GPA	0x09000000ULL /* unbacked; QEMU virt's PL011 address */

struct vm_handle {
	int fd;
	int bits; /* 0 = type 0 */
};

int probe_set_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size, void *hva);
void probe_clear_slot(int vm_fd, uint32_t slot);
void *probe_map_anon(size_t size);

/* One vCPU run under a watchdog; fills obs->run. Per arch. */
void arm64_probe_caps(int kvm_fd, struct kvm_obs *obs);
void arm64_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		     struct kvm_obs *obs);
void x86_probe_caps(int kvm_fd, struct kvm_obs *obs);
void x86_probe_run(int kvm_fd, const struct vm_handle *vm, const struct probe_opts *o,
		   struct kvm_obs *obs);
long probe_watchdog_ms(const struct probe_opts *o);
/* A throwaway guest: code in one memslot, a per-arch vCPU set-up. */
struct guest {
	const void *code;
	size_t code_len;
	uint64_t gpa;  /* where the code slot starts; the vCPU starts there */
	uint64_t size; /* the code slot's size */
	int (*setup)(int vm_fd, int vcpu_fd, struct kvm_obs *obs);
};

/*
 * Maps the code, creates vCPU 0, runs it under the watchdog and fills
 * obs->run; releases the vCPU, its mapping and the code memory.
 */
void probe_guest_run(int kvm_fd, const struct vm_handle *vm, const struct guest *g,
		     const struct probe_opts *o, struct kvm_obs *obs);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KIC_PROBE_H
#define KIC_PROBE_H

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

/* Stage 2: opens /dev/kvm, probes, closes every fd. Fills obs only. */
void kvm_probe(const struct host_facts *f, const struct probe_opts *o, struct kvm_obs *obs);

#endif

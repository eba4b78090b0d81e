/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KIC_ASSESS_H
#define KIC_ASSESS_H

#include "check.h"

/* What-if inputs (--ipa-limit, --kernel, --vmm): judged, never measured. */
struct whatif {
	struct ipa_limit ipa_limit; /* --ipa-limit: known when given */
	char kernel[64];	    /* "": none */
	int nvmms;
	struct {
		char name[32];
		char version[64];
	} vmms[KIC_MAX_VMMS];
	bool default_probe_skipped; /* --no-default-probe */
};

/*
 * Whether the what-if inputs can apply to this host. --ipa-limit on a host
 * that is not arm64 judges an arm64 host of that class; --kernel alone there
 * has no IPA limit to apply to. Returns 0, or -EINVAL with the usage error
 * in msg.
 */
int whatif_check(const struct host_facts *f, const struct whatif *w, char *msg, size_t len);

/* Stage 3: pure; reads facts and observations, writes only *a. */
void assess(const struct host_facts *f, const struct kvm_obs *obs, const struct whatif *w,
	    struct assessment *a);

/*
 * The type-0 behaviour an upstream kernel release shows on a host whose
 * limit is ipa_limit. Returns how sure the rule is: 2 sure, 1 likely, 0 not.
 */
int predict_kernel(const char *release, int ipa_limit, bool protected_mode,
		   enum kernel_behaviour *kb, char *basis, size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Assessment: from facts and observations to a verdict. Pure: no I/O, no
 * globals, so every branch is unit-tested with hand-made inputs.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assess.h"
#include "parse.h"
#include "vmm.h"

static void finding(struct assessment *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void finding(struct assessment *a, const char *fmt, ...)
{
	va_list ap;

	if (a->nfindings >= (int)(sizeof(a->findings) / sizeof(a->findings[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(a->findings[a->nfindings++], sizeof(a->findings[0]), fmt, ap);
	va_end(ap);
}

static void add_evidence(struct assessment *a, enum pa_source src, int bits, const char *detail)
{
	pa_evidence_add(a->evidence, &a->nevidence, src, bits, detail);
}

static int evidence_bits(const struct assessment *a, enum pa_source src)
{
	for (int i = 0; i < a->nevidence; i++)
		if (a->evidence[i].source == src)
			return a->evidence[i].bits;
	return 0;
}

/* The CPU's own PA size, best source first; differences become findings. */
static void host_pa(const struct host_facts *f, const struct kvm_obs *obs, struct assessment *a)
{
	static const enum pa_source order[] = { PA_SRC_ONE_REG, PA_SRC_CPUID, PA_SRC_CPUINFO,
						PA_SRC_CORE_TABLE };
	int core, reg, log, cap, ram;

	for (int i = 0; i < f->nevidence; i++)
		add_evidence(a, f->evidence[i].source, f->evidence[i].bits, f->evidence[i].detail);
	if (obs->probed) {
		add_evidence(a, PA_SRC_KVM_CAP, ipa_bits(obs->ipa_limit),
			     "KVM_CHECK_EXTENSION(KVM_CAP_ARM_VM_IPA_SIZE)");
		add_evidence(a, PA_SRC_ONE_REG, obs->one_reg_parange_bits,
			     "ID_AA64MMFR0_EL1.PARange via KVM_GET_ONE_REG");
		add_evidence(a, PA_SRC_CPUID, obs->cpuid_phys_bits,
			     "KVM_GET_SUPPORTED_CPUID 0x80000008");
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && !a->host_pa_bits; i++)
		a->host_pa_bits = evidence_bits(a, order[i]);

	core = evidence_bits(a, PA_SRC_CORE_TABLE);
	reg = evidence_bits(a, PA_SRC_ONE_REG);
	log = evidence_bits(a, PA_SRC_KERNEL_LOG);
	cap = evidence_bits(a, PA_SRC_KVM_CAP);
	ram = evidence_bits(a, PA_SRC_RAM_TOP);
	if (core && reg && core != reg)
		finding(a, "the CPU parts are documented with %d PA bits but the CPU reports %d",
			core, reg);
	if (log && cap && log != cap)
		finding(a,
			"the kernel log says an IPA limit of %d bits but KVM reports %d (log from "
			"another boot?)",
			log, cap);
	/* 4K/16K pages without LPA2 cap the limit at 48 (5.15+): expected, not odd. */
	if (reg && cap && cap < reg && !(cap == 48 && reg == 52))
		finding(a,
			"KVM's IPA limit (%d) is below the CPU's PARange (%d): kernel "
			"configuration or a CPU with a smaller range",
			cap, reg);
	if (ram && a->host_pa_bits && ram > a->host_pa_bits)
		finding(a, "RAM reaches %d address bits, beyond the %d-bit PA size", ram,
			a->host_pa_bits);
}

static void pick_limit(const struct host_facts *f, const struct kvm_obs *obs,
		       const struct whatif *w, struct assessment *a)
{
	if (w->ipa_limit.state == IPA_KNOWN) {
		a->ipa_limit = w->ipa_limit;
		a->ipa_limit_measured = false;
	} else if (obs->probed && obs->ipa_limit.state == IPA_KNOWN) {
		a->ipa_limit = obs->ipa_limit;
		a->ipa_limit_measured = true;
	} else if (f->log_ipa_limit.state == IPA_KNOWN) {
		a->ipa_limit = f->log_ipa_limit;
		a->ipa_limit_measured = false;
	} else if (obs->probed && obs->ipa_limit.state == IPA_ABSENT) {
		a->ipa_limit.state = IPA_ABSENT; /* measured: no KVM_CAP_ARM_VM_IPA_SIZE */
		a->ipa_limit_measured = true;
	}
}

int whatif_check(const struct host_facts *f, const struct whatif *w, char *msg, size_t len)
{
	if (f->arch == ARCH_ARM64 || !w->kernel[0] || w->ipa_limit.state == IPA_KNOWN)
		return 0;
	snprintf(msg, len,
		 "--kernel %s: this %s host has no arm64 IPA limit for the kernel to apply to; "
		 "add --ipa-limit BITS to judge an arm64 host of that class",
		 w->kernel, f->arch == ARCH_UNKNOWN ? "(architecture unknown)" : f->arch_name);
	return -EINVAL;
}

/*
 * Only arm64 VM types carry an IPA size, so --ipa-limit on any other host
 * can only mean an arm64 host with that limit: judged instead of this one,
 * whose own facts and probes stay in the report as this host's.
 */
static void judged_host(const struct host_facts *f, const struct whatif *w, struct assessment *a)
{
	const char *arch =
		f->arch == ARCH_UNKNOWN ? "unknown-architecture" : kic_arch_name(f->arch);
	char *s = a->judged_host;
	size_t len = sizeof(a->judged_host);
	size_t n;

	a->judged_arch = f->arch;
	a->other_host = f->arch != ARCH_ARM64 && w->ipa_limit.state == IPA_KNOWN;
	a->whatif_ipa_limit = w->ipa_limit;
	snprintf(a->whatif_kernel, sizeof(a->whatif_kernel), "%s", w->kernel);
	if (!a->what_if)
		return;
	if (a->other_host) {
		a->judged_arch = ARCH_ARM64;
		n = (size_t)snprintf(s, len, "an arm64 host with a %d-bit IPA limit",
				     w->ipa_limit.bits);
	} else {
		n = (size_t)snprintf(s, len, "this %s host", arch);
		if (n < len && w->ipa_limit.state == IPA_KNOWN)
			n += (size_t)snprintf(s + n, len - n, " with a %d-bit IPA limit",
					      w->ipa_limit.bits);
	}
	if (n < len && w->kernel[0])
		n += (size_t)snprintf(s + n, len - n, ", kernel %s", w->kernel);
	if (n >= len)
		return;
	if (a->other_host)
		snprintf(s + n, len - n,
			 ", not in pKVM protected mode: predicted (--ipa-limit on this %s host "
			 "implies an arm64 host; the facts above are this host's own)",
			 arch);
	else
		snprintf(s + n, len - n, "%s",
			 w->ipa_limit.state == IPA_KNOWN || w->kernel[0]
				 ? ": predicted"
				 : ", with the VMMs named by --vmm judged "
				   "as if installed on it");
}

/*
 * Does protected mode give type 0 the host's limit on this release? Only from
 * 60dfe093ec13 "KVM: arm64: Instantiate guest stage-2 page-tables at EL2"
 * (mainline 6.2, "First batch of KVM changes for Linux 6.2"); before it
 * (kvm-arm.mode=protected exists from 5.11) type 0 takes the ordinary path.
 * 1 caps, 0 does not, -1 cannot tell; *sure false when a distribution
 * release before 6.2 could carry a vendor's pKVM backport.
 */
static int pkvm_caps(const char *release, bool *sure, char *why, size_t len)
{
	struct kver v;

	*sure = false;
	if (parse_kernel_version(release, &v)) {
		snprintf(why, len, "pKVM caps type 0 from 6.2; release \"%.20s\" does not tell",
			 release);
		return -1;
	}
	*sure = kver_cmp(&v, 6, 2, 0) >= 0 || !v.distro;
	if (kver_cmp(&v, 6, 2, 0) >= 0) {
		snprintf(why, len, "pKVM on %d.%d (6.2+) gives type 0 the host's size", v.major,
			 v.minor);
		return 1;
	}
	snprintf(why, len, "pKVM caps type 0 only from 6.2 (60dfe093ec13)%s",
		 v.distro ? ", unless backported" : "");
	return 0;
}

int predict_kernel(const char *release, int ipa_limit, bool protected_mode,
		   enum kernel_behaviour *kb, char *basis, size_t len)
{
	char pk[72] = "";
	bool pk_sure = true;
	struct kver v;
	bool fixed;

	*kb = KB_UNKNOWN;
	if (parse_kernel_version(release, &v)) {
		snprintf(basis, len, "cannot read a kernel version from \"%.40s\"", release);
		return 0;
	}
	if (ipa_limit <= 0) {
		snprintf(basis, len, "the host's IPA limit is unknown");
		return 0;
	}
	if (ipa_limit >= KIC_DEFAULT_IPA) {
		*kb = KB_DEFAULT_FITS;
		snprintf(basis, len, "a %d-bit limit holds the 40-bit default on every kernel",
			 ipa_limit);
		return 2;
	}
	/* 233a7cb23531 (4.20) added IPA types; before, stage 2 is fixed at 40 bits. */
	if (kver_cmp(&v, 4, 20, 0) < 0) {
		*kb = KB_DEFAULT_HANGS;
		snprintf(basis, len,
			 "%d.%d predates IPA types (4.20): the 40-bit default is the only size and "
			 "is not checked against the host",
			 v.major, v.minor);
		return 1;
	}
	if (protected_mode && pkvm_caps(release, &pk_sure, pk, sizeof(pk)) == 1) {
		*kb = KB_DEFAULT_CAPPED;
		snprintf(basis, len,
			 "pKVM protected mode on 6.2+ gives type-0 VMs the host's %d bits",
			 ipa_limit);
		return 1;
	}
	/*
	 * 7d717558dd5e: mainline 5.12; stable 5.11.7, 5.10.24, 5.4.106 (docs/kernel-facts.md).
	 * Posted 2021-03-11, after 5.12-rc2; which -rc first has it: kernel-facts.md.
	 */
	if (v.major == 5 && v.minor == 12 && v.rc && v.rc <= 2) {
		*kb = KB_DEFAULT_HANGS;
		snprintf(basis, len,
			 "5.12-rc%d predates the 2021 fix (7d717558dd5e, posted after 5.12-rc2): "
			 "type 0 is accepted and the guest hangs",
			 v.rc);
		return 2;
	}
	if (v.major == 5 && v.minor == 12 && v.rc == 3) {
		snprintf(basis, len,
			 "5.12-rc3 may lack the 2021 fix (7d717558dd5e): it reached mainline "
			 "between 2021-03-12 and 2021-03-15, -rc3 is of 2021-03-14");
		return 0;
	}
	fixed = kver_cmp(&v, 5, 12, 0) >= 0 || (v.major == 5 && v.minor == 11 && v.patch >= 7) ||
		(v.major == 5 && v.minor == 10 && v.patch >= 24) ||
		(v.major == 5 && v.minor == 4 && v.patch >= 106);
	if (fixed) {
		*kb = KB_DEFAULT_REJECTED;
		snprintf(basis, len,
			 "%d.%d.%d has the 2021 fix (7d717558dd5e): type 0 gets EINVAL%s%.66s",
			 v.major, v.minor, v.patch, protected_mode ? "; " : "",
			 protected_mode ? pk : "");
		return pk_sure ? 2 : 1;
	}
	if ((v.minor == 4 || v.minor == 10 || v.minor == 11) && v.major == 5 &&
	    (!v.has_patch || (v.distro && v.patch == 0))) {
		snprintf(basis, len,
			 "the release string hides the stable level; 5.%d gets the fix in 5.%d.%d",
			 v.minor, v.minor,
			 v.minor == 4	 ? 106
			 : v.minor == 10 ? 24
					 : 7);
		return 0;
	}
	*kb = KB_DEFAULT_HANGS;
	snprintf(basis, len,
		 "%d.%d.%d lacks the 2021 fix: type 0 is accepted and the guest hangs%s", v.major,
		 v.minor, v.patch, v.distro ? " (unless the vendor backported it)" : "");
	return v.distro ? 1 : 2;
}

enum pkvm_state {
	PKVM_OFF,
	PKVM_ON,   /* the kernel log says protected mode initialised */
	PKVM_HINT, /* only the command line asks for it: the log does not say */
};

/*
 * pKVM protected mode: what the kernel did, not what it was asked. The
 * kernel ignores kvm-arm.mode=protected when it cannot leave EL2 (a VHE-only
 * CPU such as the Apple M1) and says so (docs/kernel-facts.md §2).
 */
static enum pkvm_state pkvm(const struct host_facts *f, char *why, size_t len)
{
	if (f->log_protected) {
		snprintf(why, len, "kernel log: \"%s\"",
			 f->log_kvm_mode[0] ? f->log_kvm_mode
					    : "Protected nVHE mode initialized successfully");
		return PKVM_ON;
	}
	if (f->log_pkvm_refused || f->log_kvm_mode[0]) {
		snprintf(why, len, "kernel log: \"%s\"",
			 f->log_pkvm_refused ? "Protected KVM not available with VHE"
					     : f->log_kvm_mode);
		return PKVM_OFF;
	}
	if (!strcmp(f->kvm_arm_mode, "protected")) {
		snprintf(why, len, "command line: kvm-arm.mode=protected, unconfirmed by the log");
		return PKVM_HINT;
	}
	snprintf(why, len, "no pKVM");
	return PKVM_OFF;
}

static bool protected_mode(const struct host_facts *f)
{
	char why[64];

	return pkvm(f, why, sizeof(why)) != PKVM_OFF;
}

/* Offline: what the kernel log of this boot, and its release, tell about type 0. */
static enum kernel_behaviour from_log(const struct host_facts *f, int limit, char *basis,
				      size_t len)
{
	char why[64], caps_why[72];
	enum pkvm_state pk = pkvm(f, why, sizeof(why));
	bool sure;
	int caps;

	if (limit <= 0) {
		snprintf(basis, len, "no measurement and no IPA limit in the kernel log");
		return KB_UNKNOWN;
	}
	if (limit >= KIC_DEFAULT_IPA) {
		snprintf(basis, len, "the %d-bit limit holds the 40-bit default", limit);
		return KB_DEFAULT_FITS;
	}
	/* printed only where type 0 is refused: never in protected mode */
	if (f->log_default_warned) {
		snprintf(basis, len, "kernel log: this boot's \"upgrade your VMM\" warning");
		return KB_DEFAULT_REJECTED;
	}
	if (f->log_unfixed_warn) {
		snprintf(basis, len, "kernel log: the WARN only unfixed kernels print");
		return KB_DEFAULT_HANGS;
	}
	caps = pk == PKVM_OFF ? 0 : pkvm_caps(f->kernel_release, &sure, caps_why, sizeof(caps_why));
	/* 6.2+ is past the 2021 fix: capped whatever the log's wording */
	if (caps == 1) {
		snprintf(basis, len, "%s; %s%s", why, caps_why,
			 pk == PKVM_HINT ? " (if honoured)" : "");
		return KB_DEFAULT_CAPPED;
	}
	if (caps < 0) {
		snprintf(basis, len, "%s; %s", why, caps_why);
		return KB_UNKNOWN;
	}
	if (f->log_reduced_suffix) {
		snprintf(basis, len,
			 "kernel log: the fixed kernel's \"Reduced IPA size\" message%s%s",
			 pk == PKVM_OFF ? "" : "; ", pk == PKVM_OFF ? "" : caps_why);
		return KB_DEFAULT_REJECTED;
	}
	snprintf(basis, len, "the kernel log does not tell whether this kernel has the 2021 fix");
	return KB_UNKNOWN;
}

static const struct slot_probe *find_slot(const struct kvm_obs *obs, int vm_bits, uint64_t end)
{
	for (int i = 0; i < obs->nslots; i++)
		if (obs->slots[i].vm_bits == vm_bits &&
		    obs->slots[i].gpa + obs->slots[i].size == end)
			return &obs->slots[i];
	return NULL;
}

/* Type 0 was created on a host whose limit is below 40: unfixed or capped? */
static enum kernel_behaviour created_below_40(const struct kvm_obs *obs, int limit, char *basis,
					      size_t len)
{
	const struct slot_probe *at40 = find_slot(obs, 0, 1ULL << KIC_DEFAULT_IPA);
	const struct slot_probe *atlim = find_slot(obs, 0, 1ULL << limit);

	if (at40 && at40->result == SLOT_REJECTED && atlim && atlim->result == SLOT_ACCEPTED) {
		snprintf(basis, len, "type 0 created with a %d-bit space instead of 40 (memslots)",
			 limit);
		return KB_DEFAULT_CAPPED;
	}
	snprintf(basis, len,
		 "type 0 accepted with the 40-bit default on a %d-bit host: this kernel lacks the "
		 "2021 fix",
		 limit);
	return KB_DEFAULT_HANGS;
}

static enum kernel_behaviour from_probes(const struct host_facts *f, const struct kvm_obs *obs,
					 int limit, char *basis, size_t len, bool *sure)
{
	const struct ipa_probe *d = &obs->default_vm;

	*sure = true;
	if (obs->run.result == RUN_HANG && obs->run.vm_bits == 0) {
		snprintf(basis, len, "a vCPU of the type-0 VM never came back from KVM_RUN");
		return KB_DEFAULT_HANGS;
	}
	if (d->result == PR_REJECTED) {
		if (limit > 0 && limit < KIC_DEFAULT_IPA && d->err == EINVAL) {
			snprintf(basis, len, "type 0 refused with EINVAL on a %d-bit host", limit);
			return KB_DEFAULT_REJECTED;
		}
		snprintf(basis, len, "type 0 refused with %s although the limit is %d",
			 errno_name(d->err), limit);
		return KB_UNKNOWN;
	}
	if (d->result == PR_CREATED) {
		if (limit >= KIC_DEFAULT_IPA) {
			snprintf(basis, len, "type 0 created; the %d-bit limit holds 40 bits",
				 limit);
			return KB_DEFAULT_FITS;
		}
		if (limit > 0)
			return created_below_40(obs, limit, basis, len);
		/* No KVM_CAP_ARM_VM_IPA_SIZE (pre-4.20): judge by the CPU's PARange. */
		if (obs->one_reg_parange_bits >= KIC_DEFAULT_IPA ||
		    (obs->run.result == RUN_EXITED && obs->run.vm_bits == 0)) {
			snprintf(basis, len, "type 0 created and ran (kernel without IPA types)");
			return KB_DEFAULT_FITS;
		}
		snprintf(basis, len,
			 "type 0 created on a kernel without IPA types, host size unknown");
		return KB_UNKNOWN;
	}
	/* Type-0 probe skipped: inferred, never measured, however sure. */
	*sure = false;
	if (limit >= KIC_DEFAULT_IPA) {
		snprintf(basis, len,
			 "the measured %d-bit limit holds 40 bits (type-0 probe skipped)", limit);
		return KB_DEFAULT_FITS;
	}
	return from_log(f, limit, basis, len);
}

/* --kernel: from its version, on the limit in use (measured, logged or --ipa-limit). */
static void predict_whatif_kernel(const struct whatif *w, bool prot, struct assessment *a)
{
	int conf = predict_kernel(w->kernel, ipa_bits(a->ipa_limit), prot, &a->behaviour,
				  a->behaviour_basis, sizeof(a->behaviour_basis));

	a->behaviour_measured = false;
	if (a->ipa_limit.state != IPA_KNOWN)
		snprintf(a->behaviour_basis, sizeof(a->behaviour_basis),
			 "kernel %.40s: this host's IPA limit is unknown (not measured, not in the "
			 "kernel log): give --ipa-limit BITS",
			 w->kernel);
	finding(a, "kernel %s: predicted from its version (%s)", w->kernel,
		conf == 2   ? "sure"
		: conf == 1 ? "likely"
			    : "cannot tell");
}

/* An arm64 host class judged from another architecture: the inputs are all there is. */
static void other_host_behaviour(const struct whatif *w, struct assessment *a)
{
	a->behaviour_measured = false;
	if (w->kernel[0]) {
		predict_whatif_kernel(w, false, a);
	} else if (ipa_bits(a->ipa_limit) >= KIC_DEFAULT_IPA) {
		a->behaviour = KB_DEFAULT_FITS;
		snprintf(a->behaviour_basis, sizeof(a->behaviour_basis),
			 "a %d-bit limit holds the 40-bit default on every kernel",
			 a->ipa_limit.bits);
	} else {
		a->behaviour = KB_UNKNOWN;
		snprintf(
			a->behaviour_basis, sizeof(a->behaviour_basis),
			"below 40 bits type 0 fails or hangs depending on the arm64 host's kernel: "
			"give --kernel VERSION");
	}
}

static void behaviour(const struct host_facts *f, const struct kvm_obs *obs, const struct whatif *w,
		      struct assessment *a)
{
	char *basis = a->behaviour_basis;
	size_t len = sizeof(a->behaviour_basis);
	bool sure = false;

	if (a->other_host) {
		other_host_behaviour(w, a);
		return;
	}
	if (f->arch == ARCH_X86_64 || f->arch == ARCH_OTHER) {
		a->behaviour = KB_NOT_APPLICABLE;
		a->behaviour_measured = true;
		snprintf(basis, len, "%s VM types carry no IPA size",
			 f->arch == ARCH_X86_64 ? "x86" : "this architecture's");
		return;
	}
	if (f->arch != ARCH_ARM64) {
		a->behaviour = KB_UNKNOWN;
		snprintf(basis, len, "unknown architecture");
		return;
	}
	if (!strcmp(f->kvm_arm_mode, "protected") && !protected_mode(f))
		finding(a,
			"kvm-arm.mode=protected is on the command line but the kernel log says "
			"\"%s\": KVM runs without pKVM",
			f->log_pkvm_refused ? "Protected KVM not available with VHE"
					    : f->log_kvm_mode);
	if (w->kernel[0]) {
		predict_whatif_kernel(w, protected_mode(f), a);
		return;
	}
	if (w->ipa_limit.state == IPA_KNOWN &&
	    (!obs->probed || w->ipa_limit.bits != ipa_bits(obs->ipa_limit))) {
		/* Another host class on this kernel: the version is all we have. */
		predict_kernel(f->kernel_release, ipa_bits(a->ipa_limit), protected_mode(f),
			       &a->behaviour, basis, len);
		a->behaviour_measured = false;
		return;
	}
	if (obs->probed)
		a->behaviour = from_probes(f, obs, ipa_bits(a->ipa_limit), basis, len, &sure);
	else
		a->behaviour = from_log(f, ipa_bits(a->ipa_limit), basis, len);
	a->behaviour_measured = obs->probed && sure;
}

/*
 * KVM takes at most KVM_MEM_MAX_NR_PAGES = 2^31 - 1 pages in one memslot
 * (include/linux/kvm_host.h), and VMMs map guest RAM as one slot: QEMU 7.2
 * stops at -m 8388607M on 4 KiB pages (tests/arm64/run-qemu-check). A copied
 * tree does not say its page size: 4 KiB, the smallest, bounds it.
 */
static uint64_t slot_max(const struct host_facts *f, const struct assessment *a)
{
	/* Another host class: its page size is not this host's. */
	long page = a->other_host ? 0 : f->page_size;

	return ((1ULL << 31) - 1) * (uint64_t)(page > 0 ? page : 4096);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void max_ram(const struct host_facts *f, struct assessment *a)
{
	int bits = ipa_bits(a->ipa_limit);

	if (a->behaviour == KB_NOT_APPLICABLE || bits < 32 || bits > 63)
		return;
	/* The strictest common layout: RAM from 2 GiB (kvmtool, Firecracker, CH, crosvm). */
	a->max_guest_ram = min_u64((1ULL << bits) - 2 * GiB, slot_max(f, a));
}

/* Anomalies in what the kernel answered, beyond the type-0 question. */
static enum kic_status probe_anomalies(const struct kvm_obs *obs, struct assessment *a)
{
	enum kic_status st = ST_OK;
	int limit = ipa_bits(obs->ipa_limit);

	for (int i = 0; i < obs->nipa; i++) {
		const struct ipa_probe *p = &obs->ipa[i];

		if (p->bits <= limit && p->result == PR_REJECTED) {
			finding(a, "explicit %d-bit VM refused (%s) although the limit is %d",
				p->bits, errno_name(p->err), limit);
			st = ST_WARNING;
		} else if (p->bits > limit && p->result == PR_CREATED) {
			finding(a, "explicit %d-bit VM created beyond the %d-bit limit", p->bits,
				limit);
			st = ST_WARNING;
		}
	}
	for (int i = 0; i < obs->nslots; i++) {
		const struct slot_probe *s = &obs->slots[i];
		int bits = s->vm_bits ? s->vm_bits : KIC_DEFAULT_IPA;
		uint64_t end = s->gpa + s->size;

		if (s->vm_bits == 0 && a->behaviour != KB_DEFAULT_FITS)
			continue; /* the type-0 VM's size is what is being found out */
		if (bits >= 64 || limit <= 0)
			continue;
		/*
		 * A VM created beyond the limit (pKVM gives every VM the host's
		 * size, whatever the type asks) is not that size: the loop above
		 * reports it, its slots tell nothing about 262b003d059c.
		 */
		if (s->vm_bits > limit)
			continue;
		if (end == (1ULL << bits) && s->result == SLOT_REJECTED) {
			/* 262b003d059c "Fix exclusive limit for IPA size" (5.12, stable). */
			finding(a,
				"a memslot ending exactly at 2^%d was refused: kernel lacks "
				"262b003d059c (exclusive IPA limit fix)",
				bits);
			st = ST_WARNING;
		} else if (end > (1ULL << bits) && s->result == SLOT_ACCEPTED &&
			   s->vm_bits /* pKVM may give type 0 more than 40 bits */) {
			finding(a, "a memslot beyond 2^%d was accepted in a %d-bit VM", bits, bits);
			st = ST_WARNING;
		}
	}
	return st;
}

/* monitoring-plugins' max_state_alt(): CRITICAL > WARNING > UNKNOWN > OK */
static enum kic_status worse(enum kic_status a, enum kic_status b)
{
	static const int rank[] = {
		[ST_OK] = 0, [ST_UNKNOWN] = 1, [ST_WARNING] = 2, [ST_CRITICAL] = 3
	};

	return rank[b] > rank[a] ? b : a;
}

static enum kic_status verdict_status(enum vmm_verdict v)
{
	switch (v) {
	case VV_WORKS:
		return ST_OK;
	case VV_LIMITED:
		return ST_WARNING;
	case VV_FAILS:
	case VV_HANGS:
		return ST_CRITICAL;
	default:
		return ST_UNKNOWN;
	}
}

/* A VMM that fails or hangs runs no guest: it has no largest RAM. */
static uint64_t vmm_ram(const struct host_facts *f, const struct assessment *a,
			const struct vmm_result *r, const char *name, const char *version)
{
	if (r->verdict == VV_FAILS || r->verdict == VV_HANGS)
		return 0;
	return min_u64(vmm_max_guest_ram(name, version, ipa_bits(a->ipa_limit)), slot_max(f, a));
}

static void judge_vmms(const struct host_facts *f, const struct whatif *w, struct assessment *a)
{
	struct vmm_env env = {
		.arch = a->judged_arch,
		.ipa_limit = a->ipa_limit,
		.kb = a->behaviour,
		.kb_measured = a->behaviour_measured,
		.ram_cap = slot_max(f, a),
	};

	/* This host's binaries are not the judged arm64 host's. */
	if (a->other_host && f->nvmms_found)
		finding(a,
			"%d VMM(s) found on this %s host not judged for the arm64 host: name them "
			"with --vmm",
			f->nvmms_found, kic_arch_name(f->arch));
	for (int i = 0; i < f->nvmms_found && !a->other_host && a->nvmms < KIC_MAX_VMMS; i++) {
		const struct vmm_seen *s = &f->vmms_found[i];
		struct vmm_result *r = &a->vmms[a->nvmms];

		if (vmm_judge(&env, s->name, s->version, r) < 0)
			continue;
		snprintf(r->path, sizeof(r->path), "%s", s->path);
		r->max_guest_ram = vmm_ram(f, a, r, s->name, s->version);
		a->nvmms++;
	}
	/* Room for every --vmm after the VMMs found: none is dropped. */
	for (int i = 0; i < w->nvmms && a->nvmms < 2 * KIC_MAX_VMMS; i++) {
		struct vmm_result *r = &a->vmms[a->nvmms];

		if (vmm_judge(&env, w->vmms[i].name, w->vmms[i].version, r) < 0)
			continue;
		r->what_if = true;
		r->max_guest_ram = vmm_ram(f, a, r, w->vmms[i].name, w->vmms[i].version);
		a->nvmms++;
	}
}

static void explain_default(struct assessment *a)
{
	int L = ipa_bits(a->ipa_limit);

	switch (a->behaviour) {
	case KB_DEFAULT_FITS:
		snprintf(a->default_vmm, sizeof(a->default_vmm),
			 "VMMs that rely on the default (type 0, 40 bits) work");
		break;
	case KB_DEFAULT_REJECTED:
		snprintf(a->default_vmm, sizeof(a->default_vmm),
			 "VMMs that rely on the default (type 0, 40 bits) fail at start: "
			 "KVM_CREATE_VM returns EINVAL (\"Invalid argument\") on %s %d-bit host",
			 a->other_host ? "a" : "this", L);
		snprintf(a->fix, sizeof(a->fix),
			 "use VMMs that ask KVM_CAP_ARM_VM_IPA_SIZE and fit their memory map to "
			 "it: QEMU >= 7.0, Firecracker >= 0.25, Cloud Hypervisor >= 16, libkrun >= "
			 "0.1.8, kvmtool from 2021-08-31 and crosvm from 2021-11-01 on");
		break;
	case KB_DEFAULT_CAPPED:
		snprintf(a->default_vmm, sizeof(a->default_vmm),
			 "VMMs that rely on the default get a %d-bit space instead of 40 bits "
			 "(pKVM protected mode): memory or devices above 2^%d are refused",
			 L, L);
		snprintf(a->fix, sizeof(a->fix),
			 "keep guest memory and device windows below 2^%d, or use VMMs that ask "
			 "for the IPA size",
			 L);
		break;
	case KB_DEFAULT_HANGS:
		snprintf(a->default_vmm, sizeof(a->default_vmm),
			 "VMMs that rely on the default start, then the guest hangs on its first "
			 "memory access");
		snprintf(a->fix, sizeof(a->fix),
			 "upgrade the kernel to 5.12+ (stable 5.4.106, 5.10.24, 5.11.7) so the "
			 "failure is a clean EINVAL, and use VMMs that ask for the IPA size");
		break;
	case KB_NOT_APPLICABLE:
		snprintf(a->default_vmm, sizeof(a->default_vmm),
			 "VM types carry no IPA size on this architecture");
		break;
	default:
		snprintf(a->default_vmm, sizeof(a->default_vmm),
			 "cannot tell what VMMs that rely on the default will meet");
		/* A periodic check below 40 bits has only the boot's kernel log to go by. */
		if (a->default_probe_skipped && L < KIC_DEFAULT_IPA && !a->fix[0])
			snprintf(a->fix, sizeof(a->fix),
				 "run kvm-ipa-check once per boot without --no-default-probe (its "
				 "type-0 probe measures this), or keep the boot's kernel log in "
				 "/var/log/dmesg");
		break;
	}
	if (a->behaviour != KB_NOT_APPLICABLE && L > 32)
		snprintf(a->sized_vmm, sizeof(a->sized_vmm),
			 "VMMs that ask for a size can create VMs of 32 to %d bits; guest RAM up "
			 "to %llu GiB fits above a 2 GiB base",
			 L, (unsigned long long)(a->max_guest_ram / GiB));
	else if (a->behaviour != KB_NOT_APPLICABLE && L == 32)
		snprintf(a->sized_vmm, sizeof(a->sized_vmm),
			 "VMMs that ask for a size can create VMs of 32 bits only; guest RAM up to "
			 "%llu GiB fits above a 2 GiB base",
			 (unsigned long long)(a->max_guest_ram / GiB));
}

static enum kic_status base_status(const struct host_facts *f, const struct kvm_obs *obs,
				   struct assessment *a)
{
	switch (a->behaviour) {
	case KB_DEFAULT_FITS:
	case KB_NOT_APPLICABLE:
		return ST_OK;
	case KB_DEFAULT_REJECTED:
	case KB_DEFAULT_CAPPED:
		return ST_WARNING;
	case KB_DEFAULT_HANGS:
		return ST_CRITICAL;
	default:
		break;
	}
	(void)f;
	(void)obs;
	return ST_UNKNOWN;
}

static enum kic_status run_status(const struct kvm_obs *obs, struct assessment *a)
{
	const struct vcpu_run *r = &obs->run;

	if (r->result == RUN_HANG) {
		if (r->vm_bits)
			finding(a, "a vCPU in a %d-bit VM never came back from KVM_RUN (%s)",
				r->vm_bits, r->detail);
		else
			finding(a, "a vCPU in the type-0 VM never came back from KVM_RUN (%s)",
				r->detail);
		return ST_CRITICAL;
	}
	if (r->result == RUN_ERROR) {
		finding(a, "the vCPU run failed: %s", r->detail);
		return ST_WARNING;
	}
	if (r->result == RUN_EXITED && r->exit_reason != KVM_EXIT_MMIO) {
		finding(a, "the vCPU exited with reason %u instead of MMIO", r->exit_reason);
		return ST_WARNING;
	}
	return ST_OK;
}

/* /dev/kvm is missing: is KVM missing, or only its node? */
static void missing_node(const struct host_facts *f, struct assessment *a)
{
	const struct kvm_module *m = f->nmodules ? &f->modules[0] : NULL;

	if (f->kvm_registered) {
		snprintf(a->summary, sizeof(a->summary),
			 "/dev/kvm is missing although KVM is running (sysfs has misc/kvm): the "
			 "device node is not in this /dev");
		snprintf(a->fix, sizeof(a->fix),
			 "start the container with --device /dev/kvm (or its runtime's device "
			 "option), or mount devtmpfs on /dev, or create the node: mknod -m 0660 "
			 "/dev/kvm c %d %d",
			 KIC_KVM_MAJOR, KIC_KVM_MINOR);
	} else if (m && (m->state == MOD_LOADED || m->state == MOD_BUILTIN)) {
		snprintf(a->summary, sizeof(a->summary),
			 "/dev/kvm is missing: the kvm module is %s but KVM registered no device",
			 m->state == MOD_LOADED ? "loaded" : "built in");
		snprintf(
			a->fix, sizeof(a->fix), "%s",
			f->arch == ARCH_X86_64
				? "load kvm_intel or kvm_amd (modprobe) with VT-x or AMD-V enabled "
				  "in firmware; their error is in the kernel log"
				: "boot at EL2 so KVM can initialise; its error is in the kernel "
				  "log");
	} else {
		snprintf(a->summary, sizeof(a->summary),
			 "/dev/kvm is missing: KVM is not available on this host");
		snprintf(a->fix, sizeof(a->fix),
			 "enable virtualization in firmware, boot at EL2 (arm64) and check that "
			 "the kvm module is built in or loaded");
	}
}

/* No probe possible: say why, and what to do. Returns false when nothing stopped it. */
static bool access_problem(const struct host_facts *f, const struct kvm_obs *obs,
			   struct assessment *a)
{
	if (obs->probed || !f->live || !f->dev_known)
		return false;
	if (!f->dev_present) {
		missing_node(f, a);
		return true;
	}
	if (f->dev_not_kvm) {
		snprintf(a->summary, sizeof(a->summary),
			 "/dev/kvm is not the KVM device: device %u:%u, KVM's is the character "
			 "device %d:%d",
			 f->dev_major, f->dev_minor, KIC_KVM_MAJOR, KIC_KVM_MINOR);
		snprintf(a->fix, sizeof(a->fix),
			 "see what is mounted or bound over /dev/kvm (findmnt /dev/kvm); the real "
			 "node is: mknod -m 0660 /dev/kvm c %d %d",
			 KIC_KVM_MAJOR, KIC_KVM_MINOR);
		return true;
	}
	/* A fault (EMFILE, a seccomp EPERM as root) or a stop: summarize() says it. */
	if (obs->incomplete)
		return false;
	if (obs->open_errno == EACCES || obs->open_errno == EPERM || !f->dev_accessible) {
		/* "gid N" when the group has no name: usermod -aG takes the number too */
		const char *grp = f->dev_group_is_gid ? f->dev_group + 4 : f->dev_group;

		snprintf(a->summary, sizeof(a->summary),
			 "cannot open /dev/kvm (mode %04o, %s%s): permission denied", f->dev_mode,
			 f->dev_group_is_gid ? "" : "group ", f->dev_group);
		if ((f->dev_mode & 0060) == 0060 && strcmp(grp, "root") && strcmp(grp, "0"))
			snprintf(a->fix, sizeof(a->fix),
				 "add this user to group %s (usermod -aG %s USER), then log in "
				 "again or restart the daemon running the check (groups are read "
				 "at start), or run as root",
				 grp, grp);
		else
			snprintf(a->fix, sizeof(a->fix),
				 "only root may open /dev/kvm here: run as root, through a sudo "
				 "rule pinned to the exact command (docs/integrations.md), or give "
				 "it a group by a udev rule KERNEL==\"kvm\", GROUP=\"kvm\", "
				 "MODE=\"0660\"");
		return true;
	}
	return false;
}

/*
 * --ipa-limit or --kernel decide the type-0 behaviour without /dev/kvm: an
 * access problem is then a finding about this host, not the verdict.
 */
static bool access_decides(const struct host_facts *f, const struct kvm_obs *obs,
			   const struct whatif *w, struct assessment *a)
{
	char summary[sizeof(a->summary)];

	if (w->ipa_limit.state != IPA_KNOWN && !w->kernel[0])
		return access_problem(f, obs, a);
	if (!access_problem(f, obs, a))
		return false;
	snprintf(summary, sizeof(summary), "%s", a->summary);
	a->summary[0] = '\0';
	a->fix[0] = '\0';
	explain_default(a);
	finding(a, "this host was not measured (%.120s); the verdict rests on the what-if inputs",
		summary);
	return false;
}

static bool broken(const struct vmm_result *v)
{
	return v->verdict == VV_FAILS || v->verdict == VV_HANGS;
}

/* Appends one whole item to buf, or nothing when it would not fit with room to spare. */
static bool append_item(char *buf, size_t len, size_t *used, size_t spare, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static bool append_item(char *buf, size_t len, size_t *used, size_t spare, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + spare >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used - spare, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *used - spare) {
		buf[*used] = '\0';
		return false;
	}
	*used += (size_t)n;
	return true;
}

/*
 * "qemu 6.2 fails, firecracker 0.24.0 hangs; " when VMMs set the status, or,
 * when that does not fit, "7 VMMs fail or hang: qemu 6.2, crosvm, ...; ":
 * cut only between whole items, always separated.
 */
static size_t broken_vmms(const struct assessment *a, char *buf, size_t len)
{
	static const size_t spare = sizeof(", ...; ");
	int nfail = 0, nhang = 0, listed = 0;
	size_t used = 0;
	bool all = true;

	buf[0] = '\0';
	for (int i = 0; i < a->nvmms && all; i++) {
		const struct vmm_result *v = &a->vmms[i];

		if (broken(v))
			all = append_item(buf, len, &used, sizeof("; "), "%s%s%s%s %s",
					  used ? ", " : "", v->name, v->version[0] ? " " : "",
					  v->version, vmm_verdict_name(v->verdict));
	}
	if (all) {
		if (used)
			append_item(buf, len, &used, 0, "; ");
		return used;
	}
	for (int i = 0; i < a->nvmms; i++) {
		nfail += a->vmms[i].verdict == VV_FAILS;
		nhang += a->vmms[i].verdict == VV_HANGS;
	}
	used = 0;
	append_item(buf, len, &used, spare, "%d VMMs %s: ", nfail + nhang,
		    !nhang   ? "fail"
		    : !nfail ? "hang"
			     : "fail or hang");
	for (int i = 0; i < a->nvmms; i++) {
		const struct vmm_result *v = &a->vmms[i];

		if (!broken(v))
			continue;
		if (!append_item(buf, len, &used, spare, "%s%s%s%s", listed ? ", " : "", v->name,
				 v->version[0] ? " " : "", v->version))
			break;
		listed++;
	}
	append_item(buf, len, &used, 0, "%s; ", listed < nfail + nhang ? ", ..." : "");
	return used;
}

/* The x86 (or other) tail: what the probes found, never "see findings" without one. */
static const char *na_tail(const struct kvm_obs *obs, const struct assessment *a)
{
	if (!obs->probed)
		return "KVM was not probed";
	if (a->status == ST_OK)
		return "KVM creates and runs VMs";
	return a->nfindings ? "see findings" : "KVM answered, with anomalies";
}

static void summarize(const struct kvm_obs *obs, bool cut, struct assessment *a)
{
	bool given = a->whatif_ipa_limit.state == IPA_KNOWN || a->whatif_kernel[0];
	const char *how = a->behaviour_measured ? "measured" : given ? "predicted" : "not measured";
	char vmms[200];
	size_t n = broken_vmms(a, vmms, sizeof(vmms));
	char *out = a->summary + n;
	size_t len = sizeof(a->summary) - n;
	int k;

	memcpy(a->summary, vmms, n);

	if (a->behaviour == KB_NOT_APPLICABLE && cut)
		k = snprintf(out, len, "%s", a->behaviour_basis);
	else if (a->behaviour == KB_NOT_APPLICABLE)
		k = snprintf(out, len, "%s; %s", a->behaviour_basis, na_tail(obs, a));
	else if (a->ipa_limit.state == IPA_KNOWN)
		k = snprintf(out, len, "%s (%s): %s; IPA limit %d bits%s",
			     kernel_behaviour_name(a->behaviour), how, a->behaviour_basis,
			     a->ipa_limit.bits,
			     a->ipa_limit_measured ? ""
			     : a->other_host	   ? " (--ipa-limit, an arm64 host class)"
			     : a->whatif_ipa_limit.state == IPA_KNOWN ? " (--ipa-limit)"
								      : " (not measured)");
	else
		k = snprintf(out, len, "%s (%s): %s", kernel_behaviour_name(a->behaviour), how,
			     a->behaviour_basis);
	/* The reason the run is UNKNOWN (or incomplete) is on the one line monitors show. */
	if (cut && k >= 0 && (size_t)k < len)
		snprintf(out + k, len - (size_t)k, "; %s: %s",
			 obs->probed ? "probes incomplete" : "KVM was not probed",
			 obs->incomplete_reason);
}

/*
 * Whether an incomplete run leaves the verdict unknown. Not when the what-if
 * inputs decide it alone (an arm64 host class judged from another
 * architecture, or --ipa-limit with --kernel and this host's facts read in
 * full): the man page promises that verdict on any host; this host's cut
 * probes are then a finding.
 */
static bool incomplete_counts(const struct kvm_obs *obs, const struct whatif *w,
			      const struct assessment *a)
{
	if (!obs->incomplete)
		return false;
	if (a->other_host)
		return false;
	return !(w->ipa_limit.state == IPA_KNOWN && w->kernel[0] && !obs->facts_incomplete);
}

/* said: access_decides() already named why this host was not measured. */
static void incomplete_finding(const struct kvm_obs *obs, bool counts, bool said,
			       struct assessment *a)
{
	if (!obs->incomplete || (!counts && said))
		return;
	if (counts)
		finding(a, "%s: %s",
			obs->probed ? "the probes are incomplete" : "KVM was not probed",
			obs->incomplete_reason);
	else
		finding(a,
			"this host's %s incomplete (%.160s); the verdict rests on the what-if "
			"inputs",
			obs->facts_incomplete ? "facts and probes are" : "probes are",
			obs->incomplete_reason);
}

void assess(const struct host_facts *f, const struct kvm_obs *obs, const struct whatif *w,
	    struct assessment *a)
{
	enum kic_status st;
	bool cut, said;
	int nfound;

	memset(a, 0, sizeof(*a));
	a->default_probe_skipped = w->default_probe_skipped;
	a->what_if = w->ipa_limit.state == IPA_KNOWN || w->kernel[0] || w->nvmms;
	host_pa(f, obs, a);
	pick_limit(f, obs, w, a);
	judged_host(f, w, a);
	behaviour(f, obs, w, a);
	max_ram(f, a);
	explain_default(a);
	judge_vmms(f, w, a);

	cut = incomplete_counts(obs, w, a);
	nfound = a->nfindings;
	if (access_decides(f, obs, w, a)) {
		a->status = ST_UNKNOWN;
		incomplete_finding(obs, cut, false, a);
	} else {
		said = a->nfindings > nfound;
		st = base_status(f, obs, a);
		if (obs->probed && w->ipa_limit.state != IPA_KNOWN && !w->kernel[0]) {
			st = worse(st, probe_anomalies(obs, a));
			st = worse(st, run_status(obs, a));
		}
		if (obs->probed && obs->api_version >= 0 && obs->api_version != KVM_API_VERSION &&
		    !a->other_host) {
			finding(a, "KVM API version %d, expected %d: nothing more was probed",
				obs->api_version, KVM_API_VERSION);
			st = worse(st, ST_UNKNOWN);
		}
		for (int i = 0; i < a->nvmms; i++)
			st = worse(st, verdict_status(a->vmms[i].verdict));
		if (cut)
			st = worse(st, ST_UNKNOWN);
		incomplete_finding(obs, cut, said, a);
		a->status = st;
		summarize(obs, cut, a);
	}
	/*
	 * pr_warn_once: our probe may have used up the one warning of this boot.
	 * Judged on this host's measured limit, not a --ipa-limit one.
	 */
	a->log_warning_spent =
		!f->log_default_warned /* read before the probe: already spent */ &&
		obs->default_vm.result == PR_REJECTED && obs->default_vm.err == EINVAL &&
		(obs->ipa_limit.state == IPA_KNOWN ? obs->ipa_limit.bits : ipa_bits(a->ipa_limit)) <
			KIC_DEFAULT_IPA;
}

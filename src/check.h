/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The structs that flow forward through the tool, one per stage:
 *   host facts (facts.c, sysroot)   -> struct host_facts
 *   kvm probes (probe.c)            -> struct kvm_obs
 *   assessment (assess.c, pure)     -> struct assessment
 *   report (report.c, all output)   reads the three.
 * There is no container: main() holds one of each and passes them forward.
 * Each stage fills its own struct and only reads the ones before it.
 */
#ifndef KIC_CHECK_H
#define KIC_CHECK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define KIC_SCHEMA_VERSION 1
#define KIC_MAX_CPUS	   512
#define KIC_MAX_EVIDENCE   16
#define KIC_MAX_IPA_PROBES 24 /* 32..53 plus slack */
#define KIC_MAX_MEMSLOTS   48
#define KIC_MAX_NOTES	   24
#define KIC_MAX_VMMS	   24
#define KIC_DEFAULT_IPA	   40  /* KVM_PHYS_SHIFT, arch/arm64/include/asm/kvm_mmu.h */
#define KIC_KVM_MAJOR	   10  /* MISC_MAJOR, include/uapi/linux/major.h */
#define KIC_KVM_MINOR	   232 /* KVM_MINOR, include/linux/miscdevice.h */

enum kic_arch { ARCH_UNKNOWN, ARCH_ARM64, ARCH_X86_64, ARCH_OTHER };

/* Exit codes follow the monitoring-plugins convention. */
enum kic_status { ST_OK = 0, ST_WARNING = 1, ST_CRITICAL = 2, ST_UNKNOWN = 3 };

/*
 * An IPA limit (the guest physical address bits KVM gives a VM) and what is
 * known of it: the one convention for every such field. Zeroed, it is unknown.
 */
enum ipa_state {
	IPA_UNKNOWN, /* not measured, not in the kernel log, not given */
	IPA_ABSENT,  /* measured: KVM has no KVM_CAP_ARM_VM_IPA_SIZE (pre-4.20, or not arm64) */
	IPA_KNOWN,   /* bits holds it */
};

struct ipa_limit {
	enum ipa_state state;
	int bits; /* IPA_KNOWN only, else 0 */
};

static inline struct ipa_limit ipa_known(int bits)
{
	return (struct ipa_limit){ IPA_KNOWN, bits };
}

#define IPA_LIMIT_UNKNOWN ((struct ipa_limit){ IPA_UNKNOWN, 0 })
#define IPA_LIMIT_ABSENT  ((struct ipa_limit){ IPA_ABSENT, 0 })

/* The bits when known, else 0. */
static inline int ipa_bits(struct ipa_limit l)
{
	return l.state == IPA_KNOWN ? l.bits : 0;
}

/* Where a physical-address figure came from; kept so disagreements show. */
enum pa_source {
	PA_SRC_CORE_TABLE, /* documented PARange of the MIDR part */
	PA_SRC_KVM_CAP,	   /* KVM_CHECK_EXTENSION(KVM_CAP_ARM_VM_IPA_SIZE) */
	PA_SRC_ONE_REG,	   /* ID_AA64MMFR0_EL1 via KVM_GET_ONE_REG */
	PA_SRC_KERNEL_LOG, /* "IPA Size Limit: N bits" */
	PA_SRC_CPUINFO,	   /* x86 /proc/cpuinfo "address sizes" */
	PA_SRC_CPUID,	   /* x86 KVM_GET_SUPPORTED_CPUID 0x80000008 */
	PA_SRC_RAM_TOP,	   /* bits needed by the highest RAM address */
	PA_SRC_IOMEM_TOP,  /* bits needed by the highest /proc/iomem entry */
	PA_SRC__MAX,
};

struct pa_evidence {
	enum pa_source source;
	int bits;
	char detail[64]; /* e.g. the part name or the log line's format */
};

struct cpu_info {
	int index;
	uint32_t midr; /* 0 when unknown */
	bool midr_valid;
};

enum mod_state { MOD_UNKNOWN, MOD_BUILTIN, MOD_LOADED, MOD_ABSENT, MOD_NOT_FOUND };

struct kvm_module {
	char name[32]; /* kvm, kvm_intel, kvm_amd */
	enum mod_state state;
	char params[256]; /* "name=value name=value" of the relevant ones */
};

/* Which kernel era's words the kernel log used for KVM's IPA set-up (parse.c). */
enum log_format {
	LOG_FMT_NONE,
	LOG_FMT_NEW,	  /* 5.12+, 5.11.7+, 5.10.24+, 5.4.106+: "IPA Size Limit: %d bits%s" */
	LOG_FMT_510_WARN, /* 5.10.0-23, 5.11.0-6: WARN "KVM IPA Size Limit (%d bits) is smaller..."
			   */
	LOG_FMT_OLD_420,  /* 4.20-5.9: "IPA Size Limit: %dbits" */
	LOG_FMT_PRE_420,  /* 4.7-4.19: "PARange is %d bits, unsupported configuration!" */
};

/* A VMM binary found on the host (vmm_detect.c, or a sosreport's package lists). */
struct vmm_seen {
	char name[32];	  /* canonical VMM name (vmm.h rows[]) */
	char path[256];	  /* as on the host, also for a copied tree */
	char version[64]; /* "" when not known */
	char note[128];
	bool skipped; /* found but not trusted or not usable (note says why): only in
			 vmm_detect()'s list, never in host_facts */
};

struct host_facts {
	enum kic_arch arch;
	char arch_name[65]; /* utsname.machine */
	char kernel_release[128];
	char cmdline[4097];    /* COMMAND_LINE_SIZE is 2048 or 4096 */
	char kvm_arm_mode[32]; /* kvm-arm.mode= value, "" when absent */
	int ncpus;
	struct cpu_info cpus[KIC_MAX_CPUS];
	uint64_t ram_top;   /* highest RAM byte + 1, 0 unknown */
	uint64_t iomem_top; /* highest /proc/iomem byte + 1, 0 unknown */
	bool iomem_readable;
	struct ipa_limit log_ipa_limit; /* from the kernel log: known or unknown */
	enum log_format log_format;
	bool log_reduced_suffix; /* only fixed kernels print it */
	bool log_unfixed_warn;	 /* a WARN only unfixed kernels print */
	bool log_default_warned; /* "using unsupported default IPA limit" seen */
	char log_default_comm[32];
	bool log_protected;    /* pKVM "Protected nVHE mode initialized" */
	bool log_pkvm_refused; /* "Protected KVM not available with VHE" */
	char log_kvm_mode[48]; /* KVM's "... mode initialized successfully" line, "" none */
	bool log_readable;
	int x86_phys_bits; /* cpuinfo address sizes, 0 unknown */
	int core_pa_bits;  /* smallest documented PA size of the CPU parts, 0 unknown */
	bool live;	   /* facts are from the running host, not a copied tree */
	long page_size;	   /* host PAGE_SIZE, 0 unknown (a copied tree) */
	int nevidence;
	struct pa_evidence evidence[KIC_MAX_EVIDENCE];

	/* /dev/kvm and module, filled by the libudev/libkmod readers */
	struct kvm_module modules[4];
	int nmodules;
	bool dev_known; /* false in a copied tree: /dev is not part of it */
	bool dev_present;
	bool dev_not_kvm;		   /* the node is not the misc device 10:232 (KVM_MINOR) */
	bool dev_number_known;		   /* stat()ed here, not from a bundle's report */
	unsigned int dev_major, dev_minor; /* of the node, when known */
	bool kvm_registered;	   /* sysfs has misc/kvm: KVM is running, whatever /dev holds */
	bool kvm_registered_known; /* read here, or from a bundle's report */
	bool dev_accessible;	   /* open(O_RDWR) would succeed for this user */
	unsigned int dev_mode;
	char dev_group[32];    /* the owning group's name, or "gid N" when it has none */
	bool dev_group_is_gid; /* no name: getgrgid() found none or failed (EMFILE) */
	int dev_open_errno;
	bool is_root;

	/* VMM binaries found in trusted system directories (vmm_detect.c). */
	int nvmms_found;
	struct vmm_seen vmms_found[KIC_MAX_VMMS];

	/* Messages about inputs that were missing, unreadable or garbage. */
	int nnotes;
	char notes[KIC_MAX_NOTES][160];
};

enum probe_result { PR_NOT_RUN, PR_CREATED, PR_REJECTED, PR_SKIPPED };
enum slot_result { SLOT_ACCEPTED, SLOT_REJECTED };
enum run_result { RUN_NOT_RUN, RUN_EXITED, RUN_HANG, RUN_ERROR, RUN_SKIPPED };

struct ipa_probe {
	int bits; /* 0 = the default (type 0) */
	enum probe_result result;
	int err;	 /* errno when rejected */
	int vm_ipa_bits; /* IPA bits the VM really got, when measured, 0 unknown */
};

struct slot_probe {
	int vm_bits; /* 0 = the type-0 VM */
	uint64_t gpa;
	uint64_t size;
	enum slot_result result;
	int err;
	const char *why; /* which VMM layout this address stands for */
};

struct vcpu_run {
	enum run_result result;
	int vm_bits;		  /* VM type it ran in, 0 = default */
	unsigned int exit_reason; /* KVM_EXIT_* */
	uint64_t mmio_addr;
	long elapsed_ms;
	int err;
	char detail[96];
};

struct kvm_obs {
	bool probed; /* false with --no-probe, offline or no access */
	char skip_reason[128];
	int open_errno;
	/* The next three: < 0 when the query failed (-errno), a fault: unknown, never a value. */
	int api_version;
	struct ipa_limit ipa_limit; /* KVM_CAP_ARM_VM_IPA_SIZE; unknown when not probed or failed */
	int nr_memslots;
	int max_vcpus;
	int vm_types;		  /* x86 KVM_CAP_VM_TYPES bitmap, -1 absent or unknown */
	int smaller_maxphyaddr;	  /* x86 cap 185, -1 unknown */
	int one_reg_parange_bits; /* arm64 ONE_REG PARange, 0 unknown */
	int cpuid_phys_bits;	  /* x86 supported CPUID 0x80000008, 0 unknown */
	int cpuid_err;		  /* errno of a failed KVM_GET_SUPPORTED_CPUID, 0 none */
	struct ipa_probe default_vm;
	int nipa;
	struct ipa_probe ipa[KIC_MAX_IPA_PROBES];
	int nslots;
	struct slot_probe slots[KIC_MAX_MEMSLOTS];
	struct vcpu_run run;
	bool incomplete;       /* interrupted by signal or deadline, or a fault */
	bool facts_incomplete; /* the facts stage itself was cut short or faulted */
	char incomplete_reason[160];
	long elapsed_ms;
};

enum kernel_behaviour {
	KB_UNKNOWN,
	KB_DEFAULT_FITS,
	KB_DEFAULT_REJECTED,
	KB_DEFAULT_CAPPED,
	KB_DEFAULT_HANGS,
	KB_NOT_APPLICABLE,
};

enum vmm_verdict { VV_WORKS, VV_LIMITED, VV_UNKNOWN, VV_FAILS, VV_HANGS };

#define KIC_MAX_REGIONS 8

/* One region of a VMM's guest-physical memory map, as the judge placed it (vmm.c). */
struct vmm_map_region {
	char name[16]; /* short, for the picture and the legend */
	char what[96]; /* what it is, as the verdict names it */
	uint64_t base;
	uint64_t size;
	bool ram;    /* backed by a memslot */
	bool opt_in; /* only with a non-default option or device */
	bool beyond; /* ends above 2^map_bits */
};

struct vmm_result {
	char name[32];
	char version[64];
	char path[256];
	bool what_if; /* from --vmm, not found installed */
	enum vmm_verdict verdict;
	char reason[384];
	char fix[192];
	uint64_t max_guest_ram; /* largest RAM its memory map holds here, 0 unknown */
	int map_bits;		/* the IPA size the regions are placed against, 0 no map */
	int vm_bits;	  /* the IPA size the VM gets with the RAM drawn; 0 refused or unknown */
	uint64_t ram_top; /* where RAM ends at its largest size here, 0 unknown */
	int nregions;
	struct vmm_map_region regions[KIC_MAX_REGIONS];
};

struct assessment {
	enum kernel_behaviour behaviour;
	bool behaviour_measured; /* false: predicted (--kernel) or inferred */
	char behaviour_basis[160];
	/* the limit the assessment used (--ipa-limit, measured or from the log);
	 * IPA_ABSENT when measured without the capability and nothing else says */
	struct ipa_limit ipa_limit;
	bool ipa_limit_measured;
	int host_pa_bits;	/* best CPU PA figure, 0 unknown */
	uint64_t max_guest_ram; /* largest RAM at 2 GiB base (QEMU virt / kvmtool / FC) */
	int nvmms;
	struct vmm_result vmms[2 * KIC_MAX_VMMS]; /* found ones, then every --vmm */
	enum kic_status status;
	char summary[512];
	char default_vmm[256]; /* meaning for VMMs relying on type 0 */
	char sized_vmm[256];   /* meaning for VMMs asking for a size */
	char fix[256];
	bool default_probe_skipped;
	bool log_warning_spent;	   /* our type-0 probe spent the pr_warn_once */
	bool what_if;		   /* any --ipa-limit, --kernel or --vmm given */
	enum kic_arch judged_arch; /* the architecture the verdict is about */
	bool other_host;	   /* judged: an arm64 host class, not this non-arm64 host */
	char judged_host[256];	   /* with what-if: which host the verdict is about */
	struct ipa_limit whatif_ipa_limit; /* --ipa-limit: known when given */
	char whatif_kernel[64];		   /* --kernel, "" none */
	int nevidence;			   /* host facts' PA figures plus the probes' */
	struct pa_evidence evidence[KIC_MAX_EVIDENCE];
	int nfindings; /* disagreements and anomalies, one sentence each */
	char findings[10][256];
};

const char *kic_arch_name(enum kic_arch a);
const char *kic_status_name(enum kic_status s);
const char *kernel_behaviour_name(enum kernel_behaviour kb);
const char *pa_source_name(enum pa_source s);
const char *vmm_verdict_name(enum vmm_verdict v);
const char *errno_name(int err); /* "EINVAL"; NULL for 0 */
int bits_for_top(uint64_t top);	 /* bits to address [0, top) */

#define GiB (1ULL << 30)

/* Appends one PA figure to ev[*n] (at most KIC_MAX_EVIDENCE); bits <= 0 is no figure. */
void pa_evidence_add(struct pa_evidence *ev, int *n, enum pa_source src, int bits,
		     const char *detail);

/*
 * The run's one budget, shared by every stage: set by main() (SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT set the flag; --timeout the deadline).
 */
extern volatile sig_atomic_t probe_stop;
extern long kic_deadline_ms; /* CLOCK_MONOTONIC ms, absolute; 0 = none */
/* "interrupted by SIGINT": which stop signal came (probe_stop holds its number). */
const char *kic_stop_reason(void);
long kic_now_ms(void);
/* -EINTR after a stop signal, -ETIMEDOUT past the deadline, else 0. */
int kic_interrupted(void);

/*
 * Whether a failed read or system call says something about this process's
 * environment (EMFILE, ENOMEM, a stop...) rather than about the thing read:
 * such a failure makes the answer UNKNOWN, never a measured fact.
 */
bool errno_is_fault(int err);

/* Length of the valid UTF-8 sequence at s (its code point in *cp), 0 if invalid. */
size_t utf8_seq(const unsigned char *s, uint32_t *cp);

/*
 * Makes text read from the host safe to print on a terminal: control
 * characters (C0, DEL, C1) and invalid UTF-8 become '?'. In place.
 */
void text_clean(char *s);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each arm64 VMM does with KVM's guest IPA size, by release, and the
 * pure judge that turns that knowledge plus the host's answers into a verdict.
 * No I/O here: finding installed VMMs is vmm_detect.c's job.
 */
#ifndef KIC_VMM_H
#define KIC_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "vmm_version.h"

/* Everything the judge may know about the host. */
struct vmm_env {
	enum kic_arch arch;
	struct ipa_limit ipa_limit; /* KVM_CAP_ARM_VM_IPA_SIZE (IPA_ABSENT: pre-4.20) */
	enum kernel_behaviour kb;   /* measured or predicted type-0 behaviour */
	bool kb_measured;
	uint64_t ram_cap;  /* largest RAM one KVM memslot takes, in bytes; 0 = none known */
	uint64_t ram_size; /* guest RAM to place; 0 = the VMM's default (vmm_row.ram_default) */
};

/* How a VMM picks the KVM_CREATE_VM type on arm64. */
enum vmm_ipa_choice {
	VMM_IPA_TYPE0,	   /* always type 0: the implicit 40-bit default */
	VMM_IPA_HOST_MAX,  /* the host's limit; type 0 when the cap is absent */
	VMM_IPA_MINIMAL,   /* the fewest bits its RAM needs; refuses more than the limit */
	VMM_IPA_FIXED_MAP, /* what its fixed memory map needs; refuses more than the limit */
	VMM_IPA_MAP_FITS,  /* sizes its memory map to the limit, leaving out what does not fit */
};

/* Where guest RAM goes, for the largest-RAM figure. */
enum vmm_ram_layout {
	VMM_RAM_NONE,	     /* not a RAM-at-a-base layout, or unknown */
	VMM_RAM_QEMU_LEGACY, /* QEMU <= 3.1: 1 GiB base, at most 255 GiB */
	VMM_RAM_QEMU_FLOAT,  /* QEMU 4.0-6.2: 1 GiB base, high IO floats above RAM */
	VMM_RAM_QEMU_FIT,    /* QEMU >= 7.0: 1 GiB base, map cut to the IPA size */
	VMM_RAM_AT_1G,	     /* RAM from 1 GiB to the top */
	VMM_RAM_CH_HOLE,     /* Cloud Hypervisor >= 23: same, less a 64 MiB hole below 4 GiB */
	VMM_RAM_AT_2G,	     /* RAM from 2 GiB to the top */
	VMM_RAM_DRAGONBALL,  /* Dragonball: 2 GiB base, RAM pool ends at 992 GiB */
	VMM_RAM_FC,	     /* Firecracker: 2 GiB base, at most 1022 GiB */
	VMM_RAM_FC_GAP,	     /* Firecracker >= 1.13: same, skipping [256, 512) GiB */
	VMM_RAM_SOLO5,	     /* Solo5 hvt: RAM in [0, 4 GiB), MMIO at 4 GiB */
};

/*
 * A part of the default memory map beyond RAM that the limit may cut: the
 * judge places it (with RAM and the device space below RAM) and judges the
 * VMM from which of the placed regions end above the limit.
 */
struct vmm_region {
	const char *name; /* short (at most 9 characters), for the map; NULL ends the list */
	uint64_t base;	  /* floats: the lowest base; placed above RAM, aligned to size */
	uint64_t size;
	bool floats; /* QEMU virt's high regions: above RAM, from 256 GiB */
	bool ram;    /* backed by a memslot: out of reach, KVM refuses it with EFAULT */
	bool opt_in; /* only used with a non-default option or device */
	const char *what;
};

#define VMM_MAX_REGIONS 3

/* One release range of a VMM: [from, next range's from). */
struct vmm_range {
	const char *from; /* first version; "" = everything older than the next */
	enum vmm_ipa_choice choice;
	enum vmm_ram_layout ram;
	bool no_vcpu; /* the VM only probes: it never runs, so it cannot hang */
	struct vmm_region regions[VMM_MAX_REGIONS];
	const char *create_fail; /* what the user sees when KVM_CREATE_VM is refused */
	const char *size_fail;	 /* ... when the map needs more than the limit ({M}, {L}) */
	const char *fix;	 /* the release or option that fixes it */
	/* Set: these releases do not run on arm64 KVM at all (why); the verdict is
	 * unknown, and an unknown version is judged without them. */
	const char *unsupported;
};

enum vmm_version_kind {
	VMM_VER_RELEASE, /* dotted release numbers */
	VMM_VER_DATE,	 /* no releases: the source date, YYYYMMDD */
	VMM_VER_OF_QEMU, /* the version of the QEMU it drives */
};

struct vmm_row {
	const char *name;	/* canonical name, as --vmm takes it */
	const char *aliases[4]; /* binary and package names */
	const char *display;	/* for sentences */
	const char *what;	/* one line for --help */
	enum vmm_version_kind vkind;
	const char *also_row;	  /* judged together with this row at the same version */
	const char *version_hint; /* how to learn the version, when unknown */
	uint64_t ram_default;	  /* guest RAM without options, bytes; 0 unknown (the map shows
				     the largest RAM that fits) */
	int nranges;
	const struct vmm_range *ranges; /* sorted by from */
};

/* By canonical name or alias; NULL when unknown. */
const struct vmm_row *vmm_lookup(const char *name);
const char *vmm_canonical_name(const char *name);

/*
 * The version the judge compares, from a version as given (--vmm, a binary, a
 * package list). Release rows: "7.2.7", "v16.0", "8.2.0-rc1" as given; a
 * Debian package version ("1:7.2+dfsg-7+deb12u18", "9.0.0-4") as the upstream
 * release it carries, read as the dpkg path reads it (vmm_debian_qemu_version()
 * for QEMU and libvirt, vmm_debian_upstream() for the rest). Dated rows: the
 * date YYYYMMDD of "20210831", "2021-08-31", "release-20260801.0" (runsc),
 * "0.20170904-1"; "<" in front stays. 0; -EINVAL when it is none of these
 * (the version would tell nothing) or name is unknown; -ERANGE when len is short.
 */
int vmm_version_read(const char *name, const char *given, char *out, size_t len);

/* The forms vmm_version_read() takes for this VMM, for a usage message. */
const char *vmm_version_forms(const char *name);

/*
 * How a report labels a judged VMM's version: "(QEMU 9.0.2)" for libvirt (whose
 * version is that of the QEMU it drives), else the version as it is.
 */
const char *vmm_version_label(const char *name, const char *version, char *buf, size_t len);

/* The range a version falls in; NULL when the version is empty or unusable. */
const struct vmm_range *vmm_range_for(const struct vmm_row *row, const char *version);

/*
 * Fills out (name, version, verdict, reason, fix, and the memory map it was
 * judged on: map_bits, regions, ram_top; path, what_if and max_guest_ram are
 * left zero for the caller). The verdict follows from the regions: when the
 * VM is created, it works when none is beyond, is limited when only device or
 * opt-in regions are, fails when a RAM-backed region or a fixed map is. version NULL or "" means
 * unknown; for a row versioned by source date, "<YYYYMMDD" means built from a tree older than that
 * date (how a kvmtool binary without the fix's message is dated). Pure. Returns 0, -EINVAL for NULL
 * arguments, -ENOENT for an unknown VMM.
 */
int vmm_judge(const struct vmm_env *env, const char *name, const char *version,
	      struct vmm_result *out);

/*
 * Largest guest RAM this VMM's map holds in ipa_bits (default options; a
 * type-0 VMM gets at most 40 bits); 0 unknown or none.
 */
uint64_t vmm_max_guest_ram(const char *name, const char *version, int ipa_bits);

/* "qemu, libvirt, ..." for --help and error messages. */
const char *vmm_known_names(void);

/* Rows in table order; NULL past the end. */
int vmm_row_count(void);
const struct vmm_row *vmm_row_at(int i);

#endif

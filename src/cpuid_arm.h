/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm CPU identification: MIDR_EL1 decoding, part names and the documented
 * physical address size of each core. Pure functions: no I/O, no printing.
 *
 * Sources are cited beside each table entry in cpuid_arm.c.
 */
#ifndef KIC_CPUID_ARM_H
#define KIC_CPUID_ARM_H

#include <stdint.h>

/* MIDR_EL1 fields, Arm ARM D24.2 "MIDR_EL1, Main ID Register" */
struct midr {
	unsigned int implementer;  /* [31:24] */
	unsigned int variant;	   /* [23:20] */
	unsigned int architecture; /* [19:16], 0xf on every Armv8 core */
	unsigned int partnum;	   /* [15:4] */
	unsigned int revision;	   /* [3:0] */
};

/* One run of CPUs with the same (implementer, part), for big.LITTLE reports. */
struct cpu_cluster {
	unsigned int implementer, partnum;
	uint32_t midr; /* MIDR of the first CPU seen in the cluster */
	int count;
	int pa_bits; /* arm_part_pa_bits(), 0 unknown */
};

void midr_decode(uint32_t midr, struct midr *out);

/*
 * Parse sysfs cpuN/regs/identification/midr_el1 ("0x00000000410fd083\n").
 * Returns 0, -EINVAL for empty or malformed text, -ERANGE when the value
 * does not fit the 32 bits MIDR_EL1 defines.
 */
int midr_parse(const char *text, uint32_t *midr);

const char *arm_implementer_name(unsigned int implementer);		   /* NULL if unknown */
const char *arm_part_name(unsigned int implementer, unsigned int partnum); /* NULL if unknown */

/* Documented ID_AA64MMFR0_EL1.PARange of the core, in bits; 0 if unknown. */
int arm_part_pa_bits(unsigned int implementer, unsigned int partnum);

/* ID_AA64MMFR0_EL1.PARange encoding to bits; -EINVAL for reserved values. */
int parange_to_bits(unsigned int parange);
int mmfr0_pa_bits(uint64_t mmfr0);

/*
 * Group MIDRs by (implementer, part) in first-seen order. Fills at most max
 * clusters and returns how many it filled; CPUs of parts beyond max are not
 * counted. Returns -EINVAL for bad arguments.
 */
int cpu_summary(const uint32_t *midrs, int n, struct cpu_cluster *out, int max);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Arm CPU identification tables and MIDR_EL1 / ID_AA64MMFR0_EL1 decoding.
 *
 * The point of the PA column is a second opinion on the host's physical
 * address size when /dev/kvm cannot be asked: KVM's IPA limit is the
 * smallest PARange of all CPUs (docs/kernel-facts.md §2), so the smallest documented
 * figure of the parts present is what KVM would print. A value is only
 * filled in when a source below states it; everything else is 0 (unknown),
 * because a wrong guess here would turn into a wrong verdict.
 *
 * Sources, cited by tag beside each entry:
 *  [cputype]  Linux arch/arm64/include/asm/cputype.h (torvalds/linux
 *             cb9f145f638d): implementer and part numbers.
 *  [lscpu]    util-linux sys-utils/lscpu-arm.c: names for parts the kernel
 *             header does not list (and the naming style used here).
 *  [qemu]     QEMU target/arm/tcg/cpu64.c (qemu/qemu 00936783abf7) and, for
 *             A53/A57, target/arm/cpu64.c: ID_AA64MMFR0 reset values of the
 *             modelled cores, transcribed from each core's TRM.
 *  [TRM n]    Arm Technical Reference Manual, document number n.
 *  [hw]       Register dumps from real machines in lelegard/arm-cpusysregs
 *             collect/<machine>/cpusysregs-registers.txt (kernel module
 *             reading ID_AA64MMFR0_EL1 at EL1 on the bare host).
 *  [asahi]    Apple M1 kernel log "kvm [1]: IPA Size Limit: 36 bits (Reduced
 *             IPA size, …)", as in the dmesg of UbuntuAsahi/ubuntu-asahi#137
 *             (tests/fixtures/README.md, m1-36).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpuid_arm.h"
#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct arm_part {
	unsigned int id;
	const char *name;
	int pa_bits; /* documented PARange in bits, 0 unknown */
};

struct arm_impl {
	unsigned int id;
	const char *name;
	const struct arm_part *parts;
	size_t nparts;
};

static const struct arm_part arm_parts[] = {
	{ 0xd01, "Cortex-A32", 0 }, /* [lscpu]; AArch32 only */
	{ 0xd02, "Cortex-A34", 0 }, /* [lscpu] */
	/* [cputype]; [TRM DDI0500] §5.1 "maximum supported physical address size is 40 bits";
	   [qemu] a53 0x00001122 */
	{ 0xd03, "Cortex-A53", 40 },
	/* [cputype]; [qemu] a35 ID_AA64MMFR0 0x00101122, from TRM B2.2 */
	{ 0xd04, "Cortex-A35", 40 },
	{ 0xd05, "Cortex-A55", 40 }, /* [cputype]; [qemu] a55 ID_AA64MMFR0 0x0000000000101122 */
	{ 0xd06, "Cortex-A65", 0 },  /* [lscpu]; PA size not verified */
	{ 0xd07, "Cortex-A57", 44 }, /* [cputype]; [qemu] a57 ID_AA64MMFR0 0x00001124 */
	/* [cputype]; [TRM 100095_0002_03] Table 4-35 PARange 0x4 "44-bit"; [hw]
	   cortexa72-host-ubuntu (RPi 4) PARange 0x4 */
	{ 0xd08, "Cortex-A72", 44 },
	{ 0xd09, "Cortex-A73", 0 }, /* [cputype]; PA size not verified */
	{ 0xd0a, "Cortex-A75", 0 }, /* [cputype]; PA size not verified */
	/* [cputype]; [TRM 100798_0301] B2.58 PARange 0x2 "40 bits"; [qemu] a76 0x101122 */
	{ 0xd0b, "Cortex-A76", 40 },
	/* [cputype]; [qemu] neoverse-n1 0x101125; [hw] ampere-altra-host-ubuntu PARange 0x5 */
	{ 0xd0c, "Neoverse-N1", 48 },
	/* [cputype]; [TRM 101111_0101] Table A5-2 "PA size Maximum 40 bits" */
	{ 0xd0d, "Cortex-A77", 40 },
	{ 0xd0e, "Cortex-A76AE", 0 },  /* [cputype]; PA size not verified */
	{ 0xd40, "Neoverse-V1", 48 },  /* [cputype]; [qemu] neoverse-v1 0x101125 */
	{ 0xd41, "Cortex-A78", 0 },    /* [cputype]; PA size not verified */
	{ 0xd42, "Cortex-A78AE", 48 }, /* [cputype]; [qemu] a78ae 0x101125, from TRM 3.2.4 */
	{ 0xd43, "Cortex-A65AE", 0 },  /* [lscpu] */
	{ 0xd44, "Cortex-X1", 0 },     /* [cputype]; PA size not verified */
	{ 0xd46, "Cortex-A510", 0 },   /* [cputype]; PA size not verified */
	/* [cputype]; [qemu] a710 ID_AA64MMFR0 0x0000022200101122, from TRM B.4 */
	{ 0xd47, "Cortex-A710", 40 },
	{ 0xd48, "Cortex-X2", 0 }, /* [cputype]; PA size not verified */
	/* [cputype]; [qemu] neoverse-n2 0x0000022200101125, from TRM B.5 */
	{ 0xd49, "Neoverse-N2", 48 },
	{ 0xd4a, "Neoverse-E1", 0 },   /* [lscpu]; PA size not verified */
	{ 0xd4b, "Cortex-A78C", 0 },   /* [cputype]; PA size not verified */
	{ 0xd4c, "Cortex-X1C", 0 },    /* [cputype] */
	{ 0xd4d, "Cortex-A715", 0 },   /* [cputype]; PA size not verified */
	{ 0xd4e, "Cortex-X3", 0 },     /* [cputype]; PA size not verified */
	{ 0xd4f, "Neoverse-V2", 0 },   /* [cputype]; PA size not verified */
	{ 0xd80, "Cortex-A520", 0 },   /* [cputype]; PA size not verified */
	{ 0xd81, "Cortex-A720", 0 },   /* [cputype]; PA size not verified */
	{ 0xd82, "Cortex-X4", 0 },     /* [cputype]; PA size not verified */
	{ 0xd83, "Neoverse-V3AE", 0 }, /* [cputype] */
	{ 0xd84, "Neoverse-V3", 0 },   /* [cputype]; PA size not verified */
	{ 0xd85, "Cortex-X925", 0 },   /* [cputype] */
	{ 0xd87, "Cortex-A725", 0 },   /* [cputype] */
	{ 0xd89, "Cortex-A720AE", 0 }, /* [cputype] */
	{ 0xd8e, "Neoverse-N3", 0 },   /* [cputype]; PA size not verified */
};

static const struct arm_part brcm_parts[] = {
	{ 0x00f, "Brahma-B15", 0 }, /* [lscpu] */
	{ 0x100, "Brahma-B53", 0 }, /* [cputype] BRCM_CPU_PART_BRAHMA_B53 */
	{ 0x516, "Vulcan", 0 },	    /* [cputype] BRCM_CPU_PART_VULCAN; became Cavium ThunderX2 */
};

static const struct arm_part cavium_parts[] = {
	{ 0x0a0, "ThunderX", 0 },      /* [lscpu] */
	{ 0x0a1, "ThunderX-88XX", 0 }, /* [cputype] CAVIUM_CPU_PART_THUNDERX */
	{ 0x0a2, "ThunderX-81XX", 0 }, /* [cputype] */
	{ 0x0a3, "ThunderX-83XX", 0 }, /* [cputype] */
	{ 0x0af, "ThunderX2", 0 }, /* [cputype] CAVIUM_CPU_PART_THUNDERX2; PA size not verified */
	{ 0x0b0, "OcteonTX2", 0 }, /* [lscpu] */
	{ 0x0b1, "OcteonTX2-98XX", 0 },	  /* [cputype] */
	{ 0x0b2, "OcteonTX2-96XX", 0 },	  /* [cputype] */
	{ 0x0b3, "OcteonTX2-95XX", 0 },	  /* [cputype] */
	{ 0x0b4, "OcteonTX2-95XXN", 0 },  /* [cputype] */
	{ 0x0b5, "OcteonTX2-95XXMM", 0 }, /* [cputype] */
	{ 0x0b6, "OcteonTX2-95XXO", 0 },  /* [cputype] */
	{ 0x0b8, "ThunderX3-T110", 0 },	  /* [lscpu] */
};

static const struct arm_part fujitsu_parts[] = {
	/* [cputype] FUJITSU_CPU_PART_A64FX; [qemu] a64fx ID_AA64MMFR0 0x0000000000001122 */
	{ 0x001, "A64FX", 40 },
};

static const struct arm_part hisi_parts[] = {
	/* [cputype] HISI_CPU_PART_TSV110 (Kunpeng 920); PA size not verified */
	{ 0xd01, "TSV110", 0 },
	{ 0xd02, "HIP09", 0 }, /* [cputype] */
	{ 0xd06, "HIP12", 0 }, /* [cputype] */
};

static const struct arm_part nvidia_parts[] = {
	{ 0x000, "Denver", 0 },	  /* [lscpu] */
	{ 0x003, "Denver-2", 0 }, /* [cputype] NVIDIA_CPU_PART_DENVER; [lscpu] "Denver 2" */
	{ 0x004, "Carmel", 0 },	  /* [cputype] NVIDIA_CPU_PART_CARMEL; PA size not verified */
	{ 0x010, "Olympus", 0 },  /* [cputype] */
};

static const struct arm_part apm_parts[] = {
	{ 0x000, "X-Gene", 0 }, /* [cputype] APM_CPU_PART_XGENE */
};

static const struct arm_part qcom_parts[] = {
	{ 0x001, "Oryon", 0 }, /* [cputype] QCOM_CPU_PART_ORYON_X1; PA size not verified */
	{ 0x200, "Kryo", 0 },  /* [cputype] QCOM_CPU_PART_KRYO */
	{ 0x201, "Kryo", 0 },  /* [lscpu] */
	{ 0x205, "Kryo", 0 },  /* [lscpu] */
	{ 0x211, "Kryo", 0 },  /* [lscpu] */
	/* [cputype] FALKOR_V1 and KRYO_2XX_GOLD share 0x800 */
	{ 0x800, "Falkor-V1/Kryo-2XX-Gold", 0 },
	{ 0x801, "Kryo-2XX-Silver", 0 }, /* [cputype] */
	{ 0x802, "Kryo-3XX-Gold", 0 },	 /* [cputype] */
	{ 0x803, "Kryo-3XX-Silver", 0 }, /* [cputype] */
	{ 0x804, "Kryo-4XX-Gold", 0 },	 /* [cputype] */
	{ 0x805, "Kryo-4XX-Silver", 0 }, /* [cputype] */
	{ 0xc00, "Falkor", 0 },		 /* [cputype] QCOM_CPU_PART_FALKOR */
	{ 0xc01, "Saphira", 0 },	 /* [lscpu] */
};

static const struct arm_part samsung_parts[] = {
	{ 0x001, "Exynos-M1", 0 }, /* [lscpu] "exynos-m1" */
	{ 0x002, "Exynos-M3", 0 }, /* [lscpu] */
	{ 0x003, "Exynos-M4", 0 }, /* [lscpu] */
	{ 0x004, "Exynos-M5", 0 }, /* [lscpu] */
};

static const struct arm_part marvell_parts[] = {
	{ 0x131, "Feroceon-88FR131", 0 }, /* [lscpu] */
	{ 0x581, "PJ4/PJ4b", 0 },	  /* [lscpu] */
	{ 0x584, "PJ4B-MP", 0 },	  /* [lscpu] */
};

/*
 * Apple: [cputype] APPLE_CPU_PART_* and [lscpu] names. Only the M1 (T8103)
 * has a published PARange: [hw] applem1-host-macos reads MIDR 0x611f0231
 * (Firestorm) with PARange 0x1 (36 bits), and the kernel's minimum over all
 * eight CPUs is 36 [asahi], so Icestorm is at least 36 and the SoC figure
 * is 36. M1 Pro/Max put RAM at 0x100_0000_0000 (more than 40 bits), M2 is
 * below 40 by VMM reports; neither has an exact published value.
 */
static const struct arm_part apple_parts[] = {
	{ 0x020, "Icestorm-A14", 0 },  /* [lscpu] */
	{ 0x021, "Firestorm-A14", 0 }, /* [lscpu] */
	/* [cputype] APPLE_CPU_PART_M1_ICESTORM; [asahi] SoC minimum 36 */
	{ 0x022, "Icestorm-M1", 36 },
	/* [cputype] APPLE_CPU_PART_M1_FIRESTORM; [hw] applem1-host-macos PARange 0x1 */
	{ 0x023, "Firestorm-M1", 36 },
	{ 0x024, "Icestorm-M1-Pro", 0 },  /* [cputype]; PA size not published */
	{ 0x025, "Firestorm-M1-Pro", 0 }, /* [cputype]; PA size not published */
	{ 0x028, "Icestorm-M1-Max", 0 },  /* [cputype]; PA size not published */
	{ 0x029, "Firestorm-M1-Max", 0 }, /* [cputype]; PA size not published */
	{ 0x030, "Blizzard-A15", 0 },	  /* [lscpu] */
	{ 0x031, "Avalanche-A15", 0 },	  /* [lscpu] */
	/* [cputype] APPLE_CPU_PART_M2_BLIZZARD; PA size not published */
	{ 0x032, "Blizzard-M2", 0 },
	/* [cputype] APPLE_CPU_PART_M2_AVALANCHE; PA size not published */
	{ 0x033, "Avalanche-M2", 0 },
	{ 0x034, "Blizzard-M2-Pro", 0 },  /* [cputype] */
	{ 0x035, "Avalanche-M2-Pro", 0 }, /* [cputype] */
	{ 0x038, "Blizzard-M2-Max", 0 },  /* [cputype] */
	{ 0x039, "Avalanche-M2-Max", 0 }, /* [cputype] */
};

static const struct arm_part faraday_parts[] = {
	{ 0x526, "FA526", 0 }, /* [lscpu] */
	{ 0x626, "FA626", 0 }, /* [lscpu] */
};

static const struct arm_part microsoft_parts[] = {
	/* [cputype] "Based on r0p0 of ARM Neoverse N2"; PA not published */
	{ 0xd49, "Azure-Cobalt-100", 0 },
};

static const struct arm_part phytium_parts[] = {
	{ 0x660, "FTC660", 0 }, /* [lscpu] */
	{ 0x661, "FTC661", 0 }, /* [lscpu] */
	{ 0x662, "FTC662", 0 }, /* [lscpu] */
	{ 0x663, "FTC663", 0 }, /* [lscpu] */
};

static const struct arm_part ampere_parts[] = {
	/* Ampere Altra is not here: it reports Arm's Neoverse-N1 (MIDR 0x413fd0c1, [hw]). */
	/* [cputype] AMPERE_CPU_PART_AMPERE1; [lscpu] "Ampere-1"; PA not verified */
	{ 0xac3, "AmpereOne", 0 },
	{ 0xac4, "AmpereOne-A", 0 }, /* [cputype] AMPERE_CPU_PART_AMPERE1A; [lscpu] "Ampere-1a" */
};

/*
 * Implementer 0 is "reserved for software use" (Arm ARM MIDR_EL1). QEMU's
 * TCG "-cpu max" uses it with PARTNUM 'Q' (target/arm/tcg/cpu64.c
 * aarch64_max_tcg_initfn, since 2019). Its PARange follows the QEMU version
 * (48, then 52 with FEAT_LPA), so no figure. Other QEMU models (cortex-a53,
 * -a57, -a72, neoverse-n1, ...) carry the real core's MIDR and PARange.
 */
static const struct arm_part software_parts[] = {
	{ 0x051, "QEMU-max", 0 }, /* QEMU -cpu max: MIDR 0x000f0510 */
};

#define IMPL(id, name, parts)                                                                      \
	{                                                                                          \
		id, name, parts, ARRAY_SIZE(parts)                                                 \
	}

static const struct arm_impl implementers[] = {
	IMPL(0x00, "Software", software_parts),	  /* Arm ARM: reserved for software use */
	IMPL(0x41, "ARM", arm_parts),		  /* [cputype] ARM_CPU_IMP_ARM */
	IMPL(0x42, "Broadcom", brcm_parts),	  /* [cputype] ARM_CPU_IMP_BRCM */
	IMPL(0x43, "Cavium", cavium_parts),	  /* [cputype] ARM_CPU_IMP_CAVIUM */
	{ 0x44, "DEC", NULL, 0 },		  /* [lscpu] */
	IMPL(0x46, "Fujitsu", fujitsu_parts),	  /* [cputype] ARM_CPU_IMP_FUJITSU */
	IMPL(0x48, "HiSilicon", hisi_parts),	  /* [cputype] ARM_CPU_IMP_HISI */
	{ 0x49, "Infineon", NULL, 0 },		  /* [lscpu] */
	{ 0x4d, "Motorola/Freescale", NULL, 0 },  /* [lscpu] */
	IMPL(0x4e, "NVIDIA", nvidia_parts),	  /* [cputype] ARM_CPU_IMP_NVIDIA */
	IMPL(0x50, "APM", apm_parts),		  /* [cputype] ARM_CPU_IMP_APM */
	IMPL(0x51, "Qualcomm", qcom_parts),	  /* [cputype] ARM_CPU_IMP_QCOM */
	IMPL(0x53, "Samsung", samsung_parts),	  /* [lscpu] */
	IMPL(0x56, "Marvell", marvell_parts),	  /* [lscpu] */
	IMPL(0x61, "Apple", apple_parts),	  /* [cputype] ARM_CPU_IMP_APPLE */
	IMPL(0x66, "Faraday", faraday_parts),	  /* [lscpu] */
	{ 0x69, "Intel", NULL, 0 },		  /* [lscpu] (XScale parts, 32-bit only) */
	IMPL(0x6d, "Microsoft", microsoft_parts), /* [cputype] ARM_CPU_IMP_MICROSOFT */
	IMPL(0x70, "Phytium", phytium_parts),	  /* [lscpu] */
	IMPL(0xc0, "Ampere", ampere_parts),	  /* [cputype] ARM_CPU_IMP_AMPERE */
};

static const struct arm_impl *find_impl(unsigned int implementer)
{
	for (size_t i = 0; i < ARRAY_SIZE(implementers); i++)
		if (implementers[i].id == implementer)
			return &implementers[i];
	return NULL;
}

static const struct arm_part *find_part(unsigned int implementer, unsigned int partnum)
{
	const struct arm_impl *impl = find_impl(implementer);

	if (!impl)
		return NULL;
	for (size_t i = 0; i < impl->nparts; i++)
		if (impl->parts[i].id == partnum)
			return &impl->parts[i];
	return NULL;
}

void midr_decode(uint32_t midr, struct midr *out)
{
	if (!out)
		return;
	out->implementer = (midr >> 24) & 0xff;
	out->variant = (midr >> 20) & 0xf;
	out->architecture = (midr >> 16) & 0xf;
	out->partnum = (midr >> 4) & 0xfff;
	out->revision = midr & 0xf;
}

/*
 * parse_hex_u64() rather than strtoull(): that one accepts a sign, skips any
 * locale's spaces and saturates silently, and sysfs text that is not the
 * kernel's "0x%016llx\n" should be refused, not reinterpreted. The 0x
 * prefix is required here.
 */
int midr_parse(const char *text, uint32_t *midr)
{
	uint64_t v;
	int r;

	if (!text || !midr)
		return -EINVAL;
	text += strspn(text, " \t\n\r");
	if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
		return -EINVAL;
	r = parse_hex_u64(text, &v);
	if (r)
		return r;
	/* MIDR_EL1 is a 64-bit register whose top half is RES0. */
	if (v > 0xffffffffu)
		return -ERANGE;
	*midr = (uint32_t)v;
	return 0;
}

const char *arm_implementer_name(unsigned int implementer)
{
	const struct arm_impl *impl = find_impl(implementer);

	return impl ? impl->name : NULL;
}

const char *arm_part_name(unsigned int implementer, unsigned int partnum)
{
	const struct arm_part *part = find_part(implementer, partnum);

	return part ? part->name : NULL;
}

int arm_part_pa_bits(unsigned int implementer, unsigned int partnum)
{
	const struct arm_part *part = find_part(implementer, partnum);

	return part ? part->pa_bits : 0;
}

int parange_to_bits(unsigned int parange)
{
	/* Arm ARM D24.2 ID_AA64MMFR0_EL1.PARange; Linux id_aa64mmfr0_parange_to_phys_shift() */
	static const int bits[] = {
		32, /* 0b0000 */
		36, /* 0b0001 */
		40, /* 0b0010 */
		42, /* 0b0011 */
		44, /* 0b0100 */
		48, /* 0b0101 */
		52, /* 0b0110, FEAT_LPA */
		56, /* 0b0111, FEAT_D128 (Arm ARM D24.2 "56 bits, 64PB") */
	};

	if (parange >= ARRAY_SIZE(bits))
		return -EINVAL;
	return bits[parange];
}

int mmfr0_pa_bits(uint64_t mmfr0)
{
	return parange_to_bits((unsigned int)(mmfr0 & 0xf));
}

int cpu_summary(const uint32_t *midrs, int n, struct cpu_cluster *out, int max)
{
	int ncl = 0;

	if (n < 0 || max < 0 || (n && !midrs) || (max && !out))
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		struct midr m;
		int c;

		midr_decode(midrs[i], &m);
		for (c = 0; c < ncl; c++)
			if (out[c].implementer == m.implementer && out[c].partnum == m.partnum)
				break;
		if (c == ncl) {
			if (ncl == max)
				continue;
			out[ncl++] = (struct cpu_cluster){
				.implementer = m.implementer,
				.partnum = m.partnum,
				.midr = midrs[i],
				.count = 0,
				.pa_bits = arm_part_pa_bits(m.implementer, m.partnum),
			};
		}
		out[c].count++;
	}
	return ncl;
}

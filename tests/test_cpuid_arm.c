// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpuid_arm: MIDR parsing and decoding, names, documented PA sizes,
 * PARange decoding and big.LITTLE grouping.
 *
 * MIDR values come from published /proc/cpuinfo and register dumps:
 *  - hrw/arm-socs-table cpuinfo-data/{apple-m1,apple-m2,rk3399,raspberry-pi4,
 *    qemu-max,ampere-ampereone}
 *  - util-linux tests/expected/lscpu/lscpu-arm-A510-A710-A715-X3 (3+2+2+1 cores)
 *    and its dump's midr_el1 "0x00000000411fd461"
 *  - lelegard/arm-cpusysregs collect/ampere-altra-host-ubuntu (0x413fd0c1),
 *    collect/applem1-host-macos (0x611f0231, PARange 0x1)
 *  - QEMU target/arm cpu64.c models (cortex-a53 0x410fd034, a57 0x411fd070)
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cpuid_arm.h"
#include "tap.h"

static void test_parse_good(void)
{
	static const struct {
		const char *text;
		uint32_t want;
		const char *why;
	} good[] = {
		{ "0x00000000410fd083\n", 0x410fd083, "sysfs format, Raspberry Pi 4" },
		{ "0x00000000611f0221\n", 0x611f0221, "Apple M1 Icestorm" },
		{ "0x00000000411fd461", 0x411fd461, "no newline (util-linux lscpu dump)" },
		{ "0x00000000C00FAC31\n", 0xc00fac31, "upper-case hex digits" },
		{ "0X413fd0c1\n", 0x413fd0c1, "short form, 0X prefix" },
		{ "  0x410fd034 \r\n", 0x410fd034, "surrounding blanks" },
		{ "0x000000000000000000000000410fd034\n", 0x410fd034, "extra leading zeros" },
		{ "0x0\n", 0, "zero parses (it is the caller's 'unknown')" },
		{ "0xffffffff\n", 0xffffffff, "largest 32-bit value" },
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint32_t v = 0xdeadbeef;
		int r = midr_parse(good[i].text, &v);

		ok(r == 0 && v == good[i].want, "midr_parse good: %s", good[i].why);
	}
}

static void test_parse_bad(void)
{
	static const struct {
		const char *text;
		int err;
		const char *why;
	} bad[] = {
		{ "", -EINVAL, "empty" },
		{ "\n", -EINVAL, "only a newline" },
		{ "0x", -EINVAL, "prefix without digits" },
		{ "0x\n", -EINVAL, "prefix and newline" },
		{ "410fd083\n", -EINVAL, "no 0x prefix" },
		{ "0x410fd083 0x410fd083\n", -EINVAL, "two values" },
		{ "0x410fd08g\n", -EINVAL, "non-hex digit" },
		{ "-0x410fd083\n", -EINVAL, "sign" },
		{ "+0x410fd083\n", -EINVAL, "plus sign" },
		{ "0x410fd083\nx", -EINVAL, "garbage after the newline" },
		{ "0x 410fd083", -EINVAL, "blank inside" },
		{ "\xff\xfe\x00", -EINVAL, "binary bytes" },
		{ "0x410fd083\xc3\xa9", -EINVAL, "non-ASCII tail" },
		{ "midr: 0x410fd083", -EINVAL, "text before the value" },
		{ "0x0000000100000000\n", -ERANGE, "bit 32 set (RES0 upper half)" },
		{ "0xffffffffffffffff\n", -ERANGE, "all 64 bits set" },
		{ "0x1ffffffffffffffff\n", -ERANGE, "more than 64 bits" },
		{ "0x123456789abcdef0123456789\n", -ERANGE, "far more than 64 bits" },
	};
	uint32_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 0x12345678;
		ok(midr_parse(bad[i].text, &v) == bad[i].err && v == 0x12345678,
		   "midr_parse rejects %s, output untouched", bad[i].why);
	}
	ok(midr_parse(NULL, &v) == -EINVAL, "midr_parse(NULL text) is -EINVAL");
	ok(midr_parse("0x1", NULL) == -EINVAL, "midr_parse(NULL out) is -EINVAL");
}

/* Every byte value after a valid prefix: no crash, and only hex digits and blanks pass. */
static void test_parse_all_bytes(void)
{
	int wrong = 0;

	for (int c = 1; c < 256; c++) {
		char buf[8] = "0x4";
		uint32_t v;
		int r, hex, blank;

		buf[3] = (char)c;
		r = midr_parse(buf, &v);
		hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
		if ((hex || blank) != (r == 0))
			wrong++;
	}
	is_int(wrong, 0, "midr_parse accepts exactly hex digits and blanks after the digits");
}

static void test_decode(void)
{
	struct midr m;

	/* Raspberry Pi 4: part 0xd08 variant 0 revision 3 (hrw raspberry-pi4) */
	midr_decode(0x410fd083, &m);
	ok(m.implementer == 0x41 && m.variant == 0 && m.architecture == 0xf &&
		   m.partnum == 0xd08 && m.revision == 3,
	   "decode 0x410fd083: ARM part 0xd08 r0p3");
	/* Ampere Altra: Neoverse-N1 r3p1 (lelegard ampere-altra-host-ubuntu) */
	midr_decode(0x413fd0c1, &m);
	ok(m.implementer == 0x41 && m.variant == 3 && m.partnum == 0xd0c && m.revision == 1,
	   "decode 0x413fd0c1: Neoverse-N1 r3p1 (Ampere Altra)");
	/* Apple M1 Firestorm: variant 1 revision 1 (hrw apple-m1) */
	midr_decode(0x611f0231, &m);
	ok(m.implementer == 0x61 && m.variant == 1 && m.partnum == 0x023 && m.revision == 1,
	   "decode 0x611f0231: Apple part 0x023");
	/* AmpereOne: implementer 0xc0 part 0xac3 revision 1 (hrw ampere-ampereone) */
	midr_decode(0xc00fac31, &m);
	ok(m.implementer == 0xc0 && m.variant == 0 && m.partnum == 0xac3 && m.revision == 1,
	   "decode 0xc00fac31: Ampere part 0xac3");
	/* QEMU -cpu max: implementer 0, part 'Q' (hrw qemu-max) */
	midr_decode(0x000f0510, &m);
	ok(m.implementer == 0 && m.partnum == 'Q' && m.architecture == 0xf,
	   "decode 0x000f0510: QEMU max, part 'Q'");
	midr_decode(0xffffffff, &m);
	ok(m.implementer == 0xff && m.variant == 0xf && m.architecture == 0xf &&
		   m.partnum == 0xfff && m.revision == 0xf,
	   "decode all ones: every field at its maximum");
	midr_decode(0x410fd083, NULL);
	ok(1, "decode into NULL does not crash");
}

static void test_names(void)
{
	static const struct {
		unsigned int imp, part;
		const char *impname, *partname;
	} n[] = {
		{ 0x41, 0xd03, "ARM", "Cortex-A53" },
		{ 0x41, 0xd04, "ARM", "Cortex-A35" },
		{ 0x41, 0xd05, "ARM", "Cortex-A55" },
		{ 0x41, 0xd06, "ARM", "Cortex-A65" },
		{ 0x41, 0xd07, "ARM", "Cortex-A57" },
		{ 0x41, 0xd08, "ARM", "Cortex-A72" },
		{ 0x41, 0xd09, "ARM", "Cortex-A73" },
		{ 0x41, 0xd0a, "ARM", "Cortex-A75" },
		{ 0x41, 0xd0b, "ARM", "Cortex-A76" },
		{ 0x41, 0xd0c, "ARM", "Neoverse-N1" },
		{ 0x41, 0xd0d, "ARM", "Cortex-A77" },
		{ 0x41, 0xd40, "ARM", "Neoverse-V1" },
		{ 0x41, 0xd41, "ARM", "Cortex-A78" },
		{ 0x41, 0xd44, "ARM", "Cortex-X1" },
		{ 0x41, 0xd46, "ARM", "Cortex-A510" },
		{ 0x41, 0xd47, "ARM", "Cortex-A710" },
		{ 0x41, 0xd48, "ARM", "Cortex-X2" },
		{ 0x41, 0xd49, "ARM", "Neoverse-N2" },
		{ 0x41, 0xd4a, "ARM", "Neoverse-E1" },
		{ 0x41, 0xd4b, "ARM", "Cortex-A78C" },
		{ 0x41, 0xd4d, "ARM", "Cortex-A715" },
		{ 0x41, 0xd4e, "ARM", "Cortex-X3" },
		{ 0x41, 0xd4f, "ARM", "Neoverse-V2" },
		{ 0x41, 0xd80, "ARM", "Cortex-A520" },
		{ 0x41, 0xd81, "ARM", "Cortex-A720" },
		{ 0x41, 0xd82, "ARM", "Cortex-X4" },
		{ 0x41, 0xd84, "ARM", "Neoverse-V3" },
		{ 0x41, 0xd8e, "ARM", "Neoverse-N3" },
		{ 0x61, 0x022, "Apple", "Icestorm-M1" },
		{ 0x61, 0x023, "Apple", "Firestorm-M1" },
		{ 0x61, 0x024, "Apple", "Icestorm-M1-Pro" },
		{ 0x61, 0x025, "Apple", "Firestorm-M1-Pro" },
		{ 0x61, 0x028, "Apple", "Icestorm-M1-Max" },
		{ 0x61, 0x029, "Apple", "Firestorm-M1-Max" },
		{ 0x61, 0x032, "Apple", "Blizzard-M2" },
		{ 0x61, 0x033, "Apple", "Avalanche-M2" },
		{ 0x61, 0x034, "Apple", "Blizzard-M2-Pro" },
		{ 0x61, 0x039, "Apple", "Avalanche-M2-Max" },
		{ 0x51, 0x001, "Qualcomm", "Oryon" },
		{ 0x51, 0x200, "Qualcomm", "Kryo" },
		{ 0x51, 0xc00, "Qualcomm", "Falkor" },
		{ 0x51, 0x805, "Qualcomm", "Kryo-4XX-Silver" },
		{ 0xc0, 0xac3, "Ampere", "AmpereOne" },
		{ 0x43, 0x0af, "Cavium", "ThunderX2" },
		{ 0x42, 0x516, "Broadcom", "Vulcan" },
		{ 0x46, 0x001, "Fujitsu", "A64FX" },
		{ 0x48, 0xd01, "HiSilicon", "TSV110" },
		{ 0x4e, 0x004, "NVIDIA", "Carmel" },
		{ 0x4e, 0x003, "NVIDIA", "Denver-2" },
		{ 0x6d, 0xd49, "Microsoft", "Azure-Cobalt-100" },
		{ 0x53, 0x001, "Samsung", "Exynos-M1" },
		{ 0x70, 0x662, "Phytium", "FTC662" },
		{ 0x00, 0x051, "Software", "QEMU-max" },
	};

	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		is_str(arm_implementer_name(n[i].imp), n[i].impname, "implementer 0x%02x name",
		       n[i].imp);
		is_str(arm_part_name(n[i].imp, n[i].part), n[i].partname, "part 0x%02x:0x%03x name",
		       n[i].imp, n[i].part);
	}
	is_str(arm_implementer_name(0x56), "Marvell", "implementer 0x56 is Marvell");
	ok(arm_implementer_name(0x99) == NULL, "unknown implementer 0x99 is NULL");
	ok(arm_implementer_name(0x1000) == NULL, "out-of-range implementer is NULL");
	ok(arm_part_name(0x41, 0xfff) == NULL, "unknown ARM part 0xfff is NULL");
	ok(arm_part_name(0x99, 0xd03) == NULL, "part of an unknown implementer is NULL");
	/* Part numbers are per implementer: 0xd49 is N2 at ARM, Cobalt at Microsoft. */
	ok(strcmp(arm_part_name(0x41, 0xd49), arm_part_name(0x6d, 0xd49)) != 0,
	   "the same part number under two implementers names two parts");
	ok(arm_part_name(0x44, 0xa10) == NULL, "implementer with no part table (DEC) gives NULL part");
	is_str(arm_implementer_name(0x44), "DEC", "implementer with no part table still named");
}

static void test_pa_bits(void)
{
	static const struct {
		unsigned int imp, part;
		int bits;
		const char *why;
	} pa[] = {
		{ 0x41, 0xd03, 40, "Cortex-A53 (TRM DDI0500 §5.1)" },
		{ 0x41, 0xd04, 40, "Cortex-A35 (QEMU a35 model)" },
		{ 0x41, 0xd05, 40, "Cortex-A55 (QEMU a55 model)" },
		{ 0x41, 0xd07, 44, "Cortex-A57 (QEMU a57 model)" },
		{ 0x41, 0xd08, 44, "Cortex-A72 (TRM 100095; RPi 4 dump)" },
		{ 0x41, 0xd0b, 40, "Cortex-A76 (TRM 100798)" },
		{ 0x41, 0xd0d, 40, "Cortex-A77 (TRM 101111)" },
		{ 0x41, 0xd47, 40, "Cortex-A710 (QEMU a710 model)" },
		{ 0x41, 0xd0c, 48, "Neoverse-N1 (QEMU model; Altra dump)" },
		{ 0x41, 0xd40, 48, "Neoverse-V1 (QEMU model)" },
		{ 0x41, 0xd49, 48, "Neoverse-N2 (QEMU model)" },
		{ 0x46, 0x001, 40, "A64FX (QEMU a64fx model)" },
		{ 0x61, 0x022, 36, "M1 Icestorm (M1 SoC minimum, Asahi log)" },
		{ 0x61, 0x023, 36, "M1 Firestorm (macOS register dump)" },
		/* not published: must stay unknown rather than guessed */
		{ 0x41, 0xd09, 0, "Cortex-A73 unverified" },
		{ 0x41, 0xd41, 0, "Cortex-A78 unverified" },
		{ 0x41, 0xd4f, 0, "Neoverse-V2 unverified" },
		{ 0x61, 0x024, 0, "M1 Pro unpublished" },
		{ 0x61, 0x032, 0, "M2 Blizzard unpublished" },
		{ 0x61, 0x033, 0, "M2 Avalanche unpublished" },
		{ 0xc0, 0xac3, 0, "AmpereOne unverified" },
		{ 0x43, 0x0af, 0, "ThunderX2 unverified" },
		{ 0x00, 0x051, 0, "QEMU max varies by QEMU version" },
		{ 0x99, 0x123, 0, "unknown implementer" },
		{ 0x41, 0xfff, 0, "unknown ARM part" },
	};

	for (size_t i = 0; i < sizeof(pa) / sizeof(pa[0]); i++)
		is_int(arm_part_pa_bits(pa[i].imp, pa[i].part), pa[i].bits, "PA bits: %s",
		       pa[i].why);
}

static void test_parange(void)
{
	static const int want[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

	for (unsigned int i = 0; i < 8; i++)
		is_int(parange_to_bits(i), want[i], "PARange %u is %d bits", i, want[i]);
	for (unsigned int i = 8; i < 16; i++)
		is_int(parange_to_bits(i), -EINVAL, "PARange %u is reserved", i);
	is_int(parange_to_bits(0xffffffffu), -EINVAL, "huge PARange is reserved");

	/* ID_AA64MMFR0_EL1 values of QEMU's models (target/arm cpu64.c) */
	is_int(mmfr0_pa_bits(0x00001122), 40, "MMFR0 cortex-a53 0x1122");
	is_int(mmfr0_pa_bits(0x00001124), 44, "MMFR0 cortex-a72 0x1124");
	is_int(mmfr0_pa_bits(0x0000000000101125ull), 48, "MMFR0 neoverse-n1 0x101125");
	is_int(mmfr0_pa_bits(0x0000022200101122ull), 40, "MMFR0 cortex-a710 with high fields");
	/* Apple M1 host register (lelegard applem1-host-macos): PARange 1 */
	is_int(mmfr0_pa_bits(0x000012120f100001ull), 36,
	       "MMFR0 Apple M1 host value: 36");
	is_int(mmfr0_pa_bits(0xfffffffffffffff0ull), 32, "only bits [3:0] count");
	is_int(mmfr0_pa_bits(0x000000000000000full), -EINVAL, "reserved PARange 0xf");
}

static void test_clusters(void)
{
	struct cpu_cluster cl[8];
	int n;

	/* RK3399: CPUs 0-3 A53 r0p4, 4-5 A72 r0p2 (hrw rk3399) */
	{
		const uint32_t rk[] = { 0x410fd034, 0x410fd034, 0x410fd034, 0x410fd034,
					0x410fd082, 0x410fd082 };

		n = cpu_summary(rk, 6, cl, 8);
		ok(n == 2, "RK3399: two clusters");
		ok(n == 2 && cl[0].partnum == 0xd03 && cl[0].count == 4 && cl[0].pa_bits == 40 &&
			   cl[0].midr == 0x410fd034,
		   "RK3399: first 4 x Cortex-A53, 40 bits");
		ok(n == 2 && cl[1].partnum == 0xd08 && cl[1].count == 2 && cl[1].pa_bits == 44 &&
			   cl[1].midr == 0x410fd082,
		   "RK3399: then 2 x Cortex-A72, 44 bits");
	}
	/* Apple M1: 4 Icestorm then 4 Firestorm (hrw apple-m1) */
	{
		const uint32_t m1[] = { 0x611f0221, 0x611f0221, 0x611f0221, 0x611f0221,
					0x611f0231, 0x611f0231, 0x611f0231, 0x611f0231 };

		n = cpu_summary(m1, 8, cl, 8);
		ok(n == 2 && cl[0].implementer == 0x61 && cl[0].partnum == 0x022 &&
			   cl[0].count == 4 && cl[1].partnum == 0x023 && cl[1].count == 4,
		   "M1: 4 x Icestorm, 4 x Firestorm");
	}
	/* util-linux lscpu-arm-A510-A710-A715-X3: 3 + 2 + 2 + 1, r1p1/r2p0/r1p0/r1p0 */
	{
		const uint32_t mt[] = { 0x411fd461, 0x411fd461, 0x411fd461, 0x412fd470,
					0x412fd470, 0x411fd4d0, 0x411fd4d0, 0x411fd4e0 };

		n = cpu_summary(mt, 8, cl, 8);
		ok(n == 4 && cl[0].count == 3 && cl[1].count == 2 && cl[2].count == 2 &&
			   cl[3].count == 1,
		   "A510/A710/A715/X3 phone SoC: 3, 2, 2, 1 in first-seen order");
		ok(n == 4 && cl[3].partnum == 0xd4e && cl[3].midr == 0x411fd4e0,
		   "A510/A710/A715/X3: last cluster is the X3");
	}
	/* Same part, different revisions, interleaved: one cluster, first MIDR kept. */
	{
		const uint32_t mix[] = { 0x410fd034, 0x410fd083, 0x411fd034, 0x410fd084 };

		n = cpu_summary(mix, 4, cl, 8);
		ok(n == 2 && cl[0].count == 2 && cl[0].midr == 0x410fd034 && cl[1].count == 2 &&
			   cl[1].midr == 0x410fd083,
		   "revisions do not split clusters; interleaved CPUs regroup");
	}
	/* More parts than room: the first max are filled, the rest not counted. */
	{
		const uint32_t many[] = { 0x410fd034, 0x410fd083, 0x413fd0c1, 0x410fd034 };

		n = cpu_summary(many, 4, cl, 2);
		ok(n == 2 && cl[0].count == 2 && cl[1].count == 1, "max clusters is respected");
	}
	{
		const uint32_t unk[] = { 0x99000010 };

		n = cpu_summary(unk, 1, cl, 8);
		ok(n == 1 && cl[0].implementer == 0x99 && cl[0].pa_bits == 0,
		   "unknown part: a cluster with pa_bits 0");
	}
	ok(cpu_summary(NULL, 0, cl, 8) == 0, "no CPUs: no clusters");
	ok(cpu_summary(NULL, 3, cl, 8) == -EINVAL, "NULL list with n > 0 is -EINVAL");
	ok(cpu_summary((const uint32_t[]){ 0x410fd034 }, -1, cl, 8) == -EINVAL,
	   "negative n is -EINVAL");
	ok(cpu_summary((const uint32_t[]){ 0x410fd034 }, 1, NULL, 8) == -EINVAL,
	   "NULL output with max > 0 is -EINVAL");
	ok(cpu_summary((const uint32_t[]){ 0x410fd034 }, 1, NULL, 0) == 0,
	   "max 0 fills nothing");
}

int main(void)
{
	test_parse_good();
	test_parse_bad();
	test_parse_all_bytes();
	test_decode();
	test_names();
	test_pa_bits();
	test_parange();
	test_clusters();
	return done_testing();
}

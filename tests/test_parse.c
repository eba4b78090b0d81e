// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsers of outside text: good input, every historic format, and garbage. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "tap.h"

static void test_cpulist(void)
{
	bool set[64] = { 0 };

	is_int(parse_cpulist("0-3,5,7-8\n", set, 64), 7, "cpulist ranges and singles");
	ok(set[0] && set[3] && !set[4] && set[5] && set[8], "cpulist marks the right CPUs");
	memset(set, 0, sizeof(set));
	is_int(parse_cpulist("0", set, 64), 1, "single CPU");
	is_int(parse_cpulist("", set, 64), -EINVAL, "empty cpulist");
	is_int(parse_cpulist("3-1", set, 64), -EINVAL, "reversed range");
	is_int(parse_cpulist("0-99999", set, 64), -ERANGE, "range past the table");
	is_int(parse_cpulist("0-3x", set, 64), -EINVAL, "trailing garbage");
	is_int(parse_cpulist("99999999999999999999", set, 64), -EINVAL, "overflowing number");
}

static void test_hex_and_int(void)
{
	uint64_t v = 0;
	long l = 0;

	is_int(parse_hex_u64("8000000\n", &v), 0, "block_size_bytes without 0x");
	is_int(v, 0x8000000, "block size value");
	is_int(parse_hex_u64("0x00000000410fd083", &v), 0, "MIDR-style hex");
	is_int(v, 0x410fd083, "MIDR value");
	is_int(parse_hex_u64("0x", &v), -EINVAL, "bare 0x");
	is_int(parse_hex_u64("12345678901234567", &v), -ERANGE, "hex past 64 bits");
	is_int(parse_hex_u64("zz", &v), -EINVAL, "not hex");
	is_int(parse_int_range("44", 32, 52, &l), 0, "int in range");
	is_int(parse_int_range("53", 32, 52, &l), -ERANGE, "int above range");
	is_int(parse_int_range("-1", 32, 52, &l), -EINVAL, "negative int");
	is_int(parse_int_range("4 4", 32, 52, &l), -EINVAL, "int with inner space");
}

static void test_iomem(void)
{
	uint64_t s, e;
	const char *name;
	int depth;

	is_int(parse_iomem_line("00001000-0009fbff : System RAM", &s, &e, &depth, &name), 0,
	       "iomem top-level line");
	ok(s == 0x1000 && e == 0x9fbff && depth == 0, "iomem range and depth");
	is_str(name, "System RAM", "iomem name");
	is_int(parse_iomem_line("    08000000-0800ffff : GICD", &s, &e, &depth, &name), 0,
	       "nested iomem line");
	is_int(depth, 2, "nested depth");
	is_int(parse_iomem_line("ffff-0000 : x", &s, &e, &depth, &name), -EINVAL,
	       "end below start");
	is_int(parse_iomem_line("garbage", &s, &e, &depth, &name), -EINVAL, "iomem garbage");
}

static void test_dt_reg(void)
{
	/* Apple M1 (t8103): RAM at 0x8_0000_0000, 8 GiB; 2 address + 2 size cells */
	static const unsigned char m1[] = { 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0 };
	/* Raspberry Pi 4, 2+1 cells, two banks: 0+0x3b400000 and 0x40000000+0xbc000000 */
	static const unsigned char rpi[] = { 0, 0, 0, 0, 0,    0, 0, 0, 0x3b, 0x40, 0, 0,
					     0, 0, 0, 0, 0x40, 0, 0, 0, 0xbc, 0,    0, 0 };
	uint64_t top = 0;

	is_int(parse_dt_reg_top(m1, sizeof(m1), 2, 2, &top), 0, "DT reg 2+2 cells");
	is_int(top, 0xa00000000ULL, "DT RAM top M1-like");
	is_int(parse_dt_reg_top(rpi, sizeof(rpi), 2, 1, &top), 0, "DT reg 2+1 cells, two banks");
	is_int(top, 0xfc000000ULL, "DT RAM top across banks");
	is_int(parse_dt_reg_top(rpi, 7, 2, 1, &top), -EINVAL, "DT reg truncated");
	is_int(parse_dt_reg_top(rpi, sizeof(rpi), 3, 1, &top), -EINVAL, "DT reg absurd cells");
}

static void test_klog(void)
{
	struct klog_state st;

	/* 5.12+ and fixed stable: arch/arm64/kvm/reset.c kvm_set_ipa_limit() */
	memset(&st, 0, sizeof(st));
	klog_parse_line("[    0.512345] kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, "
			"limited VM/VMM compatibility)",
			&st);
	is_int(st.ipa_limit, 36, "new format limit");
	is_int(st.fmt, LOG_FMT_NEW, "new format");
	ok(st.reduced_suffix, "reduced suffix seen");
	klog_parse_line("6,1234,99999,-;qemu-system-aar using unsupported default IPA limit, "
			"upgrade your VMM",
			&st);
	ok(st.default_warned, "upgrade-your-VMM warning seen");
	is_str(st.comm, "qemu-system-aar", "warning names the process");

	/* 5.10.0-5.10.23: WARN plus the plain line */
	memset(&st, 0, sizeof(st));
	klog_parse_line("[    1.0] KVM IPA Size Limit (36 bits) is smaller than default size", &st);
	klog_parse_line("[    1.0] kvm [1]: IPA Size Limit: 36 bits", &st);
	is_int(st.fmt, LOG_FMT_510_WARN, "5.10 unfixed format kept after the plain line");
	ok(st.unfixed_warn && !st.reduced_suffix, "5.10 WARN marks an unfixed kernel");
	is_int(st.ipa_limit, 36, "5.10 limit");

	/* 4.20-5.9: "%dbits" */
	memset(&st, 0, sizeof(st));
	klog_parse_line("<6>[    2.0] kvm [1]: IPA Size Limit: 40bits", &st);
	is_int(st.fmt, LOG_FMT_OLD_420, "4.20-5.9 format");
	is_int(st.ipa_limit, 40, "4.20 limit");

	/* 4.7-4.19 */
	memset(&st, 0, sizeof(st));
	klog_parse_line("PARange is 36 bits, unsupported configuration!", &st);
	is_int(st.fmt, LOG_FMT_PRE_420, "pre-4.20 WARN_ONCE");
	is_int(st.ipa_limit, 36, "pre-4.20 PARange");

	memset(&st, 0, sizeof(st));
	klog_parse_line("[    0.9] kvm [1]: Protected nVHE mode initialized successfully", &st);
	ok(st.protected_mode, "pKVM line");
	klog_parse_line("IPA Size Limit: 99999999999 bits", &st);
	is_int(st.ipa_limit, 0, "absurd limit ignored");
	klog_parse_line("kvm [1]: IPA Size Limit: 80 bits", &st);
	is_int(st.ipa_limit, 0, "a limit past 56 bits is not a PARange");
	klog_parse_line("kvm [1]: IPA Size Limit: 16 bits", &st);
	is_int(st.ipa_limit, 0, "a limit below 32 bits is not a PARange");
	klog_parse_line("", &st);
	klog_parse_line("[", &st);
	klog_parse_line("6,;", &st);
	ok(1, "empty and truncated lines survive");
}

/* Which KVM mode the kernel started: arch/arm64/kvm/arm.c (5.11-6.1, 6.12 "%s%sVHE"). */
static void test_klog_mode(void)
{
	struct klog_state st;

	memset(&st, 0, sizeof(st));
	klog_parse_line("[    0.000000] Protected KVM not available with VHE", &st);
	klog_parse_line("[    0.312070] kvm [1]: VHE mode initialized successfully", &st);
	ok(st.pkvm_refused && !st.protected_mode, "protected asked in VHE: refused");
	is_str(st.kvm_mode, "VHE mode initialized successfully", "VHE mode line kept");

	memset(&st, 0, sizeof(st));
	klog_parse_line("[    1.6] kvm [1]: Protected hVHE mode initialized successfully", &st);
	ok(st.protected_mode && !st.pkvm_refused, "6.12 Protected hVHE: protected");
	is_str(st.kvm_mode, "Protected hVHE mode initialized successfully", "hVHE line kept");
	klog_parse_line("[    1.6] kvm [1]: Hyp nVHE mode initialized successfully", &st);
	ok(!st.protected_mode, "6.12 Hyp nVHE: not protected");
	klog_parse_line("<6>kvm [1]: Hyp mode initialized successfully", &st);
	ok(!st.protected_mode, "5.11-6.1 Hyp mode: not protected");
	klog_parse_line("Nov 29 23:05:11 m1 kernel: [    0.3] kvm [1]: Protected nVHE mode "
			"initialized successfully",
			&st);
	ok(st.protected_mode, "kern.log line: syslog prefix stripped");
}

/* Only the last boot counts (kern.log and a kept dmesg span boots). */
static void test_klog_boots(void)
{
	struct klog_state st, other;

	memset(&st, 0, sizeof(st));
	klog_parse_line("[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x611f0221]",
			&st);
	klog_parse_line("[    0.000000] Linux version 6.11.0-1001-asahi-arm (buildd@x) #1", &st);
	klog_parse_line("[    0.3] kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited "
			"VM/VMM compatibility)",
			&st);
	klog_parse_line("[   90.0] qemu-system-aar using unsupported default IPA limit, upgrade "
			"your VMM",
			&st);
	is_int(st.earlier_boots, 0, "one boot: nothing skipped");
	is_str(st.release, "6.11.0-1001-asahi-arm", "boot release from \"Linux version\"");
	klog_parse_line("[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x611f0221]",
			&st);
	klog_parse_line("[    0.000000] Linux version 5.10.23 (x@y) #1", &st);
	klog_parse_line("[    0.3] KVM IPA Size Limit (36 bits) is smaller than default size", &st);
	klog_parse_line("[    0.3] kvm [1]: IPA Size Limit: 36 bits", &st);
	is_int(st.earlier_boots, 1, "second boot: the first is skipped");
	is_str(st.release, "5.10.23", "the last boot's release");
	ok(!st.default_warned && !st.reduced_suffix, "the earlier boot's lines are forgotten");
	ok(st.unfixed_warn && st.fmt == LOG_FMT_510_WARN, "the last boot's lines count");
	is_int(st.lines, 8, "every line still counted as read");

	/* kern.log: syslog prefixes, and the journal's own header is not a boot */
	memset(&st, 0, sizeof(st));
	klog_parse_line("-- Logs begin at Fri 2026-11-27 10:00:00 UTC. --", &st);
	klog_parse_line("Nov 27 10:00:00 m1 kernel: [    0.0] Linux version 6.1.0-26-arm64 (x) #1",
			&st);
	is_int(st.earlier_boots, 0, "journal header: no earlier boot");
	klog_parse_line("Nov 27 10:00:01 m1 kernel: [   50.0] kvm-ipa-check using unsupported "
			"default IPA limit, upgrade your VMM",
			&st);
	klog_parse_line("Nov 29 08:00:00 m1 kernel: [    0.0] Linux version 6.1.0-28-arm64 (x) #1",
			&st);
	ok(!st.default_warned, "kern.log: the warning of the earlier boot is dropped");
	is_int(st.earlier_boots, 1, "kern.log: one earlier boot");
	is_str(st.release, "6.1.0-28-arm64", "kern.log: the last boot's release");

	/* Two logs of one boot (a sosreport's dmesg and journal) add up. */
	memset(&other, 0, sizeof(other));
	klog_parse_line("kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited VM/VMM "
			"compatibility)",
			&other);
	klog_parse_line("kvm [1]: VHE mode initialized successfully", &other);
	klog_merge(&st, &other);
	is_int(st.ipa_limit, 36, "merge: the limit");
	ok(st.reduced_suffix && st.fmt == LOG_FMT_NEW, "merge: the format");
	is_str(st.kvm_mode, "VHE mode initialized successfully", "merge: the mode");
	is_int(st.earlier_boots, 1, "merge: earlier boots add up");
}

static void test_misc(void)
{
	char mode[32], name[32], ver[64];
	struct kver v;
	int p, vb;
	long ms;

	is_int(parse_address_sizes("address sizes\t: 46 bits physical, 48 bits virtual", &p, &vb),
	       0, "x86 address sizes");
	ok(p == 46 && vb == 48, "address size values");
	is_int(parse_address_sizes("address sizes\t: x bits physical", &p, &vb), -EINVAL,
	       "bad address sizes");
	parse_kvm_arm_mode("BOOT_IMAGE=/vmlinuz kvm-arm.mode=protected quiet", mode, sizeof(mode));
	is_str(mode, "protected", "kvm-arm.mode read");
	parse_kvm_arm_mode("xkvm-arm.mode=nvhe", mode, sizeof(mode));
	is_str(mode, "", "kvm-arm.mode needs a word boundary");

	is_int(parse_kernel_version("5.10.0-32-arm64", &v), 0, "Debian release");
	ok(v.major == 5 && v.minor == 10 && v.patch == 0 && v.distro, "Debian release is distro");
	is_int(parse_kernel_version("v5.4.106", &v), 0, "v-prefixed release");
	ok(v.patch == 106 && !v.distro, "upstream stable");
	is_int(parse_kernel_version("6.1", &v), 0, "two-part release");
	ok(!v.has_patch, "no patch level");
	is_int(parse_kernel_version("banana", &v), -EINVAL, "not a version");
	is_int(parse_kernel_version("6.1.0 extra", &v), -EINVAL, "space inside");

	ok(!v.rc, "a release is no release candidate");
	is_int(parse_kernel_version("5.12-rc2", &v), 0, "mainline release candidate");
	ok(v.major == 5 && v.minor == 12 && !v.has_patch && v.rc == 2 && !v.distro,
	   "5.12-rc2: 5.12, rc 2");
	is_int(parse_kernel_version("5.12.0-rc3", &v), 0, "uname of a release candidate");
	ok(v.minor == 12 && v.patch == 0 && v.rc == 3, "5.12.0-rc3: rc 3");
	is_int(parse_kernel_version("5.10.24-rc1", &v), 0, "stable review candidate");
	ok(v.patch == 24 && !v.rc, "5.10.24-rc1 is 5.10.24's review, not a mainline rc");
	is_int(parse_kernel_version("5.12-rc999", &v), -EINVAL, "rc number out of range");
	is_int(parse_vmm_arg("qemu=7.2.6", name, sizeof(name), ver, sizeof(ver)), 0, "--vmm n=v");
	ok(!strcmp(name, "qemu") && !strcmp(ver, "7.2.6"), "--vmm parts");
	is_int(parse_vmm_arg("firecracker", name, sizeof(name), ver, sizeof(ver)), 0, "--vmm n");
	is_str(ver, "", "no version");
	is_int(parse_vmm_arg("=1", name, sizeof(name), ver, sizeof(ver)), -EINVAL, "empty name");
	is_int(parse_vmm_arg("qemu=", name, sizeof(name), ver, sizeof(ver)), -EINVAL, "empty ver");
	is_int(parse_vmm_arg("q;rm", name, sizeof(name), ver, sizeof(ver)), -EINVAL, "bad chars");

	is_int(parse_seconds("1", &ms), 0, "1 s");
	is_int(ms, 1000, "1 s in ms");
	is_int(parse_seconds("0.25", &ms), 0, "decimal seconds");
	is_int(ms, 250, "0.25 s");
	is_int(parse_seconds("0.01", &ms), -ERANGE, "below 0.1 s");
	is_int(parse_seconds("601", &ms), -ERANGE, "above 600 s");
	is_int(parse_seconds("1e3", &ms), -EINVAL, "exponent refused");
}

int main(void)
{
	test_cpulist();
	test_hex_and_int();
	test_iomem();
	test_dt_reg();
	test_klog();
	test_klog_mode();
	test_klog_boots();
	test_misc();
	return done_testing();
}

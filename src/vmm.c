// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VMM knowledge base: how each arm64 VMM release picks the KVM_CREATE_VM
 * type and what its memory map needs, and the pure judge over it.
 * Facts come from the VMMs' own sources; each entry cites the release or
 * commit it was read at, and docs/vmm-knowledge.md gives the long form with
 * how sure each fact is. Nothing here does I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

#define MiB (1ULL << 20)

/*
 * QEMU virt's high IO regions float above RAM from 256 GiB (4.0+; QEMU 3.1's
 * fixed a15memmap put them at the same addresses), each aligned to its size:
 * a 64 MiB second GICv3 redistributor region at 256 GiB (ends at 256 GiB +
 * 64 MiB: 39 bits), a 256 MiB ECAM (39 bits) and a 512 GiB PCIe window at
 * 512 GiB (40 bits). hw/arm/virt.c extended_memmap and virt_set_memmap, read
 * in QEMU 7.2.0 and 10.0.13 (the loop became virt_set_high_memmap in 8.0,
 * 4af6b6edec). Redistributor region 1 is { 0x080A0000, 0x00F60000 }:
 * 0xF60000 / 128 KiB = 123 vCPUs.
 */
/* clang-format off */
#define QEMU_HIGH_REGIONS {						\
	{ "REDIST2", 256 * GiB, 64 * MiB, true, false, false,		\
	  "the 2nd GICv3 redistributor region (>123 vCPUs)" },		\
	{ "ECAM-hi", 256 * GiB, 256 * MiB, true, false, false,		\
	  "the high PCIe ECAM" },					\
	{ "MMIO-hi", 512 * GiB, 512 * GiB, true, false, false,		\
	  "the 64-bit PCIe MMIO window" },				\
}
/* clang-format on */

/* accel/kvm/kvm-all.c kvm_init(): fprintf "ioctl(KVM_CREATE_VM) failed: %d %s"
 * (5.2.0, 7.2.0); 10.0.13 prints "ioctl(KVM_CREATE_VM) failed: %s" instead. */
#define QEMU_CREATE_FAIL "ioctl(KVM_CREATE_VM) failed: 22 Invalid argument"
/* virt_kvm_type(), 4.0 to 10.0.13 alike; a real QEMU 5.2 run on a 36-bit
 * host printed it with (40 bits) and (36 bits). */
#define QEMU_SIZE_FAIL                                                                             \
	"-m and ,maxmem option values require an IPA range ({M} bits) larger than the one "        \
	"supported by the host ({L} bits)"
#define QEMU_FIX "QEMU 7.0 or later: it sizes the VM and its memory map to the host"

static const struct vmm_range qemu_ranges[] = {
	/* Before c9650222b8 (4.0) hw/arm/virt.c has no kvm_type hook: kvm_init
	 * passes type 0. */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_QEMU_LEGACY,
	  .regions = QEMU_HIGH_REGIONS,
	  .create_fail = QEMU_CREATE_FAIL,
	  .fix = QEMU_FIX },
	/* c9650222b8 "hw/arm/virt: Implement kvm_type function for 4.0 machine":
	 * virt_kvm_type() sizes the frozen map, whose highest_gpa always includes
	 * the 512 GiB window, highmem=off or not (hw/arm/virt.c@19bd6aafbd18, in
	 * 5.1.0; 5.2.0 read), returns 0 for <= 40 bits and refuses more than the
	 * cap. */
	{ .from = "4.0.0",
	  .choice = VMM_IPA_FIXED_MAP,
	  .ram = VMM_RAM_QEMU_FLOAT,
	  .regions = QEMU_HIGH_REGIONS,
	  .create_fail = QEMU_CREATE_FAIL,
	  .size_fail = QEMU_SIZE_FAIL,
	  .fix = QEMU_FIX " (highmem=off does not help before 7.0)" },
	/* bcb902a1ed1a "hw/arm/virt: KVM: The IPA lower bound is 32" (6.0): the
	 * size is passed explicitly, but the map still needs 40 bits. d26f2f93c185
	 * (6.2) also sizes the -cpu host scratch VM. */
	{ .from = "6.0.0",
	  .choice = VMM_IPA_FIXED_MAP,
	  .ram = VMM_RAM_QEMU_FLOAT,
	  .regions = QEMU_HIGH_REGIONS,
	  .create_fail = QEMU_CREATE_FAIL,
	  .size_fail = QEMU_SIZE_FAIL,
	  .fix = QEMU_FIX " (highmem=off does not help before 7.0)" },
	/*
	 * Zyngier's highmem series, tags/pull-target-arm-20220120 (7.0):
	 * virt_set_memmap(vms, pa_bits) drops each high region that does not fit
	 * and exits when RAM does not, with the message below ("...bytes\n" in
	 * 7.0 to 7.2.0: an empty line follows; not in 10.0.13). highmem=off
	 * means pa_bits = 32. 8.0 adds compact-highmem and highmem-redists,
	 * highmem-ecam, highmem-mmio; 10.0.13 has highmem-mmio-size (a power of
	 * two, at least the default 512 GiB). From 8.2 (bc3e41a0e8)
	 * virt_kvm_type() returns -1 instead of exiting when the map needs more
	 * than the host has, but virt_set_memmap() has already exited by then
	 * (10.0.13): a real 10.0.13 run with accel=kvm:tcg exits 1, no TCG
	 * fall-back.
	 */
	{ .from = "7.0.0",
	  .choice = VMM_IPA_MAP_FITS,
	  .ram = VMM_RAM_QEMU_FIT,
	  .regions = QEMU_HIGH_REGIONS,
	  .create_fail = QEMU_CREATE_FAIL,
	  .size_fail = "Addressing limited to {L} bits, but memory exceeds it by N bytes",
	  .fix = "keep 1 GiB + -m + (maxmem - -m) + 1 GiB per memory slot, each rounded up to a "
		 "GiB, within 2^limit; >123 vCPUs need 39 IPA bits, a 64-bit PCIe window 40" },
};

#define LIBVIRT_FAIL                                                                               \
	"error: unsupported configuration: Emulator '/usr/bin/qemu-system-aarch64' does not "      \
	"support virt type 'kvm'"
#define LIBVIRT_FIX "QEMU 8.2 or later, or stable 7.2.6, 8.0.5, 8.1.1: they size libvirt's probe VM"

/*
 * libvirt probes KVM with "-machine none,accel=kvm:tcg" (src/qemu/qemu_process.c
 * qemuProcessQMPLaunch). Before Odaki's 1ab445af8cd9 "accel/kvm: Specify
 * default IPA size for arm64" (8.2) the none machine creates type 0; when that
 * is refused QEMU falls back to TCG and libvirt reports the message above
 * (UbuntuAsahi/ubuntu-asahi#51, QEMU 6.2.0). The probe VM never runs a vCPU.
 * 10.0.13's kvm_init() asks kvm_arch_get_default_type() for machines without
 * a kvm_type hook. Versions here are QEMU's.
 */
static const struct vmm_range libvirt_ranges[] = {
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .no_vcpu = true,
	  .create_fail = LIBVIRT_FAIL,
	  .fix = LIBVIRT_FIX },
	/* v7.2.6: Debian's debian/patches/v7.2.6.diff adds kvm_arch_get_default_type */
	{ .from = "7.2.6", .choice = VMM_IPA_HOST_MAX, .no_vcpu = true },
	{ .from = "8.0.0",
	  .choice = VMM_IPA_TYPE0,
	  .no_vcpu = true,
	  .create_fail = LIBVIRT_FAIL,
	  .fix = LIBVIRT_FIX },
	/* "[Stable-8.0.5 23/43]" on the qemu-stable list */
	{ .from = "8.0.5", .choice = VMM_IPA_HOST_MAX, .no_vcpu = true },
	{ .from = "8.1.0",
	  .choice = VMM_IPA_TYPE0,
	  .no_vcpu = true,
	  .create_fail = LIBVIRT_FAIL,
	  .fix = LIBVIRT_FIX },
	/* <qemu-stable-8.1.1-20230909131531@cover.tls.msk.ru> lists 5e0d65909c6f
	 * and 1ab445af8cd9 as patches 06 and 07 */
	{ .from = "8.1.1", .choice = VMM_IPA_HOST_MAX, .no_vcpu = true },
};

static const struct vmm_range kvmtool_ranges[] = {
	/* kvmtool before 4250819: KVM_VM_TYPE 0, RAM at ARM_MEMORY_AREA 2 GiB
	 * (arm/include/arm-common/kvm-arch.h); kvm.c kvm__init()
	 * pr_err("KVM_CREATE_VM ioctl"), printed "  Error: KVM_CREATE_VM ioctl"
	 * by util/util.c, then "Failed init: kvm__init" and "Fatal:
	 * Initialisation failed" (seen in a real run on a 36-bit host). */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_AT_2G,
	  .create_fail = "Error: KVM_CREATE_VM ioctl",
	  .fix = "kvmtool built from 2021-08-31 or later (066b5c06c4e3, bdb86d0c0c95)" },
	/* 4250819, 066b5c06c4e3 and bdb86d0c0c95, authored 2021-08-22 and
	 * committed 2021-08-31: arm/aarch64/kvm.c kvm__get_vm_type() asks for
	 * max(32, fls(RAM end)) and dies above the cap. 8b91a18 (2022-07-01) lets
	 * --mem size@addr move the 2 GiB base. */
	{ .from = "20210831",
	  .choice = VMM_IPA_MINIMAL,
	  .ram = VMM_RAM_AT_2G,
	  .size_fail = "Fatal: Memory too large for this system (needs {M} bits, {L} available)",
	  .fix = "give the guest less RAM (--mem)" },
};

static const struct vmm_range firecracker_ranges[] = {
	/* v0.24.0 src/vmm/src/vstate/vm.rs Vm::new: kvm.create_vm() of kvm-ioctls
	 * 0.6.0 (Cargo.lock, v0.24.0 to v0.24.6), type 0. The error is printed
	 * with {:?} of vmm-sys-util's errno: builder.rs "Internal error while
	 * starting microVM: {:?}" (API); with --config-file main.rs prints
	 * "Building VMM configured from cmdline json failed:
	 * Internal(Vm(VmFd(Error(22))))". */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_FC,
	  .create_fail = "Internal error while starting microVM: Vm(VmFd(Error(22)))",
	  .fix = "Firecracker 0.25.0 or later (kvm-ioctls 0.9 create_vm() asks for the host's "
		 "size)" },
	/* v0.25.0 Cargo.lock: kvm-ioctls 0.9.0, whose aarch64 create_vm() asks
	 * for the host's maximum (363ac11884c7). */
	{ .from = "0.25.0", .choice = VMM_IPA_HOST_MAX, .ram = VMM_RAM_FC },
	/* 7c623e89b (first in v1.13.0): src/vmm/src/arch/aarch64/layout.rs
	 * MMIO64_MEM_START = MMIO64_MEM_SIZE = 256 GiB; arch_memory_regions()
	 * always skips it; with --enable-pci every virtio-pci device's BAR comes
	 * from it (devices/virtio/transport/pci/device.rs allocate_bars). */
	{ .from = "1.13.0",
	  .choice = VMM_IPA_HOST_MAX,
	  .ram = VMM_RAM_FC_GAP,
	  .regions = { { "PCI-BARs", 256 * GiB, 256 * GiB, false, false, true,
			 "--enable-pci's device BARs at 256 GiB" } },
	  .fix = "without --enable-pci, or a host with 39+ IPA bits" },
	/* 979d99b16 (virtio-pmem) and e997b620a (virtio-mem hotplug), first in
	 * v1.14.0: their memory comes from past_mmio64_memory, which starts at
	 * FIRST_ADDR_PAST_64BITS_MMIO = 512 GiB, and is mapped with
	 * KVM_SET_USER_MEMORY_REGION (pmem/device.rs set_mem_region): EFAULT
	 * beyond the VM's limit. Unchanged in v1.16.1. */
	{ .from = "1.14.0",
	  .choice = VMM_IPA_HOST_MAX,
	  .ram = VMM_RAM_FC_GAP,
	  /* Their size is the configured one: the map draws 1 GiB. */
	  .regions = { { "PCI-BARs", 256 * GiB, 256 * GiB, false, false, true,
			 "--enable-pci's device BARs at 256 GiB" },
		       { "pmem/vmem", 512 * GiB, GiB, false, true, true,
			 "virtio-pmem and virtio-mem memory at 512 GiB (EFAULT)" } },
	  .fix = "without --enable-pci, virtio-pmem and memory hotplug, or a host with 40 IPA "
		 "bits" },
};

static const struct vmm_range cloud_hypervisor_ranges[] = {
	/* v15.0 hypervisor/src/kvm/mod.rs create_vm(): create_vm_with_type(0);
	 * vmm/src/vm.rs Vm::new: hypervisor.create_vm().unwrap(), so a refusal
	 * panics with HypervisorError::VmCreate(anyhow) around the errno, shown
	 * as "Invalid argument (os error 22)" (vmm-sys-util errno.rs Display). */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_AT_1G,
	  .create_fail = "called `Result::unwrap()` on an `Err` value: VmCreate(Invalid argument "
			 "(os error 22))",
	  .fix = "Cloud Hypervisor v16.0 or later" },
	/* 2fe3586ebae2 "hypervisor: support AArch64 get_host_ipa_limit" (first
	 * in v16.0): vm_type = the host's IPA limit when Cap::ArmVmIPASize;
	 * RAM_64BIT_START 1 GiB (arch/src/aarch64/layout.rs). */
	{ .from = "16.0", .choice = VMM_IPA_HOST_MAX, .ram = VMM_RAM_AT_1G },
	/* 848d88c12 "aarch64: Reserve a hole in 32-bit space" (first in v23.0):
	 * MEM_32BIT_RESERVED_START 0xfc00_0000, 64 MiB, not RAM. */
	{ .from = "23.0", .choice = VMM_IPA_HOST_MAX, .ram = VMM_RAM_CH_HOLE },
};

static const struct vmm_range crosvm_ranges[] = {
	/* Before 17b1e02fb69c: hypervisor/src/kvm/mod.rs KvmVm::new passes 0;
	 * src/linux.rs map_err(Error::CreateVm), src/error.rs "failed to create
	 * vm: {}" of an errno shown as io::Error (common/sys_util/src/errno.rs),
	 * after main.rs's "crosvm has exited with error: ". RAM at
	 * AARCH64_PHYS_MEM_START 2 GiB (aarch64/src/lib.rs). */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_AT_2G,
	  .create_fail = "failed to create vm: Invalid argument (os error 22)",
	  .fix = "crosvm from 2021-11-01 or later (17b1e02fb69c)" },
	/* 17b1e02fb69c "aarch64: Provide the maximum supported IPA size as the
	 * machine type": authored 2021-08-26, committed 2021-11-01, in none of
	 * the release-R91 to R96 branches. High MMIO ran to 2^64 above RAM (so
	 * its BARs still land low) until 891ea3e88 "aarch64: limit high MMIO
	 * addresses to VM phys addr range" (2022-01-11, on 6f4f8223b). */
	{ .from = "20211101", .choice = VMM_IPA_HOST_MAX, .ram = VMM_RAM_AT_2G },
};

static const struct vmm_range libkrun_ranges[] = {
	/* containers/libkrun v0.1.7 src/vmm/src/linux/vstate.rs kvm.create_vm() of
	 * kvm-ioctls 0.6.0 (Cargo.lock): type 0. src/libkrun/src/lib.rs logs
	 * warn!("Building the microVM failed: {:?}") and krun_start_enter()
	 * returns -EINVAL. RAM at DRAM_MEM_START 2 GiB (arch/src/aarch64/layout.rs). */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_AT_2G,
	  .create_fail = "Building the microVM failed: Internal(Vm(VmFd(Error(22))))",
	  .fix = "libkrun 0.1.8 or later" },
	/* v0.1.8, v0.2.0 and v0.2.1 Cargo.lock: kvm-ioctls from
	 * slp/kvm-ioctls?branch=amdsev#28704262a9f7, which contains 363ac11884c7;
	 * v1.0.0 and later: kvm-ioctls 0.11.0+ from crates.io. */
	{ .from = "0.1.8", .choice = VMM_IPA_HOST_MAX, .ram = VMM_RAM_AT_2G },
};

/*
 * google/gvisor pkg/sentry/platform/kvm/kvm.go: ioctl(KVM_CREATE_VM, 0) in
 * every release, fmt.Errorf("creating VM: %v", errno), wrapped by
 * runsc/boot/loader.go "creating platform: %w" and runsc/cmd/boot.go
 * "creating loader: %v" (release-20221212.0 and release-20260714.0). That
 * line reaches only the sandbox's log (--debug-log); what `runsc run` prints
 * on stderr is the first quote below. Both seen with Debian's runsc
 * 2022-12 and 2024-07 on a fixed 36-bit kernel (tests/arm64/QEMU.md).
 */
#define GVISOR_CREATE_FAIL                                                                         \
	"cannot create sandbox: cannot read client sync file: waiting for sandbox to start: "      \
	"EOF\" on stderr; its --debug-log: \"creating loader: creating platform: creating VM: "    \
	"invalid argument"

static const struct vmm_range gvisor_ranges[] = {
	/* Before release-20260714.0 the Sentry's guest-physical map is 1 <<
	 * ring0.PhysicalAddressBits, fixed at 40 (pkg/ring0/aarch64.go); a
	 * memslot above the VM's limit gets EFAULT, on which
	 * bluepill_fault.go throws the message below. */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .regions = { { "Sentry", 0, 1ULL << 40, false, true, false,
			 "its 40-bit guest-physical map of the Sentry" } },
	  .create_fail = GVISOR_CREATE_FAIL,
	  .size_fail = "set memory region failed: invalid physical range",
	  .fix = "no runsc release sizes the VM: use --platform=systrap (the default) or "
		 "ptrace; under pKVM, runsc release-20260714.0 or later" },
	/* cc40923e2 "KVM: Dynamically size IPA and fault blocks on ARM64" (first
	 * in release-20260714.0): PhysicalAddressBits = min(the host's limit, 40)
	 * (kvm_arm64.go updateGlobalOnce); KVM_CREATE_VM still gets 0. */
	{ .from = "20260714.0",
	  .choice = VMM_IPA_TYPE0,
	  .create_fail = GVISOR_CREATE_FAIL,
	  .fix = "no runsc release sizes the VM: use --platform=systrap (the default) or "
		 "ptrace" },
};

static const struct vmm_range solo5_ranges[] = {
	/* Solo5/solo5 tenders/hvt/hvt_kvm.c@1c9852323285 and v0.12.1:
	 * ioctl(KVM_CREATE_VM, 0), err(1, "KVM: ioctl (CREATE_VM) failed");
	 * hvt_cpu_aarch64.h@040bdbe277db and v0.12.1: RAM in [0, 4 GiB), MMIO at
	 * AARCH64_MMIO_BASE 0x1_0000_0000 for 1 GiB. */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .ram = VMM_RAM_SOLO5,
	  .regions = { { "MMIO", 4 * GiB, GiB, false, false, false, "the MMIO window at 4 GiB" } },
	  .create_fail = "solo5-hvt: KVM: ioctl (CREATE_VM) failed: Invalid argument",
	  .fix = "no Solo5 release (to v0.12.1) asks for the size: use the solo5-spt tender on "
		 "this host" },
};

static const struct vmm_range kvm_ioctls_ranges[] = {
	/* rust-vmm/kvm-ioctls before 0.9.0: aarch64 create_vm() is
	 * create_vm_with_type(0) (v0.8.0). */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  .create_fail = "create_vm() returns errno 22 (the message depends on the VMM)",
	  .fix = "rebuild the VMM with kvm-ioctls 0.9.0 or later, whose create_vm() asks for "
		 "the host's size" },
	/* 363ac11884c7 (committed 2021-03-15, first in v0.9.0): create_vm()
	 * uses get_host_ipa_limit() when Cap::ArmVmIPASize is present
	 * (kvm-ioctls/src/ioctls/system.rs). */
	{ .from = "0.9.0", .choice = VMM_IPA_HOST_MAX },
};

static const struct vmm_range hyperlight_ranges[] = {
	/* hyperlight-dev/hyperlight 859b8c45 "aarch64: initial KVM implementation"
	 * (first in v0.16.0; no earlier release runs on arm64 KVM):
	 * src/hyperlight_host/src/hypervisor/virtual_machine/kvm/aarch64.rs
	 * KvmVm::new create_vm_with_type(0), reported as CreateVmError::CreateVmFd
	 * "VM creation failed: {0}" of HypervisorError::KvmError "KVM error: {0}".
	 * Guest memory ends just below 64 GiB (src/hyperlight_common/src/arch/
	 * aarch64/layout.rs SCRATCH_TOP_GPA 0xf_ffff_efff). */
	{ .from = "",
	  .choice = VMM_IPA_TYPE0,
	  /* The map draws the top page of it: its size is configured. */
	  .regions = { { "scratch", 0xfffffe000ULL, 0x1000, false, true, false,
			 "its scratch memory just below 64 GiB" } },
	  .create_fail = "VM creation failed: KVM error: Invalid argument (os error 22)",
	  /* kvm/aarch64.rs map_memory: MapMemoryError::Hypervisor "Hypervisor
	   * error: {0}" of the same KvmError */
	  .size_fail = "Hypervisor error: KVM error: Bad address (os error 14)",
	  .fix = "no Hyperlight release (to v0.16.0) sizes its arm64 VM" },
};

static const struct vmm_range dragonball_ranges[] = {
	/* kata-containers src/dragonball/src/vm/mod.rs: kvm.create_vm() of
	 * kvm-ioctls 0.11.0 (Kata 3.0.0) and later: the host's size. But
	 * dbs_boot's aarch64/layout.rs (src/dragonball/src/dbs_boot in 3.x,
	 * src/dragonball/crates/dbs_boot on main) fixes the map: RAM pool [2 GiB,
	 * 992 GiB), GUEST_PHYS_END 2^40 - 1, and resource_manager.rs adds [992
	 * GiB, 1 TiB) to the MMIO pool after [1 GiB, 2 GiB): what does not fit
	 * low (a virtio-fs DAX window, large BARs) lands above 2^39. Read in the
	 * code, not run (docs/vmm-knowledge.md). */
	{ .from = "",
	  .choice = VMM_IPA_HOST_MAX,
	  .ram = VMM_RAM_DRAGONBALL,
	  .regions = { { "MMIO-hi", 992 * GiB, 32 * GiB, false, true, true,
			 "the MMIO pool at 992 GiB (virtio-fs DAX windows; EFAULT)" } },
	  .fix = "no Dragonball release sizes its map: no virtio-fs DAX or large BARs, or a host "
		 "with 40 IPA bits" },
};

#define RANGES(a) .nranges = (int)(sizeof(a) / sizeof((a)[0])), .ranges = (a)

static const struct vmm_row rows[] = {
	{ .name = "qemu",
	  .aliases = { "qemu-system-aarch64", "qemu-kvm", "qemu-system-x86_64" },
	  .display = "QEMU",
	  .what = "QEMU virt machine (qemu-system-aarch64)",
	  .version_hint = "run 'qemu-system-aarch64 --version'",
	  /* hw/core/machine.c machine_class_init() default_ram_size; virt
	   * keeps it (hw/arm/virt.c virt_machine_class_init, 10.0.13) */
	  .ram_default = 128 * MiB,
	  RANGES(qemu_ranges) },
	{ .name = "libvirt",
	  .aliases = { "libvirtd", "virtqemud" },
	  .display = "libvirt",
	  .what = "libvirt's KVM probe, then QEMU (VERSION = the QEMU version)",
	  .vkind = VMM_VER_OF_QEMU,
	  .also_row = "qemu",
	  .version_hint = "give the version of the QEMU libvirt runs "
			  "('qemu-system-aarch64 --version')",
	  RANGES(libvirt_ranges) },
	{ .name = "kvmtool",
	  .aliases = { "lkvm" },
	  .display = "kvmtool",
	  .what = "kvmtool (lkvm); VERSION = source date YYYYMMDD",
	  .vkind = VMM_VER_DATE,
	  .version_hint = "kvmtool has no releases: builds whose binary contains \"Memory too "
			  "large for this system\" (2021-08-31+) ask for the size",
	  /* builtin-run.c get_ram_size(): 64 MiB x (vCPUs + 3); the map shows 1 vCPU */
	  .ram_default = 256 * MiB,
	  RANGES(kvmtool_ranges) },
	{ .name = "firecracker",
	  .display = "Firecracker",
	  .what = "Firecracker",
	  .version_hint = "run 'firecracker --version'",
	  /* src/vmm/src/vmm_config/machine_config.rs DEFAULT_MEM_SIZE_MIB */
	  .ram_default = 128 * MiB,
	  RANGES(firecracker_ranges) },
	{ .name = "cloud-hypervisor",
	  .display = "Cloud Hypervisor",
	  .what = "Cloud Hypervisor",
	  .version_hint = "run 'cloud-hypervisor --version'",
	  /* vmm/src/config.rs DEFAULT_MEMORY_MB 512 (--memory size=512M) */
	  .ram_default = 512 * MiB,
	  RANGES(cloud_hypervisor_ranges) },
	{ .name = "crosvm",
	  .display = "crosvm",
	  .what = "crosvm; VERSION = source date YYYYMMDD",
	  .vkind = VMM_VER_DATE,
	  .version_hint = "crosvm reports no release (\"crosvm 0.1.0\"); builds from "
			  "2021-11-01 on ask for the size",
	  RANGES(crosvm_ranges) },
	{ .name = "libkrun",
	  .aliases = { "libkrun.so", "krunvm", "muvm" },
	  .display = "libkrun",
	  .what = "libkrun (krunvm, muvm, crun+krun)",
	  .version_hint = "read the version from /usr/lib*/libkrun.so.X.Y.Z",
	  RANGES(libkrun_ranges) },
	{ .name = "gvisor",
	  .aliases = { "runsc" },
	  .display = "gVisor (runsc --platform=kvm)",
	  .what = "gVisor's KVM platform (runsc --platform=kvm)",
	  .version_hint = "run 'runsc --version'",
	  RANGES(gvisor_ranges) },
	{ .name = "solo5-hvt",
	  .aliases = { "solo5", "solo5-hvt-debug" },
	  .display = "Solo5 hvt",
	  .what = "Solo5 hvt tender (MirageOS unikernels)",
	  .version_hint = "every release behaves the same",
	  RANGES(solo5_ranges) },
	{ .name = "hyperlight",
	  .aliases = { "hyperlight-host", "hyperlight_host" },
	  .display = "Hyperlight",
	  .what = "Hyperlight micro-VMs (arm64 KVM since v0.16.0; VERSION = the crate's)",
	  .version_hint = "every release with an arm64 KVM backend behaves the same",
	  RANGES(hyperlight_ranges) },
	{ .name = "dragonball",
	  .aliases = { "kata-dragonball" },
	  .display = "Dragonball",
	  .what = "Dragonball, Kata Containers runtime-rs built-in VMM (VERSION = Kata's)",
	  .version_hint = "every Kata 3.x release behaves the same",
	  RANGES(dragonball_ranges) },
	{ .name = "kvm-ioctls",
	  .aliases = { "rust-vmm" },
	  .display = "kvm-ioctls create_vm()",
	  .what = "VMMs built on rust-vmm kvm-ioctls create_vm() (VERSION = the crate's)",
	  .version_hint = "look up kvm-ioctls in the VMM's Cargo.lock",
	  RANGES(kvm_ioctls_ranges) },
};
#define NROWS (int)(sizeof(rows) / sizeof(rows[0]))

int vmm_row_count(void)
{
	return NROWS;
}

const struct vmm_row *vmm_row_at(int i)
{
	return i >= 0 && i < NROWS ? &rows[i] : NULL;
}

const char *vmm_known_names(void)
{
	static char names[256];

	if (!names[0]) {
		size_t off = 0;

		for (int i = 0; i < NROWS && off < sizeof(names); i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
						i ? ", " : "", rows[i].name);
	}
	return names;
}

const struct vmm_row *vmm_lookup(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (int i = 0; i < NROWS; i++) {
		if (!strcmp(rows[i].name, name))
			return &rows[i];
		for (int a = 0; a < 4 && rows[i].aliases[a]; a++)
			if (!strcmp(rows[i].aliases[a], name))
				return &rows[i];
	}
	return NULL;
}

const char *vmm_canonical_name(const char *name)
{
	const struct vmm_row *row = vmm_lookup(name);

	return row ? row->name : NULL;
}

/* ---- versions (parsing and comparing: vmm_version.c) ------------------- */

/* "20210822", "2021-08-22", "0.20170904-1" -> "20210822"; false when no date. */
static bool date_of(const char *v, char *out)
{
	for (const char *p = v; *p; p++) {
		int n = 0;
		const char *q = p;

		if ((p != v && isdigit((unsigned char)p[-1])) ||
		    (strncmp(p, "19", 2) && strncmp(p, "20", 2)))
			continue;
		while (n < 8 && *q) {
			if (isdigit((unsigned char)*q))
				out[n++] = *q;
			else if (!((n == 4 || n == 6) && (*q == '-' || *q == '.')))
				break;
			q++;
		}
		if (n == 8 && !isdigit((unsigned char)*q)) {
			out[8] = '\0';
			return true;
		}
	}
	return false;
}

/*
 * The version as the row compares it: dates normalised, "<YYYYMMDD" as the
 * day before (as a number: "20210900" still sorts before "20210901");
 * NULL when unusable. buf holds at least 16 bytes.
 */
static const char *usable_version(const struct vmm_row *row, const char *version, char *buf)
{
	if (!version || !*version)
		return NULL;
	if (row->vkind != VMM_VER_DATE)
		return isdigit((unsigned char)version[version[0] == 'v' || version[0] == 'V'])
			       ? version
			       : NULL;
	if (version[0] != '<')
		return date_of(version, buf) ? buf : NULL;
	if (!date_of(version + 1, buf))
		return NULL;
	snprintf(buf, 16, "%lu", strtoul(buf, NULL, 10) - 1);
	return buf;
}

static const struct vmm_range *range_at(const struct vmm_row *row, const char *v)
{
	const struct vmm_range *r = &row->ranges[0];

	for (int i = 1; i < row->nranges; i++)
		if (vmm_version_cmp(v, row->ranges[i].from) >= 0)
			r = &row->ranges[i];
	return r;
}

const struct vmm_range *vmm_range_for(const struct vmm_row *row, const char *version)
{
	char buf[16];
	const char *v;

	if (!row)
		return NULL;
	v = usable_version(row, version, buf);
	return v ? range_at(row, v) : NULL;
}

/* ---- guest RAM ------------------------------------------------------------ */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) / to * to;
}

/* QEMU 4.0-6.2: end of the map for a RAM size (virt_set_memmap, 5.2). */
static uint64_t qemu_float_top(uint64_t ram)
{
	uint64_t base = round_up(GiB + ram, GiB);

	if (base < 256 * GiB)
		base = 256 * GiB;
	base = round_up(base, 64 * MiB) + 64 * MiB;   /* REDIST2 */
	base = round_up(base, 256 * MiB) + 256 * MiB; /* ECAM */
	return round_up(base, 512 * GiB) + 512 * GiB; /* PCIe MMIO */
}

/* Largest RAM whose floating map still ends within 2^bits; the top is monotone. */
static uint64_t qemu_float_max(int bits)
{
	uint64_t lo = 0, hi = 1ULL << bits, limit = 1ULL << bits;

	if (qemu_float_top(0) > limit)
		return 0;
	while (hi - lo > MiB) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (qemu_float_top(mid) <= limit)
			lo = mid;
		else
			hi = mid;
	}
	return lo / GiB * GiB;
}

static uint64_t fc_gap_max(int bits)
{
	uint64_t top = 1ULL << bits;

	if (bits <= 38)
		return top - 2 * GiB;
	/* DRAM skips [256, 512) GiB (arch_memory_regions_with_gap). */
	return min_u64(254 * GiB + (top > 512 * GiB ? top - 512 * GiB : 0), 1022 * GiB);
}

static uint64_t layout_max_ram(enum vmm_ram_layout l, int bits)
{
	uint64_t top;

	if (bits < 32 || bits > 52)
		return 0;
	top = 1ULL << bits;
	switch (l) {
	case VMM_RAM_QEMU_LEGACY: /* LEGACY_RAMLIMIT_GB 255 */
		return min_u64(255 * GiB, top - GiB);
	case VMM_RAM_QEMU_FLOAT:
		return qemu_float_max(bits);
	case VMM_RAM_QEMU_FIT:
	case VMM_RAM_AT_1G:
		return top - GiB;
	case VMM_RAM_CH_HOLE: /* MEM_32BIT_RESERVED_SIZE */
		return top - GiB - 64 * MiB;
	case VMM_RAM_AT_2G:
		return top - 2 * GiB;
	case VMM_RAM_DRAGONBALL: /* DRAM_MEM_END 992 GiB */
		return min_u64(top - 2 * GiB, 990 * GiB);
	case VMM_RAM_FC: /* layout.rs DRAM_MEM_MAX_SIZE 0x00FF_8000_0000 */
		return min_u64(top - 2 * GiB, 1022 * GiB);
	case VMM_RAM_FC_GAP:
		return fc_gap_max(bits);
	case VMM_RAM_SOLO5: /* RAM below 4 GiB, MMIO window up to 5 GiB */
		return bits >= 33 ? 4 * GiB : 0;
	default:
		return 0;
	}
}

/* The IPA bits a VM of this range gets on a host with a limit of bits (>= 40 for type 0). */
static int vm_bits(const struct vmm_range *r, int bits)
{
	return r->choice == VMM_IPA_TYPE0 && bits > KIC_DEFAULT_IPA ? KIC_DEFAULT_IPA : bits;
}

/* ---- the memory map ------------------------------------------------------- */

static uint64_t ram_base(enum vmm_ram_layout l)
{
	switch (l) {
	case VMM_RAM_QEMU_LEGACY: /* hw/arm/virt.c VIRT_MEM 0x40000000 */
	case VMM_RAM_QEMU_FLOAT:
	case VMM_RAM_QEMU_FIT:
	case VMM_RAM_AT_1G:
	case VMM_RAM_CH_HOLE:
		return GiB;
	case VMM_RAM_AT_2G:
	case VMM_RAM_DRAGONBALL:
	case VMM_RAM_FC:
	case VMM_RAM_FC_GAP:
		return 2 * GiB;
	default: /* Solo5: RAM from 0 */
		return 0;
	}
}

/* The hole RAM skips, [*start, *end); false when none. */
static bool ram_hole(enum vmm_ram_layout l, uint64_t *start, uint64_t *end)
{
	if (l == VMM_RAM_CH_HOLE) { /* MEM_32BIT_RESERVED_START, 64 MiB */
		*start = 0xfc000000ULL;
		*end = 4 * GiB;
		return true;
	}
	if (l == VMM_RAM_FC_GAP) { /* MMIO64_MEM_START, MMIO64_MEM_SIZE */
		*start = 256 * GiB;
		*end = 512 * GiB;
		return true;
	}
	return false;
}

struct placed {
	int n;
	struct vmm_map_region r[KIC_MAX_REGIONS];
};

static void add_region(struct placed *p, const char *name, const char *what, uint64_t base,
		       uint64_t size, bool ram, bool opt_in)
{
	struct vmm_map_region *g;

	if (p->n >= KIC_MAX_REGIONS || !size)
		return;
	g = &p->r[p->n++];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->what, sizeof(g->what), "%s", what);
	g->base = base;
	g->size = size;
	g->ram = ram;
	g->opt_in = opt_in;
}

/* size bytes of guest RAM from the layout's base, around its hole; returns the end. */
static uint64_t place_ram(enum vmm_ram_layout l, uint64_t size, struct placed *p)
{
	uint64_t base = ram_base(l), hs, he;

	if (l == VMM_RAM_NONE || !size)
		return base;
	if (ram_hole(l, &hs, &he) && base + size > hs) {
		add_region(p, "RAM", "guest RAM", base, hs - base, true, false);
		size -= hs - base;
		base = he;
	}
	add_region(p, "RAM", "guest RAM", base, size, true, false);
	return base + size;
}

/*
 * The range's map with ram bytes of RAM, each region marked beyond when it
 * ends above 2^limit (limit 0: none is). QEMU virt_set_memmap() (5.2, 7.2,
 * 10.0.13): the high IO regions start at the GiB above RAM, at least 256
 * GiB, each aligned to its size; with at most 255 GiB of RAM that gives
 * 3.1's fixed addresses.
 */
static void place(const struct vmm_range *r, uint64_t ram, int limit, struct placed *p)
{
	uint64_t base = ram_base(r->ram), next;

	p->n = 0;
	if (base)
		add_region(p, "devices", "device space below RAM", 0, base, false, false);
	next = round_up(place_ram(r->ram, ram, p), GiB);
	next = next < 256 * GiB ? 256 * GiB : next;
	for (int i = 0; i < VMM_MAX_REGIONS && r->regions[i].name; i++) {
		const struct vmm_region *g = &r->regions[i];
		uint64_t b = g->base;

		if (g->floats) {
			b = round_up(next, g->size);
			next = b + g->size;
		}
		add_region(p, g->name, g->what, b, g->size, g->ram, g->opt_in);
	}
	for (int i = 0; i < p->n; i++)
		p->r[i].beyond =
			limit > 0 && limit < 64 && p->r[i].base + p->r[i].size > 1ULL << limit;
	/* Lowest first (RAM above a hole comes after what is in the hole); stable. */
	for (int i = 1; i < p->n; i++)
		for (int k = i; k > 0 && p->r[k - 1].base > p->r[k].base; k--) {
			struct vmm_map_region t = p->r[k];

			p->r[k] = p->r[k - 1];
			p->r[k - 1] = t;
		}
}

/* IPA bits the default (not opt-in) part of a placed map needs. */
static int placed_bits(const struct placed *p)
{
	int bits = 32;

	for (int i = 0; i < p->n; i++) {
		int b = bits_for_top(p->r[i].base + p->r[i].size);

		if (!p->r[i].opt_in && b > bits)
			bits = b;
	}
	return bits;
}

static const struct vmm_row *ram_row(const char *name)
{
	const struct vmm_row *row = vmm_lookup(name);

	/* libvirt's guests live in QEMU's map. */
	return row && row->also_row ? vmm_lookup(row->also_row) : row;
}

uint64_t vmm_max_guest_ram(const char *name, const char *version, int ipa_bits)
{
	const struct vmm_row *row = ram_row(name);
	const struct vmm_range *r;
	uint64_t ram;

	if (!row)
		return 0;
	r = vmm_range_for(row, version);
	if (r)
		return layout_max_ram(r->ram, vm_bits(r, ipa_bits));
	/* Version unknown: only an answer every release agrees on. */
	ram = layout_max_ram(row->ranges[0].ram, vm_bits(&row->ranges[0], ipa_bits));
	for (int i = 1; i < row->nranges; i++)
		if (layout_max_ram(row->ranges[i].ram, vm_bits(&row->ranges[i], ipa_bits)) != ram)
			return 0;
	return ram;
}

/* ---- the judge ------------------------------------------------------------ */

struct judgement {
	enum vmm_verdict v;
	char reason[384]; /* vmm_result.reason */
	char fix[192];
	/* The map the verdict was judged on: the range, its RAM, the limit. */
	const struct vmm_range *mr; /* NULL: no map (the versions disagree) */
	uint64_t mram;		    /* 0: the largest RAM that fits */
	int mbits;		    /* 0: the VM's IPA size is not known */
	int vbits; /* the IPA size the VM gets with that RAM; 0: refused or not known */
};

/* The host as the judge sees it. */
struct host {
	struct ipa_limit limit; /* unknown where the kernel says 40 fits: known 40 */
	bool small;		/* the limit is known to be below 40, even if its value is not */
	enum kernel_behaviour kb;
	uint64_t ram_cap; /* vmm_env.ram_cap */
	uint64_t ram;	  /* RAM to place: vmm_env.ram_size, else the row's default; 0 unknown */
};

/* The RAM the map places: the given or default size, else the largest that fits. */
static uint64_t ram_of(const struct vmm_range *r, uint64_t ram, int bits, uint64_t cap)
{
	uint64_t max;

	if (ram)
		return ram;
	max = layout_max_ram(r->ram, bits);
	return cap && max > cap ? cap : max;
}

/* The map of range r with the host's RAM choice, marked against 2^bits. */
static void place_for(const struct vmm_range *r, const struct host *h, int bits, struct placed *p)
{
	place(r, ram_of(r, h->ram, bits, h->ram_cap), bits, p);
}

/* Copies tmpl with {L} and {M} replaced (a format string would be unsafe here). */
static void expand(char *dst, size_t len, const char *tmpl, int L, int M)
{
	size_t o = 0;

	for (const char *p = tmpl; *p && o + 1 < len; p++) {
		if (p[0] == '{' && (p[1] == 'L' || p[1] == 'M') && p[2] == '}') {
			int v = p[1] == 'L' ? L : M;

			if (v > 0)
				o += (size_t)snprintf(dst + o, len - o, "%d", v);
			else
				o += (size_t)snprintf(dst + o, len - o, "N");
			if (o >= len)
				o = len - 1;
			p += 2;
			continue;
		}
		dst[o++] = *p;
	}
	dst[o] = '\0';
}

static const char *choice_text(enum vmm_ipa_choice c)
{
	switch (c) {
	case VMM_IPA_TYPE0:
		return "creates VM type 0 (the 40-bit default)";
	case VMM_IPA_HOST_MAX:
		return "asks for the host's IPA size";
	case VMM_IPA_MINIMAL:
		return "asks for the IPA bits its RAM needs";
	case VMM_IPA_FIXED_MAP:
		return "asks for the 40 IPA bits its fixed memory map needs";
	default:
		return "sizes its memory map to the host's IPA limit";
	}
}

/* How a sized VMM used a limit of L bits (-1: known only to be below 40). */
static void how_sized(char *dst, size_t len, enum vmm_ipa_choice c, int L)
{
	char lim[24];

	if (L > 0)
		snprintf(lim, sizeof(lim), "%d-bit limit", L);
	else
		snprintf(lim, sizeof(lim), "limit, below 40");
	switch (c) {
	case VMM_IPA_HOST_MAX:
		if (L > 0)
			snprintf(dst, len, "asks for the host's IPA size (%d bits)", L);
		else
			snprintf(dst, len, "asks for the host's IPA size (below 40 bits)");
		break;
	case VMM_IPA_MINIMAL:
		snprintf(dst, len,
			 "asks for the IPA bits its RAM needs (32 by default), "
			 "within the %s",
			 lim);
		break;
	case VMM_IPA_FIXED_MAP:
		snprintf(dst, len, "asks for the 40 IPA bits its fixed map needs, within the %s",
			 lim);
		break;
	default:
		snprintf(dst, len, "sizes its memory map to the host's %s", lim);
		break;
	}
}

/* What the regions beyond the limit are, mildest first: the worst one counts. */
enum beyond_kind {
	BEYOND_NONE,
	BEYOND_OPT_IN,	/* only regions used with a non-default option or device */
	BEYOND_DEVICES, /* default device regions */
	BEYOND_RAM,	/* a RAM-backed region */
};

/* "the X, the Y" of the placed regions marked beyond; returns the worst kind. */
static enum beyond_kind beyond(const struct placed *p, char *list, size_t len)
{
	enum beyond_kind kind = BEYOND_NONE;
	size_t o = 0;

	list[0] = '\0';
	for (int i = 0; i < p->n; i++) {
		const struct vmm_map_region *g = &p->r[i];
		enum beyond_kind k = g->opt_in ? BEYOND_OPT_IN
				     : g->ram  ? BEYOND_RAM
					       : BEYOND_DEVICES;

		if (!g->beyond)
			continue;
		kind = k > kind ? k : kind;
		if (o < len)
			o += (size_t)snprintf(list + o, len - o, "%s%s", o ? ", " : "", g->what);
	}
	return kind;
}

static void ram_note(char *dst, size_t len, const struct vmm_range *r, int bits, uint64_t cap)
{
	uint64_t ram = layout_max_ram(r->ram, bits);

	if (cap && ram > cap)
		ram = cap; /* VMMs map RAM as one memslot: KVM_MEM_MAX_NR_PAGES bounds it */
	dst[0] = '\0';
	if (ram && bits)
		snprintf(dst, len, "; guest RAM up to %llu GiB", (unsigned long long)(ram / GiB));
}

/*
 * The IPA size a sized VMM asks KVM_CREATE_VM for, on its map placed against
 * avail bits. QEMU >= 7.0 virt_kvm_type() asks for what its frozen map needs,
 * requested_pa_size = 64 - clz64(highest_gpa), at least 32 (bcb902a1ed1a,
 * 6.0), where highest_gpa is the top of RAM and device memory and of each
 * high region that fits (virt_set_memmap(vms, max_vm_pa_size), 7.0): 32 bits
 * for 128 MiB on a 36-bit host, 40 on a 44-bit one. 4.0-5.2 return type 0
 * (40 bits) for a map within 40 bits, 6.0-6.2 the map's size: 40 either way.
 */
static int asked_bits(const struct vmm_range *r, const struct placed *p, int avail)
{
	int bits = 32;

	switch (r->choice) {
	case VMM_IPA_HOST_MAX:
		return avail;
	case VMM_IPA_MINIMAL:
		return placed_bits(p);
	case VMM_IPA_FIXED_MAP:
		bits = placed_bits(p);
		return bits < KIC_DEFAULT_IPA ? KIC_DEFAULT_IPA : bits;
	case VMM_IPA_MAP_FITS:
		for (int i = 0; i < p->n; i++) {
			int b = bits_for_top(p->r[i].base + p->r[i].size);

			if (!p->r[i].beyond && b > bits)
				bits = b;
		}
		return bits;
	default: /* type 0: what it was given (40, or the host's under pKVM) */
		return avail;
	}
}

/*
 * The VMM may use avail bits (how says how it got them): does its default map
 * fit? adapts: it leaves out what does not fit itself (QEMU >= 7.0), rather
 * than placing it out of the guest's reach.
 */
static void fit_map(const struct vmm_range *r, const char *label, const char *how, int avail,
		    bool adapts, const struct host *h, struct judgement *j)
{
	/* avail < 0: a limit known only to be below 40, so at most 39 bits. */
	bool known = avail > 0;
	char list[160], ram[48], msg[160], msg2[160];
	struct placed p;
	enum beyond_kind kind;

	avail = known ? avail : KIC_DEFAULT_IPA - 1;
	place_for(r, h, avail, &p);
	kind = beyond(&p, list, sizeof(list));
	j->mbits = known ? avail : 0;
	/* type 0 (and every VMM on a kernel without sizes) gets what it was given */
	if (!known)
		j->vbits = 0;
	else if (r->choice == VMM_IPA_TYPE0 || h->limit.state == IPA_ABSENT)
		j->vbits = avail;
	else
		j->vbits = asked_bits(r, &p, avail);
	ram_note(ram, sizeof(ram), r, known ? avail : 0, h->ram_cap);
	if (kind == BEYOND_RAM) {
		/* arm64 kvm_arch_prepare_memory_region(): a memslot past the
		 * VM's IPA size is refused with EFAULT. */
		j->v = VV_FAILS;
		/* A VMM's own words in quotes; else only what KVM answers. */
		if (r->size_fail)
			snprintf(msg2, sizeof(msg2), ": \"%s\"", r->size_fail);
		else
			snprintf(msg2, sizeof(msg2), " above 2^{L}");
		expand(msg, sizeof(msg), msg2, avail, placed_bits(&p));
		snprintf(j->reason, sizeof(j->reason),
			 "%s %s, but its map needs %d bits (memslots beyond get EFAULT)%s", label,
			 how, placed_bits(&p), msg);
		snprintf(j->fix, sizeof(j->fix), "%s", r->fix ? r->fix : "");
	} else if (kind == BEYOND_DEVICES) {
		j->v = VV_LIMITED;
		snprintf(j->reason, sizeof(j->reason), "%s %s, %s%s %s%s", label, how,
			 adapts ? "without" : "which cannot reach", known ? "" : " at least", list,
			 ram);
		snprintf(j->fix, sizeof(j->fix), "%s",
			 r->fix ? r->fix : "a host with 40+ IPA bits");
	} else if (kind == BEYOND_OPT_IN) {
		/* Its defaults work; what the named options need does not. */
		j->v = VV_LIMITED;
		snprintf(j->reason, sizeof(j->reason), "%s %s%s; out of reach:%s %s", label, how,
			 ram, known ? "" : " at least", list);
		snprintf(j->fix, sizeof(j->fix), "%s", r->fix ? r->fix : "");
	} else {
		j->v = VV_WORKS;
		snprintf(j->reason, sizeof(j->reason), "%s %s%s", label, how, ram);
	}
}

static void type0_small(const struct vmm_range *r, const char *label, const struct host *h,
			struct judgement *j)
{
	char lim[24];

	snprintf(lim, sizeof(lim), h->limit.state == IPA_KNOWN ? "%d-bit" : "below-40-bit",
		 ipa_bits(h->limit));
	switch (h->kb) {
	case KB_DEFAULT_REJECTED:
		j->v = VV_FAILS;
		snprintf(j->reason, sizeof(j->reason),
			 "%s creates VM type 0 (40 bits), refused on this %s host: \"%s\"", label,
			 lim, r->create_fail ? r->create_fail : "EINVAL");
		snprintf(j->fix, sizeof(j->fix), "%s", r->fix ? r->fix : "");
		return;
	case KB_DEFAULT_HANGS:
		/* the unfixed kernel accepts type 0 and gives it 40 bits the host lacks */
		j->vbits = KIC_DEFAULT_IPA;
		if (r->no_vcpu) {
			j->v = VV_WORKS;
			snprintf(j->reason, sizeof(j->reason),
				 "%s creates VM type 0, which this unfixed kernel accepts; the "
				 "probe VM never runs",
				 label);
			return;
		}
		j->v = VV_HANGS;
		snprintf(j->reason, sizeof(j->reason),
			 "%s creates VM type 0; this kernel lacks the 2021 fix and accepts 40 bits "
			 "on a %s host: the guest hangs on its first memory access",
			 label, lim);
		snprintf(j->fix, sizeof(j->fix),
			 "%s; kernel 5.12+ (5.4.106, 5.10.24, 5.11.7) makes it a clean error",
			 r->fix ? r->fix : "a VMM that asks for the size");
		return;
	case KB_DEFAULT_CAPPED:
		if (h->limit.state == IPA_KNOWN) {
			char how[80];

			snprintf(how, sizeof(how),
				 "creates VM type 0 and pKVM gives it the host's "
				 "%d bits",
				 h->limit.bits);
			fit_map(r, label, how, h->limit.bits, false, h, j);
			return;
		}
		break;
	default:
		break;
	}
	j->v = VV_UNKNOWN;
	snprintf(j->reason, sizeof(j->reason),
		 "%s creates VM type 0 on a %s host: it fails on kernels with the 2021 fix "
		 "(5.12, 5.4.106, 5.10.24, 5.11.7) and hangs on older ones",
		 label, lim);
	snprintf(j->fix, sizeof(j->fix), "%s", r->fix ? r->fix : "");
}

/* Type 0 on whatever host: the 40-bit default. */
static void judge_type0(const struct vmm_range *r, const char *label, const struct host *h,
			struct judgement *j)
{
	if (ipa_bits(h->limit) >= KIC_DEFAULT_IPA) {
		fit_map(r, label, "creates VM type 0 (40 bits)", KIC_DEFAULT_IPA, false, h, j);
		return;
	}
	if (h->small) {
		type0_small(r, label, h, j);
		return;
	}
	if (h->limit.state == IPA_ABSENT && h->kb == KB_DEFAULT_FITS) {
		fit_map(r, label, "gets VM type 0 (40 bits; kernel without IPA sizes)",
			KIC_DEFAULT_IPA, false, h, j);
		return;
	}
	if (h->limit.state == IPA_ABSENT && h->kb == KB_DEFAULT_HANGS)
		j->vbits = KIC_DEFAULT_IPA; /* the only size there is, more than the CPU has */
	if (h->limit.state == IPA_ABSENT && h->kb == KB_DEFAULT_HANGS && r->no_vcpu) {
		j->v = VV_WORKS;
		snprintf(j->reason, sizeof(j->reason),
			 "%s gets VM type 0 from a kernel without IPA sizes; the probe VM never "
			 "runs",
			 label);
		return;
	}
	if (h->limit.state == IPA_ABSENT && h->kb == KB_DEFAULT_HANGS) {
		j->v = VV_HANGS;
		snprintf(j->reason, sizeof(j->reason),
			 "%s gets VM type 0 from a kernel without IPA sizes (<4.20) on a CPU with "
			 "fewer than 40 PA bits: the guest hangs",
			 label);
		snprintf(j->fix, sizeof(j->fix), "a kernel with KVM_CAP_ARM_VM_IPA_SIZE (4.20+)");
		return;
	}
	j->v = VV_UNKNOWN;
	snprintf(j->reason, sizeof(j->reason),
		 "%s %s; the host's IPA limit is unknown (works from 40 bits)", label,
		 h->limit.state == IPA_ABSENT ? "gets VM type 0 (kernel without IPA sizes)"
					      : choice_text(r->choice));
}

/*
 * The IPA bits range r's default map needs. Never inlined: its map is off the
 * stack again before fit_map() places its own (a small RLIMIT_STACK).
 */
static __attribute__((noinline)) int map_bits(const struct vmm_range *r, const struct host *h,
					      int L)
{
	struct placed p;

	place_for(r, h, L > 0 ? L : 0, &p);
	return placed_bits(&p);
}

/* VMMs that pass a size; the limit is known or known to be below 40. */
static void judge_sized(const struct vmm_range *r, const char *label, const struct host *h,
			struct judgement *j)
{
	int bits = ipa_bits(h->limit);
	int L = h->limit.state == IPA_KNOWN ? (bits < 32 ? 32 : bits) : -1;
	char msg[160], how[96];
	/* A fixed map asks for what its regions need: any default one beyond fails it. */
	int M = map_bits(r, h, L);

	if (r->choice == VMM_IPA_FIXED_MAP && (L < 0 || M > L)) {
		j->v = VV_FAILS;
		expand(msg, sizeof(msg), r->size_fail ? r->size_fail : "EINVAL", L, M);
		snprintf(j->reason, sizeof(j->reason), "%s %s: \"%s\"", label,
			 choice_text(r->choice), msg);
		snprintf(j->fix, sizeof(j->fix), "%s", r->fix ? r->fix : "");
		return;
	}
	how_sized(how, sizeof(how), r->choice, L);
	fit_map(r, label, how, L, r->choice == VMM_IPA_MAP_FITS, h, j);
}

static void judge_known_choice(const struct vmm_range *r, const char *label, const struct host *h,
			       struct judgement *j)
{
	int bits = ipa_bits(h->limit);

	memset(j, 0, sizeof(*j));
	/* The map against the host's limit, or type 0's 40 bits below it; fit_map()
	 * sets the size the VM really gets. */
	j->mr = r;
	j->mram = h->ram;
	j->mbits = h->limit.state == IPA_KNOWN ? vm_bits(r, bits < 32 ? 32 : bits) : 0;
	/* Without the cap every VMM falls back to type 0. */
	if (r->choice == VMM_IPA_TYPE0 || h->limit.state == IPA_ABSENT) {
		judge_type0(r, label, h, j);
		return;
	}
	if (bits >= KIC_DEFAULT_IPA || h->small) {
		judge_sized(r, label, h, j);
		return;
	}
	j->v = VV_UNKNOWN;
	snprintf(j->reason, sizeof(j->reason),
		 "%s %s; the host's IPA limit is unknown (it works unless the kernel predates "
		 "4.20)",
		 label, choice_text(r->choice));
}

static struct host host_of(const struct vmm_env *env)
{
	struct host h = { env->ipa_limit, false, env->kb, env->ram_cap, env->ram_size };
	bool unknown = h.limit.state == IPA_UNKNOWN;

	if (h.limit.state == IPA_KNOWN && h.limit.bits < KIC_DEFAULT_IPA)
		h.small = true;
	/* The kernel behaviour alone tells which side of 40 an unknown limit is. */
	if (unknown &&
	    (h.kb == KB_DEFAULT_REJECTED || h.kb == KB_DEFAULT_HANGS || h.kb == KB_DEFAULT_CAPPED))
		h.small = true;
	if (unknown && h.kb == KB_DEFAULT_FITS)
		h.limit = ipa_known(KIC_DEFAULT_IPA);
	return h;
}

static void format_version(const struct vmm_row *row, const char *v, char *out, size_t len)
{
	if (row->vkind == VMM_VER_DATE && strlen(v) == 8)
		snprintf(out, len, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
	else
		snprintf(out, len, "%s", v);
}

/* A row (and the row it is judged with) at one usable version. */
static void judge_at(const struct vmm_row *row, const char *v, const char *label,
		     const struct host *h, struct judgement *j)
{
	const struct vmm_row *also = row->also_row ? vmm_lookup(row->also_row) : NULL;
	struct judgement other;
	struct host hr = *h;
	char lab[96];

	hr.ram = h->ram ? h->ram : row->ram_default;
	judge_known_choice(range_at(row, v), label, &hr, j);
	if (!also)
		return;
	/* libvirt: the probe must pass, then QEMU itself runs the guest. */
	snprintf(lab, sizeof(lab), "%s's QEMU %s", row->display, v);
	hr.ram = h->ram ? h->ram : also->ram_default;
	judge_known_choice(range_at(also, v), lab, &hr, &other);
	if (other.v > j->v || (other.v == j->v && j->v == VV_WORKS)) {
		*j = other;
		return;
	}
	/* The probe decides; the guest would still live in QEMU's map. */
	j->mr = other.mr;
	j->mram = other.mram;
	j->mbits = other.mbits;
	if (j->v != VV_FAILS && j->v != VV_HANGS)
		j->vbits = other.vbits; /* the probe passed: the guest's VM is QEMU's */
}

/* Every version where the answer may change, oldest first ("0" for the oldest). */
static int version_points(const struct vmm_row *row, const char **pts, int max)
{
	const struct vmm_row *also = row->also_row ? vmm_lookup(row->also_row) : NULL;
	int n = 0;

	for (int i = 0; i < row->nranges && n < max; i++)
		pts[n++] = row->ranges[i].from[0] ? row->ranges[i].from : "0";
	for (int i = 1; also && i < also->nranges && n < max; i++)
		pts[n++] = also->ranges[i].from;
	for (int i = 1; i < n; i++) /* insertion sort: a handful of points */
		for (int k = i; k > 0 && vmm_version_cmp(pts[k - 1], pts[k]) > 0; k--) {
			const char *t = pts[k];

			pts[k] = pts[k - 1];
			pts[k - 1] = t;
		}
	return n;
}

/* "fails before 7.0.0, limited from 7.0.0" into reason from offset o. */
static void describe_changes(const struct vmm_row *row, const char **pts,
			     const enum vmm_verdict *vs, int n, struct judgement *j, size_t o)
{
	for (int i = 0; i < n && o < sizeof(j->reason); i++) {
		char fv[24];
		int next = i + 1;

		if (i && vs[i] == vs[i - 1])
			continue;
		while (next < n && vs[next] == vs[i])
			next++;
		if (!i && next >= n)
			break;
		format_version(row, i ? pts[i] : pts[next], fv, sizeof(fv));
		o += (size_t)snprintf(j->reason + o, sizeof(j->reason) - o, "%s%s %s %s",
				      i ? ", " : "", vmm_verdict_name(vs[i]), i ? "from" : "before",
				      fv);
	}
}

/*
 * Version unknown (or not usable, e.g. kvmtool's fixed "3.18.0"): judge each
 * boundary. When all agree that is the verdict; else say where it changes.
 */
static void judge_unknown_version(const struct vmm_row *row, const char *given,
				  const struct host *h, struct judgement *j)
{
	const char *pts[16];
	enum vmm_verdict vs[16];
	int n = version_points(row, pts, 16), i;
	char lab[96];
	size_t o;

	snprintf(lab, sizeof(lab), "%s (%s)", row->display,
		 row->nranges == 1 && !row->also_row ? "any version" : "every release agrees");
	for (i = 0; i < n; i++) {
		judge_at(row, pts[i], lab, h, j);
		vs[i] = j->v;
	}
	for (i = 1; i < n && vs[i] == vs[0]; i++)
		;
	/* Which release's map is not known, unless there is only one. */
	if (n > 1)
		j->mr = NULL;
	if (i == n)
		return; /* j holds the newest release's judgement */
	if (given && *given)
		o = (size_t)snprintf(j->reason, sizeof(j->reason),
				     "%s version \"%.20s\" tells "
				     "nothing: ",
				     row->display, given);
	else
		o = (size_t)snprintf(j->reason, sizeof(j->reason),
				     "%s version unknown: ", row->display);
	describe_changes(row, pts, vs, n, j, o);
	j->v = VV_UNKNOWN;
	snprintf(j->fix, sizeof(j->fix), "%s", row->version_hint);
}

/*
 * The map the verdict was judged on, and where RAM ends at its largest there.
 * Not inlined: its map would sit in vmm_judge()'s frame below the whole judge.
 */
static __attribute__((noinline)) void map_out(const struct judgement *j, uint64_t cap,
					      struct vmm_result *out)
{
	struct placed p;
	uint64_t max;

	if (!j->mr || j->mbits <= 0)
		return;
	place(j->mr, ram_of(j->mr, j->mram, j->mbits, cap), j->mbits, &p);
	out->map_bits = j->mbits;
	out->vm_bits = j->vbits;
	out->nregions = p.n;
	memcpy(out->regions, p.r, sizeof(p.r[0]) * (size_t)p.n);
	max = ram_of(j->mr, 0, j->mbits, cap);
	p.n = 0;
	if (max)
		out->ram_top = place_ram(j->mr->ram, max, &p);
}

static bool judge_arch(const struct vmm_env *env, struct vmm_result *out)
{
	switch (env->arch) {
	case ARCH_ARM64:
		return false;
	case ARCH_X86_64:
		out->verdict = VV_WORKS;
		snprintf(out->reason, sizeof(out->reason), "x86 VM types carry no IPA size");
		return true;
	case ARCH_OTHER:
		out->verdict = VV_UNKNOWN;
		snprintf(out->reason, sizeof(out->reason),
			 "only arm64 VM types carry an IPA size; this architecture is not judged");
		return true;
	default:
		out->verdict = VV_UNKNOWN;
		snprintf(out->reason, sizeof(out->reason), "unknown host architecture");
		return true;
	}
}

int vmm_judge(const struct vmm_env *env, const char *name, const char *version,
	      struct vmm_result *out)
{
	const struct vmm_row *row;
	struct judgement j;
	struct host h;
	char buf[16], label[96], shown[24];
	const char *v;

	if (!env || !name || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	row = vmm_lookup(name);
	if (!row)
		return -ENOENT;
	snprintf(out->name, sizeof(out->name), "%s", row->name);
	snprintf(out->version, sizeof(out->version), "%s", version ? version : "");
	if (judge_arch(env, out))
		return 0;
	h = host_of(env);
	v = usable_version(row, version, buf);
	if (v && version[0] == '<') {
		char d[16];

		date_of(version + 1, d);
		format_version(row, d, shown, sizeof(shown));
		snprintf(label, sizeof(label), "%s built before %s", row->display, shown);
		judge_at(row, v, label, &h, &j);
	} else if (v) {
		format_version(row, v, shown, sizeof(shown));
		snprintf(label, sizeof(label),
			 row->vkind == VMM_VER_OF_QEMU ? "%s (QEMU %s)" : "%s %s", row->display,
			 shown);
		judge_at(row, v, label, &h, &j);
	} else {
		judge_unknown_version(row, version, &h, &j);
	}
	out->verdict = j.v;
	snprintf(out->reason, sizeof(out->reason), "%s", j.reason);
	snprintf(out->fix, sizeof(out->fix), "%s", j.fix);
	map_out(&j, env->ram_cap, out);
	/* No guest runs: no RAM size makes it (vmm_max_guest_ram() is per map). */
	if (j.v == VV_FAILS || j.v == VV_HANGS)
		out->ram_top = 0;
	return 0;
}

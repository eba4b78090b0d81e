#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Small-PA arm64 hosts, and pre-fix KVM, in Debian 12's qemu-system-aarch64.

No QEMU CPU model has a physical address range (PARange) below 40 bits, and
QEMU 7.2 has no property for it. This module starts QEMU paused and, as root,
rewrites the CPU's ID_AA64MMFR0_EL1.PARange in the QEMU process itself
(/proc/PID/mem), so the emulated CPU really is a 32- or 36-bit one: QEMU's
stage-1/2 table walker (arm_pamax()) and the guest's MRS both see it.
Optionally it also makes the guest kernel behave like kernels before
7d717558dd5e ("KVM: arm64: Reject VM creation when the default IPA size is
unsupported", 5.12; stable 5.11.7, 5.10.24, 5.4.106), through QEMU's gdb stub.

Interface (tests/arm64/run-matrix and tests/arm64/run-qemu-check use it):

    sys.path.insert(0, "tests/arm64"); import smallpa

    smallpa.PARANGE            {bits: PARange field value}: 32:0 36:1 40:2 42:3 44:4 48:5 52:6
    smallpa.SmallPaError       every failure; the message says what and why
    smallpa.machine(bits, base="virt,virtualization=on,gic-version=3")
                               the -M value: adds ",highmem=off" below 40 bits
                               (high ECAM at 256 GiB, PCIe MMIO at 512 GiB)
    smallpa.kernel_args(prefix) "nokaslr" when PREFIX: only needed when the
                               symbols come from a System.map (link-time
                               addresses); /proc/kallsyms gives live ones
    smallpa.Prefix(syms)       the pre-fix emulation's kernel symbols {name: addr}:
                               kvm_arch_init_vm, get_kvm_ipa_limit (needed),
                               kvm_ipa_limit (cross-check); also
                               Prefix.from_pairs("name=hex name=hex") (the
                               guest's /proc/kallsyms, as tests/arm64/init prints
                               it) and Prefix.from_system_map(path) (Debian's
                               packaged System.map is a stub: use the first)
    s = smallpa.start(cmd, bits, workdir, prefix=None, gdb=False, stdin=None,
                      stdout=None, stderr=None, timeout=30)
        cmd: a qemu-system-aarch64 argv without -S, -monitor or -gdb (the -M
        value should come from machine()). Starts it paused with a monitor
        socket (and a gdb socket when prefix or gdb is given) in WORKDIR;
        waits for the monitor prompt (the CPUs exist only then); rewrites
        PARange to BITS in every CPU (bits None: no rewrite); arms the pre-fix
        breakpoints if PREFIX is given; resumes the guest. Raises SmallPaError
        (after killing QEMU) when any step fails: never a silent 40-bit CPU.
        s.arm_prefix(prefix)  arms the pre-fix emulation later, on a running
                   guest started with gdb=True (e.g. once the guest has printed
                   its /proc/kallsyms addresses); raises SmallPaError
        s.proc     the subprocess.Popen of QEMU
        s.patch    {"bits", "old", "new" (ID_AA64MMFR0_EL1 values), "old_bits",
                    "cpus", "stale" (dead ISA copies also rewritten),
                    "isar": [addr], "cpreg": [addr]}
        s.gdb      the PrefixServer or None; after the run: .hits (type-0 VM
                   creations given 40 bits), .calls (every kvm_arch_init_vm),
                   .true_limit, .limit_addr, .errors (non-empty: the emulation
                   failed; the caller must fail the cell)
        s.wait(timeout) -> exit code (raises subprocess.TimeoutExpired)
        s.kill()   kills QEMU (its process group) and closes the sockets
    smallpa.patch_parange(pid, bits) -> the s.patch dict (QEMU must be stopped)

    How run-matrix arms the pre-fix emulation (tests/arm64/init does the guest
    side when the kernel command line has "kic.prefix"): start(..., gdb=True,
    stdin=subprocess.PIPE); the guest writes kptr_restrict=0 and prints
    "@@KIC-SYMS kvm_arch_init_vm=<hex> get_kvm_ipa_limit=<hex>" from
    /proc/kallsyms, then blocks in "read"; the host sees the line in the
    console log, calls s.arm_prefix(Prefix.from_pairs(line)) and writes
    "go\n" to QEMU's stdin (the serial console); see arm_prefix() there.

CLI (root): tests/arm64/smallpa.py --bits 36 [--system-map FILE] -- \\
                qemu-system-aarch64 ARGS...
    runs QEMU in the foreground with the rewrite (and the pre-fix
    emulation), prints what it patched on stderr, exits with QEMU's code.

What is rewritten (QEMU 7.2's layout, found by content, verified, never by
value alone: the loaded kernel and initrd hold the same eight bytes):
  * the ARMCPRegInfo hash-table copy of "ID_AA64MMFR0_EL1": QEMU 7.x
    allocates it with its name right behind it, so its name pointer points
    136 bytes past its start; its encoding (cp 0x13, op0 3, op1 0, CRn 0,
    CRm 7, op2 0, AArch64 state) is checked; .resetvalue (offset 40) is what
    a TCG-translated MRS returns (ARM_CP_CONST), hence what the guest reads;
  * the CPU's ARMISARegisters, read by arm_pamax() (the walker): the place
    where ID_AA64ISAR0, ISAR1, MMFR0 and MMFR1 sit at word offsets 0, 1, 4, 5
    with exactly the values of their own register entries.
The entries must be found once per CPU ("info cpus") and agree, and at
least one ARMISARegisters per CPU, else SmallPaError. More ISA structs than
CPUs happen: the virt board builds a throwaway CPU object to query it and
frees it (machvirt_init()), so its stale copy may remain in free heap; every
match is rewritten, which is harmless on the dead one.

The pre-fix emulation: a breakpoint on kvm_arch_init_vm. When the requested
type's IPA field (x1 bits 0..7) is 0, kvm_ipa_limit (its address decoded from
the adrp+ldr of get_kvm_ipa_limit, cross-checked with a kvm_ipa_limit symbol
if one is given) is set to
40 for that call and back to the true value at its return (a breakpoint on
x30). A fixed kernel's check "40 > kvm_ipa_limit -> EINVAL" then passes and
the VM gets the 40-bit stage 2 pre-fix kernels gave type 0, on a CPU whose
PARange is smaller: a stage-2 input size beyond the output size is
CONSTRAINED UNPREDICTABLE, QEMU 7.2 chooses a translation fault
(check_s2_mmu_setup()), and KVM retries the access forever. KVM_CAP_ARM_VM_IPA_SIZE and every sized VM
still see the true limit.
"""

import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

PARANGE = {32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6}
PARANGE_BITS = {v: k for k, v in PARANGE.items()}
KVM_PHYS_SHIFT = 40  # the IPA size of a type-0 VM (arch/arm64/include/asm/kvm_mmu.h)

# QEMU 7.2's ARMCPRegInfo (target/arm/cpregs.h): name at 0, cp/crn/crm/opc0/
# opc1/opc2 bytes at 8, CPState at 16, resetvalue at 40; 136 bytes, the name
# copied right behind (add_cpreg_to_hashtable()).
CPREG_SIZE = 136
CPREG_RESET = 40
CP_REG_ARM64_SYSREG_CP = 0x13
ARM_CP_STATE_AA64 = 1
# (crm, opc2) of op0=3 op1=0 CRn=0 ID registers
IDREG = {
    "ID_AA64ISAR0_EL1": (6, 0),
    "ID_AA64ISAR1_EL1": (6, 1),
    "ID_AA64MMFR0_EL1": (7, 0),
    "ID_AA64MMFR1_EL1": (7, 1),
}
# ARMISARegisters: the 64-bit words from id_aa64isar0 on
ISAR_WORDS = {"ID_AA64ISAR0_EL1": 0, "ID_AA64ISAR1_EL1": 1,
              "ID_AA64MMFR0_EL1": 4, "ID_AA64MMFR1_EL1": 5}
MAX_REGION = 256 << 20  # larger anonymous maps are guest RAM or TCG buffers


class SmallPaError(Exception):
    pass


def machine(bits, base="virt,virtualization=on,gic-version=3"):
    """The -M value for a BITS-bit CPU: below 40 bits the virt board's high
    ECAM (256 GiB) and PCIe MMIO (512 GiB) must go, or the guest's PCI probe
    faults on addresses the CPU cannot reach."""
    if bits is not None and bits < 40 and "highmem=" not in base:
        return base + ",highmem=off"
    return base


def kernel_args(prefix):
    return "nokaslr" if prefix else ""


# ---------------------------------------------------------------------------
# The QEMU process's memory


def _regions(pid):
    out = []
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            path = fields[5] if len(fields) > 5 else ""
            if fields[1] != "rw-p" or (path and path != "[heap]"):
                continue
            if hi - lo > MAX_REGION:
                continue
            out.append((lo, hi))
    return out


def _snapshot(pid):
    """[(start address, bytes)] of QEMU's heap and small anonymous maps."""
    snap = []
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for lo, hi in _regions(pid):
            try:
                mem.seek(lo)
                snap.append((lo, mem.read(hi - lo)))
            except OSError:
                continue  # a guard page or a map that went away
    return snap


def _find_all(snap, needle, align=1):
    for lo, buf in snap:
        i = buf.find(needle)
        while i >= 0:
            if (lo + i) % align == 0:
                yield lo + i
            i = buf.find(needle, i + 1)


def _read(snap, addr, n):
    for lo, buf in snap:
        if lo <= addr and addr + n <= lo + len(buf):
            return buf[addr - lo:addr - lo + n]
    return None


def _u64(snap, addr):
    b = _read(snap, addr, 8)
    return struct.unpack("<Q", b)[0] if b is not None else None


def _cpregs(snap, name):
    """Addresses of the hash-table ARMCPRegInfo copies of NAME."""
    crm, opc2 = IDREG[name]
    sig = bytes([CP_REG_ARM64_SYSREG_CP, 0, crm, 3, 0, opc2])
    out = []
    for p in _find_all(snap, name.encode() + b"\0"):
        entry = p - CPREG_SIZE
        if entry % 8 or _u64(snap, entry) != p:
            continue
        head = _read(snap, entry + 8, 12)
        if head is None or head[:6] != sig or \
                struct.unpack("<i", head[8:12])[0] != ARM_CP_STATE_AA64:
            continue
        out.append(entry)
    return out


def patch_parange(pid, bits, ncpus=None):
    """Rewrites ID_AA64MMFR0_EL1.PARange of every CPU of the stopped QEMU PID."""
    if bits not in PARANGE:
        raise SmallPaError("no PARange encoding for %s bits (have %s)"
                           % (bits, ", ".join(map(str, sorted(PARANGE)))))
    snap = _snapshot(pid)
    if not snap:
        raise SmallPaError("cannot read QEMU's memory (/proc/%d/mem): not root?" % pid)
    regs = {n: _cpregs(snap, n) for n in IDREG}
    counts = {n: len(a) for n, a in regs.items()}
    if not regs["ID_AA64MMFR0_EL1"] or len(set(counts.values())) != 1:
        raise SmallPaError("ID-register entries not found once per CPU in QEMU's heap "
                           "(found %s): not QEMU 7.2's ARMCPRegInfo layout?" % counts)
    n = counts["ID_AA64MMFR0_EL1"]
    if ncpus is not None and n != ncpus:
        raise SmallPaError("%d ID_AA64MMFR0_EL1 entries for %d CPUs" % (n, ncpus))
    vals = {name: {_u64(snap, a + CPREG_RESET) for a in addrs} for name, addrs in regs.items()}
    if any(len(v) != 1 for v in vals.values()):
        raise SmallPaError("the CPUs' ID registers differ: %s" % vals)
    val = {name: v.pop() for name, v in vals.items()}
    old = val["ID_AA64MMFR0_EL1"]
    # The ISA struct: the four words at their offsets with those values.
    isar = []
    for a in _find_all(snap, struct.pack("<Q", val["ID_AA64ISAR0_EL1"]), align=8):
        if all(_u64(snap, a + 8 * w) == val[name] for name, w in ISAR_WORDS.items()):
            isar.append(a + 8 * ISAR_WORDS["ID_AA64MMFR0_EL1"])
    # The virt board builds a throwaway CPU object (machvirt_init()) and frees
    # it: a stale copy may remain in free heap. Every copy is rewritten
    # (harmless on a dead one); fewer than one per CPU is an error.
    if len(isar) < n:
        raise SmallPaError("%d ARMISARegisters (ISAR0 %#x ISAR1 %#x MMFR0 %#x MMFR1 %#x at "
                           "words 0,1,4,5) for %d CPUs: %s" % (
                               len(isar), val["ID_AA64ISAR0_EL1"], val["ID_AA64ISAR1_EL1"],
                               old, val["ID_AA64MMFR1_EL1"], n,
                               "; ".join("%#x: %s" % (a, " ".join(
                                   "%x" % (_u64(snap, a - 64 + 8 * i) or 0) for i in range(14)))
                                   for a in isar)))
    new = (old & ~0xf) | PARANGE[bits]
    targets = isar + [a + CPREG_RESET for a in regs["ID_AA64MMFR0_EL1"]]
    with open("/proc/%d/mem" % pid, "r+b", buffering=0) as mem:
        for a in targets:
            mem.seek(a)
            mem.write(struct.pack("<Q", new))
        for a in targets:
            mem.seek(a)
            if struct.unpack("<Q", mem.read(8))[0] != new:
                raise SmallPaError("the write at %#x did not stick" % a)
    return {"bits": bits, "old": old, "new": new, "cpus": n, "stale": len(isar) - n,
            "old_bits": PARANGE_BITS.get(old & 0xf), "isar": isar,
            "cpreg": regs["ID_AA64MMFR0_EL1"]}


# ---------------------------------------------------------------------------
# The pre-fix emulation: QEMU's gdb stub (remote serial protocol)


class Prefix:
    """The symbols of one kernel: kvm_arch_init_vm, get_kvm_ipa_limit (and
    kvm_ipa_limit to cross-check, if listed), from a System.map or from the
    guest's /proc/kallsyms (booted with nokaslr and kptr_restrict=0)."""

    NEEDED = ("kvm_arch_init_vm", "get_kvm_ipa_limit")
    WANTED = NEEDED + ("kvm_ipa_limit",)

    def __init__(self, syms):
        self.syms = {k: v for k, v in syms.items() if k in self.WANTED}
        missing = [s for s in self.NEEDED if not self.syms.get(s)]
        if missing:
            raise SmallPaError("no address for %s" % ", ".join(missing))

    @classmethod
    def from_system_map(cls, path):
        """Debian's own System.map is a stub (the real one is in -dbg)."""
        syms = {}
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3:
                    syms.setdefault(parts[2], int(parts[0], 16))
        return cls(syms)

    @classmethod
    def from_pairs(cls, text):
        """'name=hexaddr name=hexaddr ...' (what tests/arm64/init prints)."""
        syms = {}
        for name, addr in re.findall(r"(\w+)=([0-9a-fA-F]+)", text):
            syms.setdefault(name, int(addr, 16))
        return cls(syms)


def _sign_extend(v, bits):
    return v - (1 << bits) if v & (1 << (bits - 1)) else v


def decode_limit_address(code, pc):
    """The address get_kvm_ipa_limit() loads: its adrp xN + ldr wN, [xN, #imm]."""
    page = None
    reg = None
    for i in range(0, len(code) - 3, 4):
        insn = struct.unpack("<I", code[i:i + 4])[0]
        if (insn & 0x9f000000) == 0x90000000:  # ADRP
            imm = ((insn >> 29) & 3) | (((insn >> 5) & 0x7ffff) << 2)
            page = ((pc + i) & ~0xfff) + (_sign_extend(imm, 21) << 12)
            reg = insn & 31
        elif (insn & 0xffc00000) == 0xb9400000 and page is not None:  # LDR Wt, [Xn, #imm]
            if (insn >> 5) & 31 == reg:
                return (page + ((insn >> 10) & 0xfff) * 4) & 0xffffffffffffffff
        elif insn == 0xd65f03c0:  # RET
            break
    return None


class Rsp:
    """A minimal gdb remote-serial-protocol client (QEMU 7.2 has no no-ack mode)."""

    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        # Connecting stops a running guest, which may send a stop reply of its
        # own: ask for the state, then drop whatever else comes in 0.3 s.
        r = self.cmd(b"?", stop=True)
        if r[:1] not in (b"T", b"S"):
            raise SmallPaError("gdb stub: unexpected answer to '?' (%r)" % r[:40])
        self.sock.settimeout(0.3)
        try:
            while True:
                self._recv()
        except socket.timeout:
            pass
        self.sock.settimeout(timeout)

    def _send(self, data):
        self.sock.sendall(b"$" + data + b"#" + b"%02x" % (sum(data) & 0xff))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("gdb stub closed the connection")
        self.buf += chunk

    def _recv(self, timeout=None):
        if timeout is not None:
            self.sock.settimeout(timeout)
        while True:
            start = self.buf.find(b"$")
            if start >= 0:
                end = self.buf.find(b"#", start)
                if end >= 0 and len(self.buf) >= end + 3:
                    data = self.buf[start + 1:end]
                    self.buf = self.buf[end + 3:]
                    self.sock.sendall(b"+")
                    return data
            else:
                self.buf = b""  # only acks ("+") so far
            self._fill()

    def cmd(self, data, stop=False):
        """Sends DATA, returns its answer; a stray stop reply (T../S..) is
        skipped unless STOP (hex, OK and E.. never start with T or S)."""
        self._send(data)
        while True:
            r = self._recv()
            if stop or r[:1] not in (b"T", b"S"):
                return r

    def read_mem(self, addr, n):
        r = self.cmd(b"m%x,%x" % (addr, n))
        if r.startswith(b"E") or len(r) != 2 * n:
            raise SmallPaError("gdb: cannot read %d bytes at %#x (%s)" % (n, addr, r[:8]))
        return bytes.fromhex(r.decode())

    def write_mem(self, addr, data):
        r = self.cmd(b"M%x,%x:%s" % (addr, len(data), data.hex().encode()))
        if r != b"OK":
            raise SmallPaError("gdb: cannot write at %#x (%s)" % (addr, r[:8]))

    def regs(self):
        """x0..x30, sp, pc ('g': QEMU answers 'p' only to clients that read
        its target XML)."""
        r = self.cmd(b"g")
        if r.startswith(b"E") or len(r) < 33 * 16:
            raise SmallPaError("gdb: cannot read the registers (%s)" % r[:8])
        return struct.unpack("<33Q", bytes.fromhex(r[:33 * 16].decode()))

    def breakpoint(self, addr, on=True):
        r = self.cmd(b"%s0,%x,4" % (b"Z" if on else b"z", addr))
        if r != b"OK":
            raise SmallPaError("gdb: cannot %s a breakpoint at %#x (%s)"
                               % ("set" if on else "clear", addr, r[:8]))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class PrefixServer(threading.Thread):
    """Services the breakpoints until QEMU goes away."""

    def __init__(self, rsp, prefix, on_error=None):
        super().__init__(daemon=True)
        self.on_error = on_error
        self.rsp = rsp
        self.prefix = prefix
        self.entry = prefix.syms["kvm_arch_init_vm"]
        self.hits = 0        # type-0 VMs given the 40-bit default
        self.calls = 0       # kvm_arch_init_vm calls
        self.true_limit = None
        self.limit_addr = None
        self.errors = []
        self.returns = {}    # return address -> pending restore

    def arm(self):
        self.rsp.breakpoint(self.entry)

    def _limit_address(self):
        at = self.prefix.syms["get_kvm_ipa_limit"]
        addr = decode_limit_address(self.rsp.read_mem(at, 64), at)
        if addr is None:
            raise SmallPaError("no adrp+ldr in get_kvm_ipa_limit at %#x" % at)
        mapped = self.prefix.syms.get("kvm_ipa_limit")
        if mapped is not None and mapped != addr:
            raise SmallPaError("get_kvm_ipa_limit loads %#x, System.map says kvm_ipa_limit "
                               "is %#x (KASLR on? nokaslr needed)" % (addr, mapped))
        return addr

    def _on_stop(self):
        regs = self.rsp.regs()
        pc = regs[32]
        if pc in self.returns:
            self.rsp.write_mem(self.limit_addr, struct.pack("<I", self.true_limit))
            self.rsp.breakpoint(pc, on=False)
            del self.returns[pc]
            return False
        if pc != self.entry:
            raise SmallPaError("stopped at %#x, not at a breakpoint of ours" % pc)
        self.calls += 1
        if self.limit_addr is None:
            self.limit_addr = self._limit_address()
            self.true_limit = struct.unpack("<I", self.rsp.read_mem(self.limit_addr, 4))[0]
            if not 32 <= self.true_limit <= 52:
                raise SmallPaError("kvm_ipa_limit reads %d" % self.true_limit)
        vm_type = regs[1]
        if vm_type & 0xff == 0 and self.true_limit < KVM_PHYS_SHIFT:
            lr = regs[30]
            self.rsp.write_mem(self.limit_addr, struct.pack("<I", KVM_PHYS_SHIFT))
            self.rsp.breakpoint(lr)
            self.returns[lr] = True
            self.hits += 1
        else:
            self.rsp.write_mem(self.limit_addr, struct.pack("<I", self.true_limit))
        return True

    def run(self):
        try:
            while True:
                self.rsp._send(b"c")
                # The next stop may be far away (a VMM that creates its
                # VM later): wait without a limit, QEMU's exit ends it.
                self.rsp.sock.settimeout(None)
                reply = self.rsp._recv()
                while reply[:1] not in (b"T", b"S", b"W", b"X"):
                    reply = self.rsp._recv()
                if reply[:1] in (b"W", b"X"):
                    return  # QEMU exited
                if reply[:1] != b"T" and reply[:1] != b"S":
                    raise SmallPaError("unexpected stop reply %r" % reply[:40])
                self.rsp.sock.settimeout(30)
                if self._on_stop():
                    # QEMU would stop again on the same breakpoint: step over
                    # it (a single step overrides breakpoints in QEMU's TCG)
                    r = self.rsp.cmd(b"s", stop=True)
                    if r[:1] not in (b"T", b"S"):
                        raise SmallPaError("gdb: single step answered %r" % r[:40])
        except (EOFError, ConnectionError):
            return  # QEMU exited
        except (SmallPaError, OSError) as e:
            self.errors.append(str(e))
            if self.on_error:
                self.on_error()  # the guest stays stopped otherwise
        finally:
            self.rsp.close()


# ---------------------------------------------------------------------------
# Starting QEMU


class Monitor:
    def __init__(self, path, proc, timeout):
        deadline = time.time() + timeout
        self.sock = None
        while time.time() < deadline:
            if proc.poll() is not None:
                raise SmallPaError("QEMU exited (%d) before its monitor came up"
                                   % proc.returncode)
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                break
            except OSError:
                s.close()
                time.sleep(0.05)
        if self.sock is None:
            raise SmallPaError("no QEMU monitor at %s within %d s" % (path, timeout))
        self.sock.settimeout(timeout)
        self.buf = b""
        self.prompt()

    def prompt(self):
        while b"(qemu) " not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise SmallPaError("QEMU monitor closed before its prompt")
            self.buf += chunk
        out, _, self.buf = self.buf.partition(b"(qemu) ")
        return out.decode("utf-8", "replace")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.prompt()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Session:
    def __init__(self, proc, patch, gdb, sockets):
        self.proc = proc
        self.patch = patch
        self.gdb = gdb
        self._sockets = sockets

    def arm_prefix(self, prefix):
        """Arms the pre-fix emulation now: connecting to the gdb stub stops the
        guest (QEMU does so on every gdb connection); the server thread's
        first "c" resumes it. Needs start(..., gdb=True) or a prefix there."""
        try:
            rsp = Rsp(self.gdb_path, self.timeout)
            self.gdb = PrefixServer(rsp, prefix, self._kill_proc)
            self.gdb.arm()
        except (OSError, EOFError) as e:
            raise SmallPaError("gdb stub: %s" % e) from None
        self.gdb.start()

    def wait(self, timeout=None):
        rc = self.proc.wait(timeout=timeout)
        if self.gdb:
            self.gdb.join(5)
        self._cleanup()
        return rc

    def _kill_proc(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()

    def kill(self):
        self._kill_proc()
        self.proc.wait()
        if self.gdb:
            self.gdb.join(5)
        self._cleanup()

    def _cleanup(self):
        for p in self._sockets:
            try:
                os.unlink(p)
            except OSError:
                pass


def start(cmd, bits, workdir, prefix=None, gdb=False, stdin=None, stdout=None, stderr=None,
          timeout=30):
    os.makedirs(workdir, exist_ok=True)
    tag = "%d-%d" % (os.getpid(), threading.get_ident() % 100000)
    mon_path = os.path.join(workdir, "mon-%s.sock" % tag)
    gdb_path = os.path.join(workdir, "gdb-%s.sock" % tag)
    for p in (mon_path, gdb_path):
        if os.path.exists(p):
            os.unlink(p)
    argv = list(cmd) + ["-S", "-monitor", "unix:%s,server=on,wait=off" % mon_path]
    if prefix or gdb:
        argv += ["-gdb", "unix:%s,server=on,wait=off" % gdb_path]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL if stdin is None else stdin,
                            stdout=stdout, stderr=stderr, start_new_session=True)
    s = Session(proc, None, None, [mon_path, gdb_path])
    s.gdb_path = gdb_path
    s.timeout = timeout
    mon = None
    try:
        mon = Monitor(mon_path, proc, timeout)
        ncpus = len(re.findall(r"CPU #\d+", mon.cmd("info cpus")))
        if bits is not None:
            s.patch = patch_parange(proc.pid, bits, ncpus or None)
        if prefix:
            s.arm_prefix(prefix)  # its first "c" resumes the guest
        else:
            mon.cmd("cont")
    except (SmallPaError, OSError, EOFError) as e:
        s.kill()
        raise SmallPaError(str(e)) from None
    finally:
        if mon:
            mon.close()
    return s


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bits", type=int, choices=sorted(PARANGE))
    ap.add_argument("--system-map", help="enable the pre-fix emulation with this System.map")
    ap.add_argument("--workdir", default="/tmp")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.qemu[1:] if a.qemu[:1] == ["--"] else a.qemu
    if not cmd:
        ap.error("no QEMU command")
    try:
        s = start(cmd, a.bits, a.workdir,
                  Prefix.from_system_map(a.system_map) if a.system_map else None)
    except SmallPaError as e:
        print("smallpa: %s" % e, file=sys.stderr)
        return 1
    if s.patch:
        print("smallpa: ID_AA64MMFR0_EL1 %#x -> %#x (%s -> %d bits) in %d CPU(s)"
              % (s.patch["old"], s.patch["new"], s.patch["old_bits"], s.patch["bits"],
                 s.patch["cpus"]), file=sys.stderr)
    rc = s.wait()
    if s.gdb:
        print("smallpa: kvm_arch_init_vm calls %d, type-0 given 40 bits %d, true limit %s%s"
              % (s.gdb.calls, s.gdb.hits, s.gdb.true_limit,
                 "; ERRORS: " + "; ".join(s.gdb.errors) if s.gdb.errors else ""),
              file=sys.stderr)
        if s.gdb.errors:
            return 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

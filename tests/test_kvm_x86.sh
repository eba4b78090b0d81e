#!/bin/sh
# The real probe code against this machine's real /dev/kvm (x86_64).
# Skips (77) with the reason when there is no usable /dev/kvm.
BIN=${1:-./kvm-ipa-check}
B=${KIC_BUILD:-.}
HANG=$B/tests/kvm_hang_probe
. "$(dirname "$0")/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "not an x86_64 machine ($(uname -m))"
[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm not accessible to $(id -un)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$BIN" --json >"$tmp/out.json"
rc=$?
jcheck "$tmp/out.json" "full check: JSON facts match the real kernel" "
d['schema_version'] == 1
d['host']['arch'] == 'x86_64'
d['kvm']['device']['present'] is True and d['kvm']['device']['accessible'] is True
d['kvm']['api_version'] == 12
d['kvm']['ipa_limit'] == 0
d['probes']['default_vm']['result'] == 'created'
d['probes']['default_vm']['errno'] is None
d['probes']['vcpu_run']['result'] == 'exited'
d['probes']['vcpu_run']['exit_reason'] == 'mmio'
d['kernel_behaviour'] == 'not-applicable'
d['verdict']['status'] == 'ok'
d['exit_code'] == $rc
all(s['gpa'].startswith('0x') and s['size'] == '0x10000' and s['result'] in ('accepted', 'rejected') for s in d['probes']['memslots'])
any(s['gpa'] == '0x40000000' and s['result'] == 'accepted' for s in d['probes']['memslots'])
d['probes']['incomplete'] is False
"
is "$rc" 0 "full check exits 0 on a working x86 host"

# The kernel's own limit on memslots past MAXPHYADDR (x86 5.18+: EINVAL).
pb=$(python3 -c "import json;print(json.load(open('$tmp/out.json'))['kvm']['cpuid_phys_bits'])")
jcheck "$tmp/out.json" "memslot errors are the x86 ones (EINVAL), never EFAULT" "
all(s['errno'] in (None, 'EINVAL') for s in d['probes']['memslots'])
"
# x86 rows name addresses, never the arm64 layouts tried at them.
jcheck "$tmp/out.json" "x86 memslot rows carry no arm64 descriptions" "
d['probes']['memslots'] and not any(w in s['why'] for s in d['probes']['memslots'] for w in ('Apple', 'QEMU virt', 'Firecracker', 'RAM base', 'default space'))
"

"$BIN" --json --no-run >"$tmp/norun.json"
jcheck "$tmp/norun.json" "--no-run skips the vCPU run" "
d['probes']['vcpu_run']['result'] == 'skipped'
d['probes']['default_vm']['result'] == 'created'
"
"$BIN" --json --no-probe >"$tmp/noprobe.json"
jcheck "$tmp/noprobe.json" "--no-probe opens no /dev/kvm" "
d['kvm']['api_version'] is None and d['kvm']['ipa_limit'] is None
d['probes']['run'] is False
"

# No access to /dev/kvm: clear advice, exit 3, the rest of the report.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --json >"$tmp/eacces.json" 2>&1
	rc=$?
	is "$rc" 3 "unprivileged user: exit 3 (UNKNOWN)"
	jcheck "$tmp/eacces.json" "unprivileged user: says why and what to do, facts still there" "
d['kvm']['device']['present'] is True and d['kvm']['device']['accessible'] is False
d['probes']['run'] is False and 'Permission denied' in d['probes']['skipped_reason']
'/dev/kvm' in d['verdict']['summary'] and d['verdict']['fix']
d['host']['arch'] == 'x86_64'
"
fi

# /dev/kvm is the misc device 10:232: the JSON says so.
jcheck "$tmp/out.json" "the real node: number 10:232, is_kvm, KVM registered in sysfs" "
d['kvm']['device']['number'] == '10:232' and d['kvm']['device']['is_kvm'] is True
d['kvm']['device']['kvm_registered'] is True
"

# Another node at /dev/kvm (/dev/null bound over it) is not KVM: never PASS,
# never opened, UNKNOWN with the reason; a /dev without the node (a container
# started without the device) says the node is missing, not that KVM is.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec "$1" --json' _ "$BIN" >"$tmp/null.json" 2>/dev/null
	is "$?" 3 "/dev/null bound over /dev/kvm: UNKNOWN"
	jcheck "$tmp/null.json" "/dev/null bound over /dev/kvm: not the KVM device (1:3), nothing probed, no value invented" "
d['kvm']['device']['number'] == '1:3' and d['kvm']['device']['is_kvm'] is False
d['probes']['run'] is False and d['kvm']['api_version'] is None and d['kvm']['cpuid_phys_bits'] is None
'not the KVM device' in d['verdict']['summary'] and '10:232' in d['verdict']['summary']
any('not the KVM device' in x for x in d['verdict']['findings'])
"
	unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec "$1" --color=never' _ "$BIN" >"$tmp/null.txt" 2>/dev/null
	contains "$(grep '^  /dev/kvm ' "$tmp/null.txt")" "FAIL not the KVM device: 1:3" "/dev/null over /dev/kvm: the text line is FAIL, not PASS"
	grep -q "KVM API version" "$tmp/null.txt" && fail "/dev/null over /dev/kvm: an API version is printed" ||
		pass "/dev/null over /dev/kvm: no API version printed"
	unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec "$1" --nagios' _ "$BIN" >"$tmp/null.nagios" 2>/dev/null
	contains "$(head -n 1 "$tmp/null.nagios")" "KVM-IPA UNKNOWN - /dev/kvm is not the KVM device" "/dev/null over /dev/kvm: Nagios names it"
	if command -v strace >/dev/null; then
		unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec strace -qq -f -e trace=openat -o "$2" "$1" --json' \
			_ "$BIN" "$tmp/null.strace" >/dev/null 2>&1
		grep -q '"/dev/kvm"' "$tmp/null.strace" && fail "/dev/null over /dev/kvm: it was opened" ||
			pass "/dev/null over /dev/kvm: never opened"
	fi
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$1" --json' _ "$BIN" >"$tmp/nodev.json" 2>/dev/null
	is "$?" 3 "/dev without kvm (tmpfs): UNKNOWN"
	jcheck "$tmp/nodev.json" "/dev without kvm while sysfs has misc/kvm: the node is missing, with the container fix" "
d['kvm']['device']['present'] is False and d['kvm']['device']['kvm_registered'] is True
'device node' in d['verdict']['summary'] and 'not available' not in d['verdict']['summary']
'--device /dev/kvm' in d['verdict']['fix'] and 'firmware' not in d['verdict']['fix']
"
else
	pass "not root or no unshare -m: the node cases skipped"
fi

# Every fd the probes open is closed: strace the whole run.
if command -v strace >/dev/null; then
	strace -f -e trace=openat,close,ioctl -o "$tmp/trace" "$BIN" --json >/dev/null 2>&1
	python3 - "$tmp/trace" <<'PY' && pass "every KVM fd (system, VM, vCPU) is closed" || fail "KVM fds left open"
import re, sys
open_fds = {}
for line in open(sys.argv[1]):
    m = re.search(r'openat\(.*"/dev/kvm".*= (\d+)$', line)
    if m: open_fds[m.group(1)] = 'kvm'
    m = re.search(r'ioctl\(\d+, KVM_CREATE_(VM|VCPU).*= (\d+)$', line)
    if m: open_fds[m.group(2)] = m.group(1)
    m = re.search(r'close\((\d+)\)\s+= 0', line)
    if m: open_fds.pop(m.group(1), None)
sys.exit(1 if open_fds else 0)
PY
fi

# The watchdog, on real KVM: a guest that branches to itself must be a hang.
if [ -x "$HANG" ]; then
	start=$(date +%s%N)
	"$HANG" 500 >"$tmp/hang.json" 2>/dev/null
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	is "$rc" 0 "never-exiting guest reported as a hang (exit code)"
	jcheck "$tmp/hang.json" "never-exiting guest: JSON says hang, status critical" "
d['probes']['vcpu_run']['result'] == 'hang'
490 <= d['probes']['vcpu_run']['elapsed_ms'] < 1500
d['verdict']['status'] == 'critical'
"
	[ "$ms" -lt 3000 ] && pass "hang probe returned in ${ms} ms (watchdog 500 ms)" ||
		fail "hang probe took ${ms} ms"

	# The global budget (--timeout) cuts a 5 s watchdog short at 0.8 s: a
	# deadline is not a hang, the answer is UNKNOWN with the reason.
	start=$(date +%s%N)
	"$HANG" 5000 800 >"$tmp/budget.json" 2>/dev/null
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	jcheck "$tmp/budget.json" "budget shorter than the watchdog: run stops at the deadline, not a hang" "
d['probes']['vcpu_run']['result'] == 'not-run'
'deadline' in d['probes']['vcpu_run']['detail']
d['verdict']['status'] == 'unknown'
d['probes']['vcpu_run']['elapsed_ms'] < 1500
d['probes']['incomplete'] is True
'budget' in d['probes']['incomplete_reason']
"
	[ "$ms" -lt 2500 ] && pass "budget run returned in ${ms} ms" || fail "budget run took ${ms} ms"

	# SIGINT mid-run: VMs closed, partial report marked incomplete.
	"$HANG" 20000 >"$tmp/int.json" 2>/dev/null &
	pid=$!
	sleep 0.5
	kill -INT $pid
	wait $pid
	jcheck "$tmp/int.json" "SIGINT during KVM_RUN: report printed and marked incomplete" "
d['probes']['incomplete'] is True
'signal' in d['probes']['incomplete_reason']
d['probes']['vcpu_run']['result'] == 'not-run'
d['verdict']['status'] == 'unknown'
"
else
	fail "$HANG not built"
fi

done_testing

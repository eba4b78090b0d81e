#!/bin/sh
# Real arm64 VMMs under real arm64 KVM: tests/arm64/run-qemu-check boots
# Debian arm64 kernels (TCG with EL2), on CPUs of 40 and 44 PA bits and on a
# 36-bit one (tests/arm64/smallpa.py; fixed and pre-fix kernel behaviour),
# with an initramfs holding Debian's arm64 QEMU 5.2, 7.2 and 10.0, gVisor's
# runsc and the cross-built tool. Each VMM's verdict from the tool must be
# what that VMM really does (starts a guest, refuses with the message the
# tool quotes, or hangs), and the tool's largest guest RAM for each QEMU must
# be the largest -m it starts with.
# One "ok"/"not ok" line per cell (tests/arm64/QEMU.md has the details).
# $1 (the host binary) is not used: the guest needs the arm64 build.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

[ -z "${KIC_SKIP_ARM64:-}" ] || skip "KIC_SKIP_ARM64 is set"
[ -x "$HERE/arm64/run-qemu-check" ] || skip "tests/arm64/run-qemu-check is missing"
# Under `make check` the outer make's flags must not reach the cross build.
unset MAKEFLAGS MFLAGS MAKELEVEL

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$HERE/arm64/run-qemu-check" >"$out" 2>&1
rc=$?
if [ $rc -eq 77 ]; then
	cat "$out"
	skip "$(sed -n 's/^SKIP: //p' "$out" | tail -n 1)"
fi
cat "$out"
cells=0
bad=0
while IFS= read -r line; do
	case $line in
	"arm64-qemu: "*" ... PASS"*)
		cells=$((cells + 1))
		pass "${line#arm64-qemu: }"
		;;
	"arm64-qemu: "*" ... FAIL"*)
		cells=$((cells + 1))
		bad=$((bad + 1))
		fail "${line#arm64-qemu: }"
		;;
	esac
done <"$out"
[ $cells -gt 0 ] || fail "run-qemu-check ran no cell (exit $rc)"
[ $rc -eq 0 ] || [ $bad -gt 0 ] || fail "run-qemu-check exited $rc"
done_testing

#!/bin/sh
# Debian's arm64 QEMU under real arm64 KVM: tests/arm64/run-qemu-check boots
# Debian arm64 kernels (TCG with EL2) with an initramfs holding bookworm's
# qemu-system-aarch64 and the cross-built tool. The tool's verdict for that
# QEMU must be "works", QEMU must run a small guest with -accel kvm -cpu host,
# and the tool's largest guest RAM must be the largest -m QEMU starts with.
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

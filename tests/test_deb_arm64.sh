#!/bin/sh
# The arm64 package, cross-built here: `make deb DEB_ARCH=arm64`
# (dpkg-buildpackage -a arm64 with crossbuild-essential-arm64 and the
# arm64 Build-Depends), lintian on it (no errors, no warnings), its files,
# the ELF architecture of the binary and its dependencies, and the packaged
# binary run under qemu-user (qemu-aarch64 with the arm64 multiarch
# libraries) on an offline 36-bit arm64 tree. Installing it with dpkg and
# running it on real arm64 KVM is the arm64 matrix's job: KIC_ARM64_DEB_KEEP=FILE
# keeps the .deb for it (tests/run-all passes it to tests/arm64/run-matrix as
# KIC_ARM64_DEB).
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)

need build-essential dpkg-dev debhelper lintian crossbuild-essential-arm64 pkgconf:arm64 \
	libkmod-dev:arm64 libudev-dev:arm64 bash-completion python3 git file binutils-aarch64-linux-gnu
git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout (make deb packages the files git knows)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL
VERSION=$(sed -n 's/^VERSION *:= *//p' "$REPO/Makefile")

start=$(date +%s)
make -C "$REPO" --no-print-directory deb DEB_ARCH=arm64 DEB_OUT="$tmp/deb" >"$tmp/build.log" 2>&1
rc=$?
is "$rc" 0 "make deb DEB_ARCH=arm64 (dpkg-buildpackage -a arm64) succeeds in $(($(date +%s) - start)) s"
[ $rc -eq 0 ] || tail -n 30 "$tmp/build.log" | sed 's/^/#   /'
DEB=$tmp/deb/kvm-ipa-check_${VERSION}_arm64.deb
[ -f "$DEB" ] || { fail "no $DEB"; done_testing; exit 1; }
grep -q 'aarch64-linux-gnu-gcc .* -c -o obj/' "$tmp/build.log" &&
	pass "compiled with aarch64-linux-gnu-gcc" || fail "no aarch64-linux-gnu-gcc compile in the log"
contains "$(cat "$tmp/build.log")" "cross-building for arm64 on $(dpkg --print-architecture): unit tests not run" \
	"dh_auto_test says it skips the unit tests when cross-building"
grep -q '^unit: ' "$tmp/build.log" && fail "the cross build ran unit tests for the wrong architecture" ||
	pass "the cross build runs no unit test binary"

lintian --fail-on error,warning --tag-display-limit 0 \
	"$tmp/deb/kvm-ipa-check_${VERSION}_arm64.changes" >"$tmp/lint" 2>&1
lrc=$?
if [ $lrc -eq 0 ] && ! grep -q '^[EW]: ' "$tmp/lint"; then
	pass "lintian: no errors or warnings on the arm64 package"
else
	fail "lintian on the arm64 package (exit $lrc)"
fi
grep -v '^running with root privileges' "$tmp/lint" | sed 's/^/#   /'

is "$(dpkg-deb -f "$DEB" Architecture)" arm64 "Architecture: arm64"
dep=$(dpkg-deb -f "$DEB" Depends)
contains "$dep" "libudev1" "Depends: libudev1 (dpkg-shlibdeps on the arm64 binary)"
contains "$dep" "libkmod2" "Depends: libkmod2 (dlopen()ed, declared in debian/control)"
R=$tmp/root
dpkg -x "$DEB" "$R"
B=$R/usr/bin/kvm-ipa-check
out=$(file -b "$B")
contains "$out" "ELF 64-bit LSB pie executable, ARM aarch64" "the packaged binary is an arm64 PIE"
contains "$out" "interpreter /lib/ld-linux-aarch64.so.1" "it uses the arm64 dynamic loader"
case $out in *"not stripped"*) fail "the packaged binary is not stripped" ;; *) pass "it is stripped" ;; esac
# The same libraries as the native build links (the arm64 loader aside).
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v '^ld-linux' | sort | tr '\n' ' '; }
NATIVE=${1:-${KIC_BIN:-$REPO/kvm-ipa-check}}
if [ -x "$NATIVE" ]; then
	is "$(needed "$B")" "$(needed "$NATIVE")" "NEEDED: the libraries of the native build ($(needed "$NATIVE"))"
fi
for f in /lib/systemd/system/kvm-ipa-check-textfile.timer /usr/share/man/man1/kvm-ipa-check.1.gz \
	/usr/lib/python3/dist-packages/sos/report/plugins/kvm_ipa.py \
	/usr/share/doc/kvm-ipa-check/examples/kvm-ipa.rules.yml; do
	[ -f "$R$f" ] && pass "ships $f" || fail "does not ship $f"
done
if [ -n "${KIC_ARM64_DEB_KEEP:-}" ]; then
	cp "$DEB" "$KIC_ARM64_DEB_KEEP" && pass "the .deb kept as $KIC_ARM64_DEB_KEEP for the arm64 matrix"
fi

# --- the packaged binary under qemu-user ---
QEMU=$(command -v qemu-aarch64 || command -v qemu-aarch64-static)
if [ -z "$QEMU" ]; then
	echo "# no qemu-aarch64 (package qemu-user): the arm64 binary was not run here"
else
	is "$("$QEMU" "$B" --version 2>&1)" "kvm-ipa-check $VERSION" "qemu-aarch64: packaged binary --version"
	mktree "$tmp/m1" 6.1.0-28-arm64 \
		"kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited VM/VMM compatibility)"
	"$QEMU" "$B" --json --sysroot "$tmp/m1" >"$tmp/out.json" 2>"$tmp/err"
	is "$?" 1 "qemu-aarch64: packaged binary on a 36-bit arm64 tree: WARNING"
	jcheck "$tmp/out.json" "qemu-aarch64: JSON of the offline tree" "
d['host']['arch'] == 'arm64' and d['tool_version'] == '$VERSION'
d['assessed_ipa_limit'] == 36
"
fi

done_testing

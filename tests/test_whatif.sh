#!/bin/sh
# The what-if examples of README.md and man/kvm-ipa-check.1, taken from those
# files (not retyped), give the verdicts printed beside them everywhere: on
# this host, live, as root and as an ordinary user, with and without
# --no-probe, and on arm64 --sysroot fixtures of two host classes. Also the
# what-if usage errors: an option that cannot apply is never ignored.
BIN=${1:-./kvm-ipa-check}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

[ -x "$BIN" ] || { fail "no program at $BIN"; done_testing; exit 1; }
tmp=$(mktemp -d)
trap '[ -n "${KIC_KEEP:-}" ] || rm -rf "$tmp"' EXIT
# A copy nobody can run and trees nobody can read (the worktree may be private).
cp "$BIN" "$tmp/kvm-ipa-check"
mkdir "$tmp/fixtures"
cp -R "$top/tests/fixtures/m1-36" "$top/tests/fixtures/a72-44" "$tmp/fixtures/"
chmod 755 "$tmp"
chmod -R a+rX "$tmp"
bin=$tmp/kvm-ipa-check

# One line per example, fields split by US (\037, not a blank: empty fields
# stay): SOURCE, ARGS, STATUS, VERDICT-PREFIX, VMM=VERSION=VERDICT ..., N,
# and the lines the example shows, in $tmp/lines.N. tests/whatif_examples.py
# is shared with tests/arm64/run-matrix, which runs them on real arm64 KVM.
python3 "$here/whatif_examples.py" "$top/README.md" "$top/man/kvm-ipa-check.1" "$tmp" \
	>"$tmp/examples" 2>&1
[ $? -eq 0 ] || { fail "extracting the examples: $(cat "$tmp/examples")"; done_testing; exit 1; }
n=$(wc -l <"$tmp/examples")
grep -q "^README.md" "$tmp/examples" && grep -q "^kvm-ipa-check.1" "$tmp/examples" &&
	pass "$n what-if examples found in README.md and the man page" ||
	fail "what-if examples in both README.md and the man page: $(cut -f1,2 "$tmp/examples")"

code_of() {
	case $1 in OK) echo 0 ;; WARNING) echo 1 ;; CRITICAL) echo 2 ;; *) echo 3 ;; esac
}

as_user() { # USER CMD...: root runs CMD as USER; anyone else runs it as is
	u=$1
	shift
	if [ "$u" = root ] || [ "$(id -u)" -ne 0 ]; then
		timeout 30 "$@"
	else
		timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	fi
}

users=root
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	users="root nobody"
elif [ "$(id -u)" -ne 0 ]; then
	users=self
fi
arch=$(uname -m)

# shellcheck disable=SC2034
us=$(printf '\037')
while IFS=$us read -r src args want prefix vmms idx; do
	wcode=$(code_of "$want")
	for where in live m1-36 a72-44; do
		for user in $users; do
			for np in "" --no-probe; do
				root_opt=""
				[ "$where" = live ] || root_opt="--sysroot $tmp/fixtures/$where"
				ctx="$src: $args ($where, $user${np:+, $np})"
				# shellcheck disable=SC2086
				as_user "$user" "$bin" $root_opt $np $args >"$tmp/out" 2>"$tmp/err"
				rc=$?
				is "$rc" "$wcode" "$ctx: exit $wcode ($want)"
				case $args in
				*--nagios*) line=$(head -n 1 "$tmp/out") ;;
				*) line=$(grep -E '^(OK|WARNING|CRITICAL|UNKNOWN): ' "$tmp/out") ;;
				esac
				case $line in
				"$prefix"*) pass "$ctx: verdict line as documented" ;;
				*) fail "$ctx: verdict line '$line', documented '$prefix...'" ;;
				esac
				for v in $vmms; do
					name=${v%%=*} rest=${v#*=} ver=${rest%%=*} verdict=${rest#*=}
					grep -qE "^  $name $ver \\[what-if\\] +: $(echo "$verdict" |
						tr a-z A-Z) " "$tmp/out" &&
						pass "$ctx: $name $ver $verdict" ||
						fail "$ctx: $name $ver not $verdict: $(grep "^  $name $ver " "$tmp/out")"
				done
				[ "$where" = live ] && [ "$arch" != aarch64 ] || continue
				# Shown as this x86-64 machine prints it: every line, up to a "...".
				if [ "$arch" = x86_64 ] && [ "$user$np" = root ]; then
					missing=$(python3 - "$tmp/lines.$idx" "$tmp/out" <<'PY'
import sys
out = open(sys.argv[2]).read().splitlines()
for l in open(sys.argv[1]).read().splitlines():
    want = l.split("...")[0]
    if not any(o.startswith(want) for o in out):
        print(l)
PY
					)
					is "$missing" "" "$ctx: every line the example shows is printed"
				fi
				# The JSON says which host is judged, and keeps this one's facts.
				case $args in *--nagios*) continue ;; esac
				# shellcheck disable=SC2086
				as_user "$user" "$bin" $np $args --json >"$tmp/out.json" 2>/dev/null
				jcheck "$tmp/out.json" "$ctx: JSON: arm64 judged, $arch measured" "
d['what_if']['arch'] == 'arm64' and d['what_if']['other_host'] is True
d['host']['arch'] == '$arch' and d['host']['live'] is True
d['kernel_behaviour_measured'] is False and d['assessed_ipa_limit'] == d['what_if']['ipa_limit']
d['kernel_behaviour'] != 'not-applicable' and d['exit_code'] == $wcode
"
			done
		done
	done
done <"$tmp/examples"

# --- what-if options that cannot apply are usage errors, never ignored ---
expect_usage() { # DESC ARGS...
	d=$1
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 64 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
		pass "$d: exit 64 with a message"
	else
		fail "$d: exit $rc, stderr '$(cat "$tmp/err")', stdout '$(head -c 200 "$tmp/out")'"
	fi
	out=$("$bin" --nagios "$@" 2>/dev/null)
	rc=$?
	if [ $rc -eq 3 ] && [ -n "$out" ]; then pass "$d with --nagios: exit 3 on stdout"
	else fail "$d with --nagios: exit $rc, '$out'"; fi
}
expect_usage "--kernel given twice" --no-probe --kernel 6.1 --kernel 5.10.23 --ipa-limit 36
expect_usage "--ipa-limit given twice" --no-probe --ipa-limit 36 --ipa-limit 40
mkdir -p "$tmp/x86/proc/sys/kernel"
echo x86_64 >"$tmp/x86/proc/sys/kernel/arch"
expect_usage "x86 tree: --kernel without --ipa-limit" --sysroot "$tmp/x86" --kernel 5.10.23
contains "$(cat "$tmp/err")" "--ipa-limit" "x86 tree: the message says to add --ipa-limit"
if [ "$arch" != aarch64 ]; then
	expect_usage "this $arch host: --kernel without --ipa-limit" --no-probe --kernel 5.10.23
fi
# On an arm64 tree --kernel alone uses the tree's limit (the kernel log's).
"$bin" --sysroot "$tmp/fixtures/m1-36" --kernel 5.10.23 --quiet >"$tmp/out" 2>&1
is "$?" 2 "arm64 tree: --kernel 5.10.23 alone on its 36 bits: CRITICAL"
contains "$(cat "$tmp/out")" "default-hangs (predicted)" "arm64 tree: predicted hang"
# --ipa-limit 36 alone from another architecture: the kernel decides, so unknown.
"$bin" --sysroot "$tmp/x86" --ipa-limit 36 --vmm firecracker=1.7.0 >"$tmp/out" 2>&1
is "$?" 3 "x86 tree: --ipa-limit 36 without --kernel: UNKNOWN"
contains "$(cat "$tmp/out")" "give --kernel" "x86 tree: says to give --kernel"
contains "$(cat "$tmp/out")" "firecracker 1.7.0 [what-if]       : WORKS" \
	"x86 tree: a sized VMM is still judged for the arm64 class"

# --- what-if kernels and versions, by how they are written ---
whatif() { # ARGS...: text report into $tmp/out, exit status into $wrc
	"$bin" --no-probe --ipa-limit 36 "$@" >"$tmp/out" 2>&1
	wrc=$?
}
# libvirt's version is its QEMU's, and the label says so.
whatif --kernel 6.1 --vmm libvirt=9.0.2
contains "$(cat "$tmp/out")" "libvirt (QEMU 9.0.2) [what-if]    : LIMITED libvirt's QEMU 9.0.2" \
	"libvirt=9.0.2: labelled as QEMU 9.0.2"
"$bin" --no-probe --ipa-limit 36 --kernel 6.1 --vmm libvirt=9.0.2 --nagios >"$tmp/out" 2>&1
contains "$(cat "$tmp/out")" "libvirt (QEMU 9.0.2) [what-if]: limited" "Nagios labels libvirt's QEMU version"
# A Debian version is read as dpkg's path reads it (7.2.7), not as QEMU "1".
whatif --kernel 6.1 --vmm qemu=1:7.2+dfsg-7+deb12u18
is "$wrc" 1 "qemu=1:7.2+dfsg-7+deb12u18 on 36 bits, kernel 6.1: WARNING (QEMU 7.2.7 is limited)"
contains "$(cat "$tmp/out")" "qemu 1:7.2+dfsg-7+deb12u18 [what-if]: LIMITED QEMU 7.2.7 sizes" \
	"qemu=1:7.2+dfsg-7+deb12u18: judged as QEMU 7.2.7"
whatif --kernel 6.1 --vmm libvirt=1:9.0.0-4
is "$wrc" 1 "libvirt=1:9.0.0-4: WARNING, not CRITICAL"
contains "$(cat "$tmp/out")" "libvirt (QEMU 1:9.0.0-4) [what-if]: LIMITED libvirt's QEMU 9.0.0" \
	"libvirt=1:9.0.0-4: judged as QEMU 9.0.0"
# gVisor: runsc's own "release-YYYYMMDD.N" and a dashed date are dates.
whatif --kernel 6.1 --vmm gvisor=release-20260801.0 --vmm gvisor=2026-08-01
contains "$(cat "$tmp/out")" "gvisor release-20260801.0 [what-if]: FAILS gVisor (runsc --platform=kvm) 2026-08-01 creates" \
	"gvisor=release-20260801.0: the release of 2026-08-01"
contains "$(cat "$tmp/out")" "gvisor 2026-08-01 [what-if]       : FAILS gVisor (runsc --platform=kvm) 2026-08-01 creates" \
	"gvisor=2026-08-01: the release of 2026-08-01, not 2026"
# Hyperlight before 0.16 does not run on arm64 KVM: nothing to judge, no invented error.
whatif --kernel 6.1 --vmm hyperlight=0.15
contains "$(cat "$tmp/out")" "hyperlight 0.15 [what-if]         : UNKNOWN Hyperlight 0.15 has no arm64 KVM backend" \
	"hyperlight=0.15: no arm64 KVM backend before 0.16"
case $(cat "$tmp/out") in *"os error"*) fail "hyperlight=0.15: no quoted error" ;; *) pass "hyperlight=0.15: no quoted error" ;; esac
# 5.12 release candidates: the fix was posted after -rc2.
for rc in 1 2; do
	whatif --kernel "5.12-rc$rc" --quiet
	is "$wrc" 2 "--kernel 5.12-rc$rc: CRITICAL"
	contains "$(cat "$tmp/out")" "default-hangs (predicted): 5.12-rc$rc predates the 2021 fix" \
		"--kernel 5.12-rc$rc: before the fix, the guest hangs"
done
whatif --kernel 5.12-rc3 --quiet
is "$wrc" 3 "--kernel 5.12-rc3: UNKNOWN (the fix landed around it)"
whatif --kernel 5.12-rc4 --quiet
is "$wrc" 1 "--kernel 5.12-rc4: WARNING, the fix is in"
contains "$(cat "$tmp/out")" "default-rejected (predicted)" "--kernel 5.12-rc4: rejected"

done_testing

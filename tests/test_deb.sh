#!/bin/sh
# Debian packaging: `make deb` (dpkg-buildpackage -us -uc -b in a clean copy
# of the tree, see mk/package.mk) and `make dsc`, lintian on both (no errors,
# no warnings), the package's files at Debian's paths, and the packaged tool,
# man page and completions used from a throwaway root (dpkg -x).
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)

need build-essential dpkg-dev debhelper lintian pkg-config libkmod-dev libudev-dev \
	bash-completion python3 git man-db file
git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout (make deb packages the files git knows)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Under `make check` the outer make's flags (O=...) must not reach our make.
unset MAKEFLAGS MFLAGS MAKELEVEL
VERSION=$(sed -n 's/^VERSION *:= *//p' "$REPO/Makefile")
ARCH=$(dpkg --print-architecture)

is "$(dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version)" "$VERSION" \
	"debian/changelog version is the Makefile's VERSION"
is "$(cat "$REPO/debian/source/format")" "3.0 (native)" "source format 3.0 (native)"

# --- build ---
ls -A "$REPO/.." >"$tmp/parent.before"
start=$(date +%s)
# (with a stray O in the environment, as under `make O=DIR check`)
O="$tmp/stray" make -C "$REPO" --no-print-directory deb DEB_OUT="$tmp/deb" >"$tmp/build.log" 2>&1
rc=$?
is "$rc" 0 "make deb (dpkg-buildpackage -us -uc -b) succeeds in $(($(date +%s) - start)) s"
[ $rc -eq 0 ] || tail -n 30 "$tmp/build.log" | sed 's/^/#   /'
DEB=$tmp/deb/kvm-ipa-check_${VERSION}_$ARCH.deb
[ -f "$DEB" ] || { fail "no $DEB"; done_testing; exit 1; }
n=$(sed -n 's/^unit: \([0-9]*\) passed, 0 failed$/\1/p' "$tmp/build.log")
if [ "${n:-0}" -gt 0 ]; then pass "the package build ran the unit tests ($n passed)"
else fail "the package build ran no unit test: $(grep '^unit:' "$tmp/build.log")"; fi
[ -e "$tmp/stray" ] && fail "the package build wrote to \$O ($tmp/stray)" ||
	pass "the package build stays in its tree whatever O the environment has"
ls -A "$REPO/.." >"$tmp/parent.after"
is "$(comm -13 "$tmp/parent.before" "$tmp/parent.after" | grep '^kvm-ipa-check')" "" \
	"nothing written next to the work tree"
left=""
for f in "$REPO"/debian/* "$REPO"/debian/.[!.]*; do
	[ -e "$f" ] || continue
	case ${f##*/} in
	changelog | control | copyright | rules | source | kvm-ipa-check.docs | kvm-ipa-check.examples | \
		kvm-ipa-check.install | kvm-ipa-check.postrm | kvm-ipa-check.lintian-overrides) ;;
	*) left="$left ${f##*/}" ;;
	esac
done
is "$left" "" "no build output left in debian/"

# --- lintian ---
lint() { # WHAT FILE: lintian exits non-zero on any error or warning tag
	lintian --fail-on error,warning --tag-display-limit 0 "$2" >"$tmp/lint" 2>&1
	lrc=$?
	if [ $lrc -eq 0 ] && ! grep -q '^[EW]: ' "$tmp/lint"; then
		pass "lintian: no errors or warnings on the $1"
	else
		fail "lintian on the $1 (exit $lrc)"
	fi
	grep -v '^running with root privileges' "$tmp/lint" | sed 's/^/#   /'
}
lint "binary package (.changes)" "$tmp/deb/kvm-ipa-check_${VERSION}_$ARCH.changes"
make -C "$REPO" --no-print-directory dsc DEB_OUT="$tmp/src" >"$tmp/dsc.log" 2>&1
is "$?" 0 "make dsc (dpkg-source -b) succeeds"
lint "source package (.dsc)" "$tmp/src/kvm-ipa-check_$VERSION.dsc"

# --- contents ---
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/kvm-ipa-check \
	/usr/share/man/man1/kvm-ipa-check.1.gz \
	/usr/share/bash-completion/completions/kvm-ipa-check \
	/usr/share/zsh/vendor-completions/_kvm-ipa-check \
	/usr/share/fish/vendor_completions.d/kvm-ipa-check.fish \
	/usr/share/doc/kvm-ipa-check/copyright \
	/usr/share/doc/kvm-ipa-check/changelog.gz \
	/usr/share/doc/kvm-ipa-check/examples/kvm-ipa.rules.yml \
	/lib/systemd/system/kvm-ipa-check-textfile.service \
	/lib/systemd/system/kvm-ipa-check-textfile.timer; do
	grep -qx "$f" "$tmp/files" && pass "ships $f" || fail "does not ship $f"
done
# sos 4.x imports plugins from its own package only (sos.report.plugins):
# the plugin goes where Debian's sosreport has that package.
SOSDIR=$(dpkg -L sosreport 2>/dev/null | sed -n 's|/__init__\.py$||p' | grep '/sos/report/plugins$')
if [ -n "$SOSDIR" ]; then
	grep -qx "$SOSDIR/kvm_ipa.py" "$tmp/files" &&
		pass "ships the sos plugin in sosreport's plugin package ($SOSDIR)" ||
		fail "sos plugin not in $SOSDIR: $(grep kvm_ipa.py "$tmp/files")"
else
	grep -qx /usr/lib/python3/dist-packages/sos/report/plugins/kvm_ipa.py "$tmp/files" &&
		pass "ships the sos plugin in sos.report.plugins (sosreport not installed to compare)" ||
		fail "no sos plugin in the package"
fi
is "$(grep -c 'examples/.*\(service\|timer\|\.py\)$' "$tmp/files")" 0 \
	"units and plugin are installed, not duplicated as examples"
is "$(grep -c '^/usr/local\|^/etc/bash_completion.d' "$tmp/files")" 0 \
	"nothing in /usr/local or the obsolete /etc/bash_completion.d"
bashdir=$(pkg-config --variable=completionsdir bash-completion)
grep -qx "$bashdir/kvm-ipa-check" "$tmp/files" &&
	pass "bash completion where bash-completion's pkg-config says ($bashdir)" ||
	fail "bash completion not in $bashdir"
dep=$(dpkg-deb -f "$DEB" Depends)
contains "$dep" "libkmod2" "Depends: libkmod2 (dlopen()ed: declared in debian/control)"
contains "$dep" "libudev1" "Depends: libudev1 (from shlibs)"
is "$(dpkg-deb -f "$DEB" Architecture)" "$ARCH" "Architecture: $ARCH"

# --- the packaged files, used from a throwaway root ---
R=$tmp/root
dpkg -x "$DEB" "$R"
is "$("$R/usr/bin/kvm-ipa-check" --version)" "kvm-ipa-check $VERSION" "packaged binary: --version"
file "$R/usr/bin/kvm-ipa-check" 2>/dev/null | grep -q 'not stripped' &&
	fail "packaged binary is not stripped" || pass "packaged binary is stripped (debug symbols in -dbgsym)"
t=$tmp/tree
mkdir -p "$t/proc/sys/kernel" "$t/var/log" "$t/sys/devices/system/cpu/cpu0/regs/identification"
echo aarch64 >"$t/proc/sys/kernel/arch"
echo 6.1.0-28-arm64 >"$t/proc/sys/kernel/osrelease"
echo 0 >"$t/sys/devices/system/cpu/possible"
echo 0x00000000410fd034 >"$t/sys/devices/system/cpu/cpu0/regs/identification/midr_el1"
printf '[    0.5] kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited VM/VMM compatibility)\n' \
	>"$t/var/log/dmesg"
"$R/usr/bin/kvm-ipa-check" --json --sysroot "$t" >"$tmp/out.json" 2>/dev/null
is "$?" 1 "packaged binary on a 36-bit arm64 tree: WARNING"
jcheck "$tmp/out.json" "packaged binary: JSON of the offline tree" "
d['host']['arch'] == 'arm64' and d['host']['live'] is False
d['tool_version'] == '$VERSION'
"
out=$(MANWIDTH=80 man -l "$R/usr/share/man/man1/kvm-ipa-check.1.gz" 2>"$tmp/man.err")
contains "$out" "kvm-ipa-check" "man -l renders the packaged man page"
is "$(cat "$tmp/man.err")" "" "man page renders without warnings"
out=$(bash -c ". '$R/usr/share/bash-completion/completions/kvm-ipa-check' && complete -p kvm-ipa-check" 2>&1)
contains "$out" "kvm-ipa-check" "packaged bash completion registers for kvm-ipa-check"
if command -v zsh >/dev/null; then
	zsh -n "$R/usr/share/zsh/vendor-completions/_kvm-ipa-check" &&
		pass "packaged zsh completion parses" || fail "packaged zsh completion: syntax error"
	out=$(zsh -fc 'print -l $fpath' | grep -x /usr/share/zsh/vendor-completions)
	is "$out" /usr/share/zsh/vendor-completions "Debian's zsh searches /usr/share/zsh/vendor-completions"
fi
if command -v fish >/dev/null; then
	fish -n "$R/usr/share/fish/vendor_completions.d/kvm-ipa-check.fish" &&
		pass "packaged fish completion parses" || fail "packaged fish completion: syntax error"
	out=$(fish -c 'string join \n $fish_complete_path' 2>/dev/null |
		grep -x /usr/share/fish/vendor_completions.d)
	is "$out" /usr/share/fish/vendor_completions.d "fish searches /usr/share/fish/vendor_completions.d"
fi

# --- install, use, purge: the real dpkg on this host ---
# Skipped where the package is already installed (not ours to remove) or
# not root. Everything the package or its units and plugin create must be
# gone after the purge; files are found by name, so that other activity on
# the host does not count.
leftovers() {
	find / -xdev \( -path /proc -o -path /sys -o -path /tmp -o -path /work -o -path /root \
		-o -path /var/lib/dpkg -o -path /var/log -o -path /var/cache \) -prune -o \
		\( -name '*kvm-ipa*' -o -name '*kvm_ipa*' \) -print 2>/dev/null | sort
}
if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: install/purge not tested"
elif dpkg-query -W -f='${Status}' kvm-ipa-check 2>/dev/null | grep -q 'ok installed'; then
	echo "# kvm-ipa-check is already installed on this host: install/purge not tested"
else
	leftovers >"$tmp/before"
	trap 'dpkg --purge kvm-ipa-check >/dev/null 2>&1; rm -rf "$tmp"' EXIT
	# (another apt/dpkg on the host may hold the lock for a while)
	dpkgw() {
		for _ in $(seq 1 60); do
			dpkg "$@" >"$tmp/dpkg.out" 2>&1 && return 0
			grep -q 'lock' "$tmp/dpkg.out" || { cat "$tmp/dpkg.out"; return 1; }
			sleep 3
		done
		cat "$tmp/dpkg.out"
		return 1
	}
	if dpkgw -i "$DEB" >"$tmp/dpkg.log" 2>&1; then
		pass "dpkg -i installs the package"
	else
		fail "dpkg -i: $(tail -5 "$tmp/dpkg.log")"
	fi
	wants=$(ls /etc/systemd/system/*.wants/kvm-ipa-check* 2>/dev/null)
	is "$wants" "" "the textfile timer and service are installed disabled (no .wants link)"
	# What the timer's service would do (no systemd as PID 1 here): its
	# ExecStart=, as installed, writes the textfile.
	cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/kvm-ipa-check-textfile.service)
	TF=/var/lib/prometheus/node-exporter
	madedir=""
	[ -d "$TF" ] || { mkdir -p "$TF" && madedir=1; }
	# shellcheck disable=SC2086
	timeout 60 $cmd >/dev/null 2>&1
	[ -s "$TF/kvm_ipa.prom" ] && pass "the installed unit's command writes $TF/kvm_ipa.prom" ||
		fail "the unit's command ($cmd) wrote no $TF/kvm_ipa.prom"
	# sos imports the plugin as root: Python leaves bytecode beside it.
	if [ -n "$SOSDIR" ] && env -u PYTHONDONTWRITEBYTECODE /usr/bin/python3 -c 'import sos.report.plugins.kvm_ipa' 2>/dev/null; then
		ls "$SOSDIR"/__pycache__/kvm_ipa.*.pyc >/dev/null 2>&1 &&
			pass "sos's python imports the installed plugin (bytecode written)" ||
			fail "no bytecode after importing the plugin"
	fi
	dpkgw --purge kvm-ipa-check >"$tmp/purge.log" 2>&1
	is "$?" 0 "dpkg --purge succeeds"
	[ -n "$madedir" ] && rmdir "$TF" 2>/dev/null
	leftovers >"$tmp/after"
	is "$(comm -13 "$tmp/before" "$tmp/after" | tr '\n' ' ')" "" \
		"purge leaves nothing behind (textfile, bytecode, units, systemd state)"
	is "$(ls -A "$TF" 2>/dev/null | grep -c 'kvm')" 0 "no kvm_ipa.prom or temp file in $TF"
	trap 'rm -rf "$tmp"' EXIT
fi

done_testing

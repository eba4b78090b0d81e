#!/bin/sh
# Every shell example of README.md, docs/*.md and the man page's EXAMPLES,
# extracted (tests/extract_examples.py: ```sh blocks, .EX/.EE under
# .SH EXAMPLES), run exactly as printed, as root, in root's default
# environment (env -i, Debian's root PATH, cwd the source tree), each in its
# own throwaway copy of this system: a private mount namespace whose root is
# an overlay of / on a tmpfs, so that whatever an example installs, copies
# or writes (/etc, /usr, /var, the tree) is gone afterwards. /dev, /proc and
# /sys are the host's: examples probe the real /dev/kvm. The build is
# installed there first (make install PREFIX=/usr), as the docs assume.
#
# A block passes when `sh -e` runs it to exit 0, or to 1-3 (a verdict) when
# its last command runs kvm-ipa-check. Lines that cannot run here are left
# out, each with its reason (SKIP below); nothing else is skipped.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "$BIN")
BUILD=$(cd "${KIC_BUILD:-$(dirname "$BIN")}" && pwd)
[ -x "$BIN" ] || skip "no binary at $BIN (build first)"
[ "$(id -u)" -eq 0 ] || skip "needs root (a private mount namespace and an overlay root)"
need python3 sudo util-linux
unshare -m true 2>/dev/null || skip "no private mount namespace here (unshare -m)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(python3 "$REPO/tests/extract_examples.py" "$tmp/ex" "$REPO/README.md" "$REPO"/docs/*.md \
	"$REPO/man/kvm-ipa-check.1") || { fail "cannot extract the examples"; done_testing; exit 1; }
[ "$n" -gt 10 ] && pass "extracted $n shell examples" || fail "only $n examples extracted"

# SKIP: "regex over one command line :: reason". Only what cannot run here.
SKIP='(^|&& *)make check( |$) :: the full suite, which runs this test
^sudo tests/install-deps :: installs the packages of the suite running this test (done before it)'
if [ ! -d /run/systemd/system ]; then
	SKIP="$SKIP
^systemctl  :: needs systemd as PID 1 (this machine has none: $(ps -p 1 -o comm=))"
fi

# sandbox SCRIPT LOG: run SCRIPT in a throwaway overlay root
sandbox() {
	S=$tmp/sb
	mkdir -p "$S"
	timeout -k 5 "${KIC_EXAMPLE_TIMEOUT:-600}" unshare -m sh -c '
		S=$1 REPO=$2 BUILD=$3 SCRIPT=$4
		mount --make-rprivate / &&
		mount -t tmpfs tmpfs "$S" && mkdir "$S/up" "$S/work" "$S/root" &&
		mount -t overlay overlay -o "lowerdir=/,upperdir=$S/up,workdir=$S/work" "$S/root" &&
		mount --rbind /dev "$S/root/dev" && mount -t proc proc "$S/root/proc" &&
		mount --rbind /sys "$S/root/sys" || exit 125
		cp "$SCRIPT" "$S/root/example.sh"
		chroot "$S/root" env -i HOME=/root LOGNAME=root USER=root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c "make -s -C \"$REPO\" install PREFIX=/usr O=\"$BUILD\" >/dev/null 2>&1 ||
				{ echo \"make install failed\"; exit 125; }
				cd \"$REPO\" && exec sh -e /example.sh"
	' sandbox "$S" "$REPO" "$BUILD" "$1" >"$2" 2>&1 </dev/null
}

# A sosreport of an arm64 host, for the man page's `tar xf sosreport-...`.
mksos() {
	d=$1/sosreport-host1-2026-11-20
	cp -a "$REPO/tests/fixtures/m1-36" "$d"
	mkdir -p "$d/sos_commands/kernel"
	[ -f "$d/var/log/dmesg" ] && mv "$d/var/log/dmesg" "$d/sos_commands/kernel/dmesg"
	tar -C "$1" -cJf "$1/sosreport-host1-2026-11-20.tar.xz" sosreport-host1-2026-11-20
	rm -rf "$d"
}

for f in "$tmp"/ex/*.sh; do
	where=$(sed "s|^$REPO/||" "${f%.sh}.where")
	# KIC_EXAMPLES=REGEX: only the examples whose file:line matches
	echo "$where" | grep -Eq "${KIC_EXAMPLES:-.}" || continue
	# Leave out the lines that cannot run here, saying why.
	: >"$f.run"
	while IFS= read -r line; do
		reason=$(echo "$SKIP" | while IFS= read -r rule; do
			echo "$line" | grep -Eq "${rule%% :: *}" && { echo "${rule#* :: }"; break; }
		done)
		if [ -n "$reason" ]; then
			echo "# $where: skipped \`$line\`: $reason"
			echo ": skipped" >>"$f.run"
		else
			printf '%s\n' "$line" >>"$f.run"
		fi
	done <"$f"
	if ! grep -qv '^: skipped$' "$f.run"; then
		continue
	fi
	if grep -q 'sosreport-host1-2026-11-20.tar.xz' "$f.run"; then
		# setup: the tarball the example unpacks, into the (throwaway) tree
		mksos "$tmp"
		sed -i "1i cp $tmp/sosreport-host1-2026-11-20.tar.xz ." "$f.run"
	fi
	start=$(date +%s)
	sandbox "$f.run" "$f.log"
	rc=$?
	secs=$(($(date +%s) - start))
	last=$(grep -v '^\s*\(#\|$\)' "$f" | tail -n 1)
	first=$(head -n 1 "$f")
	case $rc in
	0) pass "$where: \`$first\` runs (${secs}s)" ;;
	1 | 2 | 3)
		case $last in
		*kvm-ipa-check\ * | *kvm-ipa-check) pass "$where: \`$first\` runs, verdict exit $rc (${secs}s)" ;;
		*) fail "$where: \`$first\` exits $rc" ;;
		esac
		;;
	*) fail "$where: \`$first\` exits $rc" ;;
	esac
	if [ "$rc" -gt 3 ] || { [ "$rc" -ne 0 ] && ! echo "$last" | grep -q kvm-ipa-check; }; then
		tail -n 15 "$f.log" | sed 's/^/#   /'
	fi
done

done_testing

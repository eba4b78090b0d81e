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
# A block passes when every command in it succeeds, kvm-ipa-check's own
# verdict exits (1-3) aside (see runner.sh below). Lines that cannot run here are left
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

# The example runs as pasted into root's shell (bash, no -e: a verdict exit
# does not stop it), but any other failing command ends it with its status
# and the command (the ERR trap, i.e. what `set -e` would stop at). A 1-3
# exit of kvm-ipa-check itself is its verdict, not a failure.
cat >"$tmp/runner.sh" <<'RUNNER'
verdict=""
on_err() {
	case $2 in
	". /example.sh") return 0 ;; # the block's own status, judged below
	kvm-ipa-check* | ./kvm-ipa-check* | /usr/bin/kvm-ipa-check* | sudo\ kvm-ipa-check* | \
		sudo\ ./kvm-ipa-check* | sudo\ /usr/bin/kvm-ipa-check*)
		if [ "$1" -le 3 ]; then
			verdict=$1
			return 0
		fi
		;;
	esac
	echo "EXAMPLE FAILED: exit $1 at: $2" >&2
	exit "$1"
}
trap 'on_err $? "$BASH_COMMAND"' ERR
. /example.sh
rc=$?
trap - ERR
[ "$rc" -eq 0 ] || [ "$rc" = "$verdict" ] && exit 0
echo "EXAMPLE FAILED: exit $rc (the last command or an && list)" >&2
exit "$rc"
RUNNER

# sandbox SCRIPT LOG: run SCRIPT in a throwaway overlay root
sandbox() {
	S=$tmp/sb
	mkdir -p "$S"
	timeout -k 5 "${KIC_EXAMPLE_TIMEOUT:-600}" unshare -m sh -c '
		S=$1 REPO=$2 BUILD=$3 SCRIPT=$4 RUNNER=$5
		mount --make-rprivate / &&
		mount -t tmpfs tmpfs "$S" && mkdir "$S/up" "$S/work" "$S/root" &&
		mount -t overlay overlay -o "lowerdir=/,upperdir=$S/up,workdir=$S/work" "$S/root" &&
		mount --rbind /dev "$S/root/dev" && mount -t proc proc "$S/root/proc" &&
		mount --rbind /sys "$S/root/sys" || exit 125
		cp "$SCRIPT" "$S/root/example.sh"
		cp "$RUNNER" "$S/root/runner.sh"
		chroot "$S/root" env -i HOME=/root LOGNAME=root USER=root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c "make -s -C \"$REPO\" install PREFIX=/usr O=\"$BUILD\" >/dev/null 2>&1 ||
				{ echo \"make install failed\"; exit 125; }
				cd \"$REPO\" && exec bash /runner.sh"
	' sandbox "$S" "$REPO" "$BUILD" "$1" "$tmp/runner.sh" >"$2" 2>&1 </dev/null
}

# Setup for examples that start from sosreports (the reader has them; this
# machine does not): every sosreport-NAME.tar.xz a block names is made from
# the sosreport-shaped fixture (tests/fixtures/sos-m1-36, or m1-36 with its
# kernel log where sos keeps it), and a block that globs sosreport-*/ gets
# one extracted. Made in $tmp/sos and copied into the (throwaway) tree.
SOSFIX=$REPO/tests/fixtures/sos-m1-36
mksos() { # DIR NAME: DIR/NAME, a sosreport tree
	if [ -d "$SOSFIX" ]; then
		cp -a "$SOSFIX" "$1/$2"
	else
		cp -a "$REPO/tests/fixtures/m1-36" "$1/$2"
		mkdir -p "$1/$2/sos_commands/kernel"
		mv "$1/$2/var/log/dmesg" "$1/$2/sos_commands/kernel/dmesg" 2>/dev/null
	fi
}
sos_setup() { # BLOCK: prints the setup lines for the block
	rm -rf "$tmp/sos"
	mkdir -p "$tmp/sos"
	for t in $(grep -o 'sosreport-[A-Za-z0-9._-]*\.tar\.xz' "$1" | sort -u); do
		n=${t%.tar.xz}
		mksos "$tmp/sos" "$n"
		tar -C "$tmp/sos" -cJf "$tmp/sos/$t" "$n"
		rm -rf "${tmp:?}/sos/$n"
		echo "cp $tmp/sos/$t ."
	done
	if grep -q 'sosreport-\*' "$1"; then
		mksos "$tmp/sos" sosreport-host1-2026-11-29-fixture
		echo "cp -a $tmp/sos/sosreport-host1-2026-11-29-fixture ."
	fi
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
	sos_setup "$f.run" >"$f.setup"
	if [ -s "$f.setup" ]; then
		cat "$f.setup" "$f.run" >"$f.tmp" && mv "$f.tmp" "$f.run"
	fi
	start=$(date +%s)
	sandbox "$f.run" "$f.log"
	rc=$?
	secs=$(($(date +%s) - start))
	first=$(head -n 1 "$f")
	if [ "$rc" -eq 0 ]; then
		pass "$where: \`$first\` runs (${secs}s)"
	else
		fail "$where: \`$first\` exits $rc: $(grep '^EXAMPLE FAILED' "$f.log" | tail -n 1)"
		tail -n 15 "$f.log" | sed 's/^/#   /'
	fi
done

done_testing

#!/bin/sh
# Faults: every answer is true or UNKNOWN with the reason, nothing is left
# behind, nothing outside a copied tree is read, nothing is written through
# a link or a device. Real faults, no fakes: strace -e inject (EMFILE,
# ENOMEM, EPERM, ENOSYS, delays), ulimits, signals at random points, a full
# tmpfs, a read-only mount, /dev/full, hostile trees. Numbers refer to the
# items of issue 12.
# Usage: tests/test_faults.sh [path/to/kvm-ipa-check]
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
BIN=${1:-${KIC_BIN:-./kvm-ipa-check}}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ -x "$BIN" ] || skip "$BIN not built"
command -v strace >/dev/null || need strace
command -v strace >/dev/null || skip "strace not installed"
# the system python: a pyenv shim costs 1.5 s a start, this suite starts it ~80 times
[ -x /usr/bin/python3 ] && python3() { /usr/bin/python3 "$@"; }
tmp=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	chmod -R u+rwX "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
root=$([ "$(id -u)" -eq 0 ] && echo yes)
ulimit -c 0 # a SIGQUIT before the handlers are in place must not dump core
kvm=$([ -r /dev/kvm ] && [ -w /dev/kvm ] && echo yes)

# fds left open at exit, reported by tests/fdcheck.c preloaded (no rebuild)
fdso=$tmp/fdcheck.so
cc -shared -fPIC -O1 -o "$fdso" tests/fdcheck.c 2>/dev/null || fdso=""
mkdir "$tmp/fdrep"
run() { # run the tool with the fd check preloaded; extra env before "--"
	if [ -n "$fdso" ]; then
		LD_PRELOAD=$fdso KIC_FDCHECK=$tmp/fdrep KIC_FDCHECK_REPORT_ONLY=1 "$BIN" "$@"
	else
		"$BIN" "$@"
	fi
}
no_fd_leaks() {
	if [ -z "$fdso" ]; then
		pass "$1: fd check not built (no cc), skipped"
	elif [ -z "$(ls -A "$tmp/fdrep")" ]; then
		pass "$1: no fd left open at exit"
	else
		fail "$1: fds left open: $(cat "$tmp"/fdrep/* | head -c 400)"
		rm -f "$tmp"/fdrep/*
	fi
}
# has_ctl FILE: any C0 control byte but newline, or DEL
has_ctl() { LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; }
json_ok() { python3 -m json.tool "$1" >/dev/null 2>&1; }
prom_ok() { ! command -v promtool >/dev/null || [ -z "$(promtool check metrics <"$1" 2>&1)" ]; }
reason() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["probes"]; print(p.get("incomplete_reason") or p.get("skipped_reason") or "")' "$1" 2>/dev/null; }

mktree "$tmp/tree" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 44 bits"

# ---- 1, 8: --output -------------------------------------------------------
out=$tmp/out
mkdir "$out"
echo keep >"$out/target"
ln -s target "$out/link"
run --sysroot "$tmp/tree" --json -o "$out/link" 2>"$tmp/err"
is "$?" 74 "1: -o onto a symlink: refused, exit 74"
[ -L "$out/link" ] && [ "$(cat "$out/target")" = keep ] &&
	pass "1: the symlink and its target are untouched" || fail "1: symlink or target changed"
contains "$(cat "$tmp/err")" "symbolic link" "1: says it refuses the symlink"
mkfifo "$out/fifo"
timeout 10 "$BIN" --sysroot "$tmp/tree" --json -o "$out/fifo" 2>"$tmp/err"
is "$?" 74 "1: -o onto a FIFO: refused at once (no reader needed), exit 74"
[ -p "$out/fifo" ] && pass "1: the FIFO is still a FIFO" || fail "1: the FIFO was replaced"
"$BIN" --sysroot "$tmp/tree" --json -o /dev/null
is "$?" 0 "1: -o /dev/null written through: exit is the verdict"
"$BIN" --sysroot "$tmp/tree" --json -o /dev/full 2>"$tmp/err"
is "$?" 74 "8: -o /dev/full: exit 74"
contains "$(cat "$tmp/err")" "No space left on device" "8: -o /dev/full: the real errno (ENOSPC)"
[ -c /dev/null ] && [ -c /dev/full ] && pass "1: /dev/null and /dev/full are still devices" ||
	fail "1: /dev/null or /dev/full replaced"
if [ -n "$root" ] && [ -e /dev/loop-control ] || [ -e /dev/zero ]; then
	# a device that is not a harmless sink: refused, never written
	"$BIN" --sysroot "$tmp/tree" --json -o /dev/zero 2>"$tmp/err"
	is "$?" 74 "1: -o /dev/zero (another device): refused, exit 74"
fi
# odd names: "" names nothing (usage), "-" is stdout, a kernel file system says so
"$BIN" --sysroot "$tmp/tree" --json -o "" >/dev/null 2>"$tmp/err"
is "$?" 64 "18: -o '': usage error 64, like --sysroot ''"
contains "$(cat "$tmp/err")" "empty file name" "18: -o '': says the name is empty"
out1=$("$BIN" --sysroot "$tmp/tree" --nagios -o "" 2>/dev/null)
is "$?" 3 "18: -o '' with --nagios: 3"
contains "$out1" "KVM-IPA UNKNOWN - --output: empty file name" "18: -o '' with --nagios: one status line"
(cd "$out" && "$BIN" --sysroot "$tmp/tree" --json -o - >"$tmp/dash.json")
json_ok "$tmp/dash.json" && [ ! -e "$out/-" ] && pass "18: -o - writes to standard output, no file named '-'" ||
	fail "18: -o - did not write JSON to stdout (or left a file '-')"
for p in /proc/sys/kernel/osrelease /proc/sys/kernel/kic-new /sys/kernel/kic-new; do
	[ -d "$(dirname "$p")" ] || continue
	before=$(cat "$p" 2>/dev/null)
	"$BIN" --sysroot "$tmp/tree" --json -o "$p" 2>"$tmp/err"
	rc=$?
	err=$(cat "$tmp/err")
	if [ $rc -eq 74 ] && case $err in *"a kernel interface"*"refused"*) true ;; *) false ;; esac; then
		pass "18: -o $p: refused, naming the kernel file system ($err)"
	else
		fail "18: -o $p: exit $rc, '$err'"
	fi
	[ "$(cat "$p" 2>/dev/null)" = "$before" ] || fail "18: $p changed"
done
"$BIN" --sysroot "$tmp/tree" --json -o "$out/" 2>"$tmp/err"
is "$?" 74 "18: -o DIR/: refused, exit 74"
contains "$(cat "$tmp/err")" "a file name is needed" "18: -o DIR/: says a file name is needed"
"$BIN" --sysroot "$tmp/tree" --json -o "$out" 2>"$tmp/err"
contains "$(cat "$tmp/err")" "is a directory" "18: -o DIR: says it is a directory"
# old mode and owner kept; a new file gets the umask
echo old >"$out/m.prom"
chmod 0640 "$out/m.prom"
[ -n "$root" ] && chown 65534:65534 "$out/m.prom"
before=$(stat -c '%a %u %g' "$out/m.prom")
run --sysroot "$tmp/tree" --prometheus -o "$out/m.prom"
is "$?" 0 "8: -o over an existing file: exit is the verdict"
is "$(stat -c '%a %u %g' "$out/m.prom")" "$before" "8: the old file's mode and owner are kept"
prom_ok "$out/m.prom" && pass "8: the replaced file passes promtool" || fail "8: promtool"
(umask 027 && "$BIN" --sysroot "$tmp/tree" --json -o "$out/new.json")
is "$(stat -c %a "$out/new.json")" 640 "8: a new file honours the umask (027 -> 0640)"
no_fd_leaks "1: --output runs"

# ENOSPC on a tiny tmpfs, EROFS on a read-only one
if [ -n "$root" ] && mkdir "$tmp/mnt" && mount -t tmpfs -o size=8k tmpfs "$tmp/mnt" 2>/dev/null; then
	mnt=$tmp/mnt
	dd if=/dev/zero of="$mnt/fill" bs=1k count=64 2>/dev/null
	echo x >"$mnt/m.json" 2>/dev/null
	"$BIN" --sysroot "$tmp/tree" --json -v -o "$mnt/m.json" 2>"$tmp/err"
	is "$?" 74 "8: ENOSPC on a full tmpfs: exit 74"
	contains "$(cat "$tmp/err")" "No space left on device" "8: ENOSPC reported as such"
	is "$(ls -A "$mnt" | grep -c '\.tmp$')" 0 "8: ENOSPC: no temp file left"
	rm -f "$mnt/fill"
	mount -o remount,ro "$mnt"
	"$BIN" --sysroot "$tmp/tree" --json -o "$mnt/m.json" 2>"$tmp/err"
	is "$?" 74 "8: read-only filesystem: exit 74"
	contains "$(cat "$tmp/err")" "Read-only file system" "8: EROFS reported as such"
	umount "$mnt" && mnt=""
else
	pass "8: tmpfs not mountable here (not root): ENOSPC/EROFS cases skipped"
fi
for a in --help --version; do
	"$BIN" $a >/dev/full 2>"$tmp/err"
	is "$?" 74 "8: $a to /dev/full exits 74, not 0"
done
"$BIN" --sysroot "$tmp/tree" --json >/dev/full 2>"$tmp/err"
is "$?" 74 "8: report to a full stdout: exit 74"
"$BIN" --sysroot "$tmp/tree" --nagios >/dev/full 2>/dev/null
is "$?" 3 "8: --nagios to a full stdout: exit 3"
if unit=$(ls contrib/systemd/*.service 2>/dev/null | head -n 1) && [ -n "$unit" ]; then
	ok=$(sed -n 's/^SuccessExitStatus=//p' "$unit")
	case " $ok " in *" 74 "* | *" 64 "*) fail "8: $unit counts 64/74 as success ($ok)" ;;
	*) pass "8: $unit counts a write failure (74) as failure" ;; esac
fi

# ---- 7: signals at random points leave nothing behind -----------------------
sig_ok=0 sig_bad=""
i=0
while [ $i -lt 16 ]; do
	i=$((i + 1))
	d=$tmp/sig$i
	mkdir "$d"
	set -- INT TERM HUP QUIT
	shift $((i % 4))
	"$BIN" --json -o "$d/r.json" 2>/dev/null &
	pid=$!
	sleep "0.00$((i % 8))"
	kill -"$1" $pid 2>/dev/null
	wait $pid
	rc=$?
	left=$(ls -A "$d" | grep -v '^r.json$')
	if [ -n "$left" ]; then
		sig_bad="$sig_bad SIG$1:left $left"
	elif [ $rc -gt 128 ] && [ ! -e "$d/r.json" ]; then
		sig_ok=$((sig_ok + 1)) # killed while the loader ran: nothing begun
	elif [ $rc -ne 0 ] && [ $rc -ne 3 ] && [ $rc -ne 74 ]; then
		sig_bad="$sig_bad SIG$1:exit$rc"
	elif [ -e "$d/r.json" ] && ! json_ok "$d/r.json"; then
		sig_bad="$sig_bad SIG$1:badjson"
	elif [ $rc -eq 3 ] && ! reason "$d/r.json" | grep -q "signal"; then
		sig_bad="$sig_bad SIG$1:noreason($(reason "$d/r.json"))"
	else
		sig_ok=$((sig_ok + 1))
	fi
done
[ -z "$sig_bad" ] && pass "7: 16 signals at random points: exit 0 or 3 (signal named), valid JSON, no temp file" ||
	fail "7: signals:$sig_bad"

# SIGTERM while the facts stage is slow (every read delayed): honoured at once
strace -f -qq -o /dev/null -e trace=read -e inject=read:delay_enter=30000 \
	"$BIN" --json -o "$tmp/term.json" 2>/dev/null &
spid=$!
sleep 0.4
pkill -TERM -P $spid 2>/dev/null
start=$(date +%s%N)
wait $spid
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$rc" 3 "7: SIGTERM during the facts stage: UNKNOWN"
contains "$(reason "$tmp/term.json")" "SIGTERM" "7: SIGTERM before the probes: the reason names the signal (SIGTERM)"
jcheck "$tmp/term.json" "7: SIGTERM before the probes: the summary and a finding name it, not just 'KVM was not probed'" "
'SIGTERM' in d['verdict']['summary']
any('SIGTERM' in x for x in d['verdict']['findings'])
"
[ "$ms" -lt 1500 ] && pass "7: SIGTERM honoured in ${ms} ms" || fail "7: SIGTERM took ${ms} ms"

# ---- 5: --timeout bounds the facts stage (every read delayed by 20 ms) ------
start=$(date +%s%N)
strace -f -qq -o /dev/null -e trace=read -e inject=read:delay_enter=20000 \
	"$BIN" --timeout 0.3 --json >"$tmp/slow.json" 2>/dev/null
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$rc" 3 "5: facts stage past --timeout 0.3: UNKNOWN"
contains "$(reason "$tmp/slow.json")" "time budget" "5: the reason is the time budget"
[ "$ms" -lt 2500 ] && pass "5: --timeout 0.3 with slow reads ended in ${ms} ms" ||
	fail "5: --timeout 0.3 took ${ms} ms"
# a hostile tree: a million-entry-like listing and big files, offline
# on tmpfs when there is one: 3000 directories on an overlay take seconds
big=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p "$tmp")/big
mktree "$big" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 44 bits"
mkdir -p "$big/var/lib/dpkg" "$big/usr/bin"
head -c 64M /dev/zero | tr '\0' 'x' >"$big/var/lib/dpkg/status"
head -c 60M /dev/zero >"$big/usr/bin/lkvm"
chmod 755 "$big/usr/bin/lkvm"
python3 -c '
import os, sys
d = sys.argv[1] + "/sys/devices/system/memory"
for i in range(3000):
    os.mkdir("%s/memory%d" % (d, 100000 + i))
' "$big"
start=$(date +%s%N)
strace -f -qq -o /dev/null -e trace=read,openat2,getdents64 -e inject=read:delay_enter=2000 \
	"$BIN" --sysroot "$big" --timeout 0.2 --json >"$tmp/big.json" 2>/dev/null
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 2000 ] && pass "5: hostile tree with --timeout 0.2 ended in ${ms} ms" ||
	fail "5: hostile tree took ${ms} ms"
json_ok "$tmp/big.json" && pass "5: hostile tree: valid JSON" || fail "5: hostile tree: JSON"
[ $rc -eq 3 ] && pass "5: hostile tree cut by the deadline: UNKNOWN" ||
	fail "5: hostile tree: exit $rc (reason: $(reason "$tmp/big.json"))"
sh -c 'ulimit -s 20 && exec "$1" --sysroot "$2" --json -v' _ "$BIN" "$big" >/dev/null 2>&1
rc=$?
[ $rc -lt 128 ] && pass "11: ulimit -s 20 with a 64 MiB dpkg status: no crash (exit $rc)" ||
	fail "11: ulimit -s 20: killed by signal $((rc - 128))"
rm -rf "$(dirname "$big")"

# ---- 11: a small stack: the run fits or says UNKNOWN, never a SIGSEGV -------
# The kernel counts RLIMIT_STACK from the stack's top, above the environment
# and a gap it picks at random (up to 8 KiB on x86-64): each limit runs many
# times, with env -i so the environment is small and known. Runs alternate
# the full probe when /dev/kvm is there (-q: the same probes, only the
# verdict line printed) and the deepest path, a VMM judged (a what-if).
STKENV="env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin"
stk_judge="--ipa-limit 36 --kernel 6.1.0 --vmm qemu=8.0"
stk_ref0=$($STKENV "$BIN" -q 2>/dev/null)
stk_rc0=$?
stk_ref1=$($STKENV "$BIN" -q $stk_judge 2>/dev/null)
stk_rc1=$?
stack_runs() { # KIB RUNS: sets stk_ok (answered), stk_small (refused), stk_bad
	stk_kib=$1 stk_n=$2 stk_ok=0 stk_small=0 stk_bad="" i=0
	while [ $i -lt "$stk_n" ]; do
		i=$((i + 1))
		if [ $((i % 2)) -eq 0 ]; then
			set -- -q
			ref=$stk_ref0 refrc=$stk_rc0
		else
			set -- -q $stk_judge
			ref=$stk_ref1 refrc=$stk_rc1
		fi
		$STKENV sh -c 'ulimit -s $1 && shift && exec "$@"' _ "$stk_kib" "$BIN" "$@" >"$tmp/stk.out" 2>"$tmp/stk.err"
		rc=$?
		if [ $rc -eq "$refrc" ] && [ "$(cat "$tmp/stk.out")" = "$ref" ] && [ ! -s "$tmp/stk.err" ]; then
			stk_ok=$((stk_ok + 1))
		elif [ $rc -eq 3 ] && [ ! -s "$tmp/stk.out" ] &&
			grep -q "^kvm-ipa-check: stack limit too small: RLIMIT_STACK (ulimit -s) $stk_kib KiB leaves [0-9]* KiB" "$tmp/stk.err"; then
			stk_small=$((stk_small + 1))
		else
			stk_bad="$stk_bad run $i ($*): exit $rc $(head -c 100 "$tmp/stk.err");"
		fi
	done
}
[ $stk_rc0 -lt 4 ] && [ -n "$stk_ref0" ] && [ $stk_rc1 -lt 4 ] && [ -n "$stk_ref1" ] ||
	fail "11: the reference runs: exit $stk_rc0, $stk_rc1"
stack_runs 24 60 # the smallest limit the man page promises (NOTES)
[ $stk_ok -eq 60 ] && pass "11: ulimit -s 24, 60 runs: every one answered as without a limit" ||
	fail "11: ulimit -s 24: $stk_ok of 60 answered, $stk_small refused;$stk_bad"
stack_runs 16 60 # below it: fits or refuses, by where the stack starts
[ -z "$stk_bad" ] && pass "11: ulimit -s 16, 60 runs: $stk_ok answered, $stk_small said the stack is too small (exit 3), none crashed" ||
	fail "11: ulimit -s 16:$stk_bad"
# Too small: the stack start not randomised (setarch -R) so it is refused every time.
if command -v setarch >/dev/null && setarch -R true 2>/dev/null; then
	$STKENV setarch -R sh -c 'ulimit -s 8 && exec "$1" --json' _ "$BIN" >"$tmp/stk.out" 2>"$tmp/stk.err"
	is "$?" 3 "11: ulimit -s 8: UNKNOWN (exit 3), not a SIGSEGV"
	contains "$(cat "$tmp/stk.err")" "stack limit too small: RLIMIT_STACK (ulimit -s) 8 KiB leaves" \
		"11: ulimit -s 8: says the stack limit is too small"
	[ ! -s "$tmp/stk.out" ] && pass "11: ulimit -s 8: no half report on stdout" || fail "11: ulimit -s 8: stdout: $(head -c 200 "$tmp/stk.out")"
	$STKENV setarch -R sh -c 'ulimit -s 8 && exec "$1" --nagios' _ "$BIN" >"$tmp/stk.out" 2>/dev/null
	is "$?" 3 "11: ulimit -s 8 --nagios: exit 3"
	contains "$(head -n 1 "$tmp/stk.out")" "UNKNOWN - stack limit too small" "11: ulimit -s 8 --nagios: the status line says why"
else
	pass "11: setarch -R not usable here: the too-small stack case skipped"
fi

# ---- 2: confinement without openat2 (ENOSYS, EPERM as seccomp gives) -------
host=$tmp/host-secret
echo "HOSTSECRET" >"$host"
evil=$tmp/evil
mktree "$evil" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 44 bits"
mkdir -p "$evil/boot"
echo "6.1.0-99-arm64" >"$evil/boot/release"
rm "$evil/proc/sys/kernel/osrelease" "$evil/proc/cmdline"
ln -s /boot/release "$evil/proc/sys/kernel/osrelease" # absolute: inside the tree
ln -s "$host" "$evil/proc/cmdline"                     # absolute: would leave the tree
rm -f "$evil/proc/iomem"
ln -s ../../../../../../../../../../"$host" "$evil/proc/iomem"
mkdir -p "$evil/sys/devices/system/cpu/cpu0/regs"
rm -rf "$evil/sys/devices/system/cpu/cpu0/regs/identification"
ln -s /../../.. "$evil/sys/devices/system/cpu/cpu0/regs/identification"
ln -s loop1 "$evil/var/log/loop2"
ln -s loop2 "$evil/var/log/loop1"
rm -f "$evil/var/log/dmesg"
ln -s loop1 "$evil/var/log/dmesg" # a symlink loop: ELOOP after 40 links, not a hang
for e in ENOSYS EPERM; do
	strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=$e \
		"$BIN" --sysroot "$evil" --json -v >"$tmp/evil.json" 2>"$tmp/evil.err"
	rc=$?
	if grep -q HOSTSECRET "$tmp/evil.json" "$tmp/evil.err"; then
		fail "2: openat2 $e: host file content leaked into the report"
	else
		pass "2: openat2 $e: symlinks out of the tree lead nowhere"
	fi
	jcheck "$tmp/evil.json" "2: openat2 $e: absolute symlink resolved inside the tree (exit $rc)" "
d['host']['kernel_release'] == '6.1.0-99-arm64'
"
	# the walk by hand says what openat2's run says (below)
	python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["host"]["notes"]))' \
		"$tmp/evil.json" >"$tmp/evil.notes.$e"
done
"$BIN" --sysroot "$evil" --json -v >"$tmp/evil.json" 2>/dev/null
python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["host"]["notes"]))' \
	"$tmp/evil.json" >"$tmp/evil.notes.openat2"
for e in openat2 ENOSYS EPERM; do
	n=$tmp/evil.notes.$e
	grep -qx "proc/cmdline: refused: symlink leaves the tree" "$n" &&
		grep -qx "proc/iomem: refused: symlink leaves the tree" "$n" &&
		grep -qx "var/log/dmesg: Too many levels of symbolic links" "$n" &&
		pass "2: $e: links out of the tree refused as such, a loop inside stays a loop" ||
		fail "2: $e: notes: $(tr '\n' '/' <"$n")"
done
cmp -s "$tmp/evil.notes.openat2" "$tmp/evil.notes.ENOSYS" &&
	pass "2: openat2 and the walk by hand give the same notes" ||
	fail "2: openat2 and the walk differ: $(diff "$tmp/evil.notes.openat2" "$tmp/evil.notes.ENOSYS" | tr '\n' '/')"
strace -f -qq -o "$tmp/evil.strace" -e trace=openat2,openat -e inject=openat2:error=ENOSYS \
	"$BIN" --sysroot "$evil" --json >/dev/null 2>&1
grep -q "$host" "$tmp/evil.strace" && fail "2: an open named the host file" ||
	pass "2: no open of the host file was even tried"

# ---- 3: EMFILE, ENOMEM, EPERM are faults, never OK --------------------------
if [ -n "$kvm" ]; then
	for n in 4 5 6 7 8 10; do
		# redirections outside: dash saves fds before redirecting, which EMFILE breaks
		sh -c 'ulimit -n $1 && exec "$2" --json' _ $n "$BIN" >"$tmp/nofile.json" 2>/dev/null
		rc=$?
		if [ $rc -eq 3 ] && json_ok "$tmp/nofile.json"; then
			pass "3: ulimit -n $n: UNKNOWN ($(reason "$tmp/nofile.json" | cut -c1-70))"
		elif [ $rc -eq 0 ] && json_ok "$tmp/nofile.json" &&
			! grep -q "Too many open files" "$tmp/nofile.json"; then
			pass "3: ulimit -n $n is enough, no fd was refused: OK"
		else
			fail "3: ulimit -n $n: exit $rc ($(reason "$tmp/nofile.json"))"
		fi
	done
	# getgrgid() under EMFILE: the number, said to be one, never "group 0" as a name
	g=$(stat -c %g /dev/kvm)
	sh -c 'ulimit -n 4 && exec "$1" --color=never' _ "$BIN" >"$tmp/nofile.txt" 2>/dev/null
	line=$(grep '/dev/kvm  ' "$tmp/nofile.txt")
	case $line in
	*"group $g"*) fail "21: EMFILE: the gid passed off as a group name: $line" ;;
	*"gid $g"* | *"group $(stat -c %G /dev/kvm)"*) pass "21: EMFILE: /dev/kvm's group named, or its gid said to be one ($line)" ;;
	*) fail "21: EMFILE: no group or gid: $line" ;;
	esac
	sh -c 'ulimit -n 4 && exec "$1" --json' _ "$BIN" >"$tmp/nofile.json" 2>/dev/null
	jcheck "$tmp/nofile.json" "21: EMFILE: JSON kvm.device.group is a name or null, never a number" "
d['kvm']['device']['group'] is None or not d['kvm']['device']['group'].isdigit()
"
	sh -c 'ulimit -n 5 && exec "$1" --prometheus' _ "$BIN" >"$tmp/nofile.prom" 2>/dev/null
	prom_ok "$tmp/nofile.prom" && pass "3: EMFILE run: Prometheus output passes promtool" ||
		fail "3: EMFILE run: promtool"
	strace -qq -o /dev/null -P /dev/kvm -e trace=openat -e inject=openat:error=EPERM \
		"$BIN" --json >"$tmp/eperm.json" 2>/dev/null
	is "$?" 3 "3: open(/dev/kvm) refused with EPERM as root (seccomp): UNKNOWN"
	contains "$(reason "$tmp/eperm.json")" "Operation not permitted" "3: the reason names EPERM"
	# every ioctl (KVM's and the rest) fails from the Nth on: never OK
	bad=""
	nio=$(strace -qq -c -e trace=ioctl "$BIN" --json 2>&1 >/dev/null | awk '/ioctl/ {print $4}')
	i=0
	for when in 1 3 5 8 11 15 19 24 30 36; do
		i=$((i + 1))
		set -- EMFILE ENOMEM EPERM
		shift $((i % 3))
		e=$1
		strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=$e:when=$when+ \
			"$BIN" --json >"$tmp/inj.json" 2>/dev/null
		rc=$?
		json_ok "$tmp/inj.json" || bad="$bad $e@$when:json"
		# injection past the last ioctl leaves a complete run
		[ $rc -eq 3 ] || [ "$when" -gt "${nio:-0}" ] || bad="$bad $e@$when:exit$rc"
	done
	[ -z "$bad" ] && pass "3: ioctl faults (EMFILE, ENOMEM, EPERM from 10 points of $nio ioctls on) all end UNKNOWN" ||
		fail "3: ioctl faults:$bad"
	no_fd_leaks "3: fault runs"

	# ---- 3: an incomplete run says why, in every format -------------------
	# the reason on the summary (Nagios' one line) and as a finding: never
	# "see findings" with none (audit item 8)
	sh -c 'ulimit -n 4 && exec "$1" --json' _ "$BIN" >"$tmp/emfile.json" 2>/dev/null
	jcheck "$tmp/emfile.json" "3: ulimit -n 4: UNKNOWN, the summary names EMFILE and a finding carries it" "
d['verdict']['status'] == 'unknown'
'EMFILE' in d['verdict']['summary']
any('EMFILE' in x for x in d['verdict']['findings'])
'see findings' not in d['verdict']['summary'] or d['verdict']['findings']
"
	sh -c 'ulimit -n 4 && exec "$1" --nagios' _ "$BIN" >"$tmp/emfile.nagios" 2>/dev/null
	is "$?" 3 "3: ulimit -n 4 --nagios: exit 3"
	contains "$(head -n 1 "$tmp/emfile.nagios")" "EMFILE" "3: ulimit -n 4 --nagios: the status line names EMFILE"
	[ "$(grep -c EMFILE "$tmp/emfile.nagios")" -ge 2 ] && pass "3: ulimit -n 4 --nagios: the long output carries it too" ||
		fail "3: ulimit -n 4 --nagios: no finding line: $(cat "$tmp/emfile.nagios")"
	# a failed query is unknown (null), never its -errno nor 0 (audit item 11)
	bad=""
	when=0
	for key in api_version nr_memslots max_vcpus ipa_limit; do
		when=$((when + 1))
		strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=EPERM:when=$when \
			"$BIN" --json >"$tmp/q.json" 2>/dev/null
		rc=$?
		python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); k = d["kvm"]
sys.exit(0 if k[sys.argv[2]] is None and all(v is None or v >= 0 for v in
    (k["api_version"], k["nr_memslots"], k["max_vcpus"], k["ipa_limit"])) and
    "EPERM" in d["verdict"]["summary"] else 1)' "$tmp/q.json" "$key" || bad="$bad $key(when=$when)"
		[ $rc -eq 3 ] || bad="$bad $key:exit$rc"
	done
	[ -z "$bad" ] && pass "3: EPERM on each capability query: that value null, none negative, UNKNOWN naming EPERM" ||
		fail "3: capability query faults:$bad"
	strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=EPERM:when=1 "$BIN" --color=never >"$tmp/q.txt" 2>/dev/null
	contains "$(cat "$tmp/q.txt")" "KVM API version                   : unknown (KVM_GET_API_VERSION failed: EPERM" \
		"3: text: a failed KVM_GET_API_VERSION is unknown with its errno, not -1"
	# a what-if verdict that rests on --ipa-limit and --kernel alone is the
	# same on any host: this host's faulted or cut probes are a finding there
	strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=EPERM:when=1 \
		"$BIN" --ipa-limit 44 --kernel 6.1 --json >"$tmp/wi.json" 2>/dev/null
	is "$?" 0 "3: --ipa-limit 44 --kernel 6.1 with this host's probe faulted: still OK (the man page's promise)"
	jcheck "$tmp/wi.json" "3: ... the fault is a finding, the probes stay marked incomplete" "
d['probes']['incomplete'] is True
any('probes are incomplete' in x and 'EPERM' in x for x in d['verdict']['findings'])
d['kernel_behaviour'] == 'default-fits'
"
	strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:delay_exit=25000 \
		"$BIN" --timeout 0.3 --ipa-limit 36 --kernel 6.1 --nagios >"$tmp/wi.nagios" 2>/dev/null
	is "$?" 1 "3: --ipa-limit 36 --kernel 6.1, this host's probes cut by --timeout: WARNING as predicted, not UNKNOWN"
	contains "$(cat "$tmp/wi.nagios")" "this host's probes are incomplete (time budget" "3: ... the Nagios long output says the probes were cut"
	run --json >/dev/null 2>&1
	[ -n "$fdso" ] && LD_PRELOAD=$fdso KIC_FDCHECK=$tmp/fdrep KIC_FDCHECK_REPORT_ONLY=1 \
		sh -c 'ulimit -n 6 && exec "$1" --json' _ "$BIN" >/dev/null 2>&1
	no_fd_leaks "3: EMFILE run"

	# ---- 6: a deadline is not a hang ----------------------------------------
	bad=""
	for t in 0.1 0.3 0.6; do
		strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:delay_exit=25000 \
			"$BIN" --timeout $t --json >"$tmp/dl.json" 2>/dev/null
		rc=$?
		grep -q '"hang"' "$tmp/dl.json" && bad="$bad $t:hang"
		[ $rc -eq 2 ] && bad="$bad $t:critical"
		[ $rc -eq 3 ] || [ $rc -eq 0 ] || bad="$bad $t:exit$rc"
	done
	[ -z "$bad" ] && pass "6: slow ioctls cut by --timeout 0.1..0.6: never a hang" ||
		fail "6: deadline taken for a hang:$bad"
else
	pass "3, 6: no accessible /dev/kvm: probe fault cases skipped"
fi

# ---- 4: skipped candidates never push real VMMs out; --vmm always judged ---
vt=$tmp/vmms
mktree "$vt" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 36 bits"
for d in usr/bin usr/sbin bin sbin usr/libexec usr/local/sbin; do
	for f in qemu-system-aarch64 qemu-system-x86_64 qemu-kvm lkvm firecracker \
		cloud-hypervisor crosvm runsc solo5-hvt libvirtd virtqemud; do
		mkdir -p "$vt/$d/$f" # a directory where a binary should be: skipped
	done
done
mkdir -p "$vt/opt/kata/bin"
printf '\177ELF..Memory too large for this system' >"$vt/opt/kata/bin/lkvm"
chmod 755 "$vt/opt/kata/bin/lkvm"
"$BIN" --sysroot "$vt" --json --vmm firecracker=0.24.0 >"$tmp/vmm.json" 2>/dev/null
jcheck "$tmp/vmm.json" "4: 66 skipped candidates: the real kvmtool and the --vmm are still judged" "
any(v['name'] == 'kvmtool' and v['path'] == '/opt/kata/bin/lkvm' for v in d['vmms'])
any(v['name'] == 'firecracker' and v['what_if'] for v in d['vmms'])
"
if [ -n "$root" ] && command -v setpriv >/dev/null; then
	ut=$tmp/unread
	mktree "$ut" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 36 bits"
	mkdir -p "$ut/usr/bin" "$ut/usr/local/bin"
	printf '\177ELF..Memory too large for this system' >"$ut/usr/local/bin/lkvm"
	chmod 755 "$ut/usr/local/bin/lkvm"
	chmod 0700 "$ut/usr/bin"
	chmod 755 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --sysroot "$ut" --json \
		>"$tmp/unread.json" 2>/dev/null
	jcheck "$tmp/unread.json" "4: an unreadable bin directory is one note, the real VMM is judged" "
any(v['name'] == 'kvmtool' for v in d['vmms'])
sum('usr/bin' in n for n in d['host']['notes']) <= 1
"
fi

# ---- 9, 10: arguments never reach the terminal raw; Nagios usage lines -----
bad=""
for args in "--vmm x$(printf '\033')[31m" "stray$(printf '\033')]0;t$(printf '\007')" \
	"--sysroot /tmp/$(printf '\033')[2J" "-o /tmp/x$(printf '\033')c" "--kernel 6.1$(printf '\r')"; do
	opt=${args%% *}
	val=${args#* }
	if [ "$opt" = "$args" ]; then set -- "$args"; else set -- "$opt" "$val"; fi
	"$BIN" "$@" >"$tmp/a.out" 2>"$tmp/a.err"
	rc=$?
	[ $rc -eq 64 ] || bad="$bad [$opt:exit$rc]"
	has_ctl "$tmp/a.err" && bad="$bad [$opt:raw-ctl-stderr]"
	"$BIN" --nagios "$@" >"$tmp/n.out" 2>"$tmp/n.err"
	rc=$?
	[ $rc -eq 3 ] || bad="$bad [$opt:nagios-exit$rc]"
	has_ctl "$tmp/n.out" && bad="$bad [$opt:raw-ctl-stdout]"
	[ "$(wc -l <"$tmp/n.out")" -eq 1 ] && grep -q '^KVM-IPA UNKNOWN - ' "$tmp/n.out" ||
		bad="$bad [$opt:nagios-line]"
done
[ -z "$bad" ] && pass "9: control characters in 5 kinds of argument: refused (64; 3 with --nagios), never printed raw" ||
	fail "9:$bad"
printf '#!/bin/sh\nexec -a "$(printf "k\\033[2J")" %s --bogus\n' "$BIN" >"$tmp/argv0.sh"
sh "$tmp/argv0.sh" >/dev/null 2>"$tmp/a.err"
has_ctl "$tmp/a.err" && fail "9: a planted argv[0] reaches stderr raw" ||
	pass "9: a planted argv[0] never reaches stderr raw"
bad=""
for args in "--nagios --bogus" "--nag --bogus" "--na --timeout 0" "--nagi --vmm nosuch" \
	"--nagios stray" "--nagios --ipa-limit 99"; do
	# shellcheck disable=SC2086
	"$BIN" $args >"$tmp/n.out" 2>"$tmp/n.err"
	rc=$?
	[ $rc -eq 3 ] || bad="$bad [$args:exit$rc]"
	[ "$(wc -l <"$tmp/n.out")" -eq 1 ] && grep -q '^KVM-IPA UNKNOWN - ' "$tmp/n.out" ||
		bad="$bad [$args:$(head -c 80 "$tmp/n.out")]"
	[ -s "$tmp/n.err" ] && bad="$bad [$args:stderr]"
done
[ -z "$bad" ] && pass "10: Nagios usage errors (also --nag, --na): one KVM-IPA UNKNOWN line, exit 3" ||
	fail "10:$bad"

# ---- 11: notes past the limit, TERM=dumb, --timeout bounds ------------------
nt=$tmp/notes
mktree "$nt" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 44 bits"
echo 0-39 >"$nt/sys/devices/system/cpu/possible"
for c in $(seq 0 39); do
	mkdir -p "$nt/sys/devices/system/cpu/cpu$c/regs/identification"
	echo garbage >"$nt/sys/devices/system/cpu/cpu$c/regs/identification/midr_el1"
done
"$BIN" --sysroot "$nt" --json >"$tmp/notes.json" 2>/dev/null
jcheck "$tmp/notes.json" "11: 40 bad MIDRs: the last note counts the ones not shown" "
len(d['host']['notes']) == 24
__import__('re').fullmatch(r'(1[7-9]|[2-9][0-9]) more notes not shown', d['host']['notes'][-1])
"
if command -v script >/dev/null; then
	TERM=dumb script -qec "$BIN --sysroot $tmp/tree" /dev/null >"$tmp/dumb.out" 2>&1
	LC_ALL=C grep -q "$(printf '\033')" "$tmp/dumb.out" && fail "11: TERM=dumb got colour" ||
		pass "11: TERM=dumb on a terminal: no colour"
	TERM=xterm script -qec "$BIN --sysroot $tmp/tree" /dev/null >"$tmp/xterm.out" 2>&1
	LC_ALL=C grep -q "$(printf '\033')" "$tmp/xterm.out" && pass "11: TERM=xterm on a terminal: colour" ||
		fail "11: TERM=xterm got no colour (the dumb check proves nothing)"
fi
"$BIN" --sysroot "$tmp/tree" --timeout 600.0001 >/dev/null 2>&1
is "$?" 64 "11: --timeout 600.0001 refused"
"$BIN" --sysroot "$tmp/tree" --timeout 600.000 >/dev/null 2>&1
is "$?" 0 "11: --timeout 600.000 accepted"

done_testing

#!/bin/sh
# Command line and bad input, through --sysroot: every file the tool reads is
# fed missing, empty, binary, enormous, non-UTF-8, a FIFO, a symlink out of
# the tree and unreadable; each case must give its message, its exit code and
# the rest of the report, never a crash or a hang.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp"; rm -rf "$tmp"' EXIT

# The base every bad-input case starts from (mktree in lib.sh): a fixed kernel
# on a 36-bit host, by its log line; only the file under test changes.
mkbase() {
	mktree "$1" 6.1.0-28-arm64 \
		"kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited VM/VMM compatibility)"
}

run_json() { # ROOT -> $tmp/out.json, $rc
	timeout 10 "$BIN" --json --sysroot "$1" >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
}

# --- command line ---
"$BIN" --help >"$tmp/help" 2>&1
is "$?" 0 "--help exits 0"
contains "$(cat "$tmp/help")" "--no-default-probe" "--help lists --no-default-probe"
"$BIN" --version >/dev/null
is "$?" 0 "--version exits 0"
"$BIN" --bogus >/dev/null 2>&1
is "$?" 64 "unknown option: exit 64 (EX_USAGE)"
out=$("$BIN" --nagios --bogus 2>/dev/null)
is "$?" 3 "unknown option with --nagios: exit 3 (UNKNOWN)"
contains "$out" "unrecognized option" "--nagios usage error is on stdout for the monitor"
for bad in "--timeout=0" "--timeout=abc" "--timeout=601" "--ipa-limit=31" "--ipa-limit=53" \
	"--ipa-limit=4x" "--color=sometimes" "--vmm=" "--vmm=nosuchvmm" "--vmm=qemu=" \
	"--kernel=banana" "extra-argument"; do
	err=$("$BIN" --no-probe "$bad" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 64 ] && [ -n "$err" ]; then pass "bad value $bad: exit 64 with a message"
	else fail "bad value $bad: exit $rc, message '$err'"; fi
done
# One output format: two are refused whatever their order, never "last wins".
for pair in "--json --nagios" "--nagios --json" "--json --prometheus" "--prometheus -j" \
	"--nagios --prometheus" "--quiet --verbose" "-v -q"; do
	# shellcheck disable=SC2086 # the pair is two words
	out=$("$BIN" --no-probe $pair 2>"$tmp/err")
	rc=$?
	case $pair in
	*--nagios*) want=3 msg=$out ;; # the usage error is the Nagios status line
	*) want=64 msg=$(cat "$tmp/err") ;;
	esac
	if [ $rc -eq $want ] && case $msg in *"give one"*) true ;; *) false ;; esac then
		pass "$pair: usage error $want naming the conflict"
	else
		fail "$pair: exit $rc (want $want), '$msg' / '$out'"
	fi
done
"$BIN" --no-probe --json -j >"$tmp/jj" && python3 -m json.tool "$tmp/jj" >/dev/null
is "$?" 0 "--json twice is no conflict"
"$BIN" --no-probe --json --map --color=always >"$tmp/jj" && python3 -m json.tool "$tmp/jj" >/dev/null
is "$?" 0 "--json with --map and --color (text-only modifiers): accepted, still JSON"
"$BIN" --sysroot /nonexistent/dir >/dev/null 2>"$tmp/err"
is "$?" 64 "missing --sysroot: exit 64"
contains "$(cat "$tmp/err")" "No such file" "missing --sysroot: says why"

# --- the base tree ---
mkbase "$tmp/base"
run_json "$tmp/base"
is "$rc" 1 "base tree (36-bit, fixed kernel log): WARNING"
jcheck "$tmp/out.json" "base tree: offline facts and a marked prediction" "
d['host']['arch'] == 'arm64' and d['host']['live'] is False
len(d['host']['cpus']) == 4 and d['host']['cpus'][0]['midr'] == '0x410fd083'
d['kvm']['ipa_limit'] is None and d['kvm']['device']['present'] is None
d['probes']['run'] is False and 'offline' in d['probes']['skipped_reason']
d['kernel_behaviour'] == 'default-rejected' and d['kernel_behaviour_measured'] is False
d['exit_code'] == 1 and d['verdict']['status'] == 'warning'
"
out=$("$BIN" --sysroot "$tmp/base")
contains "$out" "WARNING: default-rejected (not measured)" "base tree: text verdict line"
contains "$out" "offline tree" "base tree: text says offline"
case "$out" in *"$(printf '\033')"*) fail "no colour when not a terminal" ;; *) pass "no colour when not a terminal" ;; esac
out=$("$BIN" --sysroot "$tmp/base" --color=always)
case "$out" in *"$(printf '\033[')"*) pass "--color=always colours" ;; *) fail "--color=always colours" ;; esac
out=$(NO_COLOR=1 "$BIN" --sysroot "$tmp/base" --color=auto)
case "$out" in *"$(printf '\033')"*) fail "NO_COLOR honoured" ;; *) pass "NO_COLOR honoured" ;; esac
out=$("$BIN" --sysroot "$tmp/base" --quiet)
is "$(echo "$out" | wc -l)" 1 "--quiet prints one line"
case "$out" in *"$(printf '\033')"*) fail "--quiet: no colour when not a terminal" ;; *) pass "--quiet: no colour when not a terminal" ;; esac
out=$("$BIN" --sysroot "$tmp/base" --quiet --color=always)
case "$out" in
"$(printf '\033[33mWARNING\033[0m: ')"*) pass "--quiet --color=always: the status word coloured as in the full report" ;;
*) fail "--quiet --color=always lost the colour: $(echo "$out" | od -c | head -2)" ;;
esac

# --- bad input table: FILE VARIANT EXPECTED_RC NOTE_SUBSTRING ---
big() { head -c 3000000 /dev/zero | tr '\0' 'A'; }
mutate() { # ROOT FILE VARIANT
	f="$1/$2"
	case $3 in
	missing) rm -f "$f" ;;
	empty) : >"$f" ;;
	binary) printf '\000\001\002\377\376garbage\000' >"$f" ;;
	huge) big >"$f" ;;
	nonutf8) printf 'caf\351 \377\376 \300\200\n' >"$f" ;;
	fifo) rm -f "$f"; mkfifo "$f" ;;
	escape) rm -f "$f"; ln -s /etc/shadow "$f" ;;
	escapeup) rm -f "$f"; ln -s ../../../../../../../../../../etc/shadow "$f" ;;
	escapedir) rm -rf "$f"; ln -s "/$2" "$f" ;; # the host's own directory: a loop inside
	loop) rm -f "$f"; ln -s "$(basename "$f")" "$f" ;; # a loop inside the tree, no escape
	dir) rm -f "$f"; mkdir -p "$f" ;;
	esac
}

# File, variant, expected exit code, note substring ("" = no note required).
while read -r file variant want note; do
	[ -n "$file" ] || continue
	# a fresh tree per row: two rows of one file and variant must not share
	# one, whose planted symlink the second mktree would write through
	root=$(mktemp -d "$tmp/case-$(echo "$file-$variant" | tr '/' '_').XXXXXX")
	mkbase "$root"
	mutate "$root" "$file" "$variant"
	[ "$note" = "-" ] && note=""
	run_json "$root"
	desc="$file $variant"
	if [ $rc -eq 124 ]; then fail "$desc: hung"; continue; fi
	if [ $rc -gt 3 ]; then fail "$desc: crashed or bad exit ($rc): $(cat "$tmp/err")"; continue; fi
	is "$rc" "$want" "$desc: exit $want"
	jcheck "$tmp/out.json" "$desc: full report still produced" "
d['verdict']['status'] in ('ok', 'warning', 'critical', 'unknown')
'host' in d and 'kvm' in d and 'probes' in d
"
	if [ -n "$note" ]; then
		python3 -c "import json,sys; d=json.load(open('$tmp/out.json')); sys.exit(0 if any('$note' in n for n in d['host']['notes']) else 1)" &&
			pass "$desc: note says '$note'" ||
			fail "$desc: no note with '$note' in $(python3 -c "import json; print(json.load(open('$tmp/out.json'))['host']['notes'])")"
	fi
done <<'TABLE'
proc/sys/kernel/arch missing 3 architecture unknown
proc/sys/kernel/arch empty 3 -
proc/sys/kernel/arch binary 3 not a regular text file
proc/sys/kernel/arch huge 3 larger than expected
proc/sys/kernel/arch fifo 3 not a regular text file
proc/sys/kernel/arch escape 3 architecture unknown
proc/sys/kernel/arch escape 3 arch: refused: symlink leaves the tree
proc/sys/kernel/arch escapeup 3 arch: refused: symlink leaves the tree
proc/sys/kernel/arch loop 3 arch: Too many levels of symbolic links
proc escapedir 3 osrelease: refused: symlink leaves the tree
proc/cmdline escape 1 cmdline: refused: symlink leaves the tree
proc/sys/kernel/osrelease missing 1 -
proc/sys/kernel/osrelease nonutf8 1 -
proc/sys/kernel/osrelease huge 1 larger than expected
proc/cmdline huge 1 larger than expected
proc/cmdline binary 1 not a regular text file
proc/cmdline dir 1 -
sys/devices/system/cpu/possible missing 1 -
sys/devices/system/cpu/possible binary 1 not a regular text file
sys/devices/system/cpu/possible nonutf8 1 -
sys/devices/system/cpu/cpu0/regs/identification/midr_el1 binary 1 not a regular text file
sys/devices/system/cpu/cpu0/regs/identification/midr_el1 nonutf8 1 not a MIDR value
sys/devices/system/cpu/cpu0/regs/identification/midr_el1 huge 1 larger than expected
sys/devices/system/cpu/cpu0/regs/identification/midr_el1 empty 1 not a MIDR value
sys/devices/system/memory/block_size_bytes nonutf8 1 -
sys/devices/system/memory/block_size_bytes huge 1 larger than expected
sys/devices/system/memory/memory8/state binary 1 -
proc/iomem huge 1 larger than expected
proc/iomem binary 1 -
proc/iomem nonutf8 1 -
var/log/dmesg missing 3 -
var/log/dmesg empty 3 -
var/log/dmesg binary 3 -
var/log/dmesg huge 3 -
var/log/dmesg nonutf8 3 -
var/log/dmesg fifo 3 not a regular text file
var/log/dmesg escape 3 dmesg: refused: symlink leaves the tree
TABLE

# Terminal escapes in a copied tree never reach the reader's terminal.
mkbase "$tmp/ansi"
printf '6.1\033]0;owned\007\033[31mred\302\233\n' >"$tmp/ansi/proc/sys/kernel/osrelease"
printf '[ 0.1] \033[2Jkvm-ipa-check using unsupported default IPA limit, upgrade your VMM\n' \
	>>"$tmp/ansi/var/log/dmesg"
"$BIN" --sysroot "$tmp/ansi" --verbose >"$tmp/ansi.txt" 2>&1
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/ansi.txt"; then
	fail "escape sequences from the tree reached the text report"
else
	pass "escape sequences from the tree are neutralised in the text report"
fi

# Permission denied: root reads anything, so run unprivileged.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkbase "$tmp/perm"
	chmod 000 "$tmp/perm/var/log/dmesg" "$tmp/perm/proc/cmdline"
	chmod -R a+rX "$tmp" 2>/dev/null; chmod 000 "$tmp/perm/var/log/dmesg" "$tmp/perm/proc/cmdline"
	timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --json \
		--sysroot "$tmp/perm" >"$tmp/perm.json" 2>/dev/null
	rc=$?
	is "$rc" 3 "unreadable kernel log and cmdline as nobody: UNKNOWN"
	jcheck "$tmp/perm.json" "unreadable files: notes say permission denied, report complete" "
any('Permission denied' in n for n in d['host']['notes'])
d['host']['arch'] == 'arm64'
"
fi

# A long-running sysroot read can never outlive the run: a FIFO in every slot.
mkbase "$tmp/fifos"
for f in proc/cmdline proc/iomem var/log/dmesg sys/devices/system/cpu/possible; do
	mutate "$tmp/fifos" "$f" fifo
done
start=$(date +%s)
timeout 10 "$BIN" --sysroot "$tmp/fifos" >/dev/null 2>&1
rc=$?
[ $rc -ne 124 ] && [ $(( $(date +%s) - start )) -lt 3 ] && pass "FIFOs everywhere: no hang" ||
	fail "FIFOs everywhere: rc $rc"

# --output is atomic and leaves no temp file behind.
"$BIN" --sysroot "$tmp/base" --prometheus --output "$tmp/m.prom"
is "$?" 1 "--output: exit code is still the verdict"
contains "$(cat "$tmp/m.prom")" "kvm_ipa_status 1" "--output wrote the metrics"
is "$(ls -A "$tmp" | grep -c '^\.m\.prom\..*\.tmp$')" 0 "--output leaves no temp file"
"$BIN" --sysroot "$tmp/base" --output /nonexistent/dir/x.prom 2>"$tmp/err"
is "$?" 74 "--output into a missing directory: exit 74 (EX_IOERR)"
contains "$(cat "$tmp/err")" "cannot write" "--output failure says why"

done_testing

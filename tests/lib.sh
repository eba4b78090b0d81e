# Shared helpers for the shell test suites: TAP-ish lines, then
# "N passed, N failed" alone on the last line.
_pass=0
_fail=0
pass() { _pass=$((_pass + 1)); echo "ok - $*"; }
fail() { _fail=$((_fail + 1)); echo "not ok - $*"; }
skip() { echo "SKIP: $*"; exit 77; }
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3 (got '$1', want '$2')"; fi
}
contains() {
	case "$1" in *"$2"*) pass "$3" ;; *) fail "$3 (no '$2' in: $(echo "$1" | head -c 400))" ;; esac
}
# jcheck FILE DESC "python expressions, one per line, over d = the JSON"
jcheck() {
	if python3 - "$1" "$3" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("#   not JSON:", e); sys.exit(1)
bad = [l for l in sys.argv[2].strip().splitlines() if l.strip() and not eval(l)]
for l in bad:
    print("#   false:", l.strip())
sys.exit(1 if bad else 0)
PY
	then pass "$2"; else fail "$2"; echo "#   output: $(head -c 1500 "$1")"; fi
}
done_testing() {
	echo "$_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}

need() { # install missing Debian packages, or skip saying which
	missing=""
	for p; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" -eq 0 ] || skip "needs$missing (not root: cannot apt-get)"
	# shellcheck disable=SC2086
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $missing; } >/dev/null 2>&1 ||
		skip "cannot apt-get install$missing"
}

# mktree ROOT RELEASE LOGLINES...: a synthetic arm64 host tree (4x Cortex-A72,
# 44-bit PA, 4 GiB of RAM at 1 GiB) whose kernel log is the given lines (no
# lines: no kernel log). Only the log decides the verdict offline.
mktree() {
	r=$1 release=$2
	shift 2
	# Built fresh only: a tree a test has already planted symlinks in (to
	# /etc/shadow, say) would take these writes to the host's files.
	if [ -e "$r" ] && [ -n "$(ls -A "$r")" ]; then
		echo "mktree: $r is not empty: refusing to write into it" >&2
		exit 99
	fi
	mkdir -p "$r/proc/sys/kernel" "$r/var/log" "$r/sys/devices/system/memory/memory8" \
		"$r/sys/devices/system/cpu"
	echo aarch64 >"$r/proc/sys/kernel/arch"
	echo "$release" >"$r/proc/sys/kernel/osrelease"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda1" >"$r/proc/cmdline"
	echo 0-3 >"$r/sys/devices/system/cpu/possible"
	for c in 0 1 2 3; do
		mkdir -p "$r/sys/devices/system/cpu/cpu$c/regs/identification"
		echo 0x00000000410fd083 >"$r/sys/devices/system/cpu/cpu$c/regs/identification/midr_el1"
	done
	echo 8000000 >"$r/sys/devices/system/memory/block_size_bytes"
	echo online >"$r/sys/devices/system/memory/memory8/state"
	printf '40000000-13fffffff : System RAM\n' >"$r/proc/iomem"
	if [ $# -gt 0 ]; then
		for l; do printf '[    0.312004] %s\n' "$l"; done >"$r/var/log/dmesg"
	fi
	chmod -R a+rX "$r"
}

# help_text BIN OUT: the option list as --help prints it, into OUT; sets
# $from. BIN may be the program, a file of help text, or missing (then the
# argp table in src/kvm-ipa-check.c is read).
help_text() {
	_top=$(cd "$(dirname "$0")/.." && pwd)
	if [ -f "$1" ] && [ -x "$1" ]; then
		"$1" --help >"$2" 2>&1
		from="$1 --help"
	elif [ -f "$1" ]; then
		cp "$1" "$2"
		from="help text in $1"
	elif [ -f "$_top/src/kvm-ipa-check.c" ]; then
		# Lines shaped like argp's: "  -s, --sysroot=DIR", "      --color[=WHEN]".
		awk '/^[ \t]*\{ *"[a-z0-9-]+",/ {
			l = $0; sub(/^[ \t]*\{ */, "", l); split(l, f, /, */)
			name = f[1]; gsub(/"/, "", name); arg = f[3]
			sh = (f[2] ~ /^\047.\047$/) ? "-" substr(f[2], 2, 1) ", " : "    "
			a = ""
			if (arg != "NULL") { gsub(/"/, "", arg); a = (f[4] ~ /OPTION_ARG_OPTIONAL/) ? "[=" arg "]" : "=" arg }
			printf "  %s--%s%s\n", sh, name, a
		}' "$_top/src/kvm-ipa-check.c" >"$2"
		printf '  -?, --help\n      --usage\n  -V, --version\n' >>"$2"
		from="the argp table in src/kvm-ipa-check.c (no program at $1)"
	else
		skip "no program, help text or source to take the options from"
	fi
}

# mkstates DIR: one synthetic tree per verdict, DIR/{ok,warning,critical,unknown}:
# 44 bits; a fixed kernel on 36 bits; 5.10.23's WARN on 36 bits; no kernel log.
mkstates() {
	mktree "$1/ok" 6.1.0-28-arm64 "kvm [1]: IPA Size Limit: 44 bits" \
		"kvm [1]: VHE mode initialized successfully"
	mktree "$1/warning" 6.1.0-28-arm64 \
		"kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited VM/VMM compatibility)"
	mktree "$1/critical" 5.10.23 "------------[ cut here ]------------" \
		"KVM IPA Size Limit (36 bits) is smaller than default size" \
		"---[ end trace ]---" "kvm [1]: IPA Size Limit: 36 bits"
	mktree "$1/unknown" 6.1.0-28-arm64
}

# need_fuzzer CC TMPDIR: skip unless CC links a libFuzzer harness with ASan+UBSan.
need_fuzzer() {
	command -v "$1" >/dev/null 2>&1 ||
		skip "no $1 to build the fuzz harnesses (Debian: clang libclang-rt-14-dev)"
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$2/p.c"
	"$1" -fsanitize=fuzzer,address,undefined -o "$2/p" "$2/p.c" >"$2/err" 2>&1 ||
		skip "$1 has no libFuzzer runtime (Debian: libclang-rt-14-dev): $(head -n 1 "$2/err")"
}

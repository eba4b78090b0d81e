#!/bin/sh
# The ASan+UBSan build (mk/sanitize.mk, build-asan/): the unit tests, the
# real-KVM suite and the command-line suite run on it, with leak detection
# and tests/fdcheck.c watching for fds left open at exit; the tool's --json
# on this host and on every fixture tree must be strict JSON (fuzz/json_check).
# Sanitizer and fdcheck reports go to files, so none is lost in a suite that
# sends stderr to /dev/null. Skips (77) when the compiler has no ASan.
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
SB=${KIC_SAN_BUILD:-build-asan}
CC=${CC:-cc}
SBIN=$SB/kvm-ipa-check

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int main(void) { return 0; }\n' >"$tmp/p.c"
$CC -fsanitize=address,undefined -o "$tmp/p" "$tmp/p.c" >"$tmp/err" 2>&1 ||
	skip "$CC cannot build with -fsanitize=address,undefined: $(head -n 1 "$tmp/err")"

unset MAKEFLAGS MFLAGS MAKELEVEL
if ! make -s --no-print-directory SAN_O="$SB" sanitize >"$tmp/build" 2>&1; then
	fail "make sanitize"
	tail -n 40 "$tmp/build" | sed 's/^/#   /'
	done_testing
	exit 1
fi
pass "make sanitize: ASan+UBSan build in $SB"

logs=$tmp/logs
mkdir -p "$logs/seen"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"
# fdcheck reports to files and lets the program exit as it would: each
# suite's own checks still run, and the report is judged below.
export KIC_FDCHECK="$logs" KIC_FDCHECK_REPORT_ONLY=1

# Findings whose fix is outside the files this suite owns and has not landed:
# a report matching the extended regex is a TODO line, not a failure.
# regex<TAB>where, why, fix
KNOWN=''

known_report() { # FILE -> prints the reason when every line of FILE is a known finding
	printf '%s\n' "$KNOWN" | {
		why=""
		while IFS='	' read -r re reason; do
			if grep -Eq -- "$re" "$1"; then why=$reason; fi
		done
		[ -n "$why" ] && ! grep -Ev "$(printf '%s\n' "$KNOWN" | cut -f 1 | paste -sd '|')" "$1" |
			grep -q . && echo "$why"
	}
}

# Sanitizer or fdcheck reports written since the last call fail WHAT.
reports() {
	found=0
	for f in "$logs"/*; do
		[ -f "$f" ] || continue
		mv "$f" "$logs/seen/"
		f=$logs/seen/$(basename "$f")
		# LSan cannot run under ptrace (the strace step of test_kvm_x86.sh).
		if grep -q 'LeakSanitizer does not work under ptrace' "$f" &&
			! grep -q 'ERROR: AddressSanitizer\|runtime error\|fdcheck:' "$f"; then
			continue
		fi
		if why=$(known_report "$f"); then
			echo "not ok - $1: $(basename "$f") # TODO known: $why"
			sed 's/^/#   /' "$f" | head -n 5
			continue
		fi
		found=1
		echo "# $(basename "$f"):"
		head -n 30 "$f" | sed 's/^/#   /'
	done
	if [ $found -eq 0 ]; then pass "$1: no new sanitizer or fd report"; else fail "$1: reports above"; fi
}

# Unit tests.
for t in "$SB"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t" >"$tmp/unit" 2>&1; then
		pass "unit $(basename "$t") ($(grep -c '^ok ' "$tmp/unit") checks)"
	else
		fail "unit $(basename "$t")"
		grep -v '^ok ' "$tmp/unit" | head -n 30 | sed 's/^/#   /'
	fi
done
reports "unit tests"

# The shell suites with the ASan binary (and the ASan kvm_hang_probe).
for s in test_kvm_x86 test_cli; do
	[ -x "tests/$s.sh" ] || continue
	KIC_BUILD=$SB KIC_BIN=$SBIN "tests/$s.sh" "$SBIN" >"$tmp/$s" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "$s.sh on the ASan build: $(tail -n 1 "$tmp/$s")"
	elif [ $rc -eq 77 ]; then
		echo "# $s.sh skipped: $(tail -n 1 "$tmp/$s")"
	else
		fail "$s.sh on the ASan build (exit $rc)"
		grep -v '^ok ' "$tmp/$s" | head -n 40 | sed 's/^/#   /'
	fi
	reports "$s.sh"
done

# Strict JSON (RFC 8259, UTF-8) from the real host and every fixture tree.
JC=$SB/fuzz/json_check_test
if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	"$SBIN" --json >"$tmp/live.json" 2>"$tmp/live.err"
	rc=$?
	[ $rc -le 3 ] && pass "live --json: exit $rc" || fail "live --json: exit $rc: $(head -c 300 "$tmp/live.err")"
	"$JC" "$tmp/live.json" >"$tmp/jc" && pass "live --json is strict JSON" ||
		fail "live --json: $(cat "$tmp/jc")"
fi
n=0
for tree in tests/fixtures/*/; do
	[ -d "$tree" ] || continue
	n=$((n + 1))
	name=$(basename "$tree")
	"$SBIN" --json --verbose --sysroot "$tree" >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -le 3 ] && "$JC" "$tmp/$name.json" >"$tmp/jc"; then
		pass "fixture $name: exit $rc, strict JSON"
	else
		fail "fixture $name: exit $rc, $(cat "$tmp/jc") $(head -c 300 "$tmp/$name.err")"
	fi
	for fmt in "" --nagios --prometheus; do
		# shellcheck disable=SC2086
		"$SBIN" $fmt --verbose --sysroot "$tree" >/dev/null 2>&1
		rc=$?
		[ $rc -le 3 ] || fail "fixture $name ${fmt:-text}: exit $rc"
	done
done
[ $n -gt 0 ] && reports "--json and the other formats on $n fixture trees"
[ $n -gt 0 ] || reports "--json on this host"

done_testing

#!/bin/sh
# make fuzz-short: every libFuzzer harness (fuzz/, mk/fuzz.mk) for a few
# seconds, seeded from tests/fixtures. One line per harness. A crash that
# fuzz/regressions/KNOWN names (its fix not landed) is a TODO, not a failure.
# Skips (77) without clang's libFuzzer runtime.
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
B=${KIC_BUILD:-.}
FUZZ_CC=${FUZZ_CC:-clang}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
need_fuzzer "$FUZZ_CC" "$tmp"

# Our own make, not the jobserver of a make check above us.
unset MAKEFLAGS MFLAGS MAKELEVEL
# Two seconds a harness under make check (its budget); make fuzz-short alone runs five.
make -s --no-print-directory O="$B" FUZZ_CC="$FUZZ_CC" FUZZ_SHORT_SECONDS="${FUZZ_SHORT_SECONDS:-2}" \
	fuzz-short >"$tmp/out" 2>&1
rc=$?
n=0
while IFS= read -r line; do
	case "$line" in
	"fuzz "*": ok"*) pass "${line#fuzz }"; n=$((n + 1)) ;;
	"fuzz "*": KNOWN"*) echo "not ok - ${line#fuzz } # TODO"; n=$((n + 1)) ;;
	"fuzz "*": CRASH"*) fail "${line#fuzz }"; n=$((n + 1)) ;;
	"    "*) echo "#$line" ;;
	esac
done <"$tmp/out"
if [ $rc -ne 0 ]; then
	fail "make fuzz-short exited $rc"
	grep -v '^fuzz \|^    ' "$tmp/out" | tail -n 40 | sed 's/^/#   /'
fi
[ $n -gt 0 ] || fail "no harness ran"
done_testing

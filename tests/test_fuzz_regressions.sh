#!/bin/sh
# Replays every kept fuzz input, fuzz/regressions/<harness>/*, once through
# its libFuzzer harness: each past crash must stay fixed. Inputs named in
# fuzz/regressions/KNOWN (fix pending outside fuzz/) are TODO lines until
# they stop crashing. Also the strict JSON validator's known answers.
# Skips (77) without clang's libFuzzer runtime.
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
B=${KIC_BUILD:-.}
FUZZ_CC=${FUZZ_CC:-clang}
if [ "$B" = . ]; then FO=build-fuzz; else FO=$B/fuzz; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
need_fuzzer "$FUZZ_CC" "$tmp"

unset MAKEFLAGS MFLAGS MAKELEVEL
if ! make -s --no-print-directory O="$B" FUZZ_CC="$FUZZ_CC" fuzz-build >"$tmp/build" 2>&1; then
	fail "make fuzz-build"
	tail -n 40 "$tmp/build" | sed 's/^/#   /'
	done_testing
	exit 1
fi

if "$FO/json_check_test" >"$tmp/jc" 2>&1; then
	pass "JSON validator: $(tail -n 1 "$tmp/jc")"
else
	fail "JSON validator known answers"
	grep -v '^ok' "$tmp/jc" | sed 's/^/#   /'
fi

names=""
for d in fuzz/regressions/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	if [ -x "$FO/fuzz_$name" ]; then
		names="$names $name"
	else
		echo "# $name: no harness built (its source under test is not in the tree yet)"
	fi
done
# shellcheck disable=SC2086
fuzz/replay "$FO" $names >"$tmp/replay"
rc=$?
grep -v '^[0-9]* passed, [0-9]* failed$' "$tmp/replay"
# Fold replay's own count (TODO lines are in neither) into ours.
set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$tmp/replay")
if [ $# -eq 2 ]; then
	_pass=$((_pass + $1))
	_fail=$((_fail + $2))
else
	fail "fuzz/replay gave no count (exit $rc)"
fi
done_testing

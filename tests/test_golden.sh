#!/bin/sh
# Golden reports: every case of tests/golden/cases is run and its standard
# output compared byte for byte with the stored file, its exit status with
# tests/golden/exit-status. A difference fails with the diff; read it
# (tests/golden/README.md) and, when the change is meant, run `make golden`.
#
# Usage: tests/test_golden.sh [--update] [BIN]
#   --update   write the outputs instead of comparing (what `make golden` runs)
# Environment: KIC_BUILD, the build directory holding tests/golden_render (.).
update=""
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
RENDER=${KIC_BUILD:-.}/tests/golden_render
[ -x "$BIN" ] || skip "no binary at $BIN (build first)"
[ -x "$RENDER" ] || { fail "no $RENDER (make check builds it)"; done_testing; exit; }

G=tests/golden
FIXTURES=$(cd tests/fixtures && for d in */; do echo "${d%/}"; done)
SCENARIOS=$("$RENDER" 2>&1 | sed -n 's/^scenarios://p')
[ -n "$FIXTURES" ] && [ -n "$SCENARIOS" ] || { fail "no fixtures or scenarios"; done_testing; exit; }

# The output is the report only, whatever the caller's environment says.
unset NO_COLOR
export TERM=xterm LC_ALL=C TZ=UTC

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cases, with @FIXTURES@/@SCENARIOS@ lines expanded once per name.
expand() {
	grep -v '^#' "$G/cases" | grep -v '^[[:space:]]*$' | while read -r file cmd; do
		case "$file" in
		@FIXTURES@/*) names=$FIXTURES var=@FIXTURE@ dir="" ;;
		@SCENARIOS@/*) names=$SCENARIOS var=@SCENARIO@ dir=probed/ ;;
		*) echo "$file $cmd"; continue ;;
		esac
		for n in $names; do
			echo "$dir$n/${file#*/} $cmd" | sed "s/$var/$n/g"
		done
	done
}

expand >"$tmp/cases"
: >"$tmp/exit-status"
while read -r file prog args; do
	case "$prog" in
	kic) run=$BIN ;;
	render) run=$RENDER ;;
	*) fail "$file: unknown program '$prog'"; continue ;;
	esac
	mkdir -p "$tmp/out/$(dirname "$file")"
	# shellcheck disable=SC2086 # args are words by design
	"$run" $args >"$tmp/out/$file" 2>"$tmp/stderr" </dev/null
	echo "$file $?" >>"$tmp/exit-status"
	if [ -s "$tmp/stderr" ]; then
		fail "$file: stderr: $(head -c 300 "$tmp/stderr")"
	fi
done <"$tmp/cases"
mv "$tmp/exit-status" "$tmp/out/exit-status"

if [ -n "$update" ]; then
	# Stale goldens (a case removed) go too; cases and README.md stay.
	find "$G" -mindepth 2 -type f -delete
	cp -R "$tmp/out/." "$G/"
	echo "wrote $(wc -l <"$tmp/cases") golden files under $G; now read: git diff --stat $G"
	exit 0
fi

n=0
while read -r file _; do
	n=$((n + 1))
	if [ ! -f "$G/$file" ]; then
		fail "$file: no golden file (make golden, then review it)"
	elif cmp -s "$G/$file" "$tmp/out/$file"; then
		pass "$file"
	else
		fail "$file differs from the golden file:"
		diff -u "$G/$file" "$tmp/out/$file" | head -n 40 | sed 's/^/#   /'
	fi
done <"$tmp/cases"
if diff -u "$G/exit-status" "$tmp/out/exit-status" >"$tmp/d"; then
	pass "exit status of all $n cases"
else
	fail "exit status differs:"
	sed 's/^/#   /' "$tmp/d"
fi
for f in $(cd "$G" && find . -mindepth 2 -type f | sed 's|^\./||'); do
	grep -q "^$f " "$tmp/cases" || fail "$G/$f: no case writes it any more (make golden removes it)"
done
done_testing

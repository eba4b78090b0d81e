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

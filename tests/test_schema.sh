#!/bin/sh
# docs/kvm-ipa-check.schema.json: a valid JSON Schema (draft 7) that gives
# every key a description, and that every --json report validates against:
# the live host (each probe mode), every fixture, what-if runs, a sosreport
# with and without the plugin's report. The schema is strict (no unknown
# keys), so a key the tool starts printing must be documented here first;
# mutated reports must fail, so this test can fail.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCHEMA=$REPO/docs/kvm-ipa-check.schema.json

[ -x "$BIN" ] || skip "no binary at $BIN (build first)"
need python3 python3-jsonschema
PY=/usr/bin/python3 # Debian's, where python3-jsonschema is

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # NAME ARGS...: one report into $tmp/NAME.json
	n=$1
	shift
	"$BIN" --json "$@" >"$tmp/$n.json" 2>"$tmp/$n.err"
	rc=$?
	[ $rc -le 3 ] || fail "$n: exit $rc: $(head -c 300 "$tmp/$n.err")"
}

if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	run live
	run live-no-default-probe --no-default-probe
	run live-no-run --no-run
	run live-whatif --vmm qemu=6.2 --vmm firecracker=0.24.0
fi
run live-no-probe --no-probe
for tree in "$REPO"/tests/fixtures/*/; do
	run "fixture-$(basename "$tree")" --sysroot "$tree"
done
run m1-kernel --sysroot "$REPO/tests/fixtures/m1-36" --kernel 5.10.23 --vmm qemu=6.2
run m1-limit --sysroot "$REPO/tests/fixtures/a72-44" --ipa-limit 36 --vmm kvmtool=20200101
run x86-as-arm64 --sysroot "$REPO/tests/fixtures/x86" --ipa-limit 36 --kernel 6.1.0 --vmm qemu=9.0
cp -a "$REPO/tests/fixtures/sos-m1-36" "$tmp/sos"
rm -rf "$tmp/sos/sos_commands/kvm_ipa"
run sos-without-plugin --sysroot "$tmp/sos"
mktree "$tmp/nolog" 6.1.0-28-arm64
run no-kernel-log --sysroot "$tmp/nolog"

$PY - "$SCHEMA" "$tmp" <<'PY' >"$tmp/out" 2>&1
import copy, glob, json, os, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)

try:
    jsonschema.Draft7Validator.check_schema(schema)
    check(True, "the schema is a valid draft-07 JSON Schema")
except jsonschema.SchemaError as e:
    check(False, "the schema is a valid draft-07 JSON Schema: %s" % e.message)
v = jsonschema.Draft7Validator(schema)

# Every key documented: each property of each object has a description.
undocumented, keys = [], set()
def walk(node, path):
    if not isinstance(node, dict):
        return
    for k, sub in node.get("properties", {}).items():
        p = path + [k]
        keys.add(".".join(p))
        if not sub.get("description"):
            undocumented.append(".".join(p))
        walk(sub, p)
    if "items" in node:
        walk(node["items"], path[:-1] + [path[-1] + "[]"] if path else ["[]"])
    for alt in node.get("anyOf", []):
        walk(alt, path)
walk(schema, [])
check(not undocumented, "every key has a description (%s)" % ", ".join(undocumented or ["all %d" % len(keys)]))
for k in ("probes.run", "probes.elapsed_ms", "probes.vcpu_run.vm_bits",
          "probes.vcpu_run.detail", "verdict.findings", "host.notes"):
    check(k in keys, "the schema documents %s" % k)

reports = sorted(glob.glob(os.path.join(sys.argv[2], "*.json")))
check(len(reports) >= 10, "%d reports to validate" % len(reports))
seen = set()
def collect(d, path):
    if isinstance(d, dict):
        for k, x in d.items():
            seen.add(".".join(path + [k]))
            collect(x, path + [k])
    elif isinstance(d, list):
        for x in d:
            collect(x, path[:-1] + [path[-1] + "[]"])
for f in reports:
    name = os.path.basename(f)[:-5]
    try:
        d = json.load(open(f))
    except ValueError as e:
        check(False, "%s: not JSON (%s)" % (name, e))
        continue
    errs = sorted(v.iter_errors(d), key=lambda e: list(e.path))
    check(not errs, "%s validates%s" % (name, "".join(
        "\n#   %s: %s" % ("/".join(map(str, e.path)), e.message[:160]) for e in errs[:5])))
    collect(d, [])
unused = sorted(k for k in keys if k not in seen)
print("# keys no report here printed: %s" % (", ".join(unused) or "none"))

# Mutations the schema must reject: an unknown key, a wrong type, a missing
# key, an unknown enum value, a number past its range.
base = json.load(open(reports[0]))
def mutated(fn):
    d = copy.deepcopy(base)
    fn(d)
    return not v.is_valid(d)
check(mutated(lambda d: d["host"].update(hostname="x")), "rejects an unknown key (host.hostname)")
check(mutated(lambda d: d["verdict"].update(status="fine")), "rejects an unknown verdict.status")
check(mutated(lambda d: d.pop("exit_code")), "rejects a missing exit_code")
check(mutated(lambda d: d.update(exit_code=4)), "rejects exit_code 4")
check(mutated(lambda d: d["host"].update(ram_top=12345)), "rejects host.ram_top as a number")
check(mutated(lambda d: d["probes"].update(run=not d["probes"]["run"])),
      "rejects probes.run contradicting the keys beside it")
PY
cat "$tmp/out"
_pass=$((_pass + $(grep -c '^ok - ' "$tmp/out")))
_fail=$((_fail + $(grep -c '^not ok - ' "$tmp/out")))
grep -q '^ok - ' "$tmp/out" || fail "the validator did not run: $(tail -n 5 "$tmp/out")"
done_testing

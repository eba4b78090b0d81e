#!/bin/sh
# The fleet summary recipe (contrib/ansible/kvm-ipa-summary.jq, documented
# in contrib/ansible/README.md and docs/integrations.md) with the real jq:
# reports of several hosts, some read from sosreport bundles, one table,
# worst first; and the per-status count one-liner.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)
JQ=$REPO/contrib/ansible/kvm-ipa-summary.jq

[ -x "$BIN" ] || skip "no binary at $BIN (build first)"
need jq python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bundles" "$tmp/reports"
# Two bundles of the same (synthetic) host: with and without the plugin's report.
cp -a "$REPO/tests/fixtures/sos-m1-36" "$tmp/bundles/sosreport-mbp-m1"
cp -a "$REPO/tests/fixtures/sos-m1-36" "$tmp/bundles/sosreport-mbp-m1-noplugin"
rm -rf "$tmp/bundles/sosreport-mbp-m1-noplugin/sos_commands/kvm_ipa"
mkstates "$tmp/trees"
cp -a "$tmp/trees/critical" "$tmp/bundles/plain-critical"

# The documented loop: one report per bundle, named after it.
for d in "$tmp"/bundles/*/; do
	"$BIN" --sysroot "$d" --json -o "$tmp/reports/$(basename "$d").json"
done
"$BIN" --json --no-default-probe -o "$tmp/reports/thishost.json"
printf '{"not": "a report"}\n' >"$tmp/reports/stray.json"

table=$(jq -n -r -f "$JQ" "$tmp"/reports/*.json)
rc=$?
is "$rc" 0 "jq runs the recipe"
echo "$table" | sed 's/^/#   /'
is "$(echo "$table" | awk 'END {print NR}')" 6 "a header and one row per file"
is "$(echo "$table" | awk -F '\t' 'NR > 1 {printf "%s ", $2}')" \
	"CRITICAL WARNING WARNING UNREADABLE $(jq -r '.verdict.status | ascii_upcase' "$tmp/reports/thishost.json") " \
	"rows worst first, a stray file as UNREADABLE"
row=$(echo "$table" | awk -F '\t' '$1 == "sosreport-mbp-m1"')
contains "$row" "measured on mbp-m1 at 2024-09-30 10:12:44 by kvm-ipa-check 0.1.0" \
	"a bundle with the plugin's report: where and when it was measured"
contains "$row" "qemu 9.0.2 limited, libvirt 9.0.2 limited" "VMM verdicts in the row"
row=$(echo "$table" | awk -F '\t' '$1 == "sosreport-mbp-m1-noplugin"')
contains "$row" "default-rejected (not measured)" "a bundle without it: inferred, and says so"
contains "$row" "offline tree" "a bundle without it: no measurement source"
is "$(echo "$table" | awk -F '\t' '$1 == "thishost" {print $8}')" live "this host: live"
# No tabs or newlines from the reports break the columns.
is "$(echo "$table" | awk -F '\t' '{print NF}' | sort -u)" 8 "eight columns in every row"

counts=$(jq -s -c 'map(select(.schema_version == 1)) | group_by(.verdict.status)
	| map({(.[0].verdict.status): length}) | add' "$tmp"/reports/*.json)
want=$(python3 -c '
import json, sys, collections
c = collections.Counter()
for f in sys.argv[1:]:
    d = json.load(open(f))
    if d.get("schema_version") == 1:
        c[d["verdict"]["status"]] += 1
print(json.dumps(dict(sorted(c.items())), separators=(",", ":")))' "$tmp"/reports/*.json)
is "$counts" "$want" "per-status counts one-liner"
done_testing

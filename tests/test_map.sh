#!/bin/sh
# --map, end to end through the real program on a fixture tree (--sysroot,
# so nothing is probed): every VMM row at releases on both sides of its
# thresholds, every --ipa-limit from 32 to 52. For each run:
#  - the text picture fits in 80 columns and has no escape without colour;
#  - --color=always only adds: without its escapes it is the --color=never text;
#  - the JSON regions say beyond_limit exactly when they end above
#    2^map_ipa_bits, come lowest first, and the text legend names exactly
#    those regions, for each VMM;
#  - a VM that is created (a sized VMM, or type 0 on 40+ bits) works when
#    nothing is beyond, fails when a default RAM-backed region is, and is
#    limited or fails otherwise.
# And the option's edges: --map with --json, --quiet, --nagios.
BIN=${1:-./kvm-ipa-check}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

[ -x "$BIN" ] || { fail "no program at $BIN"; done_testing; exit 1; }
command -v python3 >/dev/null || skip "python3 is needed"
tmp=$(mktemp -d)
trap '[ -n "${KIC_KEEP:-}" ] || rm -rf "$tmp"' EXIT
tree=$top/tests/fixtures/a72-44

# Two runs a limit: at most 24 --vmm a run.
group1="qemu=3.1 qemu=5.2 qemu=6.2 qemu=7.2 qemu=10.0 libvirt=8.0 libvirt=8.2 kvmtool=20200101
	kvmtool=20220701 firecracker=0.24 firecracker=1.7 firecracker=1.13 firecracker=1.14 qemu"
group2="cloud-hypervisor=15.0 cloud-hypervisor=16.0 cloud-hypervisor=23.0 crosvm=20210101
	crosvm=20220101 libkrun=0.1.7 libkrun=1.0 gvisor=20240101.0 gvisor=20260714.0 solo5-hvt
	hyperlight=0.16 dragonball=3.0 kvm-ioctls=0.8 kvm-ioctls=0.9"

bits=32
while [ $bits -le 52 ]; do
	for g in 1 2; do
		vmms=
		if [ $g = 1 ]; then list=$group1; else list=$group2; fi
		for v in $list; do vmms="$vmms --vmm $v"; done
		# shellcheck disable=SC2086 # one word per option
		"$BIN" --sysroot "$tree" --ipa-limit $bits --map --color=never $vmms \
			>"$tmp/$bits-$g.txt"
		# shellcheck disable=SC2086
		"$BIN" --sysroot "$tree" --ipa-limit $bits --map --color=always $vmms \
			>"$tmp/$bits-$g.color"
		# shellcheck disable=SC2086
		"$BIN" --sysroot "$tree" --ipa-limit $bits --json $vmms >"$tmp/$bits-$g.json"
	done
	bits=$((bits + 1))
done

python3 - "$tmp" >"$tmp/result" <<'PY'
import json, re, sys

tmp = sys.argv[1]
esc = re.compile(r"\x1b\[[0-9;]*m")
for bits, g in ((b, g) for b in range(32, 53) for g in (1, 2)):
    text = open(f"{tmp}/{bits}-{g}.txt").read()
    color = open(f"{tmp}/{bits}-{g}.color").read()
    doc = json.load(open(f"{tmp}/{bits}-{g}.json"))
    maps = text[text.index("Memory maps"):]
    maps = maps[:re.search(r"^(Notes:|Findings:|[A-Z]+: )", maps, re.M).start()]
    long = [l for l in maps.splitlines() if len(l) > 80]
    print(f"{'ok' if not long else 'bad'} {bits}: map lines within 80 columns {long[:1]}")
    print(f"{'ok' if chr(27) not in text else 'bad'} {bits}: no escape with --color=never")
    print(f"{'ok' if esc.sub('', color) == text and chr(27) in color else 'bad'} "
          f"{bits}: --color=always only adds")
    # The legend of each VMM's block: "    NAME      size at base: ..."
    blocks = re.split(r"^(?=\S+ \S+ \[what-if\]: )", maps, flags=re.M)[1:]
    if len(blocks) != len(doc["vmms"]):
        print(f"bad {bits}: {len(blocks)} map blocks for {len(doc['vmms'])} VMMs")
        continue
    for block, v in zip(blocks, doc["vmms"]):
        who = f"{bits}: {v['name']} {v['version']}"
        regions, mb = v["regions"], v["map_ipa_bits"]
        # the title says what the VM gets (JSON vm_ipa_bits), or that there is none
        title = " ".join(block.split("\n            1G", 1)[0].split())
        vb = v["vm_ipa_bits"]
        if v["verdict"] in ("fails", "hangs"):
            print(f"{'ok' if v['max_guest_ram'] is None else 'bad'} {who}: "
                  f"{v['verdict']}: no largest RAM ({v['max_guest_ram']})")
        if mb is not None:
            good = f"the VM gets {vb} IPA bits" in title if vb else "the VM gets" not in title
            print(f"{'ok' if good else 'bad'} {who}: title {title!r} agrees with vm_ipa_bits {vb}")
        if mb is not None and v["verdict"] == "fails" and vb is None:
            print(f"{'ok' if 'no VM is created' in title else 'bad'} {who}: refused: title says so")
        # QEMU >= 7.0 asks for what its map needs: the top of what is not beyond, >= 32
        if mb is not None and v["name"] == "qemu" and v["version"] in ("7.2", "10.0"):
            want = max([32] + [(r["base"] + r["size"] - 1).bit_length() for r in regions
                               if not r["beyond_limit"]])
            print(f"{'ok' if vb == want else 'bad'} {who}: asks for {want} bits (got {vb})")
        if mb is None:
            print(f"{'ok' if not regions and 'no map' in block else 'bad'} {who}: no map")
            continue
        flags = all(r["beyond_limit"] == (r["base"] + r["size"] > 1 << mb) for r in regions)
        print(f"{'ok' if flags else 'bad'} {who}: beyond_limit is end > 2^{mb}")
        bases = [r["base"] for r in regions]
        print(f"{'ok' if bases == sorted(bases) else 'bad'} {who}: lowest first")
        legend = block.split("line (x):\n", 1)[1] if "line (x):\n" in block else ""
        named = re.findall(r"^    (\S+) ", legend, re.M)
        beyond = [r["name"] for r in regions if r["beyond_limit"]]
        print(f"{'ok' if named == beyond else 'bad'} {who}: legend {named} == JSON {beyond}")
        rows = re.findall(r"^  (\S+) +[#x.|]", block, re.M)
        print(f"{'ok' if rows == [r['name'] for r in regions] else 'bad'} {who}: one row a region")
        created = not v["reason"].count("refused") and "hangs" not in v["reason"]
        if not created or v["verdict"] == "unknown" or v["name"] == "libvirt":
            continue
        ram = any(r["beyond_limit"] and r["ram"] and not r["opt_in"] for r in regions)
        want = ("works",) if not beyond else ("fails",) if ram else ("limited", "fails")
        print(f"{'ok' if v['verdict'] in want else 'bad'} {who}: {v['verdict']} "
              f"with {beyond or 'nothing'} beyond")
PY
while read -r res what; do
	case $res in
	ok) pass "$what" ;;
	*) fail "$what" ;;
	esac
done <"$tmp/result"
[ -s "$tmp/result" ] || fail "the checker printed nothing"

# The audit's cases (item 10): type 0 on an unfixed kernel gets 40 bits (then
# hangs); on a fixed one no VM is created, and a failing VMM has no largest RAM.
"$BIN" --ipa-limit 36 --kernel 5.10.23 --vmm qemu=3.1 --map --color=never >"$tmp/h.txt"
contains "$(grep '^qemu 3.1' "$tmp/h.txt")" "HANGS; the VM gets 40 IPA bits (1 TiB); drawn against 36" \
	"unfixed kernel, 36 bits: QEMU 3.1's VM gets 40 bits (then hangs), drawn against 36"
contains "$(cat "$tmp/h.txt")" "no RAM size helps: the guest hangs" "... and no largest RAM is offered"
"$BIN" --ipa-limit 36 --kernel 6.1 --vmm qemu=3.1 --vmm solo5-hvt --vmm qemu=6.2 --vmm qemu=7.2 \
	--map --color=never >"$tmp/f.txt"
"$BIN" --ipa-limit 36 --kernel 6.1 --vmm qemu=3.1 --vmm solo5-hvt --vmm qemu=6.2 --vmm qemu=7.2 \
	--json >"$tmp/f.json"
jcheck "$tmp/f.json" "fixed kernel, 36 bits: failing VMMs have no max_guest_ram nor VM bits; QEMU 7.2 asks for 32" "
[v['max_guest_ram'] for v in d['vmms'][:3]] == [None, None, None]
[v['vm_ipa_bits'] for v in d['vmms'][:3]] == [None, None, None]
d['vmms'][3]['vm_ipa_bits'] == 32 and d['vmms'][3]['map_ipa_bits'] == 36
d['vmms'][3]['max_guest_ram'] == 63 * 2**30
"
is "$(grep -c 'FAILS; no VM is created; drawn against 36' "$tmp/f.txt")" 3 "... their maps say no VM is created"
grep -q "the largest, 63 GiB" "$tmp/f.txt" && [ "$(grep -c 'the largest' "$tmp/f.txt")" -eq 1 ] &&
	pass "... only QEMU 7.2's map offers a largest RAM" || fail "a failing VMM's map offers a largest RAM"
"$BIN" --ipa-limit 44 --kernel 6.1 --vmm qemu=7.2 --map --color=never >"$tmp/q.txt"
contains "$(grep '^qemu 7.2' "$tmp/q.txt")" "the VM gets 40 IPA bits (1 TiB); drawn against 44" \
	"44 bits: QEMU 7.2 asks for the 40 bits its map needs, not the host's 44"

# The edges of the option.
"$BIN" --sysroot "$tree" --json --map --vmm qemu=7.2 >"$tmp/j" 2>"$tmp/e"
is "$?" 0 "--json --map: exit 0 on a 44-bit tree with QEMU 7.2"
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["vmms"][0]["regions"]' \
	"$tmp/j"; then
	pass "--json --map: the regions are in the JSON"
else
	fail "--json --map: no regions"
fi
out=$("$BIN" --sysroot "$top/tests/fixtures/m1-36" --quiet --map)
case $out in
*"Memory maps"*) fail "--quiet --map prints a map" ;;
*) pass "--quiet keeps to the verdict line with --map" ;;
esac
"$BIN" --sysroot "$top/tests/fixtures/m1-36" --nagios --map >"$tmp/n"
if grep -q "Memory maps" "$tmp/n"; then
	fail "--nagios --map prints a map"
else
	pass "--nagios has no map"
fi
"$BIN" --sysroot "$top/tests/fixtures/m1-36" --map --color=never >"$tmp/t"
"$BIN" --sysroot "$top/tests/fixtures/m1-36" --color=never >"$tmp/t0"
if cmp -s "$tmp/t" "$tmp/t0"; then
	pass "--map without a VMM judged draws nothing"
else
	fail "--map without VMMs changed the report"
fi
done_testing

#!/bin/sh
# --prometheus, checked by Prometheus's own tools: `promtool check metrics`
# (Debian's prometheus package) on the output for every state, node_exporter's
# textfile collector (prometheus-node-exporter, on 127.0.0.1 only) serving the
# file, `promtool check rules` and `promtool test rules` on the sample alert
# rules fed with the tool's own metrics, `systemd-analyze verify` on the
# sample timer and service; and --output FILE: atomic (rename only, as seen by
# inotify; 200 rewrites under a concurrent reader that never sees half a
# file), no temp file left behind, mode 0644, failure leaves no litter.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "$BIN")
[ -x "$BIN" ] || skip "no binary at $BIN (build first)"

need python3 prometheus prometheus-node-exporter inotify-tools
# systemd-analyze (package systemd) only for the unit files: try, never skip.
if ! command -v systemd-analyze >/dev/null && [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd \
		>/dev/null 2>&1 || echo "# could not install systemd: unit files not verified"
fi
command -v promtool >/dev/null || skip "promtool not found after installing prometheus"

tmp=$(mktemp -d)
nepid=""
cleanup() {
	[ -n "$nepid" ] && kill "$nepid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mkstates "$tmp"

# value NAME FILE: the sample value of an unlabelled metric
value() { awk -v n="$1" '$1 == n { print $2 }' "$2"; }

# --- promtool check metrics on every state, live and what-if ---
i=0
for st in ok warning critical unknown; do
	"$BIN" --prometheus --sysroot "$tmp/$st" >"$tmp/$st.prom" 2>/dev/null
	is "$?" "$i" "$st tree: exit $i"
	is "$(value kvm_ipa_status "$tmp/$st.prom")" "$i" "$st tree: kvm_ipa_status $i"
	i=$((i + 1))
done
is "$(value kvm_ipa_size_limit "$tmp/ok.prom")" 44 "ok tree: kvm_ipa_size_limit 44"
is "$(value kvm_ipa_size_limit "$tmp/warning.prom")" 36 "warning tree: kvm_ipa_size_limit 36"
is "$(value kvm_ipa_host_pa_size "$tmp/ok.prom")" 44 "ok tree: kvm_ipa_host_pa_size 44 (Cortex-A72)"
"$BIN" --prometheus --sysroot "$tmp/warning" --vmm qemu=7.2 --vmm firecracker=1.4 \
	--vmm kvmtool >"$tmp/whatif.prom" 2>/dev/null
# The same VMM twice must still be one series (node_exporter rejects repeats).
"$BIN" --prometheus --sysroot "$tmp/critical" --vmm qemu=5.2 --vmm crosvm --vmm qemu=5.2 \
	>"$tmp/whatif-crit.prom" 2>/dev/null
# A distribution QEMU and a self-built one in /usr/local/bin: two series.
cp -a "$tmp/warning" "$tmp/twoqemu"
mkdir -p "$tmp/twoqemu/usr/bin" "$tmp/twoqemu/usr/local/bin"
for d in usr/bin usr/local/bin; do
	printf '\177ELF' >"$tmp/twoqemu/$d/qemu-system-aarch64"
	chmod 755 "$tmp/twoqemu/$d/qemu-system-aarch64"
done
"$BIN" --prometheus --sysroot "$tmp/twoqemu" >"$tmp/twoqemu.prom" 2>/dev/null
is "$(grep -c '^kvm_ipa_vmm_verdict{vmm="qemu"' "$tmp/twoqemu.prom")" 2 "two QEMU binaries: two series"
LIVE=""
if [ -e /dev/kvm ]; then # this host's real KVM: probe series too
	timeout 30 "$BIN" --prometheus --no-default-probe >"$tmp/live.prom" 2>/dev/null
	LIVE=live
fi
for f in ok warning critical unknown whatif whatif-crit twoqemu $LIVE; do
	if out=$(promtool check metrics <"$tmp/$f.prom" 2>&1) && [ -z "$out" ]; then
		pass "promtool check metrics: $f output is clean"
	else
		fail "promtool check metrics on $f: $(echo "$out" | sort -u | tr '\n' ' ')"
	fi
	# promtool does not look for repeated series; the collector rejects them.
	dup=$(grep -v '^#' "$tmp/$f.prom" | awk '{ $NF = ""; print }' | sort | uniq -d)
	is "$dup" "" "$f: every series appears once"
done
# JSON's null is no sample, never a 0 (x86: no IPA limit, no guest RAM bound);
# on the 36-bit tree both formats give the same bound.
for f in ok warning $LIVE; do
	case $f in
	live) timeout 30 "$BIN" --json --no-default-probe >"$tmp/$f.json" 2>/dev/null ;;
	*) "$BIN" --json --sysroot "$tmp/$f" >"$tmp/$f.json" 2>/dev/null ;;
	esac
	j=$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["max_guest_ram"]; print("" if v is None else v)' "$tmp/$f.json")
	is "$(value kvm_ipa_max_guest_ram_bytes "$tmp/$f.prom")" "$j" \
		"$f: kvm_ipa_max_guest_ram_bytes is JSON's max_guest_ram (${j:-null: no sample})"
done
# The same for every figure JSON may give as null: the IPA limit (unknown,
# or absent: x86 has none), the host's PA size, the probe time. On every
# fixture tree (arm64 ones with a limit, x86 without; the sosreport one
# carries its probes' time), the no-log arm64 tree (limit unknown) and this
# host's live run.
jfield() { # FILE PATH... -> the value, "" for null
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v=v[k]
print("" if v is None else v)' "$@"
}
fx=""
for d in "$REPO"/tests/fixtures/*/; do
	n=fx-$(basename "$d")
	"$BIN" --prometheus --sysroot "$d" >"$tmp/$n.prom" 2>/dev/null
	"$BIN" --json --sysroot "$d" >"$tmp/$n.json" 2>/dev/null
	fx="$fx $n"
done
"$BIN" --json --sysroot "$tmp/unknown" >"$tmp/unknown.json" 2>/dev/null
for f in $fx unknown $LIVE; do
	[ -f "$tmp/$f.json" ] || continue
	for m in "kvm_ipa_size_limit assessed_ipa_limit" "kvm_ipa_host_pa_size host pa_bits" \
		"kvm_ipa_probe_duration_seconds probes elapsed_ms"; do
		set -- $m
		metric=$1
		shift
		j=$(jfield "$tmp/$f.json" "$@")
		p=$(value "$metric" "$tmp/$f.prom")
		case $f/$metric in
		live/*_seconds) # two live runs: the same presence, not the same time
			p=${p:+timed} j=${j:+timed} ;;
		*_seconds) # JSON's milliseconds, the same measurement
			[ -n "$p" ] && p=$(awk -v s="$p" 'BEGIN { printf "%d", s * 1000 + 0.5 }') ;;
		esac
		is "$p" "$j" "$f: $metric is JSON's $* (${j:-null: no sample})"
		if [ -z "$j" ]; then
			is "$(grep -c "^# [A-Z]* $metric " "$tmp/$f.prom")" 0 \
				"$f: ... and no HELP/TYPE for $metric either"
		fi
	done
done
# What the cases above must cover, or they would prove nothing.
is "$(grep -c '^kvm_ipa_size_limit' "$tmp/fx-x86.prom")" 0 "x86 fixture: no kvm_ipa_size_limit sample"
is "$(value kvm_ipa_host_pa_size "$tmp/fx-x86.prom")" 46 "x86 fixture: kvm_ipa_host_pa_size 46 (measured)"
is "$(value kvm_ipa_size_limit "$tmp/fx-m1-36.prom")" 36 "m1-36 fixture: kvm_ipa_size_limit 36"
is "$(value kvm_ipa_size_limit "$tmp/fx-a72-44.prom")" 44 "a72-44 fixture: kvm_ipa_size_limit 44"
is "$(value kvm_ipa_size_limit "$tmp/unknown.prom")" "" "arm64 tree without a kernel log: no kvm_ipa_size_limit sample"
is "$(value kvm_ipa_probe_duration_seconds "$tmp/ok.prom")" "" "--sysroot (nothing probed): no kvm_ipa_probe_duration_seconds"
if [ -n "$LIVE" ] && [ "$(uname -m)" = x86_64 ]; then
	is "$(grep -c '^kvm_ipa_size_limit' "$tmp/live.prom")" 0 "live x86: KVM has no IPA limit, no kvm_ipa_size_limit sample"
	contains "$(cat "$tmp/live.prom")" "kvm_ipa_probe_duration_seconds " "live x86: probed, so the probe time is there"
fi
if [ -n "$LIVE" ] && [ "$(uname -m)" = x86_64 ]; then
	# x86 has one VM type: the "default" VM is created and measured even
	# under --no-default-probe (no once-per-boot warning to spend there).
	d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["probes"]["default_vm"]["result"])' "$tmp/live.json")
	is "$d $(value kvm_ipa_default_vm_ok "$tmp/live.prom")" "created 1" \
		"x86 --no-default-probe: kvm_ipa_default_vm_ok 1 is JSON's measured default_vm"
fi
contains "$(cat "$tmp/whatif.prom")" 'kvm_ipa_vmm_verdict{vmm="qemu",version="7.2"' \
	"what-if VMMs become kvm_ipa_vmm_verdict series"
contains "$(cat "$tmp/whatif.prom")" 'what_if="1"} 1' "what-if series say so"
contains "$(cat "$tmp/whatif.prom")" 'kvm_ipa_vmm_verdict{vmm="kvmtool",version="",' \
	"unknown version: an empty label (no label to Prometheus; JSON's null)"
# A what-if limit is the judged host's: this CPU's size and this kernel's
# probes would read as that host's, so they are left out; the HELP says the
# limit may be a prediction.
"$BIN" --prometheus --sysroot "$REPO/tests/fixtures/a72-44" --ipa-limit 36 --kernel 6.1 >"$tmp/wi.prom"
is "$(value kvm_ipa_size_limit "$tmp/wi.prom") $(value kvm_ipa_host_pa_size "$tmp/wi.prom")" "36 " \
	"--ipa-limit 36 on a 44-bit tree: the judged limit, no kvm_ipa_host_pa_size of this CPU"
contains "$(grep '^# HELP kvm_ipa_size_limit' "$tmp/wi.prom")" "--ipa-limit (a prediction)" \
	"kvm_ipa_size_limit HELP names a predicted limit"
"$BIN" --prometheus --sysroot "$REPO/tests/fixtures/a72-44" --kernel 5.10.23 >"$tmp/wi.prom"
is "$(value kvm_ipa_host_pa_size "$tmp/wi.prom")" 44 "--kernel alone: the same CPU, kvm_ipa_host_pa_size kept"
if [ -n "$LIVE" ]; then
	"$BIN" --prometheus --ipa-limit 36 --kernel 6.1 >"$tmp/wi.prom"
	is "$(grep -cE '^kvm_ipa_(host_pa_size|default_vm_ok|vcpu_run_ok|size_accepted)' "$tmp/wi.prom")" 0 \
		"live what-if: none of this host's figures beside the judged host's"
fi

# --- node_exporter's textfile collector serves the files ---
NE=$(command -v prometheus-node-exporter || command -v node_exporter)
mkdir -p "$tmp/textfile"
cp "$tmp/whatif-crit.prom" "$tmp/textfile/kvm_ipa.prom"
port=""
for _ in 1 2 3 4 5; do
	p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
	"$NE" --web.listen-address="127.0.0.1:$p" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$tmp/textfile" \
		>>"$tmp/ne.log" 2>&1 & # appending: the log is emptied before each scrape
	nepid=$!
	for _ in $(seq 1 30); do
		if python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$p/metrics', timeout=1)" 2>/dev/null; then
			port=$p
			break 2
		fi
		kill -0 "$nepid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$nepid" 2>/dev/null
	wait "$nepid" 2>/dev/null
	nepid=""
done
if [ -z "$port" ]; then
	fail "node_exporter did not start: $(tail -3 "$tmp/ne.log")"
else
	scrape() {
		python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$port/metrics', timeout=5).read().decode())"
	}
	for f in whatif-crit twoqemu ok $LIVE; do
		cp "$tmp/$f.prom" "$tmp/textfile/.tmp" && mv "$tmp/textfile/.tmp" "$tmp/textfile/kvm_ipa.prom"
		: >"$tmp/ne.log"
		m=$(scrape)
		err=$(echo "$m" | awk '$1 == "node_textfile_scrape_error" { print $2 }')
		if [ "$err" = 0 ] && echo "$m" | grep -q '^kvm_ipa_status ' &&
			! grep -aq 'level=error' "$tmp/ne.log"; then
			pass "node_exporter serves the $f metrics without an error"
		else
			fail "node_exporter rejects the $f file (scrape_error '$err'): $(grep -a 'level=error' "$tmp/ne.log" | head -c 600)"
		fi
	done
	# node_exporter 1.5 labels the full path, older ones the name alone.
	if echo "$m" | grep -Eq '^node_textfile_mtime_seconds\{file="(.*/)?kvm_ipa\.prom"\} '; then
		pass "node_exporter labels the file as the staleness rule expects"
	else
		fail "no node_textfile_mtime_seconds for kvm_ipa.prom: $(echo "$m" | grep node_textfile_mtime)"
	fi
	# An unparsable file (a truncated copy, a second writer): what the
	# KvmIpaTextfileBroken rule keys on, as node_exporter shows it.
	printf 'kvm_ipa_status 0\nkvm_ipa_status{broken\n' >"$tmp/textfile/.tmp"
	mv "$tmp/textfile/.tmp" "$tmp/textfile/kvm_ipa.prom"
	m=$(scrape)
	is "$(echo "$m" | awk '$1 == "node_textfile_scrape_error" { print $2 }')" 1 \
		"node_exporter: an unparsable kvm_ipa.prom gives node_textfile_scrape_error 1"
	is "$(echo "$m" | grep -c '^kvm_ipa_')" 0 "node_exporter: ... and no kvm_ipa_* sample at all"
	is "$(echo "$m" | grep -c '^node_textfile_mtime_seconds.*kvm_ipa')" 0 \
		"node_exporter: ... and no mtime for it (a staleness rule cannot see it)"
	rm -f "$tmp/textfile/kvm_ipa.prom"
	m=$(scrape)
	is "$(echo "$m" | awk '$1 == "node_textfile_scrape_error" { print $2 }')" 0 \
		"node_exporter: a file never written is no error (only absent() sees it)"
	kill "$nepid" 2>/dev/null
	wait "$nepid" 2>/dev/null
	nepid=""
fi

# --- the sample alert rules ---
RULES=$REPO/contrib/prometheus/kvm-ipa.rules.yml
if out=$(promtool check rules "$RULES" 2>&1); then pass "promtool check rules: $(echo "$out" | tail -n 1 | sed 's/^ *//')"
else fail "promtool check rules: $out"; fi

# promtool test rules, fed with the tool's metrics: host a is WARNING,
# host b CRITICAL (what-if VMMs must not alert), host c has a broken VMM
# installed, host d's file went stale.
series() { # FILE INSTANCE [MINUTES] -> input_series entries, constant for 2 h (or MINUTES)
	awk -v inst="$2" -v n="${3:-120}" '
	/^#/ || NF < 2 { next }
	{
		name = $1; val = $2
		if (index(name, "{")) sub(/{/, "{instance=\"" inst "\",", name)
		else name = name "{instance=\"" inst "\"}"
		gsub(/"/, "\\\"", name)
		printf "      - series: \"%s\"\n        values: \"%s+0x%d\"\n", name, val, n
	}' "$1"
}
# The inputs of the limit cases below are what their comment says.
RUNERR=$REPO/tests/golden/probed/a53-run-error/prometheus.txt
sed 's/^kvm_ipa_status 0$/kvm_ipa_status 1/' "$tmp/fx-x86.prom" >"$tmp/x86-warning.prom"
for c in "fx-x86 0 none" "x86-warning 1 none" "fx-m1-36 1 36" "unknown 3 none"; do
	set -- $c
	lim=$(value kvm_ipa_size_limit "$tmp/$1.prom")
	is "$(value kvm_ipa_status "$tmp/$1.prom") ${lim:-none}" "$2 $3" "rules input $1: status $2, limit $3"
done
is "$(value kvm_ipa_status "$RUNERR") $(value kvm_ipa_size_limit "$RUNERR")" "1 40" \
	"rules input a53-run-error: WARNING with a 40-bit limit"
{
	echo "rule_files:"
	echo "  - $RULES"
	echo "evaluation_interval: 1m"
	echo "tests:"
	echo "  - interval: 1m"
	echo "    input_series:"
	series "$tmp/whatif.prom" a
	series "$tmp/whatif-crit.prom" b
	cat <<'EOF'
      - series: 'kvm_ipa_status{instance="c"}'
        values: '2+0x120'
      - series: 'kvm_ipa_vmm_verdict{instance="c",vmm="qemu",version="5.2.0",path="/usr/bin/qemu-system-aarch64",verdict="hangs",what_if="0"}'
        values: '1+0x120'
      - series: 'node_textfile_mtime_seconds{instance="d",file="/var/lib/prometheus/node-exporter/kvm_ipa.prom"}'
        values: '0+0x200'
      # e: kvm_ipa.prom deleted after 30 min (node_exporter up, parsing fine)
      - series: 'kvm_ipa_status{instance="e",job="node"}'
        values: '0x30 _x90'
      - series: 'up{instance="e",job="node"}'
        values: '1x120'
      - series: 'node_textfile_scrape_error{instance="e",job="node"}'
        values: '0x120'
      # f: the host stops answering scrapes after 30 min
      - series: 'kvm_ipa_status{instance="f",job="node"}'
        values: '0x30 _x90'
      - series: 'up{instance="f",job="node"}'
        values: '1x30 0x90'
      # g: kvm_ipa.prom unparsable after 30 min (as node_exporter shows it, above)
      - series: 'kvm_ipa_status{instance="g",job="node"}'
        values: '0x30 _x90'
      - series: 'up{instance="g",job="node"}'
        values: '1x120'
      - series: 'node_textfile_scrape_error{instance="g",job="node"}'
        values: '0x30 1x90'
      # h: a node without kvm-ipa-check: none of the self-monitoring alerts
      - series: 'up{instance="h",job="node"}'
        values: '1x30 0x90'
      - series: 'node_textfile_scrape_error{instance="h",job="node"}'
        values: '0x120'
    alert_rule_test:
      - eval_time: 30m
        alertname: KvmIpaWarning
        exp_alerts: []
      - eval_time: 90m
        alertname: KvmIpaWarning
        exp_alerts:
          - exp_labels: {severity: warning, cause: reduced-ipa-limit, instance: a}
            exp_annotations:
              summary: "Reduced KVM guest IPA size on a: 36 bits"
              description: "The KVM guest IPA size limit on a is 36 bits: VMMs that ask for a size work, VMMs relying on the default 40 bits are refused. Run `kvm-ipa-check --verbose` there for details."
      - eval_time: 5m
        alertname: KvmIpaCritical
        exp_alerts:
          - exp_labels: {severity: critical, instance: b}
            exp_annotations:
              summary: "VMMs on b will fail or hang (KVM guest IPA size)"
              description: "kvm-ipa-check reports CRITICAL on b: a VMM relying on the default 40-bit guest IPA size fails or its guest hangs. Run `kvm-ipa-check --verbose` there for the reason and the fix."
          - exp_labels: {severity: critical, instance: c}
            exp_annotations:
              summary: "VMMs on c will fail or hang (KVM guest IPA size)"
              description: "kvm-ipa-check reports CRITICAL on c: a VMM relying on the default 40-bit guest IPA size fails or its guest hangs. Run `kvm-ipa-check --verbose` there for the reason and the fix."
      - eval_time: 5m
        alertname: KvmIpaVmmBroken
        exp_alerts:
          - exp_labels: {severity: critical, instance: c, vmm: qemu, version: 5.2.0, path: /usr/bin/qemu-system-aarch64, verdict: hangs, what_if: "0"}
            exp_annotations:
              summary: "qemu 5.2.0 hangs on c"
              description: "kvm-ipa-check judges that the installed qemu 5.2.0 hangs with this host's KVM guest IPA size. `kvm-ipa-check --verbose` there names the fix."
      - eval_time: 5m
        alertname: KvmIpaUnknown
        exp_alerts: []
      - eval_time: 100m
        alertname: KvmIpaCheckStale
        exp_alerts: []
      - eval_time: 181m
        alertname: KvmIpaCheckStale
        exp_alerts:
          - exp_labels: {severity: warning, instance: d, file: /var/lib/prometheus/node-exporter/kvm_ipa.prom}
            exp_annotations:
              summary: "kvm_ipa.prom on d is not being rewritten"
              description: "The textfile written by kvm-ipa-check-textfile.timer is older than 3 hours: check `systemctl status kvm-ipa-check-textfile.service` there."
      - eval_time: 40m
        alertname: KvmIpaCheckMissing
        exp_alerts: []
      - eval_time: 90m
        alertname: KvmIpaCheckMissing
        exp_alerts:
          - exp_labels: {severity: warning, instance: e, job: node}
            exp_annotations:
              summary: "kvm_ipa.prom has disappeared on e"
              description: "e reported kvm_ipa_status within the last day and no longer does, while node_exporter is up there: check that /var/lib/prometheus/node-exporter/kvm_ipa.prom exists and `systemctl status kvm-ipa-check-textfile.timer`."
      - eval_time: 90m
        alertname: KvmIpaHostNotReporting
        exp_alerts:
          - exp_labels: {severity: warning, instance: f, job: node}
            exp_annotations:
              summary: "KVM host f stopped reporting"
              description: "Prometheus cannot scrape node_exporter on f, a host that reported kvm_ipa_status within the last day: its KVM IPA state is unknown."
      - eval_time: 90m
        alertname: KvmIpaTextfileBroken
        exp_alerts:
          - exp_labels: {severity: warning, instance: g, job: node}
            exp_annotations:
              summary: "node_exporter cannot parse a textfile on g, no kvm_ipa metrics"
              description: "node_textfile_scrape_error is 1 on g and kvm_ipa_status is missing: node_exporter rejected kvm_ipa.prom (its log names the file and the line). Rerun `systemctl start kvm-ipa-check-textfile.service` there."
      - eval_time: 90m
        alertname: KvmIpaCheckAbsent
        exp_alerts: []
  # The limit's sample is there only where it is known: x (the x86 fixture,
  # OK, no limit sample) never alerts; m (the 36-bit M1 fixture, WARNING)
  # is the reduced-limit warning; r (the synthetic probed A53 whose vCPU run
  # failed: WARNING with a 40-bit limit) and y (the x86 fixture's metrics
  # with kvm_ipa_status set to 1, a state this host cannot show: an x86
  # WARNING has no limit sample) are the other warning; u (arm64, no kernel
  # log: UNKNOWN, no limit sample) is KvmIpaUnknown after 6 h, no warning.
  - interval: 1m
    input_series:
EOF
	series "$tmp/fx-x86.prom" x 400
	series "$tmp/fx-m1-36.prom" m 400
	series "$RUNERR" r 400
	series "$tmp/x86-warning.prom" y 400
	series "$tmp/unknown.prom" u 400
	cat <<'EOF'
    alert_rule_test:
      - eval_time: 50m
        alertname: KvmIpaWarning
        exp_alerts: []
      - eval_time: 70m
        alertname: KvmIpaWarning
        exp_alerts:
          - exp_labels: {severity: warning, cause: reduced-ipa-limit, instance: m}
            exp_annotations:
              summary: "Reduced KVM guest IPA size on m: 36 bits"
              description: "The KVM guest IPA size limit on m is 36 bits: VMMs that ask for a size work, VMMs relying on the default 40 bits are refused. Run `kvm-ipa-check --verbose` there for details."
          - exp_labels: {severity: warning, cause: other, instance: r}
            exp_annotations:
              summary: "kvm-ipa-check reports WARNING on r"
              description: "kvm-ipa-check reports WARNING on r, whose KVM guest IPA size limit is 40 bits or more, unknown, or absent (x86): a KVM probe gave an unexpected answer or a VMM is limited. Run `kvm-ipa-check --verbose` there for the findings."
          - exp_labels: {severity: warning, cause: other, instance: y}
            exp_annotations:
              summary: "kvm-ipa-check reports WARNING on y"
              description: "kvm-ipa-check reports WARNING on y, whose KVM guest IPA size limit is 40 bits or more, unknown, or absent (x86): a KVM probe gave an unexpected answer or a VMM is limited. Run `kvm-ipa-check --verbose` there for the findings."
      - eval_time: 370m
        alertname: KvmIpaUnknown
        exp_alerts:
          - exp_labels: {severity: info, instance: u}
            exp_annotations:
              summary: "kvm-ipa-check cannot tell on u"
              description: "kvm-ipa-check returned UNKNOWN on u (e.g. no access to /dev/kvm or no kernel log). Run `kvm-ipa-check --verbose` there."
      - eval_time: 370m
        alertname: KvmIpaCritical
        exp_alerts: []
      - eval_time: 370m
        alertname: KvmIpaVmmBroken
        exp_alerts: []
  # No host has ever written the file: only absent() can tell.
  - interval: 1m
    input_series:
      - series: 'up{instance="h",job="node"}'
        values: '1x120'
    alert_rule_test:
      - eval_time: 50m
        alertname: KvmIpaCheckAbsent
        exp_alerts: []
      - eval_time: 70m
        alertname: KvmIpaCheckAbsent
        exp_alerts:
          - exp_labels: {severity: warning}
            exp_annotations:
              summary: "No host reports kvm_ipa_status"
              description: "No node_exporter scraped by this Prometheus exports kvm_ipa_status: enable kvm-ipa-check-textfile.timer on the KVM hosts, or check that node_exporter runs with the textfile collector on /var/lib/prometheus/node-exporter."
      - eval_time: 70m
        alertname: KvmIpaCheckMissing
        exp_alerts: []
EOF
} >"$tmp/rules_test.yml"
if out=$(promtool test rules "$tmp/rules_test.yml" 2>&1); then
	pass "promtool test rules: the alerts fire on the tool's own metrics, and only those"
else
	fail "promtool test rules: $out"
fi

# --- the systemd units ---
if command -v systemd-analyze >/dev/null && [ -e /lib/systemd/system/sysinit.target ]; then
	# The host's unit tree for the default dependencies, the build for the
	# binary (ExecStart= must name an executable); man pages checked below.
	U=$tmp/units
	mkdir -p "$U"
	for f in kvm-ipa-check-textfile.service kvm-ipa-check-textfile.timer; do
		sed "s|/usr/bin/kvm-ipa-check |$BIN |" "$REPO/contrib/systemd/$f" >"$U/$f"
	done
	if out=$(cd "$U" && systemd-analyze verify --man=no \
		./kvm-ipa-check-textfile.service ./kvm-ipa-check-textfile.timer 2>&1) && [ -z "$out" ]; then
		pass "systemd-analyze verify: service and timer are clean"
	else
		fail "systemd-analyze verify: $out"
	fi
	[ -f "$REPO/man/kvm-ipa-check.1" ] && pass "Documentation=man:kvm-ipa-check(1) exists" ||
		fail "the units cite man:kvm-ipa-check(1), which is missing"
	cmd=$(sed -n 's/^ExecStart=//p' "$REPO/contrib/systemd/kvm-ipa-check-textfile.service")
	case "$cmd" in
	"/usr/bin/kvm-ipa-check --prometheus "*"--output /var/lib/prometheus/node-exporter/kvm_ipa.prom"*)
		pass "the service writes node_exporter's default textfile directory" ;;
	*) fail "unexpected ExecStart: $cmd" ;;
	esac
	# Its arguments are ones the tool takes (run here on an offline tree).
	# shellcheck disable=SC2086
	set -- ${cmd#/usr/bin/kvm-ipa-check }
	args=""
	while [ $# -gt 0 ]; do
		case $1 in
		--output) shift; args="$args --output $tmp/unit.prom" ;;
		*) args="$args $1" ;;
		esac
		shift
	done
	# shellcheck disable=SC2086
	"$BIN" $args --sysroot "$tmp/warning" 2>"$tmp/unit.err"
	is "$?" 1 "the service's command line runs (WARNING tree)"
	[ -s "$tmp/unit.prom" ] && pass "the service's command line writes the file" ||
		fail "the service's command line wrote nothing: $(cat "$tmp/unit.err")"
else
	echo "# systemd (systemd-analyze and its units) not installed: units not verified"
fi

# --- --output: atomic replace ---
D=$tmp/out
mkdir -p "$D"
OUT=$D/kvm_ipa.prom
"$BIN" --prometheus --sysroot "$tmp/ok" --output "$OUT"
is "$?" 0 "--output: exit code is the verdict"
cmp -s "$OUT" "$tmp/ok.prom" && pass "--output writes what stdout would" ||
	fail "--output content differs from stdout"
is "$(stat -c %a "$OUT")" 644 "--output file is mode 0644 (node_exporter reads it as its own user)"

# inotify: kvm_ipa.prom itself is never created or written in place; it only
# appears by a rename (MOVED_TO) of a finished temp file.
inotifywait -m -e create,modify,close_write,moved_to,moved_from,delete \
	--format '%e %f' "$D" >"$tmp/events" 2>"$tmp/inotify.err" &
inpid=$!
for _ in $(seq 1 50); do grep -qs 'Watches established' "$tmp/inotify.err" && break; sleep 0.1; done
for n in 1 2 3; do "$BIN" --prometheus --sysroot "$tmp/warning" --output "$OUT"; done
sleep 0.5
kill "$inpid" 2>/dev/null
wait "$inpid" 2>/dev/null
direct=$(grep ' kvm_ipa\.prom$' "$tmp/events" | grep -v '^MOVED_TO ')
is "$direct" "" "inotify: no CREATE/MODIFY/CLOSE_WRITE on kvm_ipa.prom itself"
is "$(grep -c '^MOVED_TO kvm_ipa\.prom$' "$tmp/events")" 3 "inotify: each run is one rename onto it"
temps=$(grep '^CREATE ' "$tmp/events" | awk '{print $2}' | sort -u | wc -l)
is "$temps" 3 "inotify: each run wrote its own temp file"

# 200 rewrites alternating two different reports, under a reader that
# re-reads the file as fast as it can: every read is one whole report.
cat >"$tmp/reader.py" <<'PY'
import os, sys, time
path, a, b, stop = sys.argv[1:5]
want = {open(a, 'rb').read(), open(b, 'rb').read()}
reads = bad = 0
while not os.path.exists(stop):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        bad += 1
        continue
    reads += 1
    if data not in want:
        bad += 1
        if bad < 3:
            sys.stderr.write('partial read (%d bytes): %r\n' % (len(data), data[-80:]))
print(reads, bad)
PY
python3 "$tmp/reader.py" "$OUT" "$tmp/ok.prom" "$tmp/warning.prom" "$tmp/stop" >"$tmp/reads" 2>"$tmp/reader.err" &
rpid=$!
sleep 0.2
n=0
while [ $n -lt 200 ]; do
	if [ $((n % 2)) -eq 0 ]; then t=warning; else t=ok; fi
	"$BIN" --prometheus --sysroot "$tmp/$t" --output "$OUT" 2>/dev/null
	n=$((n + 1))
done
touch "$tmp/stop"
wait "$rpid"
read -r reads bad <"$tmp/reads"
if [ "${bad:-1}" -eq 0 ] && [ "${reads:-0}" -gt 200 ]; then
	pass "200 rewrites, $reads concurrent reads: every read saw a whole report"
else
	fail "concurrent reads: $bad of $reads partial or missing: $(cat "$tmp/reader.err")"
fi
cmp -s "$OUT" "$tmp/ok.prom" && pass "the last rewrite is what the file holds" ||
	fail "file does not hold the last report"
is "$(ls -A "$D")" "kvm_ipa.prom" "no temp file left behind after 200 rewrites"

# A rename that fails (the target is a directory) leaves no temp file.
mkdir -p "$tmp/fail/kvm_ipa.prom"
"$BIN" --prometheus --sysroot "$tmp/ok" --output "$tmp/fail/kvm_ipa.prom" 2>"$tmp/fail.err"
is "$?" 74 "--output onto a directory: exit 74 (EX_IOERR: the report was not written)"
contains "$(cat "$tmp/fail.err")" "kvm-ipa-check:" "--output failure: says why on stderr"
is "$(ls -A "$tmp/fail")" "kvm_ipa.prom" "--output failure: no temp file left behind"

done_testing

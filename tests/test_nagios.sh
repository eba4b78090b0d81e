#!/bin/sh
# --nagios, checked by a real consumer: Nagios Core 4 (Debian's nagios4-core)
# runs the tool as a service check on offline --sysroot trees built for each
# state (OK, WARNING, CRITICAL, UNKNOWN) and for a usage error; its
# status.dat must show the state, the status text, the long output and the
# perfdata the tool printed. The perfdata is also parsed by
# Monitoring::Plugin::Performance (libmonitoring-plugin-perl) and against the
# grammar of the monitoring-plugins development guidelines:
#   'label'=value[UOM];[warn];[crit];[min];[max]
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
BIN=$(readlink -f "$BIN")
[ -x "$BIN" ] || skip "no binary at $BIN (build first)"

need python3 perl libmonitoring-plugin-perl

tmp=$(mktemp -d)
ngpid=""
NG=$tmp/ng
mkdir -p "$NG/checkresults"
cp "$BIN" "$NG/kvm-ipa-check" # the nagios user may not reach the build tree,
BIN=$NG/kvm-ipa-check         # and usage errors name argv[0]: one path for all
cleanup() {
	[ -n "$ngpid" ] && kill "$ngpid" 2>/dev/null && sleep 0.3
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$tmp"

mkstates "$tmp"

# Each case: name, expected exit code, arguments.
CASES="ok 0 --sysroot $tmp/ok
warning 1 --sysroot $tmp/warning
critical 2 --sysroot $tmp/critical
unknown 3 --sysroot $tmp/unknown
usage 3 --bogus-option
badroot 3 --sysroot $tmp/does-not-exist"

# --- the tool alone: exit codes, status line, perfdata grammar ---
cat >"$tmp/grammar.py" <<'PY'
# monitoring-plugins development guidelines, "Plugin Output" / "Performance data"
import re, sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
want = sys.argv[2]
errs = []
if lines[-1] != '':
    errs.append('output does not end with a newline')
first = lines[0]
text, _, perf = first.partition('|')
m = re.match(r'^KVM-IPA (OK|WARNING|CRITICAL|UNKNOWN) - \S', text)
if not m:
    errs.append('status line is not "KVM-IPA STATUS - text": %r' % first)
elif m.group(1) != want:
    errs.append('status word %s, want %s' % (m.group(1), want))
if first.count('|') > 1:
    errs.append("more than one '|' on the status line")
for l in lines[1:]:
    if '|' in l:
        errs.append("'|' in the long output (it would start perfdata): %r" % l)
num = r'-?(?:\d+(?:\.\d*)?|\.\d+)'
rng = r'@?(?:~|%s)?:?(?:%s)?' % (num, num)
label = r"(?:'(?:[^'=]|'')+'|[^'= ]+)"
uom = r'(?:s|ms|us|%|B|KB|MB|GB|TB|c)?'
item = r'%s=(%s)%s(?:;(?:%s)?(?:;(?:%s)?(?:;(?:%s)?(?:;(?:%s)?)?)?)?)?' % (
    label, num, uom, rng, rng, num, num)
toks = perf.split()
for t in toks:
    if not re.fullmatch(item, t):
        errs.append('perfdata item does not follow the grammar: %r' % t)
if len(first.encode()) > 4000:
    errs.append('status line longer than 4000 bytes')
for e in errs:
    print('#   ' + e)
print(len(toks))
sys.exit(1 if errs else 0)
PY
cat >"$tmp/perfparse.pl" <<'PL'
# Monitoring::Plugin::Performance, the parser Perl-based consumers use.
use strict; use warnings;
use Monitoring::Plugin::Performance use_die => 1;
my ($perf, $want) = @ARGV;
my @p = Monitoring::Plugin::Performance->parse_perfstring($perf);
printf "%s=%s%s min=%s max=%s\n", $_->label, $_->value, $_->uom,
	$_->min // '', $_->max // '' for @p;
exit(scalar(@p) == $want ? 0 : 1);
PL
# This host's real KVM too (probe perfdata), for the format checks only.
if [ -e /dev/kvm ]; then
	timeout 30 "$BIN" --nagios --no-default-probe >/dev/null 2>&1
	LIVE="live $? --no-default-probe"
fi
echo "$CASES${LIVE:+
$LIVE}" | while read -r name want args; do
	# shellcheck disable=SC2086
	timeout 10 "$BIN" --nagios $args >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
done
words="OK WARNING CRITICAL UNKNOWN"
echo "$CASES" >"$tmp/cases"
echo "$CASES${LIVE:+
$LIVE}" >"$tmp/allcases"
while read -r name want args; do
	is "$(cat "$tmp/$name.rc")" "$want" "$name: --nagios exit $want"
	# Nagios drops stderr, Icinga 2 merges it into the output: stdout only.
	is "$(cat "$tmp/$name.err")" "" "$name: nothing on stderr"
	if [ "$name" = usage ]; then
		# argp's own message, like the monitoring-plugins' usage errors
		# (they print usage, not a status line, and exit UNKNOWN).
		case $(cat "$tmp/$name.out") in
		*"|"*) fail "usage error: a '|' would be taken for perfdata" ;;
		*) pass "usage error: no perfdata" ;;
		esac
		continue
	fi
	word=$(echo $words | cut -d' ' -f$((want + 1)))
	if n=$(python3 "$tmp/grammar.py" "$tmp/$name.out" "$word"); then
		pass "$name: status line and $n perfdata items follow the guidelines"
	else
		fail "$name: output breaks the guidelines: $(cat "$tmp/$name.out")"
		echo "$n" | grep '^#'
	fi
	perf=$(head -n 1 "$tmp/$name.out" | sed -n 's/^[^|]*|//p')
	n=$(echo "$n" | tail -n 1)
	if out=$(perl "$tmp/perfparse.pl" "$perf" "$n" 2>&1); then
		pass "$name: Monitoring::Plugin::Performance parses all $n perfdata items"
	else
		fail "$name: Monitoring::Plugin::Performance: '$perf' -> $out"
	fi
done <"$tmp/allcases"
for f in ok warning critical unknown; do
	case $(sed '1s/|.*//' "$tmp/$f.out") in
	*";"*) fail "$f: a ';' in the text (Nagios 4 shows it as ':')" ;;
	*) pass "$f: no ';' in the text (Nagios 4 would show it as ':')" ;;
	esac
done
contains "$(cat "$tmp/usage.out")" "unrecognized option" "usage error: the message is on stdout"
contains "$(cat "$tmp/badroot.out")" "KVM-IPA UNKNOWN - " "missing --sysroot: UNKNOWN status line"
contains "$(head -n 1 "$tmp/ok.out")" "ipa_limit_bits=44;;;32;52" "ok: perfdata has the 44-bit limit"
contains "$(head -n 1 "$tmp/warning.out")" "ipa_limit_bits=36;;;32;52" "warning: perfdata has the 36-bit limit"

# What-if: VMMs named with --vmm are marked as in the text report, and the
# perfdata are the judged host's only (the limit given is not this CPU's).
FX=$(dirname "$0")/fixtures
"$BIN" --nagios --sysroot "$FX/m1-36" --vmm qemu=7.2 >"$tmp/wi.out" 2>/dev/null
contains "$(sed -n 2p "$tmp/wi.out")" "qemu 7.2 [what-if]: limited - " "what-if VMM marked [what-if] in the long output"
# an unknown version is spelt as in the text report (JSON: null)
"$BIN" --nagios --sysroot "$FX/m1-36" --vmm kvmtool >"$tmp/wi.out" 2>/dev/null
"$BIN" --color=never --sysroot "$FX/m1-36" --vmm kvmtool >"$tmp/wi.txt" 2>/dev/null
contains "$(sed -n 2p "$tmp/wi.out")" "kvmtool (unknown) [what-if]: unknown - " \
	"unknown VMM version: '(unknown)' in the long output"
contains "$(cat "$tmp/wi.txt")" "  kvmtool (unknown) [what-if]" "... as in the text report"
"$BIN" --nagios --sysroot "$FX/a72-44" --ipa-limit 36 --kernel 6.1 >"$tmp/wi.out" 2>/dev/null
perf=$(head -n 1 "$tmp/wi.out" | sed -n 's/^[^|]*|//p')
case $perf in
*ipa_limit_bits=36*host_pa_bits*) fail "--ipa-limit 36 on a 44-bit host: this CPU's host_pa_bits beside the judged limit: $perf" ;;
*ipa_limit_bits=36*) pass "--ipa-limit 36 on a 44-bit host: the judged limit, no host_pa_bits of this CPU" ;;
*) fail "--ipa-limit 36: no judged limit in '$perf'" ;;
esac
"$BIN" --nagios --sysroot "$FX/a72-44" --kernel 5.10.23 >"$tmp/wi.out" 2>/dev/null
contains "$(head -n 1 "$tmp/wi.out")" "host_pa_bits=44" "--kernel alone: the same CPU, host_pa_bits kept"
if [ -n "$LIVE" ]; then
	"$BIN" --nagios --ipa-limit 36 --kernel 6.1 >"$tmp/wi.out" 2>/dev/null
	case $(head -n 1 "$tmp/wi.out") in
	*host_pa_bits* | *accepted_sizes*) fail "live what-if: this host's figures in the perfdata: $(head -n 1 "$tmp/wi.out")" ;;
	*probe_time=*) pass "live what-if: only the judged host's figures and the probe time" ;;
	*) fail "live what-if: $(head -n 1 "$tmp/wi.out")" ;;
	esac
fi

# --- a real consumer: Nagios Core runs the checks and records the results ---
if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: the nagios4 part needs the nagios user and apt-get"
	done_testing
	exit $?
fi
need nagios4-core
cat >"$NG/nagios.cfg" <<EOF
log_file=$NG/nagios.log
cfg_file=$NG/objects.cfg
object_cache_file=$NG/objects.cache
precached_object_file=$NG/objects.precache
status_file=$NG/status.dat
status_update_interval=1
temp_file=$NG/nagios.tmp
temp_path=$NG
lock_file=$NG/nagios.lock
check_result_path=$NG/checkresults
command_file=$NG/nagios.cmd
check_external_commands=1
nagios_user=nagios
nagios_group=nagios
retain_state_information=0
state_retention_file=$NG/retention.dat
interval_length=1
max_service_check_spread=1
max_host_check_spread=1
enable_notifications=0
use_syslog=0
service_check_timeout=20
EOF
{
	cat <<EOF
define command {
  command_name kvm-ipa-check
  command_line $NG/kvm-ipa-check --nagios \$ARG1\$
}
define command {
  command_name noop
  command_line /bin/true
}
define timeperiod {
  timeperiod_name always
  alias always
  sunday 00:00-24:00
  monday 00:00-24:00
  tuesday 00:00-24:00
  wednesday 00:00-24:00
  thursday 00:00-24:00
  friday 00:00-24:00
  saturday 00:00-24:00
}
define contact {
  contact_name nobody
  host_notifications_enabled 0
  service_notifications_enabled 0
  host_notification_period always
  service_notification_period always
  host_notification_options n
  service_notification_options n
  host_notification_commands noop
  service_notification_commands noop
}
define host {
  host_name kvmhost
  address 127.0.0.1
  check_command noop
  max_check_attempts 1
  check_period always
  notification_period always
  contacts nobody
  active_checks_enabled 0
}
EOF
	while read -r name want args; do
		cat <<EOF
define service {
  host_name kvmhost
  service_description $name
  check_command kvm-ipa-check!$args
  max_check_attempts 1
  check_interval 86400
  retry_interval 86400
  notification_interval 86400
  check_period always
  notification_period always
  contacts nobody
}
EOF
	done <"$tmp/cases"
} >"$NG/objects.cfg"
chown -R nagios:nagios "$NG"
chmod 755 "$NG"

if out=$(nagios4 -v "$NG/nagios.cfg" 2>&1); then pass "nagios4 -v accepts the check definitions"
else fail "nagios4 -v: $(echo "$out" | grep -i error)"; fi
nagios4 "$NG/nagios.cfg" >"$NG/console.log" 2>&1 &
ngpid=$!
# collect DEST SERVICE...: Nagios spreads the first checks over the interval,
# so force each service's check now, wait until all ran (30 s at most), keep
# status.dat as DEST and stop the daemon.
collect() {
	dest=$1
	shift
	for _ in $(seq 1 50); do [ -p "$NG/nagios.cmd" ] && break; sleep 0.1; done
	now=$(date +%s)
	for s in "$@"; do
		echo "[$now] SCHEDULE_FORCED_SVC_CHECK;kvmhost;$s;$now" >"$NG/nagios.cmd"
	done
	for _ in $(seq 1 100); do
		n=$(grep -c 'has_been_checked=1' "$NG/status.dat" 2>/dev/null)
		[ "${n:-0}" -ge $# ] && break
		sleep 0.3
	done
	cp "$NG/status.dat" "$dest" 2>/dev/null
	kill "$ngpid" 2>/dev/null
	wait "$ngpid" 2>/dev/null
	ngpid=""
}
# shellcheck disable=SC2046
collect "$tmp/status.dat" $(awk 'NF { print $1 }' "$tmp/cases")
[ -s "$tmp/status.dat" ] || fail "nagios wrote no status.dat: $(tail -5 "$NG/nagios.log")"

# status.dat -> {service_description: {field: value}}, for both checks below
cat >"$tmp/statusdat.py" <<'PY'
def services(path):
    svc, cur = {}, None
    for line in open(path, encoding='utf-8', errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('servicestatus {'):
            cur = {}
        elif line.strip() == '}' and cur is not None:
            svc[cur.get('service_description')] = cur
            cur = None
        elif cur is not None and '=' in line:
            k, _, v = line.strip().partition('=')
            cur[k] = v
    return svc
PY
cat >"$tmp/status.py" <<'PY'
import sys
from statusdat import services
svc = services(sys.argv[1])
s = svc.get(sys.argv[2], {})
out = open(sys.argv[3], encoding='utf-8').read().rstrip('\n').split('\n')
status, _, perf = out[0].partition('|')
# Exactly what the tool printed (Nagios 4 would show a ';' as ':').
want = {
    'has_been_checked': '1',
    'current_state': sys.argv[4],
    'plugin_output': status.strip(),
    'long_plugin_output': '\\n'.join(out[1:]),
    'performance_data': perf.strip(),
}
bad = ['%s: nagios has %r, the tool printed %r' % (k, s.get(k), v)
       for k, v in want.items() if s.get(k) != v]
for b in bad:
    print('#   ' + b)
sys.exit(1 if bad else 0)
PY
while read -r name want args; do
	if python3 "$tmp/status.py" "$tmp/status.dat" "$name" "$tmp/$name.out" "$want" >"$tmp/st" 2>&1; then
		pass "nagios: $name is state $want with the tool's output, long output and perfdata"
	else
		fail "nagios: $name"
		cat "$tmp/st"
	fi
done <"$tmp/cases"
grep -q "SERVICE ALERT: kvmhost;critical;CRITICAL;HARD" "$NG/nagios.log" &&
	pass "nagios logged a HARD CRITICAL alert for the unfixed kernel" ||
	fail "no CRITICAL alert in nagios.log: $(grep ALERT "$NG/nagios.log")"

# --- the documented Nagios config and least-privilege setups, as nagios ---
DOC=$(dirname "$0")/../docs/integrations.md
# The pasted config, in Debian's own nagios.cfg (its templates, commands,
# contacts), as /etc/nagios4/conf.d/kvm-ipa.cfg would be.
python3 - "$DOC" >"$tmp/doc-kvm-ipa.cfg" <<'PY'
import re, sys
m = re.search(r'```nagios\n(.*?)```', open(sys.argv[1]).read(), re.S)
print(m.group(1) if m else '')
PY
if [ -s /etc/nagios4/nagios.cfg ] && grep -q 'define service' "$tmp/doc-kvm-ipa.cfg"; then
	sed "s|^cfg_dir=/etc/nagios4/conf.d|cfg_file=$tmp/doc-kvm-ipa.cfg|" /etc/nagios4/nagios.cfg \
		>"$tmp/debian-nagios.cfg"
	chmod 644 "$tmp/doc-kvm-ipa.cfg"
	if out=$(nagios4 -v "$tmp/debian-nagios.cfg" 2>&1); then
		pass "nagios4 -v: the config of docs/integrations.md in Debian's nagios.cfg"
	else
		fail "nagios4 -v on the documented config: $(echo "$out" | grep -i 'error\|warning' | head -5)"
	fi
else
	fail "no \`\`\`nagios config in docs/integrations.md (or no /etc/nagios4/nagios.cfg)"
fi

# ngrun NAME BINDS... : run Nagios (as nagios) with the services of
# $NG/lp-services in a private mount namespace with the given "SRC:DST" bind
# mounts, force every check, keep status.dat as $tmp/NAME.dat
ngrun() {
	run=$1
	shift
	{
		sed -n '/^define command {/,$p' "$NG/objects.cfg" | sed '/^define service {/,$d'
		cat "$NG/lp-services"
	} >"$NG/lp-objects.cfg"
	sed "s|^cfg_file=.*|cfg_file=$NG/lp-objects.cfg|" "$NG/nagios.cfg" >"$NG/lp-nagios.cfg"
	rm -f "$NG/status.dat" "$NG/nagios.cmd"
	chown -R nagios:nagios "$NG"
	binds=""
	for b; do binds="$binds mount --bind ${b%%:*} ${b#*:} &&"; done
	unshare -m sh -c "$binds exec nagios4 $NG/lp-nagios.cfg" >"$NG/lp-console.log" 2>&1 &
	ngpid=$!
	# shellcheck disable=SC2046
	collect "$tmp/$run.dat" $(sed -n 's/^  service_description //p' "$NG/lp-services")
}
lpservice() { # NAME COMMAND_LINE
	cat <<EOF
define command {
  command_name lp-$1
  command_line $2
}
define service {
  host_name kvmhost
  service_description $1
  check_command lp-$1
  max_check_attempts 1
  check_interval 86400
  retry_interval 86400
  check_period always
  notification_period always
  contacts nobody
}
EOF
}
# svc DATFILE NAME FIELD
svc() {
	PYTHONPATH="$tmp" python3 - "$@" <<'PY'
import sys
from statusdat import services
print(services(sys.argv[1]).get(sys.argv[2], {}).get(sys.argv[3], ''))
PY
}

if [ -e /dev/kvm ]; then
	CMD="--nagios --no-default-probe --timeout 20"
	timeout 30 "$BIN" $CMD >/dev/null 2>&1
	rootrc=$? # what root gets on this host: the setups must give the same
	# The documented sudo rule, for this test's copy of the binary.
	rule=$(grep -m1 '^nagios ALL=(root) NOPASSWD: /usr/bin/kvm-ipa-check ' "$DOC")
	[ -n "$rule" ] && pass "docs/integrations.md has a sudo rule pinned to the arguments" ||
		fail "no 'nagios ALL=(root) NOPASSWD: /usr/bin/kvm-ipa-check ...' rule in docs/integrations.md"
	mkdir -p "$tmp/sudoers.d"
	cp -a /etc/sudoers.d/. "$tmp/sudoers.d/" 2>/dev/null
	echo "$rule" | sed "s|/usr/bin/kvm-ipa-check|$BIN|" >"$tmp/sudoers.d/kvm-ipa-check"
	chmod 0440 "$tmp/sudoers.d/kvm-ipa-check"
	if command -v visudo >/dev/null && visudo -cf "$tmp/sudoers.d/kvm-ipa-check" >/dev/null 2>&1; then
		pass "visudo -c accepts the documented rule"
	else
		fail "visudo -c rejects the documented rule (or sudo is not installed)"
	fi
	{
		lpservice denied "$BIN $CMD"
		lpservice sudo "/usr/bin/sudo -n $BIN $CMD"
	} >"$NG/lp-services"
	ngrun sudo "$tmp/sudoers.d:/etc/sudoers.d"
	st=$(svc "$tmp/sudo.dat" denied current_state)
	out=$(svc "$tmp/sudo.dat" denied plugin_output)
	if [ "$(stat -c %a /dev/kvm)" = 600 ]; then
		is "$st" 3 "nagios, no access to /dev/kvm (mode 600): UNKNOWN"
		contains "$out" "- fix: only root may open /dev/kvm here: run as root, through a sudo rule" \
			"nagios, no access: the status line says the fix"
	else
		echo "# /dev/kvm is mode $(stat -c %a /dev/kvm) here: the denied case is not shown"
	fi
	is "$(svc "$tmp/sudo.dat" sudo current_state)" "$rootrc" \
		"nagios through the documented sudo rule: the state root gets ($rootrc)"
	contains "$(svc "$tmp/sudo.dat" sudo plugin_output)" "KVM-IPA " "... with the tool's status line"
	# The rule admits exactly those arguments: no --output, nothing else.
	rm -f "$tmp/owned"
	unshare -m sh -c "mount --bind $tmp/sudoers.d /etc/sudoers.d &&
		su -s /bin/sh nagios -c 'sudo -n $BIN $CMD --output $tmp/owned; sudo -n $BIN --json'" \
		>"$tmp/sudo-extra.out" 2>&1
	[ ! -e "$tmp/owned" ] && grep -q 'password is required\|not allowed' "$tmp/sudo-extra.out" &&
		pass "the sudo rule refuses other arguments (--output FILE, --json)" ||
		fail "the sudo rule admits other arguments: $(cat "$tmp/sudo-extra.out")"

	# Group membership: /dev/kvm as Debian's udev makes it (mode 660, a group
	# of its own) and nagios in that group, shown in the namespace only (a
	# node of the same device, and a copy of /etc/group).
	gid=64990
	while getent group "$gid" >/dev/null; do gid=$((gid + 1)); done
	if mknod "$tmp/kvmnode" c "$((0x$(stat -c %t /dev/kvm)))" "$((0x$(stat -c %T /dev/kvm)))" 2>/dev/null; then
		chown "root:$gid" "$tmp/kvmnode"
		chmod 660 "$tmp/kvmnode"
		{ cat /etc/group; echo "kvmipa:x:$gid:nagios"; } >"$tmp/group"
		lpservice group "$BIN $CMD" >"$NG/lp-services"
		ngrun group "$tmp/group:/etc/group" "$tmp/kvmnode:/dev/kvm"
		is "$(svc "$tmp/group.dat" group current_state)" "$rootrc" \
			"nagios in /dev/kvm's group (daemon started after joining): the state root gets ($rootrc)"
	else
		echo "# cannot mknod here: the group setup is not run by the daemon"
	fi
fi

# What a periodic --no-default-probe check on a 36-bit host reports
# (offline trees stand in for the arm64 host): the kernel's boot line
# judges type 0 as not measured; without it, UNKNOWN and why.
for f in "$tmp/warning"; do
	cp -a "$f" "$tmp/nolog"
	rm -f "$tmp/nolog/var/log/dmesg"
	"$BIN" --nagios --no-default-probe --sysroot "$f" >"$tmp/p.out" 2>&1
	is "$?" 1 "36-bit host, boot line in the log: WARNING"
	contains "$(head -n 1 "$tmp/p.out")" "(not measured): kernel log:" "... judged from the kernel log, not measured"
	"$BIN" --nagios --no-default-probe --sysroot "$tmp/nolog" >"$tmp/p.out" 2>&1
	is "$?" 3 "36-bit host, the log has lost the boot line: UNKNOWN"
	contains "$(head -n 1 "$tmp/p.out")" "no IPA limit in the kernel log" "... saying why"
	contains "$(head -n 1 "$tmp/p.out")" "fix: run kvm-ipa-check once per boot without --no-default-probe" "... and what to do"
done

# --- Icinga 2: the CheckCommand of docs/integrations.md is valid config ---
# (Icinga 2 itself is not run here: its daemon's workers outlive a stop.
# What it would add, stderr merged into the output, is checked above.)
if ! dpkg-query -W -f='${Status}\n' icinga2-bin 2>/dev/null | grep -q "ok installed"; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		icinga2-bin icinga2-common >/dev/null 2>&1
fi
if command -v icinga2 >/dev/null; then
	IC=$tmp/icinga
	mkdir -p "$IC/state/run"
	{
		echo 'object IcingaApplication "app" { }'
		echo 'object CheckCommand "dummy" { command = [ "/bin/true" ] }'
		echo 'object Host "kvm-host-1" { check_command = "dummy"; vars.kvm_host = true }'
		# the example, as the document has it
		sed -n '/^object CheckCommand "kvm_ipa"/,/^}/p; /^apply Service "kvm-ipa"/,/^}/p' \
			"$(dirname "$0")/../docs/integrations.md"
	} >"$IC/icinga2.conf"
	chown -R nagios:nagios "$IC" # icinga2 drops root for its Debian user
	if ! grep -q 'apply Service "kvm-ipa"' "$IC/icinga2.conf"; then
		fail "no Icinga 2 example in docs/integrations.md"
	elif out=$(icinga2 daemon -C -c "$IC/icinga2.conf" -DDataDir="$IC/state" \
		-DLogDir="$IC/state" -DCacheDir="$IC/state" -DSpoolDir="$IC/state" \
		-DInitRunDir="$IC/state/run" 2>&1) &&
		echo "$out" | grep -q 'Instantiated 1 Service'; then
		pass "icinga2 daemon -C: the documented CheckCommand and Service are valid"
	else
		fail "icinga2 daemon -C: $(echo "$out" | grep -i 'critical\|error' | head -5)"
	fi
else
	echo "# icinga2 not installable here: Icinga 2 example not checked"
fi

done_testing

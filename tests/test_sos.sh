#!/bin/sh
# The sos report plugin (contrib/sos/kvm_ipa.py): sos's own plugin
# conformance checks and the plugin's option logic against the installed sos,
# then the real `sos report` of Debian's sosreport package, limited to this
# plugin, live, with -k kvm_ipa.probe=off, with --allow-system-changes and
# with --sysroot on a synthetic arm64 tree, reading the archives it writes.
#
# Nothing on the system changes: sos runs in a private mount namespace in
# which a copy of its plugin directory (plus kvm_ipa.py) is bind-mounted over
# the real one and the tool appears in /usr/local/sbin, a directory on the
# PATH that sos's Debian policy sets.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "$BIN")
PY=/usr/bin/python3 # sos's interpreter, whatever python3 comes first on PATH

[ -x "$BIN" ] || skip "no binary at $BIN (build first)"
[ "$(id -u)" -eq 0 ] || skip "needs root: sos report, apt-get and a private mount namespace"

need sosreport python3 flake8 xz-utils util-linux jq
unshare -m true 2>/dev/null || skip "no private mount namespace here (unshare -m)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PLUGIN=$REPO/contrib/sos/kvm_ipa.py
PLUGDIR=$($PY -c 'import os, sos.report.plugins as p; print(os.path.dirname(p.__file__))') ||
	skip "sos is installed but its plugin package does not import"

# --- static checks: flake8 (sos's own CI lints every plugin with it) ---
if out=$(flake8 "$PLUGIN" 2>&1); then pass "flake8 clean"; else fail "flake8: $out"; fi

# --- sos's conformance checks (tests/unittests/conformance_tests.py in the
# sos source) and the plugin's option logic, on the installed sos ---
cat >"$tmp/checks.py" <<'PY'
import os, sys, types
import sos.report.plugins as plugins
plugins.__path__.append(sys.argv[1])          # kvm_ipa.py, as sos loads it
from sos.report.plugins import (import_plugin, Plugin, IndependentPlugin,
                                DebianPlugin, UbuntuPlugin)
from sos.utilities import ImporterHelper

ok = True
def check(cond, what):
    global ok
    print(("ok - " if cond else "not ok - ") + what)
    ok = ok and bool(cond)

check('kvm_ipa' in ImporterHelper(plugins).get_modules(),
      "sos's ImporterHelper finds the kvm_ipa module")
# The Debian policy loads only classes tagged for Debian (sos 4.0).
classes = import_plugin('kvm_ipa', (DebianPlugin, UbuntuPlugin, IndependentPlugin))
check(len(classes) == 1, "exactly one plugin class for the Debian/Ubuntu policy")
P = classes[0]
check(issubclass(P, Plugin) and issubclass(P, IndependentPlugin), "a Plugin and IndependentPlugin")
for tup in ('packages', 'commands', 'files', 'profiles', 'kernel_mods', 'containers'):
    if hasattr(P, tup):
        check(isinstance(getattr(P, tup), tuple), "%s is a tuple" % tup)
check(isinstance(P.short_desc, str) and P.short_desc, "short_desc is a non-empty string")
check(P.plugin_name == 'kvm_ipa', "plugin_name is 'kvm_ipa' like the module")
check(isinstance(P.architectures, (tuple, type(None))), "architectures is a tuple or None")
check(isinstance(P.option_list, list), "option_list is a list")
try:
    from sos.report.plugins import PluginOpt
    check(all(isinstance(o, PluginOpt) and o.name != 'undefined' for o in P.option_list),
          "options are PluginOpt objects (sos >= 4.3)")
except ImportError:
    check(all(isinstance(o, tuple) and len(o) == 4 for o in P.option_list),
          "options are (name, desc, speed, default) tuples (sos < 4.3)")
check('virt' in P.profiles and 'system' in P.profiles, "in the virt and system profiles")
check(P.commands == ('kvm-ipa-check',) and '/dev/kvm' in P.files, "triggers: the tool, /dev/kvm")

class Opts:
    allow_system_changes = False
    chroot = 'auto'
    all_logs = False
    log_size = 25
    since = None
    verify = False
    dry_run = False
    plugin_timeout = None
    cmd_timeout = None
    skip_files = []
    skip_commands = []
    plugopts = []
    def __getattr__(self, name):
        return None

class Policy:
    def __getattr__(self, name):
        return lambda *a, **k: None

def make(sysroot='/', **opts):
    o = Opts()
    for k, v in opts.items():
        setattr(o, k, v)
    commons = {'sysroot': sysroot, 'policy': Policy(), 'cmdlineopts': o, 'devices': {},
               'cmddir': 'sos_commands', 'global_plugin_options': {}}
    return P(commons)

def cmds(p):
    p.setup()
    out = []
    for c in p.collect_cmds:
        get = (lambda k: c[k]) if isinstance(c, dict) else (lambda k: getattr(c, k))
        out.append({k: get(k) for k in ('cmd', 'suggest_filename', 'timeout', 'stderr', 'chroot')})
    return out

p = make()
check(p.tool_args() == ['--timeout', '20', '--no-default-probe'],
      "live: tool budget 20 s (a third of the 60 s command timeout), no type-0 probe")
allc = cmds(p)
c = [x for x in allc if x['cmd'].startswith('kvm-ipa-check ')]
check(len(c) == 2, "two runs of the tool collected")
check(all(x['timeout'] == 60 for x in allc), "every command within sos's 60 s command timeout")
from sos.utilities import is_executable
jr = [x for x in allc if x['suggest_filename'] == 'journalctl_-k_kvm']
check(bool(jr) == bool(is_executable('journalctl')) and
      all(' -k -b 0 ' in x['cmd'] and '--grep' in x['cmd'] for x in jr),
      "this boot's kernel messages about KVM from the journal (journalctl -k -b 0 --grep)")
import re, shlex
src = open(sys.argv[3]).read()
table = src[src.index('pkg_vmms[] = {'):src.index('#define NPKG')]
names = re.findall(r'\{ "([a-z0-9.+-]+)", "', table)
check(set(names) == set(P.deb_vmm_packages) | set(P.rpm_vmm_packages),
      "the plugin asks for exactly the packages src/sosreport.c reads back (%s)" % names)
dp = [x for x in allc if x['suggest_filename'] == 'dpkg_-l_vmm']
check(bool(dp) == bool(is_executable('dpkg')) and
      all(shlex.split(x['cmd'])[2:] == list(P.deb_vmm_packages) for x in dp),
      "dpkg -l of the VMM packages, on dpkg systems")
js = [x for x in c if x['suggest_filename'] == 'kvm-ipa-check_--json']
tx = [x for x in c if x['suggest_filename'] == 'kvm-ipa-check_--verbose']
check(js and js[0]['cmd'].startswith('kvm-ipa-check --json ') and js[0]['stderr'] is False,
      "JSON command without stderr, so the file always parses")
check(tx and '--color=never' in tx[0]['cmd'], "verbose text report without colour")
check(all(x['timeout'] == 60 and x['chroot'] for x in c), "sos timeout 60 s, chrooted to '/'")
check(make(allow_system_changes=True).tool_args() == ['--timeout', '20'],
      "--allow-system-changes: the type-0 probe runs too")
q = make()
q.set_option('probe', False)
check(q.tool_args() == ['--timeout', '20', '--no-probe'], "-k kvm_ipa.probe=off: --no-probe")
s = make(sysroot='/srv/host root')
check(s.tool_args() == ['--timeout', '20', '--sysroot', '/srv/host root', '--no-probe'],
      "sos --sysroot: the tool reads the tree (--sysroot, --no-probe)")
c = [x for x in cmds(s) if x['cmd'].startswith('kvm-ipa-check ')]
check(all(not x['chroot'] for x in c) and all("'/srv/host root'" in x['cmd'] for x in c),
      "sos --sysroot: not chrooted, path quoted for sos's shlex split")
a = make(sysroot='/srv/host', chroot='always')
check(a.tool_args() == ['--timeout', '20', '--no-probe'] and
      all(x['chroot'] for x in cmds(a) if x['cmd'].startswith('kvm-ipa-check ')),
      "--chroot=always: sos chroots into the tree, so no --sysroot")
t = make()
t.cmd_timeout = 3
check(t.tool_args()[:2] == ['--timeout', '1'], "a 3 s sos command timeout gives the tool 1 s")
t.cmd_timeout = 6000
check(t.tool_args()[:2] == ['--timeout', '20'], "the tool's budget is capped at 20 s")

path = os.environ['PATH']
os.environ['PATH'] = '/nonexistent'
check(not make(sysroot='/srv/host').check_enabled(), "not enabled when the tool is not installed")
os.environ['PATH'] = sys.argv[2] + ':' + path
check(make(sysroot='/srv/host').check_enabled(), "enabled with the tool and a sysroot")
check(make().check_enabled() == os.path.exists('/dev/kvm'),
      "live: enabled exactly when /dev/kvm exists")
sys.exit(0 if ok else 1)
PY
mkdir -p "$tmp/bin"
ln -s "$BIN" "$tmp/bin/kvm-ipa-check"
# (from an empty directory: sos's is_executable() also tries the bare name there)
mkdir -p "$tmp/empty"
(cd "$tmp/empty" && $PY "$tmp/checks.py" "$REPO/contrib/sos" "$tmp/bin" "$REPO/src/sosreport.c") >"$tmp/checks.out" 2>&1
rc=$?
cat "$tmp/checks.out"
_pass=$((_pass + $(grep -c '^ok - ' "$tmp/checks.out")))
_fail=$((_fail + $(grep -c '^not ok - ' "$tmp/checks.out")))
[ $rc -eq 0 ] || [ "$(grep -c '^not ok - ' "$tmp/checks.out")" -gt 0 ] ||
	fail "plugin checks crashed (exit $rc)"


# sos_run NAME [WITH_TOOL] -- SOS_ARGS...: sos in a private mount namespace;
# the archive is unpacked into $tmp/NAME/x, the console output is $tmp/NAME.log.
sos_run() {
	name=$1 with_tool=$2
	shift 3
	mkdir -p "$tmp/$name/out" "$tmp/$name/x"
	cat >"$tmp/$name.sh" <<EOF
set -e
cp -a "$PLUGDIR/." "$tmp/plugins/"
cp "$PLUGIN" "$tmp/plugins/kvm_ipa.py"
mount --bind "$tmp/plugins" "$PLUGDIR"
if [ "$with_tool" = yes ]; then
	cp -a /usr/local/sbin/. "$tmp/sbin/"
	cp "$BIN" "$tmp/sbin/kvm-ipa-check"
	mount --bind "$tmp/sbin" /usr/local/sbin
fi
cd /
exec timeout 120 sos "\$@"
EOF
	rm -rf "$tmp/plugins" "$tmp/sbin"
	mkdir -p "$tmp/plugins" "$tmp/sbin"
	unshare -m --propagation private sh "$tmp/$name.sh" "$@" >"$tmp/$name.log" 2>&1
	rc=$?
	rm -rf "$tmp/plugins" "$tmp/sbin"
	archive=""
	for a in "$tmp/$name/out"/sosreport-*.tar.*; do
		case $a in *.md5 | *.sha256) ;; *) [ -f "$a" ] && archive=$a ;; esac
	done
	if [ -n "$archive" ]; then
		tar -xf "$archive" -C "$tmp/$name/x" --strip-components=1
	fi
	return $rc
}
report() { # NAME SOS_REPORT_ARGS...
	n=$1
	shift
	sos_run "$n" yes -- report --batch --only-plugins kvm_ipa --tmp-dir "$tmp/$n/out" "$@"
}
args_of() { # NAME FILE -> the parameters sos's manifest records for that command file
	$PY -c '
import json, sys
m = json.load(open(sys.argv[1]))
for c in m["components"]["report"]["plugins"]["kvm_ipa"]["commands"]:
    if c["filepath"].endswith(sys.argv[2]):
        print(" ".join(c["parameters"]), c["return_code"])' \
		"$tmp/$1/x/sos_reports/manifest.json" "$2" 2>/dev/null
}

# The plugin is listed with its option, enabled only when the tool is there.
sos_run list-with yes -- report --list-plugins
out=$(sed -n '/currently enabled/,/currently disabled/p' "$tmp/list-with.log")
if [ -e /dev/kvm ]; then
	contains "$out" "kvm_ipa" "--list-plugins: kvm_ipa enabled with the tool and /dev/kvm"
fi
contains "$(cat "$tmp/list-with.log")" "kvm_ipa.probe" "--list-plugins: shows the kvm_ipa.probe option"
sos_run list-without no -- report --list-plugins
out=$(sed -n '/currently disabled/,$p' "$tmp/list-without.log")
contains "$out" "kvm_ipa" "--list-plugins: kvm_ipa disabled without the tool"
sos_run profiles yes -- report --list-profiles
contains "$(grep -A3 '^ *virt ' "$tmp/profiles.log")" "kvm_ipa" "--list-profiles: kvm_ipa in virt"

# Live: this host's /dev/kvm (the tool reports whatever it finds).
report live
is "$rc" 0 "sos report (live) exits 0"
J=$tmp/live/x/sos_commands/kvm_ipa/kvm-ipa-check_--json
T=$tmp/live/x/sos_commands/kvm_ipa/kvm-ipa-check_--verbose
if [ -s "$J" ]; then pass "live: archive has sos_commands/kvm_ipa/kvm-ipa-check_--json"
else fail "live: no JSON in the archive: $(ls -R "$tmp/live/x" | head -20; tail -5 "$tmp/live.log")"; fi
jcheck "$J" "live: valid JSON of the running host" "
d['host']['live'] is True
d['tool_version'] == '$("$BIN" --version | awk '{print $2}')'
d['verdict']['status'] in ('ok', 'warning', 'critical', 'unknown')
"
contains "$(cat "$T" 2>/dev/null)" "kvm-ipa-check " "live: verbose text report collected"
is "$(cat "$tmp/live/x/sys/devices/system/cpu/possible" 2>/dev/null)" "$(cat /sys/devices/system/cpu/possible)" \
	"live: the plugin alone copies sys/devices/system/cpu/possible (and arm64's midr_el1 files)"
if command -v journalctl >/dev/null; then
	contains "$(args_of live journalctl_-k_kvm)" "-k -b 0 --case-sensitive=false --grep" \
		"live: this boot's KVM kernel messages asked from the journal"
fi
if [ -f "$tmp/live/x/sos_commands/kvm_ipa/dpkg_-l_vmm" ]; then
	pass "live: dpkg -l of the VMM packages collected"
else
	fail "live: no sos_commands/kvm_ipa/dpkg_-l_vmm: $(ls "$tmp/live/x/sos_commands/kvm_ipa")"
fi
m=$(args_of live kvm-ipa-check_--json)
contains "$m" "--json --timeout 20 --no-default-probe" "live: manifest records the tool's arguments"
want_rc=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_code"])' "$J" 2>/dev/null)
is "${m##* }" "$want_rc" "live: manifest return code is the tool's verdict exit code"

# -k kvm_ipa.probe=off: facts only.
report noprobe -k kvm_ipa.probe=off
contains "$(args_of noprobe kvm-ipa-check_--json)" "--no-probe" "probe=off: --no-probe passed"
jcheck "$tmp/noprobe/x/sos_commands/kvm_ipa/kvm-ipa-check_--json" "probe=off: nothing probed" "
d['probes']['run'] is False
"

# --allow-system-changes: the type-0 probe too.
report changes --allow-system-changes
m=$(args_of changes kvm-ipa-check_--json)
case "$m" in
*--no-default-probe*) fail "--allow-system-changes: type-0 probe still skipped ($m)" ;;
*--json*) pass "--allow-system-changes: type-0 probe allowed" ;;
*) fail "--allow-system-changes: command not recorded ($(tail -3 "$tmp/changes.log"))" ;;
esac

# --sysroot: sos collects from another tree; the tool reads it offline.
mktree "$tmp/tree" 6.1.0-28-arm64 \
	"kvm [1]: IPA Size Limit: 36 bits (Reduced IPA size, limited VM/VMM compatibility)"
report sysroot --sysroot "$tmp/tree"
m=$(args_of sysroot kvm-ipa-check_--json)
contains "$m" "--sysroot $tmp/tree --no-probe" "sos --sysroot: passed on with --no-probe"
jcheck "$tmp/sysroot/x/sos_commands/kvm_ipa/kvm-ipa-check_--json" "sos --sysroot: the tree's facts, offline" "
d['host']['live'] is False and d['host']['arch'] == 'arm64'
d['probes']['run'] is False
d['exit_code'] == 1 and d['verdict']['status'] == 'warning'
"
is "${m##* }" 1 "sos --sysroot: manifest return code 1 (WARNING)"

# jcmp FILE REF DESC "python expressions over d = FILE's JSON, l = REF's"
jcmp() {
	if python3 - "$1" "$2" "$4" <<'PY'
import json, sys
try:
    d, l = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
except Exception as e:
    print("#   not JSON:", e); sys.exit(1)
bad = [x for x in sys.argv[3].strip().splitlines() if x.strip() and not eval(x)]
for x in bad:
    print("#   false:", x.strip())
sys.exit(1 if bad else 0)
PY
	then pass "$3"; else fail "$3"; echo "#   output: $(head -c 1500 "$1")"; fi
}

# --- The archive as --sysroot (issue 11): a support engineer's offline verdict ---
# sos's own plugins beside ours, as a default `sos report` has them.
report bundle --only-plugins kvm_ipa,kernel,dpkg,processor,logs,pci
is "$rc" 0 "sos report (kvm_ipa, kernel, dpkg, processor, logs, pci) exits 0"
B=$tmp/bundle/x
J=$B/sos_commands/kvm_ipa/kvm-ipa-check_--json
[ -s "$J" ] && pass "bundle: the plugin's JSON is in the archive" || fail "bundle: no $J"
"$BIN" --sysroot "$B" --json >"$tmp/b1.json" 2>"$tmp/b1.err"
b1=$?
is "$b1" "$(jq -r .exit_code "$J" 2>/dev/null)" "--sysroot on the archive: the live run's exit code"
host=$(uname -n)
jcmp "$tmp/b1.json" "$J" "--sysroot on the archive reproduces the live verdict, measured there and then" "
d['host']['live'] is False and l['host']['live'] is True
d['verdict']['status'] == l['verdict']['status']
d['verdict']['summary'] == l['verdict']['summary']
d['kernel_behaviour'] == l['kernel_behaviour'] and d['kernel_behaviour_measured'] == l['kernel_behaviour_measured']
d['assessed_ipa_limit'] == l['assessed_ipa_limit'] and d['host']['pa_bits'] == l['host']['pa_bits']
[(v['name'], v['verdict']) for v in d['vmms']] == [(v['name'], v['verdict']) for v in l['vmms'] if not v['what_if']]
d['probes']['run'] == l['probes']['run'] and d['probes'].get('vcpu_run') == l['probes'].get('vcpu_run')
d['probes'].get('memslots') == l['probes'].get('memslots') and d['kvm'] == l['kvm']
d['host']['notes'][0].startswith('measured on $host at 2')
d['host']['notes'][0].endswith(' by kvm-ipa-check ' + l['tool_version'])
"
"$BIN" --sysroot "$B" >"$tmp/b1.txt" 2>&1
contains "$(cat "$tmp/b1.txt")" "measured on $host at" "text report says where and when it was measured"

# The same archive without the plugin's JSON: sos's own files, notes for what was lost.
rm -f "$J"
"$BIN" --sysroot "$B" --json >"$tmp/b2.json" 2>"$tmp/b2.err"
b2=$?
jcmp "$tmp/b2.json" "$tmp/b1.json" "without the plugin's JSON: the verdict from sos's own files, saying what was lost" "
d['host']['arch'] == l['host']['arch'] and d['host']['kernel_release'] == l['host']['kernel_release']
d['verdict']['status'] == l['verdict']['status'] and d['kernel_behaviour'] == l['kernel_behaviour']
d['probes']['run'] is False and 'not probed' in d['probes']['skipped_reason']
any('no kvm-ipa-check report' in n and 'nothing was measured' in n for n in d['host']['notes'])
not any(n.startswith('measured on') for n in d['host']['notes'])
"
is "$b2" "$b1" "without the plugin's JSON: the same exit code on this host"
release=$(awk '{print $3}' "$B/sos_commands/kernel/uname_-a")
is "$release" "$(uname -r)" "sos's uname -a in the archive is this kernel's"

# --- Fixture sos-m1-36 (arm64, synthetic: no M1 here): both ways, and what each loses ---
F=$REPO/tests/fixtures/sos-m1-36
"$BIN" --sysroot "$F" --json >"$tmp/f1.json"
is "$?" 1 "sos-m1-36 with the plugin's report: WARNING (36-bit fixed kernel)"
jcheck "$tmp/f1.json" "sos-m1-36: the measured report re-assessed, what-if VMMs of that run dropped" "
d['host']['notes'][0] == 'measured on mbp-m1 at 2024-09-30 10:12:44 by kvm-ipa-check 0.1.0'
d['probes']['run'] is True and d['kvm']['ipa_limit'] == 36 and d['assessed_ipa_limit'] == 36
d['kernel_behaviour'] == 'default-rejected' and d['verdict']['status'] == 'warning'
[(v['name'], v['verdict']) for v in d['vmms']] == [('qemu', 'limited'), ('libvirt', 'limited')]
len(d['probes']['ipa_sizes']) == 6 and d['probes']['memslots'][3]['errno'] == 'EFAULT'
{e['source'] for e in d['host']['evidence']} >= {'kvm-cap-ipa-size', 'kvm-one-reg-id_aa64mmfr0', 'kernel-log'}
"
cp -a "$F" "$tmp/f2"
rm -rf "$tmp/f2/sos_commands/kvm_ipa" "$tmp/f2"/sys/devices/system/cpu/cpu*/regs
"$BIN" --sysroot "$tmp/f2" --json >"$tmp/f2.json"
is "$?" 1 "sos-m1-36 without the plugin: still WARNING, from the journal and dpkg -l"
jcheck "$tmp/f2.json" "sos-m1-36 without the plugin: MIDRs from cpuinfo, limit from this boot's journal, VMMs from dpkg -l" "
d['host']['cpus'][0]['midr'] == '0x611f0221' and d['host']['cpus'][4]['midr'] == '0x611f0231'
d['host']['log_ipa_limit'] == 36 and d['kernel_behaviour'] == 'default-rejected'
d['kernel_behaviour_measured'] is False and d['probes']['run'] is False
sorted((v['name'], v['version']) for v in d['vmms']) == [('libvirt', '9.0.2'), ('qemu', '9.0.2')]
any('rebuilt from proc/cpuinfo' in n for n in d['host']['notes'])
any('no kvm-ipa-check report' in n for n in d['host']['notes'])
any('top of RAM unknown' in n for n in d['host']['notes'])
"
# The ring buffer wrapped and no journal: UNKNOWN, and the notes say why.
rm -f "$tmp/f2/sos_commands/logs/"journalctl_*
"$BIN" --sysroot "$tmp/f2" --json >"$tmp/f3.json"
is "$?" 3 "sos-m1-36, wrapped dmesg and no journal: UNKNOWN"
jcheck "$tmp/f3.json" "wrapped ring buffer: the notes list what is missing (was notes: [])" "
d['verdict']['status'] == 'unknown'
any('IPA Size Limit' in n and 'reaches back to boot' in n for n in d['host']['notes'])
any(\"this boot's journal\" in n for n in d['host']['notes'])
"
# A plain tree whose log wrapped (no sosreport at all): a note too.
mktree "$tmp/wrapped" 6.1.0-28-arm64 "wlan0: associated"
"$BIN" --sysroot "$tmp/wrapped" --json >"$tmp/w.json"
jcheck "$tmp/w.json" "plain tree, wrapped log: UNKNOWN with a note, never notes: []" "
d['verdict']['status'] == 'unknown' and len(d['host']['notes']) > 0
"
# A damaged report in the archive: said, and the archive's own files used.
cp -a "$F" "$tmp/f4"
printf '{"schema_version": 1, "host": {"arch": "arm64"' >"$tmp/f4/sos_commands/kvm_ipa/kvm-ipa-check_--json"
"$BIN" --sysroot "$tmp/f4" --json >"$tmp/f4.json"
jcheck "$tmp/f4.json" "truncated plugin JSON: ignored with a note, verdict from sos's files" "
any('not a kvm-ipa-check report' in n for n in d['host']['notes']) and d['probes']['run'] is False
d['verdict']['status'] == 'warning'
"
: >"$tmp/f4/sos_commands/kvm_ipa/kvm-ipa-check_--json"
"$BIN" --sysroot "$tmp/f4" --json >"$tmp/f5.json"
jcheck "$tmp/f5.json" "empty plugin JSON (the tool timed out): said" "
any('empty' in n for n in d['host']['notes'])
"
# A tarball is not extracted by the tool: a clear message.
out=$("$BIN" --sysroot "$tmp/bundle/out/$(ls "$tmp/bundle/out" | grep -v 'md5\|sha256' | head -n 1)" 2>&1)
is "$?" 64 "--sysroot on the tarball itself: usage error"
contains "$out" "tar -xf" "--sysroot on a tarball says to extract it first"

done_testing

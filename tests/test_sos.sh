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

need sosreport python3 flake8 xz-utils util-linux
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
c = cmds(p)
check(len(c) == 2, "two commands collected")
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
c = cmds(s)
check(all(not x['chroot'] for x in c) and all("'/srv/host root'" in x['cmd'] for x in c),
      "sos --sysroot: not chrooted, path quoted for sos's shlex split")
a = make(sysroot='/srv/host', chroot='always')
check(a.tool_args() == ['--timeout', '20', '--no-probe'] and all(x['chroot'] for x in cmds(a)),
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
(cd "$tmp/empty" && $PY "$tmp/checks.py" "$REPO/contrib/sos" "$tmp/bin") >"$tmp/checks.out" 2>&1
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

done_testing

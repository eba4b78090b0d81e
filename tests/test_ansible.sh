#!/bin/sh
# contrib/ansible/kvm-ipa-check.yml with the real ansible-playbook (Debian's
# ansible), connection local: a "fleet" of inventory hosts on this machine,
# each running the real tool (this host live, four synthetic arm64 trees via
# --sysroot, one broken binary). Every report must be gathered, verdicts
# other than OK must not fail the play, the broken host must, and the
# summary table must list the fleet worst first.
BIN=${1:-./kvm-ipa-check}
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "$BIN")

[ -x "$BIN" ] || skip "no binary at $BIN (build first)"
need ansible jq python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Ansible's own state stays in $tmp.
export ANSIBLE_HOME="$tmp/ansible" ANSIBLE_LOCAL_TEMP="$tmp/ansible/tmp" \
	ANSIBLE_REMOTE_TEMP="$tmp/ansible/rtmp" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0

mkstates "$tmp/trees"
R=$tmp/reports
{
	echo "[fleet]"
	echo "thishost kvm_ipa_check_args='[\"--no-default-probe\", \"--timeout\", \"20\"]'"
	for s in ok warning critical unknown; do
		echo "arm64-$s kvm_ipa_check_args='[\"--sysroot\", \"$tmp/trees/$s\"]'"
	done
	echo "broken kvm_ipa_check_bin=/bin/false"
	echo "[fleet:vars]"
	echo "ansible_connection=local"
	echo "ansible_python_interpreter=/usr/bin/python3"
	echo "kvm_ipa_become=false"
	echo "kvm_ipa_check_bin=$BIN"
} >"$tmp/inventory"

ansible-playbook -i "$tmp/inventory" "$REPO/contrib/ansible/kvm-ipa-check.yml" \
	-e "kvm_ipa_reports_dir=$R" >"$tmp/play.log" 2>&1
rc=$?
is "$rc" 2 "ansible-playbook exits 2: one host failed (the broken binary), none other"
grep -q 'fatal: \[broken\]' "$tmp/play.log" && pass "the broken host is a failed task" ||
	fail "no failure for the broken host: $(tail -n 20 "$tmp/play.log")"
recap=$(sed -n '/PLAY RECAP/,$p' "$tmp/play.log")
for h in thishost arm64-ok arm64-warning arm64-critical arm64-unknown; do
	case "$(echo "$recap" | grep "^$h ")" in
	*"failed=0"*) pass "$h: no failed task (a verdict is a result, not a failure)" ;;
	*) fail "$h: $(echo "$recap" | grep "^$h ")" ;;
	esac
done
[ ! -e "$R/broken.json" ] && pass "nothing gathered for the broken host" || fail "broken.json exists"

want_live=$("$BIN" --json --no-default-probe | jq -r .verdict.status)
is "$(jq -r .verdict.status "$R/thishost.json" 2>/dev/null)" "$want_live" \
	"thishost.json: this host's live verdict, gathered"
jcheck "$R/thishost.json" "thishost.json is the live run's report" "
d['host']['live'] is True and d['schema_version'] == 1
"
for s in ok warning critical unknown; do
	is "$(jq -r .verdict.status "$R/arm64-$s.json" 2>/dev/null)" "$s" "arm64-$s.json gathered: $s"
done

# The table, as the play printed it and as jq prints it from the files.
table=$(jq -n -r -f "$REPO/contrib/ansible/kvm-ipa-summary.jq" "$R"/*.json)
contains "$(cat "$tmp/play.log")" "arm64-critical" "the play prints the summary table"
order=$(echo "$table" | awk -F '\t' 'NR > 1 && $1 ~ /^arm64-/ {printf "%s ", $2}')
is "$order" "CRITICAL WARNING UNKNOWN OK " "summary: worst first"
is "$(echo "$table" | head -n 1 | cut -f 1-3)" "$(printf 'HOST\tSTATUS\tARCH')" "summary: header row"
is "$(echo "$table" | awk 'END {print NR}')" 6 "summary: one row per gathered report, plus the header"
done_testing

# kvm-ipa-check fleet summary: many --json reports into one table (TSV),
# worst first. Part of kvm-ipa-check; see contrib/ansible/README.md.
#
#   jq -n -r -f kvm-ipa-summary.jq reports/*.json | column -t -s "$(printf '\t')"
#
# Each report is one file (jq -n with `inputs`, so input_filename names the
# host); files that are not reports become UNREADABLE rows only if they
# parse as JSON: jq stops at the first file that is not JSON at all.

def vmms:
  [.vmms[]? | select(.what_if | not)
   | "\(.name) \(.version // "?") \(.verdict)"]
  | if length == 0 then "-" else join(", ") end;

# A sosreport read back says where and when it was measured (host.notes[0]).
def source:
  if .host.live then "live"
  else (first(.host.notes[]? | select(startswith("measured on ") or startswith("read offline on ")))
        // "offline tree")
  end;

# CRITICAL, WARNING, UNKNOWN, OK: the order a fleet is worked through.
def rank: {"2": 0, "1": 1, "3": 2, "0": 3}[(.exit_code // 3) | tostring] // 2;

# reports/HOST.json -> HOST
def host: input_filename // "-" | sub(".*/"; "") | sub("\\.json$"; "");

def row:
  if (.schema_version? // null) != 1 then
    [host, "UNREADABLE", "-", "-", "-", "-", "-", "not a kvm-ipa-check schema 1 report"]
  else
    [host,
     (.verdict.status | ascii_upcase),
     .host.arch,
     (if .host.kernel_release == "" then "-" else .host.kernel_release end),
     .kernel_behaviour + (if .kernel_behaviour_measured then "" else " (not measured)" end),
     ((.assessed_ipa_limit // "-") | tostring),
     vmms,
     source]
  end;

["HOST", "STATUS", "ARCH", "KERNEL", "TYPE-0", "IPA", "VMMS", "SOURCE"],
([inputs | {r: row, k: rank}] | sort_by(.k, .r[0]) | .[].r)
| map(tostring | gsub("[\t\n]"; " "))
| @tsv

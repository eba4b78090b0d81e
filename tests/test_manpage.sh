#!/bin/sh
# The man page: lint clean under mandoc and groff, and its options agree with
# `kvm-ipa-check --help` both ways: every long and short option of --help has
# an entry under OPTIONS, every entry there is an option of --help, and no
# option named anywhere in the page is one the program lacks.
#
# Usage: tests/test_manpage.sh [BIN | HELP-TEXT-FILE]
#   BIN (default ./kvm-ipa-check) is run with --help. A plain text file is
#   taken as the --help output. With neither, the options are read from the
#   argp table in src/kvm-ipa-check.c.
# mandoc and groff are installed with apt-get when run as root (CI: Debian 12).
BIN=${1:-${KIC_BIN:-./kvm-ipa-check}}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

man=$top/man/kvm-ipa-check.1
tmp=$(mktemp -d)
trap '[ -n "${KIC_KEEP:-}" ] || rm -rf "$tmp"' EXIT

need mandoc groff-base

[ -f "$man" ] || { fail "man page $man exists"; done_testing; exit 1; }

# ---- lint ----
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -W warning "$man" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		pass "mandoc -Tlint -W warning: clean"
	else
		fail "mandoc -Tlint -W warning: exit $rc"
		echo "$out" | sed 's/^/#   /'
	fi
	out=$(mandoc -Tutf8 "$man" 2>&1 >/dev/null)
	is "$out" "" "mandoc -Tutf8 renders without messages"
else
	fail "mandoc is installed"
fi
if command -v groff >/dev/null 2>&1; then
	out=$(groff -ww -man -Tutf8 -z "$man" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		pass "groff -ww -man -Tutf8 -z: clean"
	else
		fail "groff -ww -man: exit $rc"
		echo "$out" | sed 's/^/#   /'
	fi
else
	fail "groff is installed"
fi
if grep -qE '^\.(Dd|Dt|Sh|Nm)( |$)' "$man"; then
	fail "uses man(7) macros, not mdoc"
else
	pass "uses man(7) macros, not mdoc"
fi
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT "EXIT STATUS" ENVIRONMENT FILES EXAMPLES \
	"SEE ALSO"; do
	if grep -qE "^\\.SH \"?$sec\"?\$" "$man"; then pass "section $sec"; else fail "section $sec missing"; fi
done
version=$(sed -n 's/^VERSION *:*= *//p' "$top/Makefile")
if [ -n "$version" ]; then
	if grep -q "^\\.TH .*kvm\\\\-ipa\\\\-check $version" "$man"; then
		pass ".TH names version $version (Makefile)"
	else
		fail ".TH does not name version $version (Makefile): $(grep '^\.TH' "$man")"
	fi
fi

# ---- the options, from --help ----
help=$tmp/help.txt
help_text "$BIN" "$help"
echo "# options from $from"
# argp puts options at column 2 or 6; wrapped descriptions start at column 29.
sed -nE 's/^ {1,8}(-[^ ,-], )?--([a-z0-9][a-z0-9-]*).*/--\2/p' "$help" | sort -u >"$tmp/help.long"
sed -nE 's/^ {1,8}(-[^ ,-]), --.*/\1/p' "$help" | sort -u >"$tmp/help.short"
# Each option's argument as --help shows it: "--sysroot=DIR", "--color[=WHEN]".
sed -nE 's/^ {1,8}(-[^ ,-], )?(--[a-z0-9][a-z0-9-]*(\[?=[^ ]+)?).*/\2/p' "$help" | sort -u \
	>"$tmp/help.args"
nlong=$(wc -l <"$tmp/help.long")
if [ "$nlong" -lt 10 ]; then
	fail "--help lists the options (found $nlong long options in $from)"
	done_testing
	exit 1
fi
pass "--help lists $nlong long and $(wc -l <"$tmp/help.short") short options"

# ---- the options, from the man page ----
# Comments dropped, roff's \- and font escapes undone.
sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$man" >"$tmp/man.txt"
# The tag line of each .TP under OPTIONS, with the macro and quotes dropped:
# ".BR -s ", " --sysroot =DIR" -> "-s, --sysroot=DIR".
awk '/^\.SH / { inopt = ($0 ~ /^\.SH "?OPTIONS"?$/) }
	inopt && prev ~ /^\.TP/ { print }
	{ prev = $0 }' "$tmp/man.txt" |
	sed -E -e 's/^\.[A-Z]+ //' -e 's/" *, *"/, /g' -e 's/"//g' -e 's/ =/=/g' -e 's/ \[/[/g' \
		>"$tmp/man.tags"
grep -oE -- '--[a-z0-9][a-z0-9-]*' "$tmp/man.tags" | sort -u >"$tmp/man.long"
sed -E 's/--[a-z0-9][a-z0-9-]*//g' "$tmp/man.tags" | grep -oE -- '(^|[ ,])-[A-Za-z0-9?]' |
	sed 's/^[ ,]//' | sort -u >"$tmp/man.short"
grep -oE -- '--[a-z0-9][a-z0-9-]*(\[?=[A-Z]+(\[=[A-Z]+\])?\]?)?' "$tmp/man.tags" | sort -u \
	>"$tmp/man.args"
grep -oE -- '(^|[^a-z0-9-])--[a-z][a-z0-9-]*' "$tmp/man.txt" | sed 's/^[^-]//' | sort -u \
	>"$tmp/man.all"

while read -r o; do
	if grep -qxF -- "$o" "$tmp/man.long"; then pass "man page documents $o"; else fail "man page has no OPTIONS entry for $o"; fi
done <"$tmp/help.long"
extra=$(comm -13 "$tmp/help.long" "$tmp/man.long" | tr '\n' ' ')
if [ -z "$extra" ]; then pass "OPTIONS documents no option --help lacks"; else fail "OPTIONS documents options --help lacks: $extra"; fi
stray=$(comm -13 "$tmp/help.long" "$tmp/man.all" | tr '\n' ' ')
if [ -z "$stray" ]; then pass "the page names no option --help lacks"; else fail "the page names options --help lacks: $stray"; fi
diff=$(comm -3 "$tmp/help.short" "$tmp/man.short" | tr -d '\t' | tr '\n' ' ')
if [ -z "$diff" ]; then pass "short options agree with --help"; else fail "short options differ between --help and OPTIONS: $diff"; fi
diff=$(comm -3 "$tmp/help.args" "$tmp/man.args" | tr -d '\t' | tr '\n' ' ')
if [ -z "$diff" ]; then pass "option arguments agree with --help"; else fail "option arguments differ between --help and OPTIONS: $diff"; fi

# ---- values and exit codes ----
for w in auto always never qemu libvirt kvmtool firecracker cloud-hypervisor crosvm libkrun \
	gvisor solo5-hvt kvm-ioctls; do
	if grep -qw -- "$w" "$tmp/man.txt"; then pass "names value $w"; else fail "does not name value $w"; fi
done
awk '/^\.SH / { ins = ($0 ~ /EXIT STATUS/) } ins' "$tmp/man.txt" >"$tmp/exit"
for c in 0 1 2 3 64; do
	if grep -qx "\\.B $c" "$tmp/exit"; then pass "EXIT STATUS lists $c"; else fail "EXIT STATUS does not list $c"; fi
done
for k in schema_version host.pa_bits kvm.ipa_limit probes.ipa_sizes kernel_behaviour vmms \
	verdict.status exit_code kvm_ipa_size_limit kvm_ipa_status NO_COLOR /dev/kvm; do
	contains "$(cat "$tmp/man.txt")" "$k" "documents $k"
done
done_testing

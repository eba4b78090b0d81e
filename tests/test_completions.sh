#!/bin/sh
# Shell completions, checked in real bash, zsh and fish: every long and short
# option of `kvm-ipa-check --help` completes (and no option the program lacks
# is offered), and so do the values of --color, --vmm, --ipa-limit, --sysroot
# and --output.
#
#   bash: bash_completion is sourced and completions/kvm-ipa-check.bash is
#         loaded through its on-demand loader, as when installed; then the
#         completion function runs with COMP_WORDS/COMP_CWORD/COMP_LINE set
#         the way readline splits the line, and COMPREPLY is read back. The
#         same again without bash-completion (the script's own fallback).
#   zsh:  an interactive `zsh -f` on a pseudo-terminal (zsh/zpty) runs
#         compinit with completions/ in $fpath; the line and a TAB are typed,
#         and a compadd wrapper records every match offered.
#   fish: `complete -C` with completions/ in $fish_complete_path.
#
# Usage: tests/test_completions.sh [BIN | HELP-TEXT-FILE]
#   BIN (default ./kvm-ipa-check) is run with --help. A plain text file is
#   taken as the --help output. With neither, the options are read from the
#   argp table in src/kvm-ipa-check.c.
# Missing shells are installed with apt-get when run as root (CI: Debian 12).
BIN=${1:-${KIC_BIN:-./kvm-ipa-check}}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

comp=$top/completions
BASH_COMPLETION_FILE=${BASH_COMPLETION_FILE:-/usr/share/bash-completion/bash_completion}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- shells ----
need bash-completion zsh fish

# ---- the options, from --help ----
help=$tmp/help.txt
help_text "$BIN" "$help"
echo "# options from $from"
# argp puts options at column 2 or 6; wrapped descriptions start at column 29.
sed -nE 's/^ {1,8}(-[^ ,-], )?--([a-z0-9][a-z0-9-]*).*/--\2/p' "$help" | sort -u >"$tmp/long"
sed -nE 's/^ {1,8}(-[^ ,-]), --.*/\1/p' "$help" | sort -u >"$tmp/short"
nlong=$(wc -l <"$tmp/long")
if [ "$nlong" -lt 10 ]; then
	fail "--help lists the options (found $nlong long options in $from)"
	done_testing
	exit 1
fi
pass "--help lists $nlong long and $(wc -l <"$tmp/short") short options"

colors="always auto never"
vmms="qemu libvirt kvmtool firecracker cloud-hypervisor crosvm libkrun gvisor solo5-hvt hyperlight dragonball kvm-ioctls"
# The program names the VMMs it knows when given one it does not.
if [ -f "$BIN" ] && [ -x "$BIN" ]; then
	known=$("$BIN" --no-probe --no-exec --vmm=no-such-vmm 2>&1 >/dev/null |
		sed -n 's/.*known: \([^)]*\).*/\1/p' | tr -s ', ' '\n' | grep -v '^$' | tr '\n' ' ')
	if [ "$(echo "$known" | wc -w)" -ge 3 ]; then
		vmms=$known
		echo "# VMM names from $BIN: $vmms"
	fi
fi
words() { printf '%s\n' "$@" | sort -u; }
# shellcheck disable=SC2086
words $colors >"$tmp/want.color"
# shellcheck disable=SC2086
words $vmms >"$tmp/want.vmm"
seq 32 52 | sort -u >"$tmp/want.ipa"
case $from in
*--help | "help text"*)
	for c in $colors; do
		contains "$(cat "$help")" "$c" "--help names --color value '$c'"
	done ;;
esac

# A directory to complete file names in.
work=$tmp/work
mkdir -p "$work/subdir" && : >"$work/afile"
# A stand-in for the command, for shells that look it up in PATH.
mkdir -p "$tmp/bin" && printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/kvm-ipa-check" &&
	chmod +x "$tmp/bin/kvm-ipa-check"

# ---- helpers ----
# check SHELL WHAT OUTFILE: compare the completions (one a line) with the
# expectations. Fish descriptions after a TAB and a "--opt=" prefix of the
# value are stripped; "--name=" counts as "--name".
norm() { sed -e 's/\t.*//' -e "s/^$2//" -e 's/=$//' -e 's#/$##' "$1" | grep -v '^$' | sort -u; }
expect_set() { # SHELL DESC GOT WANT-FILE [PREFIX]
	norm "$3" "${5:-}" >"$tmp/got.n"
	if cmp -s "$tmp/got.n" "$4"; then
		pass "$1: $2"
	else
		fail "$1: $2: got {$(tr '\n' ' ' <"$tmp/got.n")} want {$(tr '\n' ' ' <"$4")}"
	fi
}
expect_options() { # SHELL GOT-FOR-"--" GOT-FOR-"-"
	norm "$2" | grep '^--' >"$tmp/got.long"
	while read -r o; do
		if grep -qxF -- "$o" "$tmp/got.long"; then pass "$1: $o completes"; else fail "$1: $o does not complete"; fi
	done <"$tmp/long"
	extra=$(comm -13 "$tmp/long" "$tmp/got.long" | tr '\n' ' ')
	if [ -z "$extra" ]; then pass "$1: offers no option that --help lacks"; else fail "$1: offers options --help lacks: $extra"; fi
	norm "$3" | grep '^-[^-]' >"$tmp/got.short"
	missing=$(comm -23 "$tmp/short" "$tmp/got.short" | tr '\n' ' ')
	if [ -z "$missing" ]; then pass "$1: every short option completes"; else fail "$1: short options missing: $missing"; fi
}
expect_has() { # SHELL DESC GOT WORD
	if norm "$3" | grep -qxF -- "$4"; then pass "$1: $2"; else fail "$1: $2 (got: $(norm "$3" | tr '\n' ' '))"; fi
}
expect_lacks() { # SHELL DESC GOT WORD
	if norm "$3" | grep -qxF -- "$4"; then fail "$1: $2"; else pass "$1: $2"; fi
}
expect_empty() { # SHELL DESC GOT
	if [ -s "$3" ]; then fail "$1: $2 (got: $(tr '\n' ' ' <"$3"))"; else pass "$1: $2"; fi
}

# Each shell gets the same lines; complete_in SHELL LINE > file.
run_suite() { # SHELL
	sh_=$1
	if ! complete_in "$sh_" 'kvm-ipa-check --' >"$tmp/c.long" ||
		! complete_in "$sh_" 'kvm-ipa-check -' >"$tmp/c.short"; then
		fail "$sh_: completion did not run"
		return
	fi
	expect_options "$sh_" "$tmp/c.long" "$tmp/c.short"
	complete_in "$sh_" 'kvm-ipa-check --color=' >"$tmp/c"
	expect_set "$sh_" "--color= offers auto always never" "$tmp/c" "$tmp/want.color" "--color="
	complete_in "$sh_" 'kvm-ipa-check --color=al' >"$tmp/c"
	words always >"$tmp/want.1"
	expect_set "$sh_" "--color=al offers always" "$tmp/c" "$tmp/want.1" "--color="
	complete_in "$sh_" 'kvm-ipa-check --vmm ' >"$tmp/c"
	expect_set "$sh_" "--vmm NAME offers every VMM" "$tmp/c" "$tmp/want.vmm"
	complete_in "$sh_" 'kvm-ipa-check --vmm=' >"$tmp/c"
	expect_set "$sh_" "--vmm=NAME offers every VMM" "$tmp/c" "$tmp/want.vmm" "--vmm="
	complete_in "$sh_" 'kvm-ipa-check --vmm=fi' >"$tmp/c"
	words firecracker >"$tmp/want.1"
	expect_set "$sh_" "--vmm=fi offers firecracker" "$tmp/c" "$tmp/want.1" "--vmm="
	complete_in "$sh_" 'kvm-ipa-check --vmm qemu=' >"$tmp/c"
	expect_empty "$sh_" "--vmm qemu=VERSION offers nothing (free text)" "$tmp/c"
	complete_in "$sh_" 'kvm-ipa-check --no-probe --ipa-limit ' >"$tmp/c"
	expect_set "$sh_" "--ipa-limit offers 32..52" "$tmp/c" "$tmp/want.ipa"
	complete_in "$sh_" 'kvm-ipa-check --sysroot ' >"$tmp/c"
	expect_has "$sh_" "--sysroot offers directories" "$tmp/c" subdir
	expect_lacks "$sh_" "--sysroot offers no plain files" "$tmp/c" afile
	complete_in "$sh_" 'kvm-ipa-check -s ' >"$tmp/c"
	expect_has "$sh_" "-s offers directories" "$tmp/c" subdir
	complete_in "$sh_" 'kvm-ipa-check --json --output ' >"$tmp/c"
	expect_has "$sh_" "--output offers files" "$tmp/c" afile
}

# ---- bash ----
cat >"$tmp/complete.bash" <<'EOF'
# bash complete.bash MODE LINE: print COMPREPLY for LINE (cursor at the end).
# MODE bc: bash-completion's loader finds the script as installed;
# MODE plain: the script is sourced alone.
mode=$1 line=$2
if [[ $mode == bc ]]; then
	. "$BASH_COMPLETION_FILE" || exit 2
	__load_completion kvm-ipa-check 2>/dev/null || _completion_loader kvm-ipa-check
else
	. "$KIC_COMPDIR/kvm-ipa-check.bash" || exit 2
fi
fn=$(complete -p kvm-ipa-check 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[[ -n $fn ]] || { echo "no complete -F for kvm-ipa-check" >&2; exit 3; }
# Split as readline does with the default COMP_WORDBREAKS: blanks separate
# words and "=" is a word of its own ("--color=al" -> "--color" "=" "al").
COMP_WORDS=()
read -ra parts <<<"$line"
for w in "${parts[@]}"; do
	while [[ $w == *=* ]]; do
		[[ -n ${w%%=*} ]] && COMP_WORDS+=("${w%%=*}")
		COMP_WORDS+=("=")
		w=${w#*=}
	done
	[[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $line == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
COMPREPLY=()
"$fn" kvm-ipa-check "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}"
exit 0
EOF
mkdir -p "$tmp/bcu/completions"
cp "$comp/kvm-ipa-check.bash" "$tmp/bcu/completions/kvm-ipa-check"
bash_mode='bc'
complete_in() { # SHELL LINE
	case $1 in
	bash*)
		(cd "$work" && HOME=$tmp BASH_COMPLETION_USER_DIR=$tmp/bcu KIC_COMPDIR=$comp \
			BASH_COMPLETION_FILE=$BASH_COMPLETION_FILE \
			timeout 20 bash --norc --noprofile "$tmp/complete.bash" "$bash_mode" "$2") ;;
	zsh)
		(cd "$work" && HOME=$tmp KIC_COMPDIR=$comp timeout 30 zsh -f "$tmp/drive.zsh" \
			"$tmp/init.zsh" "$2" "$tmp/zsh.out") >/dev/null 2>"$tmp/zsh.err" || return 1
		grep -v '^@@' "$tmp/zsh.out" ;;
	fish)
		# fish autoloads a completion only for a command it finds in PATH.
		# shellcheck disable=SC2016 # $argv is fish's
		(cd "$work" && PATH=$tmp/bin:$PATH HOME=$tmp XDG_CONFIG_HOME=$tmp/cfg \
			XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache timeout 20 fish --no-config -c \
			'set -p fish_complete_path $argv[1]; complete -C $argv[2]' "$comp" "$2") ;;
	esac
}

if command -v bash >/dev/null 2>&1; then
	if bash -n "$comp/kvm-ipa-check.bash"; then pass "bash: syntax"; else fail "bash: syntax"; fi
	if [ -r "$BASH_COMPLETION_FILE" ]; then
		bash_mode='bc'
		run_suite "bash (bash-completion)"
	else
		echo "# SKIP bash with bash-completion: $BASH_COMPLETION_FILE missing"
	fi
	bash_mode='plain'
	run_suite "bash (alone)"
fi

# ---- zsh ----
cat >"$tmp/init.zsh" <<'EOF'
# Sourced by the interactive zsh on the pty: completion as installed, and a
# compadd that records every match it is asked to add.
PS1='' PROMPT='' RPROMPT='' PS2=''
fpath=("$KIC_COMPDIR" $fpath)
autoload -Uz compinit && compinit -u -D
bindkey '^I' complete-word
compadd() {
	# Calls that only compute (-O/-A/-D) are the completion system's own.
	if [[ " ${@[1,(i)(-|--)]} " == *\ -[OAD]\ * ]]; then
		builtin compadd "$@"
		return
	fi
	local -a kic_m
	builtin compadd -O kic_m "$@"
	(( $#kic_m )) && print -rl -- "${kic_m[@]}" >>"$KIC_OUT"
	builtin compadd "$@"
}
kic_done() { print -r -- '@@DONE@@' >>"$KIC_OUT" }
kic_pre() { comppostfuncs=(kic_done) }
compprefuncs=(kic_pre)
print -r -- '@@READY@@' >>"$KIC_OUT"
EOF
cat >"$tmp/drive.zsh" <<'EOF'
# zsh -f drive.zsh INIT LINE OUT: type LINE and a TAB into an interactive
# zsh and wait until its completion has run.
zmodload zsh/zpty || exit 2
init=$1 line=$2
export KIC_OUT=$3
: >"$KIC_OUT"
zpty z zsh -f -i || exit 2
zpty -w z "source ${(q)init}"
wait_for() {
	local i junk
	for i in {1..200}; do
		while zpty -r -t z junk 2>/dev/null; do :; done
		grep -q "$1" "$KIC_OUT" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
wait_for '@@READY@@' || { zpty -d z; echo "zsh did not start" >&2; exit 3; }
zpty -n -w z "$line"$'\t'
wait_for '@@DONE@@' || { zpty -d z; echo "no completion for: $line" >&2; exit 4; }
zpty -d z
exit 0
EOF
if command -v zsh >/dev/null 2>&1; then
	if zsh -n "$comp/_kvm-ipa-check"; then pass "zsh: syntax"; else fail "zsh: syntax"; fi
	if head -n 1 "$comp/_kvm-ipa-check" | grep -qx '#compdef kvm-ipa-check'; then
		pass "zsh: #compdef line"
	else
		fail "zsh: first line is not '#compdef kvm-ipa-check'"
	fi
	if zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
		run_suite zsh
		[ -s "$tmp/zsh.err" ] && sed 's/^/#   zsh: /' "$tmp/zsh.err"
	else
		fail "zsh: no zsh/zpty module to drive completion with"
	fi
else
	echo "# SKIP zsh: not installed"
fi

# ---- fish ----
if command -v fish >/dev/null 2>&1; then
	if fish --no-execute "$comp/kvm-ipa-check.fish"; then pass "fish: syntax"; else fail "fish: syntax"; fi
	run_suite fish
else
	echo "# SKIP fish: not installed"
fi

if ! command -v zsh >/dev/null 2>&1 && ! command -v fish >/dev/null 2>&1 &&
	! command -v bash >/dev/null 2>&1; then
	skip "no shell to test in"
fi
done_testing

# bash completion for kvm-ipa-check                        -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installed as <completionsdir>/kvm-ipa-check (bash-completion loads it on
# demand); may also be sourced directly. Uses _init_completion from
# bash-completion when it is there, and a small fallback otherwise.
# Keep in step with the argp table in src/kvm-ipa-check.c and with
# man/kvm-ipa-check.1 (tests/test_completions.sh checks all three).

_kvm_ipa_check_vmms='qemu libvirt kvmtool firecracker cloud-hypervisor crosvm libkrun gvisor solo5-hvt hyperlight dragonball kvm-ioctls'

_kvm_ipa_check()
{
    local cur prev words cword split=false

    if declare -F _init_completion >/dev/null 2>&1; then
        # -s: split --opt=value into prev=--opt, cur=value; '=' is not a word break.
        _init_completion -s || return
    else
        COMPREPLY=()
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        # COMP_WORDBREAKS usually holds '=': "--color=al" arrives as
        # "--color" "=" "al", and "--vmm=" as "--vmm" "=".
        if [[ $cur == = && $prev == --* ]]; then
            cur='' split=true
        elif [[ $prev == = ]] && ((cword >= 2)) && [[ ${words[cword - 2]} == --* ]]; then
            prev=${words[cword - 2]} split=true
        elif [[ $cur == --*=* ]]; then
            prev=${cur%%=*} cur=${cur#*=} split=true
        fi
    fi

    case $prev in
        -s | --sysroot)
            if declare -F _filedir >/dev/null 2>&1; then
                _filedir -d
            else
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            fi
            return
            ;;
        -o | --output)
            if declare -F _filedir >/dev/null 2>&1; then
                _filedir
            else
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return
            ;;
        -t | --timeout)
            mapfile -t COMPREPLY < <(compgen -W '1 2 5 10 30 60' -- "$cur")
            return
            ;;
        --ipa-limit)
            mapfile -t COMPREPLY < <(compgen -W "$(echo {32..52})" -- "$cur")
            return
            ;;
        --kernel)
            # Any release; offer the running one as a starting point.
            mapfile -t COMPREPLY < <(compgen -W "$(uname -r 2>/dev/null)" -- "$cur")
            return
            ;;
        --vmm)
            # NAME[=VERSION]: complete NAME; after NAME= the version is free text.
            if [[ $cur != *=* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$_kvm_ipa_check_vmms" -- "$cur")
            fi
            return
            ;;
        --color)
            # Optional argument: only "--color=WHEN" carries a value, so a
            # separate word after --color is not its argument.
            if $split; then
                mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
                return
            fi
            ;;
        -\? | --help | --usage | -V | --version)
            return
            ;;
    esac

    # --opt=<TAB> for an option that takes no value: nothing to offer.
    $split && return

    if [[ $cur == -* ]]; then
        local opts='--sysroot= --no-probe --no-default-probe --no-run --no-exec
            --timeout= --vmm= --kernel= --ipa-limit= --json --nagios --prometheus
            --output= --quiet --verbose --map --color --color= --help --usage --version'
        if [[ $cur != --* ]]; then
            opts+=' -s -n -t -j -o -q -v -\? -V'
        fi
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        # "--sysroot=" and friends: let the value follow without a space.
        if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
            compopt -o nospace 2>/dev/null
        fi
    fi
} &&
    complete -F _kvm_ipa_check kvm-ipa-check

# ex: filetype=sh

# fish completion for kvm-ipa-check
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installed as vendor_completions.d/kvm-ipa-check.fish.
# Keep in step with the argp table in src/kvm-ipa-check.c and with
# man/kvm-ipa-check.1 (tests/test_completions.sh checks all three).

complete -c kvm-ipa-check -f

# What to measure
complete -c kvm-ipa-check -s s -l sysroot -x -a '(__fish_complete_directories)' -d 'Read host facts below DIR (offline)'
complete -c kvm-ipa-check -s n -l no-probe -d 'Do not open /dev/kvm; facts and predictions only'
complete -c kvm-ipa-check -l no-default-probe -d 'Skip only the type-0 VM probe (keeps the kernel warning)'
complete -c kvm-ipa-check -l no-run -d 'Skip the vCPU run probe'
complete -c kvm-ipa-check -l no-exec -d 'Never run VMM binaries to learn versions'
complete -c kvm-ipa-check -s t -l timeout -x -a '1 2 5 10 30 60' -d 'Budget for the whole run in seconds (0.1..600)'

# What-if (predictions)
complete -c kvm-ipa-check -l vmm -x -d 'What-if: judge VMM NAME[=VERSION] as if installed' -a '
qemu\t"QEMU (virt machine)"
libvirt\t"libvirt (its KVM probe, then QEMU)"
kvmtool\t"kvmtool (lkvm)"
firecracker\tFirecracker
cloud-hypervisor\t"Cloud Hypervisor"
crosvm\tcrosvm
libkrun\tlibkrun
gvisor\t"gVisor runsc KVM platform"
solo5-hvt\t"Solo5 hvt tender"
hyperlight\t"Hyperlight micro-VMs"
dragonball\t"Dragonball (Kata runtime-rs)"
kvm-ioctls\t"rust-vmm kvm-ioctls"'
complete -c kvm-ipa-check -l kernel -x -a '(uname -r)' -d 'What-if: predict another kernel release'
complete -c kvm-ipa-check -l ipa-limit -x -a '(seq 32 52)' -d 'What-if: judge as if the IPA limit were BITS'

# Output
complete -c kvm-ipa-check -s j -l json -d 'JSON output'
complete -c kvm-ipa-check -l nagios -d 'Monitoring-plugins output with perfdata'
complete -c kvm-ipa-check -l prometheus -d 'node_exporter textfile collector format'
complete -c kvm-ipa-check -s o -l output -r -F -d 'Write the report to FILE atomically'
complete -c kvm-ipa-check -s q -l quiet -d 'Print only the verdict line'
complete -c kvm-ipa-check -s v -l verbose -d 'Also print every probe and the evidence table'
complete -c kvm-ipa-check -l map -d "Draw each judged VMM's memory map against the IPA limit"
# Optional argument: only --color=WHEN carries a value.
complete -c kvm-ipa-check -l color -f -a 'auto always never' -d 'Colour the text report (--color=WHEN)'

# Other
complete -c kvm-ipa-check -s '?' -l help -d 'Give the help list'
complete -c kvm-ipa-check -l usage -d 'Give a short usage message'
complete -c kvm-ipa-check -s V -l version -d 'Print program version'

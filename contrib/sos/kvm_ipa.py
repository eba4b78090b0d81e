# SPDX-License-Identifier: GPL-2.0-or-later
# sos report plugin for kvm-ipa-check (part of kvm-ipa-check).
#
# Install by copying this file into sos's plugin package, e.g. on Debian and
# Ubuntu /usr/lib/python3/dist-packages/sos/report/plugins/kvm_ipa.py, then
#   sos report --only-plugins kvm_ipa        (or as part of the virt profile)
# Works with sos 4.0 (Debian 12) and later 4.x releases.

import os
import shlex

from sos.report.plugins import (Plugin, IndependentPlugin, DebianPlugin,
                                UbuntuPlugin, RedHatPlugin, SuSEPlugin)
from sos.utilities import is_executable

try:  # sos >= 4.3 declares plugin options as PluginOpt objects
    from sos.report.plugins import PluginOpt
except ImportError:  # sos 4.0 - 4.2: (name, description, speed, default)
    PluginOpt = None


def _opt(name, default, desc):
    if PluginOpt is None:
        return (name, desc, 'fast', default)
    return PluginOpt(name, default=default, desc=desc)


# IndependentPlugin alone is enough for sos >= 4.1; sos 4.0 (Debian 12) only
# loads classes tagged for the running distribution's policy.
class KvmIpa(Plugin, IndependentPlugin, DebianPlugin, UbuntuPlugin,
             RedHatPlugin, SuSEPlugin):
    """Collects kvm-ipa-check's diagnosis of KVM guest IPA (intermediate
    physical address) size compatibility: whether the VMMs on this host work,
    are refused or hang because the host's IPA limit is below the 40 bits
    that KVM_CREATE_VM(0) asks for (arm64), and a basic KVM check (x86).

    The JSON report and the verbose text report are saved, with what an
    offline reading (kvm-ipa-check --sysroot on the extracted archive) needs
    beyond them: the arm64 CPU identification registers (midr_el1), this
    boot's kernel messages about KVM from the journal (the ring buffer that
    dmesg shows may have wrapped), and the versions of the installed VMM
    packages. Nothing is changed on the host by these. On a live host
    the tool creates throwaway VMs in /dev/kvm; the type-0 VM probe, which
    spends the kernel's once-per-boot "unsupported default IPA limit"
    warning on a host below 40 bits, only runs with --allow-system-changes.
    With --sysroot the tool reads that tree offline (--sysroot, --no-probe).
    """

    short_desc = 'KVM guest IPA size compatibility (kvm-ipa-check)'
    plugin_name = 'kvm_ipa'
    profiles = ('virt', 'system')
    commands = ('kvm-ipa-check',)
    files = ('/dev/kvm',)
    # Defaults; sos's --plugin-timeout/--cmd-timeout and
    # -k kvm_ipa.timeout=N (and kvm_ipa.cmd-timeout=N, sos >= 4.3) win.
    plugin_timeout = 120
    cmd_timeout = 60

    option_list = [
        _opt('probe', True,
             'create throwaway VMs in /dev/kvm (off: host facts only)'),
    ]

    tool = 'kvm-ipa-check'
    # Packages whose versions decide a VMM verdict (src/sosreport.c reads
    # the same names back): Debian/Ubuntu, then RHEL/Fedora/SUSE.
    deb_vmm_packages = ('qemu-system-arm', 'qemu-system-x86', 'libvirt-daemon',
                        'kvmtool', 'firecracker', 'cloud-hypervisor')
    rpm_vmm_packages = ('qemu-kvm-core', 'qemu-system-aarch64-core',
                        'qemu-arm', 'qemu-x86', 'libvirt-daemon-driver-qemu',
                        'libkrun')
    # Kernel messages that tell KVM's IPA limit and type-0 behaviour
    # (arch/arm64/kvm/{reset,arm}.c of each kernel era).
    journal_grep = 'kvm|ipa size|ipa limit|parange|hyp mode|nvhe'
    # The tool's own budget (--timeout) never exceeds this many seconds.
    tool_budget_max = 20

    def check_enabled(self):
        # The tool must be installed; on a live host KVM must be there too
        # (in a --sysroot tree /dev is not part of what is read).
        if not is_executable(self.tool):
            return False
        if self.use_sysroot():
            return True
        return os.path.exists('/dev/kvm')

    def _sos_cmd_timeout(self):
        # sos >= 4.3: a property honouring --cmd-timeout and
        # -k kvm_ipa.cmd-timeout; sos 4.0 - 4.2: the class attribute.
        timeout = getattr(self, 'cmdtimeout', None)
        if isinstance(timeout, bool) or not isinstance(timeout, int) \
                or timeout <= 0:
            timeout = self.cmd_timeout
        return timeout

    def _chroot_always(self):
        opts = self.commons.get('cmdlineopts')
        return getattr(opts, 'chroot', 'auto') == 'always'

    def tool_args(self):
        """The options every run gets, as a list (for tests and setup)."""
        sos_timeout = self._sos_cmd_timeout()
        # Leave sos room to collect the output before its own timeout.
        budget = max(1, min(self.tool_budget_max, sos_timeout // 3))
        args = ['--timeout', str(budget)]
        if self.use_sysroot():
            if not self._chroot_always():
                args += ['--sysroot', self.sysroot]
            # Not the running kernel's tree: never open a /dev/kvm.
            args.append('--no-probe')
        elif not self.get_option('probe'):
            args.append('--no-probe')
        elif not self.get_option('allow_system_changes'):
            args.append('--no-default-probe')
        return args

    def setup(self):
        sos_timeout = self._sos_cmd_timeout()
        args = ' '.join(shlex.quote(a) for a in self.tool_args())
        # With a sysroot the tool reads the tree itself (--sysroot): run it
        # from sos's own root instead of chrooting into the tree, unless
        # sos was told --chroot=always.
        chroot = not self.use_sysroot() or self._chroot_always()
        # JSON without stderr, so that the file always parses.
        self.add_cmd_output('%s --json %s' % (self.tool, args),
                            suggest_filename='kvm-ipa-check_--json',
                            timeout=sos_timeout, stderr=False,
                            chroot=chroot)
        self.add_cmd_output('%s --verbose --color=never %s'
                            % (self.tool, args),
                            suggest_filename='kvm-ipa-check_--verbose',
                            timeout=sos_timeout, chroot=chroot)
        self.setup_offline_inputs(sos_timeout)

    def setup_offline_inputs(self, sos_timeout):
        """What --sysroot on the extracted archive reads beyond the JSON."""
        self.add_copy_spec([
            '/sys/devices/system/cpu/possible',
            '/sys/devices/system/cpu/cpu*/regs/identification/midr_el1',
            '/sys/devices/system/cpu/cpu*/regs/identification/revidr_el1',
        ])
        # This boot only (-b 0): another boot's limit is not this kernel's.
        if is_executable('journalctl'):
            self.add_cmd_output("journalctl --no-pager -k -b 0 "
                                "--case-sensitive=false --grep '%s'"
                                % self.journal_grep,
                                suggest_filename='journalctl_-k_kvm',
                                timeout=sos_timeout)
        if is_executable('dpkg'):
            self.add_cmd_output('dpkg -l %s' % ' '.join(self.deb_vmm_packages),
                                suggest_filename='dpkg_-l_vmm',
                                timeout=sos_timeout)
        if is_executable('rpm'):
            self.add_cmd_output('rpm -q %s' % ' '.join(self.rpm_vmm_packages),
                                suggest_filename='rpm_-q_vmm',
                                timeout=sos_timeout)

# vim: set et ts=4 sw=4 :

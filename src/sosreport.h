/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An extracted sosreport as a --sysroot tree (facts stage: reading only).
 *
 * When kvm-ipa-check's own sos plugin ran, sos_commands/kvm_ipa/ holds the
 * tool's JSON report measured on that host at that time: it is read back
 * into the structs the facts readers and the probes fill, so the verdict is
 * the one of that host then, re-assessed by this version. Otherwise the host
 * facts are rebuilt from sos's own command outputs (uname -a, lscpu, dmesg,
 * the journal, dpkg -l / rpm lists), and every input looked for and not
 * found becomes a note.
 */
#ifndef KIC_SOSREPORT_H
#define KIC_SOSREPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "parse.h"
#include "sysroot.h"

/* Where the sos plugin (contrib/sos/kvm_ipa.py) puts the tool's JSON. */
#define SOS_PLUGIN_JSON "sos_commands/kvm_ipa/kvm-ipa-check_--json"
#define SOS_REPORT_MAX	(1u << 20) /* bytes of that JSON read, no more */

/* A copied tree with sos_commands/ in it (never the live host). */
bool sos_is_bundle(const struct sysroot *sr);

/* Fills an empty arch_name / kernel_release from uname -a or lscpu. 0 or -ENOENT. */
int sos_identity(const struct sysroot *sr, struct host_facts *f);

/*
 * Kernel messages of the collected boot, from every sos source present
 * (the plugin's journal extract, dmesg, this boot's journal), into st.
 * Notes what is missing. 0 when any source was read, else -ENOENT.
 */
int sos_read_klog(const struct sysroot *sr, struct host_facts *f, struct klog_state *st);

/* arm64 CPUs without a midr_el1 file: MIDR rebuilt from proc/cpuinfo. */
void sos_cpuinfo_midrs(const struct sysroot *sr, struct host_facts *f);

/*
 * After the facts readers, on a bundle: the plugin's measured report
 * replaces the facts and fills obs (obs->probed as measured then); without
 * it, VMMs come from the package lists and the missing inputs become notes
 * (obs->skip_reason says nothing was measured). Nothing on other trees.
 */
void sos_read(const struct sysroot *sr, struct host_facts *f, struct kvm_obs *obs);

/* What the report says about itself. */
struct sos_meta {
	char tool_version[32];
	bool live; /* measured on the running host (not a --sysroot reading) */
};

/*
 * Pure: a kvm-ipa-check JSON report (schema_version 1) into f and obs.
 * 0, -EINVAL (not such a report) or -E2BIG; f and obs are zeroed first.
 */
int sos_parse_report(const char *buf, size_t len, struct host_facts *f, struct kvm_obs *obs,
		     struct sos_meta *m);

/* Pure: one `dpkg -l` line or rpm NEVRA line to a VMM; 0 or -ENOENT. */
int sos_package_vmm(const char *line, bool rpm, enum kic_arch arch, struct vmm_seen *out);

#endif

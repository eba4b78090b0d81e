/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMM versions, pure and without the VMM table (vmm_version.c): what stage 1
 * (vmm_detect.c) and stage 3 (vmm.c) both need.
 */
#ifndef KIC_VMM_VERSION_H
#define KIC_VMM_VERSION_H

#include <stddef.h>

/*
 * From `--version` output to "7.2.22"; -EINVAL when none, -ERANGE when len is
 * short. name is a canonical VMM name (vmm.h rows[]; vmm_canonical_name()):
 * for the VMMs whose output format is known only their marker counts ("QEMU
 * emulator version "), any other name takes the first dotted number.
 */
int vmm_version_parse(const char *name, const char *version_output, char *ver, size_t len);

/* Numeric dotted compare; tolerates a "v" prefix and ignores suffixes ("-rc1", "-12-gabc"). */
int vmm_version_cmp(const char *a, const char *b);

/*
 * The upstream part of a Debian package version: "1:7.2+dfsg-7+deb12u3" ->
 * "7.2", "7.2.0" -> "7.2.0". -EINVAL when it does not start with a number,
 * or when len is short.
 */
int vmm_debian_upstream(const char *debver, char *out, size_t len);

/*
 * "1:7.2+dfsg-7+deb12u18+b3" (a Debian/Ubuntu qemu-system-* version) to the
 * upstream release it carries, "7.2.7" here. 0 or -EINVAL. The one reading
 * of a Debian QEMU version: dpkg's status (vmm_detect.c), a sosreport's
 * package list (sosreport.c) and --vmm qemu=/libvirt= (vmm.c) all use it.
 */
int vmm_debian_qemu_version(const char *debver, char *out, size_t len);

#endif

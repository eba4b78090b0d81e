/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding installed VMMs and their versions. Only trusted system directories
 * are searched, never the caller's PATH; binaries are run (to ask their
 * version) only on the live host and only when allowed.
 */
#ifndef KIC_VMM_DETECT_H
#define KIC_VMM_DETECT_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"

/*
 * Looks in the trusted directories below sysroot ("/" = the live host).
 * Runs `<binary> --version` (or its equivalent) only when allow_exec and the
 * root is the live host; timeout_ms is the budget for all of those runs
 * together. Fills struct vmm_seen (check.h), skipped ones included. Returns
 * the number of entries filled, or -errno.
 */
int vmm_detect(const char *sysroot, bool allow_exec, int timeout_ms, struct vmm_seen *out, int max);

/*
 * The same over an explicit NULL-terminated list of absolute directories on
 * the live file system (binaries and libkrun.so.* alike), for tests.
 * check_owner: skip files and directories not owned by root.
 */
int vmm_detect_dirs(const char *const *dirs, bool allow_exec, bool check_owner, int timeout_ms,
		    struct vmm_seen *out, int max);

/*
 * Runs path with argv[1] = arg (and nothing else) in a fixed environment,
 * stdin from /dev/null, stdout and stderr into out (at most len - 1 bytes
 * kept, NUL-terminated). Kills it and its process group at the deadline or
 * when it prints more than 64 KiB. Returns its exit status (>= 0), or
 * -ETIMEDOUT, -EMSGSIZE (flood) or another -errno; never leaves a zombie.
 */
int vmm_run_version(const char *path, const char *arg, int timeout_ms, char *out, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KIC_SYSROOT_H
#define KIC_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Every host file is read relative to a root directory, "/" for the live
 * host or a copied tree (sosreport, test fixture). Reads are bounded and
 * never follow a path out of the tree.
 */
struct sysroot {
	int dirfd;
	bool live; /* root is "/" */
	char path[256];
};

#define SR_MAX_FILE (1u << 20) /* cap for any line-by-line read */

int sr_open(struct sysroot *sr, const char *path);
void sr_close(struct sysroot *sr);

/*
 * The first fault a read met (EMFILE, ENOMEM, EIO, the deadline, a stop
 * signal) as -errno, 0 when none; what: "path: reason". Missing or
 * unreadable files are answers about the tree, not faults.
 */
int sr_fault(char *what, size_t len);

/*
 * Opens a regular file below the root; -EINVAL for FIFOs, devices, dirs;
 * -EXDEV when a symlink on the way leads out of the tree (absolute, or ".."
 * above the root) and, read inside the tree, leads nowhere.
 */
int sr_openat(const struct sysroot *sr, const char *rel);

/* strerror() for the -errno of these calls: -EXDEV in the words above. */
const char *sr_strerror(int err);

#include <dirent.h>

/* Opens a directory below the root for listing. */
DIR *sr_opendir(const struct sysroot *sr, const char *rel);

/*
 * Reads a small file into buf (NUL-terminated). Returns its length,
 * -EFBIG when it does not fit in len - 1 bytes, or another -errno.
 */
int sr_read(const struct sysroot *sr, const char *rel, char *buf, size_t len);

/* sr_read for binary files (device tree properties): no NUL check. */
int sr_read_bin(const struct sysroot *sr, const char *rel, unsigned char *buf, size_t len);

/* sr_read, then strip trailing whitespace. */
int sr_read_line(const struct sysroot *sr, const char *rel, char *buf, size_t len);

/*
 * Calls cb for each line (without '\n', NUL-terminated) of fd, reading at
 * most max_bytes. Lines longer than the internal buffer are passed truncated
 * once. Stops early when cb returns non-zero. Returns 0, cb's value, or -errno.
 */
typedef int (*line_cb)(const char *line, void *ctx);
int fd_foreach_line(int fd, size_t max_bytes, line_cb cb, void *ctx);
int sr_foreach_line(const struct sysroot *sr, const char *rel, size_t max_bytes, line_cb cb,
		    void *ctx);

#endif

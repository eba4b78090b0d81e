// SPDX-License-Identifier: GPL-2.0-or-later
/* Bounded, tree-confined reads of host files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysroot.h"

int sr_open(struct sysroot *sr, const char *path)
{
	struct stat st;

	memset(sr, 0, sizeof(*sr));
	sr->dirfd = -1;
	if (!path || !*path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sr->path))
		return -ENAMETOOLONG;
	snprintf(sr->path, sizeof(sr->path), "%s", path);
	sr->dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sr->dirfd < 0)
		return -errno;
	/* "/" spelt any way (//, /./) is the live host. */
	if (fstat(sr->dirfd, &st) == 0) {
		struct stat root;

		sr->live = stat("/", &root) == 0 && root.st_dev == st.st_dev &&
			   root.st_ino == st.st_ino;
	}
	return 0;
}

void sr_close(struct sysroot *sr)
{
	if (sr->dirfd >= 0)
		close(sr->dirfd);
	sr->dirfd = -1;
}

/*
 * RESOLVE_IN_ROOT keeps absolute symlinks inside a copied tree (5.6+);
 * older kernels fall back to a plain openat, which is what a live root needs
 * anyway.
 */
static int open_below(const struct sysroot *sr, const char *rel, int flags)
{
	struct open_how how = { .flags = (unsigned long long)flags,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd;

	while (*rel == '/')
		rel++;
	if (!sr->live) {
		fd = (int)syscall(SYS_openat2, sr->dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd < 0 ? -errno : fd;
	}
	fd = openat(sr->dirfd, rel, flags);
	return fd < 0 ? -errno : fd;
}

int sr_openat(const struct sysroot *sr, const char *rel)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO planted in a copied tree must not block the open. */
	fd = open_below(sr, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(fd);
		return err;
	}
	return fd;
}

DIR *sr_opendir(const struct sysroot *sr, const char *rel)
{
	int fd = open_below(sr, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	DIR *d;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

static ssize_t read_full(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int sr_read(const struct sysroot *sr, const char *rel, char *buf, size_t len)
{
	int n;

	if (len < 2)
		return -EINVAL;
	n = sr_read_bin(sr, rel, (unsigned char *)buf, len - 1);
	if (n < 0) {
		buf[0] = '\0';
		return n;
	}
	buf[n] = '\0';
	/* Embedded NULs mean binary garbage, not a sysfs value. */
	if (strlen(buf) != (size_t)n) {
		buf[0] = '\0';
		return -EINVAL;
	}
	return n;
}

int sr_read_bin(const struct sysroot *sr, const char *rel, unsigned char *buf, size_t len)
{
	ssize_t n;
	char extra;
	int fd = sr_openat(sr, rel);

	if (fd < 0)
		return fd;
	n = read_full(fd, (char *)buf, len);
	if (n >= 0 && (size_t)n == len && read_full(fd, &extra, 1) == 1)
		n = -EFBIG;
	close(fd);
	return (int)n;
}

int sr_read_line(const struct sysroot *sr, const char *rel, char *buf, size_t len)
{
	int n = sr_read(sr, rel, buf, len);

	if (n < 0)
		return n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t' ||
			 buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n;
}

struct line_buf {
	char line[1024];
	size_t ll;
	bool skipping; /* in the tail of an over-long line */
};

/* Appends one newline-free segment; an over-long line is handed over once. */
static int line_add(struct line_buf *lb, const char *p, size_t len, line_cb cb, void *ctx)
{
	size_t room = sizeof(lb->line) - 1 - lb->ll, take = len < room ? len : room;
	int r;

	if (lb->skipping || !len)
		return 0;
	memcpy(lb->line + lb->ll, p, take);
	for (size_t i = lb->ll; i < lb->ll + take; i++)
		if (!lb->line[i])
			lb->line[i] = ' '; /* NULs would end the line early */
	lb->ll += take;
	if (take == len)
		return 0;
	/* Over-long line: hand over its head once, drop the rest. */
	lb->line[lb->ll] = '\0';
	r = cb(lb->line, ctx);
	lb->skipping = true;
	return r;
}

static int line_end(struct line_buf *lb, line_cb cb, void *ctx)
{
	int r = 0;

	if (!lb->skipping) {
		lb->line[lb->ll] = '\0';
		r = cb(lb->line, ctx);
	}
	lb->ll = 0;
	lb->skipping = false;
	return r;
}

int fd_foreach_line(int fd, size_t max_bytes, line_cb cb, void *ctx)
{
	struct line_buf lb = { .ll = 0 };
	char chunk[16384];
	size_t total = 0;
	int r;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		const char *p = chunk, *end = chunk + (n > 0 ? n : 0), *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			break;
		/* memchr per line, not a test per byte: dpkg's status file is megabytes */
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			r = line_add(&lb, p, (size_t)(nl - p), cb, ctx);
			if (!r)
				r = line_end(&lb, cb, ctx);
			if (r)
				return r;
			p = nl + 1;
		}
		r = line_add(&lb, p, (size_t)(end - p), cb, ctx);
		if (r)
			return r;
		total += (size_t)n;
		if (total >= max_bytes)
			return -EFBIG;
	}
	if (lb.ll && !lb.skipping)
		return line_end(&lb, cb, ctx);
	return 0;
}

int sr_foreach_line(const struct sysroot *sr, const char *rel, size_t max_bytes, line_cb cb,
		    void *ctx)
{
	int fd = sr_openat(sr, rel);
	int r;

	if (fd < 0)
		return fd;
	r = fd_foreach_line(fd, max_bytes, cb, ctx);
	close(fd);
	return r;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Bounded, tree-confined reads of host files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
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

/* The first fault met (EMFILE, a deadline...): it makes the verdict UNKNOWN. */
static int first_fault;
static char first_fault_path[96];

static int fault(int err, const char *rel)
{
	if (err < 0 && errno_is_fault(err) && !first_fault) {
		first_fault = err;
		snprintf(first_fault_path, sizeof(first_fault_path), "%s", rel);
	}
	return err;
}

int sr_fault(char *what, size_t len)
{
	if (first_fault && what && len)
		snprintf(what, len, "%s: %s", first_fault_path,
			 first_fault == -ETIMEDOUT ? "time budget (--timeout) spent"
			 : first_fault == -EINTR   ? "interrupted by signal"
						   : strerror(-first_fault));
	return first_fault;
}

#define WALK_DEPTH    64 /* directories deep */
#define WALK_SYMLINKS 40 /* MAXSYMLINKS, as the kernel's own walk */

/* Splices a symlink's target in front of the rest of the path still to walk. */
static int splice_link(char *rem, size_t len, const char *target, const char *rest)
{
	static char tmp[PATH_MAX];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", target, rest) >= sizeof(tmp) ||
	    strlen(tmp) >= len)
		return -ENAMETOOLONG;
	memcpy(rem, tmp, strlen(tmp) + 1);
	return 0;
}

/*
 * Whether a symlink's target, as written, leads out of the tree: absolute,
 * or climbing by ".." above the root from the link's directory (depth
 * below the root). Read inside the tree both are pinned at its root.
 */
static bool target_leaves(const char *target, int depth)
{
	if (*target == '/')
		return true;
	for (const char *c = target; *c;) {
		size_t n = strcspn(c, "/");

		if (n == 2 && !strncmp(c, "..", 2)) {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && *c == '.')) {
			depth++;
		}
		c += n;
		c += *c == '/';
	}
	return false;
}

/*
 * Where the components of rem that come from a symlink leading out of the
 * tree end: the link's target was spliced in at the front. A component the
 * walk fails on before that offset failed because the link leads out.
 */
static size_t splice_region(size_t esc_end, size_t c_off, size_t p_off, size_t tlen, bool leaves)
{
	if (c_off < esc_end) /* the link itself came from such a target */
		return tlen + 1 + (esc_end > p_off ? esc_end - p_off : 0);
	return leaves ? tlen : 0;
}

/*
 * openat2(RESOLVE_IN_ROOT) by hand, for kernels before 5.6 and seccomp
 * filters (or valgrind) that refuse openat2: one component at a time with
 * O_NOFOLLOW, symlinks resolved here with "/" and ".." pinned at the root.
 * Each step opens from the fd of the one before, so a directory swapped
 * for a symlink meanwhile fails with ELOOP instead of leading out.
 * *leaves: the walk failed inside the target of a symlink that leads out of
 * the tree (an absolute one, or ".." above the root) - the same rule for
 * openat2's failures, which this walk then explains.
 */
static int walk_below(int rootfd, const char *rel, int flags, bool *leaves)
{
	static char rem[PATH_MAX], link[PATH_MAX];
	int stack[WALK_DEPTH + 1], depth = 0, links = 0, fd = -1;
	size_t esc_end = 0;
	char *p = rem, *c = rem;

	*leaves = false;
	stack[0] = rootfd;
	if (strlen(rel) >= sizeof(rem))
		return -ENAMETOOLONG;
	memcpy(rem, rel, strlen(rel) + 1);
	for (;;) {
		char *next;
		bool last;
		ssize_t n;

		while (*p == '/')
			p++;
		c = p;
		next = strchrnul(p, '/');
		p = *next ? next + 1 : next;
		*next = '\0';
		while (*p == '/')
			p++;
		last = !*p;
		if (!*c || !strcmp(c, ".")) {
			if (!last)
				continue;
			fd = openat(stack[depth], ".", flags);
			fd = fd < 0 ? -errno : fd;
			break;
		}
		if (!strcmp(c, "..")) {
			if (depth > 0)
				close(stack[depth--]);
			if (!last)
				continue;
			fd = openat(stack[depth], ".", flags);
			fd = fd < 0 ? -errno : fd;
			break;
		}
		n = readlinkat(stack[depth], c, link, sizeof(link) - 1);
		if (n >= 0) {
			link[n] = '\0';
			if (++links > WALK_SYMLINKS) {
				fd = -ELOOP;
				break;
			}
			esc_end = splice_region(esc_end, (size_t)(c - rem), (size_t)(p - rem),
						(size_t)n, target_leaves(link, depth));
			fd = splice_link(rem, sizeof(rem), link, p);
			if (fd < 0)
				break;
			p = c = rem;
			if (*p == '/')
				while (depth > 0) /* absolute: from the tree's root */
					close(stack[depth--]);
			continue;
		}
		if (errno != EINVAL) { /* EINVAL: not a symlink */
			fd = -errno;
			break;
		}
		if (last) {
			fd = openat(stack[depth], c, flags | O_NOFOLLOW);
			fd = fd < 0 ? -errno : fd;
			break;
		}
		if (depth >= WALK_DEPTH) {
			fd = -ENAMETOOLONG;
			break;
		}
		fd = openat(stack[depth], c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			break;
		}
		stack[++depth] = fd;
		fd = -1;
	}
	while (depth > 0)
		close(stack[depth--]);
	/* not found, a loop, a file for a directory: a fault (EMFILE) explains nothing */
	*leaves = (fd == -ENOENT || fd == -ELOOP || fd == -ENOTDIR) && (size_t)(c - rem) < esc_end;
	return fd;
}

/*
 * A failure to resolve below the root that a symlink leading out of the
 * tree explains: -EXDEV (as RESOLVE_BENEATH says it), "refused: symlink
 * leaves the tree", from openat2 and the hand walk alike.
 */
static int explain_failure(int rootfd, const char *rel, int flags, int err)
{
	bool leaves = false;
	int fd;

	if (err != -ENOENT && err != -ELOOP && err != -ENOTDIR)
		return err;
	fd = walk_below(rootfd, rel, flags, &leaves);
	if (fd >= 0) /* resolved now: the tree changed meanwhile; keep openat2's answer */
		close(fd);
	return leaves ? -EXDEV : err;
}

const char *sr_strerror(int err)
{
	return err == -EXDEV ? "refused: symlink leaves the tree" : strerror(-err);
}

/*
 * RESOLVE_IN_ROOT keeps absolute symlinks inside a copied tree (5.6+);
 * without openat2 the same walk is done by hand. The live root needs
 * neither: "/" is the root already.
 */
static int open_below(const struct sysroot *sr, const char *rel, int flags)
{
	static bool no_openat2;
	bool leaves = false;
	struct open_how how = { .flags = (unsigned long long)flags,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = kic_interrupted();

	if (fd < 0)
		return fault(fd, rel);
	while (*rel == '/')
		rel++;
	if (sr->live) {
		fd = openat(sr->dirfd, *rel ? rel : ".", flags);
		return fault(fd < 0 ? -errno : fd, rel);
	}
	if (!no_openat2) {
		fd = (int)syscall(SYS_openat2, sr->dirfd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
			return fault(explain_failure(sr->dirfd, rel, flags, -errno), rel);
		no_openat2 = true;
	}
	fd = walk_below(sr->dirfd, rel, flags, &leaves);
	return fault(fd < 0 && leaves ? -EXDEV : fd, rel);
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
	return n < 0 ? fault((int)n, rel) : (int)n;
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

static int foreach_chunk(int fd, size_t max_bytes, line_cb cb, void *ctx, struct line_buf *lb,
			 char *chunk, size_t chunk_len)
{
	size_t total = 0;
	int r;

	for (;;) {
		ssize_t n;
		const char *p = chunk, *end, *nl;

		/* every stage under the deadline: a 64 MiB file is 4096 chunks */
		r = kic_interrupted();
		if (r < 0)
			return r;
		n = read(fd, chunk, chunk_len);
		end = chunk + (n > 0 ? n : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			break;
		/* memchr per line, not a test per byte: dpkg's status file is megabytes */
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			r = line_add(lb, p, (size_t)(nl - p), cb, ctx);
			if (!r)
				r = line_end(lb, cb, ctx);
			if (r)
				return r;
			p = nl + 1;
		}
		r = line_add(lb, p, (size_t)(end - p), cb, ctx);
		if (r)
			return r;
		total += (size_t)n;
		if (total >= max_bytes)
			return -EFBIG;
	}
	if (lb->ll && !lb->skipping)
		return line_end(lb, cb, ctx);
	return 0;
}

int fd_foreach_line(int fd, size_t max_bytes, line_cb cb, void *ctx)
{
	enum { CHUNK = 16384 };
	/* on the heap: the tool must run with a small stack (ulimit -s) */
	struct line_buf *lb = malloc(sizeof(*lb) + CHUNK);
	char *chunk = (char *)(lb + 1);
	int r;

	if (!lb)
		return -ENOMEM;
	lb->ll = 0;
	lb->skipping = false;
	r = foreach_chunk(fd, max_bytes, cb, ctx, lb, chunk, CHUNK);
	free(lb);
	return r;
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
	return r < 0 ? fault(r, rel) : r;
}

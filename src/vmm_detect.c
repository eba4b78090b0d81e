// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding installed VMMs: a fixed list of binary names in a fixed list of
 * root-owned system directories, never the caller's PATH (a planted binary
 * must not be run, nor pass for a VMM). Versions come from `--version` on the
 * live host, else from what the files themselves or dpkg say.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysroot.h"
#include "vmm_version.h"
#include "vmm_detect.h"

#define RUN_KEEP_MAX  (4u << 10)  /* version output kept */
#define RUN_DRAIN_MAX (64u << 10) /* more than this is a flood: kill it */
#define SCAN_MAX      (64u << 20) /* bytes of a binary searched for a marker */
#define DPKG_MAX      (64u << 20) /* bytes of /var/lib/dpkg/status read */

static const char *const trusted_bin_dirs[] = {
	"/usr/bin",	  "/usr/sbin",	     "/bin",	      "/sbin", "/usr/libexec",
	"/usr/local/bin", "/usr/local/sbin", "/opt/kata/bin", NULL,
};

/* libkrun is a library: its version is in its file name (libkrun.so.1.9.4). */
static const char *const trusted_lib_dirs[] = {
	"/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64", NULL,
};

/*
 * How to find a VMM binary and learn its version, one locator per file name.
 * arg: argv[1] that makes it print its version, NULL when
 * running it would tell nothing (solo5-hvt: every release behaves the same;
 * lkvm prints a fixed "3.18.0"; libvirtd is judged by its QEMU).
 */
static const struct locator {
	const char *row;
	const char *file;
	const char *arg;
	const char *dpkg;   /* Debian package shipping it, for offline versions */
	const char *marker; /* a string that dates the binary */
	const char *marker_version;
} locators[] = {
	{ "qemu", "qemu-system-aarch64", "--version", "qemu-system-arm", NULL, NULL },
	{ "qemu", "qemu-system-x86_64", "--version", "qemu-system-x86", NULL, NULL },
	{ "qemu", "qemu-kvm", "--version", NULL, NULL, NULL },
	/* kvmtool bdb86d0c0c95 (committed 2021-08-31) added die("Memory too large
	 * for this system (needs %d bits, %d available)") with the IPA sizing:
	 * a binary without it is older ("<20210831", see vmm.h). */
	{ "kvmtool", "lkvm", NULL, NULL, "Memory too large for this system", "20210831" },
	{ "firecracker", "firecracker", "--version", NULL, NULL, NULL },
	{ "cloud-hypervisor", "cloud-hypervisor", "--version", NULL, NULL, NULL },
	{ "crosvm", "crosvm", "version", NULL, NULL, NULL },
	{ "gvisor", "runsc", "--version", NULL, NULL, NULL },
	{ "solo5-hvt", "solo5-hvt", NULL, NULL, NULL, NULL },
	{ "libvirt", "libvirtd", NULL, NULL, NULL, NULL },
	{ "libvirt", "virtqemud", NULL, NULL, NULL, NULL },
};

#define NLOCATORS (sizeof(locators) / sizeof(locators[0]))
#define MAX_SEEN  64

struct detect {
	const struct sysroot *sr;
	bool exec, check_owner, dpkg;
	long deadline_ms; /* for all --version runs together */
	int timeout_ms;
	struct vmm_seen *out;
	int max, n;
	int nskipped; /* entries that are only a "skipped" note */
	int nseen;
	struct {
		dev_t dev;
		ino_t ino;
	} seen[MAX_SEEN]; /* files and directories already looked at */
};

/* True the first time a (dev, ino) is met: /bin and /usr/bin may be one. */
static bool first_sight(struct detect *d, const struct stat *st)
{
	for (int i = 0; i < d->nseen; i++)
		if (d->seen[i].dev == st->st_dev && d->seen[i].ino == st->st_ino)
			return false;
	if (d->nseen < MAX_SEEN) {
		d->seen[d->nseen].dev = st->st_dev;
		d->seen[d->nseen].ino = st->st_ino;
		d->nseen++;
	}
	return true;
}

/* ---- running a binary ------------------------------------------------------ */

/* Moves fd to 3 or above so that dup2 onto 0-2 in the child cannot be a no-op. */
static int fd_above_stdio(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

/* In the child: only async-signal-safe calls until execve. */
static void child_exec(const char *path, char *const argv[], int nullfd, int outfd, int maxfd)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0); /* its own group, so a kill reaches what it forks */
	if (dup2(nullfd, 0) < 0 || dup2(outfd, 1) < 0 || dup2(outfd, 2) < 0)
		_exit(126);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
#endif
		for (int fd = 3; fd < maxfd; fd++)
			close(fd);
	execve(path, argv, envp);
	_exit(127);
}

static void kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL); /* in case it had not reached setpgid yet */
}

/* Reaps pid; after the deadline kills it first. Returns the wait status or -errno. */
static int reap(pid_t pid, long deadline, bool killed)
{
	int status = 0;

	for (;;) {
		pid_t r = waitpid(pid, &status, killed ? 0 : WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno; /* ECHILD: SIGCHLD ignored, already reaped */
		if (kic_now_ms() >= deadline) {
			kill_group(pid);
			killed = true;
			continue;
		}
		usleep(2000);
	}
}

/* Reads the child's output until EOF, the deadline or a flood. */
static int collect(int fd, long deadline, char *out, size_t len)
{
	size_t kept = 0, total = 0;
	static char chunk[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - kic_now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (probe_stop)
			return -EINTR; /* SIGINT/SIGTERM: kill it and go on to the report */
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		total += (size_t)n;
		if (total > RUN_DRAIN_MAX)
			return -EMSGSIZE;
		if (kept + 1 < len) {
			size_t take = (size_t)n < len - 1 - kept ? (size_t)n : len - 1 - kept;

			memcpy(out + kept, chunk, take);
			kept += take;
			out[kept] = '\0';
		}
	}
}

static int open_pipe_and_null(int pfd[2], int *nullfd)
{
	*nullfd = fd_above_stdio(open("/dev/null", O_RDONLY | O_CLOEXEC));
	if (*nullfd < 0)
		return -errno;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		int err = -errno;

		close(*nullfd);
		return err;
	}
	pfd[0] = fd_above_stdio(pfd[0]);
	pfd[1] = fd_above_stdio(pfd[1]);
	if (pfd[0] < 0 || pfd[1] < 0 || fcntl(pfd[0], F_SETFL, O_NONBLOCK) < 0) {
		int err = errno ? -errno : -EBADF;

		if (pfd[0] >= 0)
			close(pfd[0]);
		if (pfd[1] >= 0)
			close(pfd[1]);
		close(*nullfd);
		return err;
	}
	return 0;
}

static int max_fd(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 65536)
		return 65536;
	return (int)rl.rlim_cur;
}

int vmm_run_version(const char *path, const char *arg, int timeout_ms, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	char *argv[3] = { (char *)(base ? base + 1 : path), (char *)arg, NULL };
	long deadline = kic_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int pfd[2], nullfd, r, status, maxfd = max_fd();
	pid_t pid;

	if (!out || len < 2)
		return -EINVAL;
	out[0] = '\0';
	r = open_pipe_and_null(pfd, &nullfd);
	if (r < 0)
		return r;
	pid = fork();
	if (pid == 0)
		child_exec(path, argv, nullfd, pfd[1], maxfd);
	r = pid < 0 ? -errno : 0;
	close(pfd[1]);
	close(nullfd);
	if (r == 0) {
		setpgid(pid, pid); /* closes the race with the child's own setpgid */
		r = collect(pfd[0], deadline, out, len);
		if (r < 0)
			kill_group(pid);
		status = reap(pid, deadline, r < 0);
		if (r == 0)
			r = status < 0		? status
			    : WIFEXITED(status) ? WEXITSTATUS(status)
						: 128 + WTERMSIG(status);
	}
	close(pfd[0]);
	return r;
}

/* ---- what the files say ---------------------------------------------------- */

/* Whether the file contains needle; bounded, for dating kvmtool builds. */
static int file_contains(int fd, const char *needle)
{
	size_t nl = strlen(needle), have = 0, total = 0;
	static char buf[65536]; /* static: a small stack (ulimit -s) must do */

	for (;;) {
		ssize_t n;
		int r = kic_interrupted(); /* a 64 MiB binary: the deadline holds */

		if (r < 0)
			return r;
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		have += (size_t)n;
		total += (size_t)n;
		if (memmem(buf, have, needle, nl))
			return 1;
		if (total >= SCAN_MAX)
			return -EFBIG; /* not seen in what was read: no proof of absence */
		/* Keep the tail: the needle may straddle two reads. */
		if (have >= nl - 1) {
			memmove(buf, buf + have - (nl - 1), nl - 1);
			have = nl - 1;
		}
	}
}

int vmm_debian_qemu_version(const char *debver, char *out, size_t len)
{
	const char *u;

	if (!debver || !out || vmm_debian_upstream(debver, out, len) < 0)
		return -EINVAL;
	/*
	 * Debian bookworm ships "7.2" and adds upstream stable releases as
	 * patches: 1:7.2+dfsg-7+deb12u3 "update to upstream 7.2.7" (and 7.2.6,
	 * which has the libvirt probe fix), per its debian/changelog.
	 */
	u = strstr(debver, "+deb12u");
	if (!strcmp(out, "7.2") && u && atoi(u + 7) >= 3)
		snprintf(out, len, "7.2.7");
	return 0;
}

/* Takes "Field: value" from the stanza at st (up to its blank line). */
static bool stanza_field(const char *st, const char *end, const char *field, char *out, size_t len)
{
	size_t fl = strlen(field);

	for (const char *l = st; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t ll = (size_t)((nl ? nl : end) - l);

		if (!ll)
			break; /* end of the stanza */
		if (ll > fl && !strncmp(l, field, fl)) {
			snprintf(out, len, "%.*s", (int)(ll - fl), l + fl);
			return true;
		}
		l = nl ? nl + 1 : end;
	}
	return false;
}

/*
 * The installed Debian version of pkg from var/lib/dpkg/status: a lookup,
 * not a parse: memmem finds "\nPackage: pkg\n" chunk by chunk, only that
 * stanza is read. Bounded by DPKG_MAX and the deadline (sr_* checks it).
 */
static bool dpkg_version(const struct sysroot *sr, const char *pkg, char *out, size_t len)
{
	enum { CHUNK = 65536, TAIL = 4096 };
	char needle[128], status[128];
	char *buf = NULL;
	size_t nl, have = 0, total = 0;
	bool found = false;
	int fd;

	nl = (size_t)snprintf(needle, sizeof(needle), "\nPackage: %s\n", pkg);
	if (nl >= sizeof(needle))
		return false;
	fd = sr_openat(sr, "var/lib/dpkg/status");
	buf = fd >= 0 ? malloc(CHUNK + TAIL + 1) : NULL;
	if (!buf)
		goto out;
	buf[0] = '\n'; /* the first stanza has no newline before it */
	have = 1;
	for (;;) {
		ssize_t n = kic_interrupted() < 0 ? -1 : read(fd, buf + have, CHUNK + TAIL - have);
		bool eof = n <= 0;
		char *hit, *end = NULL;

		if (n < 0 && errno == EINTR && !probe_stop)
			continue;
		have += n > 0 ? (size_t)n : 0;
		total += n > 0 ? (size_t)n : 0;
		hit = memmem(buf, have, needle, nl);
		if (hit)
			end = memmem(hit + 1, (size_t)(buf + have - hit - 1), "\n\n", 2);
		/* the stanza goes on past what is read: read more of it */
		if (hit && !end && !eof && have < CHUNK + TAIL && total < DPKG_MAX)
			continue;
		if (hit) {
			end = end ? end + 1 : buf + have;
			found = stanza_field(hit + 1, end, "Status: ", status, sizeof(status)) &&
				strstr(status, " installed") &&
				stanza_field(hit + 1, end, "Version: ", out, len);
			break;
		}
		if (eof || total >= DPKG_MAX)
			break;
		/* keep a needle's length: it may straddle two reads */
		if (have > nl - 1) {
			memmove(buf, buf + have - (nl - 1), nl - 1);
			have = nl - 1;
		}
	}
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return found;
}

struct dpkg_owner {
	const char *path;
	bool owns;
};

static int list_line(const char *line, void *ctx)
{
	struct dpkg_owner *o = ctx;
	size_t n = strlen(line), m = strlen(o->path);

	/* path is the file as seen from here: the tree's own path may prefix it */
	if (line[0] == '/' && n > 1 && m >= n && !strcmp(o->path + m - n, line)) {
		o->owns = true;
		return 1;
	}
	return 0;
}

/* Does var/lib/dpkg/info/<pkg>.list name this file? Then dpkg's version is its. */
static bool dpkg_owns(const struct sysroot *sr, const char *pkg, const char *path)
{
	struct dpkg_owner o = { .path = path };
	char list[128];

	snprintf(list, sizeof(list), "var/lib/dpkg/info/%s.list", pkg);
	sr_foreach_line(sr, list, 4u << 20, list_line, &o);
	return o.owns;
}

/* ---- looking at one candidate ------------------------------------------------ */

#define MAX_SKIPPED 6 /* "skipped" entries never crowd out real VMMs */

/*
 * A slot for a candidate. Skipped ones (unreadable, untrusted) take at most
 * MAX_SKIPPED slots, and a real VMM takes the slot of a skipped one when the
 * list is full: an unreadable directory must not push real VMMs out.
 */
static struct vmm_seen *add_slot(struct detect *d, const char *row, const char *path, bool skipped)
{
	struct vmm_seen *f = NULL;

	if (skipped && d->nskipped >= MAX_SKIPPED)
		return NULL;
	if (d->n < d->max) {
		f = &d->out[d->n++];
	} else if (!skipped) {
		for (int i = d->n - 1; i >= 0 && !f; i--)
			if (d->out[i].skipped)
				f = &d->out[i];
		if (!f)
			return NULL;
		d->nskipped--;
	} else {
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	d->nskipped += skipped;
	snprintf(f->name, sizeof(f->name), "%s", row);
	snprintf(f->path, sizeof(f->path), "%s", path);
	return f;
}

static void skip(struct vmm_seen *f, const char *why)
{
	f->skipped = true;
	snprintf(f->note, sizeof(f->note), "skipped: %s", why);
}

/* stat that stays inside a copied tree; open() also rejects non-regular files there. */
static int stat_below(const struct detect *d, const char *path, struct stat *st)
{
	int fd, r;

	if (d->sr->live)
		return stat(path, st) < 0 ? -errno : 0;
	fd = sr_openat(d->sr, path);
	if (fd < 0)
		return fd;
	r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int open_below(const struct detect *d, const char *path)
{
	int fd;

	if (!d->sr->live)
		return sr_openat(d->sr, path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

/* Why a file may not be trusted; NULL when it may. */
static const char *distrust(const struct detect *d, const struct stat *st, bool need_exec,
			    char *buf, size_t len)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (need_exec && !(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return "not executable";
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(buf, len, "%s-writable (mode %04o)",
			 st->st_mode & S_IWOTH ? "world" : "group", st->st_mode & 07777);
		return buf;
	}
	if (d->check_owner && st->st_uid != 0) {
		snprintf(buf, len, "owned by uid %u, not root", (unsigned int)st->st_uid);
		return buf;
	}
	return NULL;
}

/*
 * A symlink in a trusted directory may lead elsewhere: the directory that
 * really holds the file must not be writable by others either, or the file
 * could be swapped between this check and the run.
 */
static const char *real_dir_distrust(const struct detect *d, const char *path)
{
	static char real[4096];
	char *slash;
	struct stat st;

	if (!d->sr->live)
		return NULL;
	if (!realpath(path, real))
		return "cannot be resolved";
	slash = strrchr(real, '/');
	if (!slash)
		return "cannot be resolved";
	*(slash == real ? slash + 1 : slash) = '\0';
	if (stat(real, &st) < 0)
		return "cannot be resolved";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "links into a group/world-writable directory";
	if (d->check_owner && st.st_uid != 0)
		return "links into a directory not owned by root";
	return NULL;
}

static const char *stat_error(int err)
{
	switch (err) {
	case -ELOOP:
		return "symlink loop";
	case -EINVAL:
	case -EISDIR:
		return "not a regular file";
	case -EACCES:
	case -EPERM:
		return "cannot be read (permission)";
	default:
		return "cannot be examined";
	}
}

static void version_from_run(struct detect *d, const struct locator *p, struct vmm_seen *f)
{
	long left = d->deadline_ms - kic_now_ms();
	static char out[RUN_KEEP_MAX]; /* off the stack: ulimit -s may be small */
	char line[48];
	int r;

	if (left <= 0) {
		snprintf(f->note, sizeof(f->note),
			 "not run: the time for version queries is spent");
		return;
	}
	r = vmm_run_version(f->path, p->arg, (int)left, out, sizeof(out));
	if (r == -ETIMEDOUT || r == -EMSGSIZE) {
		snprintf(f->note, sizeof(f->note), "'%s' %s: killed", p->arg,
			 r == -ETIMEDOUT ? "did not answer in time" : "printed over 64 KiB");
		return;
	}
	if (r >= 0 && vmm_version_parse(p->row, out, f->version, sizeof(f->version)) == 0)
		return;
	f->version[0] = '\0';
	/* one line for the note; text_clean() makes it printable */
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(out, "\n"), out);
	text_clean(line);
	if (r < 0)
		snprintf(f->note, sizeof(f->note), "could not run it: %s", strerror(-r));
	else if (r == 127 || r == 126)
		snprintf(f->note, sizeof(f->note), "could not run it (exit status %d)", r);
	else
		snprintf(f->note, sizeof(f->note), "no version in its '%s' output: \"%s\"", p->arg,
			 line);
}

static void version_from_marker(struct detect *d, const struct locator *p, struct vmm_seen *f)
{
	int fd = open_below(d, f->path), r;

	r = fd < 0 ? fd : file_contains(fd, p->marker);
	if (fd >= 0)
		close(fd);
	if (r == 1) {
		snprintf(f->version, sizeof(f->version), "%s", p->marker_version);
		snprintf(f->note, sizeof(f->note), "built %s or later: has \"%s\"",
			 p->marker_version, p->marker);
	} else if (r == 0) {
		snprintf(f->version, sizeof(f->version), "<%s", p->marker_version);
		snprintf(f->note, sizeof(f->note), "built before %s: no \"%s\"", p->marker_version,
			 p->marker);
	} else {
		snprintf(f->note, sizeof(f->note), "could not read it: %s", strerror(-r));
	}
}

static void version_from_dpkg(struct detect *d, const struct locator *p, struct vmm_seen *f)
{
	char debver[64];

	if (!dpkg_version(d->sr, p->dpkg, debver, sizeof(debver)) ||
	    vmm_debian_qemu_version(debver, f->version, sizeof(f->version)) < 0) {
		f->version[0] = '\0';
		return;
	}
	snprintf(f->note, sizeof(f->note), "version from dpkg: %s %s", p->dpkg, debver);
}

static void find_version(struct detect *d, const struct locator *p, struct vmm_seen *f)
{
	if (p->marker) {
		version_from_marker(d, p, f);
		return;
	}
	/*
	 * A file dpkg installed has dpkg's version: reading it is cheaper than
	 * running the binary (QEMU's --version costs ~15 ms and 30 MiB).
	 */
	if (d->dpkg && p->dpkg && dpkg_owns(d->sr, p->dpkg, f->path)) {
		version_from_dpkg(d, p, f);
		if (f->version[0])
			return;
		f->note[0] = '\0';
	}
	if (d->exec && p->arg) {
		version_from_run(d, p, f);
		if (f->version[0])
			return;
	}
	if (d->dpkg && p->dpkg) {
		char why[128];

		snprintf(why, sizeof(why), "%s", f->note);
		version_from_dpkg(d, p, f);
		if (f->version[0])
			return;
		snprintf(f->note, sizeof(f->note), "%s", why);
	}
	if (f->note[0])
		return;
	if (!p->arg)
		snprintf(f->note, sizeof(f->note), "%s",
			 !strcmp(p->row, "solo5-hvt")
				 ? "not run: every Solo5 release behaves the same"
			 : !strcmp(p->row, "libvirt") ? "judged with the QEMU it runs"
						      : "not run");
	else
		snprintf(f->note, sizeof(f->note), "not run (%s)",
			 d->sr->live ? "running binaries not allowed" : "not the live host");
}

/* dir_bad: the directory cannot vouch for its files; skip without running. */
static void look_at(struct detect *d, const char *dir, const char *dir_bad, const struct locator *p)
{
	char path[256], why[64];
	struct vmm_seen *f;
	struct stat st;
	const char *bad;
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, p->file) >= sizeof(path))
		return;
	r = stat_below(d, path, &st);
	/*
	 * absent (a link leading out of the tree, to nothing inside it, too), or
	 * the deadline/a signal/EMFILE: nothing to say about this file
	 */
	if (r == -ENOENT || r == -ENOTDIR || r == -EXDEV || (r < 0 && errno_is_fault(r)))
		return;
	if (r == 0 && !first_sight(d, &st))
		return;
	bad = r < 0 ? stat_error(r) : dir_bad ? dir_bad : distrust(d, &st, true, why, sizeof(why));
	if (!bad)
		bad = real_dir_distrust(d, path);
	f = add_slot(d, p->row, path, bad != NULL);
	if (!f)
		return;
	if (bad) {
		skip(f, bad);
		return;
	}
	find_version(d, p, f);
}

/* ---- directories ------------------------------------------------------------- */

/*
 * A directory anyone but root can write to cannot vouch for its files.
 * Returns -ENOENT when there is nothing to scan (absent, or seen already as
 * another path: /bin is often /usr/bin), 0 with *bad set or NULL.
 */
static int check_dir(struct detect *d, const char *dir, const char **bad)
{
	struct stat st;

	*bad = NULL;
	if (!d->sr->live)
		return 0; /* a copied tree's modes say nothing about the host */
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || !first_sight(d, &st))
		return -ENOENT;
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		*bad = "in a group/world-writable directory";
	else if (d->check_owner && st.st_uid != 0)
		*bad = "in a directory not owned by root";
	return 0;
}

/* One EACCES for the directory, not one "skipped" per candidate name. */
static bool dir_searchable(const struct detect *d, const char *dir)
{
	DIR *dp;
	int fd;

	if (d->sr->live)
		return faccessat(AT_FDCWD, dir, X_OK, AT_EACCESS) == 0 || errno != EACCES;
	dp = sr_opendir(d->sr, dir);
	if (!dp)
		return errno != EACCES && errno != EPERM;
	fd = openat(dirfd(dp), ".", O_PATH | O_CLOEXEC);
	closedir(dp);
	if (fd >= 0)
		close(fd);
	return true;
}

static void scan_bin_dir(struct detect *d, const char *dir)
{
	const char *bad;

	if (check_dir(d, dir, &bad) < 0)
		return;
	if (!dir_searchable(d, dir)) {
		struct vmm_seen *f = add_slot(d, "unknown", dir, true);

		if (f)
			skip(f, "directory cannot be searched (permission)");
		return;
	}
	for (size_t i = 0; i < NLOCATORS; i++)
		look_at(d, dir, bad, &locators[i]);
}

/* libkrun.so.1.9.4 beats libkrun.so.1 (a symlink to it) and libkrun.so. */
static bool better_libkrun(const char *name, const char *best)
{
	char a[32] = "", b[32] = "";

	vmm_version_parse("libkrun", name, a, sizeof(a));
	vmm_version_parse("libkrun", best, b, sizeof(b));
	return vmm_version_cmp(a, b) > 0 || (!vmm_version_cmp(a, b) && strlen(a) > strlen(b));
}

static void add_libkrun(struct detect *d, const char *dir, const char *name)
{
	char path[256], why[64];
	struct vmm_seen *f;
	struct stat st;
	const char *bad;
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	r = stat_below(d, path, &st);
	if (r == 0 && !first_sight(d, &st))
		return;
	if (r < 0 && errno_is_fault(r))
		return;
	bad = r < 0 ? stat_error(r) : distrust(d, &st, false, why, sizeof(why));
	if (!bad)
		bad = real_dir_distrust(d, path);
	f = add_slot(d, "libkrun", path, bad != NULL);
	if (!f)
		return;
	if (bad) {
		skip(f, bad);
		return;
	}
	/* "" when the name carries none */
	vmm_version_parse("libkrun", name, f->version, sizeof(f->version));
	snprintf(f->note, sizeof(f->note), "version from the file name");
}

/*
 * libkrun by its SONAME link (libkrun.so.1 -> libkrun.so.1.9.4, made by the
 * package and ldconfig): a readlink per name instead of listing library
 * directories of thousands of files.
 */
static void scan_lib_dir(struct detect *d, const char *dir)
{
	static const char *const sonames[] = { "libkrun.so.1", "libkrun-sev.so.1" };
	char path[300], best[128] = "";

	for (size_t i = 0; i < sizeof(sonames) / sizeof(sonames[0]); i++) {
		static char target[256];
		const char *name = sonames[i], *base;
		ssize_t n = -1;

		snprintf(path, sizeof(path), "%s/%s", dir, sonames[i]);
		if (d->sr->live) {
			n = readlink(path, target, sizeof(target) - 1);
		} else {
			/* the directory opened inside the tree, the link read from there */
			DIR *dp = sr_opendir(d->sr, dir);

			if (dp) {
				n = readlinkat(dirfd(dp), sonames[i], target, sizeof(target) - 1);
				closedir(dp);
			}
		}
		if (n > 0) {
			target[n] = '\0';
			base = strrchr(target, '/');
			name = base ? base + 1 : target;
		} else if (stat_below(d, path, &(struct stat){ 0 }) < 0) {
			continue;
		}
		if (strlen(name) < sizeof(best) && (!best[0] || better_libkrun(name, best)))
			snprintf(best, sizeof(best), "%s", name);
	}
	if (best[0])
		add_libkrun(d, dir, best);
}

/* /usr/lib/aarch64-linux-gnu and friends: the multiarch triplets KVM hosts use. */
static void scan_multiarch(struct detect *d)
{
	static const char *const triplets[] = { "aarch64-linux-gnu", "x86_64-linux-gnu" };
	char sub[300];

	for (size_t i = 0; i < sizeof(triplets) / sizeof(triplets[0]); i++) {
		snprintf(sub, sizeof(sub), "/usr/lib/%s", triplets[i]);
		scan_lib_dir(d, sub);
	}
}

/* libvirt is judged with the QEMU it runs: lend it that QEMU's version. */
static void link_libvirt(struct detect *d)
{
	const struct vmm_seen *qemu = NULL;

	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->out[i].name, "qemu") && d->out[i].version[0] &&
		    (!qemu || strstr(d->out[i].path, "aarch64")))
			qemu = &d->out[i];
	for (int i = 0; i < d->n; i++) {
		struct vmm_seen *f = &d->out[i];

		if (strcmp(f->name, "libvirt") || f->skipped)
			continue;
		if (!qemu) {
			snprintf(f->note, sizeof(f->note),
				 "no QEMU version known to judge it with");
			continue;
		}
		snprintf(f->version, sizeof(f->version), "%s", qemu->version);
		snprintf(f->note, sizeof(f->note), "version of the QEMU it runs: %.90s",
			 qemu->path);
	}
}

static int detect_run(struct detect *d, const char *const *bin_dirs, const char *const *lib_dirs,
		      bool multiarch)
{
	d->deadline_ms = kic_now_ms() + (d->timeout_ms > 0 ? d->timeout_ms : 0);
	for (int i = 0; bin_dirs[i]; i++)
		scan_bin_dir(d, bin_dirs[i]);
	for (int i = 0; lib_dirs[i]; i++)
		scan_lib_dir(d, lib_dirs[i]);
	if (multiarch)
		scan_multiarch(d);
	link_libvirt(d);
	return d->n;
}

/* Both entry points: a root, where to look, and what may be done there. */
struct detect_args {
	const char *root;
	const char *const *bin_dirs, *const *lib_dirs;
	bool allow_exec;
	bool check_owner;
	bool owner_if_live; /* instead: check ownership exactly on the live host */
	bool dpkg, multiarch;
	int timeout_ms;
};

static int detect_in(const struct detect_args *a, struct vmm_seen *out, int max)
{
	struct sysroot sr;
	struct detect *d;
	int r;

	if (!out || max < 0)
		return -EINVAL;
	r = sr_open(&sr, a->root);
	if (r < 0)
		return r;
	d = calloc(1, sizeof(*d));
	if (!d) {
		sr_close(&sr);
		return -ENOMEM;
	}
	*d = (struct detect){ .sr = &sr,
			      .exec = a->allow_exec && sr.live,
			      .check_owner = a->owner_if_live ? sr.live : a->check_owner,
			      .dpkg = a->dpkg,
			      .timeout_ms = a->timeout_ms,
			      .out = out,
			      .max = max };
	r = detect_run(d, a->bin_dirs, a->lib_dirs, a->multiarch);
	free(d);
	sr_close(&sr);
	return r;
}

int vmm_detect(const char *sysroot, bool allow_exec, int timeout_ms, struct vmm_seen *out, int max)
{
	const struct detect_args a = { .root = sysroot,
				       .bin_dirs = trusted_bin_dirs,
				       .lib_dirs = trusted_lib_dirs,
				       .allow_exec = allow_exec,
				       .owner_if_live = true,
				       .dpkg = true,
				       .multiarch = true,
				       .timeout_ms = timeout_ms };

	if (!sysroot)
		return -EINVAL;
	return detect_in(&a, out, max);
}

int vmm_detect_dirs(const char *const *dirs, bool allow_exec, bool check_owner, int timeout_ms,
		    struct vmm_seen *out, int max)
{
	const struct detect_args a = { .root = "/",
				       .bin_dirs = dirs,
				       .lib_dirs = dirs,
				       .allow_exec = allow_exec,
				       .check_owner = check_owner,
				       .timeout_ms = timeout_ms };

	if (!dirs)
		return -EINVAL;
	return detect_in(&a, out, max);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test-only: linked into the sanitizer build (mk/sanitize.mk) of the tool and
 * its test programs. With KIC_FDCHECK set in the environment, it notes the
 * fds open when the program starts and, at exit, lists /proc/self/fd: any
 * other fd still open -- a /dev/kvm, VM or vCPU fd, a sysroot file, a pipe --
 * is reported on stderr (and, when KIC_FDCHECK names a directory, in
 * KIC_FDCHECK/fdcheck.<pid>, with the command line) and the program aborts,
 * or only reports with KIC_FDCHECK_REPORT_ONLY=1 (so a suite's own checks of
 * exit codes still run and the report is judged apart). Fds inherited from
 * the caller (a test harness's, make's jobserver) are not the program's to
 * close. Exits through _exit() or a fatal signal are not checked.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FDS 256

static struct {
	int fd;
	dev_t dev;
	ino_t ino;
} inherited[MAX_FDS];
static int ninherited, enabled;

static int open_fd_dir(DIR **d)
{
	*d = opendir("/proc/self/fd");
	return *d ? dirfd(*d) : -1;
}

__attribute__((constructor(101))) static void fdcheck_start(void)
{
	struct dirent *e;
	DIR *d;
	int self;

	if (!getenv("KIC_FDCHECK"))
		return;
	self = open_fd_dir(&d);
	if (self < 0)
		return;
	enabled = 1;
	while ((e = readdir(d)) != NULL && ninherited < MAX_FDS) {
		int fd = atoi(e->d_name);
		struct stat st;

		if (e->d_name[0] == '.' || fd == self || fstat(fd, &st) < 0)
			continue;
		inherited[ninherited].fd = fd;
		inherited[ninherited].dev = st.st_dev;
		inherited[ninherited].ino = st.st_ino;
		ninherited++;
	}
	closedir(d);
}

static int was_inherited(int fd, const struct stat *st)
{
	for (int i = 0; i < ninherited; i++)
		if (inherited[i].fd == fd && inherited[i].dev == st->st_dev &&
		    inherited[i].ino == st->st_ino)
			return 1;
	return 0;
}

static void report(const char *msg)
{
	const char *dir = getenv("KIC_FDCHECK");
	char path[PATH_MAX];
	int fd;
	size_t len = strlen(msg);

	if (write(STDERR_FILENO, msg, len) < 0) {
		/* nothing more to do */
	}
	if (!dir || !*dir || strcmp(dir, "1") == 0)
		return;
	snprintf(path, sizeof(path), "%s/fdcheck.%d", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, msg, len) < 0) {
			/* the stderr copy stands */
		}
		close(fd);
	}
}

/* The command line, arguments joined by spaces. */
static void cmdline(char *buf, size_t len)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i + 1 < n; i++)
		if (!buf[i])
			buf[i] = ' ';
}

__attribute__((destructor(101))) static void fdcheck_end(void)
{
	char msg[4096], link[PATH_MAX], cmd[1024];
	const char *ro = getenv("KIC_FDCHECK_REPORT_ONLY");
	struct dirent *e;
	size_t off = 0;
	int self, leaks = 0;
	ssize_t n;
	DIR *d;

	if (!enabled)
		return;
	cmdline(cmd, sizeof(cmd));
	self = open_fd_dir(&d);
	if (self < 0)
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		char name[32];
		struct stat st;

		if (e->d_name[0] == '.' || fd == self || fd <= STDERR_FILENO ||
		    fstat(fd, &st) < 0 || was_inherited(fd, &st))
			continue;
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		n = readlink(name, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (!leaks++)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off,
						"fdcheck: %s (pid %d) exits with fds open:", cmd,
						(int)getpid());
		if (off < sizeof(msg) - 1)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, " %d -> %s;", fd, link);
	}
	closedir(d);
	if (!leaks)
		return;
	if (off >= sizeof(msg) - 1)
		off = sizeof(msg) - 2;
	msg[off++] = '\n';
	msg[off] = '\0';
	report(msg);
	if (!ro || strcmp(ro, "1"))
		abort();
}

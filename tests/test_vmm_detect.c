// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding VMMs: stand-in executables in temporary directories print real
 * version strings, and hostile ones hang, flood, are not executable, are
 * world-writable or loop. The tool never runs a shell itself; these stand-ins
 * are #! scripts the test writes. Also an offline tree (no exec; dpkg, the
 * kvmtool marker, libkrun's file name) through the public vmm_detect().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "vmm_detect.h"

#define MAXF 32

static char dir_good[64], dir_hang[64], tree[64];

static void put(const char *dir, const char *name, mode_t mode, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
}

static void mkdirs(const char *root, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	mkdir(path, 0755);
}

static bool exists(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static const struct vmm_seen *find(const struct vmm_seen *f, int n, const char *name,
				    const char *file)
{
	for (int i = 0; i < n; i++) {
		const char *slash = strrchr(f[i].path, '/');

		if (!strcmp(f[i].name, name) && (!file || (slash && !strcmp(slash + 1, file))))
			return &f[i];
	}
	return NULL;
}

static int count(const struct vmm_seen *f, int n, const char *name)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += !strcmp(f[i].name, name);
	return c;
}

static bool no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* Gone, or a zombie waiting for its new parent: either way not running. */
static bool dead(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	bool z = false;

	for (int i = 0; i < 100; i++) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		f = fopen(path, "re");
		if (f && fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');

			z = p && p[1] == ' ' && p[2] == 'Z';
		}
		if (f)
			fclose(f);
		if (z)
			return true;
		usleep(20000);
	}
	return false;
}

static void make_good_dir(void)
{
	char s[1024];

	/* This host's qemu-system-arm 1:7.2+dfsg-7+deb12u18+b3 prints this. */
	snprintf(s, sizeof(s),
		 "#!/bin/sh\ntouch %s/ran.qemu\n"
		 "echo 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)'\n"
		 "echo 'Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers'\n",
		 dir_good);
	put(dir_good, "qemu-system-aarch64", 0755, s);
	put(dir_good, "firecracker", 0755,
	    "#!/bin/sh\nprintf 'Firecracker v1.7.0\\n\\nSupported snapshot data format "
	    "versions: v1.0.0\\n'\n");
	/* runsc prints its version on stderr here: both streams are captured. */
	put(dir_good, "runsc", 0755,
	    "#!/bin/sh\necho 'runsc version release-20240513.0' >&2\necho 'spec: 1.1.0-rc.1' "
	    ">&2\n");
	/* crosvm checks how it was started: argv, environment, stdin, leaked fds. */
	put(dir_good, "crosvm", 0755,
	    "#!/bin/sh\n"
	    "[ \"$#\" = 1 ] && [ \"$1\" = version ] || { echo \"argv: $*\"; exit 3; }\n"
	    "[ \"$PATH\" = /usr/sbin:/usr/bin:/sbin:/bin ] && [ \"$LC_ALL\" = C ] || "
	    "{ echo env; exit 3; }\n"
	    "[ -z \"$HOME\" ] && [ -z \"$KIC_SECRET\" ] || { echo 'env leaked'; exit 3; }\n"
	    "[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] || { echo stdin; exit 3; }\n"
	    "[ -e /proc/$$/fd/47 ] && { echo 'fd 47 leaked'; exit 3; }\n"
	    "case \"$(readlink /proc/$$/fd/2)\" in pipe:*) ;; *) echo stderr; exit 3;; esac\n"
	    "echo 'crosvm 0.1.0'\n");
	/* A GB-scale flood: must be cut off, not read to the end. */
	put(dir_good, "qemu-kvm", 0755, "#!/bin/sh\nexec yes 'QEMU emulator version 1.2.3'\n");
	/* Never to be run or trusted. */
	snprintf(s, sizeof(s), "#!/bin/sh\ntouch %s/ran.ww\necho 'QEMU emulator version 9.9.9'\n",
		 dir_good);
	put(dir_good, "qemu-system-x86_64", 0777, s);
	snprintf(s, sizeof(s), "#!/bin/sh\ntouch %s/ran.noexec\n", dir_good);
	put(dir_good, "solo5-hvt", 0644, s);
	/* A symlink loop. */
	char a[128], b[128];

	snprintf(a, sizeof(a), "%s/libvirtd", dir_good);
	snprintf(b, sizeof(b), "%s/virtqemud", dir_good);
	if (symlink("virtqemud", a) < 0 || symlink("libvirtd", b) < 0)
		perror("symlink");
	/* libkrun: a library, versioned by its name; the .so.1 link is the same file. */
	put(dir_good, "libkrun.so.1.9.4", 0644,
	    "\x7f"
	    "ELF");
	snprintf(a, sizeof(a), "%s/libkrun.so.1", dir_good);
	if (symlink("libkrun.so.1.9.4", a) < 0)
		perror("symlink");
}

static void test_good_dir(void)
{
	const char *const dirs[] = { dir_good, NULL };
	struct vmm_seen f[MAXF];
	const struct vmm_seen *e;
	long t0, took;
	int n, leak;

	/* What the child must not inherit. */
	setenv("KIC_SECRET", "1", 1);
	leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	if (leak < 0 || dup2(leak, 47) < 0)
		perror("dup2");
	close(leak);

	t0 = kic_now_ms();
	n = vmm_detect_dirs(dirs, true, false, 10000, f, MAXF);
	took = kic_now_ms() - t0;
	close(47);
	ok(n > 0, "found VMMs in the stand-in directory (%d)", n);
	ok(took < 5000, "the flood did not eat the budget (%ld ms)", took);
	ok(no_children(), "no child left unreaped");

	e = find(f, n, "qemu", "qemu-system-aarch64");
	ok(e && e->version[0] && !strcmp(e->version, "7.2.22") && !e->skipped,
	   "QEMU 7.2.22 from --version");
	e = find(f, n, "firecracker", NULL);
	ok(e && e->version[0] && !strcmp(e->version, "1.7.0"), "Firecracker v1.7.0");
	e = find(f, n, "gvisor", "runsc");
	ok(e && e->version[0] && !strcmp(e->version, "20240513.0"), "runsc version on stderr");
	e = find(f, n, "crosvm", NULL);
	ok(e && e->version[0] && !strcmp(e->version, "0.1.0"),
	   "crosvm: fixed argv and env, stdin /dev/null, no leaked fd (%s)", e ? e->note : "-");

	e = find(f, n, "qemu", "qemu-kvm");
	ok(e && !e->version[0] && strstr(e->note, "64 KiB") && strstr(e->note, "killed"),
	   "flood: killed, version unknown (%s)", e ? e->note : "-");
	e = find(f, n, "qemu", "qemu-system-x86_64");
	ok(e && e->skipped && strstr(e->note, "world-writable") && !e->version[0],
	   "world-writable: skipped (%s)", e ? e->note : "-");
	ok(!exists(dir_good, "ran.ww"), "world-writable binary never ran");
	e = find(f, n, "solo5-hvt", NULL);
	ok(e && e->skipped && strstr(e->note, "not executable"), "mode 0644: skipped (%s)",
	   e ? e->note : "-");
	ok(!exists(dir_good, "ran.noexec"), "non-executable file never ran");
	e = find(f, n, "libvirt", "libvirtd");
	ok(e && e->skipped && strstr(e->note, "symlink loop"), "symlink loop: skipped (%s)",
	   e ? e->note : "-");
	e = find(f, n, "libkrun", NULL);
	ok(e && e->version[0] && !strcmp(e->version, "1.9.4"), "libkrun.so.1.9.4 by name");
	is_int(count(f, n, "libkrun"), 1, "libkrun.so.1 -> libkrun.so.1.9.4 counted once");
}

static void test_no_exec(void)
{
	const char *const dirs[] = { dir_good, NULL };
	struct vmm_seen f[MAXF];
	const struct vmm_seen *e;
	char path[128];
	int n;

	snprintf(path, sizeof(path), "%s/ran.qemu", dir_good);
	unlink(path);
	n = vmm_detect_dirs(dirs, false, false, 10000, f, MAXF);
	e = find(f, n, "qemu", "qemu-system-aarch64");
	ok(e && !e->version[0] && strstr(e->note, "not allowed"),
	   "no exec: version unknown (%s)", e ? e->note : "-");
	ok(!exists(dir_good, "ran.qemu"), "no exec: nothing ran");
	is_int(vmm_detect_dirs(dirs, false, false, 0, f, 3), 3, "at most max entries");
}

static void test_hang(void)
{
	const char *const dirs[] = { dir_hang, NULL };
	struct vmm_seen f[MAXF];
	const struct vmm_seen *e;
	char s[512], path[128];
	int pids[2] = { 0, 0 }, n, got;
	long t0, took;
	FILE *pf;

	snprintf(s, sizeof(s), "#!/bin/sh\nsleep 1000 &\necho $$ $! > %s/hang.pid\nwait\n",
		 dir_hang);
	put(dir_hang, "cloud-hypervisor", 0755, s);
	t0 = kic_now_ms();
	n = vmm_detect_dirs(dirs, true, false, 400, f, MAXF);
	took = kic_now_ms() - t0;
	e = find(f, n, "cloud-hypervisor", NULL);
	ok(e && !e->version[0] && strstr(e->note, "killed"),
	   "hang: killed, version unknown (%s)", e ? e->note : "-");
	ok(took >= 350 && took < 3000, "hang: killed at the 400 ms deadline (%ld ms)", took);
	ok(no_children(), "hang: no zombie left");
	snprintf(path, sizeof(path), "%s/hang.pid", dir_hang);
	pf = fopen(path, "re");
	got = pf ? fscanf(pf, "%d %d", &pids[0], &pids[1]) : 0;
	if (pf)
		fclose(pf);
	is_int(got, 2, "hang: stand-in wrote its pids");
	ok(pids[0] > 0 && dead(pids[0]), "hang: the stand-in is gone");
	ok(pids[1] > 0 && dead(pids[1]), "hang: and so is what it forked");
}

/* Directories and files that are not root's, or writable by others. */
static void test_trust(void)
{
	const char *const dirs[] = { dir_good, NULL };
	struct vmm_seen f[MAXF];
	const struct vmm_seen *e;
	char path[128], s[128];
	int n;

	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "%s/firecracker", dir_good);
		is_int(chown(path, 1, 1), 0, "chown a stand-in to uid 1");
		n = vmm_detect_dirs(dirs, true, true, 5000, f, MAXF);
		e = find(f, n, "firecracker", NULL);
		ok(e && e->skipped && strstr(e->note, "uid 1"), "not root's: skipped (%s)",
		   e ? e->note : "-");
		e = find(f, n, "qemu", "qemu-system-aarch64");
		ok(e && !e->skipped, "root's own file still trusted");
	} else {
		n = vmm_detect_dirs(dirs, true, true, 5000, f, MAXF);
		e = find(f, n, "qemu", "qemu-system-aarch64");
		ok(e && e->skipped && strstr(e->note, "not owned by root"),
		   "a directory not root's vouches for nothing (%s)", e ? e->note : "-");
		ok(1, "(not root: chown case skipped)");
		ok(1, "(not root: chown case skipped)");
	}
	chmod(dir_good, 0777);
	snprintf(path, sizeof(path), "%s/ran.qemu", dir_good);
	unlink(path);
	n = vmm_detect_dirs(dirs, true, false, 5000, f, MAXF);
	chmod(dir_good, 0755);
	e = find(f, n, "qemu", "qemu-system-aarch64");
	ok(e && e->skipped && strstr(e->note, "writable directory"),
	   "world-writable directory: skipped (%s)", e ? e->note : "-");
	ok(!exists(dir_good, "ran.qemu"), "nothing ran from a world-writable directory");
	ok(no_children(), "no child left unreaped");

	/* A link from a trusted directory into a writable one. */
	snprintf(path, sizeof(path), "%s/cloud-hypervisor", dir_good);
	put(dir_hang, "ch-real", 0755, "#!/bin/sh\necho 'cloud-hypervisor v16.0'\n");
	snprintf(s, sizeof(s), "%s/ch-real", dir_hang);
	if (symlink(s, path) < 0)
		perror("symlink");
	chmod(dir_hang, 0777);
	n = vmm_detect_dirs(dirs, true, false, 5000, f, MAXF);
	chmod(dir_hang, 0755);
	unlink(path);
	e = find(f, n, "cloud-hypervisor", NULL);
	ok(e && e->skipped && strstr(e->note, "links into"),
	   "symlink into a world-writable directory: skipped (%s)", e ? e->note : "-");
}

static void make_tree(void)
{
	static const char status[] =
		"Package: qemu-system-x86\nStatus: deinstall ok config-files\n"
		"Version: 1:5.2+dfsg-11\n\n"
		"Package: qemu-system-arm\nStatus: install ok installed\nPriority: optional\n"
		"Description: QEMU full system emulation binaries (arm)\n"
		"Version: 1:7.2+dfsg-7+deb12u18+b3\n";
	char s[256], a[256];

	mkdirs(tree, "usr/bin");
	mkdirs(tree, "usr/sbin");
	mkdirs(tree, "usr/local/bin");
	mkdirs(tree, "usr/lib/aarch64-linux-gnu");
	mkdirs(tree, "var/lib/dpkg");
	put(tree, "var/lib/dpkg/status", 0644, status);
	/* Not run offline even when exec is allowed. */
	snprintf(s, sizeof(s), "#!/bin/sh\ntouch %s/ran\necho 'QEMU emulator version 1.0.0'\n",
		 tree);
	put(tree, "usr/bin/qemu-system-aarch64", 0755, s);
	put(tree, "usr/bin/cloud-hypervisor", 0755, s);
	/* usr-merged: /bin is /usr/bin, seen once. */
	snprintf(a, sizeof(a), "%s/bin", tree);
	if (symlink("usr/bin", a) < 0)
		perror("symlink");
	put(tree, "usr/sbin/lkvm", 0755,
	    "\x7f"
	    "ELF....die: Memory too large for this system (needs %d bits, %d available)..");
	put(tree, "usr/local/bin/lkvm", 0755,
	    "\x7f"
	    "ELF....  Error: KVM_CREATE_VM ioctl....");
	put(tree, "usr/sbin/libvirtd", 0755,
	    "\x7f"
	    "ELF");
	put(tree, "usr/lib/aarch64-linux-gnu/libkrun.so.1.9.4", 0644,
	    "\x7f"
	    "ELF");
	/* the SONAME link the package ships: what detection reads, not a listing */
	snprintf(a, sizeof(a), "%s/usr/lib/aarch64-linux-gnu/libkrun.so.1", tree);
	if (symlink("libkrun.so.1.9.4", a) < 0)
		perror("symlink");
	/* An absolute symlink resolves inside the tree, not on this host. */
	put(tree, "usr/local/bin/fc-real", 0755,
	    "\x7f"
	    "ELF");
	snprintf(a, sizeof(a), "%s/usr/bin/firecracker", tree);
	if (symlink("/usr/local/bin/fc-real", a) < 0)
		perror("symlink");
	/* One that would escape to this host's /etc/passwd stays in the tree. */
	snprintf(a, sizeof(a), "%s/usr/bin/crosvm", tree);
	if (symlink("../../../../../../../../etc/passwd", a) < 0)
		perror("symlink");
}

static bool has_openat2(void)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_DIRECTORY };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static void test_tree(void)
{
	struct vmm_seen f[MAXF];
	const struct vmm_seen *e;
	int n;

	make_tree();
	n = vmm_detect(tree, true, 5000, f, MAXF);
	ok(n > 0, "offline tree: found VMMs (%d)", n);
	ok(!exists(tree, "ran"), "offline tree: nothing ran though exec was allowed");
	e = find(f, n, "qemu", "qemu-system-aarch64");
	ok(e && e->version[0] && !strcmp(e->version, "7.2.7") && strstr(e->note, "dpkg") &&
		   !strcmp(e->path, "/usr/bin/qemu-system-aarch64"),
	   "QEMU version from dpkg (deb12u18 carries 7.2.7+), path as on the host (%s %s)",
	   e ? e->version : "-", e ? e->path : "-");
	is_int(count(f, n, "qemu"), 1, "/bin and /usr/bin are one directory");
	e = find(f, n, "cloud-hypervisor", NULL);
	ok(e && !e->version[0] && strstr(e->note, "not the live host"),
	   "offline, no dpkg entry: version unknown (%s)", e ? e->note : "-");
	e = find(f, n, "kvmtool", NULL);
	ok(e && !strcmp(e->path, "/usr/sbin/lkvm") && e->version[0] &&
		   !strcmp(e->version, "20210831"),
	   "kvmtool dated by its \"Memory too large\" string");
	ok(f[n - 1].name[0], "entries filled");
	{
		int seen = 0;

		for (int i = 0; i < n; i++)
			if (!strcmp(f[i].name, "kvmtool") &&
			    !strcmp(f[i].path, "/usr/local/bin/lkvm")) {
				seen = 1;
				ok(f[i].version[0] && !strcmp(f[i].version, "<20210831") &&
					   strstr(f[i].note, "before"),
				   "kvmtool without the string: built before 2021-08-31 (%s)",
				   f[i].note);
			}
		ok(seen, "second kvmtool found");
	}
	e = find(f, n, "libvirt", NULL);
	ok(e && e->version[0] && !strcmp(e->version, "7.2.7") && strstr(e->note, "QEMU"),
	   "libvirt takes its QEMU's version");
	e = find(f, n, "libkrun", NULL);
	ok(e && !strcmp(e->version, "1.9.4") &&
		   !strcmp(e->path, "/usr/lib/aarch64-linux-gnu/libkrun.so.1.9.4"),
	   "libkrun in a multiarch directory");
	/* Without openat2 (pre-5.6, valgrind) sysroot.c falls back to openat. */
	if (has_openat2()) {
		e = find(f, n, "firecracker", NULL);
		ok(e && !e->skipped, "absolute symlink resolved inside the tree");
		ok(!find(f, n, "crosvm", NULL), "a symlink out of the tree finds nothing");
	} else {
		ok(1, "# SKIP no openat2: symlinks are not confined to the tree");
		ok(1, "# SKIP no openat2: symlinks are not confined to the tree");
	}
	is_int(vmm_detect("/nonexistent-kic", false, 100, f, MAXF), -ENOENT, "missing sysroot");
	is_int(vmm_detect(NULL, false, 100, f, MAXF), -EINVAL, "NULL sysroot");
}

static void test_run_version(void)
{
	char out[64], path[128];
	int saved, r;
	long t0, took;

	put(dir_hang, "exit5", 0755, "#!/bin/sh\necho five\nexit 5\n");
	snprintf(path, sizeof(path), "%s/exit5", dir_hang);
	is_int(vmm_run_version(path, "--version", 2000, out, sizeof(out)), 5, "exit status");
	is_str(out, "five\n", "output kept");
	is_int(vmm_run_version(path, "--version", 2000, out, 4), 5, "small buffer");
	is_str(out, "fiv", "output cut to the buffer");
	snprintf(path, sizeof(path), "%s/absent", dir_hang);
	is_int(vmm_run_version(path, "--version", 2000, out, sizeof(out)), 127,
	       "missing binary: exit 127 from the child");
	snprintf(path, sizeof(path), "%s/cloud-hypervisor", dir_hang);
	t0 = kic_now_ms();
	is_int(vmm_run_version(path, "--version", 0, out, sizeof(out)), -ETIMEDOUT,
	       "zero budget: -ETIMEDOUT");
	took = kic_now_ms() - t0;
	ok(took < 2000, "zero budget: at once (%ld ms)", took);
	ok(no_children(), "zero budget: reaped");

	/* With stdin and stdout closed the pipe lands on fds 0-2: still correct. */
	put(dir_hang, "stdio", 0755,
	    "#!/bin/sh\n[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] && echo 'stdin ok'\n");
	snprintf(path, sizeof(path), "%s/stdio", dir_hang);
	fflush(stdout);
	saved = dup(1);
	close(0);
	close(1);
	r = vmm_run_version(path, "--version", 2000, out, sizeof(out));
	dup2(saved, 1);
	close(saved);
	open("/dev/null", O_RDONLY); /* fd 0 again */
	is_int(r, 0, "closed stdio in the caller: runs");
	is_str(out, "stdin ok\n", "closed stdio in the caller: child's stdin is /dev/null");
}

static void test_debian(void)
{
	static const char *const t[][2] = {
		{ "1:7.2+dfsg-7+deb12u18+b3", "7.2.7" }, { "1:7.2+dfsg-7+deb12u3", "7.2.7" },
		{ "1:7.2+dfsg-7+deb12u2", "7.2" },	 { "1:10.0.13+ds-0+deb13u1", "10.0.13" },
		{ "1:8.2.2+ds-0ubuntu1.4", "8.2.2" },	 { "1:6.2+dfsg-2ubuntu6.15", "6.2" },
	};
	char out[32];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		is_int(vmm_debian_qemu_version(t[i][0], out, sizeof(out)), 0, "debian %s", t[i][0]);
		is_str(out, t[i][1], "upstream of %s", t[i][0]);
	}
	is_int(vmm_debian_qemu_version("1:+dfsg", out, sizeof(out)), -EINVAL, "no number");
	is_int(vmm_debian_qemu_version(NULL, out, sizeof(out)), -EINVAL, "NULL");
}

static void cleanup(void)
{
	char cmd[256];

	/* Test scaffolding only: the tool itself never runs a shell. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s'", dir_good, dir_hang, tree);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup failed\n");
}

int main(void)
{
	snprintf(dir_good, sizeof(dir_good), "/tmp/kic-vmmd-good-XXXXXX");
	snprintf(dir_hang, sizeof(dir_hang), "/tmp/kic-vmmd-hang-XXXXXX");
	snprintf(tree, sizeof(tree), "/tmp/kic-vmmd-tree-XXXXXX");
	if (!mkdtemp(dir_good) || !mkdtemp(dir_hang) || !mkdtemp(tree)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(dir_good, 0755);
	chmod(dir_hang, 0755);
	signal(SIGPIPE, SIG_IGN); /* as a caller might have it */
	make_good_dir();
	test_good_dir();
	test_no_exec();
	test_hang();
	test_trust();
	test_tree();
	test_run_version();
	test_debian();
	cleanup();
	return done_testing();
}

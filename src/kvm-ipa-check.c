// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvm-ipa-check: will the VMMs on this host work, fail or hang, and why.
 *
 *   host facts (facts.c, devinfo.c, vmm_detect.c)
 *     -> KVM probes (probe*.c) -> assessment (assess.c, vmm.c) -> report (report.c)
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>
#include <unistd.h>

#include "assess.h"
#include "facts.h"
#include "parse.h"
#include "probe.h"
#include "report.h"
#include "sosreport.h"
#include "sysroot.h"
#include "vmm.h"

#ifndef KIC_VERSION
#define KIC_VERSION "0.1.0"
#endif

#define EXIT_USAGE 64 /* EX_USAGE, argp's own default */
#define EXIT_IOERR 74 /* EX_IOERR: the report could not be written (3 with --nagios) */

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static const char *arg_sysroot = "/";
static bool arg_no_probe;
static bool arg_no_default_probe;
static bool arg_no_run;
static bool arg_no_exec;
static long arg_timeout_ms = 5000;
static enum report_format arg_format = FMT_TEXT;
static const char *arg_format_opt; /* the option that chose arg_format, NULL: text */
static const char *arg_output;
static bool arg_quiet;
static bool arg_map;
static bool arg_verbose;
static enum color_when arg_color = COLOR_AUTO;
static struct whatif arg_whatif;

const char *argp_program_version = "kvm-ipa-check " KIC_VERSION;

enum {
	OPT_NO_DEFAULT_PROBE = 0x100,
	OPT_NO_RUN,
	OPT_NAGIOS,
	OPT_PROMETHEUS,
	OPT_COLOR,
	OPT_VMM,
	OPT_KERNEL,
	OPT_IPA_LIMIT,
	OPT_NO_EXEC,
	OPT_MAP,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "What to measure:", 1 },
	{ "sysroot", 's', "DIR", 0,
	  "Read host facts below DIR (a copied tree, e.g. a sosreport); implies --no-probe and "
	  "--no-exec unless DIR is /",
	  0 },
	{ "no-probe", 'n', NULL, 0, "Do not open /dev/kvm; report facts and predictions only", 0 },
	{ "no-default-probe", OPT_NO_DEFAULT_PROBE, NULL, 0,
	  "Skip only the type-0 (default IPA) VM probe, which on a <40-bit host spends the "
	  "kernel's once-per-boot warning",
	  0 },
	{ "no-run", OPT_NO_RUN, NULL, 0, "Skip the vCPU run probe", 0 },
	{ "no-exec", OPT_NO_EXEC, NULL, 0, "Never run VMM binaries to learn their versions", 0 },
	{ "timeout", 't', "SECONDS", 0,
	  "Budget for the whole run (default 5, decimals allowed, 0.1..600); the vCPU run "
	  "watchdog is 1 s or a fifth of the budget if longer, never past the deadline",
	  0 },
	{ NULL, 0, NULL, 0, "What-if (predictions, marked as such):", 2 },
	{ "vmm", OPT_VMM, "NAME[=VERSION]", 0,
	  "Judge this VMM (and version) as if installed; repeatable", 0 },
	{ "kernel", OPT_KERNEL, "VERSION", 0,
	  "Predict the type-0 behaviour of another kernel release on this host's limit or "
	  "--ipa-limit's (needed on a non-arm64 host)",
	  0 },
	{ "ipa-limit", OPT_IPA_LIMIT, "BITS", 0,
	  "Judge as if the host's IPA limit were BITS (32..52); on a non-arm64 host, judge an "
	  "arm64 host with this limit",
	  0 },
	{ NULL, 0, NULL, 0,
	  "Output (one format; --quiet, --verbose, --map, --color: text only):", 3 },
	{ "json", 'j', NULL, 0, "JSON output", 0 },
	{ "nagios", OPT_NAGIOS, NULL, 0, "Monitoring-plugins output: one status line with perfdata",
	  0 },
	{ "prometheus", OPT_PROMETHEUS, NULL, 0, "node_exporter textfile collector format", 0 },
	{ "output", 'o', "FILE", 0,
	  "Write the report to FILE atomically (temp file + rename, mode and owner kept) "
	  "instead of stdout (- is stdout); symlinks, FIFOs, directories, files in /proc, "
	  "/sys and other kernel file systems, and devices other than /dev/null, /dev/full "
	  "and terminals are refused",
	  0 },
	{ "quiet", 'q', NULL, 0, "Print only the verdict line", 0 },
	{ "verbose", 'v', NULL, 0,
	  "Also print every probe (each IPA size, each memslot) and the evidence table", 0 },
	{ "map", OPT_MAP, NULL, 0,
	  "Draw each judged VMM's memory map against the IPA limit (text report; --verbose "
	  "draws it too; JSON always has vmms[].regions)",
	  0 },
	{ "color", OPT_COLOR, "WHEN", OPTION_ARG_OPTIONAL,
	  "Colour the text report: auto (default: only on a terminal and when NO_COLOR is "
	  "unset), always, never",
	  0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char doc[] =
	"Will the VMMs on this host work, fail or hang, and why: measures KVM's guest IPA "
	"(physical address) size handling on arm64 and reports it.\v"
	"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; usage errors 64 (3 with --nagios).";

static int parse_vmm_opt(const char *arg, struct argp_state *state)
{
	struct whatif *w = &arg_whatif;

	if (w->nvmms >= KIC_MAX_VMMS)
		argp_error(state, "too many --vmm options (at most %d)", KIC_MAX_VMMS);
	if (parse_vmm_arg(arg, w->vmms[w->nvmms].name, sizeof(w->vmms[0].name),
			  w->vmms[w->nvmms].version, sizeof(w->vmms[0].version)))
		argp_error(state, "--vmm: expected NAME[=VERSION], got '%s'", arg);
	if (!vmm_lookup(w->vmms[w->nvmms].name))
		argp_error(state, "--vmm: unknown VMM '%s' (known: %s)", w->vmms[w->nvmms].name,
			   vmm_known_names());
	w->nvmms++;
	return 0;
}

/*
 * One output format per run: "--json --nagios" is refused, never "last
 * wins". The same option twice is no conflict.
 */
static void set_format(struct argp_state *state, enum report_format fmt, const char *opt)
{
	if (arg_format_opt && strcmp(arg_format_opt, opt))
		argp_error(state, "%s and %s: give one output format", arg_format_opt, opt);
	arg_format_opt = opt;
	arg_format = fmt;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct kver kv;
	long v;

	switch (key) {
	case 's':
		arg_sysroot = arg;
		break;
	case 'n':
		arg_no_probe = true;
		break;
	case OPT_NO_DEFAULT_PROBE:
		arg_no_default_probe = true;
		break;
	case OPT_NO_RUN:
		arg_no_run = true;
		break;
	case OPT_NO_EXEC:
		arg_no_exec = true;
		break;
	case 't':
		if (parse_seconds(arg, &arg_timeout_ms))
			argp_error(state,
				   "--timeout: expected seconds between 0.1 and 600, got '%s'",
				   arg);
		break;
	case OPT_VMM:
		return parse_vmm_opt(arg, state);
	case OPT_KERNEL:
		/* A second value would silently replace the first. */
		if (arg_whatif.kernel[0])
			argp_error(state, "--kernel given twice ('%s', '%s')", arg_whatif.kernel,
				   arg);
		if (parse_kernel_version(arg, &kv) || strlen(arg) >= sizeof(arg_whatif.kernel))
			argp_error(state, "--kernel: expected a release like 5.10.24, got '%s'",
				   arg);
		snprintf(arg_whatif.kernel, sizeof(arg_whatif.kernel), "%s", arg);
		break;
	case OPT_IPA_LIMIT:
		if (arg_whatif.ipa_limit.state == IPA_KNOWN)
			argp_error(state, "--ipa-limit given twice (%d, '%s')",
				   arg_whatif.ipa_limit.bits, arg);
		if (parse_int_range(arg, 32, 52, &v))
			argp_error(state, "--ipa-limit: expected bits between 32 and 52, got '%s'",
				   arg);
		arg_whatif.ipa_limit = ipa_known((int)v);
		break;
	case 'j':
		set_format(state, FMT_JSON, "--json");
		break;
	case OPT_NAGIOS:
		set_format(state, FMT_NAGIOS, "--nagios");
		break;
	case OPT_PROMETHEUS:
		set_format(state, FMT_PROMETHEUS, "--prometheus");
		break;
	case 'o':
		/* "-" is standard output, as for most tools; "" names nothing */
		if (!*arg)
			argp_error(state, "--output: empty file name (give FILE, or - for stdout)");
		arg_output = strcmp(arg, "-") ? arg : NULL;
		break;
	case 'q':
		arg_quiet = true;
		break;
	case 'v':
		arg_verbose = true;
		break;
	case OPT_MAP:
		arg_map = true;
		break;
	case OPT_COLOR:
		if (!arg || !strcmp(arg, "auto"))
			arg_color = COLOR_AUTO;
		else if (!strcmp(arg, "always"))
			arg_color = COLOR_ALWAYS;
		else if (!strcmp(arg, "never"))
			arg_color = COLOR_NEVER;
		else
			argp_error(state, "--color: expected auto, always or never, got '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		/* "only the verdict line" and "also every probe" cannot both hold */
		if (arg_quiet && arg_verbose)
			argp_error(state, "--quiet and --verbose: give one of them");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void on_stop_signal(int sig)
{
	probe_stop = sig ? sig : 1; /* which one, for the report's reason */
}

/*
 * The handlers run on a stack of their own: a signal arriving at the deepest
 * call would otherwise push its frame (the CPU's register state,
 * AT_MINSIGSTKSZ: 2 to 11 KiB by the CPU) past a small RLIMIT_STACK, a
 * SIGSEGV at a random point. Untouched pages of it cost nothing.
 */
static char signal_stack[64 * 1024];
static bool signal_stack_used;

static void install_signals(void)
{
	stack_t ss = { .ss_sp = signal_stack, .ss_size = sizeof(signal_stack) };
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_ONSTACK };

	/*
	 * No SA_RESTART: a blocked KVM_RUN or poll() must return so we can clean
	 * up. SIGHUP and SIGQUIT too: their default would leave VMs half probed
	 * and a temp file beside --output; every stage checks the flag.
	 */
	signal_stack_used = sigaltstack(&ss, NULL) == 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	const char *term = getenv("TERM");

	if (arg_color != COLOR_AUTO)
		return arg_color == COLOR_ALWAYS;
	/* TERM=dumb (Emacs shell, some CI logs) and no TERM understand no escapes */
	return !(nc && *nc) && term && *term && strcmp(term, "dumb") && !arg_output &&
	       isatty(STDOUT_FILENO);
}

/*
 * A fifth of the --timeout budget, clamped to [lo, hi] ms: the watchdog takes
 * at least 1 s (a slow guest is not a hang), the VMM version runs at most 1 s
 * in all (the probes keep their time).
 */
static long budget_fifth(long lo, long hi)
{
	long ms = arg_timeout_ms / 5;

	return ms < lo ? lo : ms > hi ? hi : ms;
}

static void run_probes(const struct host_facts *f, struct kvm_obs *obs, long deadline)
{
	struct probe_opts po = {
		.default_probe = !arg_no_default_probe,
		.run = !arg_no_run,
		.deadline_ms = deadline,
		.watchdog_ms = budget_fifth(1000, LONG_MAX),
		.payload = PAYLOAD_MMIO,
	};

	/* Measured earlier on the bundle's host (sosreport.c), or said why not. */
	if (obs->probed || obs->skip_reason[0])
		return;
	obs->ipa_limit = IPA_LIMIT_UNKNOWN;
	if (!f->live) {
		snprintf(obs->skip_reason, sizeof(obs->skip_reason),
			 "offline tree (--sysroot): nothing was measured");
	} else if (arg_no_probe) {
		snprintf(obs->skip_reason, sizeof(obs->skip_reason), "--no-probe given");
	} else if (f->dev_known && !f->dev_present) {
		snprintf(obs->skip_reason, sizeof(obs->skip_reason), "/dev/kvm is missing");
	} else {
		kvm_probe(f, &po, obs);
	}
}

/* Errors go to stderr, or with --nagios to stdout, the only stream monitors show. */
static void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void error_msg(const char *fmt, ...)
{
	static char msg[PATH_MAX + 160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (arg_format == FMT_NAGIOS)
		report_usage_error_nagios(stdout, msg);
	else
		fprintf(stderr, "kvm-ipa-check: %s\n", msg);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * --output FILE, as root and under sudo: never through a symlink (refused),
 * never a device or FIFO replaced (/dev/null, /dev/full and terminals are
 * written through, anything else refused), a regular file replaced
 * atomically by a temp file in its directory that keeps its mode and owner;
 * a new file gets 0666 less the umask, like a shell redirection.
 */
struct out_target {
	int dirfd;	/* the directory of FILE, O_PATH */
	char base[256]; /* FILE's last component */
	char tmp[300];	/* temp name in dirfd, "" when none exists */
	int fd;
	bool through; /* a device written in place */
};

static struct out_target out_t = { .dirfd = -1, .fd = -1 };

/* Run at exit and after a failure: nothing is left beside FILE. */
static void out_cleanup(void)
{
	if (out_t.tmp[0] && out_t.dirfd >= 0)
		unlinkat(out_t.dirfd, out_t.tmp, 0);
	out_t.tmp[0] = '\0';
	if (out_t.fd >= 0)
		close(out_t.fd);
	if (out_t.dirfd >= 0)
		close(out_t.dirfd);
	out_t.fd = out_t.dirfd = -1;
}

static bool harmless_device(const struct stat *st)
{
	/* mem major 1: 3 null, 7 full (Documentation/admin-guide/devices.txt) */
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 &&
	       (minor(st->st_rdev) == 3 || minor(st->st_rdev) == 7);
}

static int open_through(const struct stat *st)
{
	int fd = openat(out_t.dirfd, out_t.base, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat now;

	if (fd < 0)
		return -errno;
	/* the same node as checked, and still harmless: nothing swapped meanwhile */
	if (fstat(fd, &now) < 0 || now.st_rdev != st->st_rdev ||
	    !(harmless_device(&now) || isatty(fd))) {
		close(fd);
		return -EINVAL;
	}
	out_t.fd = fd;
	out_t.through = true;
	return 0;
}

static int open_temp(const struct stat *old)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned int rnd = 0;
		int fd;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
			rnd = (unsigned int)getpid() * 2654435761u + (unsigned int)kic_now_ms() +
			      (unsigned int)tries;
		snprintf(out_t.tmp, sizeof(out_t.tmp), ".%.200s.%08x.tmp", out_t.base, rnd);
		/* umask applies to a new file; an old file's mode is copied below */
		fd = openat(out_t.dirfd, out_t.tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			    old ? 0600 : 0666);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			out_t.tmp[0] = '\0';
			return -errno;
		}
		out_t.fd = fd;
		/* chown first: it clears set-id bits that fchmod then restores */
		if (old && (fchown(fd, old->st_uid, old->st_gid) < 0 ||
			    fchmod(fd, old->st_mode & 07777) < 0))
			return -errno;
		return 0;
	}
	out_t.tmp[0] = '\0';
	return -EEXIST;
}

/*
 * The kernel's interfaces, not storage: a report "replacing"
 * /proc/sys/kernel/osrelease or a sysfs attribute cannot be created there
 * (no temp file), and writing one in place would change the host.
 * (linux/magic.h; cgroup and cgroup2 included.)
 */
static const char *kernel_fs_name(int dirfd)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} kfs[] = {
		{ PROC_SUPER_MAGIC, "proc" },	    { SYSFS_MAGIC, "sysfs" },
		{ CGROUP_SUPER_MAGIC, "cgroup" },   { CGROUP2_SUPER_MAGIC, "cgroup2" },
		{ DEBUGFS_MAGIC, "debugfs" },	    { TRACEFS_MAGIC, "tracefs" },
		{ SECURITYFS_MAGIC, "securityfs" }, { BPF_FS_MAGIC, "bpf" },
		{ EFIVARFS_MAGIC, "efivarfs" },	    { PSTOREFS_MAGIC, "pstore" },
		{ DEVPTS_SUPER_MAGIC, "devpts" },   { SELINUX_MAGIC, "selinuxfs" },
		{ SMACK_MAGIC, "smackfs" },
	};
	struct statfs sfs;

	if (fstatfs(dirfd, &sfs) < 0)
		return NULL; /* then the open below says what is wrong */
	for (size_t i = 0; i < sizeof(kfs) / sizeof(kfs[0]); i++)
		if ((unsigned long)sfs.f_type == kfs[i].magic)
			return kfs[i].name;
	return NULL;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISBLK(m)  ? "a block device"
			     : "not a regular file";
}

/* The errno is the temp file's, beside FILE, not FILE's own: the message says so. */
static int open_temp_why(const struct stat *old, const char *dir, char *why, size_t whylen)
{
	int r = open_temp(old);

	if (r < 0)
		snprintf(why, whylen, "cannot create a temporary file in %s to replace it: %s", dir,
			 strerror(-r));
	return r;
}

/* Returns 0 or -errno; why (when set) says which rule refused the target, in words. */
static int open_output(const char *path, char *why, size_t whylen)
{
	static char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path, *kfs;
	struct stat st;
	int r;

	why[0] = '\0';
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!*base) {
		snprintf(why, whylen, "ends in '/': a file name is needed, not a directory");
		return -EISDIR;
	}
	if (strlen(base) >= sizeof(out_t.base))
		return -ENAMETOOLONG;
	snprintf(out_t.base, sizeof(out_t.base), "%s", base);
	out_t.dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (out_t.dirfd < 0)
		return -errno;
	kfs = kernel_fs_name(out_t.dirfd);
	if (fstatat(out_t.dirfd, out_t.base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		if (kfs) {
			snprintf(why, whylen,
				 "%s is on %s, a kernel interface, not storage: refused", dir, kfs);
			return -EPERM;
		}
		return open_temp_why(NULL, dir, why, whylen);
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, whylen,
			 "is a symbolic link: refusing to write through it (give the real path)");
		return -ELOOP;
	}
	if (S_ISCHR(st.st_mode)) {
		r = open_through(&st);
		if (r == -EINVAL)
			snprintf(why, whylen,
				 "is a device other than /dev/null, /dev/full or a terminal: "
				 "refused");
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "is %s, not a regular file: refused", file_kind(st.st_mode));
		return -EINVAL;
	}
	if (kfs) {
		snprintf(why, whylen,
			 "is a file of %s, a kernel interface, not a report to replace: refused",
			 kfs);
		return -EPERM;
	}
	return open_temp_why(&st, dir, why, whylen);
}

/* Writes the finished report; fsync and rename make the replacement atomic. */
static int finish_output(const char *buf, size_t len)
{
	int r = write_all(out_t.fd, buf, len);

	if (!r && !out_t.through && fsync(out_t.fd) < 0)
		r = -errno;
	if (close(out_t.fd) < 0 && !r && errno != EINTR)
		r = -errno;
	out_t.fd = -1;
	if (!r && !out_t.through && renameat(out_t.dirfd, out_t.tmp, out_t.dirfd, out_t.base) < 0)
		r = -errno;
	if (!r)
		out_t.tmp[0] = '\0'; /* renamed: nothing to remove */
	out_cleanup();
	return r;
}

static int emit(const struct host_facts *f, const struct kvm_obs *obs, const struct assessment *a)
{
	struct report_opts ro = {
		.format = arg_format,
		.color = arg_format == FMT_TEXT && use_color(),
		.verbose = arg_verbose,
		.quiet = arg_quiet,
		.map = arg_map,
		.version = KIC_VERSION,
	};
	char why[PATH_MAX + 96];
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int r;

	/* In memory first: the write below then reports the real errno (ENOSPC...). */
	mem = open_memstream(&buf, &len);
	if (!mem) {
		error_msg("cannot build the report: %s", strerror(errno));
		return -ENOMEM;
	}
	r = report_print(mem, &ro, f, obs, a);
	if (fclose(mem) && !r)
		r = -ENOMEM;
	if (r < 0) {
		error_msg("cannot build the report: %s", strerror(-r));
		free(buf);
		return r;
	}
	if (arg_output) {
		r = open_output(arg_output, why, sizeof(why));
		if (r < 0) {
			error_msg("cannot write %s: %s", arg_output, why[0] ? why : strerror(-r));
			out_cleanup();
			free(buf);
			return r;
		}
		r = finish_output(buf, len);
	} else {
		r = write_all(STDOUT_FILENO, buf, len);
	}
	free(buf);
	if (r < 0)
		error_msg("writing the report%s%s failed: %s", arg_output ? " to " : "",
			  arg_output ? arg_output : "", strerror(-r));
	return r;
}

/*
 * coreutils' close_stdout: --help and --version print through stdio and
 * exit; a failed write there must not exit 0.
 */
static void close_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	if (errno != EPIPE) {
		int err = errno ? errno : EIO;

		fprintf(stderr, "kvm-ipa-check: write error: %s\n", strerror(err));
	}
	_exit(arg_format == FMT_NAGIOS ? ST_UNKNOWN : EXIT_IOERR);
}

/* An abbreviation argp accepts for --nagios: "--na" is already unique. */
static bool is_nagios_opt(const char *a)
{
	size_t n = strcspn(a, "=");

	return n >= 4 && n <= 8 && !strncmp(a, "--nagios", n);
}

/*
 * Arguments end up in messages (argp's and ours) and in reports: one with a
 * control character or invalid UTF-8 is refused before anything prints it.
 */
static int check_args_clean(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *copy = strdup(argv[i]);
		bool bad;

		if (!copy)
			return -ENOMEM;
		text_clean(copy);
		bad = strcmp(copy, argv[i]) != 0;
		if (bad)
			error_msg("argument %d ('%.200s') contains control characters or invalid "
				  "UTF-8",
				  i, copy);
		free(copy);
		if (bad)
			return -EINVAL;
	}
	return 0;
}

static int saved_stderr = -1, captured_stderr = -1;

/*
 * With --nagios argp's and getopt's messages went to a memfd: the monitor
 * shows stdout's first line only, so they become one status line there.
 * Also run at exit, as argp exits on a usage error.
 */
static void restore_stderr(void)
{
	static char msg[512];
	ssize_t n;

	if (saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	if (captured_stderr < 0)
		return;
	n = pread(captured_stderr, msg, sizeof(msg) - 1, 0);
	close(captured_stderr);
	captured_stderr = -1;
	if (n <= 0)
		return;
	msg[n] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	/* "kvm-ipa-check: unrecognized option '--x'": the status line names the tool */
	if (!strncmp(msg, "kvm-ipa-check: ", 15))
		memmove(msg, msg + 15, strlen(msg + 15) + 1);
	text_clean(msg);
	report_usage_error_nagios(stdout, msg);
}

static void capture_stderr(void)
{
	argp_err_exit_status = ST_UNKNOWN;
	fflush(stderr);
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	captured_stderr = memfd_create("kvm-ipa-check-usage", MFD_CLOEXEC);
	if (saved_stderr < 0) {
		if (captured_stderr >= 0)
			close(captured_stderr);
		captured_stderr = -1;
		return;
	}
	atexit(restore_stderr);
	dup2(captured_stderr >= 0 ? captured_stderr : STDOUT_FILENO, STDERR_FILENO);
}

/*
 * Stack a run may use below check_stack(), measured (x86-64, gcc -O2, glibc
 * 2.36: the least room each path survives, stack start not randomised): the
 * default probe 5.7 KiB, a VMM judged (--vmm, a sosreport) 7.8 KiB, libkmod's
 * dlopen() when no kvm module is loaded 8.3 KiB; the rest is margin for paths
 * measured only on x86 (an arm64 VMM's version run).
 */
#define KIC_STACK_NEED (10 * 1024)

/*
 * Bytes the stack may still grow below here before RLIMIT_STACK stops it, -1
 * when that cannot be told. The limit counts from the top of the stack
 * mapping, above the arguments, the environment and a random gap (up to
 * 8 KiB on x86-64, a page on arm64: arch_align_stack()). exec copies the
 * program's path there first, one pointer below that top (fs/exec.c,
 * bprm_mm_init() and do_execveat_common()): AT_EXECFN finds it.
 */
static long stack_room(void)
{
	const char *fn = (const char *)getauxval(AT_EXECFN);
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), top;
	long page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;

	if (!fn || page <= 0 || getrlimit(RLIMIT_STACK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > LONG_MAX)
		return -1;
	top = (uintptr_t)fn + strlen(fn) + 1 + sizeof(void *);
	if (top % (uintptr_t)page || top <= here || top - here > rl.rlim_cur)
		return -1; /* not the layout described above */
	/* the mapping grows by whole pages */
	return (long)(rl.rlim_cur / (rlim_t)page * (rlim_t)page) - (long)(top - here);
}

/*
 * Too little stack is a fault of the environment: UNKNOWN saying so, never a
 * SIGSEGV at whatever call goes deepest. Without the signal stack a handler's
 * frame lands on this one too.
 */
static int check_stack(void)
{
	long need = KIC_STACK_NEED, room = stack_room();
	struct rlimit rl;

	if (!signal_stack_used)
		need += getauxval(AT_MINSIGSTKSZ) ? (long)getauxval(AT_MINSIGSTKSZ) : 4096;
	if (room < 0 || room >= need || getrlimit(RLIMIT_STACK, &rl) < 0)
		return 0;
	error_msg("stack limit too small: RLIMIT_STACK (ulimit -s) %llu KiB leaves %ld KiB "
		  "below the arguments and environment, %ld KiB needed",
		  (unsigned long long)rl.rlim_cur / 1024, room / 1024, (need + 1023) / 1024);
	return -ENOMEM;
}

/*
 * monitoring-plugins: usage errors are UNKNOWN (3) and the monitor shows only
 * stdout's first line, so with --nagios (or --nag...) argp's and getopt's
 * messages become one "KVM-IPA UNKNOWN - ..." line there.
 */
static int parse_args(struct argp *argp, int argc, char **argv)
{
	int r;

	/* argp and getopt name argv[0] in their messages: a planted name must not print raw */
	program_invocation_short_name = (char *)"kvm-ipa-check";
	argv[0] = (char *)"kvm-ipa-check";
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (is_nagios_opt(argv[i])) {
			arg_format = FMT_NAGIOS;
			break;
		}
	if (check_args_clean(argc, argv) < 0)
		return arg_format == FMT_NAGIOS ? ST_UNKNOWN : EXIT_USAGE;
	/* before argp: its help and error paths go deep too */
	if (check_stack() < 0)
		return ST_UNKNOWN;
	if (arg_format == FMT_NAGIOS)
		capture_stderr();
	r = argp_parse(argp, argc, argv, 0, NULL, NULL) ? argp_err_exit_status : 0;
	restore_stderr();
	return r;
}

/* A what-if that cannot apply to this host is a usage error, never ignored. */
static int check_whatif(const struct host_facts *f)
{
	char msg[256];

	if (!whatif_check(f, &arg_whatif, msg, sizeof(msg)))
		return 0;
	error_msg("%s", msg);
	return -EINVAL;
}

/* Facts read up to the deadline; a fault or a stop there is UNKNOWN, not a fact. */
static void facts_stage(struct sysroot *sr, struct host_facts *facts)
{
	long left;

	facts_read(sr, facts);
	devinfo_read(sr, facts);
	/* VMM version runs: 1 s in all (a fifth of a short budget), never past the deadline */
	left = kic_deadline_ms - kic_now_ms();
	if (left > budget_fifth(0, 1000))
		left = budget_fifth(0, 1000);
	/* On x86 no VMM version changes a verdict: never run binaries there. */
	facts_detect_vmms(sr, facts, sr->live && !arg_no_exec && facts->arch == ARCH_ARM64,
			  (int)(left > 0 ? left : 0));
	/* room for every --vmm: an explicit VMM is always judged */
	if (facts->nvmms_found > KIC_MAX_VMMS - arg_whatif.nvmms) {
		facts_note(facts, "%d installed VMMs not judged: room kept for --vmm",
			   facts->nvmms_found - (KIC_MAX_VMMS - arg_whatif.nvmms));
		facts->nvmms_found = KIC_MAX_VMMS - arg_whatif.nvmms;
	}
}

static void probe_stage(const struct host_facts *facts, struct kvm_obs *obs, long deadline)
{
	char what[128];
	int r = kic_interrupted();

	if (r < 0) {
		/* honoured before any VM exists: say so and report what is known */
		obs->ipa_limit = IPA_LIMIT_UNKNOWN;
		obs->incomplete = true;
		obs->facts_incomplete = true; /* the facts stage may have been cut too */
		snprintf(obs->skip_reason, sizeof(obs->skip_reason), "not probed: %s",
			 r == -EINTR ? kic_stop_reason() : "time budget (--timeout) spent");
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "%s before the probes",
			 r == -EINTR ? kic_stop_reason() : "time budget (--timeout) spent");
		return;
	}
	run_probes(facts, obs, deadline);
	if (sr_fault(what, sizeof(what)) < 0 && !obs->incomplete) {
		obs->incomplete = true;
		obs->facts_incomplete = true;
		snprintf(obs->incomplete_reason, sizeof(obs->incomplete_reason),
			 "reading host facts failed: %.120s", what);
	}
}

int main(int argc, char **argv)
{
	static struct host_facts facts;
	static struct kvm_obs obs;
	static struct assessment a;
	struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct sysroot sr;
	long deadline;
	static char stderr_buf[BUFSIZ];
	int r;

	/* first: a signal from now on is a clean stop, never a half-done run */
	install_signals();
	/*
	 * Unbuffered, stderr would take every message through an 8 KiB buffer
	 * on the stack (glibc's buffered_vfprintf()): by line it needs none.
	 */
	setvbuf(stderr, stderr_buf, _IOLBF, sizeof(stderr_buf));
	atexit(close_stdout);
	r = parse_args(&argp, argc, argv);
	if (r)
		return r;
	deadline = kic_now_ms() + arg_timeout_ms;
	kic_deadline_ms = deadline;
	r = sr_open(&sr, arg_sysroot);
	if (r < 0) {
		/*
		 * Icinga 2 merges stderr into the plugin output: with --nagios, stdout
		 * only. Archives are not unpacked here: no decompressor runs as root
		 * on them.
		 */
		error_msg("--sysroot %s: %s%s", arg_sysroot, strerror(-r),
			  r == -ENOTDIR ? " (extract a sosreport first: tar -xf FILE)" : "");
		/* EMFILE, ENOMEM: the environment's fault, not a wrong argument */
		return arg_format == FMT_NAGIOS || errno_is_fault(r) ? ST_UNKNOWN : EXIT_USAGE;
	}
	facts_stage(&sr, &facts);
	sos_read(&sr, &facts, &obs);
	if (check_whatif(&facts)) {
		sr_close(&sr);
		return arg_format == FMT_NAGIOS ? ST_UNKNOWN : EXIT_USAGE;
	}
	sr_close(&sr);
	probe_stage(&facts, &obs, deadline);
	arg_whatif.default_probe_skipped = arg_no_default_probe;
	assess(&facts, &obs, &arg_whatif, &a);
	if (emit(&facts, &obs, &a) < 0)
		return arg_format == FMT_NAGIOS ? ST_UNKNOWN : EXIT_IOERR;
	return a.status;
}

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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static const char *arg_sysroot = "/";
static bool arg_no_probe;
static bool arg_no_default_probe;
static bool arg_no_run;
static bool arg_no_exec;
static long arg_timeout_ms = 5000;
static enum report_format arg_format = FMT_TEXT;
static const char *arg_output;
static bool arg_quiet;
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
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "json", 'j', NULL, 0, "JSON output", 0 },
	{ "nagios", OPT_NAGIOS, NULL, 0, "Monitoring-plugins output: one status line with perfdata",
	  0 },
	{ "prometheus", OPT_PROMETHEUS, NULL, 0, "node_exporter textfile collector format", 0 },
	{ "output", 'o', "FILE", 0,
	  "Write the report to FILE atomically (temp file + rename) instead of stdout", 0 },
	{ "quiet", 'q', NULL, 0, "Print only the verdict line", 0 },
	{ "verbose", 'v', NULL, 0,
	  "Also print every probe (each IPA size, each memslot) and the evidence table", 0 },
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
		if (arg_whatif.ipa_limit)
			argp_error(state, "--ipa-limit given twice (%d, '%s')",
				   arg_whatif.ipa_limit, arg);
		if (parse_int_range(arg, 32, 52, &v))
			argp_error(state, "--ipa-limit: expected bits between 32 and 52, got '%s'",
				   arg);
		arg_whatif.ipa_limit = (int)v;
		break;
	case 'j':
		arg_format = FMT_JSON;
		break;
	case OPT_NAGIOS:
		arg_format = FMT_NAGIOS;
		break;
	case OPT_PROMETHEUS:
		arg_format = FMT_PROMETHEUS;
		break;
	case 'o':
		arg_output = arg;
		break;
	case 'q':
		arg_quiet = true;
		break;
	case 'v':
		arg_verbose = true;
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
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void on_stop_signal(int sig)
{
	(void)sig;
	probe_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* No SA_RESTART: a blocked KVM_RUN or poll() must return so we can clean up. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	if (arg_color != COLOR_AUTO)
		return arg_color == COLOR_ALWAYS;
	return !(nc && *nc) && !arg_output && isatty(STDOUT_FILENO);
}

static void run_probes(const struct host_facts *f, struct kvm_obs *obs, long deadline)
{
	struct probe_opts po = {
		.default_probe = !arg_no_default_probe,
		.run = !arg_no_run,
		.deadline_ms = deadline,
		.watchdog_ms = arg_timeout_ms / 5 > 1000 ? arg_timeout_ms / 5 : 1000,
		.payload = PAYLOAD_MMIO,
	};

	/* Measured earlier on the bundle's host (sosreport.c), or said why not. */
	if (obs->probed || obs->skip_reason[0])
		return;
	obs->ipa_limit = -1;
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
	char msg[PATH_MAX + 160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (arg_format == FMT_NAGIOS)
		report_usage_error_nagios(stdout, msg);
	else
		fprintf(stderr, "kvm-ipa-check: %s\n", msg);
}

/* Atomic replace: a collector reading FILE sees the old or the new report, never half. */
static FILE *open_output(const char *path, char *tmp, size_t len)
{
	char dir[PATH_MAX], *d;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	d = dirname(dir);
	if ((size_t)snprintf(tmp, len, "%s/.%s.XXXXXX", d, "kvm-ipa-check") >= len)
		return NULL;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return NULL;
	fchmod(fd, 0644);
	return fdopen(fd, "w");
}

static int finish_output(FILE *out, const char *tmp, const char *path, int report_ret)
{
	int r = report_ret;

	if (fflush(out) || fsync(fileno(out)))
		r = -errno;
	if (fclose(out) && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

static int emit(const struct host_facts *f, const struct kvm_obs *obs, const struct assessment *a)
{
	struct report_opts ro = {
		.format = arg_format,
		.color = arg_format == FMT_TEXT && use_color(),
		.verbose = arg_verbose,
		.quiet = arg_quiet,
		.version = KIC_VERSION,
	};
	char tmp[PATH_MAX];
	FILE *out = stdout;
	int r;

	if (arg_output) {
		out = open_output(arg_output, tmp, sizeof(tmp));
		if (!out) {
			error_msg("cannot write %s: %s", arg_output, strerror(errno));
			return -errno;
		}
	}
	r = report_print(out, &ro, f, obs, a);
	if (arg_output)
		r = finish_output(out, tmp, arg_output, r);
	if (r < 0)
		error_msg("writing the report failed: %s", strerror(-r));
	return r;
}

static int saved_stderr = -1;

/* Puts stderr back; also run at exit, as argp exits on a usage error. */
static void restore_stderr(void)
{
	if (saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
}

/*
 * monitoring-plugins: usage errors are UNKNOWN (3) and the monitor shows only
 * stdout, so with --nagios argp's and getopt's messages go there.
 */
static int parse_args(struct argp *argp, int argc, char **argv)
{
	int r;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--nagios")) {
			argp_err_exit_status = ST_UNKNOWN;
			fflush(stderr);
			saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
			if (saved_stderr >= 0)
				atexit(restore_stderr);
			dup2(STDOUT_FILENO, STDERR_FILENO);
			break;
		}
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

int main(int argc, char **argv)
{
	static struct host_facts facts;
	static struct kvm_obs obs;
	static struct assessment a;
	struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct sysroot sr;
	long deadline;
	int r;

	r = parse_args(&argp, argc, argv);
	if (r)
		return r;
	deadline = now_ms() + arg_timeout_ms;
	install_signals();
	r = sr_open(&sr, arg_sysroot);
	if (r < 0) {
		/*
		 * Icinga 2 merges stderr into the plugin output: with --nagios, stdout
		 * only. Archives are not unpacked here: no decompressor runs as root
		 * on them.
		 */
		error_msg("--sysroot %s: %s%s", arg_sysroot, strerror(-r),
			  r == -ENOTDIR ? " (extract a sosreport first: tar -xf FILE)" : "");
		return arg_format == FMT_NAGIOS ? ST_UNKNOWN : EXIT_USAGE;
	}
	facts_read(&sr, &facts);
	devinfo_read(&sr, &facts);
	if (check_whatif(&facts)) {
		sr_close(&sr);
		return arg_format == FMT_NAGIOS ? ST_UNKNOWN : EXIT_USAGE;
	}
	/* On x86 no VMM version changes a verdict: never run binaries there. */
	facts_detect_vmms(&sr, &facts, sr.live && !arg_no_exec && facts.arch == ARCH_ARM64,
			  (int)(arg_timeout_ms < 5000 ? arg_timeout_ms / 5 : 1000));
	sos_read(&sr, &facts, &obs);
	sr_close(&sr);
	run_probes(&facts, &obs, deadline);
	arg_whatif.default_probe_skipped = arg_no_default_probe;
	assess(&facts, &obs, &arg_whatif, &a);
	if (emit(&facts, &obs, &a) < 0)
		return ST_UNKNOWN;
	return a.status;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TEST ONLY: runs the real probe code against real /dev/kvm with a guest
 * that never exits (a branch to itself), to prove that the watchdog turns a
 * stuck KVM_RUN into a "hang" report within the budget. Not installed; the
 * never-exiting payload is not reachable from kvm-ipa-check's options.
 *
 * Usage: kvm_hang_probe [WATCHDOG_MS [BUDGET_MS]]   (prints the tool's JSON report)
 * Exit: 0 when the run was reported as a hang, 1 otherwise, 77 without KVM.
 * SIGINT/SIGTERM stop the run as they do in kvm-ipa-check: the report is then
 * marked incomplete (exit 1), which the signal test checks.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess.h"
#include "facts.h"
#include "probe.h"
#include "report.h"
#include "sysroot.h"

static void on_stop(int sig)
{
	(void)sig;
	probe_stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	static struct host_facts f;
	static struct kvm_obs obs;
	static struct assessment a;
	struct whatif w = { 0 };
	struct report_opts ro = { .format = FMT_JSON, .version = "test" };
	struct probe_opts po = { .default_probe = true, .run = true, .payload = PAYLOAD_SPIN };
	struct sysroot sr;
	long start;

	po.watchdog_ms = argc > 1 ? atol(argv[1]) : 1000;
	if (po.watchdog_ms <= 0)
		po.watchdog_ms = 1000;
	sigemptyset(&sa.sa_mask); /* as in kvm-ipa-check.c: no SA_RESTART */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (sr_open(&sr, "/") < 0)
		return 77;
	facts_read(&sr, &f);
	sr_close(&sr);
	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		printf("SKIP: no accessible /dev/kvm\n");
		return 77;
	}
	start = kic_now_ms();
	/* Optional second argument: the whole-run budget, as --timeout sets it. */
	po.deadline_ms =
		start + (argc > 2 && atol(argv[2]) > 0 ? atol(argv[2]) : 10 * po.watchdog_ms);
	kvm_probe(&f, &po, &obs);
	assess(&f, &obs, &w, &a);
	report_print(stdout, &ro, &f, &obs, &a);
	fprintf(stderr, "kvm_hang_probe: run result %d after %ld ms (watchdog %ld ms)\n",
		obs.run.result, obs.run.elapsed_ms, po.watchdog_ms);
	return obs.run.result == RUN_HANG && kic_now_ms() - start < 3 * po.watchdog_ms ? 0 : 1;
}

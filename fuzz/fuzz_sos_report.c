// SPDX-License-Identifier: GPL-2.0-or-later
/* A kvm-ipa-check JSON report read back from a sosreport: js_scan, sos_parse_report. */
#include <errno.h>

#include "fuzz.h"
#include "jscan.h"
#include "sosreport.h"

static int count(const char *path, long idx, enum js_type t, const char *v, void *ctx)
{
	FUZZ_CHECK(strlen(path) < JS_MAX_PATH, "path of %zu bytes", strlen(path));
	FUZZ_CHECK(strlen(v) < JS_MAX_VALUE, "value of %zu bytes", strlen(v));
	FUZZ_CHECK(idx >= -1, "idx %ld", idx);
	FUZZ_CHECK(t >= JS_STRING && t <= JS_NULL, "type %d", t);
	++*(long *)ctx;
	return 0;
}

static void check_string(const char *s, size_t cap, const char *what)
{
	FUZZ_CHECK(memchr(s, 0, cap), "%s not terminated", what);
	for (; *s; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f, "%s: control byte", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host_facts f;
	static struct kvm_obs o;
	struct sos_meta m;
	/* Exactly sized, not NUL-terminated: the scanner must respect len. */
	char *buf = malloc(size ? size : 1);
	long n = 0;
	int r;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	r = js_scan(buf, size, count, &n);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -E2BIG, "js_scan returned %d", r);
	r = sos_parse_report(buf, size, &f, &o, &m);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -E2BIG, "parse returned %d", r);
	if (r == 0) {
		FUZZ_CHECK(f.ncpus >= 0 && f.ncpus <= KIC_MAX_CPUS, "ncpus %d", f.ncpus);
		FUZZ_CHECK(o.nipa >= 0 && o.nipa <= KIC_MAX_IPA_PROBES, "nipa %d", o.nipa);
		FUZZ_CHECK(o.nslots >= 0 && o.nslots <= KIC_MAX_MEMSLOTS, "nslots %d", o.nslots);
		FUZZ_CHECK(f.nvmms_found >= 0 && f.nvmms_found <= KIC_MAX_VMMS, "vmms %d",
			   f.nvmms_found);
		FUZZ_CHECK(f.nmodules >= 0 && f.nmodules <= 4, "modules %d", f.nmodules);
		for (int i = 0; i < o.nslots; i++)
			FUZZ_CHECK(o.slots[i].why != NULL, "slot %d without why", i);
		for (int i = 0; i < f.nnotes; i++)
			check_string(f.notes[i], sizeof(f.notes[i]), "note");
		check_string(f.kernel_release, sizeof(f.kernel_release), "kernel_release");
		check_string(o.run.detail, sizeof(o.run.detail), "vcpu_run.detail");
		check_string(m.tool_version, sizeof(m.tool_version), "tool_version");
	}
	free(buf);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sosreport.c and jscan.c without a tree: the JSON scanner on valid and
 * hostile text, a report read back into host_facts/kvm_obs, and package
 * list lines to VMMs. (Trees: tests/test_sos.sh, on real sos archives.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "sosreport.h"
#include "tap.h"

struct seen {
	int n;
	char last_path[JS_MAX_PATH];
	long last_idx;
	char last_val[JS_MAX_VALUE];
	enum js_type last_type;
	char paths[2048];
};

static int collect(const char *path, long idx, enum js_type t, const char *v, void *ctx)
{
	struct seen *s = ctx;
	size_t used = strlen(s->paths);

	s->n++;
	snprintf(s->last_path, sizeof(s->last_path), "%s", path);
	snprintf(s->last_val, sizeof(s->last_val), "%s", v);
	s->last_idx = idx;
	s->last_type = t;
	snprintf(s->paths + used, sizeof(s->paths) - used, "%s%s#%ld", used ? " " : "", path, idx);
	return 0;
}

static int scan(const char *text, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return js_scan(text, strlen(text), collect, s);
}

static void test_scanner(void)
{
	static char deep[200], longkey[600];
	struct seen s;

	is_int(scan("{\"a\": {\"b\": [1, {\"c\": \"x\"}, [true]]}, \"d\": null}", &s), 0,
	       "nested JSON scans");
	is_str(s.paths, "a.b[]#0 a.b[].c#1 a.b[][]#0 d#-1",
	       "paths name members, [] per array, idx is the innermost array's");
	is_int(scan("{\"s\": \"a\\u00e9\\ud83d\\ude00\\n\\\"\"}", &s), 0, "escapes decode");
	is_str(s.last_val, "a\xc3\xa9\xf0\x9f\x98\x80\n\"", "\\u, surrogate pair, \\n, \\\"");
	is_int(scan("{\"s\": \"\\u0000x\\udc00\"}", &s), 0, "NUL and lone surrogate escapes");
	is_str(s.last_val, "\xef\xbf\xbdx\xef\xbf\xbd", "become U+FFFD, never a NUL");
	is_int(scan("[\"\xff\xfe\"]", &s), 0, "raw invalid UTF-8 is not an error");
	is_str(s.last_val, "\xef\xbf\xbd\xef\xbf\xbd", "each invalid byte becomes U+FFFD");
	is_int(scan("{\"a.b\": 1, \"c[]\": 2}", &s), 0, "keys with '.' and '['");
	is_str(s.paths, "a_b#-1 c__#-1", "cannot forge another path");
	is_int(scan("-12.5e+3", &s), 0, "a bare number");
	ok(s.last_type == JS_NUMBER && !strcmp(s.last_val, "-12.5e+3"), "number text kept");

	static const char *const bad[] = {
		"",	     "{",	    "{\"a\" 1}", "{\"a\": 1,}", "[1,]",
		"[01]",	     "[1.]",	    "[.5]",	 "[-]",		"[1e]",
		"\"abc",     "\"a\nb\"",    "[tru]",	 "{\"a\":1}x",	"{\"a\":1}}",
		"[\"\\x\"]", "[\"\\u12\"]", "{1: 2}",	 "[nul]",	"[,1]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(scan(bad[i], &s), -EINVAL, "malformed rejected: #%zu", i);

	memset(deep, '[', 100);
	is_int(scan(deep, &s), -E2BIG, "100 nested arrays: depth limit, not a stack overflow");
	memset(deep, 0, sizeof(deep));
	for (int i = 0; i < JS_MAX_DEPTH; i++)
		strcat(deep, "[");
	for (int i = 0; i < JS_MAX_DEPTH; i++)
		strcat(deep, "]");
	is_int(scan(deep, &s), 0, "%d nested arrays are fine", JS_MAX_DEPTH);
	/* Keys are cut at 127 bytes; a path past JS_MAX_PATH is an error. */
	strcpy(longkey, "{\"");
	memset(longkey + 2, 'k', 500);
	strcat(longkey, "\": 1}");
	is_int(scan(longkey, &s), 0, "a 500-byte key is cut, not overflowed");
	is_int((int)strlen(s.last_path), 127, "to 127 bytes");
	memset(longkey, 0, sizeof(longkey));
	for (int i = 0; i < 3; i++)
		strcat(longkey, "{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
				"kkkkkkkkkkkk"
				"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": ");
	strcat(longkey, "1}}}");
	is_int(scan(longkey, &s), -E2BIG, "a path longer than %d bytes: limit", JS_MAX_PATH);
	/* Embedded NUL in the buffer: not JSON text. */
	is_int(js_scan("[1,\0 2]", 7, collect, &s), -EINVAL, "an embedded NUL is malformed");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(SOS_REPORT_MAX);
	*len = fread(buf, 1, SOS_REPORT_MAX, f);
	fclose(f);
	return buf;
}

static void test_report(void)
{
	static struct host_facts f;
	static struct kvm_obs o;
	struct sos_meta m;
	size_t len = 0;
	char *buf = slurp("tests/fixtures/sos-m1-36/" SOS_PLUGIN_JSON, &len);
	int r;

	ok(buf && len > 1000, "fixture report readable");
	if (!buf)
		return;
	r = sos_parse_report(buf, len, &f, &o, &m);
	is_int(r, 0, "the fixture's report parses");
	is_str(m.tool_version, "0.1.0", "tool_version");
	ok(m.live, "measured live on that host");
	ok(f.arch == ARCH_ARM64 && !strcmp(f.kernel_release, "6.11.0-1001-asahi-arm"),
	   "arch and kernel release");
	ok(f.ncpus == 8 && f.cpus[4].midr_valid && f.cpus[4].midr == 0x611f0231,
	   "eight CPUs, MIDRs from hex strings");
	is_int(f.core_pa_bits, 36, "core table evidence back into the facts");
	ok(f.ram_top == 0xc00000000ULL, "ram_top from its hex string");
	ok(o.probed && o.api_version == 12 && ipa_bits(o.ipa_limit) == 36, "probed, API 12, limit 36");
	is_int(o.one_reg_parange_bits, 36, "ONE_REG evidence back into the observations");
	ok(o.default_vm.result == PR_SKIPPED, "type-0 probe skipped (the plugin's default)");
	ok(o.nipa == 6 && o.ipa[5].bits == 37 && o.ipa[5].result == PR_REJECTED &&
		   o.ipa[5].err == EINVAL,
	   "37 bits refused with EINVAL");
	ok(o.nslots == 4 && o.slots[3].err == EFAULT && o.slots[3].gpa == 0xfffff1000ULL &&
		   o.slots[3].why && strstr(o.slots[3].why, "one page past"),
	   "memslots with errno, address and why");
	ok(o.run.result == RUN_EXITED && o.run.exit_reason == 6 && o.run.vm_bits == 36,
	   "vCPU run: MMIO exit in the 36-bit VM");
	ok(f.nvmms_found == 2 && !strcmp(f.vmms_found[0].name, "qemu") &&
		   !strcmp(f.vmms_found[0].version, "9.0.2"),
	   "installed VMMs kept, what-if ones of that run dropped");
	ok(f.dev_known && f.dev_present && f.dev_mode == 0660 && !strcmp(f.dev_group, "kvm"),
	   "/dev/kvm as seen there");

	/* Every truncation of a valid report is rejected or parses; never more. */
	for (size_t cut = 0; cut < len; cut += 97) {
		r = sos_parse_report(buf, cut, &f, &o, &m);
		if (r != -EINVAL && r != 0)
			break;
	}
	ok(r == -EINVAL || r == 0, "every prefix of the report: rejected or parsed");
	free(buf);

	static const char *const wrong[] = {
		"{}",
		"[]",
		"{\"schema_version\": 2, \"host\": {\"arch\": \"arm64\"}, \"probes\": {\"run\": "
		"false}}",
		"{\"schema_version\": 1, \"probes\": {\"run\": false}}",
		"{\"schema_version\": 1, \"host\": {\"arch\": \"arm64\"}}",
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		is_int(sos_parse_report(wrong[i], strlen(wrong[i]), &f, &o, &m), -EINVAL,
		       "not a schema-1 report: %s", wrong[i]);
	/* Out-of-range values and indexes are ignored, never stored. */
	const char *hostile = "{\"schema_version\": 1, \"host\": {\"arch\": \"arm64\", "
			      "\"cpus\": [{\"cpu\": -5, \"midr\": \"0x1ffffffff\"}], "
			      "\"log_ipa_limit\": 99999, \"notes\": [\"\\u001b[31mred\"]}, "
			      "\"kvm\": {\"ipa_limit\": 1e309, \"api_version\": \"12\"}, "
			      "\"probes\": {\"run\": true, \"vcpu_run\": {\"exit_reason\": 7}}}";
	is_int(sos_parse_report(hostile, strlen(hostile), &f, &o, &m), 0, "hostile values parse");
	ok(f.ncpus == 1 && f.cpus[0].index == 0 && !f.cpus[0].midr_valid,
	   "negative CPU index and a 33-bit MIDR ignored");
	ok(f.log_ipa_limit.state == IPA_UNKNOWN && o.ipa_limit.state == IPA_UNKNOWN &&
		   o.api_version < 0,
	   "out-of-range numbers and strings-for-numbers ignored: unknown, not 0");
	ok(f.nnotes == 1 && !strchr(f.notes[0], '\033'), "notes cleaned of control characters");
	ok(o.run.exit_reason == 0, "a number where a name belongs is ignored");
	/* a query that failed on that host (null) stays unknown, never API 0 */
	const char *faulted = "{\"schema_version\": 1, \"host\": {\"arch\": \"x86_64\"}, "
			      "\"kvm\": {\"api_version\": null, \"nr_memslots\": null, "
			      "\"max_vcpus\": 4096}, \"probes\": {\"run\": true}}";
	is_int(sos_parse_report(faulted, strlen(faulted), &f, &o, &m), 0, "faulted report parses");
	ok(o.api_version < 0 && o.nr_memslots < 0 && o.max_vcpus == 4096,
	   "null API version and memslot count read back as unknown");
}

static void test_packages(void)
{
	struct vmm_seen v;

	is_int(sos_package_vmm("ii  qemu-system-arm   1:7.2+dfsg-7+deb12u18  arm64  QEMU", false,
			       ARCH_ARM64, &v),
	       0, "dpkg -l: qemu-system-arm");
	ok(!strcmp(v.name, "qemu") && !strcmp(v.version, "7.2.7") &&
		   !strcmp(v.path, "/usr/bin/qemu-system-aarch64"),
	   "Debian's 7.2 with deb12u3+ is upstream 7.2.7 (got %s)", v.version);
	is_int(sos_package_vmm("ii  qemu-system-arm   1:7.2+dfsg-7  amd64  QEMU", false,
			       ARCH_X86_64, &v),
	       -ENOENT, "qemu-system-arm on x86 emulates: not a KVM user");
	is_int(sos_package_vmm("rc  qemu-system-x86   1:8.2.2+ds-0ubuntu1  arm64  QEMU", false,
			       ARCH_ARM64, &v),
	       -ENOENT, "removed (rc) packages are not installed");
	is_int(sos_package_vmm("ii  libvirt-daemon:arm64  10.6.0-1ubuntu3  arm64  d", false,
			       ARCH_ARM64, &v),
	       0, "libvirt-daemon with an :arch suffix");
	ok(!strcmp(v.name, "libvirt") && !v.version[0], "libvirt takes its QEMU's version later");
	is_int(sos_package_vmm("ii  kvmtool  0.20230224-1  arm64  lkvm", false, ARCH_ARM64, &v), 0,
	       "kvmtool");
	is_str(v.version, "20230224", "kvmtool snapshot version is its source date");
	is_int(sos_package_vmm("qemu-kvm-core-7.2.0-14.el9_2.aarch64  Wed 01 Mar", true, ARCH_ARM64,
			       &v),
	       0, "rpm NEVRA: qemu-kvm-core");
	ok(!strcmp(v.name, "qemu") && !strcmp(v.version, "7.2.0") &&
		   !strcmp(v.path, "/usr/libexec/qemu-kvm"),
	   "RHEL's qemu-kvm 7.2.0 at /usr/libexec/qemu-kvm");
	is_int(sos_package_vmm("package qemu-kvm-core is not installed", true, ARCH_ARM64, &v),
	       -ENOENT, "rpm -q's 'not installed' line");
	is_int(sos_package_vmm("ii  adduser  3.134  all  add users", false, ARCH_ARM64, &v),
	       -ENOENT, "other packages");
	is_int(sos_package_vmm("ii", false, ARCH_ARM64, &v), -ENOENT, "a cut line");
	is_int(sos_package_vmm("-", true, ARCH_ARM64, &v), -ENOENT, "garbage rpm line");
}

int main(void)
{
	test_scanner();
	test_report();
	test_packages();
	return done_testing();
}

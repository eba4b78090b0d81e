// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel log lines (/dev/kmsg records, dmesg files): klog_strip_prefix, klog_parse_line. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct klog_state st = { 0 };
	char *buf = fuzz_strndup(data, size), *line = buf;
	long nlines = 0;

	/* One line per '\n', each its own exact-sized heap string. */
	for (;;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *l = fuzz_strndup((const uint8_t *)line, n);
		const char *msg = klog_strip_prefix(l);
		char comm_before[sizeof(st.comm)], mode_before[sizeof(st.kvm_mode)];
		int boots_before = st.earlier_boots;

		FUZZ_CHECK(msg >= l && msg <= l + n, "prefix strip left the line");
		memcpy(comm_before, st.comm, sizeof(st.comm));
		memcpy(mode_before, st.kvm_mode, sizeof(st.kvm_mode));
		klog_parse_line(l, &st);
		nlines++;
		FUZZ_CHECK(st.lines == nlines, "%ld lines counted, %ld given", st.lines, nlines);
		FUZZ_CHECK(st.ipa_limit >= 0 && st.ipa_limit <= 1000, "ipa_limit %d", st.ipa_limit);
		FUZZ_CHECK(st.fmt >= LOG_FMT_NONE && st.fmt <= LOG_FMT_PRE_420, "fmt %d", st.fmt);
		FUZZ_CHECK(memchr(st.comm, 0, sizeof(st.comm)), "comm not terminated");
		FUZZ_CHECK(!memcmp(comm_before, st.comm, sizeof(st.comm)) || strstr(l, st.comm),
			   "comm '%s' not from the line", st.comm);
		FUZZ_CHECK(log_format_name(st.fmt) != NULL, "no format name");
		/* a boot marker forgets the state: fields are reset or come from this line */
		FUZZ_CHECK(memchr(st.kvm_mode, 0, sizeof(st.kvm_mode)), "kvm_mode not terminated");
		FUZZ_CHECK(!memcmp(mode_before, st.kvm_mode, sizeof(st.kvm_mode)) ||
				   strstr(l, st.kvm_mode),
			   "kvm_mode '%s' not from the line", st.kvm_mode);
		FUZZ_CHECK(memchr(st.release, 0, sizeof(st.release)), "release not terminated");
		FUZZ_CHECK(st.earlier_boots == boots_before || st.earlier_boots == boots_before + 1,
			   "earlier_boots %d after %d", st.earlier_boots, boots_before);
		FUZZ_CHECK(st.boot_lines >= 0 && st.boot_lines <= st.lines, "boot_lines %ld of %ld",
			   st.boot_lines, st.lines);
		free(l);
		if (!nl)
			break;
		line = nl + 1;
	}
	free(buf);
	return 0;
}

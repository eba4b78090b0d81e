// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known answers for the strict JSON validator (json_check.c), so the fuzz
 * harness's judge is itself checked. With file arguments, validates each
 * file instead (used on the tool's real --json output).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

static int failed, n;

static void t(const char *text, size_t len, int want_valid)
{
	struct json_check c = { 0 };
	int valid = json_validate(text, len, &c) == 0;

	n++;
	if (valid != want_valid) {
		failed++;
		printf("not ok %d - %s: ", n, want_valid ? "valid rejected" : "invalid accepted");
		fwrite(text, 1, len, stdout);
		printf(" (%s at %zu)\n", c.err ? c.err : "-", c.err_at);
	} else {
		printf("ok %d\n", n);
	}
}

#define V(s) t(s, sizeof(s) - 1, 1)
#define X(s) t(s, sizeof(s) - 1, 0)

static int check_file(const char *path)
{
	struct json_check c = { 0 };
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len + 65536 > cap && !(buf = realloc(buf, cap = cap * 2 + 65536)))
			abort();
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	if (json_validate(buf, len, &c)) {
		printf("%s: invalid JSON at byte %zu: %s\n", path, c.err_at, c.err);
		free(buf);
		return 1;
	}
	printf("%s: valid JSON (%zu bytes)\n", path, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		int bad = 0;

		for (int i = 1; i < argc; i++)
			bad |= check_file(argv[i]);
		return bad;
	}
	V("{}");
	V(" [ ] ");
	V("0");
	V("-0.5e+10");
	V("1E3");
	V("\"\"");
	V("null");
	V("{\"a\": [1, 2, {\"b\": null}], \"c\": true, \"d\": false}\n");
	V("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"");
	V("\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xef\xbf\xbd\"");
	X("");
	X(" ");
	X("{");
	X("{}}");
	X("{} {}");
	X("[1,]");
	X("{\"a\":1,}");
	X("{\"a\" 1}");
	X("{a:1}");
	X("{1:1}");
	X("[01]");
	X("[1.]");
	X("[.5]");
	X("[+1]");
	X("[1e]");
	X("[-]");
	X("[NaN]");
	X("[Infinity]");
	X("[tru]");
	X("[nul]");
	X("['a']");
	X("\"a");
	X("\"\\x41\"");
	X("\"\\u12\"");
	X("\"\\uDE00\"");	  /* lone low surrogate */
	X("\"\\uD83D\"");	  /* lone high surrogate */
	X("\"\\uD83Dx\"");
	X("\"\\uD83D\\u0041\"");
	X("\"tab\there\"");	  /* raw control character */
	X("\"nl\nhere\"");
	X("\"\x7f\"" "\x01");	  /* trailing control byte */
	X("\"\xff\"");		  /* not UTF-8 */
	X("\"\xc0\xaf\"");	  /* overlong '/' */
	X("\"\xe0\x80\xaf\"");	  /* overlong */
	X("\"\xed\xa0\x80\"");	  /* UTF-8 encoded surrogate */
	X("\"\xf4\x90\x80\x80\""); /* past U+10FFFF */
	X("\"\xc3\"");		  /* truncated */
	X("\"\xe2\x98\"");
	X("\x00");
	t("\"a\0b\"", 5, 0); /* NUL inside a string */
	t("{}\0", 3, 0);     /* NUL after the value */
	X("\xef\xbb\xbf{}"); /* a BOM is not JSON text (RFC 8259 §8.1: MUST NOT add) */
	printf("%d passed, %d failed\n", n - failed, failed);
	return failed != 0;
}

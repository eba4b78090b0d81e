// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer (json_writer.c) alone: layout, typed values, escaping,
 * and that misuse aborts instead of printing broken JSON; text_clean. The
 * renderers' whole output is checked by the golden files
 * (tests/test_golden.sh).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "json_writer.h"
#include "tap.h"

static char *render(void)
{
	struct json_writer jw;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	jsonw_init(&jw, f);
	jsonw_start_object(&jw);
	jsonw_string_field(&jw, "arch", "arm64");
	jsonw_int_field(&jw, "bits", 44);
	jsonw_int_field(&jw, "neg", -1);
	jsonw_uint_field(&jw, "ram", 18446744073709551615ULL);
	jsonw_hex_field(&jw, "gpa", 0xfffff0000ULL);
	jsonw_bool_field(&jw, "ok", true);
	jsonw_null_field(&jw, "none");
	jsonw_string_field(&jw, "nullstr", NULL);
	jsonw_name(&jw, "list");
	jsonw_start_array(&jw);
	jsonw_int(&jw, 1);
	jsonw_string(&jw, "two");
	jsonw_start_object(&jw);
	jsonw_bool_field(&jw, "x", false);
	jsonw_end_object(&jw);
	jsonw_end_array(&jw);
	jsonw_name(&jw, "obj");
	jsonw_start_object(&jw);
	jsonw_end_object(&jw);
	jsonw_name(&jw, "arr");
	jsonw_start_array(&jw);
	jsonw_end_array(&jw);
	jsonw_end_object(&jw);
	fclose(f);
	return buf;
}

static char *escape(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_escape(f, s);
	fclose(f);
	return buf;
}

/* Runs a misuse of the writer in a child; true if it died of SIGABRT. */
static bool aborts(int misuse)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct json_writer jw;
		FILE *f = fopen("/dev/null", "we");

		jsonw_init(&jw, f);
		jsonw_start_object(&jw);
		switch (misuse) {
		case 0: /* a value without a name in an object */
			jsonw_int(&jw, 1);
			break;
		case 1: /* a name in an array */
			jsonw_name(&jw, "a");
			jsonw_start_array(&jw);
			jsonw_name(&jw, "b");
			break;
		case 2: /* closing an array that is an object */
			jsonw_end_array(&jw);
			break;
		case 3: /* one close too many */
			jsonw_end_object(&jw);
			jsonw_end_object(&jw);
			break;
		case 4: /* nesting past JSONW_MAX_NEST */
			for (int i = 0; i <= JSONW_MAX_NEST; i++) {
				jsonw_name(&jw, "n");
				jsonw_start_object(&jw);
			}
			break;
		case 5: /* exactly JSONW_MAX_NEST: fine */
			for (int i = 0; i < JSONW_MAX_NEST; i++) {
				jsonw_name(&jw, "n");
				jsonw_start_object(&jw);
			}
			break;
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return false;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

int main(void)
{
	char *j = render(), *e;

	is_str(j,
	       "{\n  \"arch\": \"arm64\",\n  \"bits\": 44,\n  \"neg\": -1,\n"
	       "  \"ram\": 18446744073709551615,\n  \"gpa\": \"0xfffff0000\",\n"
	       "  \"ok\": true,\n  \"none\": null,\n  \"nullstr\": null,\n"
	       "  \"list\": [\n    1,\n    \"two\",\n    {\n      \"x\": false\n    }\n  ],\n"
	       "  \"obj\": {},\n  \"arr\": []\n}\n",
	       "members and elements one a line, two spaces a level, typed values, "
	       "hex strings, empty containers inline, newline after the outermost close");
	free(j);

	ok(aborts(0), "a value without a name inside an object aborts");
	ok(aborts(1), "a name inside an array aborts");
	ok(aborts(2), "closing the wrong kind of container aborts");
	ok(aborts(3), "closing more than was opened aborts");
	ok(aborts(4), "nesting past JSONW_MAX_NEST aborts");
	ok(!aborts(5), "nesting JSONW_MAX_NEST deep is allowed");

	e = escape("a\"b\\c\n\t\x01\x7f");
	is_str(e, "a\\\"b\\\\c\\n\\t\\u0001\\u007f", "control characters and quotes escaped");
	free(e);
	e = escape("caf\xc3\xa9 \xe2\x82\xac");
	is_str(e, "caf\xc3\xa9 \xe2\x82\xac", "valid UTF-8 passes through");
	free(e);
	e = escape("bad\xff\xfe \xc0\x80 \xed\xa0\x80 \xe2\x82");
	is_str(e, "bad\\ufffd\\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd",
	       "invalid, overlong, surrogate and truncated UTF-8 become U+FFFD");
	free(e);
	{
		char t1[] = "6.1\033]0;x\007\033[31mred\xc2\x9b caf\xc3\xa9 \xff";

		text_clean(t1);
		is_str(t1, "6.1?]0;x??[31mred?? caf\xc3\xa9 ?",
		       "text_clean: C0, C1 and invalid UTF-8 become '?', valid UTF-8 stays");
	}
	return done_testing();
}

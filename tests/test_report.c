// SPDX-License-Identifier: GPL-2.0-or-later
/* The one print path: the same calls give text or JSON; JSON escaping holds. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "tap.h"

static char *render(bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_begin(f, json);
	print_string(PRINT_ANY, "arch", "arch %s\n", "arm64");
	print_int(PRINT_ANY, "bits", "bits %lld\n", 44);
	print_hex(PRINT_ANY, "gpa", "gpa 0x%llx\n", 0xfffff0000ULL);
	print_bool(PRINT_ANY, "ok", "ok %s\n", true);
	print_null(PRINT_JSON, "none", NULL);
	print_string(PRINT_FP, NULL, "text only %s\n", "x");
	open_json_array("list");
	print_int(PRINT_JSON, NULL, NULL, 1);
	print_int(PRINT_JSON, NULL, NULL, 2);
	close_json_array();
	open_json_object("obj");
	close_json_object();
	print_end();
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

int main(void)
{
	char *t = render(false), *j = render(true), *e;

	is_str(t, "arch arm64\nbits 44\ngpa 0xfffff0000\nok yes\ntext only x\n",
	       "text mode prints the fmt of PRINT_ANY and PRINT_FP only");
	is_str(j, "{\n  \"arch\": \"arm64\",\n  \"bits\": 44,\n  \"gpa\": \"0xfffff0000\",\n"
		  "  \"ok\": true,\n  \"none\": null,\n  \"list\": [\n    1,\n    2\n  ],\n"
		  "  \"obj\": {}\n}\n",
	       "JSON mode prints keys, typed values, arrays and hex strings");
	free(t);
	free(j);

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

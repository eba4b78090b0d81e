// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fd_foreach_line over a memfd holding the input: every line handed to the
 * callback must be the input's line (NULs as spaces), or its head when the
 * line is longer than the reader's buffer, in order, each exactly once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "sysroot.h"

struct expect {
	char *text; /* the input, NULs turned to spaces */
	size_t size, pos;
	long calls, stop_at;
};

static int on_line(const char *line, void *p)
{
	struct expect *e = p;
	size_t n = strlen(line), want;
	const char *nl;

	FUZZ_CHECK(e->pos < e->size, "line %ld past the input's end", e->calls);
	nl = memchr(e->text + e->pos, '\n', e->size - e->pos);
	want = nl ? (size_t)(nl - (e->text + e->pos)) : e->size - e->pos;
	FUZZ_CHECK(!strchr(line, '\n'), "line %ld holds a newline", e->calls);
	FUZZ_CHECK(n <= want, "line %ld: %zu bytes, the input's has %zu", e->calls, n, want);
	FUZZ_CHECK(!memcmp(line, e->text + e->pos, n), "line %ld differs from the input",
		   e->calls);
	/* Only an over-long line may be cut, and then to a fixed, large head. */
	FUZZ_CHECK(n == want || n >= 255, "line %ld cut to %zu of %zu bytes", e->calls, n, want);
	e->pos += want + (nl != NULL);
	e->calls++;
	return e->calls == e->stop_at ? 42 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect e = { 0 };
	size_t max_bytes;
	int fd, r;

	if (size < 2)
		return 0;
	e.stop_at = data[0]; /* 0: never stop early */
	max_bytes = (size_t)data[1] * 64 + 1;
	data += 2;
	size -= 2;
	fd = memfd_create("fuzz", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
	lseek(fd, 0, SEEK_SET);
	e.text = malloc(size + 1);
	for (size_t i = 0; i < size; i++)
		e.text[i] = data[i] ? (char)data[i] : ' ';
	e.size = size;
	r = fd_foreach_line(fd, max_bytes, on_line, &e);
	if (r == 42) {
		FUZZ_CHECK(e.calls == e.stop_at, "stopped after %ld, asked %ld", e.calls, e.stop_at);
	} else if (r == -EFBIG) {
		FUZZ_CHECK(size >= max_bytes, "EFBIG on %zu bytes, max %zu", size, max_bytes);
	} else {
		FUZZ_CHECK(r == 0, "returned %d", r);
		FUZZ_CHECK(size < max_bytes, "%zu bytes read, max %zu", size, max_bytes);
		/* Every line was seen: all input consumed. */
		FUZZ_CHECK(e.pos == e.size, "stopped at byte %zu of %zu", e.pos, e.size);
	}
	close(fd);
	free(e.text);
	return 0;
}

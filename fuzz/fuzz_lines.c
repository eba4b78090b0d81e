// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fd_foreach_line over a memfd holding the input, or over a SOCK_SEQPACKET
 * socket that hands it over in records of a chosen size (so lines straddle
 * every possible read boundary, as with /dev/kmsg or a pipe): every line
 * handed to the callback must be the input's line (NULs as spaces), or its
 * head when the line is longer than the reader's buffer, in order, each
 * exactly once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
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

/* The input as records of chunk bytes; returns the read end, *size cut to what fitted. */
static int seqpacket(const uint8_t *data, size_t *size, size_t chunk)
{
	size_t off = 0;
	int sv[2];

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair: %s",
		   strerror(errno));
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	while (off < *size) {
		size_t n = *size - off < chunk ? *size - off : chunk;

		if (write(sv[1], data + off, n) != (ssize_t)n)
			break; /* socket buffer full: the rest is not sent */
		off += n;
	}
	close(sv[1]);
	*size = off;
	return sv[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect e = { 0 };
	size_t max_bytes, chunk;
	int fd, r;

	if (size < 3)
		return 0;
	e.stop_at = data[0]; /* 0: never stop early */
	max_bytes = (size_t)data[1] * 64 + 1;
	chunk = data[2]; /* 0: a memfd, read 4 KiB at a time */
	data += 3;
	size -= 3;
	if (chunk) {
		fd = seqpacket(data, &size, chunk);
	} else {
		fd = memfd_create("fuzz", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
		FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
		lseek(fd, 0, SEEK_SET);
	}
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded, allocation-free JSON scanner: calls back once per scalar with
 * its path, so that a reader picks the keys it knows and ignores the rest.
 * Pure (no I/O), for reports read back from a bundle; hostile input is an
 * error, never a crash: depth, key and path lengths are capped, and strict
 * RFC 8259 syntax is required.
 */
#ifndef KIC_JSCAN_H
#define KIC_JSCAN_H

#include <stddef.h>

#define JS_MAX_DEPTH 16
#define JS_MAX_PATH  256  /* "probes.memslots[].why" */
#define JS_MAX_VALUE 1024 /* longer strings are cut, never overflow */

enum js_type { JS_STRING, JS_NUMBER, JS_TRUE, JS_FALSE, JS_NULL };

/*
 * path: member names joined by '.', an array element as "[]" after its
 * array's name ("host.notes[]", "host.cpus[].midr"); idx: the element's
 * index in the innermost array around it, -1 outside arrays. val: the
 * decoded string (NUL-terminated, invalid UTF-8 and NULs replaced), the
 * number's text, or "" for true, false and null. Non-zero stops the scan.
 */
typedef int (*js_cb)(const char *path, long idx, enum js_type t, const char *val, void *ctx);

/*
 * Scans buf[0..len). Returns 0, the callback's non-zero value, -EINVAL for
 * malformed JSON or trailing garbage, -E2BIG past a limit above.
 */
int js_scan(const char *buf, size_t len, js_cb cb, void *ctx);

#endif

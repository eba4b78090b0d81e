/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KIC_FACTS_H
#define KIC_FACTS_H

#include "check.h"
#include "sysroot.h"

/* Stage 1: everything that can be read about the host without /dev/kvm. */
void facts_read(const struct sysroot *sr, struct host_facts *f);

/*
 * VMMs installed in trusted system directories; their versions come from
 * running them (only when allow_exec and live) within timeout_ms in all.
 */
void facts_detect_vmms(const struct sysroot *sr, struct host_facts *f, bool allow_exec,
		       int timeout_ms);

/* libkmod and libudev readers (devinfo.c). */
void devinfo_read(const struct sysroot *sr, struct host_facts *f);

void facts_note(struct host_facts *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void facts_add_evidence(struct host_facts *f, enum pa_source src, int bits, const char *detail);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The map picture of the text report (--map, and --verbose): for each VMM
 * judged, the regions of its default memory map on a log2 address scale
 * from 1 GiB to 4 PiB (2^52), three columns a bit, the IPA size the VM gets
 * as a line, and a legend naming what ends beyond it. Everything drawn comes
 * from vmm_result (the map the judge placed and judged on). 79 columns wide;
 * readable without colour, which only adds.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "render.h"

#define MAP_LO	  30 /* 1 GiB at column 0 */
#define MAP_HI	  52 /* 4 PiB at the last column */
#define MAP_COLS  ((MAP_HI - MAP_LO) * 3 + 1)
#define MAP_LABEL 12 /* "  " + 9 characters + " " */

#define C_IN	"\033[32m"
#define C_OUT	"\033[31m"
#define C_LINE	"\033[33m"
#define C_DIM	"\033[2m"
#define C_RESET "\033[0m"

/* Column of address a: 3 x log2(a / 1 GiB), rounded down; clipped to the scale. */
static int col_of(uint64_t a)
{
	int k = 63;
	uint64_t m;

	if (a < 1ULL << MAP_LO)
		return 0;
	while (!(a >> k))
		k--;
	if (k >= MAP_HI)
		return MAP_COLS - 1;
	/* The top 11 bits against 1024 x 2^(1/3) and 1024 x 2^(2/3). */
	m = k >= 10 ? a >> (k - 10) : a << (10 - k);
	return (k - MAP_LO) * 3 + (m >= 1626 ? 2 : m >= 1291 ? 1 : 0);
}

static const char *const units[] = { "PiB", "TiB", "GiB", "MiB", "KiB" };

/* v in the largest unit that divides it with fewer than 10000; false when none. */
static bool exact(char *dst, size_t len, uint64_t v)
{
	for (int i = 0; i < 5; i++) {
		int sh = 50 - 10 * i;

		if (v && !(v & ((1ULL << sh) - 1)) && v >> sh < 10000) {
			/* \1: a space wrap() does not break at */
			snprintf(dst, len, "%" PRIu64 "\1%s", v >> sh, units[i]);
			return true;
		}
	}
	return false;
}

/* "64 MiB", "256 GiB + 256 MiB", "8 TiB - 4 KiB"; else hex. */
static void fmt_size(char *dst, size_t len, uint64_t v)
{
	char a[16], b[16];

	if (!v) {
		snprintf(dst, len, "0");
		return;
	}
	if (exact(dst, len, v))
		return;
	for (int sh = 50; sh >= 30; sh -= 10) {
		uint64_t lo = v >> sh << sh, hi = lo + (1ULL << sh);

		if (!lo)
			continue;
		if (exact(a, sizeof(a), lo) && exact(b, sizeof(b), v - lo)) {
			snprintf(dst, len, "%s\1+\1%s", a, b);
			return;
		}
		if (exact(a, sizeof(a), hi) && exact(b, sizeof(b), hi - v)) {
			snprintf(dst, len, "%s\1-\1%s", a, b);
			return;
		}
	}
	snprintf(dst, len, "0x%" PRIx64, v);
}

static const char *cell_color(char ch)
{
	switch (ch) {
	case '#':
		return C_IN;
	case 'x':
		return C_OUT;
	case '|':
		return C_LINE;
	case '.':
		return C_DIM;
	default:
		return NULL;
	}
}

/* The cells, one escape a run of the same colour. */
static void put_cells(FILE *f, bool color, const char *cells, int n)
{
	const char *cur = NULL;

	for (int c = 0; c < n; c++) {
		const char *want = color ? cell_color(cells[c]) : NULL;

		if (want != cur) {
			fputs(cur ? C_RESET : "", f);
			fputs(want ? want : "", f);
			cur = want;
		}
		fputc(cells[c], f);
	}
	if (cur)
		fputs(C_RESET, f);
}

static void axis(FILE *f)
{
	static const char *const ticks[] = { "1G", "4G",  "16G", "64G",	 "256G", "1T",
					     "4T", "16T", "64T", "256T", "1P",	 "4P" };
	char line[MAP_LABEL + MAP_COLS + 8];
	int o;

	memset(line, ' ', sizeof(line));
	for (int i = 0; i < 12; i++)
		memcpy(line + MAP_LABEL + i * 6, ticks[i], strlen(ticks[i]));
	o = MAP_LABEL + 11 * 6 + (int)strlen(ticks[11]);
	line[o] = '\0';
	fprintf(f, "%s\n", line);
	memset(line, '-', sizeof(line));
	memset(line, ' ', MAP_LABEL);
	for (int i = 0; i < 12; i++)
		line[MAP_LABEL + i * 6] = '+';
	line[MAP_LABEL + MAP_COLS] = '\0';
	fprintf(f, "%s\n", line);
}

/* One region's row: # placed within the line, x beyond, . room for RAM. */
static void row(FILE *f, bool color, const struct vmm_map_region *g, int limit_col,
		uint64_t room_end)
{
	char cells[MAP_COLS];
	int c0 = col_of(g->base), c1 = col_of(g->base + g->size - 1);
	int last = 0;

	memset(cells, ' ', sizeof(cells));
	if (room_end > g->base + g->size)
		for (int c = c0; c <= col_of(room_end - 1) && c < MAP_COLS; c++)
			cells[c] = '.';
	for (int c = c0; c <= c1 && c < MAP_COLS; c++)
		cells[c] = g->beyond && c >= limit_col ? 'x' : '#';
	if (limit_col >= 0 && limit_col < MAP_COLS && cells[limit_col] == ' ')
		cells[limit_col] = '|';
	for (int c = 0; c < MAP_COLS; c++)
		if (cells[c] != ' ')
			last = c + 1;
	fprintf(f, "  %-9.9s ", g->name);
	put_cells(f, color, cells, last);
	fputc('\n', f);
}

/* Words of s, wrapped at 80 columns, continuation lines indented by ind; \1 is a space. */
static void wrap(FILE *f, const char *s, int used, int ind)
{
	while (*s) {
		const char *e = s;
		int n;

		while (*e && *e != ' ')
			e++;
		n = (int)(e - s);
		if (used + 1 + n > 80 && used > ind) {
			fprintf(f, "\n%*s", ind, "");
			used = ind;
		} else if (used > ind) {
			fputc(' ', f);
			used++;
		}
		for (int i = 0; i < n; i++)
			fputc(s[i] == '\1' ? ' ' : s[i], f);
		used += n;
		s = *e ? e + 1 : e;
	}
	fputc('\n', f);
}

static void legend(FILE *f, const struct vmm_result *v)
{
	char line[320], sz[40], at[40];
	int n = 0;

	for (int i = 0; i < v->nregions; i++) {
		const struct vmm_map_region *g = &v->regions[i];

		if (!g->beyond)
			continue;
		if (!n++)
			fprintf(f, "  beyond the %d-bit line (x):\n", v->map_bits);
		fmt_size(sz, sizeof(sz), g->size);
		fmt_size(at, sizeof(at), g->base);
		snprintf(line, sizeof(line), "%s at %s: %s%s", sz, at, g->what,
			 g->opt_in ? " (only when used)" : "");
		fprintf(f, "    %-9s ", g->name);
		wrap(f, line, 14, 14);
	}
	if (!n)
		fprintf(f, "  nothing beyond the %d-bit line\n", v->map_bits);
}

static void ram_line(FILE *f, const struct vmm_result *v)
{
	char sz[40], at[40], top[40], max[40], line[240];
	uint64_t ram = 0, base = 0;
	bool first = true;

	for (int i = 0; i < v->nregions; i++)
		if (v->regions[i].ram && !strcmp(v->regions[i].name, "RAM")) {
			if (first)
				base = v->regions[i].base;
			first = false;
			ram += v->regions[i].size;
		}
	if (!ram)
		return;
	fmt_size(sz, sizeof(sz), ram);
	fmt_size(at, sizeof(at), base);
	fmt_size(top, sizeof(top), v->ram_top);
	fmt_size(max, sizeof(max), v->max_guest_ram);
	/* No guest runs: there is no largest RAM to show. */
	if (v->verdict == VV_HANGS)
		snprintf(line, sizeof(line),
			 "RAM: %s at %s as drawn; no RAM size helps: the guest hangs", sz, at);
	else if (v->verdict == VV_FAILS)
		snprintf(line, sizeof(line), "RAM: %s at %s as drawn; no RAM size helps: %s", sz,
			 at, v->vm_bits ? "the VMM fails with this map" : "no VM is created");
	else if (!v->max_guest_ram && v->ram_top)
		snprintf(line, sizeof(line), "RAM: %s at %s as drawn; the largest ends at %s (.)",
			 sz, at, top);
	else if (v->max_guest_ram && v->ram_top)
		snprintf(line, sizeof(line),
			 "RAM: %s at %s as drawn; the largest, %s, ends at %s (.)", sz, at, max,
			 top);
	else
		snprintf(line, sizeof(line),
			 "RAM: %s at %s as drawn; no RAM size makes the map fit the line", sz, at);
	fputs("  ", f);
	wrap(f, line, 2, 4);
}

static void one_map(FILE *f, bool color, const struct vmm_result *v)
{
	uint64_t limit = 1ULL << v->map_bits;
	int lc = col_of(limit);
	char line[MAP_LABEL + MAP_COLS + 40];
	int n;

	int last_ram = -1;

	/* The room for more RAM is drawn on the last RAM row. */
	for (int i = 0; i < v->nregions; i++)
		if (v->regions[i].ram && !strcmp(v->regions[i].name, "RAM"))
			last_ram = i;
	for (int i = 0; i < v->nregions; i++)
		row(f, color, &v->regions[i], lc, i == last_ram ? v->ram_top : 0);
	memset(line, ' ', sizeof(line));
	n = snprintf(line + MAP_LABEL + lc, sizeof(line) - MAP_LABEL - (size_t)lc, "^ %d bits",
		     v->map_bits);
	/* Near the right edge the caption goes left of the caret. */
	if (MAP_LABEL + lc + n > 79)
		n = snprintf(line + MAP_LABEL + lc - 8, sizeof(line) - MAP_LABEL - (size_t)lc + 8,
			     "%d bits ^", v->map_bits) -
		    8;
	line[MAP_LABEL + lc + n] = '\0';
	fprintf(f, "%s\n", line);
	legend(f, v);
	ram_line(f, v);
}

static void map_title(FILE *f, const struct vmm_result *v, int host_bits)
{
	char lim[40], got[40], line[240], host[24] = "", word[16];
	size_t i;
	int n;

	fmt_size(lim, sizeof(lim), 1ULL << v->map_bits);
	if (host_bits > 0 && host_bits != v->map_bits)
		snprintf(host, sizeof(host), "; the host %d", host_bits);
	/* The verdict word as the VMMs section prints it. */
	for (i = 0; vmm_verdict_name(v->verdict)[i] && i + 1 < sizeof(word); i++)
		word[i] = (char)toupper((unsigned char)vmm_verdict_name(v->verdict)[i]);
	word[i] = '\0';
	fmt_size(got, sizeof(got), v->vm_bits > 0 && v->vm_bits < 64 ? 1ULL << v->vm_bits : 0);
	n = snprintf(line, sizeof(line), "%s %s%s: %s; ", v->name, vmm_version_text(v),
		     v->what_if ? " [what-if]" : "", word);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	/*
	 * What the VM gets (its KVM_CREATE_VM size) and the line the map is drawn
	 * against (the most it could get here) are told apart: a refused VM gets
	 * nothing, type 0 on an unfixed kernel gets 40 bits the host lacks, QEMU
	 * >= 7.0 asks only for what its map needs.
	 */
	if (!v->vm_bits)
		snprintf(line + n, sizeof(line) - (size_t)n, "%sdrawn against %d IPA bits (%s%s)",
			 v->verdict == VV_FAILS ? "no VM is created; " : "", v->map_bits, lim,
			 host);
	else if (v->vm_bits == v->map_bits)
		snprintf(line + n, sizeof(line) - (size_t)n, "the VM gets %d IPA bits (%s%s)",
			 v->map_bits, lim, host);
	else
		snprintf(line + n, sizeof(line) - (size_t)n,
			 "the VM gets %d IPA bits (%s); drawn against %d (%s%s)", v->vm_bits, got,
			 v->map_bits, lim, host);
	wrap(f, line, 0, 2);
}

void render_map(FILE *out, bool color, const struct assessment *a)
{
	if (!a->nvmms)
		return;
	fputs("Memory maps (log2 scale; # in reach, x beyond the line, | the IPA size):\n", out);
	for (int i = 0; i < a->nvmms; i++) {
		const struct vmm_result *v = &a->vmms[i];

		if (v->map_bits < 32 || v->map_bits > 63 || v->nregions > KIC_MAX_REGIONS) {
			fprintf(out, "%s %s%s: no map: %s\n", v->name, vmm_version_text(v),
				v->what_if ? " [what-if]" : "",
				a->judged_arch != ARCH_ARM64 ? "only arm64 VMs have an IPA size"
				: !v->version[0] ? "its releases' maps differ (give its version)"
						 : "the IPA size the VM gets is not known");
			continue;
		}
		map_title(out, v, ipa_bits(a->ipa_limit));
		axis(out);
		one_map(out, color, v);
	}
}

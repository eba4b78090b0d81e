// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host facts from sysroot fixtures (tests/fixtures/<class>/, plain files as
 * util-linux keeps its lscpu dumps); each fixture's "expected" file says what
 * facts_read() must find. Also checks that garbage never crashes a read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "parse.h"
#include "sysroot.h"
#include "tap.h"

static const char *fmt_key(int fmt)
{
	static const char *const k[] = { "none", "new", "5.10-warn", "old-4.20", "pre-4.20" };

	return fmt >= 0 && fmt < 5 ? k[fmt] : "?";
}

static bool has_note(const struct host_facts *f, const char *text)
{
	for (int i = 0; i < f->nnotes; i++)
		if (strstr(f->notes[i], text))
			return true;
	return false;
}

static void check_key(const char *name, const struct host_facts *f, const char *key,
		      const char *val)
{
	unsigned long long u = strtoull(val, NULL, 0);
	int cpu;

	if (!strcmp(key, "arch"))
		is_str(kic_arch_name(f->arch), val, "%s: arch", name);
	else if (!strcmp(key, "kernel_release"))
		is_str(f->kernel_release, val, "%s: kernel release", name);
	else if (!strcmp(key, "ncpus"))
		is_int(f->ncpus, u, "%s: CPU count", name);
	else if (sscanf(key, "cpu%d_midr", &cpu) == 1)
		ok(cpu < f->ncpus && f->cpus[cpu].midr_valid && f->cpus[cpu].midr == u,
		   "%s: cpu%d MIDR %s", name, cpu, val);
	else if (!strcmp(key, "core_pa_bits"))
		is_int(f->core_pa_bits, u, "%s: documented core PA bits", name);
	else if (!strcmp(key, "log_ipa_limit"))
		is_int(ipa_bits(f->log_ipa_limit), u, "%s: kernel log IPA limit", name);
	else if (!strcmp(key, "log_format"))
		is_str(fmt_key(f->log_format), val, "%s: kernel log format", name);
	else if (!strcmp(key, "ram_top"))
		is_int(f->ram_top, u, "%s: RAM top", name);
	else if (!strcmp(key, "iomem_top"))
		is_int(f->iomem_top, u, "%s: iomem top", name);
	else if (!strcmp(key, "x86_phys_bits"))
		is_int(f->x86_phys_bits, u, "%s: x86 address sizes", name);
	else if (!strcmp(key, "kvm_arm_mode"))
		is_str(f->kvm_arm_mode, val, "%s: kvm-arm.mode", name);
	else if (!strcmp(key, "vmm"))
		ok(f->nvmms_found > 0 &&
			   !strncmp(val, f->vmms_found[0].name, strlen(f->vmms_found[0].name)) &&
			   !strcmp(val + strlen(f->vmms_found[0].name) + 1,
				   f->vmms_found[0].version),
		   "%s: VMM found offline: %s (got %s %s)", name, val,
		   f->nvmms_found ? f->vmms_found[0].name : "-",
		   f->nvmms_found ? f->vmms_found[0].version : "-");
	else if (!strcmp(key, "log_default_warned"))
		is_int(f->log_default_warned, u, "%s: upgrade-your-VMM line", name);
	else if (!strcmp(key, "log_protected"))
		is_int(f->log_protected, u, "%s: pKVM mode line", name);
	else if (!strcmp(key, "log_pkvm_refused"))
		is_int(f->log_pkvm_refused, u, "%s: \"Protected KVM not available\" line", name);
	else if (!strcmp(key, "log_kvm_mode"))
		is_str(f->log_kvm_mode, val, "%s: KVM mode line", name);
	else if (!strcmp(key, "note"))
		ok(has_note(f, val), "%s: a note says \"%s\"", name, val);
	else
		ok(0, "%s: unknown key '%s' in expected", name, key);
}

static void check_fixture(const char *dir, const char *name)
{
	static struct host_facts f;
	char path[512], line[512];
	struct sysroot sr;
	FILE *exp;

	snprintf(path, sizeof(path), "%s/%s/expected", dir, name);
	exp = fopen(path, "re");
	if (!exp)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(&f, 0, sizeof(f));
	ok(sr_open(&sr, path) == 0, "%s: sysroot opens", name);
	facts_read(&sr, &f);
	facts_detect_vmms(&sr, &f, false, 0); /* offline: never runs anything */
	sr_close(&sr);
	ok(!f.live, "%s: a fixture is never the live host", name);
	while (fgets(line, sizeof(line), exp)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		check_key(name, &f, line, eq + 1);
	}
	fclose(exp);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	ok(n > 2, "fixture directory %s is readable", dir);
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.')
			check_fixture(dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(n > 0 ? ents : NULL);
	return done_testing();
}

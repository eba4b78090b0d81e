#!/usr/bin/env python3
"""The what-if examples of README.md and man/kvm-ipa-check.1, as written there.

An example is a code block with one "$ kvm-ipa-check ..." line that has
--ipa-limit, --kernel or --vmm, the verdict line printed beside it and the
per-VMM "[what-if]" lines it shows. Used by tests/test_whatif.sh (this host,
arm64 --sysroot trees) and tests/arm64/run-matrix (real arm64 KVM hosts), so
both check the same examples, taken from the documents, never retyped.

As a program: whatif_examples.py README MANPAGE OUTDIR prints one line per
example, fields split by US (\\037, not a blank: empty fields stay):
SOURCE, ARGS, STATUS, VERDICT-PREFIX, VMM=VERSION=VERDICT ..., N; the lines
the example shows (all but the command and "..." lines) go to OUTDIR/lines.N.
"""
import re
import sys

WHATIF = re.compile(r"--(ipa-limit|kernel|vmm)\b")
STATUS = re.compile(r"^(?:KVM-IPA )?(OK|WARNING|CRITICAL|UNKNOWN)(?::| -) ")
VMM = re.compile(r"^  (\S+ \S+) \[what-if\] +: ([A-Z]+) ")
# What an argument may hold: the arm64 guest runs the examples through
# "su -c" (a shell), so nothing a shell would interpret.
SAFE_ARG = re.compile(r"^[A-Za-z0-9=._,:+-]+$")
EXIT_CODE = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def blocks_md(text):
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)


def blocks_man(text):
    out = []
    for b in re.findall(r"^\.EX\n(.*?)^\.EE", text, re.S | re.M):
        b = b.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")
        out.append(b)
    return out


def extract(readme, manpage):
    """[{source, args (list), status, prefix, vmms [(name, version, verdict)],
    lines, host_independent}] in document order. Raises ValueError for an
    example block that cannot be read unambiguously."""
    out = []
    for path, blocks in ((readme, blocks_md), (manpage, blocks_man)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for b in blocks(text):
            lines = b.splitlines()
            cmds = [l for l in lines
                    if l.startswith("$ ") and "kvm-ipa-check" in l and WHATIF.search(l)]
            if not cmds:
                continue
            if len(cmds) > 1:
                raise ValueError(f"{path}: one what-if command per example block, got {cmds}")
            args = cmds[0][2:].replace("sudo ", "").split("kvm-ipa-check", 1)[1].split()
            bad = [a for a in args if not SAFE_ARG.match(a)]
            if bad:
                raise ValueError(f"{path}: '{cmds[0]}': arguments a shell would interpret: {bad}")
            st = [l for l in lines if STATUS.match(l)]
            if len(st) != 1:
                raise ValueError(f"{path}: example '{cmds[0]}' shows no single verdict line")
            vmms = [(m.group(1).split()[0], m.group(1).split()[1], m.group(2).lower())
                    for m in map(VMM.match, lines) if m]
            names = {a.split("=", 1)[0] for a in args}
            out.append({
                "source": path.rsplit("/", 1)[-1],
                "args": args,
                "status": STATUS.match(st[0]).group(1),
                "prefix": st[0].split("...")[0],
                "vmms": vmms,
                "lines": [l for l in lines if l not in cmds and l.strip() != "..."],
                # man page, what-if: "With both --ipa-limit and --kernel nothing
                # of the judged host needs measuring: the verdict is the same on
                # any host, as root or as any user, with or without --no-probe"
                "host_independent": "--ipa-limit" in names and "--kernel" in names,
            })
    return out


def verdict_line(args, stdout):
    """The line that carries the verdict: the first with --nagios, else the
    "STATUS: " summary line (None when there is none, or more than one)."""
    lines = stdout.splitlines()
    if "--nagios" in args:
        return lines[0] if lines else None
    found = [l for l in lines if re.match(r"^(OK|WARNING|CRITICAL|UNKNOWN): ", l)]
    return found[0] if len(found) == 1 else None


def check(example, rc, stdout):
    """[(what was expected, what was seen)] for each way a run of EXAMPLE that
    exited RC and printed STDOUT differs from the example: exit status,
    verdict line, per-VMM verdicts. Empty when it gives the same verdicts."""
    bad = []
    code = EXIT_CODE[example["status"]]
    if rc != code:
        bad.append(("exit %d (%s)" % (code, example["status"]), "exit %s" % rc))
    line = verdict_line(example["args"], stdout)
    if line is None or not line.startswith(example["prefix"]):
        bad.append(("verdict line '%s...'" % example["prefix"], repr(line)))
    for name, version, verdict in example["vmms"]:
        rx = re.compile(r"^  %s %s \[what-if\] +: %s " % (re.escape(name), re.escape(version),
                                                           verdict.upper()), re.M)
        if not rx.search(stdout):
            seen = [l for l in stdout.splitlines() if l.startswith("  %s %s " % (name, version))]
            bad.append(("%s %s %s" % (name, version, verdict), repr(seen)))
    return bad


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    try:
        examples = extract(sys.argv[1], sys.argv[2])
    except ValueError as e:
        sys.exit(str(e))
    for n, e in enumerate(examples, 1):
        with open(f"{sys.argv[3]}/lines.{n}", "w") as f:
            f.writelines(l + "\n" for l in e["lines"])
        vmms = " ".join("=".join(v) for v in e["vmms"])
        print("\037".join((e["source"], " ".join(e["args"]), e["status"], e["prefix"], vmms,
                           str(n))))


if __name__ == "__main__":
    main()

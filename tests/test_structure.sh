#!/bin/sh
# The architecture and safety rules of src/, checked statically (README.md,
# docs/design.md): a change that breaks one fails here with file:line.
#
#   layers   host facts -> kvm probes -> assessment -> report: no file includes
#            a later stage's header (the include graph, every edge); the
#            stages' private headers stay inside; KVM ioctls only in stage 2;
#            every src file is placed in a stage
#   design   ... as docs/design.md ("Who owns what") places it
#   pure     the pure files (stage 3 and the parsers) do no I/O and keep no
#            mutable globals
#   cloexec  every call that creates an fd sets close-on-exec
#   exec     no shell, no PATH search: execve and fork only in the one runner
#            (vmm_run_version()), which runs binaries from absolute trusted dirs
#   args     command-line globals are static arg_*, set by parse_opt()
#   goto     goto only forward, to a cleanup label (out, fail[_what])
#
# Each rule is then run on a copy of src/ with one violation planted, and must
# report it at its file:line: a checker that cannot fail is no test.
#
# Usage: tests/test_structure.sh [BIN]   (BIN is not used: the sources are read)
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

tmp=$(mktemp -d)
trap '[ -n "${KIC_KEEP:-}" ] || rm -rf "$tmp"' EXIT

cat >"$tmp/check.py" <<'PY'
"""check.py < JOBS: one job a line, "ID<tab>ROOT<tab>RULE": RULE on ROOT/src (and
ROOT/docs/design.md). For each job prints "ID<tab>src/FILE:LINE: why" per
violation, "ID<tab># ..." for what was checked, then "ID<tab>!rc=0" (kept)
or "!rc=1" (violated). One process for all jobs: a file is parsed once."""
import bisect
import os
import re
import sys


# ---- the stages (docs/design.md, "Who owns what") ----------------------------
SHARED, FACTS, PROBES, ASSESS, REPORT, MAIN = range(6)
STAGE_NAME = ['shared', 'stage 1 (host facts)', 'stage 2 (KVM probes)',
              'stage 3 (assessment)', 'stage 4 (report)', 'main']
STAGE = {}
for names, st in (
        ('check.h common.c', SHARED),
        ('sysroot.c sysroot.h parse.c parse.h cpuid_arm.c cpuid_arm.h facts.c facts.h '
         'devinfo.c sosreport.c sosreport.h jscan.c jscan.h vmm_detect.c vmm_detect.h', FACTS),
        ('probe.c probe.h probe_vm.c probe_vm.h probe_arm64.c probe_x86.c', PROBES),
        ('assess.c assess.h vmm.c vmm.h vmm_version.c vmm_version.h', ASSESS),
        ('report.c report.h render.h render_text.c render_json.c render_map.c '
         'render_monitor.c json_writer.c json_writer.h', REPORT),
        ('kvm-ipa-check.c', MAIN)):
    for n in names.split():
        STAGE[n] = st

# design.md lists check.h and common.c under stage 3, but they are below every
# stage: check.h holds the structs all four stages fill and read ("each filling
# one struct of src/check.h"), common.c the run's deadline and stop flag
# (kic_now_ms(), probe_stop), which stage 3 must not touch.
DOC_STAGE_EXCEPT = {'check.h': ASSESS, 'common.c': ASSESS}

# Edges from an earlier stage to a later one's header, kept on purpose.
EDGE_ALLOW = {
    # design.md: vmm_version.c is "pure and without the table ... shared by
    # stage 1 (vmm_detect.c) and stage 3 (vmm.c)"; sosreport.c reads Debian
    # package versions with vmm_debian_upstream().
    ('vmm_detect.c', 'vmm_version.h'),
    ('sosreport.c', 'vmm_version.h'),
}

# Headers private to one stage (design.md): only that stage's files include them.
PRIVATE = {'probe_vm.h': PROBES, 'render.h': REPORT}

# Pure: stage 3, and what design.md calls pure in stage 1 (the parsers of
# outside text, the JSON scanner).
PURE = ['assess.c', 'vmm.c', 'vmm_version.c', 'parse.c', 'jscan.c']

# Mutable statics in pure files, kept on purpose.
GLOBAL_ALLOW = {
    # the --vmm error message's list of names, built once from the constant
    # rows[]: a memo, the same bytes on every call, never input to a verdict
    ('vmm.c', 'names'),
}

IO_CALLS = set('''
open openat openat2 creat close read write pread pwrite readv writev lseek
fopen fdopen freopen fclose fread fwrite fgets fgetc getc getchar getline getdelim
fscanf scanf vscanf vfscanf printf fprintf vprintf vfprintf dprintf vdprintf
puts fputs fputc putc putchar perror fflush setvbuf ioctl syscall mmap munmap
socket connect bind listen accept accept4 send recv sendmsg recvmsg poll select
stat fstat lstat fstatat statx access faccessat opendir fdopendir readdir closedir
readlink readlinkat realpath unlink unlinkat rename renameat mkdir rmdir chmod chown
truncate ftruncate getenv secure_getenv setenv putenv time clock_gettime gettimeofday
sleep usleep nanosleep fork vfork execve system popen kill raise signal sigaction
exit _exit err errx warn warnx error syslog getrandom getpid isatty dup dup2 dup3
pipe pipe2 kic_now_ms kic_interrupted kvm_ioctl
'''.split())
IO_NAMES = {'stdin', 'stdout', 'stderr', 'environ', 'probe_stop', 'kic_deadline_ms'}
IO_HEADERS = {'fcntl.h', 'unistd.h', 'dirent.h', 'sys/ioctl.h', 'sys/stat.h',
              'sys/socket.h', 'sys/syscall.h', 'sys/mman.h', 'sys/wait.h', 'poll.h',
              'signal.h', 'time.h', 'sys/time.h', 'err.h', 'syslog.h', 'libkmod.h',
              'libudev.h'}

# ---- fd-creating calls (rule 2) ----------------------------------------------
# name: (index of the flags argument, what it must contain)
FD_FLAG = {
    'open': (1, 'O_CLOEXEC'), 'openat': (2, 'O_CLOEXEC'), 'dup3': (2, 'O_CLOEXEC'),
    'pipe2': (1, 'O_CLOEXEC'), 'socket': (1, 'SOCK_CLOEXEC'),
    'socketpair': (1, 'SOCK_CLOEXEC'), 'accept4': (3, 'SOCK_CLOEXEC'),
    'memfd_create': (1, 'MFD_CLOEXEC'), 'eventfd': (1, 'EFD_CLOEXEC'),
    'timerfd_create': (1, 'TFD_CLOEXEC'), 'signalfd': (2, 'SFD_CLOEXEC'),
    'inotify_init1': (0, 'IN_CLOEXEC'), 'epoll_create1': (0, 'EPOLL_CLOEXEC'),
    'mkostemp': (1, 'O_CLOEXEC'), 'mkostemps': (2, 'O_CLOEXEC'),
    'userfaultfd': (0, 'O_CLOEXEC'), 'perf_event_open': (4, 'PERF_FLAG_FD_CLOEXEC'),
}
# These have no close-on-exec flag: use the one that has (dup -> fcntl
# F_DUPFD_CLOEXEC, pipe -> pipe2, opendir -> open O_DIRECTORY|O_CLOEXEC +
# fdopendir, ...), or allowlist the call site below.
FD_NOFLAG = {'creat', 'dup', 'dup2', 'pipe', 'accept', 'inotify_init', 'epoll_create',
             'mkstemp', 'mkstemps', 'tmpfile', 'opendir', 'posix_openpt', 'pidfd_open',
             'open_by_handle_at', 'fanotify_init'}
FD_MODE = {'fopen': 1, 'freopen': 1, 'popen': 1}  # the mode string must have 'e'
FD_ALLOW = {
    # (file, function, call): why. dup2 onto 0-2 must leave the fd inheritable:
    # it is a standard stream from then on.
    ('kvm-ipa-check.c', 'restore_stderr', 'dup2'): 'puts the saved stderr back on fd 2',
    ('kvm-ipa-check.c', 'capture_stderr', 'dup2'): 'points fd 2 at the --nagios memfd',
    ('vmm_detect.c', 'child_exec', 'dup2'): "the child's stdin/stdout/stderr before execve",
}
STD_FDS = {'0', '1', '2', 'STDIN_FILENO', 'STDOUT_FILENO', 'STDERR_FILENO'}
# KVM ioctls that return a new fd. The kernel makes them close-on-exec itself
# (virt/kvm/kvm_main.c: kvm_dev_ioctl_create_vm() get_unused_fd_flags(O_CLOEXEC),
# create_vcpu_fd() anon_inode_getfd(..., O_RDWR | O_CLOEXEC)); any other one
# (KVM_CREATE_DEVICE, KVM_GET_STATS_FD, KVM_CREATE_GUEST_MEMFD ...) is to be
# checked against the kernel and added here.
KVM_FD_IOCTLS = {'KVM_CREATE_VM', 'KVM_CREATE_VCPU'}
KVM_FD_OTHER = re.compile(r'\bKVM_(CREATE_(?!IRQCHIP\b|PIT2?\b)\w+|GET_STATS_FD)\b')

# ---- running programs (rule 3) -----------------------------------------------
NO_EXEC = {'system', 'popen', 'execl', 'execlp', 'execle', 'execv', 'execvp', 'execvpe',
           'execveat', 'fexecve', 'posix_spawn', 'posix_spawnp', 'vfork', 'clone', 'clone3',
           'wordexp'}
RUNNER = ('vmm_detect.c', 'vmm_run_version')  # the one trusted runner
RUNNER_ONLY = {'execve': 'child_exec', 'fork': 'vmm_run_version'}
TRUSTED_DIRS = ('trusted_bin_dirs', 'trusted_lib_dirs')

# ---- command-line globals (rule 4) -------------------------------------------
MAIN_FILE = 'kvm-ipa-check.c'
PARSER = 'parse_opt'
ARG_SET_ALLOW = {
    # --nagios is found before argp runs, so that argp's own usage errors
    # already come out as a monitoring-plugins UNKNOWN line
    ('parse_args', 'arg_format'),
    # --no-default-probe recorded in the what-if the assessment reads
    ('main', 'arg_whatif'),
}

# ---- goto (rule 5) -----------------------------------------------------------
# out: the common exit (release, return); fail: undo a half-done set-up, then
# out. A suffix names what is released (out_close), kernel style.
CLEANUP_LABEL = re.compile(r'(out|fail)(_[a-z0-9]+)*$')


def report(path, line, why):
    bad.append('%s:%d: %s' % (path, line, why))


def note(msg):
    notes.append('# ' + msg)


def blank(buf, i, j):
    for k in range(i, j):
        if buf[k] != '\n':
            buf[k] = ' '


# comments and literals, in the order C reads them (a quote in a comment is
# no literal, a slash in a literal no comment); a literal ends at its line
LEX = re.compile(r'//[^\n]*|/\*.*?(?:\*/|\Z)|"(?:\\.|[^"\\\n])*"?|\'(?:\\.|[^\'\\\n])*\'?', re.S)
# preprocessor lines, with their continuations
PP = re.compile(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', re.M)


def memo(f):
    """A method computed once per parsed file (the jobs share unchanged files)."""
    def get(self):
        if f.__name__ not in self.memo:
            self.memo[f.__name__] = f(self)
        return self.memo[f.__name__]
    return get


class Src:
    def __init__(self, name, text):
        self.name = name
        self.path = 'src/' + name
        self.text = text
        self.memo = {}
        self.lex()
        self.nls = [m.start() for m in re.finditer('\n', self.text)]
        self.parse()

    def lex(self):
        def no_comment(m):
            t = m.group(0)
            return t if t[0] in '"\'' else re.sub(r'[^\n]', ' ', t)

        def no_literal(m):
            t = m.group(0)
            return t if t[0] == '/' else t[0] + re.sub(r'[^\n]', ' ', t[1:-1]) + t[-1]
        self.strs = LEX.sub(no_comment, self.text)  # no comments, literals kept
        self.code = LEX.sub(no_literal, self.strs)  # no comments, literals blanked
        self.nopp = PP.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), self.code)

    def line(self, off):
        return bisect.bisect_left(self.nls, off) + 1

    def close_of(self, i, o='(', c=')'):
        depth = 0
        for m in re.compile(re.escape(o) + '|' + re.escape(c)).finditer(self.code, i):
            depth += 1 if m.group(0) == o else -1
            if depth == 0:
                return m.start()
        return len(self.code) - 1

    def parse(self):
        """Function definitions (name, body span, parameter names) and the
        file-scope declarations (text spans) from the code."""
        s = self.nopp
        self.funcs, self.decls = [], []
        depth, start, i = 0, 0, 0
        for m in re.finditer(r'[{};]', s):
            if m.start() < i:
                continue  # inside a function body
            i, c = m.start(), m.group(0)
            if c == '{' and depth == 0:
                head = s[start:i]
                h = re.search(r'(\w+)\s*\(([^;{}]*)\)\s*(?:__attribute__\s*\(\(.*\)\)\s*)?$',
                              head, re.S)
                if h and '=' not in head:
                    end = self.close_of(i, '{', '}')
                    params = [re.findall(r'\w+', p.split('[')[0])[-1:]
                              for p in split_args(h.group(2))]
                    self.funcs.append((h.group(1), i, end, [p[0] if p else '' for p in params]))
                    i, start = end + 1, end + 1
                    continue
                depth += 1
            elif c == '{':
                depth += 1
            elif c == '}':
                depth -= 1
            elif c == ';' and depth == 0:
                self.decls.append((start, i))
                start = i + 1

    def func_at(self, off):
        for f in self.funcs:
            if f[1] <= off <= f[2]:
                return f
        return None

    def is_call(self, off):
        """A call in a function or in a #define, not a declaration."""
        return self.func_at(off) is not None or self.nopp[off] == ' '

    def func(self, name):
        for f in self.funcs:
            if f[0] == name:
                return f
        return None

    def calls(self, names):
        """(offset, name, [argument spans]) of calls to names, not members."""
        if not hasattr(self, 'index'):
            self.index = {}
            for m in re.finditer(r'([A-Za-z_]\w*)\s*\(', self.code):
                if m.start() and self.code[m.start() - 1] in '.>' or \
                        (m.start() and (self.code[m.start() - 1].isalnum() or self.code[m.start() - 1] == '_')):
                    continue
                self.index.setdefault(m.group(1), []).append((m.start(), m.end() - 1))
        for name in names:
            for start, o in self.index.get(name, ()):
                yield start, name, self.spans(o)

    def spans(self, o):
        c = self.close_of(o)
        spans, depth, a = [], 0, o + 1
        for m in re.finditer(r'[(\[{}\])]|,', self.code[o + 1:c]):
            ch, j = m.group(0), o + 1 + m.start()
            if ch in '([{':
                depth += 1
            elif ch in ')]}':
                depth -= 1
            elif depth == 0:
                spans.append((a, j))
                a = j + 1
        spans.append((a, c))
        return spans

    @memo
    def labels(self):
        """{(function, label): offset} of the labels in function bodies."""
        out = {}
        for m in re.finditer(r'^[ \t]*([A-Za-z_]\w*)[ \t]*:(?![:=])', self.code, re.M):
            if m.group(1) in ('default', 'case') or not self.func_at(m.start()):
                continue
            before = [x for x in self.code[:m.start()][-400:].split('\n')
                      if x.strip() and not x.lstrip().startswith('#')]
            if before and before[-1].rstrip()[-1:] not in (';', '{', '}', ':'):
                continue  # a ternary's continuation line
            out.setdefault((self.func_at(m.start())[0], m.group(1)), m.start())
        return out

    @memo
    def words(self):
        """Every identifier of the code: to skip a file that cannot match."""
        return set(re.findall(r'[A-Za-z_]\w*', self.code))

    def arg(self, span):
        return ' '.join(self.strs[span[0]:span[1]].split())

    @memo
    def variables(self):
        """File-scope variable definitions: (name, offset, is_static, is_const)."""
        out = []
        for a, b in self.decls:
            d = self.nopp[a:b]
            flat = collapse(d)
            if re.match(r'\s*(typedef|extern)\b', flat) or not flat.strip():
                continue
            if re.fullmatch(r'\s*(struct|enum|union)\s+\w*\s*\{\}\s*', flat):
                continue
            if '=' not in flat and re.search(r'\)\s*(__attribute__\s*\(\(.*\)\)\s*)?$', flat):
                continue  # a prototype
            static = re.match(r'\s*(static\b|.*\bstatic\b)', flat) is not None
            for k, piece in enumerate(split_args(flat)):
                decl = piece.split('=')[0]
                names = re.findall(r'[A-Za-z_]\w*', re.sub(r'\[[^\]]*\]', '', decl))
                if not names:
                    continue
                name = names[-1]
                typ = decl[:decl.rfind(name)]
                if k == 0:
                    first_typ = typ
                else:
                    typ = first_typ + typ
                const = ('*' not in typ and re.search(r'\bconst\b', typ) is not None) or \
                    re.search(r'\*\s*const\s*$', typ) is not None
                off = a + d.find(name)
                out.append((name, off, static, const))
        return out

    @memo
    def static_locals(self):
        """Mutable static variables inside functions: (name, offset)."""
        out = []
        for f in self.funcs:
            body = self.nopp[f[1]:f[2]]
            for m in re.finditer(r'\bstatic\b', body):
                depth, j = 0, m.end()
                while j < len(body) and not (depth == 0 and body[j] in ';=('):
                    depth += {'{': 1, '}': -1}.get(body[j], 0)
                    j += 1
                decl = collapse(body[m.end():j])
                names = re.findall(r'[A-Za-z_]\w*', re.sub(r'\[[^\]]*\]', '', decl))
                if not names or body[j:j + 1] == '(':
                    continue
                typ = decl[:decl.rfind(names[-1])]
                if ('*' not in typ and re.search(r'\bconst\b', typ)) or \
                        re.search(r'\*\s*const\s*$', typ):
                    continue
                out.append((names[-1], f[1] + m.start()))
        return out


def split_args(s):
    out, depth, a = [], 0, 0
    for j, ch in enumerate(s):
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        elif ch == ',' and depth == 0:
            out.append(s[a:j])
            a = j + 1
    out.append(s[a:])
    return [x for x in out if x.strip()]


def collapse(s):
    """Brace contents dropped: 'x[] = { 1, 2 }' -> 'x[] = {}'."""
    out, depth = [], 0
    for ch in s:
        if ch == '{':
            if depth == 0:
                out.append('{')
            depth += 1
        elif ch == '}':
            depth -= 1
            if depth == 0:
                out.append('}')
        elif depth == 0:
            out.append(ch)
    return ''.join(out)


CACHE = {}


def load(root):
    out = {}
    for n in sorted(os.listdir(os.path.join(root, 'src'))):
        if not re.search(r'\.[ch]$', n):
            continue
        with open(os.path.join(root, 'src', n), encoding='utf-8', errors='replace') as f:
            text = f.read()
        if (n, text) not in CACHE:
            CACHE[(n, text)] = Src(n, text)
        out[n] = CACHE[(n, text)]
    return out


# ---- rule 1: layers ----------------------------------------------------------
def rule_layers():
    edges = 0
    for n, s in SRC.items():
        if n not in STAGE:
            report(s.path, 1, 'not placed in a stage: add it to docs/design.md '
                   '("Who owns what") and to STAGE in tests/test_structure.sh')
            continue
        for m in re.finditer(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', s.strs, re.M):
            h, ln = m.group(1), s.line(m.start())
            edges += 1
            if h not in STAGE:
                report(s.path, ln, 'includes "%s", which is no file of src/ placed in a stage' % h)
                continue
            if h in PRIVATE and STAGE[n] != PRIVATE[h]:
                report(s.path, ln, 'includes "%s", private to %s (%s is %s)'
                       % (h, STAGE_NAME[PRIVATE[h]], n, STAGE_NAME[STAGE[n]]))
            elif STAGE[h] > STAGE[n] and (n, h) not in EDGE_ALLOW:
                report(s.path, ln, '%s includes "%s" of %s: a stage includes only '
                       'earlier stages\' headers' % (STAGE_NAME[STAGE[n]], h, STAGE_NAME[STAGE[h]]))
    # stage 2 alone talks to KVM, and opens nothing else
    for n, s in SRC.items():
        probes = STAGE.get(n) == PROBES
        for off, name, spans in s.calls({'ioctl', 'kvm_ioctl'}):
            if not probes and s.is_call(off):
                report(s.path, s.line(off), '%s() outside stage 2 (KVM probes)' % name)
        for off, name, spans in s.calls({'open', 'openat', 'fopen'}):
            k = 1 if name == 'openat' else 0
            path = s.arg(spans[k]) if len(spans) > k else ''
            if not s.is_call(off):
                continue
            if probes and path != '"/dev/kvm"':
                report(s.path, s.line(off), '%s(%s) in stage 2: the probes open /dev/kvm only '
                       '(host files are read in stage 1, below the sysroot)' % (name, path))
            elif not probes and path == '"/dev/kvm"':
                report(s.path, s.line(off), 'opens /dev/kvm outside stage 2 (KVM probes)')
    note('%d files, %d #include "..." edges checked against the stage order' % (len(SRC), edges))


# ---- rule 1: design.md agrees with STAGE ---------------------------------------
def rule_design():
    path = os.path.join(ROOT, 'docs', 'design.md')
    doc, stage, where = {}, None, {}
    with open(path, encoding='utf-8') as f:
        for ln, line in enumerate(f, 1):
            m = re.match(r'###\s+(Stage\s+(\d)|Around the stages)', line)
            if m:
                stage = int(m.group(2)) if m.group(2) else MAIN
                continue
            if re.match(r'#{1,3}\s', line):
                stage = None
                continue
            if stage is None or not line.startswith('|'):
                continue
            cell = line.split('|')[1]
            for f_ in re.findall(r'`(?:src/)?([\w-]+\.[ch])`', cell):
                if f_ in doc and doc[f_] != stage:
                    report('docs/design.md', ln, 'src/%s is in %s there and in %s at line %d'
                           % (f_, STAGE_NAME[stage], STAGE_NAME[doc[f_]], where[f_]))
                doc.setdefault(f_, stage)
                where.setdefault(f_, ln)
    for n in SRC:
        if n not in STAGE:
            continue
        want = DOC_STAGE_EXCEPT.get(n, STAGE[n])
        if n not in doc:
            report('docs/design.md', 1, 'src/%s (%s here) is missing from "Who owns what"'
                   % (n, STAGE_NAME[STAGE[n]]))
        elif doc[n] != want:
            report('docs/design.md', where[n], 'src/%s is in %s there but %s in this test'
                   % (n, STAGE_NAME[doc[n]], STAGE_NAME[want]))
    for n in doc:
        if n not in SRC:
            report('docs/design.md', where[n], 'names src/%s, which does not exist' % n)
    note('%d files of docs/design.md agree with the stages checked here' % len(doc))


# ---- rule 1: the pure files do no I/O ------------------------------------------
def rule_pure():
    for n in PURE:
        s = SRC.get(n)
        if not s:
            report('src/' + n, 1, 'listed as pure but missing')
            continue
        for m in re.finditer(r'^[ \t]*#[ \t]*include[ \t]*<([^>]+)>', s.strs, re.M):
            if m.group(1) in IO_HEADERS:
                report(s.path, s.line(m.start()), 'pure file includes <%s>' % m.group(1))
        for off, name, _ in s.calls(IO_CALLS):
            if s.is_call(off):
                report(s.path, s.line(off), '%s(): I/O or process state in a pure file '
                       '(snprintf into a buffer is fine)' % name)
        for name in sorted(IO_NAMES & s.words()):
            for m in re.finditer(r'\b%s\b' % name, s.code):
                if s.code[max(0, m.start() - 2):m.start()][-1:] != '.' and \
                        s.code[max(0, m.start() - 2):m.start()] != '->':
                    report(s.path, s.line(m.start()), '%s: a stream or global in a pure file' % name)
        for name, off, static, const in s.variables():
            if not const and (n, name) not in GLOBAL_ALLOW:
                report(s.path, s.line(off), "'%s': a mutable global in a pure file" % name)
        for name, off in s.static_locals():
            if (n, name) not in GLOBAL_ALLOW:
                report(s.path, s.line(off), "'%s': a mutable static in a pure file" % name)
    note('pure, no I/O, no mutable globals: %s' % ' '.join(PURE))


# ---- rule 2: close-on-exec -------------------------------------------------------
def flag_check(s, func, expr, want, depth=0):
    """[] when expr carries want: literally, through a parameter whose every
    caller in the file passes it, or through a local whose every assignment
    does. Else the places to blame: (offset of a caller, what it passes), or
    (None, expr) for the call site itself."""
    if re.search(r'\b%s\b' % want, expr):
        return []
    if depth > 4 or not func:
        return [(None, expr)]
    ids = set(re.findall(r'\b[A-Za-z_]\w*\b', expr))
    params = ids & set(func[3])
    if params:
        blame = []
        callers = [(o, sp) for o, _, sp in s.calls({func[0]}) if s.func_at(o)]
        if not callers:
            return [(None, expr)]
        for p in params:
            idx = func[3].index(p)
            for o, sp in callers:
                arg = s.arg(sp[idx]) if len(sp) > idx else ''
                blame += [(b if b is not None else o, e)
                          for b, e in flag_check(s, s.func_at(o), arg, want, depth + 1)]
        return blame
    body = s.code[func[1]:func[2]]
    for v in sorted(ids):
        sets = re.findall(r'(?<![\w.>])%s\s*=(?!=)\s*([^;,]*)' % v, body)
        if sets and all(not flag_check(s, func, e, want, depth + 1) for e in sets):
            return []
    return [(None, expr)]


def flags_report(s, where, blame, what):
    report(*where, what)
    for o, e in blame:
        if o is not None:
            report(s.path, s.line(o), 'passes %s, without the flag, down to the call at line %d'
                   % (e or 'nothing', where[1]))


def rule_cloexec():
    n_sites = n_allowed = 0
    names = set(FD_FLAG) | FD_NOFLAG | set(FD_MODE) | {'fcntl', 'syscall', 'ioctl', 'kvm_ioctl'}
    for n, s in SRC.items():
        for off, name, spans in s.calls(names):
            func = s.func_at(off)
            if not s.is_call(off):
                continue
            args = [s.arg(sp) for sp in spans]
            where = (s.path, s.line(off))
            fname = func[0] if func else '#define'
            if name == 'syscall':
                m = re.match(r'SYS_(\w+)$', args[0])
                if not m:
                    report(*where, 'syscall() with a number that is not SYS_*: cannot check it')
                    continue
                sysname, args = m.group(1), args[1:]
                if sysname == 'openat2':  # the flags are in struct open_how
                    n_sites += 1
                    how = re.findall(r'\.flags\s*=\s*([^,}]*)', s.code[func[1]:func[2]])
                    blame = [b for e in how for b in flag_check(s, func, e, 'O_CLOEXEC')]
                    if not how or blame:
                        flags_report(s, where, blame, 'openat2 without O_CLOEXEC in '
                                     'open_how.flags (in %s())' % fname)
                    continue
                if sysname not in FD_FLAG and sysname not in FD_NOFLAG:
                    continue
                name = sysname
            if name in ('ioctl', 'kvm_ioctl'):
                req = args[1] if len(args) > 1 else ''
                if req in KVM_FD_IOCTLS:
                    n_sites += 1
                    n_allowed += 1
                elif KVM_FD_OTHER.search(req):
                    n_sites += 1
                    report(*where, '%s returns an fd: check the kernel sets O_CLOEXEC on it, '
                           'then add it to KVM_FD_IOCTLS' % req)
                continue
            if name == 'fcntl':
                if len(args) > 1 and re.search(r'\bF_DUPFD\b', args[1]):
                    n_sites += 1
                    report(*where, 'fcntl(F_DUPFD): use F_DUPFD_CLOEXEC (in %s())' % fname)
                elif len(args) > 1 and 'F_DUPFD_CLOEXEC' in args[1]:
                    n_sites += 1
                continue
            n_sites += 1
            if (n, fname, name) in FD_ALLOW:
                n_allowed += 1
                if name in ('dup2', 'dup3') and (len(args) < 2 or args[1] not in STD_FDS):
                    report(*where, '%s() onto %s: only dup2 onto fd 0-2 is allowlisted'
                           % (name, args[1] if len(args) > 1 else '?'))
                continue
            if name in FD_MODE:
                mode = args[FD_MODE[name]] if len(args) > FD_MODE[name] else ''
                if not re.fullmatch(r'"[^"]*e[^"]*"', mode):
                    report(*where, '%s() mode %s without "e" (O_CLOEXEC) (in %s())' % (name, mode or '?', fname))
            elif name in FD_NOFLAG:
                report(*where, '%s() creates an fd without close-on-exec (in %s()): use the '
                       'variant with a CLOEXEC flag, or allowlist it in FD_ALLOW with why' % (name, fname))
            else:
                idx, want = FD_FLAG[name]
                expr = args[idx] if len(args) > idx else ''
                blame = flag_check(s, func, expr, want)
                if blame:
                    flags_report(s, where, blame, '%s() without %s (flags: %s, in %s())'
                                 % (name, want, expr or 'none', fname))
    note('%d fd-creating call sites checked, %d of them allowlisted (dup2 onto 0-2, '
         'KVM_CREATE_VM/VCPU)' % (n_sites, n_allowed))


# ---- rule 3: no shell, one runner ------------------------------------------------
def rule_exec():
    runner_calls = 0
    for n, s in SRC.items():
        if 'sh' in s.strs:
            for m in re.finditer(r'/bin/(ba|da|z|k|c|tc|fi)?sh\b|\bsh -c\b', s.strs):
                report(s.path, s.line(m.start()), 'a shell (%s): never run a shell' % m.group(0))
        for name in {'environ', '__environ'} & s.words():
            for m in re.finditer(r'\b%s\b' % name, s.code):
                if s.code[max(0, m.start() - 2):m.start()][-1:] != '.' and \
                        s.code[max(0, m.start() - 2):m.start()] != '->':
                    report(s.path, s.line(m.start()), '%s: a program run gets a clean environment' % name)
        for off, name, spans in s.calls(NO_EXEC):
            report(s.path, s.line(off), '%s(): no shell, no PATH search: run programs only '
                   'through %s() in src/%s' % (name, RUNNER[1], RUNNER[0]))
        for off, name, spans in s.calls(set(RUNNER_ONLY)):
            func = s.func_at(off)
            if not s.is_call(off):
                continue
            if n != RUNNER[0] or not func or func[0] != RUNNER_ONLY[name]:
                report(s.path, s.line(off), '%s() outside the trusted runner (%s() in src/%s)'
                       % (name, RUNNER_ONLY[name], RUNNER[0]))
            elif name == 'execve':
                args = [s.arg(sp) for sp in spans]
                if args[0] != func[3][0]:
                    report(s.path, s.line(off), 'execve() of %s, not the runner\'s path' % args[0])
        for off, name, spans in s.calls({RUNNER[1]}):
            if not s.is_call(off):
                continue
            runner_calls += 1
            if n != RUNNER[0]:
                report(s.path, s.line(off), '%s() called outside src/%s: it runs only the '
                       'binaries found in the trusted directories' % (RUNNER[1], RUNNER[0]))
    s = SRC.get(RUNNER[0])
    if not s or not s.func(RUNNER[1]):
        report('src/' + RUNNER[0], 1, 'the trusted runner %s() is gone: update RUNNER' % RUNNER[1])
        return
    for arr in TRUSTED_DIRS:
        m = re.search(r'\b%s\s*\[\s*\]\s*=\s*\{' % arr, s.code)
        if not m:
            report(s.path, 1, '%s[] is gone: update TRUSTED_DIRS' % arr)
            continue
        end = s.close_of(m.end() - 1, '{', '}')
        for lit in re.finditer(r'"([^"]*)"', s.strs[m.end():end]):
            d = lit.group(1)
            if not d.startswith('/') or '/..' in d or d.startswith(('/tmp', '/var/tmp', '/dev/shm')):
                report(s.path, s.line(m.end() + lit.start()),
                       '%s has "%s": trusted directories are absolute system paths' % (arr, d))
    note('execve/fork only in %s; %d call(s) of %s(); %s absolute'
         % (RUNNER[0], runner_calls, RUNNER[1], ' and '.join(TRUSTED_DIRS)))


# ---- rule 4: command-line globals ------------------------------------------------
WRITE = r'(?<![\w.>])(?<!->)\b(%s)\b((?:\s*(?:\.|->)\s*\w+|\s*\[[^\]]*\])*)\s*(?:([-+*/%%&|^]|<<|>>)?=(?!=)|\+\+|--)'


def rule_args():
    for n, s in SRC.items():
        for name, off, static, const in s.variables():
            if name.startswith('arg_') and (n != MAIN_FILE or not static):
                report(s.path, s.line(off), "'%s': command-line globals are static in src/%s"
                       % (name, MAIN_FILE))
        for m in re.finditer(r'\bextern\b[^;]*\barg_\w+', s.nopp):
            report(s.path, s.line(m.start()), 'an extern arg_*: command-line globals stay in src/%s'
                   % MAIN_FILE)
    s = SRC.get(MAIN_FILE)
    if not s or not s.func(PARSER):
        report('src/' + MAIN_FILE, 1, '%s() is gone: update PARSER' % PARSER)
        return
    gvars = {name: off for name, off, static, const in s.variables() if not const}
    # parse_opt() and the file's functions it calls, transitively
    closure, todo = set(), [PARSER]
    while todo:
        f = s.func(todo.pop())
        if not f or f[0] in closure:
            continue
        closure.add(f[0])
        body = s.code[f[1]:f[2]]
        todo += [c for c in re.findall(r'\b(\w+)\s*\(', body) if s.func(c)]
    set_by_parser = set()
    for fname in sorted(closure):
        f = s.func(fname)
        body = s.code[f[1]:f[2]]
        for m in re.finditer(WRITE % '|'.join(gvars) if gvars else r'(?!)', body):
            set_by_parser.add(m.group(1))
        for m in re.finditer(r'(?<!&)&\s*(\w+)', body):
            if m.group(1) in gvars:
                set_by_parser.add(m.group(1))
    for v in sorted(set_by_parser):
        if not v.startswith('arg_'):
            f = s.func(PARSER)
            m = re.search(r'\b%s\b' % v, s.code[f[1]:f[2]])
            ln = s.line(f[1] + m.start()) if m else s.line(gvars[v])
            report(s.path, ln, "'%s' is set from the command line (%s()): name it arg_%s"
                   % (v, PARSER, v))
    for v, off in sorted(gvars.items()):
        if v.startswith('arg_') and v not in set_by_parser:
            report(s.path, s.line(off), "'%s' is never set by %s(): arg_* globals hold "
                   'options only' % (v, PARSER))
    args = [v for v in gvars if v.startswith('arg_')]
    for f in s.funcs:
        if f[0] in closure or not args:
            continue
        for m in re.finditer(WRITE % '|'.join(args), s.code[f[1]:f[2]]):
            if (f[0], m.group(1)) not in ARG_SET_ALLOW:
                report(s.path, s.line(f[1] + m.start()), "%s() changes '%s': only %s() sets "
                       'the command-line globals' % (f[0], m.group(1), PARSER))
    note('%d arg_* globals, all set by %s() (%s)' % (len(args), PARSER, ', '.join(sorted(closure))))


# ---- rule 5: goto ------------------------------------------------------------------
def rule_goto():
    n_goto = 0
    for n, s in SRC.items():
        labels = s.labels()
        used = set()
        for m in re.finditer(r'\bgoto\s+(\w+)\s*;', s.code):
            n_goto += 1
            f = s.func_at(m.start())
            key = (f[0] if f else '', m.group(1))
            used.add(key)
            if not CLEANUP_LABEL.match(m.group(1)):
                report(s.path, s.line(m.start()), "goto %s: goto only to a cleanup label "
                       '(out, fail[_what])' % m.group(1))
            elif key in labels and labels[key] < m.start():
                report(s.path, s.line(m.start()), 'goto %s jumps back (label at line %d): '
                       'goto is only for cleanup, a loop is a loop' % (m.group(1), s.line(labels[key])))
        for key, off in labels.items():
            if not CLEANUP_LABEL.match(key[1]):
                report(s.path, s.line(off), "label '%s' in %s(): labels are cleanup labels "
                       '(out, fail[_what])' % (key[1], key[0]))
            elif key not in used:
                report(s.path, s.line(off), "label '%s' in %s() is no goto's target" % key[::-1])
    note('%d gotos, all forward to out/fail' % n_goto)


for job in sys.stdin:
    jid, ROOT, rule = job.rstrip('\n').split('\t')
    SRC, bad, notes = load(ROOT), [], []
    globals()['rule_' + rule]()
    for b in notes + list(dict.fromkeys(bad)):
        print('%s\t%s' % (jid, b))
    print('%s\t!rc=%d' % (jid, 1 if bad else 0))
PY

RULES="layers design pure cloexec exec args goto"
: >"$tmp/jobs"
: >"$tmp/expect"
for rule in $RULES; do
	printf 'src-%s\t%s\t%s\n' "$rule" "$top" "$rule" >>"$tmp/jobs"
done

# copy_tree: a fresh copy of src/ and docs/design.md in $t ($tmp/tN); job RULE: RULE
# is run there; expect DESC TEXT: its output must name TEXT, and it must fail.
n=0
copy_tree() {
	n=$((n + 1))
	t=$tmp/t$n
	mkdir -p "$t/docs"
	cp -r "$top/src" "$t/"
	cp "$top/docs/design.md" "$t/docs/"
}
job() { printf 't%s\t%s\t%s\n' "$n" "$t" "$1" >>"$tmp/jobs"; }
expect() { printf 't%s\t%s\t%s\n' "$n" "$1" "$2" >>"$tmp/expect"; }

# plant RULE DESC FILE WHERE TEXT [TAIL]: TEXT put into a copy of src/FILE
# after line WHERE ("$" = at the end), and TAIL (what TEXT needs, e.g. a
# declaration) at its end; RULE must fail naming src/FILE:line of TEXT.
plant() {
	rule=$1 desc=$2 file=$3 at=$4 text=$5 tail=${6:-}
	case $at in
	'' | *[!0-9\$]*)
		fail "$rule catches $desc: its anchor is gone from src/$file (update this test)"
		return
		;;
	esac
	copy_tree
	f=$t/src/$file
	[ -f "$f" ] || : >"$f"
	[ "$at" = '$' ] && at=$(wc -l <"$f")
	{
		head -n "$at" "$f"
		printf '%s\n' "$text"
		tail -n +"$((at + 1))" "$f"
		[ -z "$tail" ] || printf '%s\n' "$tail"
	} >"$f.new" && mv "$f.new" "$f"
	job "$rule"
	expect "$rule catches $desc" "src/$file:$((at + 1)):"
}

# line_of PATTERN FILE: the number of the first line of src/FILE matching PATTERN.
line_of() { grep -n -m 1 -- "$1" "$top/src/$2" | cut -d: -f1; }

# rule 1: layers
plant layers 'stage 1 including stage 4' facts.c "$(line_of '#include "facts.h"' facts.c)" \
	'#include "report.h"'
plant layers 'stage 2 including stage 3' probe.c "$(line_of '#include "probe.h"' probe.c)" \
	'#include "assess.h"'
plant layers 'a private header outside its stage' kvm-ipa-check.c \
	"$(line_of '#include "report.h"' kvm-ipa-check.c)" '#include "render.h"'
plant layers 'a file in no stage' newstage.c 0 '#include "check.h"'
plant layers 'an ioctl outside stage 2' facts.c '$' \
	'int kic_planted(int fd) { return ioctl(fd, 0, 0); }'
plant layers '/dev/kvm opened outside stage 2' devinfo.c '$' \
	'int kic_planted(void) { return open("/dev/kvm", O_RDONLY | O_CLOEXEC); }'
plant layers 'a host file read in stage 2' probe_x86.c '$' \
	'int kic_planted(void) { return open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC); }'
plant pure 'an I/O call hidden in a #define' assess.c "$(line_of '#include "vmm.h"' assess.c)" \
	'#define KIC_PLANTED(x) fputs(x, stdout)'

# rule 1: design.md agrees (a row dropped from the copy of design.md)
copy_tree
# shellcheck disable=SC2016 # markdown's backquotes
grep -v '^| `src/jscan.c`' "$top/docs/design.md" >"$t/docs/design.md"
job design
expect 'design catches a file missing from design.md' 'src/jscan.c (stage 1'
copy_tree
# shellcheck disable=SC2016
sed 's/^| `src\/probe_arm64.c`/| `src\/assess.c`, `src\/probe_arm64.c`/' "$top/docs/design.md" \
	>"$t/docs/design.md"
job design
expect 'design catches a file design.md puts in another stage' 'src/assess.c is in stage 2'

# rule 1: pure
plant pure 'a fopen in assess.c' assess.c '$' \
	'int kic_planted(void) { return fopen("/etc/passwd", "re") != NULL; }'
plant pure 'a printf to a stream in vmm.c' vmm.c '$' \
	'void kic_planted(int x) { fprintf(stderr, "%d", x); }'
plant pure 'a read() in parse.c' parse.c '$' \
	'long kic_planted(int fd, char *b) { return read(fd, b, 1); }'
plant pure 'a mutable global in vmm_version.c' vmm_version.c '$' 'int kic_planted_state;'
plant pure 'an I/O header in jscan.c' jscan.c "$(line_of '#include <errno.h>' jscan.c)" \
	'#include <fcntl.h>'

# rule 2: cloexec
plant cloexec 'open() without O_CLOEXEC' facts.c '$' \
	'int kic_planted(void) { return open("/proc/x", O_RDONLY); }'
plant cloexec 'a multi-line openat() without O_CLOEXEC' vmm_detect.c '$' \
	'int kic_planted(int d) { return openat(d, "x",
		O_RDONLY | O_NOFOLLOW); }'
plant cloexec 'fopen() without "e"' sosreport.c '$' \
	'void *kic_planted(void) { return fopen("/proc/x", "r"); }'
plant cloexec 'pipe()' probe_vm.c '$' 'int kic_planted(int *p) { return pipe(p); }'
plant cloexec 'dup2 onto a non-std fd' kvm-ipa-check.c \
	"$(line_of 'dup2(saved_stderr, STDERR_FILENO)' kvm-ipa-check.c)" '	dup2(saved_stderr, 7);'
plant cloexec 'socket() without SOCK_CLOEXEC' devinfo.c '$' \
	'int kic_planted(void) { return socket(1, 1, 0); }'
plant cloexec 'an fd-returning KVM ioctl not reviewed' probe.c '$' \
	'int kic_planted(int vm) { return kvm_ioctl(vm, KVM_CREATE_DEVICE, 0); }'
# the flags reach openat() through parameters: a caller that drops O_CLOEXEC
plant cloexec 'a caller passing flags without O_CLOEXEC down to openat()' sysroot.c \
	"$(line_of 'fd = open_below(sr, rel, O_RDONLY | O_CLOEXEC' sysroot.c)" \
	'	fd = open_below(sr, rel, O_RDONLY);'
expect 'cloexec names the openat() the flags reach' 'openat() without O_CLOEXEC'

# rule 3: exec
plant exec 'system()' facts.c '$' 'int kic_planted(void) { return system("true"); }'
plant exec 'popen()' sosreport.c '$' 'void *kic_planted(void) { return popen("true", "re"); }'
plant exec 'execvp (PATH search)' vmm_detect.c '$' \
	'void kic_planted(char **a) { execvp(a[0], a); }'
plant exec '"/bin/sh" in a string' devinfo.c '$' 'const char *kic_planted = "/bin/sh";'
plant exec 'execve outside the runner' probe.c '$' \
	'void kic_planted(char **a, char **e) { execve("/usr/bin/x", a, e); }'
plant exec 'the runner called from another file' facts.c '$' \
	'int kic_planted(char *o) { return vmm_run_version("/usr/bin/x", "-v", 1, o, 9); }'
plant exec 'a relative trusted directory' vmm_detect.c \
	"$(line_of 'static const char \*const trusted_bin_dirs' vmm_detect.c)" '	"usr/games",'

# rule 4: args
plant args 'an option in a global not named arg_*' kvm-ipa-check.c \
	"$(line_of '	case .q.:' kvm-ipa-check.c)" \
	'	case 0x4b49: quiet_planted = true; break;' 'static bool quiet_planted;'
plant args 'a non-static arg_* global' kvm-ipa-check.c \
	"$(line_of '^static bool arg_quiet;' kvm-ipa-check.c)" 'bool arg_planted;'
plant args 'an arg_* global outside main' facts.c '$' 'static int arg_planted;'
plant args 'an arg_* global changed after parsing' kvm-ipa-check.c \
	"$(line_of '	facts_stage(&sr, &facts);' kvm-ipa-check.c)" '	arg_quiet = false;'

# rule 5: goto
plant goto 'a goto to a non-cleanup label' probe_vm.c "$(line_of '	if (ret < 0)' probe_vm.c)" \
	'		goto retry;'
plant goto 'a goto jumping back' devinfo.c "$(line_of '^out:' devinfo.c)" '	goto out;'
plant goto 'a label that is no cleanup label' sosreport.c \
	"$(($(line_of '^out:' sosreport.c) - 1))" 'again:'

# ---- one run for all ----
python3 "$tmp/check.py" <"$tmp/jobs" >"$tmp/out" 2>&1 || {
	fail "the checker ran"
	sed 's/^/#   /' "$tmp/out"
}
# result ID: the job's lines, "!rc=N" last
result() { sed -n "s/^$1	//p" "$tmp/out"; }

# the rules hold for src/
for rule in $RULES; do
	out=$(result "src-$rule")
	case $out in
	*'!rc=0') pass "$rule: $(echo "$out" | sed -n 's/^# //p' | head -n 1)" ;;
	*)
		fail "$rule:"
		echo "$out" | grep -v '^!rc=' | sed 's/^/#   /'
		;;
	esac
done

# each rule catches what was planted
while IFS='	' read -r id desc want; do
	out=$(result "$id")
	case $out in
	*'!rc=1') contains "$out" "$want" "$desc ($want)" ;;
	*) fail "$desc: it passed" ;;
	esac
done <"$tmp/expect"

done_testing

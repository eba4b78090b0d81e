#!/usr/bin/env python3
"""Extract the shell examples of README.md, docs/*.md and the man page.

Markdown: fenced ```sh blocks. Man page: .EX/.EE blocks under .SH EXAMPLES;
in a block with "$ " prompts only the prompted lines are commands (the rest
is output); an NRPE line "command[NAME]=CMD" is CMD. Writes DIR/NNN.sh and
DIR/NNN.where ("file:line").  Usage: extract_examples.py OUTDIR FILE...
"""
import os
import re
import sys


def groff(line):
    line = line.replace('\\-', '-').replace('\\e', '\\').replace('\\&', '')
    line = re.sub(r'\\\((lq|rq)', '"', line)
    line = re.sub(r'\\f[BIRP]', '', line)
    return line.replace('\\ ', ' ')


def markdown(path):
    out, cur, start = [], None, 0
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if cur is None and re.fullmatch(r'```sh\s*', line):
            cur, start = [], n + 1
        elif cur is not None and line.startswith('```'):
            out.append((start, '\n'.join(cur) + '\n'))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def manpage(path):
    out, cur, start, section = [], None, 0, ''
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if line.startswith('.SH'):
            section = line[3:].strip().strip('"')
        elif section == 'EXAMPLES' and line == '.EX':
            cur, start = [], n + 1
        elif cur is not None and line == '.EE':
            lines = [groff(l) for l in cur]
            if any(l.startswith('$ ') for l in lines):
                lines = [l[2:] for l in lines if l.startswith('$ ')]
            nrpe = [re.match(r'^command\[[^]]*\]=(.*)$', l) for l in lines]
            lines = [m.group(1) if m else l for m, l in zip(nrpe, lines)]
            out.append((start, '\n'.join(lines) + '\n'))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    i = 0
    for path in sys.argv[2:]:
        blocks = manpage(path) if re.search(r'\.[1-8]$', path) else markdown(path)
        for start, text in blocks:
            i += 1
            with open(os.path.join(outdir, '%03d.sh' % i), 'w') as f:
                f.write(text)
            with open(os.path.join(outdir, '%03d.where' % i), 'w') as f:
                f.write('%s:%d\n' % (path, start))
    print(i)


main()

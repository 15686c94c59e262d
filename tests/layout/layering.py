#!/usr/bin/python3
"""layering.py - the three layers of the code keep to their includes
(sim/minrisk.h, docs/ARCHITECTURE.md), label `layout`.

usage: layering.py SOURCE_ROOT

Reads the #include lines of every .c and .h under models/, out/ and sim/:
- models/ includes only "models/..." headers, and of the <...> headers only
  the C library's and GSL's (<gsl/...>);
- out/ includes only "out/..." and "models/..." headers (any <...> header:
  HDF5, MPI, the C library);
- sim/ may include any header of the project;
- every quoted include names an existing file, from the project root;
- no cycle among the project's headers.
Prints each violation as FILE:LINE: reason and exits 1 if there is any.
"""
import os
import re
import sys

LAYERS = ("models", "out", "sim")
# what a layer's quoted includes may name (their first folder)
ALLOWED = {"models": ("models",), "out": ("out", "models"), "sim": ("models", "out", "sim")}
# the C library (C17, 7.1.2); models/ may include these and <gsl/...> only
C_LIBRARY = {
    "assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "float.h", "inttypes.h",
    "iso646.h", "limits.h", "locale.h", "math.h", "setjmp.h", "signal.h", "stdalign.h",
    "stdarg.h", "stdatomic.h", "stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h",
    "stdnoreturn.h", "string.h", "tgmath.h", "threads.h", "time.h", "uchar.h", "wchar.h",
    "wctype.h",
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def sources(root):
    for layer in LAYERS:
        for d, _, files in os.walk(os.path.join(root, layer)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root)


def includes(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(1), m.group(2)


def find_cycles(edges):
    """Every cycle of the include graph, once each, as a list of headers."""
    cycles, state, stack = [], {}, []

    def visit(h):
        state[h] = 1  # on the stack
        stack.append(h)
        for _, to in edges.get(h, ()):
            if state.get(to) == 1:
                cycles.append(stack[stack.index(to):] + [to])
            elif to not in state:
                visit(to)
        stack.pop()
        state[h] = 2  # done

    for h in sorted(edges):
        if h not in state:
            visit(h)
    return cycles


def main():
    if len(sys.argv) != 2:
        print("usage: layering.py SOURCE_ROOT", file=sys.stderr)
        return 2
    root = sys.argv[1]
    problems = []
    edges = {}  # header -> [(line, header)] of the project's headers it includes
    files = list(sources(root))
    if not files:
        print("%s: no .c or .h under %s" % (root, ", ".join(LAYERS)), file=sys.stderr)
        return 2
    for rel in files:
        layer = rel.split(os.sep)[0]
        for n, kind, name in includes(root, rel):
            where = "%s:%d" % (rel, n)
            if kind == "<":
                if layer == "models" and name not in C_LIBRARY and not name.startswith("gsl/"):
                    problems.append("%s: <%s>: models/ includes only the C library and <gsl/...>"
                                    % (where, name))
                continue
            if not os.path.isfile(os.path.join(root, name)):
                problems.append('%s: "%s": no such file from the project root' % (where, name))
                continue
            top = name.split("/")[0] if "/" in name else ""
            if top not in ALLOWED[layer]:
                problems.append('%s: "%s": %s/ includes only %s headers'
                                % (where, name, layer,
                                   " and ".join('"%s/..."' % a for a in ALLOWED[layer])))
            if rel.endswith(".h") and name.endswith(".h"):
                edges.setdefault(rel, []).append((n, name))
    for cyc in find_cycles(edges):
        line = next(n for n, to in edges[cyc[0]] if to == cyc[1])
        problems.append("%s:%d: include cycle: %s" % (cyc[0], line, " -> ".join(cyc)))
    for p in problems:
        print(p)
    print("layering: %d files, %d violation%s" % (len(files), len(problems),
                                                  "" if len(problems) == 1 else "s"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

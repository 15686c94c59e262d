#!/usr/bin/env python3
"""doc_links_cases.py - doc_links.py on a made-up tree, label `layout`:
each kind of broken reference is reported, with its file:line, and the
sound ones are not. doc_links passing on the real docs says nothing unless
it can fail; here every line it prints is worked out by hand.

A citation of the model at the end of a sentence, "MODEL §99.", was
skipped (the number followed by '.' matched no citation), so a wrong
number there passed (until 2026-12-06). So did "MODEL §5m" where MODEL.md
only cites §5m in its text (any "§n" of the page counted as defined), and
a link to the second "## Notes" of a page, #notes-1 (GitHub's anchor for a
repeated heading), was reported broken (both until 2026-12-06). A
citation of another page's numbered section, "DATA.md §9", was not
checked at all (until 2026-12-07); then every cited name was looked for
in docs/ ("bench/RESULTS.md §1": "no page docs/RESULTS.md", and so a page
outside the tree), and "DATA.md §8a" was not checked (both until
2026-12-07).
usage: doc_links_cases.py DOC_LINKS_PY
"""
import os
import subprocess
import sys
import tempfile

MODEL = """# Model

## §3 Disruptions — `sim/x.c: draw`

The market (§5m): cited here, no heading defines it.

### §4 Supply

## Notes

## Notes
"""

README = """# Read me

[model](docs/MODEL.md#3-disruptions--simxc-draw) and [gone](docs/GONE.md);
[bad anchor](docs/MODEL.md#no-such-heading), sim/x.c and sim/y.c.
`sim/x.c: draw, undrawn` implements it.
MODEL §3 and MODEL.md §4. are defined.
See MODEL §99. Or MODEL §98, or (MODEL 97).
MODEL §3.1. is not defined either.
MODEL §5m is cited in MODEL.md's text, not defined.
[notes](docs/MODEL.md#notes), [notes again](docs/MODEL.md#notes-1), [a third](docs/MODEL.md#notes-2).
DATA.md §1 and docs/DATA.md §8.2 are defined; DATA.md §8.3, DATA.md §9. and GONE.md §1 are not.
Nor DATA.md §8a, nor bench/RESULTS.md §2; ../shared/data/FACTS.md §3 is outside the tree.
"""

DATA = """# Data

## 1. Supply

### 8.2 Stocks

## Notes on 9
"""

EXPECTED = [
    "README.md:3: docs/GONE.md: no such file",
    "README.md:3: docs/GONE.md: no such path in the source tree",
    "README.md:4: docs/MODEL.md#no-such-heading: no heading #no-such-heading in docs/MODEL.md",
    "README.md:4: sim/y.c: no such path in the source tree",
    "README.md:5: `sim/x.c: draw, undrawn`: no function undrawn in sim/x.c",
    "README.md:7: MODEL §99: no section 99 in docs/MODEL.md",
    "README.md:7: MODEL §98: no section 98 in docs/MODEL.md",
    "README.md:7: MODEL 97: no section 97 in docs/MODEL.md",
    "README.md:8: MODEL §3.1: no section 3.1 in docs/MODEL.md",
    "README.md:9: MODEL §5m: no section 5m in docs/MODEL.md",
    "README.md:10: docs/MODEL.md#notes-2: no heading #notes-2 in docs/MODEL.md",
    "README.md:11: DATA.md §8.3: no section 8.3 in docs/DATA.md",
    "README.md:11: DATA.md §9: no section 9 in docs/DATA.md",
    "README.md:11: GONE.md §1: no page docs/GONE.md",
    "README.md:12: DATA.md §8a: no section 8a in docs/DATA.md",
    "README.md:12: bench/RESULTS.md §2: no section 2 in bench/RESULTS.md",
    "doc_links: 4 pages, 16 broken links, paths or functions",
]


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    script = sys.argv[1]
    with tempfile.TemporaryDirectory() as root:
        write(root, "docs/MODEL.md", MODEL)
        write(root, "docs/DATA.md", DATA)
        write(root, "README.md", README)
        write(root, "bench/RESULTS.md", "# Results\n\n## 1. Runs\n\nNothing cited.\n")
        os.makedirs(os.path.join(root, "docs", "research"))
        write(root, "sim/x.c", "int draw(void)\n{\n    return 0;\n}\n")
        p = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
        got = p.stdout.splitlines()
        ok = p.returncode == 1 and got == EXPECTED and not p.stderr
        if not ok:
            print("status %d, stderr %r" % (p.returncode, p.stderr))
            for line in sorted(set(got) | set(EXPECTED), key=lambda x: (x not in got, x)):
                mark = " " if line in got and line in EXPECTED else "+" if line in got else "-"
                print("%s %s" % (mark, line))
            print("doc_links_cases: FAILED (+ printed, not expected; - expected, not printed)")
            return 1
        # the sound tree: the broken lines removed, nothing reported
        write(root, "README.md", "".join(README.splitlines(True)[:2]) + "MODEL §3 and MODEL.md §4.\n"
              "[notes again](docs/MODEL.md#notes-1), DATA.md §1 and docs/DATA.md §8.2.\n"
              "bench/RESULTS.md §1; ../shared/data/FACTS.md §3 (outside the tree).\n")
        p = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
        if p.returncode != 0 or p.stdout != "doc_links: 4 pages, 0 broken links, paths or functions\n":
            print("sound tree: status %d: %s%s" % (p.returncode, p.stdout, p.stderr))
            return 1
    print("doc_links_cases: %d broken references reported, the sound tree passes" % (len(EXPECTED) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""doc_links.py - the links and paths of the documentation resolve, label `layout`.

For README.md, every docs/*.md and docs/research/*.md and bench/RESULTS.md:
- each Markdown link [text](target) that is not a URL names a file or
  directory that exists (relative to the page), and its #anchor, if any, a
  heading of the page it names (GitHub's rule: lower case, spaces to '-',
  punctuation other than '-' and '_' dropped);
- each path of the source tree the text names, a word starting with one of
  the tree's top folders (docs/, scenarios/, tests/, sim/, out/, models/,
  bench/, python/, .ci/), exists from the project root, unless it is a
  pattern (holds '<', '*', '...', '$', '{' or an upper-case placeholder
  such as NAME.c or GROUP; an upper-case NAME.md is a page and checked), a program the build makes from a .c of that
  name (bench/rng_floor), or one of EXAMPLES, names the pages use for a
  user's file;
- each function named after its source file, `sim/trial.c: step_losses,
  store_metrics` (MODEL.md's sections name the code that implements
  them), is defined or called in that file: the name followed by '(';
- each citation of a section of the model, "MODEL §3u", "MODEL 3.1",
  "docs/MODEL.md §5m", "MODEL section 11", names a heading of
  docs/MODEL.md ("## §3u ...", "### §3.1 ..."); a "§n" of its text does
  not define n. At the end of a sentence too ("MODEL §4.": until
  2026-12-06 a number followed by '.' was not checked);
- each citation of a numbered section of another page, "DATA.md §8.2",
  "docs/DATA.md §4", "bench/RESULTS.md §1", names a heading of that page
  that starts with that number ("## 4. Events", "### 8.2 Commercial
  stocks", "## 8a. ..."; until 2026-12-07 these were not checked). A bare
  name is a page of docs/ (else of the top: README.md), a path is read
  from the top ("../" from the citing page); a page outside the tree
  ("../shared/data/FACTS.md §3") is not checked. Until 2026-12-07 every
  name was looked for in docs/, and a number with a letter ("§8a") was not
  checked.
Anchors follow GitHub's rule for repeated headings: the second "## Notes"
of a page is #notes-1, the third #notes-2 (until 2026-12-06 only #notes).
tests/layout/doc_links_cases.py runs it on a made-up tree with each kind
of break.
Prints one line per broken link, file:line: target, and exits 1 if any.
usage: doc_links.py SOURCE_ROOT
"""
import os
import re
import sys

TOP = ("docs", "scenarios", "tests", "sim", "out", "models", "bench", "python", ".ci")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
PATH = re.compile(r"(?<![\w./-])((?:%s)/[A-Za-z0-9_./<>*${}-]*)" % "|".join(re.escape(t) for t in TOP))
# a user's files in the pages' examples, not files of the tree
EXAMPLES = {
    "scenarios/x.yaml",  # SCENARIO_FORMAT.md, INTERFACE.md: the error format
    "scenarios/big.yaml",  # HPC.md: a scenario too large to run
    "tests/fuzz/regress/loader/",  # FUZZING.md: where a new crash input goes
}
CODEREF = re.compile(r"`([\w./-]+\.[ch]): ([\w, ]+)`")
MODELREF = re.compile(r"\bMODEL(?:\.md)?,? (?:section |§)?(\d+[a-z]?(?:\.\d+)?)(?!\w|\.\d)")
PAGEREF = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*)([A-Z][A-Z0-9_-]*)\.md,? §(\d+(?:\.\d+)*[a-z]?)(?![\w§]|\.\d)")
PLACEHOLDER = re.compile(r"[<*${]|\.\.\.|(^|/)[A-Z][A-Z0-9_]+(/|$|\.(?!md$))")


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def headings(path, cache={}):
    """The text of each heading of the page at path, in order (not in ```
    fences)."""
    if path not in cache:
        heads, fence = [], False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("```"):
                    fence = not fence
                m = None if fence else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
                if m:
                    heads.append(m.group(1))
        cache[path] = heads
    return cache[path]


def anchors(path, cache={}):
    """The anchors of the page's headings: GitHub's rule, a heading whose
    slug an earlier one has gets the first free "-1", "-2", ..."""
    if path not in cache:
        seen = set()
        for h in headings(path):
            a, n = slug(h), 0
            while a in seen:
                n += 1
                a = "%s-%d" % (slug(h), n)
            seen.add(a)
        cache[path] = seen
    return cache[path]


def check(root, rel):
    bad = []
    page = os.path.join(root, rel)
    with open(page, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue
            path, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(dest):
                bad.append("%s:%d: %s: no such file" % (rel, n, target))
            elif frag and dest.endswith(".md") and frag not in anchors(dest):
                bad.append("%s:%d: %s: no heading #%s in %s" % (rel, n, target, frag, path or rel))
        for m in PATH.finditer(line):
            p = m.group(1).rstrip(".,;:")
            if PLACEHOLDER.search(p) or p in EXAMPLES:
                continue
            full = os.path.join(root, p)
            if not os.path.exists(full) and not os.path.exists(full + ".c"):
                bad.append("%s:%d: %s: no such path in the source tree" % (rel, n, p))
        for m in CODEREF.finditer(line):
            src = os.path.join(root, m.group(1))
            if not os.path.exists(src):
                continue  # reported above as a path
            with open(src, encoding="utf-8") as f:
                code = f.read()
            for fn in (x.strip() for x in m.group(2).split(",")):
                if fn and not re.search(r"\b%s\s*\(" % re.escape(fn), code):
                    bad.append("%s:%d: %s: no function %s in %s" % (rel, n, m.group(0), fn, m.group(1)))
        for m in MODELREF.finditer(line):
            if m.group(1) not in model_sections(root):
                bad.append("%s:%d: %s: no section %s in docs/MODEL.md" % (rel, n, m.group(0), m.group(1)))
        for m in PAGEREF.finditer(line):
            where, name, num = m.group(1), m.group(2), m.group(3)
            if name == "MODEL":
                continue  # MODELREF's
            page_rel = cited_page(root, rel, where, name)
            if page_rel is None:
                continue  # a page outside the tree ("../shared/data/FACTS.md")
            target = os.path.join(root, page_rel)
            if not os.path.exists(target):
                bad.append("%s:%d: %s: no page %s" % (rel, n, m.group(0), page_rel))
            elif num not in page_sections(target):
                bad.append("%s:%d: %s: no section %s in %s" % (rel, n, m.group(0), num, page_rel))
    return bad


def cited_page(root, rel, where, name):
    """The tree-relative path of the page a PAGEREF cites: "bench/RESULTS.md"
    as written (from the tree's top), "../x/FOO.md" from the citing page
    rel's folder, a bare "DATA.md" docs/DATA.md (else a page at the top,
    README.md); None when the path leaves the tree. Until 2026-12-07 every
    name was looked for in docs/ ("bench/RESULTS.md §1": "no page
    docs/RESULTS.md")."""
    if not where:
        bare = os.path.join("docs", name + ".md")
        top = name + ".md"
        return top if not os.path.exists(os.path.join(root, bare)) and \
            os.path.exists(os.path.join(root, top)) else bare
    start = os.path.dirname(rel) if where.startswith(("./", "../")) else ""
    path = os.path.normpath(os.path.join(start, where, name + ".md"))
    return None if path.startswith("..") or os.path.isabs(path) else path


def page_sections(path, cache={}):
    """The section numbers a page's headings start with: "## 4. Events"
    defines 4, "### 8.2 Commercial stocks" 8.2."""
    if path not in cache:
        nums = (re.match(r"(\d+(?:\.\d+)*[a-z]?)\.?(?: |$)", h) for h in headings(path))
        cache[path] = {m.group(1) for m in nums if m}
    return cache[path]


def model_sections(root, cache={}):
    """The section numbers docs/MODEL.md defines: its headings '## §n ...'
    (any level). A '§n' of its text is a reference, not a definition: until
    2026-12-06 every one counted, so a number MODEL.md only cited (or cited
    wrongly) passed everywhere."""
    if root not in cache:
        heads = headings(os.path.join(root, "docs", "MODEL.md"))
        nums = (re.match(r"§(\d+[a-z]?(?:\.\d+)?)(?!\w|\.\d)", h) for h in heads)
        cache[root] = {m.group(1) for m in nums if m}
    return cache[root]


def main():
    root = sys.argv[1]
    pages = ["README.md", "bench/RESULTS.md"]
    for d in ("docs", "docs/research"):
        pages += sorted(d + "/" + f for f in os.listdir(os.path.join(root, d)) if f.endswith(".md"))
    bad = []
    for rel in pages:
        bad += check(root, rel)
    for b in bad:
        print(b)
    print("doc_links: %d pages, %d broken links, paths or functions" % (len(pages), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

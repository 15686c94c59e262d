#!/usr/bin/env python3
"""make_corpus.py - (re)make the loader's seed corpus, tests/fuzz/corpus/loader,
and its dictionary, tests/fuzz/loader.dict (docs/FUZZING.md). Run from
anywhere after a change of the schema or of the scenarios; it rewrites both.

The seeds: every scenario of the four SOURCES (scenarios/: the reference
scenarios; tests/bad and tests/bad/parents: the bad ones with their faults;
tests/studies and its subfolders: the studies' inputs; not the other
scenarios of tests/), each
scenario that `extends` another also as the bundle minrisk stores in
/scenario/source (the chain in one text: the fuzzer then mutates parents too,
with no file read), and a few small children of the target's parent.yaml
(fuzz_loader.c). Kept under 1 MB: bundles over 40 kB (the UK family's, each
uk-2024.yaml plus a few keys) are left out. The dictionary: every word of the
schema's key paths and enum lists (sim/scenario/schema.c), the bundle's
header and YAML's own tokens, so that mutations make keys the loader knows.

--check: make both in a temporary folder and compare them with the
committed ones, naming each seed that is missing, extra or different; exit
status 1 if any (the ctest fuzz_corpus_current, so that a new bad scenario
or schema key is not left out of the corpus).
"""
import os
import pathlib
import re
import shutil
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests/fuzz/corpus/loader"
SOURCES = ["scenarios", "tests/bad", "tests/bad/parents", "tests/studies"]
BUNDLE_MAX = 40000  # bytes: larger bundles are left out (main)
EXTENDS = re.compile(r"^extends:\s*(\S+)\s*$", re.M)

# Children of tests/fuzz/parent.yaml, which fuzz_loader.c copies into its folder.
CHILDREN = {
    "child_override.yaml": "extends: parent.yaml\nname: child\nsimulation: {trials: 10}\n",
    "child_sweep.yaml": "extends: parent.yaml\nsweep:\n  simulation.horizon_years: [1, 2]\n",
    "child_event.yaml": (
        "extends: parent.yaml\nevents:\n  au-flood:\n    country: AU\n"
        "    minerals: [lithium]\n    rate_per_year: 0.5\n"
        "    severity: {uniform: [0.1, 0.9]}\n"
        "    duration_months: {lognormal: {median: 3, sigma: 1}}\n"
    ),
}


def chain(path):
    """The files of path's extends chain, path first (as the loader joins them)."""
    files = []
    while path and path not in files and len(files) < 8:
        files.append(path)
        m = EXTENDS.search((ROOT / path).read_text())
        path = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1))) if m else None
        if path and not (ROOT / path).is_file():
            break
    return files


def bundle(files):
    """The chain as one text. The loader looks a parent up by its path joined
    to the scenario's folder: the paths are relative to the first file's."""
    out = b""
    for f in files:
        data = (ROOT / f).read_bytes()
        name = os.path.normpath(os.path.relpath(f, os.path.dirname(files[0])))
        out += b"# --- file: %s (%d bytes)\n" % (name.encode(), len(data)) + data
        if not data.endswith(b"\n"):
            out += b"\n"
    return out


YAML_TOKENS = [": ", "- ", "{", "}", "[", "]", ", ", "\\x0A  ", "null", "~", "true", "false",
               "1e300", "-1", "2147483648", "0", ".inf", "nan", "&a ", "*a", "<<: ", "!!str ", "!!float ",
               "'", "\\\"", "|\\x0A", ">-\\x0A", "---\\x0A", "...\\x0A", "# --- file: ", " (1 bytes)\\x0A",
               "extends: parent.yaml\\x0A", "sweep:\\x0A"]


def dictionary(dict_path):
    """The words of sim/scenario/schema.c's key table and enum lists."""
    src = (ROOT / "sim/scenario/schema.c").read_text()
    words, values = set(), set()
    for path in re.findall(r'^\s+\{"([^"]+)", "', src, re.M):
        for w in re.split(r"[.\[\]]+", path):
            if w and not w.startswith("<"):
                words.add(w)
    for lst in re.findall(r"const char \*const sc_\w+\[\] = \{([^}]*)\}", src):
        values.update(re.findall(r'"([^"]+)"', lst))
    lines = ['# loader.dict - made by tests/fuzz/make_corpus.py: the schema\'s words, YAML tokens']
    lines += ['"%s:"' % w for w in sorted(words)] + ['"%s"' % v for v in sorted(values)]
    lines += ['"%s"' % t for t in YAML_TOKENS]
    dict_path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def make(out, dict_path):
    """The corpus into the folder out (made anew) and the dictionary into dict_path."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for src in SOURCES:
        for p in sorted((ROOT / src).glob("**/*.yaml" if src == "tests/studies" else "*.yaml")):
            rel = str(p.relative_to(ROOT))
            name = rel.replace("/", "_")
            shutil.copy(p, out / name)
            files = chain(rel)
            if len(files) > 1:
                b = bundle(files)
                # the UK family's bundles (65-80 kB each, all of them
                # uk-2024.yaml plus a few keys) would take the corpus past
                # 1 MB for little: uk-2024.yaml is a seed of its own
                if len(b) <= BUNDLE_MAX:
                    (out / ("bundle_" + name)).write_bytes(b)
    for name, text in CHILDREN.items():
        (out / name).write_text(text)
    total = sum(f.stat().st_size for f in out.iterdir())
    assert total < 1 << 20, f"seed corpus of {total} bytes: keep it under 1 MB"
    return len(list(out.iterdir())), total, dictionary(dict_path)


def check():
    """0 if the committed corpus and dictionary are what make() makes, else 1."""
    with tempfile.TemporaryDirectory() as tmp:
        out, dict_path = pathlib.Path(tmp) / "loader", pathlib.Path(tmp) / "loader.dict"
        make(out, dict_path)
        want = {f.name: f.read_bytes() for f in out.iterdir()}
        have = {f.name: f.read_bytes() for f in OUT.iterdir()} if OUT.is_dir() else {}
        bad = [f"missing seed {n}" for n in sorted(want.keys() - have.keys())]
        bad += [f"extra seed {n}" for n in sorted(have.keys() - want.keys())]
        bad += [f"seed {n} differs" for n in sorted(want.keys() & have.keys()) if want[n] != have[n]]
        committed = ROOT / "tests/fuzz/loader.dict"
        if not committed.is_file() or committed.read_bytes() != dict_path.read_bytes():
            bad.append("tests/fuzz/loader.dict differs")
    for b in bad:
        print(f"FAIL: {b}")
    if bad:
        print("the fuzz corpus is out of date: run tests/fuzz/make_corpus.py and commit the result")
        return 1
    print(f"fuzz corpus current: {len(want)} seeds and the dictionary")
    return 0


def main():
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    if sys.argv[1:]:
        sys.exit("usage: make_corpus.py [--check]")
    n, total, words = make(OUT, ROOT / "tests/fuzz/loader.dict")
    print(f"{OUT}: {n} files, {total} bytes")
    print(f"tests/fuzz/loader.dict: {words} entries")


if __name__ == "__main__":
    main()

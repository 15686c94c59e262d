#!/usr/bin/env python3
"""Every group, dataset and attribute minrisk writes is named in the
documentation of the file: docs/OUTPUT.md, and docs/STUDIES.md for the
sweep's and the comparison's tables (OUTPUT.md sends the reader there).

Files of every kind and option are made small: a run with --events and
--counterfactual, an importance-sampled run, a run stopped by
--target-precision, a streamed run (output.trials: totals), comparisons of
two and three scenarios with policy costs, a sweep with a stated cost, an
uncertainty study. A name is documented when it appears between backticks
in either document: as itself, as the last part of a path (`/summary`,
`/trials/weight`) or as a group on one (`/variants/<name>`); as the `_high` of a documented `_low` (the tables write
"`x_ci_low`, `_high`"); or matched by a pattern with a placeholder
(`<var>_mean`, `/variants/<name>`). The attributes HDF5 and netCDF write
themselves (dimension scales' DIMENSION_LIST, CLASS, REFERENCE_LIST, NAME)
are not minrisk's. And in each group no two datasets share a long_name
(the label plots and netCDF tools show: until 2026-12-07 the _ci_high
bounds of /summary were labelled "Lower bound ...", as their _ci_low). A
mutant file with one undocumented dataset and one
undocumented attribute must be caught, so that the check cannot pass for
want of teeth.

usage: documented.py MINRISK SRC
"""
import os
import re
import shutil
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run_minrisk  # noqa: E402 (tests/python/checks.py)

minrisk, src = sys.argv[1], sys.argv[2]
HDF5_OWN = {"DIMENSION_LIST", "CLASS", "REFERENCE_LIST", "NAME"}


def documented_names():
    """The names and placeholder patterns between backticks in the docs."""
    text = ""
    for doc in ("OUTPUT.md", "STUDIES.md"):
        with open(os.path.join(src, "docs", doc), encoding="utf-8") as f:
            text += f.read()
    names, patterns = set(), []
    for tick in set(re.findall(r"`([^`\n]+)`", text)):
        for word in re.split(r"[\s,]+", tick):
            word = word.strip("/")
            if not word:
                continue
            names.add(word)
            names.add(word.split("/")[-1])
            names.update(word.split("/")[:-1])  # `/variants/<name>`: the group variants
            parts = re.split(r"(<[a-z_]+>)", word)  # odd parts: the placeholders
            # a pattern needs a placeholder and a literal part: a bare
            # `<name>` would match every name
            if len(parts) > 1 and any(parts[0::2]):
                patterns.append(re.compile("^" + "".join(
                    "[A-Za-z0-9_.]+" if i % 2 else re.escape(q) for i, q in enumerate(parts))
                    + "$"))
    return names, patterns


NAMES, PATTERNS = documented_names()


def documented(path):
    leaf = path.split("/")[-1]
    if leaf in NAMES or path in NAMES:
        return True
    if leaf.endswith("_high") and leaf[:-len("_high")] + "_low" in NAMES:
        return True
    return any(p.match(leaf) or p.match(path) for p in PATTERNS)


def undocumented(fn):
    """The names in file fn the docs do not name, the datasets whose
    long_name another of their group has, and how many objects."""
    missing, seen, labels = [], [0], {}

    def visit(name, obj):
        seen[0] += 1
        if isinstance(obj, h5py.Dataset) and "long_name" in obj.attrs:
            group, _, leaf = name.rpartition("/")
            labels.setdefault((group, str(obj.attrs["long_name"])), []).append(leaf)
        if not documented(name):
            missing.append(name)
        missing.extend(f"{name}@{a}" for a in obj.attrs
                       if a not in HDF5_OWN and not documented(a))

    with h5py.File(fn, "r") as f:
        missing.extend(f"/@{a}" for a in f.attrs if not documented(a))
        f.visititems(visit)
    shared = [f"{g}/{{{', '.join(v)}}}: {label!r}" for (g, label), v in labels.items() if len(v) > 1]
    return missing, shared, seen[0]


tmp = tempfile.mkdtemp()
try:
    demo = os.path.join(src, "scenarios", "demo.yaml")
    studies = os.path.join(src, "tests", "studies")
    totals = os.path.join(tmp, "totals.yaml")
    with open(demo) as f, open(totals, "w") as g:
        g.write(f.read() + "\noutput:\n  trials: totals\n")
    out = lambda name: os.path.join(tmp, name + ".h5")
    made = {
        "run": ["run", demo, "--trials", "200", "--events", "--counterfactual"],
        "importance": ["run", demo, "--trials", "200", "--importance", "event/*=2"],
        "precision": ["run", demo, "--target-precision", "mean_total=0.5", "--max-trials",
                      "4096"],
        "totals": ["run", totals, "--trials", "200"],
        "compare": ["compare", os.path.join(studies, "compare", "crn_base.yaml"),
                    os.path.join(studies, "compare", "crn_stockpile.yaml"), "--trials", "200",
                    "--bootstrap", "100"],
        "compare3": ["compare", os.path.join(studies, "compare", "crn_base.yaml"),
                     os.path.join(studies, "compare", "crn_stockpile.yaml"),
                     os.path.join(studies, "compare", "crn_doubled.yaml"), "--trials", "200",
                     "--bootstrap", "100"],
        "sweep": ["run", os.path.join(studies, "sweep", "cost_grid.yaml"), "--trials", "100"],
        "uncertainty": ["uncertainty", os.path.join(studies, "uncertainty", "two_keys.yaml"),
                        "--rows", "8", "--block-trials", "64"],
    }
    for kind, args in made.items():
        run_minrisk([minrisk] + args + ["-o", out(kind), "--quiet"])
        missing, shared, seen = undocumented(out(kind))
        check(seen >= 100, f"{kind}: only {seen} groups and datasets in the file")
        check(not shared, f"{kind}: datasets of one group share a long_name: "
              f"{'; '.join(sorted(shared)[:5])}")
        check(not missing, f"{kind}: {len(missing)} names not in docs/OUTPUT.md or "
              f"docs/STUDIES.md: {', '.join(sorted(missing)[:10])}")
        print(f"{kind}: {seen} groups and datasets, every name documented"
              if not missing else f"{kind}: {len(missing)} undocumented")

    # the mutant: the run's file with a dataset and an attribute no doc
    # names, and a _ci_high labelled as its _ci_low
    mutant = out("mutant")
    shutil.copy(out("run"), mutant)
    with h5py.File(mutant, "r+") as f:
        f["summary"].create_dataset("total_loss_undocumented_zq", data=[1.0])
        f["summary/total_loss_mean"].attrs["undocumented_zq"] = 1
        f["summary/total_loss_es99_ci_high"].attrs["long_name"] = \
            f["summary/total_loss_es99_ci_low"].attrs["long_name"]
    missing, shared, _ = undocumented(mutant)
    check(sorted(missing) == ["summary/total_loss_mean@undocumented_zq",
                              "summary/total_loss_undocumented_zq"],
          f"mutant: the check found {missing}, not the two names added")
    check(len(shared) == 1 and "total_loss_es99_ci_high" in shared[0],
          f"mutant: shared long_names found: {shared}")
finally:
    shutil.rmtree(tmp)
sys.exit(finish("documented"))

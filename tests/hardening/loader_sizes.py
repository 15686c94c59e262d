#!/usr/bin/env python3
"""loader_sizes.py MINRISK_BIN - issue 11 case 10: what made the loader
quadratic is refused at once, with the limit named (docs/SCENARIO_FORMAT.md,
"Limits"): 40,000 countries (21.6 s before: every pair of ids compared),
100,000 levels of nesting (77 s), too many anchors; and the largest counts
allowed load in well under a second (ids are hashed)."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

BIN = sys.argv[1]


def validate(path, want_status, want_err, limit_s=10.0):
    t0 = time.monotonic()
    r = subprocess.run([BIN, "validate", path], capture_output=True, text=True, timeout=60)
    dt = time.monotonic() - t0
    if check(r.returncode == want_status,
             f"{path}: status {r.returncode}, expected {want_status}: {r.stderr}") and want_err:
        check(r.stderr.strip() == want_err,
              f"{path}:\n  expected: {want_err}\n  got:      {r.stderr.strip()}")
    check(dt <= limit_s, f"{path}: took {dt:.1f} s, more than {limit_s} s")


def scenario(ncountries, nsuppliers):
    lines = ["name: many", "simulation: {horizon_years: 1}", "countries:"]
    lines += [f"  C{i}: {{wgi_pv: 0.1}}" for i in range(ncountries)]
    sup = ", ".join(f"{{country: C{i}, share: {1 / nsuppliers!r}}}" for i in range(nsuppliers))
    lines += ["minerals:", f"  m: {{demand_t: 1, mining: [{sup}], price: {{ref: 1}}}}",
              "sectors:", "  s: {output_gbp: 1, needs: []}"]
    return "\n".join(lines) + "\n"


with tempfile.TemporaryDirectory() as d:
    def write(name, text):
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    p = write("many.yaml", scenario(40000, 1))
    validate(p, 2, f"{p}:4:3: countries: 40000 country ids, above the limit of 1000")
    p = write("most.yaml", scenario(1000, 1000))
    validate(p, 0, None, limit_s=5.0)
    p = write("deep.yaml", "name: deep\ndescription: " + "[" * 100000 + "]" * 100000 + "\n")
    validate(p, 2, f"{p}:2:77: description" + "[0]" * 63 + ": more than 64 levels of nesting")
    block = "".join("  " * i + f"k{i}:\n" for i in range(100))
    p = write("block.yaml", "name: deep\n" + block)
    kp = ".".join(f"k{i}" for i in range(64))
    validate(p, 2, f"{p}:66:129: {kp}: more than 64 levels of nesting")
    anchors = "".join(f"  - &a{i} 1\n" for i in range(1001))
    p = write("anchors.yaml", "name: anchors\ndescription:\n" + anchors)
    validate(p, 2, f"{p}:1003:5: description[1000]: more than 1000 anchors in the file")

sys.exit(finish("loader_sizes"))

#!/usr/bin/python3
"""report_common.py - what the tests of `minrisk report` (report_figures.py,
report_errors.py, report_studies.py, report_chromium.py) share: a demo run
and its report, the page parsed (figures, images, cells, tables), its PNG
and SVG files checked, out/report.py loaded as a module, a caption or a
header row read, the Wilson interval written out, a real sweep run, and
main(), the driver of each file:

usage: report_MODE.py --minrisk BIN --src SOURCE_ROOT [--keep DIR]

It runs the mode on a fresh temporary folder (removed after) and exits 0, 1
when a check failed (check and finish: tests/python/checks.py), or 77 when
the mode skipped.
"""
import argparse
import base64
import html.parser
import importlib.util
import os
import re
import shutil
import struct
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run, run_minrisk  # noqa: E402 (tests/python/checks.py)


RUN_FIGURES = ["exceedance", "exceedance-horizon", "histograms", "fan-inoperability", "fan-price",
               "shortage", "indicators"]


def run_figures(h5path):
    """The figures of a run file's report: RUN_FIGURES (without the
    inoperability chart when no sector is ever disrupted), and the
    attribution ones for what /attribution holds: one chart per kind of
    source present, the counterfactual ones (docs/REPORT.md)."""
    figs = list(RUN_FIGURES)
    with h5py.File(h5path, "r") as f:
        hit = f["summary"].get("inoperability_disrupted_prob")
        if hit is not None and not np.any(hit[()] > 0):
            figs.remove("fan-inoperability")
        a = f.get("attribution")
        if a is not None and "tail_share" in a:
            kinds = set(a["source_kind"].asstr()[()])
            figs += ["attribution-%s" % k for k in ("mineral", "country", "event") if k in kinds]
            figs += ["attribution-%s" % k.replace("_", "-") for k in ("mean_removed", "es99_removed") if k in a]
    return figs


def demo_run(args, out, trials=1000, seed=None, events=False):
    cmd = [args.minrisk, "run", os.path.join(args.src, "scenarios", "demo.yaml"), "-o", out,
           "--trials", str(trials), "--quiet", "--threads", "2"] + (["--events"] if events else [])
    if seed is not None:
        cmd += ["--seed", str(seed)]
    run_minrisk(cmd)


def report(args, path, out_dir, extra=()):
    return run([args.minrisk, "report", path, "-o", out_dir, "--quiet"] + list(extra))


# ---- reading the page -----------------------------------------------------------

class PageParser(html.parser.HTMLParser):
    """Figures, images and the cells with data-gbp of a report page."""

    def __init__(self):
        super().__init__()
        self.figures, self.imgs, self.cells, self.tables = [], {}, {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and a.get("id", "").startswith("fig-"):
            self.figures.append(a["id"][4:])
        elif tag == "img":
            self.imgs[a.get("id") or "(img without id %d)" % len(self.imgs)] = a
        elif tag == "td" and ("data-gbp" in a or "data-value" in a or "data-fraction" in a):
            self.cells[a.get("id")] = a
        elif tag == "table" and "id" in a:
            self.tables.append(a["id"])


def parse_page(path):
    p = PageParser()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # no format string left unformatted ("the 95%% bootstrap intervals", "at
    # least 1%%": captions passed as %s arguments kept their %%)
    i = text.find("%%")
    check(i < 0, "%s: a literal %%%% on the page: ...%s..." % (path, text[max(0, i - 60):i + 20]))
    p.feed(text)
    return p, text


def png_size(data):
    """(width, height) from a PNG's IHDR, or None if data is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def png_problem(data):
    """None if data is a whole, well-formed PNG (every chunk's CRC right,
    IHDR first, IEND last, the image data inflating to exactly the rows
    IHDR announces), else what is wrong."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "no PNG signature"
    pos, chunks, idat = 8, [], b""
    while pos + 12 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n or pos + 12 + n > len(data):
            return "chunk %r cut short" % kind
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) != crc:
            return "bad CRC in chunk %r" % kind
        chunks.append(kind)
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if not chunks or chunks[0] != b"IHDR" or chunks[-1] != b"IEND" or pos != len(data):
        return "chunks %s, %d trailing bytes" % (chunks[:3] + chunks[-2:], len(data) - pos)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(ctype)
    try:
        raw = zlib.decompress(idat)
    except zlib.error as e:
        return "image data does not inflate: %s" % e
    want = h * (1 + (w * channels * depth + 7) // 8)
    return None if len(raw) == want else "image data %d bytes, IHDR says %d" % (len(raw), want)


def check_figures(page, out_dir, expected, what):
    """Every expected figure in the page and in out_dir, well formed."""
    check(sorted(page.figures) == sorted(expected),
          "%s: figures %s, expected %s" % (what, sorted(page.figures), sorted(expected)))
    for fid in expected:
        img = page.imgs.get("img-" + fid)
        if not check(img is not None, "%s: no <img id=img-%s>" % (what, fid)):
            continue
        src = img.get("src", "")
        if not check(src.startswith("data:image/png;base64,"), "%s: img-%s is not a PNG data URI" % (what, fid)):
            continue
        data = base64.b64decode(src.split(",", 1)[1])
        problem = png_problem(data)
        check(problem is None, "%s: img-%s: %s" % (what, fid, problem))
        size = png_size(data)
        check(size is not None and size[0] > 100 and size[1] > 100,
              "%s: img-%s does not decode as a PNG of a sensible size (%s)" % (what, fid, size))
        check(size == (int(img.get("width", 0)), int(img.get("height", 0))),
              "%s: img-%s is %s, its width/height attributes say %s x %s"
              % (what, fid, size, img.get("width"), img.get("height")))
        png = os.path.join(out_dir, "fig-%s.png" % fid)
        svg = os.path.join(out_dir, "fig-%s.svg" % fid)
        if check(os.path.isfile(png) and os.path.getsize(png) > 0, "%s: %s missing or empty" % (what, png)):
            with open(png, "rb") as f:
                check(f.read() == data, "%s: %s differs from the page's image" % (what, png))
        if check(os.path.isfile(svg) and os.path.getsize(svg) > 0, "%s: %s missing or empty" % (what, svg)):
            try:
                root = ET.parse(svg).getroot()
                check(root.tag.endswith("svg") and root.get("width") and root.get("height"),
                      "%s: %s is not an SVG image with a size" % (what, svg))
                check(len(list(root.iter())) > 50, "%s: %s is (almost) empty" % (what, svg))
            except ET.ParseError as e:
                check(False, "%s: %s does not parse as XML: %s" % (what, svg, e))
    names = set(os.listdir(out_dir))
    allowed = {"report.html", ".minrisk-report"} | {"fig-%s.%s" % (f, e) for f in expected for e in ("png", "svg")}
    check(names == allowed, "%s: files in %s: extra %s, missing %s"
          % (what, out_dir, sorted(names - allowed), sorted(allowed - names)))


# ---- the report module, the page's header, a real sweep ----------------------------

def load_report_module(args):
    """out/report.py of the source tree, loaded as a module."""
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("minrisk_report", os.path.join(args.src, "out", "report.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def figure_caption(text, fid):
    """The caption of figure fid, without the trailing "Files: ..." links."""
    m = re.search(r'<figure id="fig-%s">.*?<figcaption>(.*?) Files: ' % re.escape(fid), text, re.S)
    return m.group(1) if m else None


def meta_row(text, key):
    """The value of a row of the header's table."""
    m = re.search(r'<table class="meta">.*?<tr><th>%s</th><td>(.*?)</td></tr>' % re.escape(key), text, re.S)
    return m.group(1) if m else None


def wilson95(p, n):
    """The Wilson score interval at 95%, written out here: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    z = 1.959963984540054
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, c - h), min(1.0, c + h)


def real_sweep(args, tmp, trials=100, months=None):
    """scenarios/uk-sweep-stockpile-cap.yaml (12 variants) run with few trials;
    months: its stockpile sizes instead (a scenario extending it, 3 variants
    a size)."""
    scenario = os.path.join(args.src, "scenarios", "uk-sweep-stockpile-cap.yaml")
    path = os.path.join(tmp, "real-sweep.h5" if months is None else "real-sweep-%d.h5" % (3 * len(months)))
    if months is not None:
        with open(path[:-3] + ".yaml", "w") as f:
            f.write("extends: %s\nname: sweep of %d stockpile sizes\nsweep:\n  policies.stockpile.months: %s\n"
                    "  policies.diversification_cap: [null, 0.60, 0.50]\n" % (scenario, len(months), list(months)))
        scenario = path[:-3] + ".yaml"
    run_minrisk([args.minrisk, "run", scenario, "-o", path, "--trials", str(trials), "--quiet", "--threads", "2"])
    return path


# ---- the driver ---------------------------------------------------------------------

def main(mode, name):
    """The driver of report_NAME.py: mode(args, tmp) on a fresh temporary
    folder, removed after. The exit status: 77 when the mode says so
    (skipped), else finish's (0, or 1 when a check failed)."""
    ap = argparse.ArgumentParser(description="minrisk report: the %s checks" % name)
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--keep")
    args = ap.parse_args()
    args.minrisk = os.path.abspath(args.minrisk)
    tmp = tempfile.mkdtemp(prefix="minrisk-report-test-")
    try:
        rc = mode(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 77 if rc == 77 else finish("report %s" % name)

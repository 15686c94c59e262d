#!/usr/bin/python3
"""uk_multi.py MINRISK_BIN SRC - the UK sourcing of each run of a comparison
and a sweep, in `minrisk summary` and `minrisk report`, against the files'
/runs/*/indicators/uk and /variants/*/indicators/uk read with h5py.

- a comparison of uk-2024 and uk-2035-vision (50 trials): summary's A vs B
  table gives, per mineral, each run's world top country and share, the UK's
  before and after the cap (+ when capped), the flag and B - A, equal to the
  file's values at the printed precision (%.1f of percent); the report's
  table the same, its data-share attributes equal to the file's doubles;
- the sweep uk-sweep-stockpile-cap (12 variants, 20 trials): summary's
  mineral x variant grid and the report's grid hold each variant's UK top
  share (+ capped, ! / red above the cap), the world's top share once.
"""
import html
import os
import re
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run_minrisk  # noqa: E402 (tests/python/checks.py)


def p1(x):
    return "%.1f" % (100.0 * x)


def uk_of(g):
    """{mineral: dict} of a run group's UK rows, with the world's row."""
    ind, uk = g["indicators"], g["indicators/uk"]
    world = {(m, s): i for i, (m, s) in enumerate(zip(ind["mineral_id"].asstr()[()], ind["stage"].asstr()[()]))}
    out = {}
    for k, m in enumerate(uk["mineral"].asstr()[()]):
        w = world[(m, uk["stage"].asstr()[k])]
        out[m] = dict(stage=uk["stage"].asstr()[k], top=uk["top_country"].asstr()[k],
                      share=float(uk["top_share"][k]), capped=bool(uk["capped"][k]),
                      above=bool(uk["above_cap"][k]), top_b=uk["top_country_before_policy"].asstr()[k],
                      share_b=float(uk["top_share_before_policy"][k]),
                      wtop=ind["top_country"].asstr()[w], wshare=float(ind["top_share"][w]))
    return out


def pretty(ident):
    """The report's display name of an id without a name (docs/REPORT.md):
    upper-case codes as they are, else '_' and '-' as spaces, capitalised."""
    if ident.isupper():
        return ident
    t = ident.replace("_", " ").replace("-", " ")
    return t[:1].upper() + t[1:]


def display(g):
    """{id: display name} of a run group's minerals and countries (the
    file's <kind>_name; the id prettified where the name is the id)."""
    out = {}
    for kind in ("mineral", "country"):
        for i, n in zip(g[kind].asstr()[()], g[kind + "_name"].asstr()[()]):
            out[i] = n if n != i else pretty(i)
    return out


def table_rows(page, tid):
    m = re.search(r'<table id="%s".*?</table>' % re.escape(tid), page, re.S)
    if not check(m is not None, "report: no table %s" % tid):
        return None
    rows = {}
    for rid, body in re.findall(r'<tr id="%s-([^"]+)">(.*?)</tr>' % re.escape(tid), m.group(0), re.S):
        rows[rid] = re.findall(r'<td([^>]*)>(.*?)</td>', body, re.S)
    return rows


def report_uk_rows(mr, h5, rep, next_section, tid, order):
    """The report of h5: its UK sourcing section comes before next_section,
    and table tid has a row per mineral of order, in that order (None when
    the table or its rows are not so: the rows' checks need them)."""
    run_minrisk([mr, "report", h5, "-o", rep, "--quiet"])
    page = open(os.path.join(rep, "report.html"), encoding="utf-8").read()
    check(page.index('id="uk-sourcing"') < page.index('id="%s"' % next_section),
          "report: the UK sourcing section is not the first")
    rows = table_rows(page, tid)
    if rows is None or not check(list(rows) == order,
                                 "report: %s rows %s, expected %s" % (tid, list(rows), order)):
        return None
    return rows


def share_attr(attrs):
    m = re.search(r'data-share="([^"]+)"', attrs)
    return float(m.group(1)) if m else None


def check_compare(mr, src, tmp):
    h5 = os.path.join(tmp, "cmp.h5")
    run_minrisk([mr, "compare", os.path.join(src, "scenarios/uk-2024.yaml"), os.path.join(src, "scenarios/uk-2035-vision.yaml"),
         "--trials", "50", "--bootstrap", "0", "-q", "-o", h5, "--threads", "2"])
    f = h5py.File(h5, "r")
    a, b = uk_of(f["runs/a"]), uk_of(f["runs/b"])
    order = list(f["runs/a/indicators/uk/mineral"].asstr()[()])
    # summary: the A vs B table
    out = run_minrisk([mr, "summary", h5]).stdout
    part = out.split("UK sourcing top share, A vs B")[1]
    lines = {ln.split()[0]: ln for ln in part.splitlines()[5:5 + len(order)]}
    changed = 0
    for m in order:
        x, y = a[m], b[m]
        cells = [m, x["stage"]]
        for r in (x, y):
            cells += [r["wtop"], p1(r["wshare"]), r["top_b"], p1(r["share_b"]), r["top"],
                      p1(r["share"]) + ("+" if r["capped"] else "")] + (["ABOVE", "CAP"] if r["above"] else [])
        d = 100.0 * y["share"] - 100.0 * x["share"]
        cells.append("%+.1f" % d)
        check(lines.get(m, "").split() == cells,
              "summary: %s row\n  %s\nexpected\n  %s" % (m, lines.get(m), " ".join(cells)))
        changed += x["share"] != y["share"]
    check(changed > 0, "the comparison changes no UK share: the test needs one that does")
    # report: the comparison's UK table, first on the page, with display names
    rows = report_uk_rows(mr, h5, os.path.join(tmp, "cmp-report"), "runs", "uk-sourcing-compare", order)
    if rows is None:
        return
    name = display(f["runs/a"])
    nm = lambda i: name.get(i, i)
    for m in order:
        tds = rows[m]
        got = [html.unescape(re.sub("<[^>]+>", "", t)) for _, t in tds]
        want = [nm(m), a[m]["stage"]]
        shares = []
        for r in (a[m], b[m]):
            want += ["%s %s%%" % (nm(r["wtop"]), p1(r["wshare"])), "%s %s%%" % (nm(r["top_b"]), p1(r["share_b"])),
                     "%s %s%%%s" % (nm(r["top"]), p1(r["share"]), "+" if r["capped"] else ""),
                     "ABOVE CAP" if r["above"] else ""]
            shares += [r["wshare"], r["share_b"], r["share"], None]
        d = 100.0 * (b[m]["share"] - a[m]["share"])
        want.append("%+.1f pp" % (0.0 if abs(d) < 0.05 else d))
        check(got == want, "report: %s row %s, expected %s" % (m, got, want))
        for (attrs, _), v in zip(tds[2:10], shares):
            if v is not None:
                check(share_attr(attrs) == v, "report: %s data-share %s, file %r" % (m, attrs, v))
    print("compare: summary and report UK tables of %d minerals checked against both runs' files "
          "(%d changed)" % (len(order), changed))


def check_sweep(mr, src, tmp):
    h5 = os.path.join(tmp, "sweep.h5")
    run_minrisk([mr, "run", os.path.join(src, "scenarios/uk-sweep-stockpile-cap.yaml"), "--trials", "20", "-q",
         "-o", h5, "--threads", "2"])
    f = h5py.File(h5, "r")
    names = list(f["sweep/variant"].asstr()[()])
    runs = [uk_of(f["variants/" + n]) for n in names]
    order = list(f["variants/%s/indicators/uk/mineral" % names[0]].asstr()[()])
    out = run_minrisk([mr, "summary", h5]).stdout
    part = out.split("UK sourcing top share per variant")[1]
    lines = {ln.split()[0]: ln.split() for ln in part.splitlines()[5:5 + len(order)]}
    flagged = 0
    for m in order:
        r0 = runs[0][m]
        wdiff = any((r[m]["wtop"], r[m]["wshare"]) != (r0["wtop"], r0["wshare"]) for r in runs)
        udiff = any(r[m]["top"] != r0["top"] for r in runs)
        want = [m, r0["stage"], r0["wtop"], p1(r0["wshare"]) + ("*" if wdiff else ""),
                r0["top"] + ("*" if udiff else "")]
        for r in runs[:12]:
            want.append(p1(r[m]["share"]) + ("+" if r[m]["capped"] else "") + ("!" if r[m]["above"] else ""))
            flagged += r[m]["above"]
        check(lines.get(m) == want, "summary: sweep row %s %s, expected %s" % (m, lines.get(m), want))
    check(flagged > 0, "no variant has a UK share above its cap: the test needs one")
    for i, n in enumerate(names):
        check(re.search(r"^  #%-3d %s \(cap " % (i + 1, re.escape(n)), part, re.M) is not None,
              "summary: no legend line for #%d = %s" % (i + 1, n))
    rows = report_uk_rows(mr, h5, os.path.join(tmp, "sweep-report"), "sweep", "uk-sourcing-sweep", order)
    if rows is None:
        return
    name = display(f["variants/" + names[0]])
    for m in order:
        tds = rows[m]
        r0 = runs[0][m]
        check(html.unescape(re.sub("<[^>]+>", "", tds[0][1])) == name[m],
              "report: sweep row %s is named %r, expected the display name %r" % (m, tds[0][1], name[m]))
        check(share_attr(tds[2][0]) == r0["wshare"] and share_attr(tds[3][0]) == r0["share_b"],
              "report: %s world/before %s" % (m, tds[2:4]))
        cells = tds[4:]
        check(len(cells) == len(runs), "report: %s has %d variant cells" % (m, len(cells)))
        for (attrs, text), r in zip(cells, runs):
            want = "%s%%%s" % (p1(r[m]["share"]), "+" if r[m]["capped"] else "")
            check(share_attr(attrs) == r[m]["share"] and text == want and ("flag" in attrs) == r[m]["above"],
                  "report: %s cell %s %s, expected %s %r above=%s" % (m, attrs, text, want, r[m]["share"],
                                                                    r[m]["above"]))
    print("sweep: summary and report grids of %d minerals x %d variants checked against the file "
          "(%d cells above cap)" % (len(order), len(runs), flagged))


def main():
    mr, src = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        check_compare(mr, src, tmp)
        check_sweep(mr, src, tmp)
    return finish("uk_multi (the UK sourcing tables of a comparison and a sweep in summary and "
                  "report, against the files)")


if __name__ == "__main__":
    sys.exit(main())

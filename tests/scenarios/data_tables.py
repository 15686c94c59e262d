#!/usr/bin/python3
"""data_tables.py - docs/DATA.md's tables state the numbers the reference
scenarios use, and its derived figures are what their inputs give; usage:
data_tables.py SOURCE_ROOT

The rule (docs/DATA.md, first paragraph): every input figure has a source
and year in docs/DATA.md or is marked there as an assumption. A table that
says one number while the scenario uses another breaks it silently; so do
a share written as "88 of 240 kt" that is not 88/240, and a spend that is
not demand_share x demand_t x price.ref. No minrisk run; the scenarios are
read with PyYAML (YAML 1.2 floats) and `extends:` is resolved as
docs/SCENARIO_FORMAT.md says (mappings merge, lists and scalars replace).

Checked, each table against scenarios/uk-2024.yaml unless said:
 1. section 1: every mineral's suppliers and shares, stage by stage, are
    the table's (rows of one mineral and stage are merged); a share given
    with its tonnage ("AU 0.367 (88 of 240 kt)", "CN 0.903 (745 t)") is
    the tonnage over the total (the "of" figure; else the sum of the row's
    tonnages, or the row's "world total N kt") within half a unit of the
    share's last digit;
 2. section 2: every WGI score is the table's, every scored country of the
    scenario is listed, and the rates derived in the text ("DRC 0.35/yr")
    are 0.05 x 2.5^(-wgi) to the digits given;
 3. section 3: demand_t, recycled_share, price.ref, theta and sigma;
 4. section 4: each event's rate, uniform severity and lognormal duration;
 5. section 5 and 8.4: each sector's output_gbp and gva_gbp;
 6. section 5, the needs table (its header starts "sector | mineral"):
    one row per need of the scenario, keyed by sector and mineral, and a
    need for every row; each number is the need's, in the column whose
    header names the key in backquotes (a key left out of a need is its
    default, 0); a key a need has that no column names is a mismatch;
 7. sections 8.1-8.3: the fitted market keys of every mineral, the stock
    months, China's home uses;
 8. spend_gbp = demand_share x demand_t x price.ref for every need of
    uk-2024 and uk-2035-baseline, and of uk-2025-2035-baseline at both
    ends of its time paths;
 9. section 9: the stockpile's GBP 143.75m (demand_t x price.ref x
    months/12 over uk-2035-stockpile's minerals) and its cost, 5% of it,
    rounded to GBP 0.1m.
Prints each mismatch and exits 1 if there is any.
"""
import os
import re
import sys

import yaml


class Loader(yaml.SafeLoader):
    """YAML 1.2 floats: PyYAML's 1.1 rules read 78.0e9 as a string."""


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
ERRORS = []


def err(msg):
    ERRORS.append(msg)
    print("data_tables: " + msg)


def merge(parent, child):
    """docs/SCENARIO_FORMAT.md, extends: mappings merge key by key, lists
    and scalars replace, null drops the key."""
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for k, v in child.items():
            if v is None:
                out.pop(k, None)
            elif k in out and isinstance(v, dict) and isinstance(out[k], dict) \
                    and not any(isinstance(x, int) for x in v):  # a time path replaces
                out[k] = merge(out[k], v)
            else:
                out[k] = v
        return out
    return child


def scenario(name):
    path = os.path.join(ROOT, "scenarios", name)
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Loader)
    parent = doc.pop("extends", None)
    return merge(scenario(parent), doc) if parent else doc


def section(text, number):
    """The text of '## N.' or '### N.' up to the next heading of its level."""
    m = re.search(r"^(#+) " + re.escape(number) + r"\.? .*$", text, re.M)
    if not m:
        err("docs/DATA.md has no section " + number)
        return ""
    rest = text[m.end():]
    end = re.search(r"^#{1,%d} " % len(m.group(1)), rest, re.M)
    return rest[:end.start()] if end else rest


def rows(text):
    """The cells of every table row that is not a header or a rule."""
    out = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-:| ]+\|$", line):
            out.append([c.strip() for c in line.strip().strip("|").split("|")])
    return out[1:] if out else out  # the first row is the header


def table(text, where, *header):
    """The header cells and the data rows of the first table in text whose
    header starts with the given cells; a mismatch if there is none."""
    block = []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            head = [c.strip() for c in block[0].strip().strip("|").split("|")]
            if head[:len(header)] == list(header):
                return head, rows("\n".join(block))
        block = []
    err("%s: no table whose header starts '%s'" % (where, " | ".join(header)))
    return [], []


def close(a, b, tol=1e-9):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def number(s):
    """'78.0e9', '16.0bn', '5,000', '1,500,000' as a float."""
    s = s.replace(",", "").strip()
    if s.endswith("bn"):
        return float(s[:-2]) * 1e9
    return float(s)


def half_unit(text):
    """Half a unit of the last digit written: '0.76' -> 0.005."""
    return 0.5 * 10 ** -len(text.split(".")[1]) if "." in text else 0.5


SHARE = re.compile(r"\b([A-Z]{2,3}) (0\.\d+|1\.0*)\b")
TONNES = re.compile(r"\b([A-Z]{2,3}) (0\.\d+) \((\d[\d,.]*)(?: of (\d[\d,.]*))? (kt|t)\b")


def check_shares(data, uk):
    table = {}
    for cells in rows(section(data, "1")):
        if len(cells) < 3 or cells[0] not in uk["minerals"]:
            continue
        mineral, stage_text, shares = cells[0], cells[1], cells[2]
        stages = [s for s in ("mining", "refining") if s in uk["minerals"][mineral]]
        if "refining" in stage_text:
            stage = "refining"
        elif "mining" in stage_text:
            stage = "mining"
        elif len(stages) == 1:
            stage = stages[0]
        else:
            err("section 1: %s: stage '%s' is not one of %s" % (mineral, stage_text, stages))
            continue
        got = table.setdefault((mineral, stage), {})
        for c, v in SHARE.findall(shares):
            got[c] = float(v)
        # a share with its tonnage is the tonnage over the total
        tonnes = TONNES.findall(shares)
        world = re.search(r"world total (\d[\d,]*) (kt|t)", cells[-1])
        for c, v, amount, of, _unit in tonnes:
            if of:
                total = number(of)
            elif world:
                total = number(world.group(1))
            elif len(tonnes) == len(SHARE.findall(shares)):
                total = sum(number(t[2]) for t in tonnes)
            else:
                err("section 1: %s %s: %s %s (%s) has no total to check it against"
                    % (mineral, stage, c, v, amount))
                continue
            if abs(number(amount) / total - float(v)) > half_unit(v) + 1e-12:
                err("section 1: %s %s: %s %s is not %s/%g = %.4f"
                    % (mineral, stage, c, v, amount, total, number(amount) / total))
    for mineral, m in uk["minerals"].items():
        for stage in ("mining", "refining"):
            if stage not in m:
                continue
            want = {s["country"]: float(s["share"]) for s in m[stage]}
            got = table.get((mineral, stage))
            if got is None:
                err("section 1: no row for %s %s (scenario: %s)" % (mineral, stage, want))
            elif set(got) != set(want) or any(not close(got[c], want[c]) for c in want):
                err("section 1: %s %s: DATA.md %s, scenario %s" % (mineral, stage, got, want))


NAMES = {"DRC": "CD", "Myanmar": "MM", "Russia": "RU", "China": "CN", "Australia": "AU"}


def check_countries(data, uk):
    text = section(data, "2")
    scores = {c: float(v) for c, v, _y in re.findall(r"\b([A-Z]{2})\s+(-?\d\.\d\d)\s+\((\d{4})\)", text)}
    for code, c in uk["countries"].items():
        if "wgi_pv" not in c:
            continue
        if code not in scores:
            err("section 2: %s (wgi_pv %s) is not listed" % (code, c["wgi_pv"]))
        elif not close(scores[code], c["wgi_pv"]):
            err("section 2: %s: DATA.md %s, scenario %s" % (code, scores[code], c["wgi_pv"]))
    w = uk["defaults"]["wgi_rate"]
    for name, rate in re.findall(r"(DRC|Myanmar|Russia|China|Australia) (\d\.\d+)/yr", text):
        wgi = scores.get(NAMES[name])
        if wgi is None:
            continue
        want = w["rate_at_zero_per_year"] * w["factor_per_unit"] ** (-wgi)
        if abs(want - float(rate)) > half_unit(rate) + 1e-12:
            err("section 2: %s %s/yr, the mapping gives %.4f" % (name, rate, want))


def keyed_rows(data, number, names, what, min_cells, header=()):
    """The rows of a section (of its table whose header starts with header,
    if given) keyed by their first cell, one of names; a name without a row
    is a mismatch."""
    text = section(data, number)
    found = {}
    for cells in table(text, "section " + number, *header)[1] if header else rows(text):
        if len(cells) >= min_cells and cells[0] in names:
            found[cells[0]] = cells
    for name in names:
        if name not in found:
            err("section %s: no row for %s %s" % (number, what, name))
    return sorted(found.items())


def check_minerals(data, uk):
    for mineral, cells in keyed_rows(data, "3", uk["minerals"], "mineral", 6):
        m = uk["minerals"][mineral]
        theta, sigma = (float(x) for x in cells[5].split(","))
        for what, doc, val in (("demand_t", number(cells[1]), m["demand_t"]),
                               ("recycled_share", number(cells[3]), m.get("recycled_share", 0)),
                               ("price.ref", number(cells[4]), m["price"]["ref"]),
                               ("price.theta", theta, m["price"]["theta"]),
                               ("price.sigma", sigma, m["price"]["sigma"])):
            if not close(doc, val):
                err("section 3: %s %s: DATA.md %s, scenario %s" % (mineral, what, doc, val))


def check_events(data, uk):
    for name, cells in keyed_rows(data, "4", uk["events"], "event", 5):
        e = uk["events"][name]
        sev = re.match(r"U\((\d[\d.]*), (\d[\d.]*)\)", cells[3])
        dur = re.search(r"median (\d[\d.]*), sigma (\d[\d.]*)", cells[4])
        want = [e["rate_per_year"]] + list(e["severity"]["uniform"]) \
            + [e["duration_months"]["lognormal"]["median"], e["duration_months"]["lognormal"]["sigma"]]
        if not sev or not dur:
            err("section 4: %s: severity '%s' or duration '%s' not read" % (name, cells[3], cells[4]))
            continue
        got = [float(cells[2]), float(sev.group(1)), float(sev.group(2)),
               float(dur.group(1)), float(dur.group(2))]
        if any(not close(a, b) for a, b in zip(got, want)):
            err("section 4: %s: DATA.md rate, severity, median, sigma %s, scenario %s"
                % (name, got, want))


def check_sectors(data, uk):
    for num, key, header in (("5", "output_gbp", ("sector", "output_gbp")),
                             ("8.4", "gva_gbp", ())):
        for sector, cells in keyed_rows(data, num, uk["sectors"], "sector", 2, header):
            val = uk["sectors"][sector][key]
            if not close(number(cells[1]), val):
                err("section %s: %s %s: DATA.md %s, scenario %s" % (num, sector, key, cells[1], val))


NEED_DEFAULTS = {"substitutable": 0, "spend_gbp": 0, "buffer_months": 0}


def check_needs(data, uk):
    """Section 5's needs table: a row for every need and a need for every
    row, each number the scenario's."""
    where = "section 5, needs"
    head, body = table(section(data, "5"), where, "sector", "mineral")
    column = {}
    for i, cell in enumerate(head):
        m = re.search(r"`(\w+)`", cell)
        if m:
            column[m.group(1)] = i
    needs = {(sector, n["mineral"]): n for sector, s in uk["sectors"].items()
             for n in s.get("needs", [])}
    for key in sorted({k for n in needs.values() for k in n} - {"mineral"} - set(column)):
        err("%s: no column for the need key %s" % (where, key))
    seen = set()
    for cells in body:
        need = tuple(cells[:2])
        if need in seen:
            err("%s: two rows for %s %s" % (where, need[0], need[1]))
        seen.add(need)
        if need not in needs:
            err("%s: row %s %s is no need of the scenario" % (where, need[0], need[1]))
            continue
        for key, i in sorted(column.items()):
            want = needs[need].get(key, NEED_DEFAULTS.get(key))
            got = cells[i] if i < len(cells) else None
            try:
                same = close(number(got), want)
            except (AttributeError, TypeError, ValueError):  # no cell, not a number
                same = False
            if not same:
                err("%s: %s %s %s: DATA.md %s, scenario %s"
                    % (where, need[0], need[1], key, got, want))
    for need in sorted(set(needs) - seen):
        err("%s: no row for %s %s" % (where, need[0], need[1]))


FITTED = {"`price.elasticity`": ("price", "elasticity"),
          "`market.elasticity_long_run`": ("market", "elasticity_long_run"),
          "`market.substitution_months`": ("market", "substitution_months"),
          "`market.stock_adjust_months`": ("market", "stock_adjust_months"),
          "`market.stock_price_response`": ("market", "stock_price_response")}


def check_market(data, uk):
    for cells in rows(section(data, "8.1")):
        if cells[0] in FITTED:
            block, key = FITTED[cells[0]]
            for mineral, m in uk["minerals"].items():
                if not close(m[block][key], number(cells[1])):
                    err("section 8.1: %s %s.%s: DATA.md %s, scenario %s"
                        % (mineral, block, key, cells[1], m[block][key]))
    stock, other = {}, None
    for cells in rows(section(data, "8.2")):
        if cells[0] == "every other mineral":
            other = number(cells[1])
        else:
            for mineral in cells[0].split(", "):
                stock[mineral] = number(cells[1])
    for mineral, m in uk["minerals"].items():
        want = stock.get(mineral, other)
        if want is None or not close(m["market"]["stock_months"], want):
            err("section 8.2: %s stock_months: DATA.md %s, scenario %s"
                % (mineral, want, m["market"]["stock_months"]))
    home = {c[0]: number(c[1]) for c in rows(section(data, "8.3")) if c[0] in uk["minerals"]}
    for mineral, m in uk["minerals"].items():
        got = m["market"].get("domestic_use", {}).get("CN")
        if got is None and mineral not in home:
            continue
        if got is None or mineral not in home or not close(got, home[mineral]):
            err("section 8.3: %s China's home use: DATA.md %s, scenario %s"
                % (mineral, home.get(mineral), got))


def at(value, year):
    """A constant, or a linear time path {year: value} read at a given year."""
    if not isinstance(value, dict):
        return float(value)
    years = sorted(value)
    if year <= years[0]:
        return float(value[years[0]])
    for a, b in zip(years, years[1:]):
        if year <= b:
            return value[a] + (value[b] - value[a]) * (year - a) / (b - a)
    return float(value[years[-1]])


def check_spend(name, doc, years=(None,)):
    for sector, s in doc["sectors"].items():
        for n in s.get("needs", []):
            m = doc["minerals"][n["mineral"]]
            for y in years:
                want = at(n["demand_share"], y) * at(m["demand_t"], y) * at(m["price"]["ref"], y)
                got = at(n["spend_gbp"], y)
                tag = "%s %s %s%s" % (name, sector, n["mineral"], "" if y is None else " in %d" % y)
                if not close(got, want, 1e-6):
                    err("spend: %s: spend_gbp %g, demand_share x demand_t x price.ref %g"
                        % (tag, got, want))


def check_stockpile(data):
    doc = scenario("uk-2035-stockpile.yaml")
    sp = doc["policies"]["stockpile"]
    held = sum(doc["minerals"][m]["demand_t"] * doc["minerals"][m]["price"]["ref"]
               for m in sp["minerals"]) * sp["months"] / 12
    m = re.search(r"GBP 144m \((\d+\.\d+)m = `demand_t x price.ref x 6/12`", section(data, "9"))
    if not m or not close(float(m.group(1)) * 1e6, held):
        err("section 9: the stockpile holds GBP %.2fm; DATA.md says %s"
            % (held / 1e6, m.group(1) if m else "nothing readable"))
    cost = doc["policies"]["cost"]["stockpile"]["gbp_per_year"]
    if not close(cost, round(0.05 * held, -5)):
        err("section 9: stockpile cost %g is not 5%% of %g rounded to 0.1m" % (cost, held))


def main():
    with open(os.path.join(ROOT, "docs", "DATA.md"), encoding="utf-8") as f:
        data = f.read()
    uk = scenario("uk-2024.yaml")
    check_shares(data, uk)
    check_countries(data, uk)
    check_minerals(data, uk)
    check_events(data, uk)
    check_sectors(data, uk)
    check_needs(data, uk)
    check_market(data, uk)
    check_spend("uk-2024", uk)
    check_spend("uk-2035-baseline", scenario("uk-2035-baseline.yaml"))
    check_spend("uk-2025-2035-baseline", scenario("uk-2025-2035-baseline.yaml"),
                (2025, 2035))
    check_stockpile(data)
    if ERRORS:
        print("data_tables: %d mismatch(es)" % len(ERRORS))
        return 1
    print("data_tables: docs/DATA.md agrees with the reference scenarios")
    return 0


if __name__ == "__main__":
    sys.exit(main())

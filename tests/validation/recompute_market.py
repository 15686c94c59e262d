#!/usr/bin/python3
"""recompute_market.py - an independent re-computation of one deterministic
trial of a market scenario from docs/MODEL.md alone (§1, §3, §3s, §3u, §4,
§5m, §6, §6m, §7, §8), compared with the engine's own results.

    recompute_market.py --minrisk BIN [--out DIR] [--trace TRACE.txt] SCENARIO.yaml ...

For each scenario (one trial, no price noise, certain occurrences only) the
script reads the YAML itself and computes the path step by step: the open
market's shares with home uses (§3s), the stages' losses with the spare
ramp, the restricting country's spare left out and the export controls
compounding on the bottleneck (§4), the rush (§3s), the clearing price
solved by plain bisection on the documented equation D(p) = A + S(p) with
its demand segments (the rest of the world and, with world_demand_t, the
UK's needs), the guards and the stock's cap K/h (§5m; not the engine's
Halley/series solver), the stock's draw and rebuild and its return to rest,
the elasticity's age, licences denied (§3u), recycled and domestic supply,
the strategic stockpile against g = n (1 - min(A, f_phys)), the UK buyers'
share bought and extra cost (§6m), buffers, inoperability (§6), the
dynamic IIM (§7) and value added lost (§8). Then it runs
`BIN run SCENARIO -o DIR/x.h5 --trials 1` and checks

- every per-trial result of /trials it re-computes (prices, stocks, demand
  destroyed, guard, scarce and short months, shortfalls, the stockpile's
  empty month, each sector's value added and output lost, extra cost, peak
  inoperability, annual losses by sector): relative difference at most
  1e-9 (1e-12 absolute near 0, GBP 1 for money): the engine's solver stops
  at its own tolerance, about 2e-15 in p |f'|, so round-off is all that
  should differ (it is below 1e-13 on every scenario tried);
- every figure of `BIN explain --all-steps` (per step: the loss, its value
  added and extra cost, and each open market's price, stock and supply
  loss): the re-computed value rounded as printed.

--trace-bin BIN (the ctest passes tests/validation/trace_dump): every
scenario's trial replayed by the engine (sim/replay.h's mr_replayer_run)
and printed at full precision, lines `m t i A .. P .. K .. u ..` and
`s t j c .. q .. VL .. XC ..`; every step's availability, price, stock,
net shortfall, direct and total inoperability, value added lost and extra
cost must agree within --tol (relative; near 0, relative to 1e-6 months
for K, 1e-12 for u, c and q, GBP 1 for money). --trace FILE: one such
dump, for the single scenario given, printed but not checked.

Two readings are the engine's where docs/MODEL.md was loose, each with a
switch for the other: the home price splits from the market's only while an
export control is on the mineral's *product* stage (as §5m has said since
61e8fd6; --doc-home-rule takes its earlier wording, "on the mineral", any
stage), and the stock snaps back to rest after the
step's solve, the shortage's age reset to 0 with it (--rest-rule; until
2026-12-05 the engine reset the age only on the next step if that one was
at rest, so a shock on that step met an older elasticity: `after`).

What it covers: any steps_per_year; stages mining/refining with spare and
a spare ramp, home uses, events of scope `exports` (licensing, rush_months),
`production` (both on one country at once) or `ore` (processed_elsewhere),
certain occurrences, domestic outages (certain occurrences) and recycled
material refined abroad (§4, supply at risk),
world_demand_t, recycled and domestic shares, time paths (demand_t,
world_demand_t, recycled and domestic shares, output_gbp, gva_gbp, a
need's spend_gbp and dependent_share; not supply shares), a stockpile (one
starting above its target, a trigger), minerals without a market block
(v1: §4's gap, §5's capped premium, §8's extra cost on the allocation f;
no licensing), proportional and priority allocation (§6, with other uses'
priority), sector buffers and defaults.buffer_refill_rate, `limiting` and
`independent` inoperability, links between sectors (`interdependency`,
the dynamic IIM of §7 with its clip), and the policies' domestic and
recycled floors (numbers or paths), stockpile and rationing (§10), UK
sourcing from data or the open market's shares, and the cap on it (§3u:
pro rata or with offtake, a ramp, a premium; a partner that supplies the
world nothing). A
scenario that uses anything else is refused rather than re-computed wrongly.
"""

import argparse
import copy
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import yaml

DOC_HOME_RULE = False
REST_RULE = "after-reset"  # see --rest-rule
EXP_MAX = 700.0  # MODEL §5m: the exponents of the excess demand are held below 700
STOCK_AT_REST = 1e-3  # MODEL §5m: |K - Kbar| <= 1e-3 max(Kbar, 1 month) ends a shortage


class Loader(yaml.SafeLoader):
    """YAML 1.2 floats: PyYAML's 1.1 rules read 10.5e6 (no dot-less exponent
    sign) as a string."""


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?=[^0-9]*[0-9])[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$"
               r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


class Unsupported(Exception):
    pass


def is_path(v):
    """A time path {year: value} (docs/SCENARIO_FORMAT.md "Time paths")."""
    return isinstance(v, dict) and len(v) > 0 and all(isinstance(k, int) for k in v)


def path_at(v, y):
    """A number, or a path's value at calendar time y: linear between its
    points, constant before the first and after the last."""
    if not is_path(v):
        return v
    pts = list(v.items())
    if y <= pts[0][0]:
        return pts[0][1]
    for (y0, v0), (y1, v1) in zip(pts, pts[1:]):
        if y <= y1:
            return v0 + (v1 - v0) * (y - y0) / (y1 - y0)
    return pts[-1][1]


class Grid:
    """§1 and the time paths: step t takes a path at start_year + (t + 0.5)/n;
    a path's stated number (a need's cost share, §8) is its value at
    start_year."""

    def __init__(self, sim):
        self.n = int(sim.get("steps_per_year", 12))
        self.y0 = sim.get("start_year", 0)

    def at(self, v, t):
        return path_at(v, self.y0 + (t + 0.5) / self.n)

    def start(self, v):
        return path_at(v, self.y0)


def check_supported(sc):
    for m, mi in sc["minerals"].items():
        us = mi.get("uk_sourcing")
        if us and (us.get("fallback") or us.get("before_policy")):
            raise Unsupported(f"{m}.uk_sourcing: fallback or before_policy")
        dout = mi.get("domestic_outage")
        if dout and dout.get("rate_per_year", 0) != 0:
            raise Unsupported(f"{m}.domestic_outage: a random process")
        for k in ("recycled_share", "domestic_share", "demand_t"):
            if isinstance(mi.get(k, 0), dict) and not is_path(mi[k]):
                raise Unsupported(f"{m}.{k}: a mapping")
        mk = mi.get("market") or {}
        if isinstance(mk.get("world_demand_t", 0), dict) and not is_path(mk["world_demand_t"]):
            raise Unsupported(f"{m}.market.world_demand_t: a mapping")
        pr = mi["price"]
        if pr.get("sigma", 0.3) != 0 or pr.get("jumps"):
            raise Unsupported(f"{m}.price: noise")
        for st in ("mining", "refining"):
            for s in mi.get(st) or []:
                if s.get("outage") or isinstance(s["share"], dict):
                    raise Unsupported(f"{m}.{st}: an outage or a share path")
    for c, ci in sc["countries"].items():
        if ci.get("outage") or ci.get("regime") or ci.get("wgi_pv") is not None:
            raise Unsupported(f"countries.{c}")
    for j, sj in sc["sectors"].items():
        if sj.get("combine", "limiting") not in ("limiting", "independent"):
            raise Unsupported(f"sectors.{j}")
        for nd in sj["needs"]:
            if any(isinstance(v, dict) for k, v in nd.items()
                   if k not in ("spend_gbp", "dependent_share")):
                raise Unsupported(f"sectors.{j}.needs: a path")
    for e, ev in sc.get("events", {}).items():
        if ev.get("rate_per_year", 0) != 0 or ev.get("scope", "production") not in ("exports",
                                                                                   "production", "ore"):
            raise Unsupported(f"events.{e}")
        if not isinstance(ev["minerals"], list):
            raise Unsupported(f"events.{e}.minerals")
    pol = sc.get("policies") or {}
    for k, v in pol.items():
        if k == "diversification_cap":
            cap = v if isinstance(v, dict) else {"cap": v}
            if cap.get("on", "uk_sourcing") != "uk_sourcing" or not set(cap) <= {
                    "cap", "offtake", "ramp", "premium"}:
                raise Unsupported("policies.diversification_cap: on world or new_source")
            continue
        if k not in ("stockpile", "rationing", "domestic_share", "recycled_share") or isinstance(
                v, dict) and not is_path(v) and k in ("domestic_share", "recycled_share"):
            raise Unsupported(f"policies.{k}")
    for m, mi in sc["minerals"].items():
        if "market" not in mi:
            for e, ev in (sc.get("events") or {}).items():
                if m in ev["minerals"] and ev.get("licensing"):
                    raise Unsupported(f"events.{e}: licensing on {m}, a mineral without a market")
    for j, sj in sc["sectors"].items():
        for k in ("output_gbp", "gva_gbp"):
            if isinstance(sj.get(k, 0), dict) and not is_path(sj[k]):
                raise Unsupported(f"sectors.{j}.{k}: a mapping")


def apply_policies(sc):
    """MODEL §10 (SCENARIO_FORMAT "policies"): the levers this script takes,
    as transforms of the scenario: the floors on domestic and recycled
    shares, the stockpile (target and initial level become `months`; the
    other keys as given, else the mineral's own, else 0, 1, 0.25) and the
    rationing rule."""
    sc = copy.deepcopy(sc)
    pol = sc.get("policies") or {}
    for m, mi in sc["minerals"].items():
        for k in ("domestic_share", "recycled_share"):
            if k in pol:  # the floor, step by step (max of the two at each step)
                mi["floor_" + k] = pol[k]
    if "stockpile" in pol:
        sp = pol["stockpile"]
        for m in sp.get("minerals", list(sc["minerals"])):
            own = sc["minerals"][m].get("stockpile") or {}
            new = {"target_months": sp["months"], "initial_months": sp["months"]}
            for k, dflt in (("trigger", 0.0), ("max_release", 1.0), ("refill_rate", 0.25)):
                new[k] = sp.get(k, own.get(k, dflt))
            sc["minerals"][m]["stockpile"] = new
    if "rationing" in pol:
        sc["rationing"] = pol["rationing"]
    return sc


def uk_shares(sc, m, sprime):
    """§3u: the UK's shares of its purchases by country, before and after a
    cap on UK sourcing (`policies.diversification_cap`), and the premium
    pi_m on the shares the cap moved. Without UK data, u_c = s'_c."""
    mi = sc["minerals"][m]
    us = mi.get("uk_sourcing")
    before = dict(us["shares"]) if us else {c: v for c, v in sprime.items() if v > 0}
    cap = (sc.get("policies") or {}).get("diversification_cap")
    if cap is None:
        return before, before, 0.0
    cap = cap if isinstance(cap, dict) else {"cap": cap}
    c_ = cap["cap"]
    agg = {c for c, ci in sc["countries"].items() if ci.get("aggregate")}
    after = dict(before)
    if "offtake" in cap:  # every source above the cap (not an aggregate) cut to it
        E = sum(max(0.0, v - c_) for c, v in before.items() if c not in agg)
        for c in after:
            if c not in agg and after[c] > c_:
                after[c] = c_
        for k, wk in cap["offtake"].items():
            after[k] = after.get(k, 0.0) + wk * E
    else:  # pro rata, water-filling (§10): marked at c, the others scaled
        marked = set()
        while True:
            over = [c for c, v in after.items() if c not in agg and c not in marked
                    and v > c_ + 1e-12]
            if not over:
                break
            marked |= set(over)
            rest = [c for c in before if c not in marked]
            scale = (1.0 - len(marked) * c_) / sum(before[c] for c in rest)
            after = {c: (c_ if c in marked else before[c] * scale) for c in before}
    prem = cap.get("premium", 0.0)
    pi = sum((prem.get(c, 0.0) if isinstance(prem, dict) else prem) * max(0.0, v - before.get(c, 0.0))
             for c, v in after.items())
    return before, after, pi


def allocate(m, u, sc):
    """MODEL §6: each claimant's served fraction f_mj of mineral m when the
    UK's physical shortfall is u (a fraction of national demand)."""
    rat = sc.get("rationing") or "proportional"
    rule = rat if isinstance(rat, str) else rat["rule"]
    claims = []  # (priority, demand, sector or None for other uses)
    for j, sj in sc["sectors"].items():
        for nd in sj["needs"]:
            if nd["mineral"] == m:
                claims.append((sj.get("priority", 100), nd["demand_share"], j))
    if rule == "proportional":
        return {j: 1.0 - u for _, _, j in claims}
    other_pr = 1000 if isinstance(rat, str) else rat.get("other_uses_priority", 1000)
    claims.append((other_pr, max(0.0, 1.0 - sum(d for _, d, _ in claims)), None))
    left = 1.0 - u
    f = {}
    for pr in sorted({c[0] for c in claims}):
        grp = [c for c in claims if c[0] == pr]
        dem = sum(d for _, d, _ in grp)
        if left >= dem * (1.0 - 1e-12):  # served in full (a relative round-off of 1e-12)
            frac = 1.0
            left -= dem
        elif left > 0.0:
            frac = left / dem
            left = 0.0
        else:
            frac = 0.0
        for _, d, j in grp:
            f[j] = 1.0 if d == 0.0 else frac
    f.pop(None)
    return f


def recompute(sc):
    """The trial's path and its per-trial results, from the documented model."""
    check_supported(sc)
    sc = apply_policies(sc)
    sim = sc["simulation"]
    H = int(sim["horizon_years"])
    n = int(sim.get("steps_per_year", 12))
    grid = Grid(sim)
    T = H * n
    dt = 1.0 / n
    h = 12.0 / n
    buffer_refill = (sc.get("defaults") or {}).get("buffer_refill_rate", 0.5)

    # §3: certain occurrences on the step grid
    def steps_of(oc):  # §3: the steps a certain occurrence is active
        k0 = min(math.floor(oc["start_years"] * n), T - 1)
        L = max(1, round_half_away(oc["duration_months"] * n / 12.0))
        return k0, min(k0 + L - 1, T - 1)

    occs = []  # (event, mineral list, stages, country, k0, L, severity, licensing, rush)
    for e, ev in (sc.get("events") or {}).items():
        for oc in ev.get("occurrences") or []:
            k0, last = steps_of(oc)
            # §3s: an ore ban withholds s (1 - processed_elsewhere), a
            # physical loss of the stage (the banning country's spare counts)
            ore = ev.get("scope") == "ore"
            occs.append(dict(event=e, minerals=ev["minerals"],
                             stages=ev.get("stages", ["mining", "refining"]),
                             country=ev["country"], k0=k0, last=last,
                             sev=oc["severity"] * (1.0 - ev.get("processed_elsewhere", 0.0) if ore else 1.0),
                             lic=ev.get("licensing", 0.0),
                             exports=ev.get("scope", "production") == "exports",
                             rush=oc.get("rush_months", ev.get("rush_months", 0.0))))

    mineral_state = {}
    for m, mi in sc["minerals"].items():
        mk = mi.get("market") or {}
        pr = mi["price"]
        eps_sr = pr.get("elasticity", 0.3)
        eps_lr = mk.get("elasticity_long_run", eps_sr)
        tau_e = mk.get("substitution_months", 12.0)
        Kbar = mk.get("stock_months", 0.0)
        # §5m: a stock cannot close its gap faster than in one step
        tau_s = max(mk.get("stock_adjust_months", 3.0), h)
        eta = mk.get("stock_price_response", 1.0)
        gmax = math.log(pr.get("max_multiple", 10.0))
        ramp_R = mi.get("spare_ramp_months", 0.0)
        stages = [s for s in ("mining", "refining") if mi.get(s)]
        product = "refining" if "refining" in stages else "mining"
        home = mk.get("domestic_use") or {}

        # §3s: the product stage in open-market terms
        sup = {}
        for st in stages:
            rows = []
            if st == product and home:
                Dopen = 1.0 - sum(min(home.get(s["country"], 0.0), s["share"]) for s in mi[st])
                for s in mi[st]:
                    e_c = s["share"] - min(home.get(s["country"], 0.0), s["share"])
                    rows.append((s["country"], e_c / Dopen, s.get("spare", 0.0) * s["share"] / Dopen))
            else:
                for s in mi[st]:
                    rows.append((s["country"], s["share"], s.get("spare", 0.0) * s["share"]))
            sup[st] = rows  # (country, share', spare' x share')
        sprime = {c: sh for c, sh, _ in sup[product]}
        world = {x["country"]: x["share"] for x in mi[product]}
        u_bef, u_aft, prem_pi = uk_shares(sc, m, sprime)
        capv = (sc.get("policies") or {}).get("diversification_cap")
        cap_ramp = capv.get("ramp", 1.0) if isinstance(capv, dict) else 1.0

        # per step: losses by (stage, country), export-restricted flags, licensing products
        A = []
        lic_deny = []
        at_risk = []  # (r_eff / r, d_eff / d) per step
        rush_add = [0.0] * T
        exp_active = [False] * T
        run_len = {st: 0 for st in stages}
        for t in range(T):
            act = [o for o in occs if m in o["minerals"] and o["k0"] <= t <= o["last"]]
            for o in occs:
                if m in o["minerals"] and o["k0"] == t and o["rush"] and product in o["stages"]:
                    rush_add[t] += o["rush"] * sprime.get(o["country"], 0.0)
            # the home price is split from the market's while an export
            # control on the mineral's product stage is on (sim/disrupt.c:
            # exp_on; docs/MODEL.md §5m); --doc-home-rule takes the earlier
            # wording, "on the mineral", any stage
            # (a country that supplies the world nothing, a UK-only offtake
            # partner, splits nothing, §3u)
            exp_active[t] = any(o["exports"] and (DOC_HOME_RULE or product in o["stages"])
                                and world.get(o["country"], 0.0) > 0 for o in act)
            Ast, Pst = {}, {}
            for st in stages:
                keep, keep_phys, restricted, produced = {}, {}, set(), set()
                for o in act:
                    if st in o["stages"]:
                        c = o["country"]
                        keep[c] = keep.get(c, 1.0) * (1.0 - o["sev"])
                        (restricted if o["exports"] else produced).add(c)
                        if not (o["exports"] and st == product):
                            keep_phys[c] = keep_phys.get(c, 1.0) * (1.0 - o["sev"])
                Lc = {c: 1.0 - keep.get(c, 1.0) for c, _, _ in sup[st]}
                disrupted = any(v > 0 for v in Lc.values())
                run_len[st] = run_len[st] + 1 if disrupted else 0
                rho = 1.0 if ramp_R == 0 else min(1.0, run_len[st] * h / ramp_R)

                def avail(Lmap, excluded):
                    lost = sum(sh * Lmap[c] for c, sh, _ in sup[st])
                    spare = sum(sp * (1.0 - Lmap[c]) for c, _, sp in sup[st] if c not in excluded)
                    return max(0.0, 1.0 - lost + min(lost, rho * spare))  # §4: at least 0

                Ast[st] = avail(Lc, restricted)
                if st == product:  # P: without the export controls on the product stage
                    Pst[st] = avail({c: 1.0 - keep_phys.get(c, 1.0) for c in Lc}, set())
                else:  # controls on another stage are physical losses of it (§4)
                    Pst[st] = Ast[st]
            if len(stages) == 1:
                A.append(Ast[stages[0]])
            else:
                Pm, Pr = Pst["mining"], Pst["refining"]
                if Pm == 0 or Pr == 0:
                    A.append(0.0)
                else:
                    A.append(min(Pm, Pr) * (Ast["mining"] / Pm) * (Ast["refining"] / Pr))
            # §3u: licences denied to UK buyers, u_c = s'_c (no UK data);
            # l_c = prod (1 - lambda x) over c's licensing occurrences, k_c
            # what c still produces of the product (its production losses):
            # the part it does not deliver is bought on the open market,
            # where licences are refused at Phi_open
            ramp = grid.at(cap_ramp, t)
            u_t = {c: u_bef.get(c, 0.0) + ramp * (u_aft.get(c, 0.0) - u_bef.get(c, 0.0))
                   for c in set(u_bef) | set(u_aft)}
            l_c, k_c = {}, {}
            for o in act:
                if product in o["stages"]:
                    c = o["country"]
                    if o["lic"]:
                        l_c[c] = l_c.get(c, 1.0) * (1.0 - o["lic"] * o["sev"])
                    if not o["exports"]:
                        k_c[c] = k_c.get(c, 1.0) * (1.0 - o["sev"])
            phi_open = sum(sprime.get(c, 0.0) * (1.0 - v) for c, v in l_c.items())
            phi = 0.0
            if l_c:
                phi = sum(sh * (k_c.get(c, 1.0) * (1.0 - l_c.get(c, 1.0))
                                + (1.0 - k_c.get(c, 1.0)) * phi_open) for c, sh in u_t.items())
            lic_deny.append(1.0 - phi)
            # §4, supply at risk: the domestic outage's keep, and the product
            # slot's survival of each country recycled material is refined in
            keep_dom = 1.0
            for oc in (mi.get("domestic_outage") or {}).get("occurrences") or []:
                k0, last = steps_of(oc)
                if k0 <= t <= last:
                    keep_dom *= 1.0 - oc["severity"]
            lost_rec = 0.0
            for k, a_k in (mi.get("recycled_refined_abroad") or {}).items():
                keep_k = 1.0
                for o in act:
                    if o["country"] == k and product in o["stages"]:
                        keep_k *= 1.0 - o["sev"]
                lost_rec += a_k * (1.0 - keep_k)
            at_risk.append((1.0 - lost_rec, keep_dom))

        if "market" not in mi:  # v1 (§5, §6): priced in the UK's step below
            mineral_state[m] = dict(path=[], A=A, lic_deny=lic_deny, eps_sr=eps_sr, Kbar=0.0,
                                    gmax=gmax, exp_active=exp_active, v1=True, prem=prem_pi,
                                    ramp=cap_ramp, at_risk=at_risk)
            continue

        # §5m: the demand segments, (weight, elasticity less eps(a)): the rest
        # of the world, and the UK's needs when world_demand_t is given
        # (w_j(t) takes demand_t and world_demand_t at the step's middle)
        def segs_at(t, mi=mi, mk=mk, home=home, product=product, eps_sr=eps_sr, m=m):
            segs = []
            wdem = grid.at(mk.get("world_demand_t", 0.0), t)
            if wdem:
                Dopen_w = 1.0 - sum(min(home.get(s["country"], 0.0), s["share"]) for s in mi[product])
                for j, sj in sc["sectors"].items():
                    for nd in sj["needs"]:
                        if nd["mineral"] == m:
                            wj = grid.at(mi["demand_t"], t) * nd["demand_share"] / (wdem * Dopen_w)
                            cj = grid.start(nd.get("spend_gbp", 0.0)) / grid.start(sj["output_gbp"])
                            segs.append((wj, cj + nd.get("substitutable", 0.0) * eps_sr - eps_sr))
            segs.insert(0, (1.0 - sum(w for w, _ in segs), 0.0))
            return segs

        # §5m: clearing step by step
        K = Kbar
        age = 0.0
        path = []
        for t in range(T):
            K += rush_add[t]
            if REST_RULE == "before" and A[t] == 1.0 and abs(K - Kbar) <= STOCK_AT_REST * max(Kbar, 1.0):
                K = Kbar
            if A[t] == 1.0 and K == Kbar:
                age = 0.0
                path.append(dict(A=A[t], p=0.0, S=0.0, D=1.0, served=1.0, K=K, eps=eps_sr, guard=False))
                continue
            eps = eps_lr + (eps_sr - eps_lr) * math.exp(-age / tau_e)

            def Sfun(p, K=K):
                return min((K - Kbar * math.exp(min(-eta * p, EXP_MAX))) / tau_s, K / h)

            segs = segs_at(t)

            def Dfun(p, eps=eps, segs=segs):
                return sum(w * math.exp(min(-(eps + x) * p, EXP_MAX)) for w, x in segs)

            def f(p):
                return Dfun(p) - A[t] - Sfun(p)

            guard = False
            served = 1.0
            if f(gmax) > 0:
                p = gmax
                # §5m: at the upper guard stockholders release what their
                # rule gives, or, if it asks to rebuild, buy what supply
                # leaves over after the buyers, at most what they ask
                S = Sfun(p)
                if S < 0:
                    S = -min(-S, max(0.0, A[t] - Dfun(p)))
                served = min(1.0, (A[t] + S) / Dfun(p))
                guard = True
            elif f(-gmax) < 0:
                p = -gmax
                S = Sfun(p)
            else:
                lo, hi = -gmax, gmax
                for _ in range(400):
                    mid = 0.5 * (lo + hi)
                    if mid == lo or mid == hi:
                        break
                    if f(mid) > 0:
                        lo = mid
                    else:
                        hi = mid
                p = hi if abs(f(hi)) < abs(f(lo)) else lo
                S = Sfun(p)
            D = Dfun(p)
            Knew = K - S * h
            if S * h >= K:
                Knew = 0.0
            K = Knew
            if REST_RULE != "before" and A[t] == 1.0 and abs(K - Kbar) <= STOCK_AT_REST * max(Kbar, 1.0):
                K = Kbar  # back at rest after this step's solve
            path.append(dict(A=A[t], p=p, S=S, D=D, served=served, K=K, eps=eps, guard=guard))
            age += h
            if REST_RULE == "after-reset" and K == Kbar and A[t] == 1.0:
                age = 0.0  # at rest: the next shortage starts from the short run
        mineral_state[m] = dict(path=path, lic_deny=lic_deny, eps_sr=eps_sr, Kbar=Kbar, gmax=gmax,
                                exp_active=exp_active, v1=False, prem=prem_pi, ramp=cap_ramp,
                                at_risk=at_risk)

    # §6m, §6, §7, §8: the UK
    sectors = sc["sectors"]
    buf = {}
    for j, sj in sectors.items():
        for nd in sj["needs"]:
            buf[(j, nd["mineral"])] = nd.get("buffer_months", 0.0)
    q = {j: 0.0 for j in sectors}
    Astar = sc.get("interdependency") or {}  # A*[i][j]: the part of j's inoperability i takes
    stock = {}
    for m, mi in sc["minerals"].items():
        sp = mi.get("stockpile")
        if sp:
            stock[m] = dict(Q=sp.get("initial_months", sp["target_months"]), target=sp["target_months"],
                            trigger=sp.get("trigger", 0.0), maxr=sp.get("max_release", 1.0),
                            refill=sp.get("refill_rate", 0.25), empty=float("nan"))
    steps = []
    for t in range(T):
        row = {"m": {}, "s": {}}
        ub = {}
        for m, ms in mineral_state.items():
            mi = sc["minerals"][m]
            r_d = [max(grid.at(mi.get(k, 0.0), t), grid.at(mi.get("floor_" + k, 0.0), t))
                   for k in ("recycled_share", "domestic_share")]
            if mi.get("domestic_outage") or mi.get("recycled_refined_abroad"):
                keep_r, keep_d = ms["at_risk"][t]
                r_d = [r_d[0] * keep_r, r_d[1] * keep_d]
            nneed = 1.0 - r_d[0] - r_d[1]
            if ms["v1"]:  # §4: g = max(0, (1 - r - d)(1 - A)), no market
                g = max(0.0, nneed * (1.0 - ms["A"][t]))
                f_phys = 1.0
            else:  # §6m: the stockpile against g = n (1 - min(A, f_phys))
                st = ms["path"][t]
                f_phys = st["served"] * ms["lic_deny"][t]
                g = nneed * (1.0 - min(st["A"], f_phys))
            R = 0.0
            if m in stock:  # §4 strategic stockpile
                sp = stock[m]
                if g > sp["trigger"]:
                    R = min(g, sp["Q"] / h, sp["maxr"])
                    before = sp["Q"]
                    sp["Q"] = sp["Q"] - R * h
                    if R == before / h:  # the release empties it: exactly 0 (§4)
                        sp["Q"] = 0.0
                    if before > 0 and sp["Q"] == 0.0 and sp["empty"] != sp["empty"]:
                        sp["empty"] = t * h
                elif g == 0 and sp["Q"] < sp["target"]:  # a level above the target is kept
                    sp["Q"] = min(sp["target"], sp["Q"] + sp["refill"] * h)
            if ms["v1"]:  # §4 u = g - R; §5 the scarcity premium on u
                u = g - R
                b = None
                if u == 0.0:
                    pi = 0.0
                elif u >= 1.0:
                    pi = ms["gmax"]
                else:
                    pi = min(-math.log1p(-u) / ms["eps_sr"], ms["gmax"])
                ms["path"].append(dict(A=ms["A"][t], p=pi, S=0.0, D=1.0, served=1.0, K=0.0,
                                       eps=ms["eps_sr"], guard=pi == ms["gmax"]))
                st = ms["path"][t]
            else:
                u = max(0.0, nneed * (1.0 - f_phys) - R)
                b = max(0.0, nneed * f_phys - max(0.0, R - nneed * (1.0 - f_phys)))
            ub[m] = (u, b, allocate(m, u, sc))
            row["m"][m] = dict(A=st["A"], P=math.exp(st["p"]), K=st["K"], u=u, b=b)
        qprev = dict(q)
        for j, sj in sectors.items():
            Y = grid.at(sj["output_gbp"], t)
            V = grid.at(sj.get("gva_gbp", sj["output_gbp"]), t)
            k = sj.get("recovery_rate", 1.0)
            independent = sj.get("combine", "limiting") == "independent"
            cj = 0.0
            keep = 1.0
            xc = 0.0
            for nd in sj["needs"]:
                m = nd["mineral"]
                u, b, falloc = ub[m]
                fmj = falloc[j]
                B = buf[(j, m)]
                bmax = nd.get("buffer_months", 0.0)
                if fmj < 1.0:
                    fp = min(1.0, fmj + B / h)
                    B = B - (fp - fmj) * h
                else:
                    fp = 1.0
                    B = min(bmax, B + buffer_refill * h)
                buf[(j, m)] = B
                a = grid.at(nd["dependent_share"], t)
                sig = nd.get("substitutable", 0.0)
                x = a * (1.0 - sig) * (1.0 - fp)
                cj = max(cj, x)
                keep *= 1.0 - x
                ms = mineral_state[m]
                st = ms["path"][t]
                w = grid.at(nd.get("spend_gbp", 0.0), t)
                # §3u: the premium on the shares the cap moved, on what is bought
                if ms["prem"]:
                    xc += w * dt * (fmj if ms["v1"] else b) * ms["prem"] * grid.at(ms["ramp"], t)
                if ms["v1"]:  # §8: w dt f (exp(y) - 1), f the allocation, not f'
                    xc += w * dt * fmj * math.expm1(st["p"])
                    continue
                # extra cost (§6m), N = 1 (no noise)
                # the cost share keeps the stated spend_gbp / output_gbp (§8)
                c_share = grid.start(nd.get("spend_gbp", 0.0)) / grid.start(sj["output_gbp"])
                eps_j = c_share + sig * ms["eps_sr"] + (st["eps"] - ms["eps_sr"])
                p = st["p"]
                if p == 0.0:
                    surplus = 0.0
                elif eps_j == 1.0:
                    surplus = p
                else:
                    surplus = math.expm1((1.0 - eps_j) * p) / (1.0 - eps_j)
                xc += w * dt * b * surplus
            if independent:
                cj = 1.0 - keep
            spill = sum(v * qprev[i] for i, v in (Astar.get(j) or {}).items())
            q[j] = min(1.0, max(0.0, (1.0 - k) * qprev[j] + k * (spill + cj)))
            row["s"][j] = dict(c=cj, q=q[j], VL=q[j] * V * dt, XC=xc, OL=q[j] * Y * dt)
        steps.append(row)

    # per-trial results
    res = {}
    mins = list(sc["minerals"])
    for m in mins:
        ms = mineral_state[m]
        P = [math.exp(s["p"]) for s in ms["path"]]
        res[("mineral_price_peak_market", m)] = max(P)
        res[("mineral_price_peak", m)] = max(P)
        res[("mineral_price_mean", m)] = sum(P) / T
        # §5m; without a market (§8) the open-market price is the home price
        res[("mineral_home_price_peak", m)] = max(1.0 if ms["exp_active"][t] and not ms["v1"] else P[t]
                                                  for t in range(T))
        res[("mineral_market_loss_peak", m)] = max(1.0 - s["A"] for s in ms["path"])
        # drawn below its rest level: a stock above it all along (a rush) is 0
        res[("mineral_stock_drawn_peak", m)] = max([0.0] + [ms["Kbar"] - s["K"] for s in ms["path"]])
        res[("mineral_demand_destroyed", m)] = sum(max(0.0, 1.0 - s["served"] * s["D"]) * h
                                                   for s in ms["path"])
        res[("mineral_consumption_fall_peak", m)] = max(max(0.0, 1.0 - s["served"] * s["D"])
                                                        for s in ms["path"])
        res[("mineral_scarce_months", m)] = 0.0 if ms["v1"] else sum(h for s in ms["path"]
                                                                     if s["p"] >= math.log(2.0))
        res[("mineral_market_short_months", m)] = sum(h for s in ms["path"] if 1.0 - s["A"] > 0.01)
        res[("mineral_guard_months", m)] = sum(h for s in ms["path"] if s["guard"])
        us = [steps[t]["m"][m]["u"] for t in range(T)]
        res[("mineral_shortfall_mean", m)] = sum(us) / T
        res[("mineral_shortfall_peak", m)] = max(us)
        res[("mineral_shortfall_months", m)] = sum(h for x in us if x > 0.01)
        res[("mineral_stockpile_empty_month", m)] = stock[m]["empty"] if m in stock else float("nan")
    for j in sectors:
        res[("sector_gva_loss", j)] = sum(steps[t]["s"][j]["VL"] for t in range(T))
        res[("sector_output_loss", j)] = sum(steps[t]["s"][j]["OL"] for t in range(T))
        res[("sector_extra_cost", j)] = sum(steps[t]["s"][j]["XC"] for t in range(T))
        res[("sector_inoperability_peak", j)] = max(steps[t]["s"][j]["q"] for t in range(T))
        res[("sector_inoperability_months", j)] = sum(h for t in range(T) if steps[t]["s"][j]["q"] > 0.05)
    for y in range(H):
        yl = 0.0
        for j in sectors:
            v = sum(steps[t]["s"][j]["VL"] + steps[t]["s"][j]["XC"] for t in range(y * n, (y + 1) * n))
            res[("sector_annual_loss", (y, j))] = v
            yl += v
        res[("annual_loss", y)] = yl
    res[("total_gva_loss", None)] = sum(res[("sector_gva_loss", j)] for j in sectors)
    res[("total_loss", None)] = res[("total_gva_loss", None)] + sum(res[("sector_extra_cost", j)]
                                                                    for j in sectors)
    return steps, res, mins, list(sectors)


def rel(a, b, floor=1e-12):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), floor)


def h5_path(path, outdir):
    return os.path.join(outdir, os.path.basename(path).replace(".yaml", ".h5"))


def engine_results(minrisk, path, outdir):
    h5 = h5_path(path, outdir)
    subprocess.run([minrisk, "run", path, "-o", h5, "--trials", "1", "--quiet", "--threads", "1"],
                   check=True)
    with h5py.File(h5, "r") as f:
        tr = f["trials"]
        mins = [x.decode() for x in f["mineral"][()]]
        secs = [x.decode() for x in f["sector"][()]]
        out = {}
        for name in tr:
            d = tr[name]
            if name.startswith("mineral_") and d.ndim == 2:
                for i, m in enumerate(mins):
                    out[(name, m)] = float(d[0, i])
            elif name.startswith("sector_") and d.ndim == 2:
                for i, j in enumerate(secs):
                    out[(name, j)] = float(d[0, i])
            elif name in ("total_loss", "total_gva_loss"):
                out[(name, None)] = float(d[0])
            elif name == "annual_loss":
                for y in range(d.shape[1]):
                    out[(name, y)] = float(d[0, y])
            elif name == "sector_annual_loss":
                for y in range(d.shape[1]):
                    for i, j in enumerate(secs):
                        out[(name, (y, j))] = float(d[0, y, i])
    return out


def within_print(value, text):
    """Whether value rounds to text (a number printed with as many decimals)."""
    dec = len(text.split(".")[1]) if "." in text else 0
    return abs(value - float(text)) <= 0.5 * 10.0 ** (-dec) * (1 + 1e-9) + 1e-12 * abs(value)


MONTH = re.compile(r"^(?:month|step) (\d+) .*?: loss GBP (-?[0-9.]+) m \(value added (-?[0-9.]+) m, "
                   r"extra input cost (-?[0-9.]+) m\)")
MARKET = re.compile(r"^\s+market: (\S+) price x([0-9.]+) \(market only\), stock ([0-9.]+) months "
                    r"\(rest [0-9.]+\), supply loss ([0-9.]+)%")


def compare_explain(minrisk, h5, steps, secs):
    """The per-step lines of `explain --all-steps` (rounded figures) against
    the re-computed path: each printed number must be the recomputed one
    rounded. Returns (numbers checked, mismatches)."""
    txt = subprocess.run([minrisk, "explain", h5, "--trial", "0", "--all-steps"], check=True,
                         capture_output=True, text=True).stdout
    t = None
    checked, bad = 0, []
    for line in txt.splitlines():
        mo = MONTH.match(line)
        if not mo and (line.startswith("month") or line.startswith("step")):
            t = None  # a month line not parsed (e.g. "months 0-5: quiet"): its lines are not checked
            continue
        if mo:
            t = int(mo.group(1))
            vl = sum(steps[t]["s"][j]["VL"] for j in secs) / 1e6
            xc = sum(steps[t]["s"][j]["XC"] for j in secs) / 1e6
            for v, txtv, what in ((vl + xc, mo.group(2), "loss"), (vl, mo.group(3), "value added"),
                                  (xc, mo.group(4), "extra cost")):
                checked += 1
                if not within_print(v, txtv):
                    bad.append(f"month {t} {what}: recomputed {v:.6g}, explain {txtv}")
            continue
        mk = MARKET.match(line)
        if mk and t is not None:
            m = mk.group(1)
            st = steps[t]["m"][m]
            for v, txtv, what in ((st["P"], mk.group(2), "price"), (st["K"], mk.group(3), "stock"),
                                  (100 * (1 - st["A"]), mk.group(4), "supply loss %")):
                checked += 1
                if not within_print(v, txtv):
                    bad.append(f"month {t} {m} {what}: recomputed {v:.6g}, explain {txtv}")
    return checked, bad


def read_trace(path, mins, secs):
    steps = {}
    with open(path) as fh:
        for line in fh:
            w = line.split()
            if w[0] == "m":
                t, i = int(w[1]), int(w[2])
                vals = dict(zip(w[3::2], map(float, w[4::2])))
                steps.setdefault(t, {"m": {}, "s": {}})["m"][mins[i]] = vals
            elif w[0] == "s":
                t, i = int(w[1]), int(w[2])
                vals = dict(zip(w[3::2], map(float, w[4::2])))
                steps.setdefault(t, {"m": {}, "s": {}})["s"][secs[i]] = vals
    return steps


def compare_trace(steps, eng, mins, secs):
    """Max relative difference per quantity over the steps, and where."""
    worst = {}

    def note(key, a, b, t, who, floor):
        r = rel(a, b, floor)
        if key not in worst or r > worst[key][0]:
            worst[key] = (r, t, who, a, b)

    # (row kind, names, quantity, floor of the relative difference)
    quantities = [("m", mins, "A", 1e-300), ("m", mins, "P", 1e-300), ("m", mins, "K", 1e-6),
                  ("m", mins, "u", 1e-12), ("s", secs, "c", 1e-12), ("s", secs, "q", 1e-12),
                  ("s", secs, "VL", 1.0), ("s", secs, "XC", 1.0)]
    for t, row in enumerate(steps):
        for kind, names, key, floor in quantities:
            for who in names:
                note(key, row[kind][who][key], eng[t][kind][who][key], t, who, floor)
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--out")
    ap.add_argument("--trace", help="engine trace of the (single) episode, full precision")
    ap.add_argument("--trace-bin", help="tests/validation/trace_dump: every scenario's trial "
                    "step by step at full precision, each quantity within --tol")
    ap.add_argument("--tol", type=float, default=1e-9)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--rest-rule", choices=("after", "before", "after-reset"), default="after-reset",
                    help="where the stock snaps back to rest (MODEL §5m): after the step's solve "
                         "with the shortage's age restarted (after-reset, the engine), without "
                         "(after, the engine until 2026-12-05), or before the next step's")
    ap.add_argument("--doc-home-rule", action="store_true",
                    help="home price split by an export control at any stage (MODEL §5m's wording "
                         "before 61e8fd6)")
    ap.add_argument("episodes", nargs="+")
    a = ap.parse_args()
    global DOC_HOME_RULE
    DOC_HOME_RULE = a.doc_home_rule
    global REST_RULE
    REST_RULE = a.rest_rule
    outdir = a.out or tempfile.mkdtemp(prefix="recompute_market.")
    os.makedirs(outdir, exist_ok=True)
    failed = 0
    for path in a.episodes:
        with open(path) as fh:
            sc = yaml.load(fh, Loader=Loader)
        steps, mine, mins, secs = recompute(sc)
        eng = engine_results(a.minrisk, path, outdir)
        name = os.path.basename(path)
        worst = 0.0
        for key, v in sorted(mine.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            if key not in eng:
                print(f"{name}: {key[0]}[{key[1]}]: not in the engine's /trials")
                failed += 1
                continue
            floor = 1.0 if key[0].endswith("loss") or key[0].endswith("cost") else 1e-12
            r = rel(v, eng[key], floor)
            worst = max(worst, r)
            bad = r > a.tol
            if bad or a.verbose:
                print(f"{name}: {key[0]}[{key[1]}]: recomputed {v:.17g}, engine {eng[key]:.17g}, "
                      f"rel {r:.2e}{'  FAIL' if bad else ''}")
            failed += bad
        print(f"{name}: {len(mine)} per-trial values, max relative difference {worst:.2e}")
        nchk, bad = compare_explain(a.minrisk, h5_path(path, outdir), steps, secs)
        for b in bad:
            print(f"{name}: explain: {b}  FAIL")
        failed += len(bad)
        print(f"{name}: explain --all-steps: {nchk} rounded figures, {len(bad)} off")
        if a.trace or a.trace_bin:
            if a.trace_bin:
                tpath = h5_path(path, outdir).replace(".h5", ".trace")
                with open(tpath, "w") as fh:
                    subprocess.run([a.trace_bin, path], check=True, stdout=fh)
            else:
                tpath = a.trace
            w = compare_trace(steps, read_trace(tpath, mins, secs), mins, secs)
            for q_, (r, t, who, x, y) in sorted(w.items()):
                bad = a.trace_bin is not None and r > a.tol
                print(f"{name}: step max rel {q_:3s} {r:.2e} (step {t}, {who}: mine {x:.17g}, "
                      f"engine {y:.17g}){'  FAIL' if bad else ''}")
                failed += bad
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

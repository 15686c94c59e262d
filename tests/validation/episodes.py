"""The backtest episodes of the validation suite (issue 12, item 6).

One dict an episode, in the order of docs/VALIDATION.md's table:

  name     the episode's name: the file's base name (validation_<name> is its
           ctest test); given explicitly only when there is no file
  file     the scenario, a YAML file in tests/validation/ (None: out of scope)
  role     'fit'       the market parameters were fitted on it
           'holdout'   never used for fitting: the test of the model
           'limit'     a known limit of the model: a failing check is
                       reported as "known failure" and does not fail ctest
           'null'      no disruption: the statistics must show no bias
           'frequency' the random disruption processes over 2010-2025
  title    one line
  what     what happened, one line, with its source
  trials   trials to run (1 for a deterministic episode: sigma 0, certain
           occurrences only), or None for the file's simulation.trials
  checks   a list of dicts:
             metric  a metric of validate.py (METRICS there)
             args    its arguments: mineral / sector / months / level /
                     dataset / observed; mineral '*' means every mineral
                     of the file (one check each)
             lo, hi  the target range (either may be None); unused by the
                     metrics that carry their own rule (price_mean_dev,
                     extra_cost_mean, interval_contains)
             what    what the target means
             source  where the target comes from

Rule: the market parameters (elasticities, stock, substitution time) are
fitted on the 'fit' episodes only; the 'holdout' episodes are run with
those parameters untouched, and a holdout failure is a model failure.

Run `python3 episodes.py --names` to list the names (tests.cmake does).
"""

import sys


def check(metric, lo=None, hi=None, what="", source="", known=None, **args):
    """known: why a hold-out check is a known failure of the model (it is
    reported as "FAIL (known)" and does not fail ctest; validate.py)."""
    return {"metric": metric, "args": args, "lo": lo, "hi": hi, "what": what, "source": source,
            "known": known}


EPISODES = [
    {
        "file": "ree-quotas-2010.yaml",
        "role": "fit",
        "title": "China's rare-earth export quotas, 2010",
        "what": "China cut its second-half 2010 export quota by 72% and its yearly quotas by "
                "about 40% (50,145 t in 2009; about 30,200 t a year 2010-2014) and halted "
                "shipments to Japan for weeks in September 2010 (MOFCOM via Xinhua; Reuters) "
                "[press]; Dy oxide FOB China rose 26-fold from January 2009 to August 2011 "
                "(Adamas Intelligence) and fell to about 6x by end-2012 (USGS MCS 2016).",
        "trials": 1,
        "checks": [
            check("price_peak", 12, 35, mineral="ree_heavy", months=12,
                  what="heavy REE (Dy oxide) peak outside China within the first year, x "
                       "reference",
                  source="issue 12 target: Dy/Nd 12-35x; Dy oxide USD 91/kg (Jan 2009) to "
                         "2,377/kg (Aug 2011), Adamas Intelligence via mining.com"),
            check("price_peak", 12, 35, mineral="ree_light", months=12,
                  what="light REE (Nd oxide) peak outside China within the first year, x "
                       "reference",
                  source="issue 12 target; Nd about USD 20 to 450/kg (FACTS.md)"),
            check("months_below_after_peak", None, 30, mineral="ree_heavy", level=5,
                  what="month (from July 2010, month 0) the heavy REE price is first back "
                       "below 5x after its peak, quotas still on",
                  source="issue 12 target; Dy oxide year-end USD 600-630/kg in 2012, "
                         "440-490 in 2013 (USGS MCS 2016)"),
            check("months_below_after_peak", None, 30, mineral="ree_light", level=5,
                  what="month (from July 2010, month 0) the light REE price is first back "
                       "below 5x after its peak, quotas still on",
                  source="issue 12 target; Nd oxide year-end USD 75-80/kg in 2012 (USGS MCS "
                         "2016)"),
            check("uk_loss_bn", None, 0.5,
                  what="UK loss (value added lost + extra cost), GBP bn, with 2010 exposure",
                  source="issue 12 target; no UK production stop reported 2010-2012"),
        ],
    },
    {
        "file": "antimony-2024.yaml",
        "role": "fit",
        "title": "China's antimony export controls, 2024",
        "what": "China licensed antimony exports from 15 September 2024; its exports fell 97% "
                "in October and 74% in the first half of 2025 (customs via Reuters) [press]; "
                "the Rotterdam price went from about USD 11,400/t (Nov 2023) to about 40,000 "
                "at end-2024 (Reuters) [press].",
        "trials": 1,
        "checks": [
            check("price_peak", 2.5, 5, mineral="antimony", months=12,
                  what="antimony peak outside China within the first year, x reference",
                  source="issue 12 target: 2.5-5x over 12 months"),
        ],
    },
    {
        "file": "gallium-germanium-2023.yaml",
        "role": "holdout",
        "title": "China's gallium and germanium export licensing, 2023",
        "what": "From 1 August 2023 China's gallium and germanium exports were zero for two "
                "months and recovered from October (customs via Reuters) [press]; Rotterdam "
                "gallium +114% by December 2023 while the Chinese price fell 9% (Fastmarkets, "
                "SMM) [press]; no UK or EU output loss reported.",
        "trials": 1,
        "checks": [
            check("price_peak", 1.3, 2.5, mineral="gallium",
                  what="gallium peak outside China, x reference",
                  source="issue 12 target; Rotterdam USD 250-265/kg (Jun 2023) to 500-600 "
                         "(Dec 2023), Fastmarkets [press]",
                  known="first run (first fit): 100x, the guard; 54x with the third fit "
                        "(43-100x over its 29 passing parameter sets): China's exports were "
                        "90% of the open market. After those failures (2026-12-03, session "
                        "3) Japan's secondary gallium (65 t, a lower bound; docs/DATA.md) "
                        "entered the open market, so China's share of it is 0.54, and the "
                        "peak is 3.18x at month 3 (fourth fit): no longer a blind test. "
                        "Still above 2.5x: two months of zero exports against 2 months of "
                        "stock (assumed); leakage through third countries and restarts "
                        "outside China are not modelled"),
            check("price_peak", 1.2, 2.0, mineral="germanium",
                  what="germanium peak outside China, x reference",
                  source="issue 12 target; germanium about +50% (FACTS.md)",
                  known="first run (first fit): 18.4x; 13.6x with the third fit. After "
                        "those failures (2026-12-03, session 3) the rush of July 2023 (2.0 "
                        "months of exports bought ahead, customs; docs/DATA.md §8.3) was "
                        "entered: 2.28x at month 3 (fourth fit), no longer a blind test; "
                        "China's exports are 69% of the open market, and after the rush is "
                        "spent a near-total loss still outruns 2 months of stock"),
            check("uk_loss_bn", None, 0.1,
                  what="UK loss, GBP bn",
                  source="issue 12 target; no UK disruption reported"),
        ],
    },
    {
        "file": "drc-cobalt-2025.yaml",
        "role": "holdout",
        "title": "DRC cobalt export suspension and quotas, 2025",
        "what": "The DRC suspended cobalt exports from 22 February to 15 October 2025, then set "
                "quotas of 96.6 kt a year against 220 kt of output (ARECOMS via Reuters, "
                "Fastmarkets) [press]; cobalt metal rose about 55% (FACTS.md); stocks outside "
                "the DRC were 8-10 months of world use (Benchmark) [press].",
        "trials": 1,
        "checks": [
            check("price_peak", 1.3, 2.2, mineral="cobalt",
                  what="cobalt peak, x reference",
                  source="issue 12 target; metal +50-60%, sulphate +90% (FACTS.md)",
                  known="the stock is drawn at the pace fitted on the rare earths (2 months "
                        "to close a gap) and is gone by the quotas: 2.35x at month 19 with "
                        "the fourth fit (the first fit's point again; 2.59x with the third "
                        "fit's, which passes at 7 of its 29 passing parameter sets, "
                        "2.01-2.64x). By December 2025, "
                        "ten months in, cobalt in Europe stood at about 2.4x "
                        "(docs/research/holdouts-2026-12.md)"),
            check("consumption_fall_peak", None, 0.10, mineral="cobalt",
                  what="peak fall of what the open market consumes",
                  source="issue 12 target: refined cobalt reaching users fell < 10%",
                  known="the model's users cut consumption as the stock runs down; the DRC's "
                        "own stock build (80 kt, CRU) and the 90-day shipping pipeline that "
                        "kept refiners supplied are not modelled"),
            check("uk_loss_bn", None, 0.1,
                  what="UK loss, GBP bn",
                  source="issue 12 target; no UK output loss reported"),
        ],
    },
    {
        "file": "indonesia-nickel-2020.yaml",
        "role": "holdout",
        "title": "Indonesia's nickel ore export ban, 2020",
        "what": "Indonesia banned nickel ore exports from 1 January 2020 (26% of world ore in "
                "2018, INSG); its NPI output rose from 261 kt (2018) to about 530 kt (2020) "
                "[press]; world primary nickel rose from 2.36 to 2.49 Mt; LME +9% on the "
                "announcement (Reuters) [press].",
        "trials": 1,
        "checks": [
            check("price_peak", 1.0, 1.2, mineral="nickel",
                  what="nickel peak, x reference (a supply loss never lowers the price, so "
                       "only the upper bound can fail; the +9% of 2019 is not reproduced)",
                  source="issue 12 target: 1.0-1.2x"),
            check("market_loss_peak", None, 0.02, mineral="nickel",
                  what="peak open-market supply loss: refined supply unchanged",
                  source="issue 12 target; world primary nickel grew in 2020 [press]"),
            check("uk_loss_bn", None, 0.01,
                  what="UK loss, GBP bn: about nil",
                  source="issue 12 target"),
        ],
    },
    {
        "file": "heavy-ree-licensing-2025.yaml",
        "role": "holdout",
        "title": "China's heavy rare-earth and magnet licensing, 2025",
        "what": "From 4 April 2025 China licensed seven medium and heavy rare earths and "
                "magnets; about a quarter of licences were granted at first, 60% by late June "
                "(CLEPA via Reuters) [press]; European Dy oxide went from USD 250-310/kg to "
                "700-1,000 and Tb from 930-1,000 to 2,000-4,000 while Chinese prices held "
                "(Argus) [press]; one US car plant idled a week, some European supplier lines "
                "stopped; no UK stoppage reported.",
        "trials": 1,
        "checks": [
            check("price_peak", 2, 4, mineral="ree_heavy",
                  what="heavy REE peak outside China, x reference",
                  source="issue 12 target: ex-China Dy/Tb 2-4x (Argus) [press]. Record: "
                         "failed on every run until 2026-12-05 (11.8x with the first and "
                         "fourth fits, 8.5x with the third) with a commercial stock of 2 "
                         "months, the generic assumption for a mineral with no stock figure; "
                         "heavy REE has one, 3 months (Japan Times 2011; docs/DATA.md §8.2), "
                         "which uk-2024 and the fit episode ree-quotas-2010 use. Corrected to "
                         "3 after the failure, so no longer a blind test; the peak is steep "
                         "in that figure (2.5 months: 4.45x; 2: 11.8x; 3.5: 2.89x), because "
                         "the stock's release is capped at K/h as it runs out"),
            check("sector_loss_bn", None, 0.5, sector="automotive",
                  what="UK automotive loss, GBP bn",
                  source="issue 12 target"),
            check("inop_peak", None, 0.03, sector="automotive",
                  what="UK automotive peak inoperability",
                  source="issue 12 target; no UK plant stop reported",
                  known="with licensing 0.5 (assumption) the 2-month magnet buffer is spent "
                        "by month 8 and output falls 4.7% at the worst (month 11); the "
                        "open market's stock does not serve buyers denied a licence"),
        ],
    },
    {
        "file": "graphite-2023.yaml",
        "role": "holdout",
        "title": "China's graphite export permits, 2023 (a fresh hold-out)",
        "what": "From 1 December 2023 (announced 20 October) China required permits for "
                "graphite exports; after a rush in November (flake 23,502 t against about "
                "7,000 t a month) exports fell 78% (flake) and 65% (spherical) in "
                "January-February 2024 year on year, and the first permits came about 21 "
                "December (China customs via Fastmarkets; mining.com) [press]; FOB China "
                "prices kept falling (Fastmarkets) [press]. Added on 2026-12-03 with its "
                "targets written before the model was first run on it.",
        "trials": 1,
        "checks": [
            check("price_peak", 1.0, 1.2, mineral="graphite",
                  what="graphite peak outside China, x reference (the month before the "
                       "permits): prices did not rise",
                  source="flake 94% -100 mesh FOB China USD 530-575/t (28 Dec 2023), "
                         "470-510 (Mar 2024); spherical 2,000-2,100, then about -100 "
                         "(Fastmarkets) [press]; no ex-China spot series found, and FOB "
                         "China is what buyers outside China pay before freight. Record: "
                         "the first run (first fit, no rush key) failed at 2.16x, 2.08x with "
                         "the third fit; the November rush (2.4 months of exports, customs) "
                         "was entered once the model had rush_months (session 3, after the "
                         "failure), and it passes at 1.03x (fourth fit): a pass after a change "
                         "the failure prompted, so no longer a blind test"),
            check("uk_loss_bn", None, 0.1,
                  what="UK loss, GBP bn",
                  source="no UK output loss reported"),
        ],
    },
    {
        "file": "bismuth-2025.yaml",
        "role": "holdout",
        "title": "China's bismuth export licensing, 2025 (a fresh hold-out)",
        "what": "From 4 February 2025, with no announcement window, China licensed exports of "
                "bismuth metal (not the trioxide); its metal exports fell from 293 t in January to "
                "39 t in February (customs via SMM) [press]; Rotterdam bismuth went from about "
                "USD 6/lb (late January) to USD 30-39.50 on 19 March (Fastmarkets; Reuters: $40) "
                "[press] while the Chinese price about doubled (Wuxi +105%, feedstock shortage and "
                "speculation) [press]. Added on 2026-12-03 with its targets written before the "
                "model was first run on it (no model run in the commit that adds it).",
        "trials": 1,
        "checks": [
            check("price_peak", 4.0, 7.0, mineral="bismuth", months=3,
                  what="bismuth metal peak outside China over February-April 2025, x reference "
                       "(late January 2025)",
                  source="Rotterdam 99.99% USD 6/lb in late January (Reuters, 19 Mar 2025) to "
                         "12-18 (21 Feb, Reuters), 30-39.50 (19 Mar, Fastmarkets; Reuters spot "
                         "40), 30-36 (21 Mar, Fastmarkets), 25-32 (30 Apr, Fastmarkets "
                         "correction) [press]: 4.2-6.7x; the model steps monthly, so the lower "
                         "bound is about the March-April average (4x) and the upper one is above "
                         "the highest spot quote (40/6 = 6.7x); the window stops at April "
                         "because no export figure after February was found (March and April "
                         "are an assumption)",
                  known="first run (blind, fourth fit): 2.47x at month 2, too LOW: 87% of "
                        "China's exports (0.54 of the open market) withheld against 2 months "
                        "of stock (assumed) clears at 2.5x; in 2025 a small market with no "
                        "warning and no rush bid far more. With the other failures, the "
                        "model is not biased one way: too high where buyers were warned or "
                        "held stock, too low here"),
            check("uk_loss_bn", None, 0.05,
                  what="UK loss, GBP bn",
                  source="no UK output loss reported (none found); the UK need is an "
                         "assumption (bismuth-2025.yaml)"),
        ],
    },
    {
        "file": "tungsten-2025.yaml",
        "role": "holdout",
        "title": "China's tungsten export licensing and quota cut, 2025 (a fresh hold-out)",
        "what": "From 4 February 2025, with no announcement window, China licensed exports of "
                "APT, tungsten oxides and carbide; its tungsten product exports fell 13.1% in "
                "January-August (customs) [secondary] and APT exports 69% (GACC via Fastmarkets) "
                "[press], while its mining quota was cut about 6% (Fastmarkets) [press]; European "
                "APT rose from about USD 330/mtu to 850 by 12 December 2025 and 1,025 in January "
                "2026, and China's APT price rose as much (SMM) [press]. Added on 2026-12-03 with "
                "its targets written before the model was first run on it (no model run in the "
                "commit that adds it).",
        "trials": 1,
        "checks": [
            check("price_peak", 1.15, 1.6, mineral="tungsten", months=6,
                  what="APT peak outside China over February-July 2025, x reference (about "
                       "USD 330/mtu at the start of 2025)",
                  source="APT Rotterdam about 330 at the start of 2025 (implied by +30.3% to "
                         "430 on 18 Jun, SMM; +18% since February to 400 in mid-May, Reuters via "
                         "mining.com; 395-405 in July, +20% since January, Argus via "
                         "metalnomist) [press]: 1.2-1.3x by June-July; the upper bound allows "
                         "the 'above USD 500, nearly +50% YTD' quote (undated social-media relay, "
                         "probably July-August 2025) [secondary]"),
            check("price_peak", 2.3, 3.3, mineral="tungsten", months=12,
                  what="APT peak outside China over February 2025-January 2026, x reference",
                  source="APT Rotterdam 580-650 (30 Sep 2025, +86.4% YTD, sscollege.cn) "
                         "[secondary], 780-820 (5 Dec), 830-870 (12 Dec), 1,000-1,050 (mid-"
                         "January 2026) (SMM) [press]: 2.4x-3.2x; weekly quotes around a monthly "
                         "model, so the range spans the December and January levels",
                  known="first run (blind, fourth fit): 1.34x at month 8, too low: about "
                        "15% of China's exports withheld and a 6% quota cut move the open "
                        "market little; the 2025 rise came mostly from inside China (quota "
                        "cuts, smuggling crackdowns, demand: China's own price rose as "
                        "much), which a model of supply withheld from the open market does "
                        "not make"),
            check("home_price_peak", 2.3, None, mineral="tungsten",
                  what="China's domestic APT price peak over the year, x reference",
                  source="APT in China about 210,500 yuan/t at the start of 2025 (implied by "
                         "252,000 on 20 Jun = +19.7% YTD, SMM) to 555,000 in December 2025 "
                         "(SMM) [press]: 2.64x, and still rising in January 2026 (SMM) [press]; "
                         "no upper bound: no January 2026 domestic figure was found. The rise "
                         "came from quota cuts, smuggling crackdowns and demand, not from "
                         "export controls",
                  known="first run (blind): 1.00x, by design: docs/MODEL.md §5m holds "
                        "China's home price at its noise (none here) while an export "
                        "control is on; China's own shortage (quota cuts) is not in the "
                        "model, a limit of its two-price design"),
            check("uk_loss_bn", None, 0.1,
                  what="UK loss, GBP bn",
                  source="no UK output loss reported (none found)"),
        ],
    },
    {
        "file": "indonesia-nickel-2014.yaml",
        "role": "holdout",
        "title": "Indonesia's nickel ore export ban, 2014 (a fresh hold-out)",
        "what": "From 12 January 2014 Indonesia banned unprocessed ore exports; it had shipped "
                "41.1 Mt of nickel ore to China in 2013 (customs) [press]; Chinese port stocks "
                "of ore (more than 24 Mt) and Philippine ore (+23%) replaced it in 2014 [press]; "
                "LME nickel rose from USD 13,715 (13 Jan) to a 27-month high of 21,625 in May and "
                "was back at 15,895 in November 2014 with the ban in force (Reuters, Bloomberg, "
                "Metal Bulletin) [press]. Added on 2026-12-03 with its targets written before the "
                "model was first run on it (no model run in the commit that adds it).",
        "trials": 1,
        "checks": [
            check("price_peak", 1.3, 1.6, mineral="nickel", months=12,
                  what="nickel peak within the first year, x reference (LME 3-month, 13 Jan "
                       "2014)",
                  source="LME 3-month USD 13,715 (13 Jan 2014) to 18,550 (6 May, Bloomberg), "
                         "20,870 (12 May, Bloomberg) and a 27-month high of 21,625 in May 2014 "
                         "(Reuters via ABS-CBN, 5 Sep 2014) [press]: 1.58x at the intraday "
                         "high; the model steps monthly, so the lower bound (1.3x) allows a May "
                         "average below the high, and the upper one (1.6x) is just above it",
                  known="first run (blind, fourth fit): 1.21x at month 6, a little low; "
                        "the May 2014 high also had fears of sanctions on Russia and Vale's "
                        "New Caledonia outage, which the episode leaves out"),
            check("months_below_after_peak", 7, 12, mineral="nickel", level=1.2,
                  what="month (from January 2014) the nickel price was first back below 1.2x "
                       "after its peak, the ban still on",
                  source="LME 3-month 19,075-19,395 on 3-4 Sep 2014 (Bloomberg) and 18,925 in "
                         "mid-September [press], 1.38-1.41x: above 1.2x through month 8; 15,895 "
                         "(1.16x) in November 2014 (month 10; mining.com) and 15,900 on 19 Nov "
                         "(Metal Bulletin) [press]: below by month 10; the range allows a "
                         "month either side of the monthly grid"),
            check("uk_loss_bn", None, 0.01,
                  what="UK loss, GBP bn: about nil",
                  source="no UK output loss reported (as indonesia-nickel-2020)",
                  known="first run (blind): GBP 0.031bn, all extra cost, none value "
                        "added: the target does not fit the episode's own price target, "
                        "since 1.3-1.6x for most of a year on the episode's UK nickel "
                        "spend (GBP 104m a year) costs about GBP 20-50m; left as written "
                        "(targets are "
                        "not changed after a run)"),
        ],
    },
    {
        "file": "russia-2022.yaml",
        "role": "limit",
        "title": "Russia's invasion of Ukraine, 2022",
        "what": "Palladium rose 76% year to date at its peak and LME nickel more than doubled "
                "intraday in a short squeeze, while Russian metal kept flowing (Reuters) "
                "[press]: a price move on fear, which a supply-disruption model does not make.",
        "trials": 1,
        "checks": [
            check("price_peak", 1.5, 2.0, mineral="palladium",
                  what="palladium peak, x reference",
                  source="palladium +76% year to date (Reuters 2022) [press]"),
            check("price_peak", 2, 3, mineral="nickel",
                  what="nickel peak, x reference",
                  source="LME nickel more than doubled intraday (Reuters 2022) [press]"),
        ],
    },
    {
        "name": "lithium-2022",
        "file": None,
        "role": "limit",
        "title": "Lithium price boom, 2021-2023",
        "what": "Lithium carbonate rose about sixfold to a peak of CNY 595,000/t in November "
                "2022 and fell 75% in 2023 (IEA GCMO 2024): a demand boom, out of scope of a "
                "supply-disruption model.",
        "trials": None,
        "checks": [],
    },
    {
        "file": "null-noise.yaml",
        "role": "null",
        "title": "No disruption: price noise only",
        "what": "Three minerals with their price noise and no disruption: the mean price must "
                "stay at its reference and the extra cost at zero (docs/MODEL.md §5m, the "
                "-v/2 correction).",
        "trials": 4000,
        "checks": [
            check("price_mean_dev", mineral="*",
                  what="mean price ratio minus 1 within 3 standard errors of 0",
                  source="docs/MODEL.md §5m: E[exp(z - v/2)] = 1"),
            check("extra_cost_mean",
                  what="mean extra cost (all sectors) within 3 standard errors of 0",
                  source="docs/MODEL.md §6m, §8: no disruption, no cost on average"),
        ],
    },
    {
        "file": "frequency-2010-2025.yaml",
        "role": "frequency",
        "title": "uk-2024's event rates over 2010-2025 (15 years)",
        "what": "China's export-control actions on the modelled minerals 2010-2025: REE "
                "quotas 2010, gallium and germanium 2023, graphite 2023, antimony 2024, "
                "tungsten 2025, heavy REE licensing 2025 (FACTS.md).",
        "trials": 2000,
        "checks": [
            check("interval_contains", dataset="mineral_control_actions", mineral="ree_light",
                  observed=1, what="control actions on light REE, 10-90% interval",
                  source="quotas 2010 (FACTS.md)"),
            check("interval_contains", dataset="mineral_control_actions", mineral="ree_heavy",
                  observed=2, what="control actions on heavy REE, 10-90% interval",
                  source="quotas 2010, licensing 2025 (FACTS.md)"),
            check("interval_contains", dataset="mineral_control_actions", mineral="gallium",
                  observed=1, what="control actions on gallium, 10-90% interval",
                  source="licensing 2023 (FACTS.md)"),
            check("interval_contains", dataset="mineral_control_actions", mineral="germanium",
                  observed=1, what="control actions on germanium, 10-90% interval",
                  source="licensing 2023 (FACTS.md)"),
            check("interval_contains", dataset="mineral_control_actions", mineral="graphite",
                  observed=1, what="control actions on graphite, 10-90% interval",
                  source="permits 2023 (FACTS.md)"),
            check("interval_contains", dataset="mineral_control_actions", mineral="antimony",
                  observed=1, what="control actions on antimony, 10-90% interval",
                  source="controls 2024 (FACTS.md)"),
            check("interval_contains", dataset="mineral_control_actions", mineral="tungsten",
                  observed=1, what="control actions on tungsten, 10-90% interval",
                  source="controls 2025 (FACTS.md)"),
            check("interval_contains", dataset="mineral_scarce_months",
                  mineral="ree_heavy", observed=25,
                  what="months of ex-China heavy REE shortage in 180 (months with the "
                       "clearing price at least 2x: a shortage that moved the price), "
                       "10-90% interval",
                  source="about 20-30 of 180 months (FACTS.md); a first version counted "
                         "months with more than 1% of the open market lost, which gives 54 "
                         "months for the replay of the 2010-2014 quotas alone "
                         "(ree-quotas-2010.yaml): the quotas stopped binding in 2012, so the "
                         "observed count is of months whose shortage moved prices"),
        ],
    },
]


def name_of(ep):
    """The episode's name: its 'name', else its file's base name."""
    if ep.get("name"):
        return ep["name"]
    f = ep["file"]
    return f[:-5] if f.endswith(".yaml") else f


def by_name(name):
    for ep in EPISODES:
        if name_of(ep) == name:
            return ep
    return None


if __name__ == "__main__":
    if sys.argv[1:] == ["--names"]:
        # ';'-separated, for CMake's execute_process
        sys.stdout.write(";".join(name_of(ep) for ep in EPISODES))
    else:
        sys.exit("usage: episodes.py --names")

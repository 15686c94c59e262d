/* schema.c - the schema: every key a scenario may hold (docs/SCENARIOS.md),
 * the one key table of the loader. The walkers take each mapping's allowed
 * keys from it (sc_map_open: the children of a schema path, in this
 * table's order, which is the order messages list them in) and each
 * default that is a value (DEF below) from it. Its API is loader.h's
 * mr_scenario_schema, mr_scenario_schema_check and mr_scenario_schema_print.
 */
#include "sim/scenario/internal.h"
#include "sim/scenario/schema_table.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The enum keys' words, in their enum's order. */
const char *const sc_rules[] = {"proportional", "priority", NULL};      /* mr_rationing_rule */
const char *const sc_output_trials[] = {"all", "totals", "none", NULL}; /* mr_output_trials */
const char *const sc_bools[] = {"false", "true", NULL};
const char *const sc_stages[] = {"mining", "refining", NULL};           /* MR_STAGE_* */
const char *const sc_combine[] = {"limiting", "independent", NULL};     /* mr_combine */
const char *const sc_scopes[] = {"production", "exports", "ore", NULL}; /* mr_event_scope */
const char *const sc_focus[] = {"horizon", "year", NULL};               /* importance.focus */
const char *const sc_cap_on[] = {"uk_sourcing", "world", NULL};         /* policies.cap_on_world */

/* Every key a scenario may hold (docs/SCENARIOS.md is this table, printed by
   `minrisk validate --schema`). A mapping's allowed keys are its children
   here, in this order (the order messages list them in); a default that is
   a value (DEF) is the one the walker fills in. Word lists are the
   walker's (sc_rules, ...) and number ranges its Range constants, so the
   type and range texts cannot drift from what the walker accepts;
   mr_scenario_schema_check checks that the table is well formed, and
   tests/unit/sim/scenario/schema.c checks ranges, defaults and required keys against
   the loader's behaviour. Paths: ids as <id> (<sector>, <mineral> in the
   matrices), list items as [], and the shared forms <process>, <severity>,
   <duration>. */

#define NUM(r) .type = "number", .num = &(r)
/* a rate: >= 0 and at most one occurrence a step on average (sc_rate_check) */
#define RATE .type = "number", .num = &R_GE0, .range = "[0,steps_per_year]"
/* a number or a time path {year: value} (SCENARIO_FORMAT.md, "Time paths") */
#define NUMP(r) .type = "number or path", .num = &(r)
#define INT(lo, hi) .type = "int", .is_int = true, .ilo = (lo), .ihi = (hi)
#define DEF(v) .def = (v), .def_value = true
#define REQ .def = "required"
#define NONE .def = "none"

const SchemaKey sc_schema[] = {
    /* top level */
    {"name", "string", NULL, "", REQ, .range = "non-empty",
     .meaning = "scenario name, stored in the output"},
    {"description", "string", NULL, "", .def = "empty", .meaning = "free text"},
    {"extends", "path", NULL, "", NONE,
     .meaning = "parent scenario this file overrides, relative to this file's directory "
                "(SCENARIO_FORMAT.md)"},
    {"simulation", "mapping", NULL, "", REQ, .meaning = "time grid, trials and seed (MODEL 1)"},
    {"defaults", "mapping", NULL, "", NONE, .meaning = "scenario-wide defaults"},
    {"rationing", "word or mapping", NULL, "", DEF("proportional"),
     .meaning = "allocation rule (MODEL 6): a `rule` word, or the mapping below"},
    {"policies", "mapping", NULL, "", NONE,
     .meaning = "policy levers applied to the model before the run (MODEL 10)"},
    {"countries", "mapping of ids", NULL, "", REQ, .range = "1 to 1000 ids",
     .meaning = "the supplying countries"},
    {"minerals", "mapping of ids", NULL, "", REQ, .range = "1 to 1000 ids",
     .meaning = "the minerals"},
    {"sectors", "mapping of ids", NULL, "", REQ, .range = "1 to 1000 ids",
     .meaning = "the using sectors"},
    {"events", "mapping of ids", NULL, "", NONE, .range = "at most 1000 ids",
     .meaning = "named multi-mineral shocks (MODEL 3.3)"},
    {"interdependency", "matrix", NULL, "", .def = "all 0",
     .meaning = "A* of the inoperability model (MODEL 2, 7); spectral radius < 1"},
    {"price_correlation", "matrix", NULL, "", .def = "identity",
     .meaning = "correlation of the price innovations (MODEL 5); positive definite"},
    {"output", "mapping", NULL, "", NONE, .meaning = "what the output file keeps"},
    {"sweep", "mapping of key paths", NULL, "", NONE, .range = "1 to 64 key paths",
     .meaning = "a grid of variants run into one file (STUDIES.md Sweeps)"},
    {"uncertain", "mapping", NULL, "", NONE,
     .meaning = "distributions of key paths, for `minrisk uncertainty` (STUDIES.md Uncertainty)"},
    {"importance", "mapping", NULL, "", NONE,
     .meaning = "importance sampling: a tilt of the disruption processes, each trial weighted by "
                "its likelihood ratio (MODEL 12i)"},
    /* simulation */
    {"simulation.horizon_years", INT(1, 1000), .unit = "years", REQ, .meaning = "horizon H"},
    {"simulation.steps_per_year", INT(1, 366), .unit = "steps per year", DEF("12"),
     .meaning = "time steps a year n"},
    {"simulation.start_year", INT(SC_YEAR_MIN, SC_YEAR_MAX), .unit = "calendar year", NONE,
     .meaning = "calendar year of the first step (from 1 January); required by time paths "
                "(SCENARIO_FORMAT.md)"},
    {"simulation.trials", INT(1, MR_MAX_TRIALS), .unit = "trials", DEF("10000"),
     .meaning = "Monte Carlo trials N (run --trials overrides)"},
    {"simulation.seed", INT(0, UINT64_MAX), .unit = "", DEF("1"),
     .meaning = "seed of the Philox streams (run --seed overrides)"},
    {"simulation.target_precision", "string", NULL, "", NONE,
     .meaning = "STAT=REL[,STAT=REL...]: stop at the first check point where every statistic's "
                "95% interval has a relative half-width <= REL (docs/STUDIES.md; run "
                "--target-precision overrides)"},
    {"simulation.max_trials", INT(1, MR_MAX_TRIALS), .unit = "trials", NONE,
     .meaning = "the cap of target_precision (default: trials; run --max-trials, else --trials, "
                "overrides)"},
    /* defaults */
    {"defaults.wgi_rate", "mapping", NULL, "", NONE,
     .meaning = "derives a country outage process from wgi_pv (MODEL 3.1)"},
    {"defaults.wgi_rate.rate_at_zero_per_year", RATE, .unit = "outages per year", REQ,
     .meaning = "rate at WGI 0: rate = rate_at_zero x factor_per_unit ^ (-wgi_pv)"},
    {"defaults.wgi_rate.factor_per_unit", NUM(R_FACTOR), .unit = "rate multiple", REQ,
     .meaning = "rate multiple per WGI point lower"},
    {"defaults.wgi_rate.severity", "severity", NULL, "fraction of supply", REQ,
     .meaning = "severity of the derived outages (see `<severity>`)"},
    {"defaults.wgi_rate.duration_months", "duration", NULL, "months", REQ,
     .meaning = "duration of the derived outages (see `<duration>`)"},
    {"defaults.buffer_refill_rate", NUM(R_REFILL), .unit = "months of need per month", DEF("0.5"),
     .meaning = "how fast sectors' own buffers refill once supply is back (MODEL 6)"},
    /* rationing */
    {"rationing.rule", NULL, sc_rules, "", REQ,
     .meaning = "proportional: all get the same fraction; priority: lower priority numbers first"},
    {"rationing.other_uses_priority", INT(0, INT_MAX), .unit = "rank", DEF("1000"),
     .meaning = "priority of other uses (demand not modelled as a sector)"},
    /* output */
    {"output.trials", NULL, sc_output_trials, "", DEF("all"),
     .meaning = "per-trial tables kept in /trials: all; only total_loss, total_gva_loss and "
                "annual_loss; none"},
    /* countries */
    {"countries.<id>", "mapping", NULL, "", NONE,
     .meaning = "one country; the id starts with a letter, then letters, digits, _ and -"},
    {"countries.<id>.name", "string", NULL, "", .def = "the id", .range = "non-empty",
     .meaning = "display name"},
    {"countries.<id>.wgi_pv", NUM(R_WGI), .unit = "WGI score", NONE,
     .meaning = "World Bank WGI political stability estimate"},
    {"countries.<id>.outage", "process", NULL, "", .def = "from wgi_pv, else none",
     .meaning = "country-wide outage: every stage of every mineral it supplies (MODEL 3.1)"},
    {"countries.<id>.aggregate", NULL, sc_bools, "", DEF("false"),
     .meaning =
         "stands for many small suppliers (rest of world): never cut by a cap, left out of HHI"},
    {"countries.<id>.regime", "mapping", NULL, "", NONE,
     .meaning = "tension regime: calm and tense periods that cluster its events, their long-run "
                "rates unchanged (MODEL 3r)"},
    {"countries.<id>.regime.tense_multiplier", NUM(R_REGIME_MULT), .unit = "rate multiple", REQ,
     .meaning = "m: its events' rate when tense over their rate when calm"},
    {"countries.<id>.regime.calm_months", NUM(R_REGIME_MONTHS), .unit = "months", REQ,
     .meaning = "mean length of a calm period; at least a step (12/steps_per_year months)"},
    {"countries.<id>.regime.tense_months", NUM(R_REGIME_MONTHS), .unit = "months", REQ,
     .meaning = "mean length of a tense period; at least a step (12/steps_per_year months)"},
    /* minerals */
    {"minerals.<id>", "mapping", NULL, "", NONE, .meaning = "one mineral"},
    {"minerals.<id>.name", "string", NULL, "", .def = "the id", .range = "non-empty",
     .meaning = "display name"},
    {"minerals.<id>.unit", "string", NULL, "", DEF("t"),
     .meaning = "unit of demand_t and price.ref"},
    {"minerals.<id>.demand_t", NUMP(R_AMOUNT), .unit = "unit per year", REQ,
     .meaning = "annual demand of the modelled economy"},
    {"minerals.<id>.recycled_share", NUMP(R_01), .unit = "fraction of demand", DEF("0"),
     .meaning = "met by recycling, without imports; recycled + domestic <= 1"},
    {"minerals.<id>.domestic_share", NUMP(R_01), .unit = "fraction of demand", DEF("0"),
     .meaning = "met by domestic supply, without imports"},
    {"minerals.<id>.spare_ramp_months", NUM(R_MONTHS), .unit = "months", DEF("0"),
     .meaning = "time for spare capacity to reach full output after a disruption starts"},
    {"minerals.<id>.mining", "list of suppliers", NULL, "", NONE,
     .meaning = "mine stage; mining or refining or both is required"},
    {"minerals.<id>.refining", "list of suppliers", NULL, "", NONE,
     .meaning = "refining stage; with both stages the available fraction is the smaller of "
                "the two, export controls on the product stage compounding on it (MODEL 4)"},
    {"minerals.<id>.stockpile", "mapping", NULL, "", NONE,
     .meaning = "strategic stockpile (MODEL 4)"},
    {"minerals.<id>.price", "mapping", NULL, "", REQ, .meaning = "price model (MODEL 5)"},
    {"minerals.<id>.market", "mapping", NULL, "", NONE,
     .meaning = "the open market it is bought in (MODEL 5m); given, even `{}`, shortfalls clear "
                "through its price"},
    /* supply stages */
    {"minerals.<id>.mining[].country", "country id", NULL, "", REQ,
     .range = "defined, once a stage", .meaning = "supplying country"},
    {"minerals.<id>.mining[].share", NUMP(R_01), .unit = "fraction of the stage", REQ,
     .meaning = "its share of the stage's supply; a stage's shares sum to 1"},
    {"minerals.<id>.mining[].spare", NUM(R_SPARE), .unit = "fraction of own output", DEF("0"),
     .meaning = "spare capacity it can add when others are disrupted"},
    {"minerals.<id>.mining[].outage", "process", NULL, "", NONE,
     .meaning = "supplier outage: this country, mineral and stage only (MODEL 3.2)"},
    {"minerals.<id>.refining[].country", "country id", NULL, "", REQ,
     .range = "defined, once a stage", .meaning = "supplying country"},
    {"minerals.<id>.refining[].share", NUMP(R_01), .unit = "fraction of the stage", REQ,
     .meaning = "its share of the stage's supply; a stage's shares sum to 1"},
    {"minerals.<id>.refining[].spare", NUM(R_SPARE), .unit = "fraction of own output", DEF("0"),
     .meaning = "spare capacity it can add when others are disrupted"},
    {"minerals.<id>.refining[].outage", "process", NULL, "", NONE,
     .meaning = "supplier outage: this country, mineral and stage only (MODEL 3.2)"},
    /* stockpile */
    {"minerals.<id>.stockpile.target_months", NUM(R_MONTHS), .unit = "months of demand", REQ,
     .meaning = "level the stockpile refills to"},
    {"minerals.<id>.stockpile.initial_months", NUM(R_MONTHS), .unit = "months of demand",
     .def = "target_months", .meaning = "level at the start"},
    {"minerals.<id>.stockpile.trigger", NUM(R_01_OPENHI), .unit = "fraction of demand", DEF("0"),
     .meaning = "released only while the supply gap exceeds this"},
    {"minerals.<id>.stockpile.max_release", NUM(R_01_OPENLO), .unit = "fraction of demand",
     DEF("1"),
     .meaning = "largest share of demand a release covers, a rate: the level falls "
                "by max_release x the step's months"},
    {"minerals.<id>.stockpile.refill_rate", NUM(R_REFILL), .unit = "months of demand per month",
     DEF("0.25"), .meaning = "refill speed while there is no gap"},
    /* price */
    {"minerals.<id>.price.ref", NUM(R_PRICE), .unit = "GBP per unit", REQ,
     .meaning = "reference price P0"},
    {"minerals.<id>.price.theta", NUM(R_PER_YEAR), .unit = "1/year", DEF("0.5"),
     .meaning = "mean reversion of the log price"},
    {"minerals.<id>.price.sigma", NUM(R_VOL), .unit = "1/sqrt(year)", DEF("0.3"),
     .meaning = "volatility of the log price"},
    {"minerals.<id>.price.elasticity", NUM(R_ELAST), .unit = "", DEF("0.3"),
     .meaning = "short-run demand elasticity of the scarcity premium"},
    {"minerals.<id>.price.max_multiple", NUM(R_MULTIPLE), .unit = "ratio", DEF("10"),
     .meaning = "cap on the scarcity multiple exp(pi)"},
    {"minerals.<id>.price.jumps", "mapping", NULL, "", NONE,
     .meaning = "price jumps (none: rate 0)"},
    {"minerals.<id>.price.jumps.rate_per_year", RATE, .unit = "jumps per year", REQ,
     .meaning = "jump rate"},
    {"minerals.<id>.price.jumps.mu", NUM(R_LNJUMP), .unit = "ln ratio", DEF("0"),
     .meaning = "mean of the log jump size"},
    {"minerals.<id>.price.jumps.sigma", NUM(R_VOL), .unit = "ln ratio", DEF("0"),
     .meaning = "standard deviation of the log jump size"},
    /* market */
    {"minerals.<id>.market.stock_months", NUM(R_MONTHS), .unit = "months of open-market demand",
     DEF("0"), .meaning = "K: commercial stocks at rest"},
    {"minerals.<id>.market.stock_adjust_months", NUM(R_MONTHS_GT0), .unit = "months", DEF("3"),
     .meaning = "tau_s: time to close the gap to the desired stock (at least a step is used)"},
    {"minerals.<id>.market.stock_price_response", NUM(R_RESPONSE), .unit = "", DEF("1"),
     .meaning = "eta_s: the desired stock is K P^-eta_s"},
    {"minerals.<id>.market.elasticity_long_run", NUM(R_ELAST), .unit = "",
     .def = "price.elasticity",
     .meaning = "long-run demand elasticity; the short run is price.elasticity"},
    {"minerals.<id>.market.substitution_months", NUM(R_MONTHS_GT0), .unit = "months", DEF("12"),
     .meaning = "tau_e: time for the elasticity to move from short to long run"},
    {"minerals.<id>.market.world_demand_t", NUMP(R_AMOUNT), .unit = "unit per year", NONE,
     .meaning = "world demand; none: UK needs take no part in clearing (a price taker)"},
    {"minerals.<id>.market.domestic_use", "mapping of country ids", NULL, "", NONE,
     .range = "defined countries, sum < 1",
     .meaning = "share of world demand consumed in each country"},
    {"minerals.<id>.market.domestic_use.<country>", NUM(R_01), .unit = "fraction of world demand",
     NONE, .meaning = "consumed in that country"},
    {"minerals.<id>.uk_sourcing", "mapping", NULL, "", .def = "the open market's shares, flagged",
     .meaning = "where the UK's purchases come from (MODEL 3u)"},
    {"minerals.<id>.uk_sourcing.shares", "mapping of country ids", NULL, "", REQ,
     .range = "defined countries, sum 1", .meaning = "each country's share of UK purchases"},
    {"minerals.<id>.uk_sourcing.shares.<country>", NUM(R_01_OPENLO),
     .unit = "fraction of UK purchases", NONE, .meaning = "bought from that country (by origin)"},
    {"minerals.<id>.uk_sourcing.source", "string", NULL, "", .def = "required unless fallback",
     .meaning = "where the shares come from: publication, year, trade codes"},
    {"minerals.<id>.uk_sourcing.before_policy", "mapping of country ids", NULL, "", NONE,
     .range = "defined countries, sum 1",
     .meaning = "the shares before a cap on UK sourcing, as `minrisk validate` writes them"},
    {"minerals.<id>.uk_sourcing.before_policy.<country>", NUM(R_01_OPENLO),
     .unit = "fraction of UK purchases", NONE,
     .meaning = "bought from that country before the cap"},
    {"minerals.<id>.uk_sourcing.fallback", NULL, sc_bools, "", DEF("false"),
     .meaning = "true: the open market's shares after a cap, as `minrisk validate` writes them"},
    {"minerals.<id>.domestic_outage", "disruption", NULL, "", NONE,
     .meaning = "outages of the domestic supply (mines, refineries at home): each takes its "
                "severity of domestic_share for its duration, bought instead on the market "
                "(MODEL 4; see `<disruption>`)"},
    {"minerals.<id>.recycled_refined_abroad", "mapping of country ids", NULL, "", NONE,
     .range = "defined countries, sum <= 1",
     .meaning = "share of the recycled material refined in each country, lost with that "
                "country's product-stage supply (MODEL 4)"},
    {"minerals.<id>.recycled_refined_abroad.<country>", NUM(R_01_OPENLO),
     .unit = "fraction of recycled material", NONE,
     .meaning = "refined there (a country not supplying the product stage is added with share 0)"},
    /* policies */
    {"policies.diversification_cap", "number or mapping", NULL, "fraction", NONE,
     .num = &R_01_OPENLO,
     .meaning = "no country above this share of any mineral's UK sourcing (or, on: world, of "
                "any stage); the excess pro rata to the others"},
    {"policies.diversification_cap.cap", NUM(R_01_OPENLO), .unit = "fraction", REQ,
     .meaning = "the cap, when the mapping is given"},
    {"policies.diversification_cap.on", NULL, sc_cap_on, "", DEF("uk_sourcing"),
     .meaning = "uk_sourcing: where the UK buys (MODEL 3u); world: every supply stage (a "
                "what-if of world diversification)"},
    {"policies.diversification_cap.offtake", "mapping of country ids", NULL, "", NONE,
     .range = "defined countries, weights sum 1",
     .meaning = "on: uk_sourcing: the countries that take the excess as ring-fenced offtake"},
    {"policies.diversification_cap.offtake.<country>", NUM(R_01_OPENLO),
     .unit = "fraction of the excess", NONE, .meaning = "its part of every mineral's excess"},
    {"policies.diversification_cap.ramp", NUMP(R_01), .unit = "fraction of the shift", DEF("1"),
     .meaning = "on: uk_sourcing: the share of the cap's shift of UK sourcing realised (a "
                "ramp-up path, e.g. {2025: 0, 2030: 1})"},
    {"policies.diversification_cap.premium", "number or mapping", NULL, "fraction of price.ref",
     DEF("0"), .num = &R_PREMIUM,
     .meaning = "on: uk_sourcing: a premium per tonne, a fraction of the reference price that "
                "a shortage does not raise, paid on the shifted share whether the partner "
                "delivers or not (a number, or per offtake country)"},
    {"policies.diversification_cap.premium.<country>", NUM(R_PREMIUM),
     .unit = "fraction of price.ref", NONE,
     .meaning = "the premium on that offtake country's "
                "added share"},
    {"policies.diversification_cap.new_source", "mapping", NULL, "", NONE,
     .meaning = "on: world: the country that takes every capped stage's excess"},
    {"policies.diversification_cap.new_source.country", "country id", NULL, "", REQ,
     .range = "defined", .meaning = "the new source"},
    {"policies.diversification_cap.new_source.spare", NUM(R_SPARE),
     .unit = "fraction of own output", DEF("0"), .meaning = "its spare capacity"},
    {"policies.diversification_cap.new_source.outage", "process", NULL, "", NONE,
     .meaning = "its own outage process"},
    {"policies.domestic_share", "number, path or mapping", NULL, "fraction of demand", NONE,
     .num = &R_01,
     .meaning = "every mineral's domestic_share becomes at least this; or the mapping below"},
    {"policies.domestic_share.share", NUMP(R_01), .unit = "fraction of demand", NONE,
     .meaning = "the floor, in the mapping form"},
    {"policies.domestic_share.outage", "disruption", NULL, "", NONE,
     .meaning = "a domestic_outage of every mineral with domestic supply and none of its own, "
                "each its own process"},
    {"policies.recycled_share", "number, path or mapping", NULL, "fraction of demand", NONE,
     .num = &R_01,
     .meaning = "every mineral's recycled_share becomes at least this; or the mapping below"},
    {"policies.recycled_share.share", NUMP(R_01), .unit = "fraction of demand", NONE,
     .meaning = "the floor, in the mapping form"},
    {"policies.recycled_share.refined_abroad", "mapping of country ids", NULL, "", NONE,
     .range = "defined countries, sum <= 1",
     .meaning = "recycled_refined_abroad of every mineral with recycled supply and none of its "
                "own"},
    {"policies.recycled_share.refined_abroad.<country>", NUM(R_01_OPENLO),
     .unit = "fraction of recycled material", NONE, .meaning = "refined there"},
    {"policies.stockpile", "mapping", NULL, "", NONE,
     .meaning = "strategic stockpile of the listed minerals"},
    {"policies.stockpile.months", NUM(R_MONTHS), .unit = "months of demand", REQ,
     .meaning = "target and initial level"},
    {"policies.stockpile.minerals", "list of mineral ids", NULL, "", .def = "every mineral",
     .range = "non-empty, no repeats", .meaning = "the minerals stockpiled"},
    {"policies.stockpile.trigger", NUM(R_01_OPENHI), .unit = "fraction of demand",
     .def = "the mineral's, else 0", .meaning = "as `minerals.<id>.stockpile.trigger`"},
    {"policies.stockpile.max_release", NUM(R_01_OPENLO), .unit = "fraction of demand",
     .def = "the mineral's, else 1", .meaning = "as `minerals.<id>.stockpile.max_release`"},
    {"policies.stockpile.refill_rate", NUM(R_REFILL), .unit = "months of demand per month",
     .def = "the mineral's, else 0.25", .meaning = "as `minerals.<id>.stockpile.refill_rate`"},
    {"policies.rationing", "word or mapping", NULL, "", NONE,
     .meaning = "replaces the top-level rationing"},
    {"policies.rationing.rule", NULL, sc_rules, "", REQ, .meaning = "as `rationing.rule`"},
    {"policies.rationing.other_uses_priority", INT(0, INT_MAX), .unit = "rank", DEF("1000"),
     .meaning = "as `rationing.other_uses_priority`"},
    {"policies.cost", "mapping", NULL, "", NONE,
     .meaning = "the stated cost of each lever (MODEL 10), for loss avoided per pound "
                "(STUDIES.md Compare); an input, not part of a trial"},
    {"policies.cost.diversification_cap", "cost", NULL, "", NONE,
     .meaning = "the cap's cost (see `<cost>`); needs policies.diversification_cap"},
    {"policies.cost.domestic_share", "cost", NULL, "", NONE,
     .meaning = "the domestic floor's cost; needs policies.domestic_share"},
    {"policies.cost.recycled_share", "cost", NULL, "", NONE,
     .meaning = "the recycled floor's cost; needs policies.recycled_share"},
    {"policies.cost.stockpile", "cost", NULL, "", NONE,
     .meaning = "the stockpile's cost; needs policies.stockpile"},
    {"policies.cost.rationing", "cost", NULL, "", NONE,
     .meaning = "the rationing rule's cost; needs policies.rationing"},
    {"policies.cost.other", "cost", NULL, "", NONE,
     .meaning = "a cost not tied to a lever modelled here"},
    /* sectors */
    {"sectors.<id>", "mapping", NULL, "", NONE, .meaning = "one sector"},
    {"sectors.<id>.name", "string", NULL, "", .def = "the id", .range = "non-empty",
     .meaning = "display name"},
    {"sectors.<id>.output_gbp", NUMP(R_GBP_GT0), .unit = "GBP per year", REQ,
     .meaning = "annual output value Y"},
    {"sectors.<id>.gva_gbp", NUMP(R_GBP_GT0), .unit = "GBP per year", NONE,
     .meaning = "gross value added V, at most output_gbp; none: losses on output_gbp (turnover "
                "basis)"},
    {"sectors.<id>.priority", INT(0, INT_MAX), .unit = "rank", DEF("100"),
     .meaning = "rationing priority, lower served first"},
    {"sectors.<id>.recovery_rate", NUM(R_01_OPENLO), .unit = "per step", DEF("1"),
     .meaning = "k: share of the gap to the new inoperability closed each step (MODEL 7)"},
    {"sectors.<id>.combine", NULL, sc_combine, "", DEF("limiting"),
     .meaning = "limiting: the worst mineral (Leontief); independent: independent failures"},
    {"sectors.<id>.needs", "list of needs", NULL, "", REQ, .range = "may be empty",
     .meaning = "the minerals it uses"},
    {"sectors.<id>.needs[].mineral", "mineral id", NULL, "", REQ, .range = "defined, once a sector",
     .meaning = "the mineral"},
    {"sectors.<id>.needs[].dependent_share", NUMP(R_01), .unit = "fraction of output", REQ,
     .meaning = "a: share of output that needs the mineral"},
    {"sectors.<id>.needs[].substitutable", NUM(R_01), .unit = "fraction", DEF("0"),
     .meaning = "sigma: share substitutable at once"},
    {"sectors.<id>.needs[].demand_share", NUM(R_01), .unit = "fraction of demand", REQ,
     .meaning = "delta: the sector's share of national demand; sums to <= 1 over sectors"},
    {"sectors.<id>.needs[].spend_gbp", NUMP(R_GBP_GE0), .unit = "GBP per year", DEF("0"),
     .meaning = "w: annual spend on the mineral (extra cost when prices rise)"},
    {"sectors.<id>.needs[].buffer_months", NUM(R_MONTHS), .unit = "months of need", DEF("0"),
     .meaning = "b: the sector's own inventory"},
    /* events */
    {"events.<id>", "mapping", NULL, "", NONE,
     .meaning = "one named shock of one country on several minerals"},
    {"events.<id>.name", "string", NULL, "", .def = "the id", .range = "non-empty",
     .meaning = "display name"},
    {"events.<id>.country", "country id", NULL, "", REQ, .range = "defined",
     .meaning = "the country imposing it"},
    {"events.<id>.minerals", "list or mapping of mineral ids", NULL, "", REQ,
     .range = "non-empty, no repeats, each supplied by country",
     .meaning = "the minerals it hits; a mapping gives each the chance an occurrence hits it "
                "(MODEL 3r)"},
    {"events.<id>.minerals.<mineral>", NUM(R_01_OPENLO), .unit = "probability", NONE,
     .meaning = "mapping form: the chance that an occurrence hits the mineral"},
    {"events.<id>.stages", "list of words", sc_stages, "", .def = "both",
     .range = "non-empty, no repeats", .meaning = "the stages it hits: mining, refining"},
    {"events.<id>.scope", NULL, sc_scopes, "", DEF("production"),
     .meaning = "what it withholds: the country's output, a share of its exports, or its ore "
                "exports (MODEL 3s)"},
    {"events.<id>.processed_elsewhere", NUM(R_01), .unit = "fraction of the withheld ore", DEF("0"),
     .meaning = "scope ore only: processed anyway, so refined supply loses the rest"},
    {"events.<id>.licensing", NUM(R_01), .unit = "share of UK purchases from the country", DEF("0"),
     .meaning = "scope exports only: lambda, the share a denied licence leaves without a "
                "replacement within the event (MODEL 3s, 6m); 0: none"},
    {"events.<id>.rush_months", NUM(R_MONTHS), .unit = "months of the country's exports", DEF("0"),
     .meaning = "scope exports only: bought ahead of each occurrence after its announcement and "
                "held in the open market's commercial stock until it starts (MODEL 3s); 0: none"},
    {"events.<id>.rate_per_year", RATE, .unit = "events per year",
     .def = "required; 0 with occurrences", .meaning = "rate of random occurrences"},
    {"events.<id>.severity", "severity", NULL, "fraction of supply", .def = "required if rate > 0",
     .meaning = "severity of random occurrences (see `<severity>`)"},
    {"events.<id>.duration_months", "duration", NULL, "months", .def = "required if rate > 0",
     .meaning = "duration of random occurrences (see `<duration>`)"},
    {"events.<id>.occurrences", "list of occurrences", NULL, "", NONE, .range = "at most 1000",
     .meaning = "occurrences that happen in every trial"},
    {"events.<id>.occurrences[].start_years", "number", NULL, "years", REQ, .num = &R_GE0,
     .range = "[0,horizon_years)", .meaning = "start, from the start of the horizon"},
    {"events.<id>.occurrences[].severity", NUM(R_01), .unit = "fraction of supply", REQ,
     .meaning = "fraction withheld"},
    {"events.<id>.occurrences[].duration_months", NUM(R_MONTHS_GT0), .unit = "months", REQ,
     .meaning = "duration"},
    {"events.<id>.occurrences[].rush_months", NUM(R_MONTHS),
     .unit = "months of the country's exports", .def = "the event's",
     .meaning = "scope exports only: bought ahead of this occurrence"},
    /* matrices and sweep */
    {"interdependency.<sector>.<sector>", NUM(R_01), .unit = "fraction", DEF("0"),
     .meaning = "row i, column j: fraction of j's inoperability passed to i"},
    {"price_correlation.<mineral>.<mineral>", NUM(R_CORR), .unit = "correlation",
     .def = "1 on the diagonal, else 0",
     .meaning = "symmetric (a pair given once is mirrored); diagonal 1"},
    {"sweep.<key path>", "list of values", NULL, "", NONE, .range = "1 to 64 values",
     .meaning = "values of a key path (a.b[0].c); null removes the key"},
    /* importance (MODEL 12i, STUDIES.md Importance sampling) */
    {"importance.rates", "mapping of process names", NULL, "", NONE, .range = "1 to 1000 names",
     .meaning = "rate factors: country/<id>, supplier/<mineral>/<stage>/<country>, event/<id>, "
                "domestic/<mineral>; * matches any characters; a later name overrides an "
                "earlier one"},
    {"importance.rates.<process name>", NUM(R_FACTOR), .unit = "", REQ,
     .meaning = "lambda' / lambda of every process the name matches"},
    {"importance.target", "string", NULL, "", NONE,
     .range = "var<P> or es<P>, P in [50,100), optional _total or _annual",
     .meaning = "choose the rates by the cross-entropy method for this statistic (rates: the "
                "start)"},
    {"importance.pilot_stages", INT(1, 10), .unit = "stages", DEF("3"),
     .meaning = "cross-entropy pilot stages before the main run"},
    {"importance.pilot_trials", INT(100, 4294967295u), .unit = "trials",
     .def = "max(1000, trials / 10)", .meaning = "trials of each pilot stage"},
    {"importance.focus", NULL, sc_focus, "", .def = "year for an annual target, else horizon",
     .meaning = "where the rates are tilted: the whole horizon, or one year of each trial drawn "
                "uniformly (a mixture over the years, MODEL 12i)"},
    {"importance.focus_years", INT(1, 1000), .unit = "years", DEF("1"),
     .meaning = "year focus: the window tilted, the focus year and the K - 1 years before it "
                "(occurrences that start earlier and last into it; at most the horizon)"},
    {"importance.defensive", NUM(R_01_OPENHI), .unit = "probability", DEF("0.1"),
     .meaning = "year focus: the share alpha of trials with no tilted year (their weight is at "
                "most 1 / alpha)"},
    /* uncertain (STUDIES.md Uncertainty) */
    {"uncertain.rows", INT(2, 4096), .unit = "design rows", DEF("64"),
     .meaning = "N: rows of each Saltelli matrix A and B; N (k + 2) rows are run"},
    {"uncertain.block_trials", INT(1, 1000000), .unit = "trials", DEF("1000"),
     .meaning = "L: trials 0 .. L-1 run for every row (common random numbers)"},
    {"uncertain.keys", "mapping of key paths", NULL, "", REQ, .range = "1 to 64 key paths",
     .meaning = "each a numeric key path (a.b[0].c, as a sweep's) and its distribution"},
    {"uncertain.keys.<key path>", "mapping", NULL, "", REQ, .range = "exactly one key",
     .meaning = "the distribution: one of the keys below"},
    {"uncertain.keys.<key path>.uniform", "list of 2 numbers", NULL, "", NONE, .range = "lo <= hi",
     .meaning = "[lo, hi]"},
    {"uncertain.keys.<key path>.triangular", "list of 3 numbers", NULL, "", NONE,
     .range = "lo <= mode <= hi", .meaning = "[lo, mode, hi]"},
    {"uncertain.keys.<key path>.lognormal", "mapping", NULL, "", NONE,
     .meaning = "median exp(mu) and sigma of the log; draws span median exp(+-8.21 sigma)"},
    {"uncertain.keys.<key path>.lognormal.median", NUM(R_GT0), .unit = "the key's", REQ,
     .meaning = "median"},
    {"uncertain.keys.<key path>.lognormal.sigma", NUM(R_VOL), .unit = "ln units", REQ,
     .meaning = "standard deviation of the log; 0 = the median itself"},
    {"uncertain.keys.<key path>.beta", "mapping", NULL, "", NONE,
     .meaning = "lo + (hi - lo) X, X ~ Beta(a, b)"},
    {"uncertain.keys.<key path>.beta.a", NUM(R_BETA), .unit = "", REQ, .meaning = "shape a"},
    {"uncertain.keys.<key path>.beta.b", NUM(R_BETA), .unit = "", REQ, .meaning = "shape b"},
    {"uncertain.keys.<key path>.beta.lo", "number", NULL, "the key's", REQ, .meaning = "lower end"},
    {"uncertain.keys.<key path>.beta.hi", "number", NULL, "the key's", REQ, .range = ">= lo",
     .meaning = "upper end"},
    {"uncertain.keys.<key path>.choice", "list of mappings", NULL, "", NONE,
     .range = "1 to 64 items", .meaning = "weighted alternatives (a logic tree)"},
    {"uncertain.keys.<key path>.choice[].value", "number", NULL, "the key's", REQ,
     .meaning = "one alternative"},
    {"uncertain.keys.<key path>.choice[].weight", NUM(R_01_OPENLO), .unit = "probability", REQ,
     .meaning = "its weight; the weights sum to 1"},
    /* shared forms */
    {"<process>", "mapping", NULL, "", NONE,
     .meaning = "a marked Poisson process of disruptions (MODEL 3)"},
    {"<process>.rate_per_year", RATE, .unit = "occurrences per year", REQ, .meaning = "rate"},
    {"<process>.severity", "severity", NULL, "fraction of supply", REQ,
     .meaning = "severity of each occurrence"},
    {"<process>.duration_months", "duration", NULL, "months", REQ,
     .meaning = "duration of each occurrence, cut at the horizon"},
    {"<cost>", "mapping", NULL, "", NONE,
     .meaning = "a policy's cost: GBP a year and where the figure comes from"},
    {"<cost>.gbp_per_year", NUMP(R_GBP_GE0), .unit = "GBP per year", REQ,
     .meaning = "cost a year; over the horizon the sum over steps of the step's cost a year x "
                "its length, undiscounted"},
    {"<cost>.source", "string", NULL, "", REQ, .range = "non-empty",
     .meaning = "publication and year, or 'assumption: the reasoning'"},
    {"<disruption>", "mapping", NULL, "", NONE,
     .meaning = "a process of disruptions (as `<process>`), certain occurrences, or both"},
    {"<disruption>.rate_per_year", RATE, .unit = "occurrences per year",
     .def = "required; 0 with occurrences", .meaning = "rate of random occurrences"},
    {"<disruption>.severity", "severity", NULL, "fraction of supply", .def = "required if rate > 0",
     .meaning = "severity of random occurrences (see `<severity>`)"},
    {"<disruption>.duration_months", "duration", NULL, "months", .def = "required if rate > 0",
     .meaning = "duration of random occurrences (see `<duration>`)"},
    {"<disruption>.occurrences", "list of occurrences", NULL, "", NONE, .range = "at most 1000",
     .meaning = "occurrences that happen in every trial"},
    {"<disruption>.occurrences[].start_years", "number", NULL, "years", REQ, .num = &R_GE0,
     .range = "[0,horizon_years)", .meaning = "start, from the start of the horizon"},
    {"<disruption>.occurrences[].severity", NUM(R_01), .unit = "fraction of supply", REQ,
     .meaning = "fraction withheld"},
    {"<disruption>.occurrences[].duration_months", NUM(R_MONTHS_GT0), .unit = "months", REQ,
     .meaning = "duration"},
    {"<severity>", "number or mapping", NULL, "fraction of supply", REQ, .num = &R_01,
     .meaning = "fixed fraction withheld, or a mapping with one of fixed, uniform, beta"},
    {"<severity>.fixed", NUM(R_01), .unit = "fraction of supply", .def = "one of three",
     .meaning = "fixed fraction"},
    {"<severity>.uniform", "list [a, b]", NULL, "fraction of supply", .def = "one of three",
     .range = "0 <= a <= b <= 1", .meaning = "uniform on [a, b]"},
    {"<severity>.beta", "list [a, b]", NULL, "", .def = "one of three",
     .range = "0.001 <= a <= 1e6, 0.001 <= b <= 1e6", .meaning = "Beta(a, b) shape parameters"},
    {"<duration>", "number or mapping", NULL, "months", REQ, .num = &R_MONTHS_GT0,
     .meaning = "fixed months, or a mapping with one of fixed, exponential, lognormal"},
    {"<duration>.fixed", NUM(R_MONTHS_GT0), .unit = "months", .def = "one of three",
     .meaning = "fixed duration"},
    {"<duration>.exponential", NUM(R_MONTHS_GT0), .unit = "months", .def = "one of three",
     .meaning = "exponential with this mean"},
    {"<duration>.lognormal", "mapping", NULL, "", .def = "one of three",
     .meaning = "lognormal duration"},
    {"<duration>.lognormal.median", NUM(R_MONTHS_GT0), .unit = "months", REQ, .meaning = "median"},
    {"<duration>.lognormal.sigma", NUM(R_VOL), .unit = "ln months", REQ,
     .meaning = "standard deviation of ln months"},
};

#undef NUM
#undef RATE
#undef INT
#undef DEF
#undef REQ
#undef NONE

const size_t sc_nschema = sizeof sc_schema / sizeof *sc_schema;
#define NSCHEMA (sizeof sc_schema / sizeof *sc_schema)

/* Parents whose children are ids or free keys, not a key table. */
static const char *const SCHEMA_OPEN[] = {"countries",
                                          "minerals",
                                          "minerals.<id>.market.domestic_use",
                                          "minerals.<id>.uk_sourcing.shares",
                                          "minerals.<id>.uk_sourcing.before_policy",
                                          "policies.diversification_cap.offtake",
                                          "policies.diversification_cap.premium",
                                          "minerals.<id>.recycled_refined_abroad",
                                          "policies.recycled_share.refined_abroad",
                                          "sectors",
                                          "events",
                                          "events.<id>.minerals",
                                          "interdependency",
                                          "interdependency.<sector>",
                                          "price_correlation",
                                          "price_correlation.<mineral>",
                                          "sweep",
                                          "uncertain.keys",
                                          "importance.rates",
                                          NULL};

static mr_schema_key schema_out[NSCHEMA];
static char schema_type[NSCHEMA][96];
static char schema_range[NSCHEMA][64];

static void schema_build(void)
{
    if (schema_out[0].path)
        return;
    for (size_t i = 0; i < NSCHEMA; i++) {
        const SchemaKey *k = &sc_schema[i];
        char *t = schema_type[i], *r = schema_range[i];
        if (k->words) {
            size_t len = 0, n = 0;
            while (k->words[n])
                n++;
            if (k->type)
                len += (size_t)snprintf(t, sizeof schema_type[i], "%s: ", k->type);
            for (size_t w = 0; w < n && len < sizeof schema_type[i]; w++)
                len += (size_t)snprintf(t + len, sizeof schema_type[i] - len, "%s`%s`",
                                        w == 0       ? ""
                                        : w == n - 1 ? " or "
                                                     : ", ",
                                        k->words[w]);
        } else {
            snprintf(t, sizeof schema_type[i], "%s", k->type);
        }
        if (k->range && k->num) /* a bound the walker checks beyond the Range (RATE) */
            snprintf(r, sizeof schema_range[i], "%s", k->range);
        else if (k->num && k->num == &R_ANY)
            snprintf(r, sizeof schema_range[i], "any");
        else if (k->num && isfinite(k->num->lo) && isfinite(k->num->hi))
            snprintf(r, sizeof schema_range[i], "%c%g,%g%c", k->num->lo_open ? '(' : '[',
                     k->num->lo, k->num->hi, k->num->hi_open ? ')' : ']');
        else if (k->num)
            snprintf(r, sizeof schema_range[i], "%s %g", k->num->lo_open ? ">" : ">=", k->num->lo);
        else if (k->is_int && k->ihi == (uint64_t)INT_MAX) /* "any int", as int_node says */
            snprintf(r, sizeof schema_range[i], ">= %" PRIu64, k->ilo);
        else if (k->is_int)
            snprintf(r, sizeof schema_range[i], "[%" PRIu64 ",%" PRIu64 "]", k->ilo, k->ihi);
        else
            snprintf(r, sizeof schema_range[i], "%s", k->range ? k->range : "");
        schema_out[i] = (mr_schema_key){
            k->path, t, k->unit ? k->unit : "", k->def ? k->def : "", k->def_value, r, k->meaning};
    }
}

const mr_schema_key *mr_scenario_schema(size_t *n)
{
    schema_build();
    *n = NSCHEMA;
    return schema_out;
}

int sc_schema_find(const char *path)
{
    for (size_t i = 0; i < NSCHEMA; i++)
        if (!strcmp(sc_schema[i].path, path))
            return (int)i;
    return -1;
}

/* ---- the key table, for the walkers ---- */

bool sc_schema_child_of(const char *path, const char *parent, const char **last)
{
    size_t pl = strlen(parent);
    if (pl == 0 ? path[0] == '<' || strchr(path, '.')
                : strncmp(path, parent, pl) || path[pl] != '.' || strchr(path + pl + 1, '.'))
        return false;
    *last = pl == 0 ? path : path + pl + 1;
    return true;
}

int sc_schema_keys(const char *parent, const char *keys[MAXKEYS + 1], int sk[MAXKEYS])
{
    int n = 0;
    for (size_t i = 0; i < NSCHEMA; i++) {
        const char *last;
        if (!sc_schema_child_of(sc_schema[i].path, parent, &last))
            continue;
        if (n == MAXKEYS)
            return -1;
        keys[n] = last;
        sk[n++] = (int)i;
    }
    keys[n] = NULL;
    return n;
}

const char *sc_schema_default(int i)
{
    return i >= 0 && (size_t)i < NSCHEMA && sc_schema[i].def_value ? sc_schema[i].def : NULL;
}

double sc_schema_num(const char *path)
{
    int i = sc_schema_find(path);
    double x;
    if (i < 0 || !sc_schema[i].def_value || !sc_parse_double(sc_schema[i].def, &x) || !isfinite(x))
        return NAN;
    return x;
}

int sc_schema_word(const char *path, const char *const *names)
{
    int i = sc_schema_find(path);
    for (int w = 0; i >= 0 && sc_schema[i].def_value && names[w]; w++)
        if (!strcmp(names[w], sc_schema[i].def))
            return w;
    return -1;
}

/* ---- a concrete key path's entry (the uncertain block's check) ---- */

/* Whether some schema path is `path` or lies under it. */
static bool schema_has(const char *path)
{
    size_t l = strlen(path);
    for (size_t i = 0; i < NSCHEMA; i++)
        if (!strncmp(sc_schema[i].path, path, l) &&
            (!sc_schema[i].path[l] || sc_schema[i].path[l] == '.' || sc_schema[i].path[l] == '['))
            return true;
    return false;
}

/* The shared form a type names ("severity" -> "<severity>"), or NULL. */
static const char *shared_form(const char *type)
{
    static const char *const forms[] = {"process", "severity",   "duration",
                                        "cost",    "disruption", NULL};
    static const char *const roots[] = {"<process>", "<severity>", "<duration>", "<cost>",
                                        "<disruption>"};
    for (int f = 0; type && forms[f]; f++)
        if (!strcmp(type, forms[f]))
            return roots[f];
    return NULL;
}

static bool numeric_type(const char *type)
{
    return type && (!strncmp(type, "number", 6) || !strcmp(type, "int"));
}

/* The schema entry of concrete key path `path`: 0 with *entry its index
   (for a year of a time path, an item of a list of numbers or a severity
   written as a number: the entry of the key that holds them) and *numeric
   whether the value is a number; -1 when the path is not in the schema. */
static int schema_entry(const char *path, int *entry, int *numeric)
{
    static const char *const ids[] = {"<id>", "<country>", "<mineral>", "<sector>", NULL};
    char at[KP_MAX] = "", cand[KP_MAX];
    for (const char *s = path; *s;) {
        int e = sc_schema_find(at);
        if (*s == '[') { /* an item: of a list of mappings, or of a list of numbers */
            int w = snprintf(cand, sizeof cand, "%s[]", at);
            s = strchr(s, ']') + 1;
            if (w > 0 && (size_t)w < sizeof cand && schema_has(cand)) {
                memcpy(at, cand, sizeof at);
                continue;
            }
            if (e >= 0 && !*s && sc_schema[e].type && !strncmp(sc_schema[e].type, "list [", 6)) {
                *entry = e;
                *numeric = 1;
                return 0;
            }
            return -1;
        }
        if (*s == '.')
            s++;
        size_t len = strcspn(s, ".[");
        if (e >= 0 && !strcmp(sc_schema[e].type ? sc_schema[e].type : "", "number or path")) {
            *entry = e; /* a year of a time path */
            *numeric = 1;
            return 0;
        }
        if (e >= 0 && shared_form(sc_schema[e].type))
            snprintf(at, sizeof at, "%s", shared_form(sc_schema[e].type));
        int w = snprintf(cand, sizeof cand, "%s%s%.*s", at, *at ? "." : "", (int)len, s);
        if (w < 0 || (size_t)w >= sizeof cand)
            return -1; /* longer than any schema path */
        if (!schema_has(cand)) {
            int f = 0;
            for (; ids[f]; f++) {
                w = snprintf(cand, sizeof cand, "%s%s%s", at, *at ? "." : "", ids[f]);
                if (w > 0 && (size_t)w < sizeof cand && schema_has(cand))
                    break;
            }
            if (!ids[f])
                return -1;
        }
        memcpy(at, cand, sizeof at);
        s += len;
    }
    int e = sc_schema_find(at);
    if (e >= 0 && shared_form(sc_schema[e].type)) /* a severity: a number or a mapping */
        e = sc_schema_find(shared_form(sc_schema[e].type));
    if (e < 0)
        return -1;
    *entry = e;
    *numeric = numeric_type(sc_schema[e].type);
    return 0;
}

int sc_schema_numeric(const char *path, const char **type)
{
    int e, numeric;
    *type = NULL;
    if (schema_entry(path, &e, &numeric))
        return -1;
    *type = sc_schema[e].type ? sc_schema[e].type : "word";
    return numeric;
}

const char *mr_scenario_key_unit(const char *path)
{
    int e, numeric;
    if (schema_entry(path, &e, &numeric) || !sc_schema[e].unit || !sc_schema[e].unit[0] ||
        !strcmp(sc_schema[e].unit, "the key's"))
        return NULL;
    return sc_schema[e].unit;
}

int mr_scenario_key_unit_in(const mr_scenario *sc, const char *path, char **out)
{
    const char *unit = mr_scenario_key_unit(path), *word = NULL, *mine = NULL;
    static const char prefix[] = "minerals.";
    *out = NULL;
    if (!unit)
        return 0;
    if ((word = strstr(unit, "unit")) && !strncmp(path, prefix, sizeof prefix - 1)) {
        const char *id = path + sizeof prefix - 1, *dot = strchr(id, '.');
        for (int m = 0; dot && m < sc->nminerals && !mine; m++) {
            const mr_mineral *mi = &sc->minerals[m];
            if (strlen(mi->id) == (size_t)(dot - id) && !strncmp(mi->id, id, (size_t)(dot - id)))
                mine = mi->unit;
        }
    }
    /* the whole of the mineral's unit, however long (a string of the
       scenario); the schema's unit as it is for any other key */
    const size_t pre = mine ? (size_t)(word - unit) : strlen(unit);
    const char *rest = mine ? word + 4 : "";
    mine = mine ? mine : "";
    const size_t len = pre + strlen(mine) + strlen(rest) + 1;
    if (!(*out = malloc(len)))
        return -1;
    snprintf(*out, len, "%.*s%s%s", (int)pre, unit, mine, rest);
    return 0;
}

/* ---- the check ---- */

/* A default that is a value must be one the walker can fill in: a number
   within the key's range, an integer within its bounds, one of its words. */
static bool default_parses(const SchemaKey *k)
{
    double x;
    bool neg, ovf;
    uint64_t u;
    if (k->num)
        return sc_parse_double(k->def, &x) &&
               (k->num->lo_open ? x > k->num->lo : x >= k->num->lo) &&
               (k->num->hi_open ? x < k->num->hi : x <= k->num->hi);
    if (k->is_int)
        return sc_parse_int(k->def, &neg, &u, &ovf) && !neg && !ovf && u >= k->ilo && u <= k->ihi;
    if (k->words) {
        for (int w = 0; k->words[w]; w++)
            if (!strcmp(k->words[w], k->def))
                return true;
        return false;
    }
    return true; /* a string, or a word of a word-or-mapping key */
}

/* Whether parent (not an id map) is a mapping of the table: a schema
   entry, a list item "x[]" of one, or the top level. */
static bool is_mapping(const char *parent)
{
    char list[KP_MAX];
    size_t l = strlen(parent);
    if (l == 0 || sc_schema_find(parent) >= 0)
        return true;
    if (l < 3 || strcmp(parent + l - 2, "[]") || l - 2 >= sizeof list)
        return false;
    snprintf(list, sizeof list, "%.*s", (int)(l - 2), parent);
    return sc_schema_find(list) >= 0;
}

int mr_scenario_schema_check(char *msg, size_t n)
{
    int bad = 0;
    msg[0] = '\0';
#define PROBLEM(...)                                                                               \
    do {                                                                                           \
        if (!bad++)                                                                                \
            snprintf(msg, n, __VA_ARGS__);                                                         \
    } while (0)
    for (size_t i = 0; i < NSCHEMA; i++) {
        const SchemaKey *k = &sc_schema[i];
        const char *dot = strrchr(k->path, '.');
        const char *last = dot ? dot + 1 : k->path;
        char parent[KP_MAX];
        snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - k->path) : 0, k->path);
        if (sc_schema_find(k->path) != (int)i)
            PROBLEM("%s: given twice in the schema", k->path);
        if (k->def_value && !default_parses(k))
            PROBLEM("%s: the default '%s' is not a value of the key", k->path, k->def);
        if (strchr(k->meaning, '|') || strchr(k->unit ? k->unit : "", '|'))
            PROBLEM("%s: '|' would break the Markdown table", k->path);
        if (!dot && k->path[0] == '<')
            continue; /* a shared form itself */
        bool open = false;
        for (int o = 0; SCHEMA_OPEN[o]; o++)
            open |= !strcmp(SCHEMA_OPEN[o], parent);
        const char *keys[MAXKEYS + 1];
        int sk[MAXKEYS];
        if (open && last[0] != '<')
            PROBLEM("%s: children of %s are ids, written <...>", k->path, parent);
        if (!open && last[0] == '<')
            PROBLEM("%s: %s is not a mapping of ids", k->path, parent[0] ? parent : "(root)");
        if (!open && !is_mapping(parent))
            PROBLEM("%s: %s is not in the schema", k->path, parent);
        if (!open && sc_schema_keys(parent, keys, sk) < 0)
            PROBLEM("%s: more than %d keys, the most a mapping may have",
                    parent[0] ? parent : "(root)", MAXKEYS);
    }
#undef PROBLEM
    return bad;
}

void mr_scenario_schema_print(FILE *out)
{
    size_t n;
    const mr_schema_key *k = mr_scenario_schema(&n);
    fputs("| key | type | unit | default | range | meaning |\n", out);
    fputs("|---|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "| `%s` | %s | %s | %s | %s | %s |\n", k[i].path, k[i].type, k[i].unit,
                k[i].def, k[i].range, k[i].meaning);
}

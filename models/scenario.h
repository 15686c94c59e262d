/* scenario.h - the scenario as data: plain structs that the YAML loader
 * (sim/scenario/) fills and the engine compiles (sim/model.c).
 *
 * A scenario is read once, validated completely, and then never changed by
 * the engine. Indices (country, mineral, sector) are the order in which the
 * ids appear in the file. Every number is in the unit its field name says.
 * MODEL.md sections are cited as "MODEL §n".
 */
#ifndef MR_MODELS_SCENARIO_H
#define MR_MODELS_SCENARIO_H

#include "models/paths.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Severity of one disruption occurrence, fraction of supply withheld (MODEL §3). */
typedef enum { MR_SEV_FIXED, MR_SEV_UNIFORM, MR_SEV_BETA } mr_sev_kind;
typedef struct {
    mr_sev_kind kind;
    double a, b; /* fixed: a; uniform(a, b); beta(a, b) shape parameters */
} mr_severity;

/* Duration of one occurrence, months (MODEL §3). */
typedef enum { MR_DUR_FIXED, MR_DUR_EXPONENTIAL, MR_DUR_LOGNORMAL } mr_dur_kind;
typedef struct {
    mr_dur_kind kind;
    double a, b; /* fixed: a months; exponential: mean a months;
                    lognormal: median a months, sigma b (of ln months) */
} mr_duration;

/* A marked Poisson process of disruptions (MODEL §3). rate 0 = never. */
typedef struct {
    double rate_per_year;
    mr_severity severity;
    mr_duration duration;
} mr_process;

/* Where a country's outage process came from. */
typedef enum { MR_OUTAGE_NONE, MR_OUTAGE_EXPLICIT, MR_OUTAGE_FROM_WGI } mr_outage_source;

typedef struct {
    char *id;
    char *name;
    bool has_wgi;
    double wgi_pv;  /* WGI political stability, -2.5..2.5 */
    bool aggregate; /* many small suppliers (e.g. rest of world): never cut by
                       a diversification cap, no single "country" in the
                       concentration indicators (MODEL §10, §11) */
    mr_outage_source outage_source;
    mr_process outage;              /* country-wide outage (MODEL §3.1) */
    bool has_regime;                /* a tension regime raises its events' rates together */
    double regime_tense_multiplier; /* rate multiple when tense, >= 1 */
    double regime_calm_months;      /* mean months calm */
    double regime_tense_months;     /* mean months tense (docs/MODEL.md §3r) */
} mr_country;

typedef struct {
    int country;         /* index into scenario countries */
    double share;        /* share of the stage's supply, 0..1 (with a path: its value at
                            the start) */
    double spare;        /* spare capacity as a fraction of own output, >= 0 */
    mr_process outage;   /* supplier outage (MODEL §3.2); rate 0 = none */
    mr_path *share_path; /* the share over calendar years (docs/MODEL.md §4), or NULL;
                            owned by the stage's first holder (copies of a stage made
                            by the policies share it: freed with the mineral's stages) */
} mr_supplier;

typedef enum { MR_STAGE_MINING = 0, MR_STAGE_REFINING = 1, MR_NSTAGES = 2 } mr_stage_kind;

typedef struct {
    int n; /* 0 = the mineral has no such stage */
    mr_supplier *suppliers;
} mr_stage;

/* Strategic stockpile (MODEL §4). present == false: no stockpile. */
typedef struct {
    bool present;
    double target_months;  /* months of national demand */
    double initial_months; /* level at t = 0, months of demand */
    double trigger;        /* release only when gap g > trigger (fraction) */
    double max_release;    /* fraction of demand per step, at most */
    double refill_rate;    /* months of demand per month, when g == 0 */
} mr_stockpile;

/* Price model (MODEL §5). */
typedef struct {
    double ref;          /* reference price P0, GBP per unit */
    double theta;        /* OU mean reversion, 1/year, >= 0 */
    double sigma;        /* OU volatility of ln price, 1/sqrt(year), >= 0 */
    double elasticity;   /* short-run demand elasticity eps > 0 */
    double max_multiple; /* cap on exp(scarcity premium), > 1 */
    double jump_rate;    /* jumps per year, >= 0 */
    double jump_mu;      /* mean of ln jump size */
    double jump_sigma;   /* sd of ln jump size, >= 0 */
} mr_price;

/* The market layer of a mineral (docs/MODEL.md §5m, model v2): the open
   market the UK buys in, cleared each step by its price, with commercial
   stocks and demand whose elasticity rises with the age of a shortage.
   present == false: the mineral keeps model v1's scarcity premium and
   quantity rationing (docs/MODEL.md §5). */
typedef struct {
    bool present;
    double stock_months;         /* K: commercial stocks at rest, months of open-market demand */
    double stock_adjust_months;  /* tau_s: months to close the gap to the desired stock */
    double stock_price_response; /* eta_s: desired stock = K P^-eta_s */
    double elasticity_long_run;  /* eps_LR; the short run is price.elasticity */
    double substitution_months;  /* tau_e: months for eps to move from short to long run */
    double world_demand_t;       /* world demand, unit per year; 0 = not given (UK needs
                                    then take no part in clearing: price takers); with a
                                    path, its value at the start */
    mr_path *world_demand_path;  /* world demand over calendar years, or NULL */
    int ndomestic;
    int *domestic_country; /* [ndomestic] countries with a stated home use */
    double *domestic_use;  /* [ndomestic] share of world demand consumed at home, 0..1 */
} mr_market;

/* A certain occurrence of a named event: it happens in every trial, in
   addition to the event's Poisson occurrences (MODEL §3; docs/MODEL.md §3). */
typedef struct {
    double start_years;     /* tau in [0, horizon) */
    double severity;        /* s in [0, 1] */
    double duration_months; /* d > 0 */
    double rush_months;     /* scope exports: months of the country's normal exports bought
                               ahead of the start (docs/MODEL.md §3s); the event's by default */
} mr_certain_occurrence;

/* A disruption of the UK's domestic supply of a mineral (docs/MODEL.md §4,
   "Domestic and recycled supply at risk"): a marked Poisson process,
   certain occurrences, or both. present == false: none. */
typedef struct {
    bool present;
    mr_process process; /* rate 0 (and duration 0) when only certain */
    int noccurrences;
    mr_certain_occurrence *occurrences; /* in file order; rush_months unused (0) */
} mr_disruption;

/* Where the UK's recycled material of a mineral is refined abroad
   (docs/MODEL.md §4): country k refines share[k] of it (shares in (0, 1],
   summing to at most 1); n == 0: all at home. */
typedef struct {
    int n;
    int *country;  /* [n] indices into scenario countries, each a supplier of the
                      mineral's product stage (with a world share of 0 if need be) */
    double *share; /* [n] */
} mr_refined_abroad;

/* Where the UK's purchases of a mineral come from (docs/MODEL.md §3u). */
typedef enum {
    MR_UK_OPEN_MARKET,      /* no UK data: the open market's shares of the product stage
                               (§3s), recomputed whenever the world's shares change */
    MR_UK_DATA,             /* uk_sourcing given, from import data (its source stated) */
    MR_UK_OPEN_MARKET_FIXED /* the open-market fallback written out after a cap
                               (uk_sourcing with fallback: true): not recomputed */
} mr_uk_basis;

typedef struct {
    char *id;
    char *name;
    char *unit;               /* e.g. "t" */
    double demand_t;          /* annual demand of the modelled economy, in unit (with a
                                 path, its value at the start) */
    mr_path *demand_path;     /* demand_t over calendar years, or NULL (docs/MODEL.md §5m:
                                 the UK's weight in the market's clearing) */
    double recycled_share;    /* r_m, met without imports */
    double domestic_share;    /* d_m, met without imports */
    mr_path *recycled_path;   /* r_m over calendar years, or NULL: recycled_share throughout
                                 (recycled_share is then its value at the start, after any
                                 policy floor) */
    mr_path *domestic_path;   /* d_m likewise, or NULL */
    double spare_ramp_months; /* months for spare capacity to reach full output; 0 = at once */
    mr_stage stage[MR_NSTAGES];
    mr_stage uk; /* UK sourcing (docs/MODEL.md §3u): countries and their shares of
                    the UK's purchases (sum 1), after any cap; every country in it
                    supplies the product stage (with a world share of 0 if need be) */
    mr_uk_basis uk_basis;
    char *uk_source;    /* uk_sourcing.source: where the shares come from; NULL when the
                           basis is the open market */
    bool uk_capped;     /* a diversification cap on UK sourcing changed uk */
    mr_stage uk_before; /* when uk_capped: UK sourcing before the cap (the same countries
                           first, in the same order); else n == 0 */
    mr_stockpile stockpile;
    mr_price price;
    mr_market market;
    mr_disruption domestic_outage;    /* outages of d_m (its own, else the policy's) */
    mr_refined_abroad refined_abroad; /* recycled_refined_abroad (its own, else the policy's) */
} mr_mineral;

typedef struct {
    int mineral;             /* index into scenario minerals */
    double dependent_share;  /* a_mj: share of output that needs the mineral, 0..1 */
    double substitutable;    /* sigma_mj: fraction substitutable at once, 0..1 */
    double demand_share;     /* delta_mj: sector's share of national demand, 0..1 */
    double spend_gbp;        /* w_mj: annual spend on the mineral, GBP per year */
    double buffer_months;    /* b_mj: sector's own inventory, months of its need */
    mr_path *spend_path;     /* w_mj over calendar years, or NULL: spend_gbp throughout */
    mr_path *dependent_path; /* a_mj over calendar years, or NULL: dependent_share throughout
                                (dependent_share is then its value at the start) */
} mr_need;

typedef enum { MR_COMBINE_LIMITING, MR_COMBINE_INDEPENDENT } mr_combine;

typedef struct {
    char *id;
    char *name;
    double output_gbp;    /* Y_j, annual output (turnover), GBP per year */
    double gva_gbp;       /* V_j, annual gross value added, GBP per year; 0 = not given
                             (losses then on output_gbp, flagged as turnover basis) */
    mr_path *output_path; /* Y_j over calendar years, or NULL: output_gbp throughout
                             (output_gbp is then the path's value at the start) */
    mr_path *gva_path;    /* V_j likewise, or NULL */
    int priority;         /* rationing priority, lower is served first */
    double recovery_rate; /* k_j, per step, in (0, 1] */
    mr_combine combine;
    int nneeds;
    mr_need *needs;
} mr_sector;

/* What an event withholds (docs/MODEL.md §3s). production: the country's
   output (a world supply loss, the v1 meaning); exports: a share of its
   exports (the open market loses it, the country's home price does not
   rise); ore: its ore exports, of which processed_elsewhere is processed
   in the country or elsewhere within the event, so refined supply loses
   only the rest. */
typedef enum { MR_SCOPE_PRODUCTION, MR_SCOPE_EXPORTS, MR_SCOPE_ORE } mr_event_scope;

typedef struct {
    char *id;
    char *name;
    int country; /* index of the country imposing it */
    mr_event_scope scope;
    double processed_elsewhere; /* scope ore: fraction of the withheld ore processed anyway */
    double licensing;           /* scope exports: lambda in [0, 1], the share of the UK's purchases
                                   from the country that a denied licence leaves without a
                                   replacement within the event: a physical restriction of
                                   lambda x s' per unit severity on UK buyers (docs/MODEL.md
                                   §3s, §6m); 0 = none */
    double rush_months;         /* scope exports: months of the country's normal exports that
                                   buyers in the open market buy ahead of each occurrence,
                                   announced before it starts, and hold in the commercial stock
                                   until it starts (docs/MODEL.md §3s); 0 = none */
    int nminerals;
    int *minerals;               /* indices into scenario minerals */
    double *mineral_probability; /* [nminerals] chance that an occurrence hits each listed
                                    mineral (docs/MODEL.md §3r); NULL: every one, always */
    bool stages[MR_NSTAGES];     /* which stages it hits */
    mr_process process;          /* rate, severity, duration (MODEL §3.3);
                                    rate 0 and duration 0 when only certain */
    int noccurrences;
    mr_certain_occurrence *occurrences; /* certain occurrences, in file order */
} mr_event;

typedef enum { MR_RATION_PROPORTIONAL, MR_RATION_PRIORITY } mr_rationing_rule;

/* The levers of policies.cost (MODEL §10), in the order the loader, the
   resolved scenario and the output file list them (mr_lever_names,
   models/policies.h). other: a cost not tied to a lever modelled here. */
typedef enum {
    MR_LEVER_CAP,       /* diversification_cap */
    MR_LEVER_DOMESTIC,  /* domestic_share */
    MR_LEVER_RECYCLED,  /* recycled_share */
    MR_LEVER_STOCKPILE, /* stockpile */
    MR_LEVER_RATIONING, /* rationing */
    MR_LEVER_OTHER,     /* other */
    MR_NLEVERS
} mr_lever;

/* The stated cost of one lever (policies.cost.<lever>): an input, not part
   of a trial. */
typedef struct {
    bool given;
    double gbp_per_year; /* GBP per year; with a path, its value at the start */
    mr_path *path;       /* GBP per year over calendar years, or NULL: gbp_per_year throughout */
    char *source;        /* where the figure comes from, or "assumption: ..." */
    double horizon_gbp;  /* over the horizon, undiscounted (mr_policy_cost_horizon) */
} mr_policy_cost;

/* policies (MODEL §10) as given in the scenario; the loader has already
   applied them to the model (models/policies.c). Kept so the resolved
   scenario can state them (re-applying them is a no-op). */
typedef struct {
    /* diversification_cap: sc->policy_cap, on UK sourcing (docs/MODEL.md
       §3u) unless cap_on_world; the excess goes to the offtake countries
       (UK sourcing) or to a new source (world) when given, else pro rata
       to the other suppliers */
    bool cap_on_world;
    int noftake;
    int *offtake_country;   /* [noftake] */
    double *offtake_weight; /* [noftake] fraction of the excess, sum 1 */
    /* on UK sourcing (docs/MODEL.md §3u): the fraction of the cap's shift
       realised (ramp-up), a number or a path over calendar years (ramp_path
       NULL: the number throughout; 1 when not given), and the premium over
       the market price paid on the shifted share: premium for every
       country the excess goes to, or per offtake country */
    double ramp;
    mr_path *ramp_path;
    double premium;          /* 0 when not given */
    double *offtake_premium; /* [noftake] when given per offtake country, else NULL */
    int new_source_country;  /* -1: none */
    double new_source_spare;
    mr_process new_source_outage; /* all zero: none */
    double domestic_share;        /* < 0: not given; with a path, its value at the start */
    double recycled_share;        /* < 0: not given; likewise */
    mr_path *domestic_path;       /* the floor over calendar years (a phase-in), or NULL */
    mr_path *recycled_path;       /* likewise */
    bool has_stockpile;
    double stockpile_months;
    int nstockpile_minerals;  /* 0: every mineral */
    int *stockpile_minerals;  /* indices, in the order given */
    double stockpile_trigger; /* < 0: not given (each entry) */
    double stockpile_max_release;
    double stockpile_refill_rate;
    bool has_rationing;
    mr_rationing_rule rationing;
    int other_uses_priority;
    /* the mapping forms of domestic_share and recycled_share (docs/MODEL.md
       §10): an outage of every mineral's domestic supply, and where every
       mineral's recycled material is refined abroad; a mineral's own key wins */
    mr_disruption domestic_outage;    /* present false: none */
    mr_refined_abroad refined_abroad; /* n == 0: none */
    /* policies.cost: the stated cost of each lever, and their total over
       the horizon (GBP, undiscounted; 0 when none is stated) */
    bool has_cost;
    mr_policy_cost cost[MR_NLEVERS];
    double cost_horizon_gbp;
} mr_policies;

/* Which per-trial tables the output file keeps (output.trials). The summary
   is exact either way. all: every /trials table; totals: total_loss and
   annual_loss only; none: no /trials group. */
typedef enum {
    MR_OUTPUT_TRIALS_ALL,
    MR_OUTPUT_TRIALS_TOTALS,
    MR_OUTPUT_TRIALS_NONE
} mr_output_trials;

/* A tilted process's expected occurrences a trial (its factor x its
   largest rate x the horizon) at most this: a trial draws at most
   MR_OCCURRENCES_MAX (10^6) occurrences of a process and would cut it
   there with a likelihood ratio that assumes the whole horizon. Given
   rates beyond it are refused (mr_importance_check_load); the
   cross-entropy method keeps its factors below it. */
#define MR_TILT_EXPECTED_MAX 1e5

/* Importance sampling (docs/MODEL.md §12i): one rate factor of the tilt. */
typedef struct {
    char *pattern; /* a process name ("event/cn-gallium"); '*' matches any characters */
    double factor; /* lambda' / lambda, in (0, 1000] */
    int line, col; /* where it is written (0: on the command line) */
} mr_tilt_rate;

/* Where the rate factors act (docs/MODEL.md §12i): over the whole horizon,
   or in one focus year a trial (a mixture over the years, for an annual
   target). MR_FOCUS_DEFAULT: the year for an annual target, else the horizon. */
typedef enum { MR_FOCUS_DEFAULT, MR_FOCUS_HORIZON, MR_FOCUS_YEAR } mr_focus_kind;

/* What the cross-entropy method tunes the tilt for (--target). */
typedef enum { MR_TARGET_NONE, MR_TARGET_VAR, MR_TARGET_ES } mr_target_kind;

typedef struct {
    int nrates;
    mr_tilt_rate *rates;   /* in file order: a later match overrides an earlier one */
    char *file;            /* the file the block is in ("" on the command line) */
    int line, col;         /* where the block begins in it (0: on the command line) */
    int present;           /* an importance block or --importance: /trials/weight is written */
    mr_target_kind target; /* MR_TARGET_NONE: the rates as given */
    double target_level;   /* p of VaR_p or ES_p, e.g. 0.999 */
    int target_annual;     /* on the annual total loss (else the horizon's total loss) */
    uint64_t pilot_stages; /* cross-entropy stages before the main one */
    uint64_t pilot_trials; /* trials of each pilot stage; 0 = max(1000, trials / 10) */
    mr_focus_kind focus;   /* where the factors act (mr_importance_focus_year) */
    double defensive;      /* year focus: the probability alpha of no tilted year */
    int defensive_set;     /* defensive given (else MR_DEFENSIVE_DEFAULT) */
    uint64_t focus_years;  /* year focus: the window's years, the focus year and the K - 1
                              before it (0 = not given: 1) */
    /* what the cross-entropy stages found (sim/importance.c; written to
       /importance): per stage MR_IMPORTANCE_STAGE_FIGS figures */
    int nstages;
    double *stage_figs;
} mr_importance;

/* Figures of a cross-entropy stage: trials, level gamma, elite trials,
   effective sample size of the stage's weights, its estimate of the target. */
#define MR_IMPORTANCE_STAGE_FIGS 5

/* The defensive share alpha of a year-focused tilt when none is given. */
#define MR_DEFENSIVE_DEFAULT 0.1

/* Whether imp's factors act in one focus year a trial (docs/MODEL.md §12i):
   focus: year, or no focus given and an annual target. */
static inline bool mr_importance_focus_year(const mr_importance *imp)
{
    return imp->focus == MR_FOCUS_YEAR ||
           (imp->focus == MR_FOCUS_DEFAULT && imp->target != MR_TARGET_NONE && imp->target_annual);
}

/* The defensive share alpha of a year-focused tilt (given, else
   MR_DEFENSIVE_DEFAULT). */
static inline double mr_importance_defensive(const mr_importance *imp)
{
    return imp->defensive_set ? imp->defensive : MR_DEFENSIVE_DEFAULT;
}

/* One parameter of a sweep (docs/STUDIES.md "Sweeps"): a key path of the
   scenario and the values it takes, in file order. */
typedef struct {
    char *path; /* e.g. "policies.stockpile.months" */
    int nvalues;
    char **labels;         /* each value as text: the scalar, "none" for null,
                              "value<k>" for a mapping or list (k from 1) */
    int *line, *col;       /* [nvalues] where each value is written (from 1) */
    char *file;            /* the file the sweep block is in */
    int key_line, key_col; /* where the key path is written (from 1) */
} mr_sweep_param;

#define MR_SWEEP_MAX_VARIANTS 1024

/* The distributions of an `uncertain:` key (docs/STUDIES.md "Uncertainty"). */
typedef enum {
    MR_DIST_UNIFORM,    /* a = lo, b = hi */
    MR_DIST_TRIANGULAR, /* a = lo, b = mode, c = hi */
    MR_DIST_LOGNORMAL,  /* a = median, b = sigma (of the log) */
    MR_DIST_BETA,       /* a, b = shapes; c = lo, d = hi */
    MR_DIST_CHOICE      /* nvalues values with their weights (a logic tree) */
} mr_dist_kind;

/* One uncertain key: a key path of the scenario (written as a sweep's) and
   the distribution of its value. */
typedef struct {
    char *path; /* e.g. "minerals.ree_heavy.market.stock_months" */
    mr_dist_kind kind;
    double a, b, c, d;
    int nvalues;                          /* choice */
    double *values;                       /* [nvalues] choice: the values, in file order */
    double *weights;                      /* [nvalues] choice: their weights, summing to 1 */
    double lo, hi;                        /* the smallest and largest value a draw can take */
    int line, col;                        /* where the key path is written (from 1) */
    int lo_line, lo_col, hi_line, hi_col; /* where lo and hi come from (messages) */
    int *vline, *vcol;                    /* [nvalues] choice: where each value is written */
    char *file;                           /* the file the uncertain block is in */
} mr_uncertain_param;

#define MR_UNCERTAIN_MAX_KEYS 64

/* A file's identity (stat's st_dev, st_ino). */
typedef struct {
    uint64_t dev, ino;
} mr_file_id;

typedef struct {
    /* identity */
    char *name;
    char *description;
    char *source_path; /* as given on the command line */
    char *source_text; /* the file's bytes, NUL-terminated; for a scenario
                          that `extends` others, the bundle of the whole
                          chain (mr_scenario_parse reads it back) */
    size_t source_len;
    /* the files read (the scenario, then its `extends` chain), by device and
       inode: an output path may be none of them. Empty when parsed from a
       buffer (mr_scenario_parse). */
    mr_file_id *files;
    size_t nfiles;

    /* simulation (MODEL §1) */
    int horizon_years;
    int steps_per_year;
    int start_year; /* calendar year of the first step (1 January); 0: not given */
    uint64_t trials;
    uint64_t seed;
    char *target_precision; /* simulation.target_precision: STAT=REL[,...] (sim/precision.h);
                               NULL = none (run --target-precision overrides) */
    uint64_t max_trials;    /* simulation.max_trials: its cap; 0 = none (the trials) */

    /* defaults.wgi_rate: country outage rate derived from WGI (MODEL §3.1):
       rate_per_year = rate_at_zero * factor_per_unit ^ (-wgi_pv) */
    bool has_wgi_rate;
    double wgi_rate_at_zero;
    double wgi_factor_per_unit;
    mr_severity wgi_severity;
    mr_duration wgi_duration;

    /* defaults.buffer_refill_rate: sector buffers refill, months of need per month */
    double buffer_refill_rate;

    mr_output_trials output_trials;

    /* policies (MODEL §10), already applied to the fields above by the
       loader; kept for the record and for the indicators' cap flag */
    double policy_cap; /* policies.diversification_cap; 0 = none */
    mr_policies policies;

    /* rationing (MODEL §6) */
    mr_rationing_rule rationing;
    int other_uses_priority;

    int ncountries;
    mr_country *countries;
    int nminerals;
    mr_mineral *minerals;
    int nsectors;
    mr_sector *sectors;
    int nevents;
    mr_event *events;

    /* sweep (the grid of variants; empty in a variant and in a plain scenario) */
    int nsweep;
    mr_sweep_param *sweep;
    uint64_t nvariants; /* product of the nvalues; 0 without a sweep */

    /* uncertain (distributions of key paths; empty in a row's scenario and
       in a plain scenario) */
    int nuncertain;
    mr_uncertain_param *uncertain;
    uint64_t uncertain_rows;         /* uncertain.rows: design rows N */
    uint64_t uncertain_block_trials; /* uncertain.block_trials: trials per row L */

    /* importance (docs/MODEL.md §12i): the tilt of the disruption processes */
    mr_importance importance;

    double *interdependency;   /* A*, nsectors x nsectors, row-major: [i*S + j] */
    double *price_correlation; /* nminerals x nminerals, row-major, unit diagonal */

    /* warnings of a scenario that loads but may give no loss
       (docs/SCENARIO_FORMAT.md, "Warnings"): each "file:line:col: key.path:
       message", or "file: message" where there is no place; the commands
       print them after "warning: " */
    int nwarnings;
    char **warnings;
} mr_scenario;

#endif

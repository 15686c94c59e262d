/* indicators.h - static criticality indicators of the supply structure
 * (MODEL §11): no sampling, a function of the resolved scenario only.
 *
 * Per mineral and stage (mining, refining, where present):
 *   HHI      = sum_c s_c^2                      (shares as fractions: 0..1)
 *   g_c      = 10 - 2 (wgi_c + 2.5)             (WGI political stability
 *                                                rescaled to 0..10, higher =
 *                                                worse governance)
 *   HHI_WGI  = sum_c s_c^2 g_c                  (0..10)
 * as in the EU criticality method (Blengini et al. 2017, JRC); a supplier
 * country without wgi_pv gets the scale's midpoint g = 5 and the row is
 * flagged. The top country is the largest share (the first listed on a
 * tie); the row is above the cap when that share is strictly greater than
 * the cap: the scenario's diversification cap if it has one, else 0.60 (the
 * UK Vision 2035 target).
 *
 * The same indicators of UK sourcing (docs/MODEL.md §3u): one row per
 * mineral on mr_mineral.uk (the countries' shares of the UK's purchases,
 * after any cap), beside the world row of the mineral's product stage
 * (refining if present, else mining), with the basis of the shares (import
 * data, or the open market's shares as a fallback) and whether a cap
 * changed them.
 */
#ifndef MR_INDICATORS_H
#define MR_INDICATORS_H

#include "models/scenario.h"

#include <stdbool.h>
#include <stdio.h>

/* The cap when the scenario sets none: UK Vision 2035, at most 60% of any
   critical mineral from one country (MODEL §11). */
#define MR_INDICATORS_DEFAULT_CAP 0.60

/* The governance score assumed for a country without wgi_pv: the midpoint
   of the 0..10 scale. */
#define MR_INDICATORS_NO_WGI_SCORE 5.0

/* Governance score g = 10 - 2 (wgi_pv + 2.5), 0 (best, WGI 2.5) .. 10
   (worst, WGI -2.5). */
double mr_indicators_governance(double wgi_pv);

/* HHI = sum shares[i]^2, in index order. */
double mr_indicators_hhi(int n, const double *shares);

/* HHI_WGI = sum shares[i]^2 g[i], in index order. */
double mr_indicators_hhi_wgi(int n, const double *shares, const double *g);

/* Index of the largest share, the first on a tie; -1 when n == 0. */
int mr_indicators_top(int n, const double *shares);

/* share > cap (a share equal to the cap is not above it). */
bool mr_indicators_above_cap(double share, double cap);

/* The cap the flags use: sc->policy_cap when > 0, else
   MR_INDICATORS_DEFAULT_CAP. */
double mr_indicators_cap(const mr_scenario *sc);

/* One mineral-stage pair that the scenario has. */
typedef struct {
    int mineral;         /* index into the scenario's minerals */
    mr_stage_kind stage; /* MR_STAGE_MINING or MR_STAGE_REFINING */
    double hhi;          /* 0..1 */
    double hhi_wgi;      /* 0..10 */
    int top_country;     /* index into the scenario's countries; -1 when no supplier but
                            aggregates has a share (no top country) */
    double top_share;    /* 0..1 */
    bool above_cap;      /* top_share > cap */
    bool wgi_assumed;    /* some supplier has no wgi_pv: g = 5 assumed for it */
} mr_indicator_row;

/* One mineral's UK sourcing (mr_mineral.uk), beside the world. */
typedef struct {
    mr_indicator_row ind;    /* the indicators of mr_mineral.uk; ind.stage is the product stage;
                                ind.top_country is -1 when the mineral has no UK sourcing
                                (uk.n == 0: never in a loaded scenario) or buys from
                                aggregates only */
    int world_row;           /* index into mr_indicators.rows of the product stage's world row;
                                -1 when there is none */
    mr_uk_basis basis;       /* MR_UK_DATA: import data; else the open-market fallback */
    int top_country_before;  /* the top country and share of the UK's sourcing before the
                                policy's cap (mr_mineral.uk_before); the same as ind's when */
    double top_share_before; /* the cap did not change it */
    bool capped;             /* a diversification cap changed the UK's sourcing */
} mr_uk_indicator_row;

typedef struct {
    double cap;              /* the cap of the flags */
    bool cap_from_policy;    /* the scenario's diversification cap, not the default */
    int nrows;               /* mineral-stage pairs present */
    int nabove;              /* rows above the cap */
    mr_indicator_row *rows;  /* nrows, minerals in scenario order, mining first */
    int nuk;                 /* UK rows: the scenario's nminerals */
    int nuk_above;           /* UK rows above the cap */
    mr_uk_indicator_row *uk; /* nuk, one per mineral, in scenario order */
} mr_indicators;

/* The indicators of every stage of every mineral and of every mineral's UK
   sourcing. Returns 0, or -1 when out
   of memory (*ind then empty). */
int mr_indicators_compute(const mr_scenario *sc, mr_indicators *ind);

void mr_indicators_free(mr_indicators *ind);

/* "mining" or "refining". */
const char *mr_indicators_stage_name(mr_stage_kind stage);

/* true for UK sourcing from import data, false for the open-market
   fallback (MR_UK_OPEN_MARKET, MR_UK_OPEN_MARKET_FIXED). */
bool mr_indicators_uk_from_data(mr_uk_basis basis);

/* "data" or "fallback". */
const char *mr_indicators_uk_basis_name(mr_uk_basis basis);

/* Print the indicators as column-aligned tables, every line starting with
   `prefix` (validate uses "# " so that its output stays valid YAML): the
   world's per mineral and stage, then UK sourcing beside the world's
   product stage per mineral. 0, or -1 when out of memory for a table (a
   line "(out of memory: no ... table)" stands in for it). */
int mr_indicators_print(const mr_scenario *sc, const mr_indicators *ind, const char *prefix,
                        FILE *out);

#endif

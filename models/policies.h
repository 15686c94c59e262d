/* policies.h - policy levers as transforms of a scenario (MODEL §10).
 *
 * Pure functions over the scenario structs: the loader (sim/scenario/walk_policies.c)
 * applies them after reading and merging the file, before the model is
 * built, so the engine only ever sees the transformed shares and stockpiles.
 */
#ifndef MR_POLICIES_H
#define MR_POLICIES_H

#include "models/scenario.h"

#include <stdbool.h>
#include <stddef.h>

/* A share counts as above the cap only when it exceeds it by more than
   this, so applying a cap to an already capped stage (after a round trip
   through the resolved YAML) changes nothing. */
#define MR_POLICY_CAP_TOL 1e-12

/* MODEL §10, diversification cap, pro rata: every supplier of the stage
   whose share exceeds cap is cut to cap and the excess is shared among the
   suppliers under the cap in proportion to their shares; repeated
   (water-filling) until none exceeds it. Returns 0; 1 (stage unchanged)
   when the excess cannot be placed: every supplier with a share > 0 is at
   the cap (n * cap < 1, e.g. one supplier); -1 (stage unchanged) when out
   of memory, which a caller must not report as the scenario's fault.
   Suppliers with exempt[i] set
   (aggregates such as "rest of world"; exempt may be NULL) are never cut
   but do receive their share of the excess. */
int mr_policy_cap_pro_rata(mr_stage *st, double cap, const bool *exempt);

/* MODEL §10, diversification cap to a named new source: every supplier
   other than `country` is cut to cap, and the whole excess goes to
   `country` (added at the end of the stage with spare and outage, or added
   to its existing share there; the new source itself is not capped).
   Returns 0, or -1 when out of memory (stage unchanged). */
int mr_policy_cap_to_source(mr_stage *st, double cap, int country, double spare,
                            const mr_process *outage, const bool *exempt);

/* docs/MODEL.md §3u, the cap on UK sourcing to ring-fenced offtake: every
   source other than the n offtake countries is cut to cap (exempt ones
   never), and the excess E goes to offtake country k as weight[k] E
   (appended at the end of the list, or added to its share there). The
   weights sum to 1; the offtake countries are not capped. Returns 0, or -1
   when out of memory (list unchanged). */
int mr_policy_cap_to_offtake(mr_stage *st, double cap, int n, const int *country,
                             const double *weight, const bool *exempt);

/* docs/MODEL.md §3u, the scenario's cap on one list of UK sources
   (sc->policy_cap, on UK sourcing): to its offtake countries when given,
   else pro rata; aggregates are never cut. Returns 0; 1 when the excess
   cannot be placed pro rata (list unchanged); -1 out of memory. */
int mr_policy_cap_uk(const mr_scenario *sc, mr_stage *uk);

/* MODEL §10, domestic and recycled supply: each share becomes at least the
   policy's (max of the two). A negative policy value means not given. The
   caller checks recycled + domestic <= 1 afterwards. */
void mr_policy_share_floor(mr_mineral *m, double domestic, double recycled);

/* MODEL §10, strategic stockpile: target and initial level become `months`;
   trigger, max_release and refill_rate are set when >= 0, else kept from
   the mineral's own stockpile, else the format's defaults (0, 1, 0.25). */
void mr_policy_stockpile(mr_mineral *m, double months, double trigger, double max_release,
                         double refill_rate);

/* The keys of policies.cost, indexed by mr_lever: "diversification_cap",
   "domestic_share", "recycled_share", "stockpile", "rationing", "other". */
extern const char *const mr_lever_names[MR_NLEVERS];

/* Whether the scenario's policies use lever k (MODEL §10): the lever's key
   is given in `policies` (domestic_share and recycled_share in either
   form). MR_LEVER_OTHER: false (a cost not tied to a
   lever). */
bool mr_policy_lever_used(const mr_scenario *sc, mr_lever k);

/* The levers the policies use without a stated cost, "a, b" in lever order
   ("" when none), into buf of n bytes (cut when longer). */
void mr_policy_uncosted(const mr_scenario *sc, char *buf, size_t n);

/* MODEL §10, a policy's cost over the horizon, GBP, undiscounted: the sum
   over the steps t of the grid (steps_per_year a year, horizon_years
   years, from 1 January of start_year) of the cost a year at the middle of
   step t (mr_path_step_time) times the step's length, 1/steps_per_year
   years. Without a path: gbp_per_year x horizon_years. */
double mr_policy_cost_horizon(const mr_path *path, double gbp_per_year, int start_year,
                              int horizon_years, int steps_per_year);

/* MODEL §10, loss avoided per pound of policy cost, from the change B - A
   in the mean loss d = {estimate, lo, hi} (GBP, its 95% interval) and the
   two costs over the horizon (GBP): out = {-d.estimate, -d.hi, -d.lo} /
   (cost_b - cost_a), i.e. (mean_A - mean_B) / (cost_B - cost_A) with its
   interval (the costs are not random). Returns 0; 1 with out all NaN when
   cost_b - cost_a <= 0 (no extra cost to divide by). */
int mr_policy_per_pound(const double d[3], double cost_a, double cost_b, double out[3]);

#endif

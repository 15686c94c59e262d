/* walk_settings.c - the scenario-wide sections: simulation (MODEL §1),
 * defaults, rationing (MODEL §6) and output.
 */
#include "sim/scenario/internal.h"

#include <limits.h>

/* simulation (MODEL §1): the time grid, trials and seed. */
int sc_walk_simulation(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    Map m;
    uint64_t u;
    if (sc_map_open(p, v, kp, "simulation", &m))
        return -1;
    if (sc_get_int(p, &m, "horizon_years", true, 1, 1000, &u))
        return -1;
    sc->horizon_years = (int)u;
    /* 366: a daily grid is the finest that makes sense for monthly data */
    if (sc_get_int(p, &m, "steps_per_year", false, 1, 366, &u))
        return -1;
    sc->steps_per_year = (int)u;
    const yaml_node_t *x;
    char ykp[KP_MAX];
    if (sc_mget(p, &m, "start_year", false, &x, ykp) ||
        (x && sc_int_node(p, x, ykp, SC_YEAR_MIN, SC_YEAR_MAX, &u)))
        return -1;
    sc->start_year = x ? (int)u : 0; /* none: no time path may be given */
    if (sc_get_int(p, &m, "trials", false, 1, MR_MAX_TRIALS, &sc->trials))
        return -1;
    /* precision-targeted stopping (sim/precision.h): the statistics are
       checked against the sectors once they are read (loader.c) */
    if (sc_mget(p, &m, "target_precision", false, &x, ykp) ||
        (x && sc_str_node(p, x, ykp, &sc->target_precision)))
        return -1;
    if (sc_mget(p, &m, "max_trials", false, &x, ykp) ||
        (x && sc_int_node(p, x, ykp, 1, MR_MAX_TRIALS, &sc->max_trials)))
        return -1;
    return sc_get_int(p, &m, "seed", false, 0, UINT64_MAX, &sc->seed);
}

/* defaults (MODEL §3.1 wgi_rate; sector buffer refill, MODEL §6). */
int sc_walk_defaults(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    Map m, w;
    const yaml_node_t *wv, *x;
    char wkp[KP_MAX], ckp[KP_MAX];
    if (sc_map_open(p, v, kp, "defaults", &m))
        return -1;
    if (sc_mget(p, &m, "wgi_rate", false, &wv, wkp))
        return -1;
    if (wv) {
        if (sc_map_open(p, wv, wkp, "defaults.wgi_rate", &w))
            return -1;
        sc->has_wgi_rate = true;
        if (sc_get_rate(p, &w, "rate_at_zero_per_year", true, &sc->wgi_rate_at_zero) ||
            sc_get_num(p, &w, "factor_per_unit", true, &R_FACTOR, &sc->wgi_factor_per_unit))
            return -1;
        if (sc_mget(p, &w, "severity", true, &x, ckp) ||
            sc_severity_node(p, x, ckp, &sc->wgi_severity))
            return -1;
        if (sc_mget(p, &w, "duration_months", true, &x, ckp) ||
            sc_duration_node(p, x, ckp, &sc->wgi_duration))
            return -1;
    }
    return sc_get_num(p, &m, "buffer_refill_rate", false, &R_REFILL, &sc->buffer_refill_rate);
}

/* rationing (MODEL §6): a rule word, or {rule, other_uses_priority};
   schema is "rationing" or "policies.rationing". */
int sc_walk_rationing(P *p, const yaml_node_t *v, const char *kp, const char *schema)
{
    mr_scenario *sc = p->sc;
    int rule;
    uint64_t u;
    if (v->type != YAML_MAPPING_NODE) {
        if (sc_enum_node(p, v, kp, sc_rules, &rule))
            return -1;
        sc->rationing = (mr_rationing_rule)rule;
        return 0;
    }
    Map m;
    if (sc_map_open(p, v, kp, schema, &m))
        return -1;
    if (sc_get_enum(p, &m, "rule", true, sc_rules, &rule))
        return -1;
    sc->rationing = (mr_rationing_rule)rule;
    if (sc_get_int(p, &m, "other_uses_priority", false, 0, INT_MAX, &u))
        return -1;
    sc->other_uses_priority = (int)u;
    return 0;
}

/* output: what the output file keeps. */
int sc_walk_output(P *p, const yaml_node_t *v, const char *kp)
{
    Map om;
    int which;
    if (sc_map_open(p, v, kp, "output", &om) ||
        sc_get_enum(p, &om, "trials", false, sc_output_trials, &which))
        return -1;
    p->sc->output_trials = (mr_output_trials)which;
    return 0;
}

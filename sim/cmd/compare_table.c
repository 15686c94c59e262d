/* compare_table.c - the table `minrisk compare` prints on stdout: each
 * scenario's statistics and each change against A with its 95% interval,
 * then the policy costs (split from compare.c, which runs the scenarios
 * and writes the file). */
#include "sim/cmd/compare_table.h"
#include "models/units.h"
#include "out/tables/cellnum.h" /* mr_vrf_text: the VRF as summary prints it */
#include "out/tables/policy_cost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ------------------------------------------------------------ */

static const char *const stat_labels[MR_PAIRED_NSTAT] = {"mean", "VaR 95%", "VaR 99%", "ES 99%",
                                                         "1-in-100"};

/* A loss in GBP m with `dec` decimals, or "n/a" for NaN. */
static void fmt_m(char *buf, size_t n, double gbp, int dec)
{
    double m = gbp / MR_GBP_PER_MILLION;
    if (isnan(m))
        snprintf(buf, n, "n/a");
    else if (fabs(m) < 0.5 * pow(10.0, -dec))
        snprintf(buf, n, "%.*f", dec, 0.0); /* no "-0" */
    else
        snprintf(buf, n, "%.*f", dec, m);
}

void mr_compare_print_table(FILE *f, const request *q, const mr_scenario *a, const mr_scenario *b,
                            uint64_t trials, uint64_t seed, int nboot, const char *const *names,
                            const mr_paired *p, int P)
{
    fprintf(f, "Scenario A  %s (%s)\n", a->name, q->scen[0]);
    fprintf(f, "Scenario B  %s (%s)\n", b->name, q->scen[1]);
    fprintf(f, "Trials      %llu each, seed %llu: common random numbers\n",
            (unsigned long long)trials, (unsigned long long)seed);
    fprintf(f, "Horizon     %d years\n\n", a->horizon_years);
    fprintf(f,
            "Losses in GBP m over the %d-year horizon (mean; VaR = empirical quantile; ES =\n"
            "expected shortfall) and 1-in-100 = annual loss at a return period of 100 years.\n"
            "B - A < 0: B loses less. 95%% interval of B - A from the paired per-trial\n"
            "differences: the mean's from their standard error, the others by bootstrap\n"
            "(%d resamples of the trials); n/a where fewer than 10 trials lie beyond the\n"
            "statistic's level (VaR and ES 99%% need 1,000 trials).\n\n",
            a->horizon_years, nboot);
    /* decimals: whole GBP m for large losses, more for small ones */
    double big = 0.0;
    for (int s = 0; s < P; s++)
        for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
            if (fabs(p[s].a[k]) > big)
                big = fabs(p[s].a[k]);
            if (fabs(p[s].b[k]) > big)
                big = fabs(p[s].b[k]);
        }
    big /= MR_GBP_PER_MILLION;
    int dec = big >= 1000.0 ? 0 : big >= 10.0 ? 1 : big >= 0.1 ? 2 : 4;
    int wname = 6;
    for (int s = 0; s < P; s++)
        if ((int)strlen(names[s]) > wname)
            wname = (int)strlen(names[s]);
    char va[64], vb[64], vd[64], lo[64], hi[64], iv[160];
    int wnum = 8, wiv = 12;
    for (int s = 0; s < P; s++)
        for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
            fmt_m(va, sizeof va, p[s].a[k], dec);
            fmt_m(vb, sizeof vb, p[s].b[k], dec);
            fmt_m(vd, sizeof vd, p[s].diff[k].est, dec);
            fmt_m(lo, sizeof lo, p[s].diff[k].lo, dec);
            fmt_m(hi, sizeof hi, p[s].diff[k].hi, dec);
            snprintf(iv, sizeof iv, "[%s, %s]", lo, hi);
            int l = (int)strlen(va) > (int)strlen(vb) ? (int)strlen(va) : (int)strlen(vb);
            if ((int)strlen(vd) > l)
                l = (int)strlen(vd);
            if (l > wnum)
                wnum = l;
            if ((int)strlen(iv) > wiv)
                wiv = (int)strlen(iv);
        }
    fprintf(f, "%-*s  %-9s  %*s  %*s  %*s  %s\n", wname, "series", "statistic", wnum, "A", wnum,
            "B", wnum, "B - A", "95% interval");
    for (int s = 0; s < P; s++)
        for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
            fmt_m(va, sizeof va, p[s].a[k], dec);
            fmt_m(vb, sizeof vb, p[s].b[k], dec);
            fmt_m(vd, sizeof vd, p[s].diff[k].est, dec);
            fmt_m(lo, sizeof lo, p[s].diff[k].lo, dec);
            fmt_m(hi, sizeof hi, p[s].diff[k].hi, dec);
            if (isnan(p[s].diff[k].lo) && isnan(p[s].diff[k].hi))
                snprintf(iv, sizeof iv, "n/a");
            else
                snprintf(iv, sizeof iv, "[%s, %s]", lo, hi);
            fprintf(f, "%-*s  %-9s  %*s  %*s  %*s  %s\n", wname, k == 0 ? names[s] : "",
                    stat_labels[k], wnum, va, wnum, vb, wnum, vd, iv);
        }
    fprintf(f, "\nVariance reduction by common random numbers: VRF = (var A + var B) / var(B - A)\n"
               "of the per-trial losses, how many times more trials independent seeds would\n"
               "need for the same precision of the change in the mean.\n\n");
    /* the column as wide as its widest cell, at least 10 (a VRF from 1e8
       up, "123456789.0", moved its row right until 2026-12-07) */
    int wv = 10;
    for (int s = 0; s < P; s++) {
        char cell[32];
        int len = mr_vrf_text(cell, sizeof cell, p[s].vrf);
        wv = len > wv ? len : wv;
    }
    fprintf(f, "%-*s  %*s\n", wname, "series", wv, "VRF");
    for (int s = 0; s < P; s++) {
        char cell[32];
        mr_vrf_text(cell, sizeof cell, p[s].vrf);
        fprintf(f, "%-*s  %*s%s\n", wname, names[s], wv, cell,
                isinf(p[s].vrf) ? "  (B - A is the same in every trial)" : "");
    }
}

/* The table of three or more scenarios: every run's statistic, then each
   run's change against A with its interval. p[(w - 1) P + s]: series s of
   run w against A. */
void mr_compare_print_table_many(FILE *f, const request *q, const mr_scenario *sc, uint64_t trials,
                                 uint64_t seed, int nboot, const char *const *names,
                                 const mr_paired *p, int P)
{
    const int R = q->n;
    for (int w = 0; w < R; w++)
        fprintf(f, "Scenario %c  %s (%s)\n", RUN_LETTER(w), sc[w].name, q->scen[w]);
    fprintf(f, "Trials      %llu each, seed %llu: common random numbers\n",
            (unsigned long long)trials, (unsigned long long)seed);
    fprintf(f, "Horizon     %d years\n\n", sc[0].horizon_years);
    fprintf(f,
            "Losses in GBP m over the %d-year horizon (mean; VaR = empirical quantile; ES =\n"
            "expected shortfall) and 1-in-100 = annual loss at a return period of 100 years.\n"
            "X - A < 0: X loses less than A. 95%% interval of each change from the paired\n"
            "per-trial differences: the mean's from their standard error, the others by\n"
            "bootstrap (%d resamples of the trials, the same for every pair); n/a where\n"
            "fewer than 10 trials lie beyond the statistic's level (VaR and ES 99%% need\n"
            "1,000 trials).\n\n",
            sc[0].horizon_years, nboot);
    /* the statistic of run w: A's from the first pair, the others from their own */
#define VAL(w, s, k)                                                                               \
    ((w) == 0 ? p[(s)].a[(k)] : p[(size_t)((w)-1) * (size_t)P + (size_t)(s)].b[(k)])
#define DIF(w, s, k) (p[(size_t)((w)-1) * (size_t)P + (size_t)(s)].diff[(k)])
    double big = 0.0;
    for (int w = 0; w < R; w++)
        for (int s = 0; s < P; s++)
            for (int k = 0; k < MR_PAIRED_NSTAT; k++)
                if (fabs(VAL(w, s, k)) > big)
                    big = fabs(VAL(w, s, k));
    big /= MR_GBP_PER_MILLION;
    int dec = big >= 1000.0 ? 0 : big >= 10.0 ? 1 : big >= 0.1 ? 2 : 4;
    int wname = 6, wnum = 6, wiv = 12, vw[MAX_SCENARIOS] = {0};
    char v[64], lo[64], hi[64], iv[160];
    for (int s = 0; s < P; s++) {
        if ((int)strlen(names[s]) > wname)
            wname = (int)strlen(names[s]);
        for (int k = 0; k < MR_PAIRED_NSTAT; k++)
            for (int w = 0; w < R; w++) {
                fmt_m(v, sizeof v, VAL(w, s, k), dec);
                if ((int)strlen(v) > wnum)
                    wnum = (int)strlen(v);
                if (w == 0)
                    continue;
                fmt_m(v, sizeof v, DIF(w, s, k).est, dec);
                fmt_m(lo, sizeof lo, DIF(w, s, k).lo, dec);
                fmt_m(hi, sizeof hi, DIF(w, s, k).hi, dec);
                snprintf(iv, sizeof iv, "[%s, %s]", lo, hi);
                if ((int)strlen(v) > wnum)
                    wnum = (int)strlen(v);
                if ((int)strlen(iv) > wiv)
                    wiv = (int)strlen(iv);
            }
    }
    fprintf(f, "%-*s  %-9s", wname, "series", "statistic");
    for (int w = 0; w < R; w++)
        fprintf(f, "  %*c", wnum, RUN_LETTER(w));
    for (int w = 1; w < R; w++) {
        snprintf(v, sizeof v, "%c - A", RUN_LETTER(w));
        fprintf(f, "  %*s  %-*s", wnum, v, w + 1 < R ? wiv : 0, "95% interval");
    }
    fputc('\n', f);
    for (int s = 0; s < P; s++)
        for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
            fprintf(f, "%-*s  %-9s", wname, k == 0 ? names[s] : "", stat_labels[k]);
            for (int w = 0; w < R; w++) {
                fmt_m(v, sizeof v, VAL(w, s, k), dec);
                fprintf(f, "  %*s", wnum, v);
            }
            for (int w = 1; w < R; w++) {
                const mr_ci *c = &DIF(w, s, k);
                fmt_m(v, sizeof v, c->est, dec);
                fmt_m(lo, sizeof lo, c->lo, dec);
                fmt_m(hi, sizeof hi, c->hi, dec);
                if (isnan(c->lo) && isnan(c->hi))
                    snprintf(iv, sizeof iv, "n/a");
                else
                    snprintf(iv, sizeof iv, "[%s, %s]", lo, hi);
                fprintf(f, "  %*s  %-*s", wnum, v, w + 1 < R ? wiv : 0, iv);
            }
            fputc('\n', f);
        }
    fprintf(f, "\nVariance reduction by common random numbers: VRF = (var A + var X) / var(X - A)\n"
               "of the per-trial losses, how many times more trials independent seeds would\n"
               "need for the same precision of the change in the mean (inf: X - A is the same\n"
               "in every trial).\n\n");
    /* each column as wide as its widest cell, at least 10 (as above) */
    fprintf(f, "%-*s", wname, "series");
    for (int w = 1; w < R; w++) {
        int wv = 10;
        for (int s = 0; s < P; s++) {
            char b[32];
            int len = mr_vrf_text(b, sizeof b, p[(size_t)(w - 1) * (size_t)P + (size_t)s].vrf);
            wv = len > wv ? len : wv;
        }
        vw[w] = wv;
        snprintf(v, sizeof v, "VRF %c", RUN_LETTER(w));
        fprintf(f, "  %*s", wv, v);
    }
    fputc('\n', f);
    for (int s = 0; s < P; s++) {
        fprintf(f, "%-*s", wname, names[s]);
        for (int w = 1; w < R; w++) {
            char b[32];
            mr_vrf_text(b, sizeof b, p[(size_t)(w - 1) * (size_t)P + (size_t)s].vrf);
            fprintf(f, "  %*s", vw[w], b);
        }
        fputc('\n', f);
    }
#undef VAL
#undef DIF
}

void mr_compare_print_costs(FILE *f, const request *q, const mr_scenario *sc, const mr_paired *p,
                            int P)
{
    compare_costs c;
    mr_compare_costs(q, sc, p, P, &c);
    if (!c.any)
        return;
    if (q->n == 2)
        mr_policy_cost_print_pair(f, sc[0].horizon_years, c.cost, c.stated, c.unc, c.per_pound[1]);
    else
        mr_policy_cost_print_many(f, sc[0].horizon_years, q->n, c.cost, c.stated, c.unc,
                                  c.per_pound[1]);
}

/* compare_print.c - the table of a comparison (compare_print.h), as
 * `minrisk compare` prints it and `minrisk summary` of its file. */
#include "out/tables/compare_print.h"

#include "models/units.h"       /* MR_GBP_PER_MILLION */
#include "out/tables/cellnum.h" /* mr_vrf_text, mr_tab_change_decimals */

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NS MR_COMPARE_NSTAT

static const char *const stat_labels[NS] = {"mean", "VaR 95%", "VaR 99%", "ES 99%", "1-in-100"};

/* Run w's statistic k of series s; the change of run w >= 1 against A. */
#define VAL(w, s, k) (v->val[((size_t)(w) * (size_t)v->P + (size_t)(s)) * NS + (size_t)(k)])
#define AT(w, s, k) ((((size_t)(w)-1) * (size_t)v->P + (size_t)(s)) * NS + (size_t)(k))
#define VRF(w, s) (v->vrf[((size_t)(w)-1) * (size_t)v->P + (size_t)(s)])
#define LETTER(w) ((char)('A' + (w)))

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

/* The change's 95% interval, "[lo, hi]", or "n/a" when not estimated. */
static void fmt_interval(char *buf, size_t n, double lo, double hi, int dec)
{
    char a[64], b[64];
    fmt_m(a, sizeof a, lo, dec);
    fmt_m(b, sizeof b, hi, dec);
    if (isnan(lo) && isnan(hi))
        snprintf(buf, n, "n/a");
    else
        snprintf(buf, n, "[%s, %s]", a, b);
}

/* Decimals: whole GBP m for large losses, more for small ones (from the
   largest statistic of any run). */
static int decimals(const mr_compare_view *v)
{
    double big = 0.0;
    for (int w = 0; w < v->R; w++)
        for (int s = 0; s < v->P; s++)
            for (int k = 0; k < NS; k++)
                if (fabs(VAL(w, s, k)) > big)
                    big = fabs(VAL(w, s, k));
    big /= MR_GBP_PER_MILLION;
    return big >= 1000.0 ? 0 : big >= 10.0 ? 1 : big >= 0.1 ? 2 : 4;
}

/* The decimals of a change and its interval: the table's, or more (at
   most 4) so that the largest of |change|, |lo|, |hi| shows 2 significant
   digits (until 2026-12-07 a change of -0.24 GBP m, interval [-0.30,
   -0.18], printed at the table's whole GBP m as 0 [0, 0]: no change). */
static int change_decimals(const mr_compare_view *v, size_t at, int dec)
{
    const double x[3] = {v->est[at], v->lo[at], v->hi[at]};
    return mr_tab_change_decimals(x, MR_GBP_PER_MILLION, dec, 4);
}

/* Series s as the table names it: the total, always last, as "Total", as a
   run's summary prints it (the file and compare's statistics say "total"). */
static const char *series_name(const mr_compare_view *v, int s)
{
    return s == v->P - 1 ? "Total" : v->series[s];
}

static int name_width(const mr_compare_view *v)
{
    int wname = 6;
    for (int s = 0; s < v->P; s++)
        if ((int)strlen(series_name(v, s)) > wname)
            wname = (int)strlen(series_name(v, s));
    return wname;
}

static void print_header(FILE *f, const mr_compare_view *v)
{
    for (int w = 0; w < v->R; w++)
        fprintf(f, "Scenario %c  %s (%s)\n", LETTER(w), v->name[w], v->file[w]);
    fprintf(f, "Trials      %llu each, seed %llu: common random numbers\n",
            (unsigned long long)v->trials, (unsigned long long)v->seed);
    fprintf(f, "Horizon     %d years\n\n", v->horizon_years);
}

/* "1000 resamples of the trials", or for --bootstrap 0 that there was none
   (it read "0 resamples of the trials" until 2026-12-07). */
static const char *resamples(const mr_compare_view *v, char *buf, size_t n)
{
    if (v->nboot > 0)
        snprintf(buf, n, "%d resamples of the trials", v->nboot);
    else
        snprintf(buf, n, "none: --bootstrap 0");
    return buf;
}

static void print_pair(FILE *f, const mr_compare_view *v)
{
    char nb[64];
    fprintf(f,
            "Losses in GBP m over the %d-year horizon (mean; VaR = empirical quantile; ES =\n"
            "expected shortfall) and 1-in-100 = annual loss at a return period of 100 years.\n"
            "B - A < 0: B loses less. 95%% interval of B - A from the paired per-trial\n"
            "differences: the mean's from their standard error, the others by bootstrap\n"
            "(%s); n/a where fewer than 10 trials lie beyond the\n"
            "statistic's level (VaR and ES 99%% need 1,000 trials).\n\n",
            v->horizon_years, resamples(v, nb, sizeof nb));
    const int dec = decimals(v), wname = name_width(v);
    char va[64], vb[64], vd[64], iv[160];
    int wnum = 8;
    for (int s = 0; s < v->P; s++)
        for (int k = 0; k < NS; k++) {
            fmt_m(va, sizeof va, VAL(0, s, k), dec);
            fmt_m(vb, sizeof vb, VAL(1, s, k), dec);
            fmt_m(vd, sizeof vd, v->est[AT(1, s, k)], change_decimals(v, AT(1, s, k), dec));
            int l = (int)strlen(va) > (int)strlen(vb) ? (int)strlen(va) : (int)strlen(vb);
            if ((int)strlen(vd) > l)
                l = (int)strlen(vd);
            if (l > wnum)
                wnum = l;
        }
    fprintf(f, "%-*s  %-9s  %*s  %*s  %*s  %s\n", wname, "series", "statistic", wnum, "A", wnum,
            "B", wnum, "B - A", "95% interval");
    for (int s = 0; s < v->P; s++)
        for (int k = 0; k < NS; k++) {
            const int dc = change_decimals(v, AT(1, s, k), dec);
            fmt_m(va, sizeof va, VAL(0, s, k), dec);
            fmt_m(vb, sizeof vb, VAL(1, s, k), dec);
            fmt_m(vd, sizeof vd, v->est[AT(1, s, k)], dc);
            fmt_interval(iv, sizeof iv, v->lo[AT(1, s, k)], v->hi[AT(1, s, k)], dc);
            fprintf(f, "%-*s  %-9s  %*s  %*s  %*s  %s\n", wname, k == 0 ? series_name(v, s) : "",
                    stat_labels[k], wnum, va, wnum, vb, wnum, vd, iv);
        }
    fprintf(f, "\nVariance reduction by common random numbers: VRF = (var A + var B) / var(B - A)\n"
               "of the per-trial losses, how many times more trials independent seeds would\n"
               "need for the same precision of the change in the mean.\n\n");
    /* the column as wide as its widest cell, at least 10 (a VRF from 1e8
       up, "123456789.0", moved its row right until 2026-12-07) */
    int wv = 10;
    for (int s = 0; s < v->P; s++) {
        char cell[32];
        int len = mr_vrf_text(cell, sizeof cell, VRF(1, s));
        wv = len > wv ? len : wv;
    }
    fprintf(f, "%-*s  %*s\n", wname, "series", wv, "VRF");
    for (int s = 0; s < v->P; s++) {
        char cell[32];
        mr_vrf_text(cell, sizeof cell, VRF(1, s));
        fprintf(f, "%-*s  %*s%s\n", wname, series_name(v, s), wv, cell,
                isinf(VRF(1, s)) ? "  (B - A is the same in every trial)" : "");
    }
}

static void print_many(FILE *f, const mr_compare_view *v)
{
    const int R = v->R, P = v->P;
    char nb[64];
    fprintf(f,
            "Losses in GBP m over the %d-year horizon (mean; VaR = empirical quantile; ES =\n"
            "expected shortfall) and 1-in-100 = annual loss at a return period of 100 years.\n"
            "X - A < 0: X loses less than A. 95%% interval of each change from the paired\n"
            "per-trial differences: the mean's from their standard error, the others by\n"
            "bootstrap (%s, the same for every pair); n/a where\n"
            "fewer than 10 trials lie beyond the statistic's level (VaR and ES 99%% need\n"
            "1,000 trials).\n\n",
            v->horizon_years, resamples(v, nb, sizeof nb));
    const int dec = decimals(v), wname = name_width(v);
    int wnum = 6, wiv = 12, vw[MR_COMPARE_MAX_RUNS] = {0};
    char c[64], iv[160];
    for (int s = 0; s < P; s++)
        for (int k = 0; k < NS; k++)
            for (int w = 0; w < R; w++) {
                fmt_m(c, sizeof c, VAL(w, s, k), dec);
                if ((int)strlen(c) > wnum)
                    wnum = (int)strlen(c);
                if (w == 0)
                    continue;
                const int dc = change_decimals(v, AT(w, s, k), dec);
                fmt_m(c, sizeof c, v->est[AT(w, s, k)], dc);
                if ((int)strlen(c) > wnum)
                    wnum = (int)strlen(c);
                fmt_interval(iv, sizeof iv, v->lo[AT(w, s, k)], v->hi[AT(w, s, k)], dc);
                if ((int)strlen(iv) > wiv)
                    wiv = (int)strlen(iv);
            }
    fprintf(f, "%-*s  %-9s", wname, "series", "statistic");
    for (int w = 0; w < R; w++)
        fprintf(f, "  %*c", wnum, LETTER(w));
    for (int w = 1; w < R; w++) {
        snprintf(c, sizeof c, "%c - A", LETTER(w));
        fprintf(f, "  %*s  %-*s", wnum, c, w + 1 < R ? wiv : 0, "95% interval");
    }
    fputc('\n', f);
    for (int s = 0; s < P; s++)
        for (int k = 0; k < NS; k++) {
            fprintf(f, "%-*s  %-9s", wname, k == 0 ? series_name(v, s) : "", stat_labels[k]);
            for (int w = 0; w < R; w++) {
                fmt_m(c, sizeof c, VAL(w, s, k), dec);
                fprintf(f, "  %*s", wnum, c);
            }
            for (int w = 1; w < R; w++) {
                const int dc = change_decimals(v, AT(w, s, k), dec);
                fmt_m(c, sizeof c, v->est[AT(w, s, k)], dc);
                fmt_interval(iv, sizeof iv, v->lo[AT(w, s, k)], v->hi[AT(w, s, k)], dc);
                fprintf(f, "  %*s  %-*s", wnum, c, w + 1 < R ? wiv : 0, iv);
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
            int len = mr_vrf_text(b, sizeof b, VRF(w, s));
            wv = len > wv ? len : wv;
        }
        vw[w] = wv;
        snprintf(c, sizeof c, "VRF %c", LETTER(w));
        fprintf(f, "  %*s", wv, c);
    }
    fputc('\n', f);
    for (int s = 0; s < P; s++) {
        fprintf(f, "%-*s", wname, series_name(v, s));
        for (int w = 1; w < R; w++) {
            char b[32];
            mr_vrf_text(b, sizeof b, VRF(w, s));
            fprintf(f, "  %*s", vw[w], b);
        }
        fputc('\n', f);
    }
}

void mr_compare_view_print(FILE *f, const mr_compare_view *v)
{
    print_header(f, v);
    if (v->R == 2)
        print_pair(f, v);
    else
        print_many(f, v);
}

/* layout.c - what goes in which group of the result file (docs/OUTPUT.md):
 * a run's root attributes and coordinates, /scenario, /trials, /summary,
 * /policies and /run_info (/indicators: layout_indicators.c); the extras
 * of a study; a multi-run file's own root. Written with the toolkit of
 * h5w.c.
 *
 * Coordinates are netCDF-4-style dimension scales placed in every group that
 * uses them: scales at the root name a subgroup's dimensions for h5netcdf but
 * do not label them (xarray shows "Dimensions without coordinates"), checked
 * by tests/output/output_xarray.py.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/h5/h5w.h"

#include "models/libm_path.h"
#include "models/policies.h"
#include "models/units.h" /* MR_MONTHS_PER_YEAR */
#include "out/format.h"

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif
#include <gsl/gsl_version.h>
#include <hdf5.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- root, scenario ------------------------------------------------------ */

/* The basis of the headline loss (docs/MODEL.md §8): "value added" when
   every sector has gva_gbp, "output" when none has, else "mixed". */
static const char *loss_basis(const mr_scenario *sc)
{
    int with = 0;
    for (int j = 0; j < sc->nsectors; j++)
        with += sc->sectors[j].gva_gbp > 0.0;
    return with == sc->nsectors ? "value added" : with == 0 ? "output" : "mixed";
}

static int write_root(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    hid_t r = w->base;
    int version[2] = {MR_FORMAT_MAJOR, MR_FORMAT_MINOR};
    if (h5w_attr_str(w, r, "format", MR_FORMAT_NAME) < 0 ||
        h5w_attr_write(w, r, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, version) < 0 ||
        h5w_attr_str(w, r, "software_version", MINRISK_VERSION) < 0 ||
        h5w_attr_str(w, r, "scenario_name", sc->name) < 0 ||
        h5w_attr_str(w, r, "scenario_description", sc->description) < 0 ||
        h5w_attr_u64(w, r, "seed", sc->seed) < 0 ||
        h5w_attr_u64(w, r, "trials", res->ntrials_total) < 0 ||
        h5w_attr_i32(w, r, "horizon_years", sc->horizon_years) < 0 ||
        h5w_attr_i32(w, r, "steps_per_year", sc->steps_per_year) < 0 ||
        h5w_attr_str(w, r, "rng", "philox4x32-10") < 0 ||
        h5w_attr_str(w, r, "loss_basis", loss_basis(sc)) < 0)
        return -1;
    if (h5w_put_entity_coords(w, r, sc, H5W_CO_MINERAL | H5W_CO_SECTOR | H5W_CO_COUNTRY) < 0)
        return -1;
    if (h5w_put_strings(w, r, "mineral_name", sc->minerals, sizeof *sc->minerals,
                        offsetof(mr_mineral, name), (size_t)sc->nminerals, "mineral",
                        "mineral name", false) < 0 ||
        h5w_put_strings(w, r, "mineral_unit", sc->minerals, sizeof *sc->minerals,
                        offsetof(mr_mineral, unit), (size_t)sc->nminerals, "mineral",
                        "unit of the mineral's quantities (demand_t)", false) < 0 ||
        h5w_put_strings(w, r, "sector_name", sc->sectors, sizeof *sc->sectors,
                        offsetof(mr_sector, name), (size_t)sc->nsectors, "sector", "sector name",
                        false) < 0 ||
        h5w_put_strings(w, r, "country_name", sc->countries, sizeof *sc->countries,
                        offsetof(mr_country, name), (size_t)sc->ncountries, "country",
                        "country name", false) < 0)
        return -1;
    return 0;
}

static int write_scenario(h5w *w, const mr_scenario *sc)
{
    hid_t g = h5w_make_group(w, w->base, "scenario");
    if (g < 0)
        return -1;
    int rc =
        h5w_put_text(w, g, "source", sc->source_text, "the scenario file's text, as read (YAML)");
    if (rc == 0)
        rc = h5w_put_text(w, g, "resolved", w->resolved,
                          "the resolved scenario: every default filled in and policies applied "
                          "(YAML), as printed by `minrisk validate`");
    h5w_close_id(g);
    return rc;
}

/* ---- /run_info ------------------------------------------------------------ */

int h5w_write_run_info(h5w *w, const mr_scenario *sc, const h5w_facts *rf)
{
    hid_t g = h5w_make_group(w, w->base, "run_info");
    if (g < 0)
        return -1;
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    char h5ver[64];
    snprintf(h5ver, sizeof h5ver, "%u.%u.%u", maj, min, rel);
    char date[64] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char mpiver[256] = "";
#ifdef MINRISK_HAVE_MPI
    if (w->world->mpi) {
        char lib[MPI_MAX_LIBRARY_VERSION_STRING];
        int len = 0;
        if (MPI_Get_library_version(lib, &len) == MPI_SUCCESS) {
            lib[len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1] =
                '\0';
            snprintf(mpiver, sizeof mpiver, "%.*s", (int)strcspn(lib, "\n,"), lib);
        }
    }
#endif

    int rc = -1;
    if (h5w_attr_str(w, g, "description",
                     "facts that may differ between identical runs; excluded from the determinism "
                     "check (h5diff --exclude-path /run_info)") < 0)
        goto out;
    if (h5w_attr_i32(w, g, "ranks", rf->ranks) < 0)
        goto out;
    if (rf->have_info && (h5w_attr_i32(w, g, "threads", rf->threads) < 0 ||
                          h5w_attr_f64(w, g, "wall_seconds", rf->wall_max) < 0 ||
                          h5w_attr_f64(w, g, "wall_seconds_max", rf->wall_max) < 0 ||
                          h5w_attr_f64(w, g, "wall_seconds_min", rf->wall_min) < 0 ||
                          h5w_attr_f64(w, g, "trials_per_second", rf->trials_per_second) < 0 ||
                          h5w_attr_f64(w, g, "analysis_seconds", rf->analysis_seconds) < 0 ||
                          h5w_attr_u64(w, g, "random_words", rf->random_words) < 0))
        goto out;
    if (rf->verification && h5w_attr_u64(w, g, "verification", rf->verification) < 0)
        goto out;
    if (h5w_attr_f64(w, g, "stats_seconds", rf->stats_seconds) < 0 ||
        h5w_attr_f64(w, g, "write_seconds", rf->write_seconds) < 0)
        goto out;
    if (h5w_attr_str(w, g, "host", host) < 0 || h5w_attr_str(w, g, "date", date) < 0 ||
        h5w_attr_str(w, g, "software_version", MINRISK_VERSION) < 0 ||
        h5w_attr_str(w, g, "hdf5_version", h5ver) < 0 ||
        h5w_attr_str(w, g, "gsl_version", gsl_version) < 0 ||
        (mpiver[0] && h5w_attr_str(w, g, "mpi_version", mpiver) < 0) ||
        h5w_attr_str(w, g, "scenario_path", sc->source_path) < 0)
        goto out;
    /* which code path exp, log, pow ... took (models/libm_path.h): every
       rank's, checked equal before the run */
    char libm[17];
    snprintf(libm, sizeof libm, "%016llx", (unsigned long long)mr_libm_fingerprint());
    if (h5w_attr_str(w, g, "libm_fingerprint", libm) < 0 ||
        h5w_attr_str(w, g, "libm_cpu", mr_libm_cpu_words()) < 0)
        goto out;
    rc = 0;
out:
    h5w_close_id(g);
    return rc;
}

/* ---- /trials ------------------------------------------------------------ */

/* The dimensions of a per-trial variable in /trials: [trial], [trial, sector],
   [trial, mineral], [trial, year] or [trial, year, sector]. */
static void trial_var_dims(const mr_trial_var *v, const mr_results *res, h5w_dsdef *d)
{
    const hsize_t S = (hsize_t)res->nsectors, M = (hsize_t)res->nminerals, H = (hsize_t)res->years;
    switch (v->cols) {
    case MR_COLS_ONE:
        break;
    case MR_COLS_SECTOR:
        d->rank = 2;
        d->dims[1] = S;
        d->dimnames[1] = "sector";
        break;
    case MR_COLS_MINERAL:
        d->rank = 2;
        d->dims[1] = M;
        d->dimnames[1] = "mineral";
        break;
    case MR_COLS_YEAR:
        d->rank = 2;
        d->dims[1] = H;
        d->dimnames[1] = "year";
        break;
    case MR_COLS_YEAR_SECTOR:
        d->rank = 3;
        d->dims[1] = H;
        d->dimnames[1] = "year";
        d->dims[2] = S;
        d->dimnames[2] = "sector";
        break;
    }
}

static int write_trials(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    const hsize_t n = res->ntrials, N = res->ntrials_total, H = (hsize_t)res->years;
    hid_t g = h5w_make_group(w, w->base, "trials");
    if (g < 0)
        return -1;
    int rc = -1;
    uint64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        h5w_fail(w, "out of memory");
    else
        for (uint64_t i = 0; i < n; i++)
            ids[i] = res->first_trial + i;
    h5w_dsdef trial = {"trial",
                       H5T_STD_U64LE,
                       H5T_NATIVE_UINT64,
                       1,
                       {N},
                       {"trial"},
                       "1",
                       "trial index i, 0 .. N-1; trial i's random numbers depend only on "
                       "(seed, i) (MODEL §12)"};
    h5w_dsrows trows = {true, res->first_trial, n, h5w_chunk_rows(N, 8)};
    if (h5w_put_coord_rows(w, g, &trial, ids, &trows) < 0 ||
        h5w_put_coord_range(w, g, "year", 1, (size_t)H, "year",
                            "calendar year of the horizon, 1 .. H (year y covers steps "
                            "(y-1)*steps_per_year .. y*steps_per_year - 1)") < 0 ||
        h5w_put_entity_coords(w, g, sc, H5W_CO_MINERAL | H5W_CO_SECTOR) < 0)
        goto out;

    /* the variables of MR_TRIAL_VARS that go to the file, in its order;
       output.trials: totals keeps the two tables a tail-risk user needs
       per trial (total and annual losses, MR_VAR_TOTALS); the summary is
       exact anyway */
    unsigned keep = sc->output_trials == MR_OUTPUT_TRIALS_TOTALS ? MR_VAR_TOTALS : 0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        if (!(v->where & MR_VAR_FILE) || (v->where & keep) != keep)
            continue;
        h5w_dsdef d = {v->name,   H5T_IEEE_F64LE,        H5T_NATIVE_DOUBLE, 1,
                       {N, 0, 0}, {"trial", NULL, NULL}, v->units,          v->description};
        trial_var_dims(v, res, &d);
        hsize_t cols = mr_cols_count(v->cols, res->nsectors, res->nminerals, res->years);
        h5w_dsrows rows = {true, res->first_trial, n, h5w_chunk_rows(N, 8 * cols)};
        if (h5w_put_rows(w, g, &d, mr_results_cvar(res, v), &rows) < 0)
            goto out;
    }
    if (res->weight) { /* importance sampling (docs/MODEL.md §12i) */
        h5w_dsdef d = {"weight",
                       H5T_IEEE_F64LE,
                       H5T_NATIVE_DOUBLE,
                       1,
                       {N, 0, 0},
                       {"trial", NULL, NULL},
                       "1",
                       "likelihood ratio of the trial's disruptions under the importance tilt "
                       "(docs/MODEL.md §12i): every statistic of /summary weights the trial by "
                       "it (docs/OUTPUT.md, Weighted estimators)"};
        h5w_dsrows rows = {true, res->first_trial, n, h5w_chunk_rows(N, 8)};
        if (h5w_put_rows(w, g, &d, res->weight, &rows) < 0)
            goto out;
    }
    rc = 0;
out:
    free(ids);
    h5w_close_id(g);
    return rc;
}

/* ---- /summary ----------------------------------------------------------- */

/* Write <prefix>_mean, _sd, _se, _quantile, _quantile_ci_low, _quantile_ci_high,
   _es for nvar variables: nvar == 0 is one scalar variable (the total), else
   one per sector (leading dimension `sector`). `what` completes the
   descriptions ("the total loss over the horizon"). */
static int put_loss_stats(h5w *w, hid_t g, const char *prefix, const mr_loss_stats *ls, size_t nvar,
                          const char *what)
{
    size_t nv = nvar ? nvar : 1;
    double *buf = malloc(nv * MR_OUTPUT_NQUANTILES * sizeof *buf);
    if (!buf)
        h5w_fail(w, "out of memory");
    if (h5w_sync_state(w) < 0) {
        free(buf);
        return -1;
    }
    char name[128], desc[512];
    int rc = -1;

    static const char *const mom_suffix[3] = {"mean", "sd", "se"};
    static const char *const mom_desc[3] = {
        "mean over trials of %s", "standard deviation (divisor N-1) over trials of %s",
        "Monte Carlo standard error of the mean of %s: sd / sqrt(N)"};
    for (int m = 0; m < 3; m++) {
        for (size_t j = 0; j < nv; j++)
            buf[j] = m == 0 ? ls[j].mean : m == 1 ? ls[j].sd : ls[j].se;
        snprintf(name, sizeof name, "%s_%s", prefix, mom_suffix[m]);
        snprintf(desc, sizeof desc, mom_desc[m], what);
        int r = nvar ? h5w_put_1d(w, g, name, buf, nv, "sector", "GBP", desc)
                     : h5w_put_scalar(w, g, name, buf[0], "GBP", desc);
        if (r < 0)
            goto out;
    }
    static const char *const q_suffix[3] = {"quantile", "quantile_ci_low", "quantile_ci_high"};
    static const char *const q_desc[3] = {
        "empirical quantile (VaR) of %s at probability `quantile`: the order statistic "
        "X_(ceil(N p))",
        "lower bound of the distribution-free 95%% confidence interval (order statistics, "
        "equal tails of at most 2.5%%) of the quantile of %s; NaN when N is too small",
        "upper bound of the distribution-free 95%% confidence interval (order statistics, "
        "equal tails of at most 2.5%%) of the quantile of %s; NaN when N is too small"};
    for (int m = 0; m < 3; m++) {
        for (size_t j = 0; j < nv; j++)
            for (int k = 0; k < MR_OUTPUT_NQUANTILES; k++) {
                const double *src = m == 0 ? ls[j].q : m == 1 ? ls[j].ci_lo : ls[j].ci_hi;
                buf[j * MR_OUTPUT_NQUANTILES + (size_t)k] = src[k];
            }
        snprintf(name, sizeof name, "%s_%s", prefix, q_suffix[m]);
        snprintf(desc, sizeof desc, q_desc[m], what);
        int r = nvar ? h5w_put_2d(w, g, name, buf, nv, "sector", MR_OUTPUT_NQUANTILES, "quantile",
                                  "GBP", desc)
                     : h5w_put_1d(w, g, name, buf, MR_OUTPUT_NQUANTILES, "quantile", "GBP", desc);
        if (r < 0)
            goto out;
    }
    for (size_t j = 0; j < nv; j++)
        for (int k = 0; k < MR_OUTPUT_NES; k++)
            buf[j * MR_OUTPUT_NES + (size_t)k] = ls[j].es[k];
    snprintf(name, sizeof name, "%s_es", prefix);
    snprintf(desc, sizeof desc,
             "expected shortfall (TVaR) of %s at level `es_level`: exact tail mean of the "
             "empirical distribution, the mean of the top N(1-p) trials when N p is an integer",
             what);
    if ((nvar ? h5w_put_2d(w, g, name, buf, nv, "sector", MR_OUTPUT_NES, "es_level", "GBP", desc)
              : h5w_put_1d(w, g, name, buf, MR_OUTPUT_NES, "es_level", "GBP", desc)) < 0)
        goto out;
    rc = 0;
out:
    free(buf);
    return rc;
}

static bool leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1 January of year y0 to 1 January of year y (y >= y0). */
static double days_to_year(long y0, long y)
{
    double d = 0.0;
    for (long k = y0; k < y; k++)
        d += leap(k) ? 366.0 : 365.0;
    return d;
}

/* Days from 1 January of y0 to the first of month m (0-based, any m >= 0). */
static double days_to_month(long y0, long m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long y = y0 + m / 12;
    double d = days_to_year(y0, y);
    for (long k = 0; k < m % 12; k++)
        d += mdays[k] + (k == 1 && leap(y));
    return d;
}

/* The time coordinate of the step dimension (docs/OUTPUT.md "Conventions"):
   the start of each step, as days since 1 January of simulation.start_year
   on the standard calendar (a step of whole months starts on the first of a
   month; other steps divide the calendar year evenly), or as months from
   the start of the horizon when the scenario gives no start year. */
static int write_time_coord(h5w *w, hid_t g, const mr_scenario *sc, size_t T)
{
    const int n = sc->steps_per_year;
    double *v = malloc((T ? T : 1) * sizeof *v);
    char units[64];
    if (!v) {
        h5w_fail(w, "out of memory");
        return h5w_sync_state(w);
    }
    for (size_t t = 0; t < T; t++) {
        long y = (long)t / n, k = (long)t % n;
        if (!sc->start_year)
            v[t] = (double)t * MR_MONTHS_PER_YEAR / n;
        else if (12 % n == 0)
            v[t] = days_to_month(sc->start_year, (long)t * (12 / n));
        else
            v[t] = days_to_year(sc->start_year, sc->start_year + y) +
                   (double)k * (leap(sc->start_year + y) ? 366.0 : 365.0) / n;
    }
    if (sc->start_year)
        snprintf(units, sizeof units, "days since %04d-01-01 00:00:00", sc->start_year);
    else
        snprintf(units, sizeof units, "months");
    const char *dn[1] = {"step"};
    hsize_t dims[1] = {T};
    int rc = h5w_put_f64(w, g, "time", v, 1, dims, dn, units,
                         sc->start_year ? "start of the step (the standard calendar)"
                                        : "start of the step: months from the start of the "
                                          "horizon (the scenario gives no simulation.start_year)");
    free(v);
    if (rc < 0)
        return -1;
    hid_t ds = H5Dopen2(g, "time", H5P_DEFAULT);
    if (ds < 0)
        h5w_fail_h5(w, "time");
    rc = h5w_sync_state(w);
    if (!rc && sc->start_year)
        rc = (h5w_attr_str(w, ds, "standard_name", "time") < 0 ||
              h5w_attr_str(w, ds, "calendar", "standard") < 0)
                 ? -1
                 : 0;
    if (!rc)
        rc = h5w_attr_str(w, ds, "axis", "T");
    h5w_close_id(ds);
    return rc;
}

static int write_summary_coords(h5w *w, hid_t g, const mr_scenario *sc, const mr_results *res)
{
    double months_per_step = MR_MONTHS_PER_YEAR / (double)sc->steps_per_year;
    if (h5w_put_entity_coords(w, g, sc, H5W_CO_MINERAL | H5W_CO_SECTOR) < 0 ||
        h5w_put_coord_f64(w, g, "quantile", mr_output_quantiles, MR_OUTPUT_NQUANTILES, "1",
                          "probability level p of a quantile (VaR)") < 0 ||
        h5w_put_coord_f64(w, g, "es_level", mr_output_es_levels, MR_OUTPUT_NES, "1",
                          "level p of an expected shortfall (TVaR)") < 0 ||
        h5w_put_coord_f64(w, g, "return_period", mr_output_return_periods, MR_OUTPUT_NRP, "year",
                          "return period R: the annual loss exceeded with probability 1/R a year") <
            0 ||
        h5w_put_coord_f64(w, g, "band", mr_output_bands, MR_OUTPUT_NBANDS, "1",
                          "probability level of a time band (quantile over trials at each step)") <
            0 ||
        h5w_put_coord_f64(w, g, "tail_band", mr_output_tail_bands, MR_OUTPUT_NTAIL_BANDS, "1",
                          "probability level of an upper-tail time band (quantile over trials at "
                          "each step)") < 0 ||
        h5w_put_coord_range(w, g, "bin", 0, MR_OUTPUT_HIST_BINS, "1", "histogram bin index") < 0 ||
        h5w_put_coord_range(w, g, "bin_edge", 0, MR_OUTPUT_HIST_BINS + 1, "1",
                            "histogram bin edge index; bin b lies between edges b and b+1") < 0 ||
        h5w_put_coord_range(w, g, "step", 0, (size_t)res->steps, "1",
                            "time step t from the start; step t covers months [t, t+1) * "
                            "months_per_step") < 0)
        return -1;
    hid_t step = H5Dopen2(g, "step", H5P_DEFAULT);
    if (step < 0)
        h5w_fail_h5(w, "step");
    int rc = h5w_attr_f64(w, step, "months_per_step", months_per_step);
    h5w_close_id(step);
    return rc < 0 ? -1 : write_time_coord(w, g, sc, (size_t)res->steps);
}

/* AAL and return-period losses: total and per sector. */
static int write_annual(h5w *w, hid_t g, const mr_sumstats *st)
{
    const size_t S = (size_t)st->nsectors;
    const char *aal_desc = "average annual loss (AAL): mean of the N x H annual losses";
    const char *aal_se_desc = "Monte Carlo standard error of the AAL: sd over trials of each "
                              "trial's mean annual loss, / sqrt(N) (the years of one trial are "
                              "not independent)";
    const char *rp_desc = "loss at return period R: quantile at 1 - 1/R of the N x H annual "
                          "losses, X_(ceil(N H (1 - 1/R))); NaN when N H < R";
    if (h5w_put_scalar(w, g, "aal", st->aal, "GBP", aal_desc) < 0 ||
        h5w_put_scalar(w, g, "aal_se", st->aal_se, "GBP", aal_se_desc) < 0 ||
        h5w_put_1d(w, g, "return_period_loss", st->return_period_loss, MR_OUTPUT_NRP,
                   "return_period", "GBP", rp_desc) < 0 ||
        h5w_put_1d(w, g, "sector_aal", st->sector_aal, S, "sector", "GBP",
                   "average annual loss of the sector (OL + XC): mean of the N x H annual sector "
                   "losses") < 0 ||
        h5w_put_1d(w, g, "sector_aal_se", st->sector_aal_se, S, "sector", "GBP",
                   "Monte Carlo standard error of sector_aal (from per-trial mean annual losses)") <
            0 ||
        h5w_put_2d(
            w, g, "sector_return_period_loss", st->sector_return_period_loss, S, "sector",
            MR_OUTPUT_NRP, "return_period", "GBP",
            "sector's annual loss (OL + XC) at return period R: quantile at 1 - 1/R of its N "
            "x H annual losses; NaN when N H < R") < 0)
        return -1;
    return 0;
}

static int write_histogram(h5w *w, hid_t g, const mr_sumstats *st)
{
    h5w_dsdef d = {"total_loss_hist_count",
                   H5T_STD_U64LE,
                   H5T_NATIVE_UINT64,
                   1,
                   {MR_OUTPUT_HIST_BINS},
                   {"bin"},
                   "1",
                   "number of trials whose total loss lies in bin b: edges[b] <= x < edges[b+1] "
                   "(the last bin includes the maximum)"};
    if (h5w_put(w, g, &d, st->hist_count) < 0)
        return -1;
    return h5w_put_1d(w, g, "total_loss_hist_edges", st->hist_edges, MR_OUTPUT_HIST_BINS + 1,
                      "bin_edge", "GBP",
                      "edges of the total-loss histogram: equal bins from the minimum to the "
                      "maximum over trials");
}

/* coordinates = "time" on a step-indexed dataset (CF auxiliary coordinate). */
static int time_coordinate(h5w *w, hid_t g, const char *name)
{
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    if (ds < 0)
        h5w_fail_h5(w, name);
    int rc = h5w_sync_state(w) < 0 ? -1 : h5w_attr_str(w, ds, "coordinates", "time");
    h5w_close_id(ds);
    return rc;
}

static int write_bands(h5w *w, hid_t g, const mr_sumstats *st)
{
    const size_t T = (size_t)st->steps, S = (size_t)st->nsectors, M = (size_t)st->nminerals;
    const size_t nb = MR_OUTPUT_NBANDS;
    hsize_t dq[3] = {T, S, nb}, dy[3] = {T, M, nb};
    const char *dnq[3] = {"step", "sector", "band"}, *dny[3] = {"step", "mineral", "band"};
    char desc[512];
    snprintf(desc, sizeof desc,
             "quantile over trials of the sector inoperability q_j(t) at each step, at "
             "probability `band`; from a histogram of bin width %g (values are bin centres)",
             MR_BAND_Q_WIDTH);
    if (h5w_put_f64(w, g, "inoperability_band", st->inoperability_band, 3, dq, dnq, "1", desc) <
            0 ||
        time_coordinate(w, g, "inoperability_band") < 0)
        return -1;
    snprintf(desc, sizeof desc,
             "quantile over trials of the price ratio P_m(t)/P0_m at each step, at probability "
             "`band`; exp of a quantile of ln(P/P0) from a histogram of bin width %g over "
             "[%g, %g] (values are bin centres; beyond the range they are clamped)",
             MR_BAND_Y_WIDTH, MR_BAND_Y_MIN,
             MR_BAND_Y_MIN + (MR_BAND_Y_BINS - 1) * MR_BAND_Y_WIDTH);
    if (h5w_put_f64(w, g, "price_ratio_band", st->price_ratio_band, 3, dy, dny, "1", desc) < 0 ||
        time_coordinate(w, g, "price_ratio_band") < 0)
        return -1;
    const size_t nt = MR_OUTPUT_NTAIL_BANDS;
    hsize_t tq[3] = {T, S, nt}, ty[3] = {T, M, nt}, d2[2] = {T, S};
    const char *tnq[3] = {"step", "sector", "tail_band"},
               *tny[3] = {"step", "mineral", "tail_band"};
    if (h5w_put_f64(w, g, "inoperability_tail_band", st->inoperability_tail_band, 3, tq, tnq, "1",
                    "quantile over trials of the sector inoperability q_j(t) at each step, at "
                    "the upper-tail probability `tail_band` (0.9, 0.99); as inoperability_band") <
            0 ||
        time_coordinate(w, g, "inoperability_tail_band") < 0 ||
        h5w_put_f64(w, g, "price_ratio_tail_band", st->price_ratio_tail_band, 3, ty, tny, "1",
                    "quantile over trials of the price ratio P_m(t)/P0_m at each step, at the "
                    "upper-tail probability `tail_band` (0.9, 0.99); as price_ratio_band") < 0 ||
        time_coordinate(w, g, "price_ratio_tail_band") < 0)
        return -1;
    snprintf(desc, sizeof desc,
             "fraction of trials in which the sector is disrupted at the step: inoperability "
             "q_j(t) at least %g (the histogram's bins from the one centred on %g up, so to half "
             "a bin, %g)",
             MR_OUTPUT_DISRUPTED_Q, MR_OUTPUT_DISRUPTED_Q, MR_BAND_Q_WIDTH / 2);
    if (h5w_put_f64(w, g, "inoperability_disrupted_prob", st->inoperability_disrupted_prob, 2, d2,
                    dnq, "1", desc) < 0 ||
        time_coordinate(w, g, "inoperability_disrupted_prob") < 0)
        return -1;
    snprintf(desc, sizeof desc,
             "quantile of the sector inoperability q_j(t) at probability `band` over the trials "
             "in which the sector is disrupted at the step (q_j(t) at least %g, as "
             "inoperability_disrupted_prob): how deep a disruption is when there is one; NaN "
             "where no trial is disrupted",
             MR_OUTPUT_DISRUPTED_Q);
    if (h5w_put_f64(w, g, "inoperability_disrupted_band", st->inoperability_disrupted_band, 3, dq,
                    dnq, "1", desc) < 0)
        return -1;
    return time_coordinate(w, g, "inoperability_disrupted_band");
}

/* Per mineral and per sector figures that are not losses. */
static int write_entity_figures(h5w *w, hid_t g, const mr_scenario *sc, const mr_sumstats *st)
{
    const size_t S = (size_t)st->nsectors, M = (size_t)st->nminerals;
    /* NaN for a mineral without a stockpile: "never ran empty" would mislead */
    double *empty = malloc((M ? M : 1) * sizeof *empty);
    if (!empty) {
        h5w_fail(w, "out of memory");
        return h5w_sync_state(w);
    }
    for (size_t m = 0; m < M; m++)
        empty[m] = sc->minerals[m].stockpile.present ? st->mineral_stockpile_empty_prob[m] : NAN;
    const struct {
        const char *name;
        const double *v;
        char entity; /* 'M' or 'S' */
        const char *units, *description;
    } figs[] = {
        {"mineral_shortage_prob", st->mineral_shortage_prob, 'M', "1",
         "probability that the peak shortfall exceeds 1% of demand: fraction of trials with "
         "mineral_shortfall_peak > 0.01"},
        {"mineral_shortfall_mean_avg", st->mineral_shortfall_mean_avg, 'M', "1",
         "mean over trials of mineral_shortfall_mean: expected shortfall over the horizon, "
         "fraction of demand"},
        {"mineral_shortfall_months_avg", st->mineral_shortfall_months_avg, 'M', "months",
         "mean over trials of the months with shortfall > 1%"},
        {"mineral_stockpile_empty_prob", empty, 'M', "1",
         "probability that the strategic stockpile runs empty within the "
         "horizon: fraction of trials where it did (NaN without a stockpile)"},
        {"mineral_price_peak_avg", st->mineral_price_peak_avg, 'M', "1",
         "mean over trials of the peak price ratio P/P0"},
        {"sector_inoperability_peak_avg", st->sector_inoperability_peak_avg, 'S', "1",
         "mean over trials of the peak inoperability q_j"},
        {"sector_inoperability_months_avg", st->sector_inoperability_months_avg, 'S', "months",
         "mean over trials of the months with inoperability > 5%"},
    };
    for (size_t f = 0; f < sizeof figs / sizeof figs[0]; f++) {
        bool mineral = figs[f].entity == 'M';
        if (h5w_put_1d(w, g, figs[f].name, figs[f].v, mineral ? M : S,
                       mineral ? "mineral" : "sector", figs[f].units, figs[f].description) < 0) {
            free(empty);
            return -1;
        }
    }
    free(empty);
    return 0;
}

/* An importance-sampled run's bootstrap intervals of the ES of the total
   loss and of the return-period losses (docs/OUTPUT.md "Weighted
   estimators"). */
static int write_weighted_intervals(h5w *w, hid_t g, const mr_sumstats *st)
{
    static const char *const what[4] = {"total_loss_es_ci_low", "total_loss_es_ci_high",
                                        "return_period_loss_ci_low", "return_period_loss_ci_high"};
    const double *v[4] = {st->total_es_ci_lo, st->total_es_ci_hi, st->rp_ci_lo, st->rp_ci_hi};
    for (int k = 0; k < 4; k++) {
        char desc[256];
        snprintf(desc, sizeof desc,
                 "%s end of the 95%% percentile-bootstrap interval (400 resamples of the trials) "
                 "of %s",
                 k % 2 ? "upper" : "lower", k < 2 ? "total_loss_es" : "return_period_loss");
        if (h5w_put_1d(w, g, what[k], v[k], k < 2 ? MR_OUTPUT_NES : MR_OUTPUT_NRP,
                       k < 2 ? "es_level" : "return_period", "GBP", desc) < 0)
            return -1;
    }
    return 0;
}

/* /importance (docs/OUTPUT.md): the tilt's rates, the weights' figures,
   the cross-entropy stages. */
static int write_importance(h5w *w, const mr_scenario *sc, const mr_sumstats *st)
{
    const mr_importance *imp = &sc->importance;
    hid_t g = h5w_make_group(w, w->base, "importance");
    if (g < 0)
        return -1;
    int rc = -1;
    char target[64] = "none";
    if (imp->target != MR_TARGET_NONE)
        /* %.15g: the level as given (99.99999 read 100 with %g's 6 digits),
           without the binary noise of level * 100 */
        snprintf(target, sizeof target, "%s%.15g_%s", imp->target == MR_TARGET_VAR ? "var" : "es",
                 imp->target_level * 100.0, imp->target_annual ? "annual" : "total");
    const bool year = mr_importance_focus_year(imp);
    if (h5w_attr_str(w, g, "target", target) < 0 ||
        h5w_attr_i32(w, g, "weighted", st->weighted) < 0 ||
        h5w_attr_str(w, g, "focus", year ? "year" : "horizon") < 0 ||
        h5w_attr_f64(w, g, "defensive", year ? mr_importance_defensive(imp) : 0.0) < 0 ||
        h5w_attr_i32(w, g, "focus_years",
                     year ? (imp->focus_years ? (int)imp->focus_years : 1) : 0) < 0)
        goto out;
    if (imp->nrates > 0) {
        double *f = malloc((size_t)imp->nrates * sizeof *f);
        if (!f)
            h5w_fail(w, "out of memory");
        if (h5w_sync_state(w) < 0) {
            free(f);
            goto out;
        }
        for (int k = 0; k < imp->nrates; k++)
            f[k] = imp->rates[k].factor;
        int r = h5w_put_strings(w, g, "process", imp->rates, sizeof *imp->rates,
                                offsetof(mr_tilt_rate, pattern), (size_t)imp->nrates, "process",
                                "process name or pattern ('*': any characters) of each rate "
                                "factor; a later one overrides an earlier one",
                                true) < 0 ||
                h5w_put_1d(w, g, "factor", f, (size_t)imp->nrates, "process", "1",
                           "rate factor lambda' / lambda of the processes the name matches") < 0;
        free(f);
        if (r)
            goto out;
    }
    if (h5w_put_scalar(w, g, "ess", st->ess, "trials",
                       "effective sample size of the weights: (sum w)^2 / sum w^2") < 0 ||
        h5w_put_scalar(w, g, "weight_max_share", st->weight_max_share, "1",
                       "the largest weight's share of the sum of the weights") < 0 ||
        h5w_put_scalar(w, g, "weight_mean", st->weight_mean, "1",
                       "mean weight (1 in expectation; far from 1: the tilt is too strong)") < 0)
        goto out;
    if (imp->nstages > 0 &&
        (h5w_put_coord_range(w, g, "stage", 1, (size_t)imp->nstages, "1",
                             "cross-entropy pilot stage, 1 .. K (docs/MODEL.md §12i)") < 0 ||
         h5w_put_coord_range(w, g, "figure", 1, MR_IMPORTANCE_STAGE_FIGS, "1",
                             "1 trials, 2 level gamma (GBP), 3 elite trials (loss >= gamma), "
                             "4 effective sample size, 5 estimate of the target (GBP)") < 0 ||
         h5w_put_2d(w, g, "stage_figures", imp->stage_figs, (size_t)imp->nstages, "stage",
                    MR_IMPORTANCE_STAGE_FIGS, "figure", "per figure: GBP for 2 and 5, else 1",
                    "per cross-entropy stage: trials, gamma, elite trials, ESS of its weights, "
                    "its estimate of the target (see `figure`)") < 0))
        goto out;
    rc = 0;
out:
    h5w_close_id(g);
    return rc;
}

static int write_summary(h5w *w, const mr_scenario *sc, const mr_results *res,
                         const mr_sumstats *st)
{
    hid_t g = h5w_make_group(w, w->base, "summary");
    if (g < 0)
        return -1;
    const size_t S = (size_t)st->nsectors;
    int rc = -1;
    if (write_summary_coords(w, g, sc, res) < 0 ||
        put_loss_stats(w, g, "total_loss", &st->total, 0,
                       "the headline loss over the horizon (all sectors, value added lost + "
                       "extra input cost)") < 0 ||
        write_histogram(w, g, st) < 0 || write_annual(w, g, st) < 0 ||
        put_loss_stats(w, g, "sector_loss", st->sector_loss, S,
                       "the sector's headline loss over the horizon (value added lost + extra "
                       "input cost)") < 0 ||
        put_loss_stats(w, g, "sector_gva_loss", st->sector_gva_loss, S,
                       "the sector's value added lost over the horizon") < 0 ||
        put_loss_stats(w, g, "sector_output_loss", st->sector_output_loss, S,
                       "the sector's gross output (turnover) lost over the horizon, a secondary "
                       "figure") < 0 ||
        put_loss_stats(w, g, "sector_extra_cost", st->sector_extra_cost, S,
                       "the sector's extra input cost over the horizon") < 0 ||
        write_entity_figures(w, g, sc, st) < 0 || write_bands(w, g, st) < 0 ||
        (st->weighted && write_weighted_intervals(w, g, st) < 0))
        goto out;
    rc = 0;
out:
    h5w_close_id(g);
    return rc;
}

/* ---- /policies ------------------------------------------------------------ */

typedef struct {
    const char *lever, *source;
} cost_row;

/* The stated policy costs (MODEL §10), when the scenario states any: per
   lever over dimension lever, and their total; inputs, not sampled. */
static int write_policy_costs(h5w *w, const mr_scenario *sc)
{
    const mr_policies *pol = &sc->policies;
    cost_row row[MR_NLEVERS];
    double cost[MR_NLEVERS];
    size_t n = 0;
    for (int k = 0; k < MR_NLEVERS; k++)
        if (pol->cost[k].given) {
            row[n].lever = mr_lever_names[k];
            row[n].source = pol->cost[k].source;
            cost[n++] = pol->cost[k].horizon_gbp;
        }
    hid_t g = h5w_make_group(w, w->base, "policies");
    if (g < 0)
        return -1;
    int rc =
        h5w_attr_str(w, g, "description",
                     "the policy costs the scenario states (policies.cost, MODEL §10): inputs, not "
                     "part of a trial; over the horizon, undiscounted") < 0 ||
                h5w_put_strings(w, g, "lever", row, sizeof *row, offsetof(cost_row, lever), n,
                                "lever", "policy lever with a stated cost", true) < 0 ||
                h5w_put_1d(w, g, "cost_gbp", cost, n, "lever", "GBP",
                           "the lever's cost over the horizon, undiscounted: the sum over steps "
                           "of its cost a year at the step's middle x the step's length") < 0 ||
                h5w_put_strings(w, g, "source", row, sizeof *row, offsetof(cost_row, source), n,
                                "lever", "where the figure comes from, or 'assumption: ...'",
                                false) < 0 ||
                h5w_put_scalar(w, g, "total_cost_gbp", pol->cost_horizon_gbp, "GBP",
                               "the levers' costs over the horizon, summed") < 0
            ? -1
            : 0;
    h5w_close_id(g);
    return rc;
}

/* ---- one run ---------------------------------------------------------------- */

/* One run's groups under w->base (docs/OUTPUT.md): the root attributes and
   coordinates, /scenario, /trials (unless output.trials: none), /summary
   and /indicators. */
int h5w_write_run(h5w *w, const mr_scenario *sc, const mr_results *res, const mr_sumstats *st)
{
    if (write_root(w, sc, res) < 0 || write_scenario(w, sc) < 0 ||
        (sc->output_trials != MR_OUTPUT_TRIALS_NONE && write_trials(w, sc, res) < 0) ||
        write_summary(w, sc, res, st) < 0 || (res->weight && write_importance(w, sc, st) < 0) ||
        h5w_write_indicators(w, sc) < 0 || (sc->policies.has_cost && write_policy_costs(w, sc) < 0))
        return -1;
    return 0;
}

/* ---- extras and a multi-run file's root ------------------------------------- */

/* One extra dataset (writer.h) under its path. */
int h5w_write_extra(h5w *w, const mr_output_extra *x)
{
    hid_t g = h5w_make_path(w, x->path, false);
    if (g < 0)
        return -1;
    const char *name = strrchr(x->path, '/');
    name = name ? name + 1 : x->path;
    hid_t ft = H5T_IEEE_F64LE, mt = H5T_NATIVE_DOUBLE;
    switch (x->type) {
    case MR_EXTRA_F64:
        break;
    case MR_EXTRA_U64:
        ft = H5T_STD_U64LE;
        mt = H5T_NATIVE_UINT64;
        break;
    case MR_EXTRA_I32:
        ft = H5T_STD_I32LE;
        mt = H5T_NATIVE_INT32;
        break;
    case MR_EXTRA_STR:
        ft = mt = w->str;
        break;
    }
    h5w_dsdef d = {name, ft, mt, x->rank, {0}, {NULL}, x->units, x->description};
    for (int k = 0; k < x->rank && k < MR_EXTRA_MAX_RANK; k++) {
        d.dims[k] = x->dims[k];
        d.dimnames[k] = x->dim_names[k];
    }
    int rc;
    h5w_dsrows r = {0};
    if (x->distributed) {
        hsize_t rowbytes = 8;
        for (int k = 1; k < x->rank; k++)
            rowbytes *= x->dims[k];
        r = (h5w_dsrows){true, x->row0, x->nrows, h5w_chunk_rows(x->dims[0], rowbytes)};
    }
    if (x->is_coord)
        rc = h5w_put_coord_rows(w, g, &d, x->data, x->distributed ? &r : NULL);
    else
        rc = h5w_put_rows(w, g, &d, x->data, x->distributed ? &r : NULL);
    if (rc == 0 && x->coordinates) {
        hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
        if (ds < 0)
            h5w_fail_h5(w, name);
        rc = h5w_sync_state(w) < 0 ? -1 : h5w_attr_str(w, ds, "coordinates", x->coordinates);
        h5w_close_id(ds);
    }
    h5w_close_id(g);
    return rc;
}

/* The file's own root attributes in a multi-run file (kind != "run"). */
int h5w_write_file_root(h5w *w, const char *kind, const mr_output_run *runs, size_t nruns)
{
    hid_t r = w->file;
    int version[2] = {MR_FORMAT_MAJOR, MR_FORMAT_MINOR};
    const mr_scenario *sc = runs[0].sc;
    return (h5w_attr_str(w, r, "Conventions", MR_CONVENTIONS) < 0 ||
            h5w_attr_str(w, r, "format", MR_FORMAT_NAME) < 0 ||
            h5w_attr_write(w, r, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, version) < 0 ||
            h5w_attr_str(w, r, "software_version", MINRISK_VERSION) < 0 ||
            h5w_attr_str(w, r, "kind", kind) < 0 || h5w_attr_i32(w, r, "runs", (int)nruns) < 0 ||
            h5w_attr_str(w, r, "scenario_name", sc->name) < 0 ||
            h5w_attr_u64(w, r, "seed", sc->seed) < 0 ||
            h5w_attr_u64(w, r, "trials", runs[0].res->ntrials_total) < 0 ||
            h5w_attr_i32(w, r, "horizon_years", sc->horizon_years) < 0 ||
            h5w_attr_i32(w, r, "steps_per_year", sc->steps_per_year) < 0 ||
            h5w_attr_str(w, r, "rng", "philox4x32-10") < 0)
               ? -1
               : 0;
}

/* explain.c - `minrisk explain FILE.h5`: replay one trial of a finished
 * run from the file's scenario and seed, tell its story (sim/studies/story.c) and
 * check the replay against the trial's stored results, bit for bit
 * (docs/STUDIES.md "Trial stories and the event table").
 *
 * The file is read with the HDF5 C API: root attributes, /scenario/source
 * (a bundle when the scenario `extends` others, so no other file is read),
 * the trial's rows of /trials and of /events. In a comparison or sweep file
 * the same layout sits in a group (runs/a, variants/<name>), chosen by --run.
 */
#define _POSIX_C_SOURCE 200809L

#include "models/libm_path.h"
#include "sim/cmd/cli.h"
#include "sim/engine.h"
#include "sim/replay.h"
#include "sim/scenario/loader.h"
#include "out/format.h"
#include "out/h5/read.h"
#include "out/results.h"
#include "sim/model.h"
#include "out/h5/writer.h"
#include "sim/studies/story.h"

#include <hdf5.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_ROWS ((hsize_t)1 << 20) /* rows of total_loss read at a time */

static const char *const usage_explain =
    "usage: minrisk explain FILE.h5 [--trial K] [--sector ID] [--all-steps] [--run GROUP]\n"
    "\n"
    "Replay one trial of a finished run from the file's scenario and seed and tell\n"
    "what happened, month by month: the disruptions that started, the minerals that\n"
    "ran short, the open markets of minerals with a market block (clearing price\n"
    "x P0, commercial stock in months of demand, supply loss in %), the strategic\n"
    "stockpiles, the sectors that lost output and what it cost (GBP m). Then check\n"
    "that the replay reproduces the trial's stored results (/trials, and /events\n"
    "when the run had --events) bit for bit.\n"
    "\n"
    "  --trial K     the trial, 0 .. N-1 (default: the worst, i.e. the largest\n"
    "                /trials/total_loss; the lowest index on ties)\n"
    "  --sector ID   only what touches one sector: the minerals it needs, the\n"
    "                disruptions that hit them, its own losses\n"
    "  --all-steps   a line for every step, quiet ones too\n"
    "  --run GROUP   the run of a comparison or sweep file (e.g. runs/b); of an\n"
    "                uncertainty file, its one run, base (the default)\n"
    "\n"
    "Months are counted from 0 at the start of the horizon, also when the\n"
    "scenario gives simulation.start_year (month 0 is then January of that year).\n"
    "Exit status: 0 told (and checked, as far as the file keeps\n"
    "per-trial results); 1 the replay differs from the stored results; 2 bad usage\n"
    "or input (no such file, not a minrisk result file, trial out of range).\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 2000 --events --quiet && minrisk "
    "explain demo.h5\n";

/* ---- reading the result file ----------------------------------------------- */

typedef struct {
    mr_h5r r;   /* the file; r.where is "" or the --run group, "/runs/b" (for messages) */
    hid_t base; /* the file's root group, or the --run group */
} h5in;

/* "damaged or incomplete minrisk file: cannot read <r.where>/<what>" */
static int damaged(h5in *in, const char *what)
{
    return mr_h5r_damaged(&in->r, in->r.file, what);
}

/* Every component of a relative path exists under loc. An error (not "no
   such link": HDF5 failing on a damaged group) is recorded as damage and
   reads as 0: an object that fails is never passed over in silence. */
static int path_exists(h5in *in, hid_t loc, const char *path)
{
    char buf[512];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, path, n + 1);
    htri_t e = 1;
    for (char *p = buf; e > 0 && (p = strchr(p + 1, '/')) != NULL;) {
        *p = '\0';
        e = H5Lexists(loc, buf, H5P_DEFAULT);
        *p = '/';
    }
    if (e > 0)
        e = H5Lexists(loc, buf, H5P_DEFAULT);
    if (e < 0)
        damaged(in, path);
    return e > 0;
}

/* ---- the runs of a comparison or sweep file -------------------------------- */

#define RUNS_LISTED 4 /* groups named in a message; the rest are counted */

/* "runs/a, runs/b" or "variants/x, ...": the groups that hold a run (names
   as printable text: they come from the file); "base", the run of an
   uncertainty file. */
static void list_runs(hid_t file, char *buf, size_t size)
{
    static const char *const parents[] = {"runs", "variants"};
    buf[0] = '\0';
    int n = 0;
    if (H5Lexists(file, "base", H5P_DEFAULT) > 0 &&
        H5Lexists(file, "base/scenario", H5P_DEFAULT) > 0)
        n += snprintf(buf, size, "base") > 0;
    for (size_t k = 0; k < sizeof parents / sizeof parents[0]; k++) {
        hid_t g = H5Lexists(file, parents[k], H5P_DEFAULT) > 0
                      ? H5Gopen2(file, parents[k], H5P_DEFAULT)
                      : -1;
        char **names = NULL;
        size_t nn = 0;
        if (g < 0 || mr_h5r_links(g, &names, &nn) < 0)
            nn = 0;
        for (size_t i = 0; i < nn; i++) {
            hid_t o = n >= RUNS_LISTED ? -1 : H5Oopen(g, names[i], H5P_DEFAULT);
            if (n++ >= RUNS_LISTED || o < 0 || H5Iget_type(o) != H5I_GROUP) {
                if (o >= 0)
                    H5Oclose(o);
                continue;
            }
            H5Oclose(o);
            char shown[128];
            size_t len = strlen(buf);
            snprintf(buf + len, size - len, "%s%s/%s", len ? ", " : "", parents[k],
                     mr_printable(names[i], shown, sizeof shown));
        }
        mr_h5r_free_strings(names, nn);
        if (g >= 0)
            H5Gclose(g);
    }
    if (n > RUNS_LISTED) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, " and %d more", n - RUNS_LISTED);
    }
}

/* ---- the command ------------------------------------------------------------- */

typedef struct {
    const char *file, *run, *sector;
    unsigned long long trial;
    int have_trial, all_steps;
} request;

/* What the file says about the run. */
typedef struct {
    char *kind, *software, *name;
    char *libm; /* /run_info/libm_fingerprint, NULL in files before it */
    uint64_t seed, trials;
    int horizon, steps_per_year;
    bool has_total_loss;
    double mean, var99; /* of the total loss, from /summary (NaN: none) */
    /* the trial's place among all trials (when total_loss is stored) */
    double loss;
    uint64_t n_greater, n_equal;
    /* an importance-sampled run (/trials/weight): sum of the weights of the
       trials that lost at least as much, over N, the probability of such a
       loss under the scenario's law (NaN: no weights) */
    double p_weighted;
} run_facts;

/* Open the file (mr_h5r_open) and its run group; read the root facts. */
static int open_run(h5in *in, request *q, run_facts *f, mr_error *err)
{
    if (mr_h5r_open(&in->r, q->file, MR_H5R_NAMES_FROM_ROOT | MR_H5R_RESULT_FILE, err) < 0)
        return -1;
    const hid_t file = in->r.file;
    f->kind = mr_h5r_attr_str(file, ".", "kind");
    f->software = mr_h5r_attr_str(file, ".", "software_version");
    f->libm = mr_h5r_attr_str(file, "run_info", "libm_fingerprint");
    bool multi = f->kind && strcmp(f->kind, "run") != 0;
    /* an uncertainty file holds one run, the base scenario's: told by default */
    if (multi && !q->run && !strcmp(f->kind, "uncertainty"))
        q->run = "base";
    char runs[1024];
    if (multi && !q->run) {
        list_runs(file, runs, sizeof runs);
        return mr_h5r_fail(&in->r, "a %s file holds several runs: choose one with --run GROUP (%s)",
                           f->kind, runs[0] ? runs : "none found");
    }
    if (q->run) {
        const char *g = q->run[0] == '/' ? q->run + 1 : q->run;
        if (!multi)
            return mr_h5r_fail(&in->r, "--run %s: a file of a single run has no run groups",
                               q->run);
        if (!g[0] || !path_exists(in, file, g)) {
            list_runs(file, runs, sizeof runs);
            return mr_h5r_fail(&in->r, "--run %s: no such run (runs: %s)", q->run,
                               runs[0] ? runs : "none");
        }
        in->base = H5Gopen2(file, g, H5P_DEFAULT);
        char sub[300];
        snprintf(sub, sizeof sub, "%s/scenario/source", g);
        if (in->base < 0 || !path_exists(in, file, sub)) {
            list_runs(file, runs, sizeof runs);
            return mr_h5r_fail(&in->r, "--run %s: not a run (runs: %s)", q->run,
                               runs[0] ? runs : "none");
        }
        snprintf(in->r.where, sizeof in->r.where, "/%s", g);
    } else {
        in->base = H5Gopen2(file, "/", H5P_DEFAULT);
        if (in->base < 0)
            return damaged(in, "/");
    }
    mr_h5r *r = &in->r;
    const hid_t b = in->base;
    /* printed: as printable text (out/format.h) */
    f->name = mr_h5r_printable_own(mr_h5r_attr_str(b, ".", "scenario_name"));
    f->software = mr_h5r_printable_own(f->software);
    if (!f->name)
        return damaged(in, "scenario_name attribute");
    if (mr_h5r_attr_num(r, b, ".", "seed", H5T_NATIVE_UINT64, 1, &f->seed) < 0 ||
        mr_h5r_attr_num(r, b, ".", "trials", H5T_NATIVE_UINT64, 1, &f->trials) < 0 ||
        mr_h5r_attr_num(r, b, ".", "horizon_years", H5T_NATIVE_INT, 1, &f->horizon) < 0 ||
        mr_h5r_attr_num(r, b, ".", "steps_per_year", H5T_NATIVE_INT, 1, &f->steps_per_year) < 0)
        return -1;
    if (!path_exists(in, in->base, "scenario/source"))
        return damaged(in, "scenario/source");
    f->has_total_loss = path_exists(in, in->base, "trials/total_loss");
    return 0;
}

/* The worst trial (when none was asked for) and the trial's rank by total loss. */
static int place_trial(h5in *in, uint64_t *trial, bool pick, run_facts *f)
{
    hsize_t dims[3];
    if (mr_h5r_shape(in->base, "trials/total_loss", dims) != 1 || dims[0] != f->trials)
        return damaged(in, "trials/total_loss");
    const hsize_t N = dims[0];
    double *buf = malloc((size_t)(N < SCAN_ROWS ? (N ? N : 1) : SCAN_ROWS) * sizeof *buf);
    if (!buf)
        return mr_h5r_nomem(&in->r);
    /* pass 1: the largest loss, first on ties */
    if (pick) {
        double best = -INFINITY;
        uint64_t arg = 0;
        for (hsize_t r0 = 0; r0 < N; r0 += SCAN_ROWS) {
            hsize_t n = N - r0 < SCAN_ROWS ? N - r0 : SCAN_ROWS;
            if (mr_h5r_rows(in->base, "trials/total_loss", H5T_NATIVE_DOUBLE, r0, n, 1, buf) < 0) {
                free(buf);
                return damaged(in, "trials/total_loss");
            }
            for (hsize_t i = 0; i < n; i++)
                if (buf[i] > best) {
                    best = buf[i];
                    arg = r0 + i;
                }
        }
        *trial = arg;
    }
    /* pass 2: how many lost more, how many the same; with weights, the
       weight of those that lost at least as much, summed in trial order */
    const bool weighted = path_exists(in, in->base, "trials/weight");
    if (weighted && (mr_h5r_shape(in->base, "trials/weight", dims) != 1 || dims[0] != N)) {
        free(buf);
        return damaged(in, "trials/weight");
    }
    double *wbuf =
        weighted ? malloc((size_t)(N < SCAN_ROWS ? (N ? N : 1) : SCAN_ROWS) * sizeof *wbuf) : NULL;
    double mine;
    if ((weighted && !wbuf) ||
        mr_h5r_rows(in->base, "trials/total_loss", H5T_NATIVE_DOUBLE, *trial, 1, 1, &mine) < 0) {
        free(buf);
        free(wbuf);
        return weighted && !wbuf ? mr_h5r_nomem(&in->r) : damaged(in, "trials/total_loss");
    }
    f->loss = mine;
    f->n_greater = f->n_equal = 0;
    double wsum = 0.0;
    for (hsize_t r0 = 0; r0 < N; r0 += SCAN_ROWS) {
        hsize_t n = N - r0 < SCAN_ROWS ? N - r0 : SCAN_ROWS;
        const char *bad =
            mr_h5r_rows(in->base, "trials/total_loss", H5T_NATIVE_DOUBLE, r0, n, 1, buf) < 0
                ? "trials/total_loss"
            : weighted &&
                    mr_h5r_rows(in->base, "trials/weight", H5T_NATIVE_DOUBLE, r0, n, 1, wbuf) < 0
                ? "trials/weight"
                : NULL;
        if (bad) {
            free(buf);
            free(wbuf);
            return damaged(in, bad);
        }
        for (hsize_t i = 0; i < n; i++) {
            f->n_greater += buf[i] > mine;
            f->n_equal += buf[i] == mine;
            if (weighted && buf[i] >= mine)
                wsum += wbuf[i];
        }
    }
    f->p_weighted = weighted ? wsum / (double)N : NAN;
    free(buf);
    free(wbuf);
    return 0;
}

/* The mean and 99% VaR of the total loss from /summary, NaN when absent
   (a file without /summary); -1 when there but damaged: an object that
   fails to open is never passed over in silence. */
static int summary_context(h5in *in, double *mean, double *var99)
{
    const hid_t base = in->base;
    *mean = *var99 = NAN;
    if (path_exists(in, base, "summary/total_loss_mean") &&
        mr_h5r_f64(&in->r, base, "summary/total_loss_mean", mean, 1) < 0)
        return -1;
    if (!path_exists(in, base, "summary/quantile") ||
        !path_exists(in, base, "summary/total_loss_quantile"))
        return 0;
    double q[MR_OUTPUT_NQUANTILES], v[MR_OUTPUT_NQUANTILES];
    if (mr_h5r_f64(&in->r, base, "summary/quantile", q, MR_OUTPUT_NQUANTILES) < 0 ||
        mr_h5r_f64(&in->r, base, "summary/total_loss_quantile", v, MR_OUTPUT_NQUANTILES) < 0)
        return -1;
    for (size_t i = 0; i < MR_OUTPUT_NQUANTILES; i++)
        if (fabs(q[i] - 0.99) < 1e-12)
            *var99 = v[i];
    return 0;
}

/* ---- the check against the stored results ---------------------------------- */

typedef struct {
    size_t values, datasets; /* values checked; datasets of /trials checked */
    long long event_rows;    /* rows of /events checked; -1: no /events */
    char unchecked[512];     /* datasets of /trials this minrisk does not know */
    char mismatch[512];      /* the first difference, "" if none */
} check;

/* The per-trial variables checked: those of mr_trial_vars (out/results.h)
   that go to /trials (MR_VAR_FILE). */
static bool checked_var(const mr_trial_var *v)
{
    return (v->where & MR_VAR_FILE) != 0;
}

/* the coordinates, and the importance weight (checked by check_trials) */
static const char *const trial_coords[] = {"trial", "year", "mineral", "sector", "weight"};

static void append(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", len ? ", " : "", s);
}

/* The datasets of /trials this minrisk does not know, into c->unchecked. */
static int note_unknown(h5in *in, check *c)
{
    hid_t g = H5Gopen2(in->base, "trials", H5P_DEFAULT);
    char **names = NULL;
    size_t n = 0;
    if (g < 0 || mr_h5r_links(g, &names, &n) < 0) {
        if (g >= 0)
            H5Gclose(g);
        return damaged(in, "trials");
    }
    H5Gclose(g);
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (size_t k = 0; k < MR_NTRIAL_VARS && !known; k++)
            known = checked_var(&mr_trial_vars[k]) && !strcmp(names[i], mr_trial_vars[k].name);
        for (size_t k = 0; k < sizeof trial_coords / sizeof trial_coords[0] && !known; k++)
            known = !strcmp(names[i], trial_coords[k]);
        char shown[128];
        if (!known)
            append(c->unchecked, sizeof c->unchecked, mr_printable(names[i], shown, sizeof shown));
    }
    mr_h5r_free_strings(names, n);
    return 0;
}

/* Compare the replayed row with the stored /trials row of the trial. */
static int check_trials(h5in *in, const mr_results *row, uint64_t trial, uint64_t N, check *c)
{
    if (!path_exists(in, in->base, "trials"))
        return 0;
    const size_t S = (size_t)row->nsectors, H = (size_t)row->years;
    double *buf = malloc((S + (size_t)row->nminerals + H + H * S + 1) * sizeof *buf);
    if (!buf)
        return mr_h5r_nomem(&in->r);
    for (size_t v = 0; v < MR_NTRIAL_VARS; v++) {
        const mr_trial_var *tv = &mr_trial_vars[v];
        if (!checked_var(tv))
            continue;
        char name[96];
        snprintf(name, sizeof name, "trials/%s", tv->name);
        if (!path_exists(in, in->base, name))
            continue;
        hsize_t cols = (hsize_t)mr_cols_count(tv->cols, row->nsectors, row->nminerals, row->years);
        hsize_t dims[3];
        int rank = mr_h5r_shape(in->base, name, dims);
        /* [N], [N, cols], or [N, H, S] for a year x sector variable */
        int want = tv->cols == MR_COLS_ONE ? 1 : tv->cols == MR_COLS_YEAR_SECTOR ? 3 : 2;
        bool shape_ok = rank == want && dims[0] == N &&
                        (want == 1 || (want == 2 && dims[1] == cols) ||
                         (want == 3 && dims[1] == (hsize_t)H && dims[2] == (hsize_t)S));
        if (!shape_ok || mr_h5r_rows(in->base, name, H5T_NATIVE_DOUBLE, trial, 1, cols, buf) < 0) {
            free(buf);
            return damaged(in, name);
        }
        const double *mine = mr_results_cvar(row, tv);
        for (hsize_t k = 0; k < cols && !c->mismatch[0]; k++)
            if (memcmp(&buf[k], &mine[k], sizeof(double)) != 0) /* NaN == NaN bitwise */
                snprintf(c->mismatch, sizeof c->mismatch,
                         "/trials/%s[%llu, %llu]: stored %.17g, replayed %.17g", tv->name,
                         (unsigned long long)trial, (unsigned long long)k, buf[k], mine[k]);
        c->values += cols;
        c->datasets++;
    }
    free(buf);
    /* an importance-sampled run: the trial's likelihood ratio (docs/MODEL.md §12i);
       a weight without the tilt (/importance) that made it cannot be replayed */
    const bool weighted = path_exists(in, in->base, "trials/weight");
    if (weighted && !row->weight)
        return damaged(in, "importance (the file has /trials/weight)");
    if (weighted) {
        hsize_t dims[3];
        double w;
        if (mr_h5r_shape(in->base, "trials/weight", dims) != 1 || dims[0] != N ||
            mr_h5r_rows(in->base, "trials/weight", H5T_NATIVE_DOUBLE, trial, 1, 1, &w) < 0)
            return damaged(in, "trials/weight");
        if (!c->mismatch[0] && memcmp(&w, &row->weight[0], sizeof w) != 0)
            snprintf(c->mismatch, sizeof c->mismatch,
                     "/trials/weight[%llu]: stored %.17g, replayed %.17g",
                     (unsigned long long)trial, w, row->weight[0]);
        c->values++;
        c->datasets++;
    }
    return note_unknown(in, c);
}

/* /events rows of the trial against the replayed occurrences (the table is
   in trial order: the trial's rows are found by bisection). */
static int check_events(h5in *in, const mr_trace *tr, uint64_t trial, check *c)
{
    static const char *const cols[] = {
        "events/trial",       "events/process_index",   "events/start_step", "events/active_steps",
        "events/start_years", "events/duration_months", "events/severity"};
    hsize_t dims[3], E = 0;
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        if (!path_exists(in, in->base, cols[k]))
            return k == 0 ? 0 : damaged(in, cols[k]);
        if (mr_h5r_shape(in->base, cols[k], dims) != 1 || (k > 0 && dims[0] != E))
            return damaged(in, cols[k]);
        E = dims[0];
    }
    /* first row with trial >= t */
    uint64_t lo = 0, hi = E;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2, v;
        if (mr_h5r_rows(in->base, "events/trial", H5T_NATIVE_UINT64, mid, 1, 1, &v) < 0)
            return damaged(in, "events/trial");
        if (v < trial)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t first = lo, n = 0;
    for (;; n++) {
        uint64_t v;
        if (first + n >= E)
            break;
        if (mr_h5r_rows(in->base, "events/trial", H5T_NATIVE_UINT64, first + n, 1, 1, &v) < 0)
            return damaged(in, "events/trial");
        if (v != trial)
            break;
    }
    if (n != (uint64_t)tr->nocc) {
        snprintf(c->mismatch, sizeof c->mismatch,
                 "/events: %llu rows of trial %llu stored, %d occurrences replayed",
                 (unsigned long long)n, (unsigned long long)trial, tr->nocc);
        return 0;
    }
    size_t k = n ? (size_t)n : 1;
    int32_t *proc = malloc(k * sizeof *proc), *step = malloc(k * sizeof *step),
            *len = malloc(k * sizeof *len);
    double *tau = malloc(k * sizeof *tau), *dur = malloc(k * sizeof *dur),
           *sev = malloc(k * sizeof *sev);
    int rc = 0;
    if (!proc || !step || !len || !tau || !dur || !sev) {
        rc = mr_h5r_nomem(&in->r);
    } else if (n > 0 && (mr_h5r_rows(in->base, cols[1], H5T_NATIVE_INT32, first, n, 1, proc) < 0 ||
                         mr_h5r_rows(in->base, cols[2], H5T_NATIVE_INT32, first, n, 1, step) < 0 ||
                         mr_h5r_rows(in->base, cols[3], H5T_NATIVE_INT32, first, n, 1, len) < 0 ||
                         mr_h5r_rows(in->base, cols[4], H5T_NATIVE_DOUBLE, first, n, 1, tau) < 0 ||
                         mr_h5r_rows(in->base, cols[5], H5T_NATIVE_DOUBLE, first, n, 1, dur) < 0 ||
                         mr_h5r_rows(in->base, cols[6], H5T_NATIVE_DOUBLE, first, n, 1, sev) < 0)) {
        rc = damaged(in, "events");
    } else {
        for (uint64_t i = 0; i < n && !c->mismatch[0]; i++) {
            const mr_occurrence_record *o = &tr->occ[i];
            if (proc[i] != o->process || step[i] != o->first_step || len[i] != o->nsteps ||
                memcmp(&tau[i], &o->start_years, sizeof(double)) ||
                memcmp(&dur[i], &o->duration_months, sizeof(double)) ||
                memcmp(&sev[i], &o->severity, sizeof(double)))
                snprintf(c->mismatch, sizeof c->mismatch,
                         "/events row %llu (occurrence %llu of trial %llu) differs from the replay",
                         (unsigned long long)(first + i), (unsigned long long)i,
                         (unsigned long long)trial);
        }
        c->values += 6 * n;
        c->event_rows = (long long)n;
    }
    free(proc);
    free(step);
    free(len);
    free(tau);
    free(dur);
    free(sev);
    return rc;
}

/* ---- printing ------------------------------------------------------------- */

static void print_header(const request *q, const run_facts *f, const mr_scenario *sc,
                         uint64_t trial, const mr_results *row)
{
    printf("Trial %llu of %llu%s - %s\n", (unsigned long long)trial, (unsigned long long)f->trials,
           q->have_trial ? "" : ", the worst (largest total loss)", f->name);
    char file[512], run[320], grid[96];
    const int n = f->steps_per_year;
    const char *every = n == 4 ? "quarterly " : n == 2 ? "half-yearly " : n == 1 ? "yearly " : "";
    if (n == 12)
        snprintf(grid, sizeof grid, "monthly steps");
    else
        snprintf(grid, sizeof grid, "%ssteps (%d a year, %.3g months each)", every, n, 12.0 / n);
    printf("  file %s%s%s, seed %llu, horizon %d years in %s; months counted from 0 at the start "
           "of the horizon\n",
           mr_printable(q->file, file, sizeof file), q->run ? ", run " : "",
           q->run ? mr_printable(q->run, run, sizeof run) : "", (unsigned long long)f->seed,
           f->horizon, grid);
    char a[64], b[64], pr[256];
    mr_story_gbp_m(a, sizeof a, row->total_loss[0]);
    printf("  total loss GBP %s m over the horizon", a);
    if (f->has_total_loss)
        printf(": rank %llu of %llu (1 = worst; %llu trials lost less, %llu as much)",
               (unsigned long long)(f->n_greater + 1), (unsigned long long)f->trials,
               (unsigned long long)(f->trials - f->n_greater - f->n_equal),
               (unsigned long long)(f->n_equal - 1));
    printf("\n");
    if (row->weight) {
        /* the rank is of the tilted sample: a "1 of N" may be far rarer than 1/N */
        printf("  importance-sampled run: this trial's likelihood ratio is %.6g", row->weight[0]);
        if (!isnan(f->p_weighted))
            printf("; the rank counts the sampled trials of the tilted law; under the scenario's "
                   "law a loss at least this large has probability %.6g (the weights of the "
                   "trials that lost as much or more, summed, over N)",
                   f->p_weighted);
        printf("; the mean and VaR are weighted\n");
    }
    if (!isnan(f->mean) && !isnan(f->var99)) {
        mr_story_gbp_m(a, sizeof a, f->mean);
        mr_story_gbp_m(b, sizeof b, f->var99);
        printf("  for comparison, over all trials: mean GBP %s m, 99%% VaR GBP %s m\n", a, b);
    }
    if (sc->rationing == MR_RATION_PRIORITY) {
        printf("  allocation: priority rationing (served first: lower number;");
        for (int j = 0; j < sc->nsectors; j++)
            printf(" %s %d%s", mr_printable(sc->sectors[j].id, pr, sizeof pr),
                   sc->sectors[j].priority, j + 1 < sc->nsectors ? "," : "");
        printf("; other uses %d)\n", sc->other_uses_priority);
    } else {
        printf("  allocation: proportional (every user gets the same fraction of supply)\n");
    }
    int any = 0;
    for (int m = 0; m < sc->nminerals; m++)
        any += sc->minerals[m].stockpile.present;
    if (any) {
        printf("  strategic stockpiles (months of demand at the start):");
        for (int m = 0, k = 0; m < sc->nminerals; m++)
            if (sc->minerals[m].stockpile.present)
                printf("%s %s %.3g", k++ ? "," : "",
                       mr_printable(sc->minerals[m].id, pr, sizeof pr),
                       sc->minerals[m].stockpile.initial_months);
        printf("\n");
    }
    if (q->sector) {
        int j = 0;
        while (strcmp(sc->sectors[j].id, q->sector))
            j++;
        mr_story_gbp_m(a, sizeof a, row->sector_gva_loss[j] + row->sector_extra_cost[j]);
        char id[128], name[256];
        printf("  the story of sector %s (%s) only: its loss GBP %s m; it needs",
               mr_printable(sc->sectors[j].id, id, sizeof id),
               mr_printable(sc->sectors[j].name, name, sizeof name), a);
        for (int k = 0; k < sc->sectors[j].nneeds; k++)
            printf("%s %s", k ? "," : "",
                   mr_printable(sc->minerals[sc->sectors[j].needs[k].mineral].id, id, sizeof id));
        printf("\n");
    }
    printf("\n");
}

/* The story's loss (the trial's total, or one sector's) with each process
   that struck in the trial switched off: one counterfactual replay each
   (same random numbers for everything else, MODEL §12). loss[p] = NaN for
   the processes that did not strike. 0, or -1 (memory). */
static int losses_without(const mr_scenario *sc, const mr_model *md, const mr_trace *tr,
                          uint64_t trial, int sector, double *loss)
{
    const size_t P = (size_t)(md->nproc > 0 ? md->nproc : 1);
    unsigned char *off = calloc(P, 1);
    mr_results row;
    if (!off || mr_results_alloc(&row, 1, md->S, md->M, md->H, md->T)) {
        free(off);
        return -1;
    }
    for (int p = 0; p < md->nproc; p++)
        loss[p] = NAN;
    /* one replayer; it reads the mask `off` at each replay */
    mr_counterfactual cf = {off, NULL};
    mr_error e;
    mr_replayer *rp = mr_replayer_new(sc, &cf, &e);
    int rc = rp ? 0 : -1;
    for (int k = 0; k < tr->nocc && rc == 0; k++) {
        int p = tr->occ[k].process;
        if (!isnan(loss[p]))
            continue;
        memset(off, 0, P);
        off[p] = 1;
        if (mr_replayer_run(rp, trial, &row, NULL))
            rc = -1;
        else
            loss[p] = sector < 0 ? row.total_loss[0]
                                 : row.sector_gva_loss[sector] + row.sector_extra_cost[sector];
    }
    mr_replayer_free(rp);
    mr_results_free(&row);
    free(off);
    return rc;
}

/* ---- entry point ----------------------------------------------------------- */

/* MR_OK, or MR_BAD_INPUT with the usage error printed. */
static mr_status parse_args(int argc, char **argv, request *q, int *help)
{
    enum { TRIAL = MR_CLI_LONG, SECTOR, RUN, ALL_STEPS };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"trial", required_argument, NULL, TRIAL},
                                             {"sector", required_argument, NULL, SECTOR},
                                             {"run", required_argument, NULL, RUN},
                                             {"all-steps", no_argument, NULL, ALL_STEPS},
                                             {NULL, 0, NULL, 0}};
    memset(q, 0, sizeof *q);
    *help = 0;
    mr_cli_num why;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "explain", usage_explain, "", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case TRIAL:
            if ((why = mr_cli_parse_u64(v, &q->trial)))
                return mr_cli_number_error("explain", why,
                                           "--trial: must be a trial index 0 .. N-1, got '%s'", v);
            q->have_trial = 1;
            break;
        case SECTOR:
            q->sector = v;
            break;
        case RUN:
            q->run = v;
            break;
        case ALL_STEPS:
            q->all_steps = 1;
            break;
        default: /* MR_CLI_ARG */
            if (q->file)
                return mr_cli_usage_error("explain", "unexpected argument '%s'", v);
            q->file = v;
        }
    }
    if (p.stop) {
        *help = p.status == MR_OK;
        return p.status;
    }
    if (!q->file)
        return mr_cli_usage_error("explain", "%s", "missing FILE.h5");
    return MR_OK;
}

/* An importance-sampled run (/importance): the tilt it ran with, read
   back into sc->importance, so that the replay draws what the run drew.
   The stored scenario may have no importance block (--importance on the
   command line), or one whose target the cross-entropy stages turned into
   other factors: the file's factors and focus are the ones that ran
   (docs/MODEL.md §12i). 0, or -1 with the error in in->r. */
static int load_tilt(h5in *in, mr_scenario *sc)
{
    if (!path_exists(in, in->base, "importance"))
        return in->r.status ? -1 : 0;
    mr_importance *imp = &sc->importance;
    mr_importance_free(imp);
    memset(imp, 0, sizeof *imp);
    imp->present = 1;
    imp->target = MR_TARGET_NONE;
    hid_t g = H5Gopen2(in->base, "importance", H5P_DEFAULT);
    if (g < 0)
        return damaged(in, "importance");
    int rc = -1, years = 0;
    double alpha = 0.0;
    char *focus = mr_h5r_attr_str(g, ".", "focus");
    long long n = path_exists(in, g, "process") ? mr_h5r_extent(&in->r, g, "process") : 0;
    char **names = n > 0 ? mr_h5r_strings(&in->r, g, "process", (size_t)n) : NULL;
    double *factor =
        n > 0 ? mr_h5r_read_new(&in->r, g, "factor", H5T_NATIVE_DOUBLE, sizeof *factor, (size_t)n)
              : NULL;
    if (!focus || n < 0 || (n > 0 && (!names || !factor)) ||
        mr_h5r_attr_num(&in->r, g, ".", "defensive", H5T_NATIVE_DOUBLE, 1, &alpha) ||
        mr_h5r_attr_num(&in->r, g, ".", "focus_years", H5T_NATIVE_INT, 1, &years)) {
        if (!in->r.status)
            damaged(in, "importance");
        goto out;
    }
    const int year = !strcmp(focus, "year");
    if ((!year && strcmp(focus, "horizon")) ||
        (year && (years < 1 || !(alpha >= 0.0 && alpha < 1.0)))) {
        damaged(in, "importance focus attributes");
        goto out;
    }
    imp->focus = year ? MR_FOCUS_YEAR : MR_FOCUS_HORIZON;
    imp->defensive = year ? alpha : 0.0;
    imp->defensive_set = year;
    imp->focus_years = year ? (uint64_t)years : 0;
    for (long long k = 0; k < n; k++)
        if (!(factor[k] > 0.0) || mr_importance_add_rate(imp, names[k], factor[k], 0, 0)) {
            if (factor[k] > 0.0)
                mr_h5r_nomem(&in->r);
            else
                damaged(in, "importance/factor");
            goto out;
        }
    rc = 0;
out:
    free(focus);
    free(factor);
    mr_h5r_free_strings(names, n > 0 ? (size_t)n : 0);
    H5Gclose(g);
    return rc;
}

/* Parse the run's scenario as stored, with the file's seed and trials. */
static int load_scenario(h5in *in, const run_facts *f, mr_scenario *sc)
{
    /* a sweep's variant is stored as its resolved form (its source is the
       sweep's); everything else is replayed from the file as given */
    const char *dset =
        f->kind && !strcmp(f->kind, "sweep") ? "scenario/resolved" : "scenario/source";
    char *text = mr_h5r_text(&in->r, in->base, dset);
    if (!text)
        return -1;
    size_t len = strlen(text);
    /* A bundle (a scenario that `extends` others) resolves its parents by
       the paths it was run with: parse it under the first file's path. */
    static const char head[] = "# --- file: ";
    char first[512] = "";
    if (!strncmp(text, head, sizeof head - 1)) {
        const char *line = text + sizeof head - 1, *eol = strchr(line, '\n'), *open = NULL;
        for (const char *c = line; eol && c + 1 < eol; c++)
            if (c[0] == ' ' && c[1] == '(')
                open = c;
        if (open && (size_t)(open - line) < sizeof first)
            snprintf(first, sizeof first, "%.*s", (int)(open - line), line);
    }
    mr_error perr = {{0}};
    int rc = mr_scenario_parse(first[0] ? first : in->r.path, text, len, sc, &perr);
    free(text);
    if (rc == MR_FAILED)
        return mr_h5r_nomem(&in->r);
    if (rc)
        return mr_h5r_fail(&in->r, "%s/%s: the stored scenario does not load: %s", in->r.where,
                           dset, perr.msg);
    sc->seed = f->seed;
    sc->trials = f->trials;
    if (load_tilt(in, sc)) {
        mr_scenario_free(sc);
        return -1;
    }
    if (sc->horizon_years != f->horizon || sc->steps_per_year != f->steps_per_year) {
        mr_scenario_free(sc);
        return mr_h5r_fail(&in->r,
                           "the stored scenario's time grid (%d years x %d steps) differs from the "
                           "file's (%d x %d)",
                           sc->horizon_years, sc->steps_per_year, f->horizon, f->steps_per_year);
    }
    return 0;
}

/* The index of --sector ID in the scenario (-1 without --sector); else -1
   with the error in in->r. */
static int find_sector(h5in *in, const request *q, const mr_scenario *sc, int *sector)
{
    *sector = -1;
    if (!q->sector)
        return 0;
    for (int j = 0; j < sc->nsectors; j++)
        if (!strcmp(sc->sectors[j].id, q->sector))
            *sector = j;
    if (*sector >= 0)
        return 0;
    char ids[512] = "";
    for (int j = 0; j < sc->nsectors; j++)
        append(ids, sizeof ids, sc->sectors[j].id);
    return mr_h5r_fail(&in->r, "--sector %s: no such sector (sectors: %s)", q->sector, ids);
}

/* The trial to tell: --trial K, else the worst; and its place among all
   trials (place_trial). 0, or -1 with the error in in->r. */
static int choose_trial(h5in *in, const request *q, run_facts *f, uint64_t *trial)
{
    *trial = q->trial;
    if (q->have_trial && q->trial >= f->trials)
        return mr_h5r_fail(
            &in->r, "--trial %llu: out of range, the file has %llu trials (0 .. %llu)", q->trial,
            (unsigned long long)f->trials, (unsigned long long)(f->trials - 1));
    if (!q->have_trial && !f->has_total_loss)
        return mr_h5r_fail(&in->r,
                           "no per-trial results stored (output.trials: none), so no worst trial "
                           "to pick: give --trial K");
    if (f->has_total_loss && place_trial(in, trial, !q->have_trial, f) < 0)
        return -1;
    return 0;
}

/* The story of the trial (with the loss each process that struck caused,
   by counterfactual replays). MR_OK, or MR_FAILED with the error in in->r. */
static mr_status tell(h5in *in, const request *q, const run_facts *f, const mr_scenario *sc,
                      const mr_model *md, const mr_trace *tr, const mr_results *row, uint64_t trial,
                      int sector)
{
    double *without = calloc((size_t)(md->nproc > 0 ? md->nproc : 1), sizeof *without);
    if (!without || losses_without(sc, md, tr, trial, sector, without)) {
        free(without);
        mr_h5r_nomem(&in->r); /* a failure, not bad input: "FILE: out of memory" */
        return MR_FAILED;
    }
    print_header(q, f, sc, trial, row);
    mr_story story = {sc, md, tr, row, trial, f->trials, sector, q->all_steps != 0, without};
    const int told = mr_story_print(&story, stdout);
    free(without);
    if (told < 0) { /* a part of the story left out: not exit status 0 */
        mr_h5r_nomem(&in->r);
        return MR_FAILED;
    }
    return MR_OK;
}

/* "Check: ...": what the comparison of the replay with the file found.
   MR_OK, or MR_FAILED with err (and in->r failed) when the replay differs. */
static mr_status print_check(h5in *in, const request *q, const run_facts *f, const mr_scenario *sc,
                             uint64_t trial, const check *c, mr_error *err)
{
    printf("\nCheck: ");
    if (c->mismatch[0]) {
        printf("the replay DIFFERS from the stored results: %s\n", c->mismatch);
        /* the likely reasons a reader can act on: another version, or
           another libm code path (the same binary on another kind of CPU:
           the last bits differ, docs/HPC.md) */
        char why[200] = "";
        char here[17];
        snprintf(here, sizeof here, "%016llx", (unsigned long long)mr_libm_fingerprint());
        if (f->software && strcmp(f->software, MINRISK_VERSION))
            snprintf(why, sizeof why, "; the file was written by minrisk %.40s", f->software);
        else if (f->libm && strcmp(f->libm, here))
            snprintf(why, sizeof why,
                     "; the file was made where exp, log and pow take another code path (libm "
                     "fingerprint %.16s, here %s: docs/HPC.md)",
                     f->libm, here);
        snprintf(err->msg, sizeof err->msg,
                 "%s: the replay of trial %llu differs from the stored results (%s)%s", q->file,
                 (unsigned long long)trial, c->mismatch, why);
        in->r.status = MR_FAILED;
        return MR_FAILED;
    }
    if (c->datasets == 0 && c->event_rows < 0) {
        printf("the file keeps no per-trial results (output.trials: none) and no /events (written "
               "by run --events): the replay could not be checked.\n");
    } else {
        printf("the replay matches the stored results bit for bit: %zu values (", c->values);
        if (c->datasets > 0)
            printf("%zu datasets of /trials%s", c->datasets, c->event_rows >= 0 ? ", " : "");
        if (c->event_rows >= 0)
            printf("the trial's %lld row%s of /events", c->event_rows,
                   c->event_rows == 1 ? "" : "s");
        printf(").\n");
    }
    if (c->datasets == 0 && c->event_rows >= 0)
        printf("  The file keeps no per-trial results (output.trials: none): only /events could "
               "be checked.\n");
    else if (c->datasets > 0 && sc->output_trials == MR_OUTPUT_TRIALS_TOTALS)
        printf("  The file keeps only total_loss, total_gva_loss and annual_loss per trial "
               "(output.trials: totals): the rest could not be checked.\n");
    if (c->unchecked[0])
        printf("  Not checked (unknown to this minrisk %s): /trials/%s\n", MINRISK_VERSION,
               c->unchecked);
    return MR_OK;
}

mr_status mr_cmd_explain(int argc, char **argv)
{
    request q;
    int help;
    mr_status rc = parse_args(argc, argv, &q, &help);
    if (rc)
        return rc;
    if (help) /* the usage is printed */
        return MR_OK;
    mr_error err = {{0}};
    h5in in = {.base = -1};
    run_facts f;
    memset(&f, 0, sizeof f);
    f.p_weighted = NAN;
    mr_scenario sc;
    int have_sc = 0;
    mr_status status = MR_BAD_INPUT;
    mr_replayer *rp = NULL;
    mr_results row;
    mr_trace tr;
    int have_row = 0, have_tr = 0;
    int sector;
    uint64_t trial;

    if (open_run(&in, &q, &f, &err) < 0 || load_scenario(&in, &f, &sc) < 0)
        goto done;
    have_sc = 1;
    if (find_sector(&in, &q, &sc, &sector) < 0 || choose_trial(&in, &q, &f, &trial) < 0)
        goto done;

    /* the replay */
    status = MR_FAILED;
    rp = mr_replayer_new(&sc, NULL, &err);
    if (!rp) {
        in.r.status = MR_FAILED;
        goto done;
    }
    const mr_model *md = mr_replayer_model(rp);
    if (mr_results_alloc(&row, 1, md->S, md->M, md->H, md->T) ||
        mr_trace_alloc(&tr, md->M, md->S, md->T)) {
        if (row.total_loss)
            have_row = 1;
        mr_h5r_nomem(&in.r);
        goto done;
    }
    have_row = have_tr = 1;
    if (sc.importance.present && !(row.weight = calloc(1, sizeof *row.weight))) {
        mr_h5r_nomem(&in.r);
        goto done;
    }
    if (mr_replayer_run(rp, trial, &row, &tr)) {
        mr_h5r_fail(&in.r, "out of memory replaying trial %llu", (unsigned long long)trial);
        goto done;
    }

    /* check before printing, so that a damaged file prints only its error */
    check c;
    memset(&c, 0, sizeof c);
    c.event_rows = -1;
    status = MR_BAD_INPUT;
    if (mr_h5r_alloc_failed()) /* a read that failed for want of memory (read.h) */
        mr_h5r_nomem(&in.r);
    if (check_trials(&in, &row, trial, f.trials, &c) < 0 || check_events(&in, &tr, trial, &c) < 0 ||
        summary_context(&in, &f.mean, &f.var99) < 0 || in.r.status != MR_OK)
        goto done;
    status = tell(&in, &q, &f, &sc, md, &tr, &row, trial, sector);
    if (status == MR_OK)
        status = print_check(&in, &q, &f, &sc, trial, &c, &err);
done:
    if (in.r.status && err.msg[0])
        fprintf(stderr, "%s\n", err.msg);
    if (status != MR_OK && in.r.status == MR_FAILED) /* out of memory: not the file's fault */
        status = MR_FAILED;
    if (have_tr)
        mr_trace_free(&tr);
    if (have_row)
        mr_results_free(&row);
    mr_replayer_free(rp);
    if (have_sc)
        mr_scenario_free(&sc);
    if (in.base >= 0)
        H5Gclose(in.base);
    mr_h5r_close(&in.r);
    free(f.kind);
    free(f.software);
    free(f.libm);
    free(f.name);
    return status;
}

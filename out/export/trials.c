/* trials.c - a run's per-trial tables as CSV (`minrisk export --trials`;
 * docs/EXPORT.md): trials.csv, annual_loss.csv and mineral_trials.csv
 * (money in GBP m), and the long tables year_loss.csv and event_loss.csv.
 *
 * Their columns are the per-trial variables of MR_TRIAL_VARS
 * (out/results.h) that go to the file, in its order, each under its CSV
 * name (a per-sector one as "<sector>_<name>", one column per sector), by
 * their columns: one value and per sector in trials.csv (one row per
 * trial); per year in annual_loss.csv (one row per trial and year); per
 * mineral in mineral_trials.csv (one row per trial and mineral). So a
 * variable added to MR_TRIAL_VARS is exported with no edit here. A
 * variable kept by output.trials: totals (MR_VAR_TOTALS) must be in the
 * file; the others are left out when it does not have them, and a table
 * left with none is not written. Rows are read ROWS_PER_READ trials at a
 * time.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/export/ex.h"

#include "out/results.h"

#include <hdf5.h>

#include <stdlib.h>
#include <string.h>

/* The rows of a per-trial table: one per trial, or per trial and year, or
   per trial and mineral. */
typedef enum { BY_TRIAL, BY_YEAR, BY_MINERAL } rows_by;

/* The per-trial tables: their rows, and their variables by columns. */
static const struct {
    const char *file;
    rows_by by;
    unsigned cols; /* bits 1 << mr_cols */
} tables[] = {
    {"trials.csv", BY_TRIAL, 1u << MR_COLS_ONE | 1u << MR_COLS_SECTOR},
    {"annual_loss.csv", BY_YEAR, 1u << MR_COLS_YEAR | 1u << MR_COLS_YEAR_SECTOR},
    {"mineral_trials.csv", BY_MINERAL, 1u << MR_COLS_MINERAL},
};

/* One variable of a table. */
typedef struct {
    const mr_trial_var *v;
    char ds[NAME_LEN]; /* its dataset, "trials/<name>" */
    bool by_sector;    /* one column per sector */
    size_t per;        /* values per row of the table: 1, or S by sector */
    double *buf;       /* ROWS_PER_READ trials of it */
} tvar;

/* A table being written: its rows are (trial, e) for e < E. */
typedef struct {
    const char *file;
    rows_by by;
    long long N;                /* trials */
    size_t E;                   /* rows per trial */
    const long long *years;     /* BY_YEAR: the year of row e */
    char *const *ids;           /* BY_MINERAL: the mineral of row e */
    tvar v[MR_NTRIAL_VARS + 1]; /* and the importance weight */
    size_t nv;
} ttable;

/* The likelihood ratio of an importance-sampled run (/trials/weight,
   docs/OUTPUT.md "Weighted estimators"): a column of trials.csv, right
   after `trial`, so that the rows can be weighted. Not a member of
   MR_TRIAL_VARS: the engine forms it, and only with a tilt. */
static const mr_trial_var weight_var = {"weight",
                                        0,
                                        MR_COLS_ONE,
                                        "1",
                                        MR_VAR_FILE,
                                        "weight_ratio",
                                        "likelihood ratio of the trial under the importance tilt"};

/* The variables of table t that the file has: those of MR_TRIAL_VARS in
   the file with one of its columns and a CSV name, each of N E per values
   (E per value of each trial). 0, or -1 when one that must be there is not
   (or has another size). */
static int table_vars(ex *x, const ex_run *r, unsigned cols, ttable *t)
{
    t->nv = 0;
    /* the weight first, when there is one (it is not in a plain run's file) */
    const bool weighted = t->by == BY_TRIAL && ex_exists(r->g, "trials/weight");
    for (int k = weighted ? -1 : 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = k < 0 ? &weight_var : &mr_trial_vars[k];
        if (!(v->where & MR_VAR_FILE) || !(cols & 1u << v->cols) || !v->csv[0])
            continue;
        tvar *tv = &t->v[t->nv];
        memset(tv, 0, sizeof *tv);
        tv->v = v;
        snprintf(tv->ds, sizeof tv->ds, "trials/%s", v->name);
        tv->by_sector = v->cols == MR_COLS_SECTOR || v->cols == MR_COLS_YEAR_SECTOR;
        tv->per = tv->by_sector ? r->S : 1;
        if (!(v->where & MR_VAR_TOTALS) && !ex_exists(r->g, tv->ds))
            continue; /* output.trials: totals */
        if (ex_check_extent(x, r->g, tv->ds, t->N, t->E, tv->per) < 0)
            return -1;
        t->nv++;
    }
    return 0;
}

static void put_head(csv *c, const ex_run *r, const ttable *t)
{
    csv_str(c, "trial");
    if (t->by != BY_TRIAL)
        csv_str(c, t->by == BY_YEAR ? "year" : "mineral");
    for (size_t k = 0; k < t->nv; k++) {
        if (!t->v[k].by_sector)
            csv_str(c, t->v[k].v->csv);
        else
            for (size_t j = 0; j < t->v[k].per; j++)
                csv_head(c, "%s_%s", r->sector[j], t->v[k].v->csv);
    }
    csv_row(c);
}

/* Rows r0 .. r0 + nr - 1 of every variable into its buffer; 0 or -1. */
static int read_block(ex *x, const ex_run *r, ttable *t, long long r0, hsize_t nr,
                      unsigned long long *trial)
{
    if (ex_read_rows(x, r->g, "trials/trial", (hsize_t)r0, nr, 1, H5T_NATIVE_ULLONG, trial))
        return -1;
    for (size_t k = 0; k < t->nv; k++)
        if (ex_read_rows(x, r->g, t->v[k].ds, (hsize_t)r0, nr, t->E * t->v[k].per,
                         H5T_NATIVE_DOUBLE, t->v[k].buf))
            return -1;
    return 0;
}

/* The rows of nr trials, from the buffers. */
static void put_rows(csv *c, const ttable *t, hsize_t nr, const unsigned long long *trial)
{
    for (hsize_t i = 0; i < nr; i++)
        for (size_t e = 0; e < t->E; e++) {
            csv_u64(c, trial[i]);
            if (t->by == BY_YEAR)
                csv_i64(c, t->years[e]);
            else if (t->by == BY_MINERAL)
                csv_str(c, t->ids[e]);
            for (size_t k = 0; k < t->nv; k++) {
                const tvar *tv = &t->v[k];
                const bool gbp = !strcmp(tv->v->units, "GBP"); /* written in GBP m */
                for (size_t j = 0; j < tv->per; j++) {
                    double val = tv->buf[((size_t)i * t->E + e) * tv->per + j];
                    if (gbp)
                        csv_gbp_m(c, val);
                    else
                        csv_f64(c, val);
                }
            }
            csv_row(c);
        }
}

/* Write table t, ROWS_PER_READ trials at a time. */
static int write_table(ex *x, const ex_run *r, const char *dir, ttable *t)
{
    const size_t B = ROWS_PER_READ;
    unsigned long long *trial = malloc(B * sizeof *trial);
    bool ok = trial != NULL;
    for (size_t k = 0; k < t->nv; k++) {
        size_t n = t->E * t->v[k].per;
        ok &= (t->v[k].buf = malloc(B * (n ? n : 1) * sizeof(double))) != NULL;
    }
    csv c;
    if (!ok)
        mr_h5r_nomem(&x->r);
    else if (csv_open(x, &c, dir, t->file) == 0) {
        put_head(&c, r, t);
        for (long long r0 = 0; r0 < t->N && x->r.status == MR_OK; r0 += (long long)B) {
            hsize_t nr = (hsize_t)(t->N - r0 < (long long)B ? t->N - r0 : (long long)B);
            if (read_block(x, r, t, r0, nr, trial) < 0)
                break;
            put_rows(&c, t, nr, trial);
        }
        csv_close(&c);
    }
    free(trial);
    for (size_t k = 0; k < t->nv; k++)
        free(t->v[k].buf);
    return x->r.status == MR_OK ? 0 : -1;
}

/* One per-trial table of run r, when the file has variables for it. */
static int export_trial_table(ex *x, const ex_run *r, const char *dir, size_t which)
{
    ttable t;
    memset(&t, 0, sizeof t);
    t.file = tables[which].file;
    t.by = tables[which].by;
    t.N = ex_extent(x, r->g, "trials/trial");
    if (t.N < 0)
        return -1;
    long long H = t.by == BY_YEAR ? ex_extent(x, r->g, "trials/year") : 0;
    if (H < 0)
        return -1;
    t.E = t.by == BY_YEAR ? (size_t)H : t.by == BY_MINERAL ? r->M : 1;
    t.ids = r->mineral;
    if (table_vars(x, r, tables[which].cols, &t) < 0)
        return -1;
    if (t.nv == 0)
        return 0;
    long long *years = NULL;
    if (t.by == BY_YEAR)
        t.years = years = ex_read_i64(x, r->g, "trials/year", (size_t)H);
    if (x->r.status == MR_OK)
        write_table(x, r, dir, &t);
    free(years);
    return x->r.status == MR_OK ? 0 : -1;
}

/* The per-trial tables of run r into dir (the file has /trials); stops at
   the first failure. */
int ex_trial_tables(ex *x, const ex_run *r, const char *dir)
{
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++)
        if (export_trial_table(x, r, dir, k) < 0)
            return -1;
    return 0;
}

/* A long table: one row per (row r, sector j) of the [n, S] or [n, H, S]
   dataset ds (leading column `lead` from lead_ds, the trial, the year when
   H > 0, the sector, the value in GBP m), ROWS_PER_READ rows at a time. */
static int long_table(ex *x, const ex_run *r, const char *dir, const char *file,
                      const char *lead_ds, const char *lead, const char *trial_ds, const char *ds,
                      long long n, size_t H)
{
    const size_t S = r->S, E = H ? H : 1, B = ROWS_PER_READ;
    if (ex_check_extent(x, r->g, ds, n, E, S) < 0)
        return -1;
    unsigned long long *id = malloc(B * sizeof *id), *trial = malloc(B * sizeof *trial);
    double *v = malloc(B * E * (S ? S : 1) * sizeof *v);
    csv c;
    if (!id || !trial || !v)
        mr_h5r_nomem(&x->r);
    else if (csv_open(x, &c, dir, file) == 0) {
        if (lead)
            csv_str(&c, lead);
        csv_str(&c, "trial");
        if (H)
            csv_str(&c, "year");
        csv_str(&c, "sector");
        csv_str(&c, "loss_gbp_m");
        csv_row(&c);
        for (long long r0 = 0; r0 < n && x->r.status == MR_OK; r0 += (long long)B) {
            hsize_t nr = (hsize_t)(n - r0 < (long long)B ? n - r0 : (long long)B);
            if ((lead &&
                 ex_read_rows(x, r->g, lead_ds, (hsize_t)r0, nr, 1, H5T_NATIVE_ULLONG, id)) ||
                ex_read_rows(x, r->g, trial_ds, (hsize_t)r0, nr, 1, H5T_NATIVE_ULLONG, trial) ||
                ex_read_rows(x, r->g, ds, (hsize_t)r0, nr, E * S, H5T_NATIVE_DOUBLE, v))
                break;
            for (hsize_t i = 0; i < nr; i++)
                for (size_t y = 0; y < E; y++)
                    for (size_t j = 0; j < S; j++) {
                        if (lead)
                            csv_u64(&c, id[i]);
                        csv_u64(&c, trial[i]);
                        if (H)
                            csv_u64(&c, y + 1);
                        csv_str(&c, r->sector[j]);
                        csv_gbp_m(&c, v[((size_t)i * E + y) * S + j]);
                        csv_row(&c);
                    }
        }
        csv_close(&c);
    }
    free(id);
    free(trial);
    free(v);
    return x->r.status == MR_OK ? 0 : -1;
}

int ex_long_tables(ex *x, const ex_run *r, const char *dir)
{
    if (ex_exists(r->g, "trials/sector_annual_loss")) {
        long long N = ex_extent(x, r->g, "trials/trial"), H = ex_extent(x, r->g, "trials/year");
        if (N < 0 || H < 0 ||
            long_table(x, r, dir, "year_loss.csv", NULL, NULL, "trials/trial",
                       "trials/sector_annual_loss", N, (size_t)H) < 0)
            return -1;
    }
    if (ex_exists(r->g, "events/loss")) {
        long long E = ex_extent(x, r->g, "events/event");
        if (E < 0 || long_table(x, r, dir, "event_loss.csv", "events/event", "event",
                                "events/trial", "events/loss", E, 0) < 0)
            return -1;
    }
    return 0;
}

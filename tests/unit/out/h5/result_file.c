/* result_file.c - the result file (out/h5/writer.c): a hand-made scenario and
 * results with known values are written, read back with the HDF5 API and
 * checked (values, statistics, attributes, dimension scales); failures leave
 * no file behind.
 *
 * `unit_out_h5_result_file --write-sample FILE` writes the same sample file and exits;
 * tests/output/output_xarray.py opens it with xarray. `unit_out_h5_result_file --print-summary
 * FILE` prints its tables (mr_summary_print) in a fresh process.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/minrisk.h"
#include "out/h5/writer.h"
#include "out/tables/summary.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* H5Dvlen_reclaim was renamed H5Treclaim in HDF5 1.12. */
#if H5_VERSION_GE(1, 12, 0)
#define VLEN_RECLAIM H5Treclaim
#else
#define VLEN_RECLAIM H5Dvlen_reclaim
#endif

#define EXACT(a, b) assert_true((a) == (b))

/* ---- the sample run ------------------------------------------------------ */

enum { N = 10, S = 2, M = 2, C = 1, H = 2, NPY = 2, T = H * NPY };

static const char *const SOURCE_TEXT =
    "name: unit-sample\n# a hand-made scenario for unit_output\nsimulation:\n"
    "  horizon_years: 2\n  steps_per_year: 2\n";

typedef struct {
    mr_scenario sc;
    mr_results res;
    mr_run_info info;
    char dir[64];
} fixture;

static char *xstrdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    strcpy(d, s);
    return d;
}

static void make_scenario(mr_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->name = xstrdup("unit-sample");
    sc->description = xstrdup("two minerals, two sectors, one country");
    sc->source_path = xstrdup("tests/unit-sample.yaml");
    sc->source_text = xstrdup(SOURCE_TEXT);
    sc->source_len = strlen(SOURCE_TEXT);
    sc->horizon_years = H;
    sc->steps_per_year = NPY;
    sc->trials = N;
    sc->seed = UINT64_C(18446744073709551557); /* > 2^63: checks the uint64 attribute */
    sc->buffer_refill_rate = 1.0;
    sc->ncountries = C;
    sc->countries = calloc(C, sizeof *sc->countries);
    assert_non_null(sc->countries);
    sc->countries[0].id = xstrdup("CN");
    sc->countries[0].name = xstrdup("China");
    sc->nminerals = M;
    sc->minerals = calloc(M, sizeof *sc->minerals);
    assert_non_null(sc->minerals);
    const char *mid[M] = {"gallium", "germanium"}, *mname[M] = {"Gallium", "Germanium"};
    for (int m = 0; m < M; m++) {
        mr_mineral *mi = &sc->minerals[m];
        mi->id = xstrdup(mid[m]);
        mi->name = xstrdup(mname[m]);
        mi->unit = xstrdup("t");
        mi->demand_t = 10.0 * (m + 1);
        mi->price = (mr_price){.ref = 1000.0, .elasticity = 0.5, .max_multiple = 10.0};
    }
    /* gallium has a stockpile (it runs empty in odd trials), germanium none */
    sc->minerals[0].stockpile = (mr_stockpile){.present = true,
                                               .target_months = 3.0,
                                               .initial_months = 3.0,
                                               .max_release = 1.0,
                                               .refill_rate = 0.5};
    sc->nsectors = S;
    sc->sectors = calloc(S, sizeof *sc->sectors);
    assert_non_null(sc->sectors);
    const char *sid[S] = {"automotive", "defence"}, *sname[S] = {"Automotive", "Defence"};
    for (int j = 0; j < S; j++) {
        sc->sectors[j].id = xstrdup(sid[j]);
        sc->sectors[j].name = xstrdup(sname[j]);
        sc->sectors[j].output_gbp = 1e9;
        sc->sectors[j].recovery_rate = 1.0;
    }
    sc->interdependency = calloc(S * S, sizeof *sc->interdependency);
    sc->price_correlation = calloc(M * M, sizeof *sc->price_correlation);
    assert_non_null(sc->interdependency);
    assert_non_null(sc->price_correlation);
    for (int m = 0; m < M; m++)
        sc->price_correlation[m * M + m] = 1.0;
}

static void free_scenario(mr_scenario *sc)
{
    for (int c = 0; c < sc->ncountries; c++) {
        free(sc->countries[c].id);
        free(sc->countries[c].name);
    }
    for (int m = 0; m < sc->nminerals; m++) {
        free(sc->minerals[m].id);
        free(sc->minerals[m].name);
        free(sc->minerals[m].unit);
    }
    for (int j = 0; j < sc->nsectors; j++) {
        free(sc->sectors[j].id);
        free(sc->sectors[j].name);
    }
    free(sc->countries);
    free(sc->minerals);
    free(sc->sectors);
    free(sc->interdependency);
    free(sc->price_correlation);
    free(sc->name);
    free(sc->description);
    free(sc->source_path);
    free(sc->source_text);
}

/* Band histogram bins used by make_results (see test_bands_*). */
static size_t q_mid_bin(size_t t, size_t j)
{
    return 10 * t + 100 * j + 1;
}
/* The bin whose centre is y = 0 (P = P0). */
#define Y_ZERO_BIN ((size_t)(-MR_BAND_Y_MIN / MR_BAND_Y_WIDTH + 0.5))
static size_t y_mid_bin(size_t t, size_t m)
{
    return Y_ZERO_BIN + 20 * (t + 1) + 100 * m;
}

/* Trial i (k = i + 1) of the sample:
     OL = 100k, 200k; XC = 10k, -10k  => sector losses 110k, 190k; total 300k
     GL = OL (the sample's sectors have no gva_gbp): total GL 300k
     sector annual losses: sector 0 50k, 60k; sector 1 50k, 140k
     annual losses 100k, 200k
     gallium: shortfall mean 0.001 i, peak 0.005 i, months i, price peak 1 + 0.1 i,
              stockpile empty at month 5 in odd trials, never in even ones
     germanium: no shortfall, price peak 2, no stockpile
     market variables (distinct for every variable, mineral and trial):
       market price peak 1.5 + 0.01 i and 1.25 + 0.02 i, home price peak 1.125 + 0.03 i
       and 1.0625 + 0.04 i, market loss peak 0.05 + 0.001 i and 0.07 + 0.002 i,
       stock drawn peak 0.25 i and 0.5 i, demand destroyed 0.125 i and 0.375 i,
       consumption fall peak 0.1 + 0.005 i and 0.2 + 0.005 i, guard months i and 2 i
     inoperability peak 0.1 i and 0.05 i, months i and 0 */
static void make_results(mr_results *r, size_t n)
{
    memset(r, 0, sizeof *r);
    r->ntrials = n;
    r->ntrials_total = n;
    r->nsectors = S;
    r->nminerals = M;
    r->years = H;
    r->steps = T;
#define ALLOC(field, count) assert_non_null(r->field = calloc((count), sizeof *r->field))
    ALLOC(total_loss, n);
    ALLOC(total_gva_loss, n);
    ALLOC(sector_gva_loss, n * S);
    ALLOC(sector_output_loss, n * S);
    ALLOC(sector_extra_cost, n * S);
    ALLOC(annual_loss, n * H);
    ALLOC(sector_annual_loss, n * H * S);
    ALLOC(mineral_shortfall_mean, n * M);
    ALLOC(mineral_shortfall_peak, n * M);
    ALLOC(mineral_shortfall_months, n * M);
    ALLOC(mineral_price_peak, n * M);
    ALLOC(mineral_stockpile_empty_month, n * M);
    ALLOC(mineral_price_peak_market, n * M);
    ALLOC(mineral_home_price_peak, n * M);
    ALLOC(mineral_market_loss_peak, n * M);
    ALLOC(mineral_stock_drawn_peak, n * M);
    ALLOC(mineral_demand_destroyed, n * M);
    ALLOC(mineral_consumption_fall_peak, n * M);
    ALLOC(mineral_price_mean, n * M);
    ALLOC(mineral_market_short_months, n * M);
    ALLOC(mineral_scarce_months, n * M);
    ALLOC(mineral_control_actions, n * M);
    ALLOC(mineral_guard_months, n * M);
    ALLOC(sector_inoperability_peak, n * S);
    ALLOC(sector_inoperability_months, n * S);
    ALLOC(band_q, (size_t)T * S * MR_BAND_Q_BINS);
    ALLOC(band_y, (size_t)T * M * MR_BAND_Y_BINS);
#undef ALLOC
    for (size_t i = 0; i < n; i++) {
        double k = (double)(i + 1);
        r->total_loss[i] = 300 * k;
        r->total_gva_loss[i] = 300 * k;
        r->sector_gva_loss[i * S + 0] = 100 * k;
        r->sector_gva_loss[i * S + 1] = 200 * k;
        r->sector_output_loss[i * S + 0] = 100 * k;
        r->sector_output_loss[i * S + 1] = 200 * k;
        r->sector_extra_cost[i * S + 0] = 10 * k;
        r->sector_extra_cost[i * S + 1] = -10 * k;
        r->annual_loss[i * H + 0] = 100 * k;
        r->annual_loss[i * H + 1] = 200 * k;
        r->sector_annual_loss[(i * H + 0) * S + 0] = 50 * k;
        r->sector_annual_loss[(i * H + 1) * S + 0] = 60 * k;
        r->sector_annual_loss[(i * H + 0) * S + 1] = 50 * k;
        r->sector_annual_loss[(i * H + 1) * S + 1] = 140 * k;
        r->mineral_shortfall_mean[i * M + 0] = 0.001 * (double)i;
        r->mineral_shortfall_peak[i * M + 0] = 0.005 * (double)i;
        r->mineral_shortfall_months[i * M + 0] = (double)i;
        r->mineral_price_peak[i * M + 0] = 1.0 + 0.1 * (double)i;
        r->mineral_stockpile_empty_month[i * M + 0] = (i % 2) ? 5.0 : NAN;
        r->mineral_price_peak[i * M + 1] = 2.0;
        r->mineral_stockpile_empty_month[i * M + 1] = NAN;
        for (size_t m = 0; m < M; m++) {
            double x = (double)i, mm = (double)(m + 1);
            r->mineral_price_peak_market[i * M + m] = 1.0 + 0.5 / mm + 0.01 * mm * x;
            r->mineral_home_price_peak[i * M + m] = 1.0 + 0.125 / mm + 0.01 * (mm + 2) * x;
            r->mineral_market_loss_peak[i * M + m] = 0.03 + 0.02 * mm + 0.001 * mm * x;
            r->mineral_stock_drawn_peak[i * M + m] = 0.25 * mm * x;
            r->mineral_demand_destroyed[i * M + m] = 0.125 * (2 * mm - 1) * x;
            r->mineral_consumption_fall_peak[i * M + m] = 0.1 * mm + 0.005 * x;
            r->mineral_price_mean[i * M + m] = 1.0 + 0.0625 * mm + 0.003 * x;
            r->mineral_market_short_months[i * M + m] = 2 * mm + x;
            r->mineral_scarce_months[i * M + m] = 0.5 * mm + x;
            r->mineral_control_actions[i * M + m] = 3 * mm + 2 * x;
            r->mineral_guard_months[i * M + m] = mm * x;
        }
        r->sector_inoperability_peak[i * S + 0] = 0.1 * (double)i;
        r->sector_inoperability_peak[i * S + 1] = 0.05 * (double)i;
        r->sector_inoperability_months[i * S + 0] = (double)i;
    }
    /* Each step's histograms hold n counts: 40% low, 50% in a middle bin, 10% high. */
    for (size_t t = 0; t < T; t++) {
        for (size_t j = 0; j < S; j++) {
            uint64_t *h = r->band_q + (t * S + j) * MR_BAND_Q_BINS;
            h[0] = 4 * n / 10;
            h[q_mid_bin(t, j)] = 5 * n / 10;
            h[MR_BAND_Q_BINS - 1] = n / 10;
        }
        for (size_t m = 0; m < M; m++) {
            uint64_t *h = r->band_y + (t * M + m) * MR_BAND_Y_BINS;
            h[Y_ZERO_BIN] = 4 * n / 10;
            h[y_mid_bin(t, m)] = 5 * n / 10;
            h[MR_BAND_Y_BINS - 1] = n / 10;
        }
    }
}

/* ---- fixture: a fresh temporary directory ---------------------------------- */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    make_scenario(&f->sc);
    make_results(&f->res, N);
    f->info = (mr_run_info){.threads = 3, .wall_seconds = 1.5, .trials_per_second = N / 1.5};
    strcpy(f->dir, "/tmp/unit_output.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

/* Remove the directory tree (plain files and directories only). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d)
            closedir(d);
        chmod(path, 0700);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->dir);
    free_scenario(&f->sc);
    mr_results_free(&f->res);
    free(f);
    return 0;
}

static void path_in(const fixture *f, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", f->dir, name);
}

/* The directory's entries other than . and .., joined by spaces in readdir order. */
static int count_entries(const char *dir, char *names, size_t size)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    names[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        n++;
        strncat(names, e->d_name, size - strlen(names) - 2);
        strcat(names, " ");
    }
    closedir(d);
    return n;
}

/* ---- reading helpers -------------------------------------------------------- */

static void read_f64(hid_t file, const char *name, double *buf, size_t n)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) {
        print_error("missing dataset %s\n", name);
        fail();
    }
    hid_t sp = H5Dget_space(ds);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    if (np != (hssize_t)n) {
        print_error("%s has %lld values, want %zu\n", name, (long long)np, n);
        fail();
    }
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(sp);
    H5Dclose(ds);
}

static double read_scalar(hid_t file, const char *name)
{
    double v;
    read_f64(file, name, &v, 1);
    return v;
}

/* Value `col` of row `row` of a dataset of `cols` values a row. */
static double read_scalar_row(hid_t file, const char *name, size_t row, size_t cols, size_t col)
{
    double x[N * H * S];
    assert_true(cols <= H * S);
    read_f64(file, name, x, N * cols);
    return x[row * cols + col];
}

static void check_shape(hid_t file, const char *name, int rank, const hsize_t *dims)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t sp = H5Dget_space(ds);
    hsize_t got[8];
    int r = H5Sget_simple_extent_dims(sp, got, NULL);
    if (r != rank) {
        print_error("%s has rank %d, want %d\n", name, r, rank);
        fail();
    }
    for (int k = 0; k < rank; k++)
        assert_int_equal(got[k], dims[k]);
    H5Sclose(sp);
    H5Dclose(ds);
}

/* A string attribute (variable-length or fixed) of the object at obj_name;
   caller frees. */
static char *read_attr_str(hid_t file, const char *obj_name, const char *attr)
{
    hid_t a = H5Aopen_by_name(file, obj_name, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) {
        print_error("%s has no attribute %s\n", obj_name, attr);
        fail();
    }
    hid_t ft = H5Aget_type(a);
    assert_int_equal(H5Tget_class(ft), H5T_STRING);
    assert_true(H5Tis_variable_str(ft) > 0);
    assert_int_equal(H5Tget_cset(ft), H5T_CSET_UTF8);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *v = NULL;
    assert_true(H5Aread(a, mt, &v) >= 0);
    char *out = xstrdup(v);
    H5free_memory(v);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Aclose(a);
    return out;
}

/* A scalar attribute stored as an unsigned 64-bit integer. */
static uint64_t read_attr_u64(hid_t file, const char *obj_name, const char *attr)
{
    hid_t a = H5Aopen_by_name(file, obj_name, attr, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_int_equal(H5Tget_class(ft), H5T_INTEGER);
    assert_int_equal(H5Tget_sign(ft), H5T_SGN_NONE);
    assert_int_equal(H5Tget_size(ft), 8);
    uint64_t v = 0;
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0);
    H5Tclose(ft);
    H5Aclose(a);
    return v;
}

static void check_attr_str(hid_t file, const char *obj, const char *attr, const char *want)
{
    char *got = read_attr_str(file, obj, attr);
    assert_string_equal(got, want);
    free(got);
}

/* String values of a 1-D (or scalar, n == 1) string dataset; caller frees each. */
static void read_strings(hid_t file, const char *name, char **out, size_t n)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t sp = H5Dget_space(ds);
    assert_int_equal(H5Sget_simple_extent_npoints(sp), n);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *v[8];
    assert_true(n <= 8);
    assert_true(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(v[i]);
    VLEN_RECLAIM(mt, sp, H5P_DEFAULT, v);
    H5Tclose(mt);
    H5Sclose(sp);
    H5Dclose(ds);
}

static void check_strings(hid_t file, const char *name, const char *const *want, size_t n)
{
    char *got[8];
    read_strings(file, name, got, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(got[i], want[i]);
        free(got[i]);
    }
}

/* dataset `name` has dimension k attached to the scale `scale` */
static void check_dim(hid_t file, const char *name, unsigned k, const char *scale)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT), sc = H5Dopen2(file, scale, H5P_DEFAULT);
    assert_true(ds >= 0 && sc >= 0);
    assert_true(H5DSis_scale(sc) > 0);
    if (H5DSis_attached(ds, sc, k) <= 0) {
        print_error("%s dim %u is not attached to %s\n", name, k, scale);
        fail();
    }
    H5Dclose(sc);
    H5Dclose(ds);
}

static hid_t write_and_open(fixture *f, char *path, size_t size)
{
    path_in(f, "run.h5", path, size);
    mr_error err = {{0}};
    if (mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err) != 0) {
        print_error("write failed: %s\n", err.msg);
        fail();
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    return file;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_write_leaves_only_the_file(void **state)
{
    fixture *f = *state;
    char path[256], names[512];
    hid_t file = write_and_open(f, path, sizeof path);
    H5Fclose(file);
    assert_int_equal(count_entries(f->dir, names, sizeof names), 1);
    assert_string_equal(names, "run.h5 ");
    mr_output_remove_partial(); /* nothing in progress: a no-op */
    assert_int_equal(access(path, F_OK), 0);
}

static void test_root_attributes(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    check_attr_str(file, "/", "format", "minrisk");
    check_attr_str(file, "/", "software_version", MINRISK_VERSION);
    check_attr_str(file, "/", "scenario_name", "unit-sample");
    check_attr_str(file, "/", "rng", "philox4x32-10");
    int ver[2] = {0, 0};
    assert_true(H5LTget_attribute_int(file, "/", "format_version", ver) >= 0);
    assert_int_equal(ver[0], 1);
    assert_int_equal(ver[1], 9); /* 1.9: /uncertainty/key_unit */
    check_attr_str(file, "/", "Conventions", "CF-1.8");
    /* long_name: the description's first clause, parentheses dropped */
    check_attr_str(file, "/summary/aal", "long_name", "Average annual loss");
    check_attr_str(file, "/summary/time", "units", "months");
    /* every sector of the sample lacks gva_gbp: losses on output */
    check_attr_str(file, "/", "loss_basis", "output");
    assert_true(read_attr_u64(file, "/", "seed") == UINT64_C(18446744073709551557));
    assert_true(read_attr_u64(file, "/", "trials") == N);
    int h = 0, npy = 0;
    assert_true(H5LTget_attribute_int(file, "/", "horizon_years", &h) >= 0);
    assert_true(H5LTget_attribute_int(file, "/", "steps_per_year", &npy) >= 0);
    assert_int_equal(h, H);
    assert_int_equal(npy, NPY);
    H5Fclose(file);
}

static void test_scenario_texts(void **state)
{
    fixture *f = *state;
    char path[256], *src, *res;
    hid_t file = write_and_open(f, path, sizeof path);
    read_strings(file, "/scenario/source", &src, 1);
    assert_string_equal(src, SOURCE_TEXT);
    read_strings(file, "/scenario/resolved", &res, 1);
    char *want = mr_scenario_resolved_yaml(&f->sc);
    assert_non_null(want);
    assert_string_equal(res, want);
    free(want);
    free(src);
    free(res);
    H5Fclose(file);
}

static void test_coordinates_are_dimension_scales_in_each_group(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    const char *const minerals[] = {"gallium", "germanium"}, *const sectors[] = {"automotive",
                                                                                 "defence"};
    const char *const countries[] = {"CN"};
    const char *const groups[] = {"/", "/trials/", "/summary/"};
    for (int g = 0; g < 3; g++) {
        char name[64];
        snprintf(name, sizeof name, "%smineral", groups[g]);
        check_strings(file, name, minerals, M);
        snprintf(name, sizeof name, "%ssector", groups[g]);
        check_strings(file, name, sectors, S);
    }
    check_strings(file, "/country", countries, C);
    const char *const mnames[] = {"Gallium", "Germanium"};
    check_strings(file, "/mineral_name", mnames, M);

    double trial[N], year[H], q[MR_OUTPUT_NQUANTILES], rp[MR_OUTPUT_NRP], band[3], step[T];
    read_f64(file, "/trials/trial", trial, N);
    for (int i = 0; i < N; i++)
        EXACT(trial[i], (double)i);
    read_f64(file, "/trials/year", year, H);
    EXACT(year[0], 1.0);
    EXACT(year[1], 2.0);
    read_f64(file, "/summary/quantile", q, MR_OUTPUT_NQUANTILES);
    EXACT(q[2], 0.95);
    read_f64(file, "/summary/return_period", rp, MR_OUTPUT_NRP);
    EXACT(rp[5], 100.0);
    read_f64(file, "/summary/band", band, 3);
    EXACT(band[0], 0.05);
    read_f64(file, "/summary/step", step, T);
    EXACT(step[T - 1], (double)(T - 1));
    check_attr_str(file, "/summary/step", "units", "1");
    check_attr_str(file, "/summary/return_period", "units", "year");

    check_dim(file, "/trials/total_loss", 0, "/trials/trial");
    check_dim(file, "/trials/sector_output_loss", 1, "/trials/sector");
    check_dim(file, "/trials/annual_loss", 1, "/trials/year");
    check_dim(file, "/trials/mineral_price_peak", 1, "/trials/mineral");
    check_dim(file, "/trials/total_gva_loss", 0, "/trials/trial");
    check_dim(file, "/trials/sector_gva_loss", 1, "/trials/sector");
    check_dim(file, "/trials/sector_annual_loss", 0, "/trials/trial");
    check_dim(file, "/trials/sector_annual_loss", 1, "/trials/year");
    check_dim(file, "/trials/sector_annual_loss", 2, "/trials/sector");
    check_dim(file, "/trials/mineral_price_mean", 1, "/trials/mineral");
    check_dim(file, "/trials/mineral_market_short_months", 1, "/trials/mineral");
    check_dim(file, "/trials/mineral_scarce_months", 1, "/trials/mineral");
    check_dim(file, "/trials/mineral_control_actions", 1, "/trials/mineral");
    check_dim(file, "/trials/mineral_guard_months", 1, "/trials/mineral");
    check_dim(file, "/summary/sector_loss_quantile", 0, "/summary/sector");
    check_dim(file, "/summary/sector_loss_quantile", 1, "/summary/quantile");
    check_dim(file, "/summary/price_ratio_band", 0, "/summary/step");
    check_dim(file, "/summary/price_ratio_band", 1, "/summary/mineral");
    check_dim(file, "/summary/price_ratio_band", 2, "/summary/band");
    check_dim(file, "/mineral_name", 0, "/mineral");
    H5Fclose(file);
}

/* The datasets of /trials, in the order of MR_TRIAL_VARS, with their shapes:
   the file's layout (docs/OUTPUT.md), written out here rather than taken
   from the table, so that a variable dropped from or added to the file is
   noticed. */
enum { D_T, D_TS, D_TM, D_TY, D_TYS };
static const struct {
    const char *name;
    int shape;
} TRIALS_DATA[] = {
    {"total_loss", D_T},
    {"total_gva_loss", D_T},
    {"sector_gva_loss", D_TS},
    {"sector_output_loss", D_TS},
    {"sector_extra_cost", D_TS},
    {"annual_loss", D_TY},
    {"sector_annual_loss", D_TYS},
    {"mineral_shortfall_mean", D_TM},
    {"mineral_shortfall_peak", D_TM},
    {"mineral_shortfall_months", D_TM},
    {"mineral_price_peak", D_TM},
    {"mineral_stockpile_empty_month", D_TM},
    {"mineral_price_peak_market", D_TM},
    {"mineral_home_price_peak", D_TM},
    {"mineral_market_loss_peak", D_TM},
    {"mineral_stock_drawn_peak", D_TM},
    {"mineral_demand_destroyed", D_TM},
    {"mineral_consumption_fall_peak", D_TM},
    {"mineral_price_mean", D_TM},
    {"mineral_market_short_months", D_TM},
    {"mineral_scarce_months", D_TM},
    {"mineral_control_actions", D_TM},
    {"mineral_guard_months", D_TM},
    {"sector_inoperability_peak", D_TS},
    {"sector_inoperability_months", D_TS},
};
enum { NTRIALS_DATA = sizeof TRIALS_DATA / sizeof TRIALS_DATA[0] };

typedef struct {
    char names[32][40];
    int n;
} name_list;

static herr_t collect_names_cb(hid_t grp, const char *name, const H5L_info_t *li, void *data)
{
    (void)grp;
    (void)li;
    name_list *l = data;
    if (l->n >= 32 || strlen(name) >= sizeof l->names[0])
        return -1;
    strcpy(l->names[l->n++], name);
    return 0;
}

static void test_trials_group_holds_every_variable(void **state)
{
    fixture *f = *state;
    /* every value of every variable distinct (variable v, value e: 1000 (v + 1) + e + 0.25),
       so that a variable written under another's name, or its rows or columns in another
       order, is seen */
    for (int v = 0; v < MR_NTRIAL_VARS; v++) {
        double *x = mr_results_var(&f->res, &mr_trial_vars[v]);
        assert_non_null(x);
        size_t count = N * mr_cols_count(mr_trial_vars[v].cols, S, M, H);
        for (size_t e = 0; e < count; e++)
            x[e] = 1000.0 * (v + 1) + (double)e + 0.25;
    }
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    /* exactly the coordinates and the data above */
    name_list got = {.n = 0};
    hid_t g = H5Gopen2(file, "/trials", H5P_DEFAULT);
    assert_true(g >= 0);
    assert_true(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_names_cb, &got) >= 0);
    H5Gclose(g);
    const char *const coords[] = {"trial", "year", "mineral", "sector"};
    assert_int_equal(got.n, NTRIALS_DATA + 4);
    for (int k = 0; k < NTRIALS_DATA + 4; k++) {
        const char *want = k < NTRIALS_DATA ? TRIALS_DATA[k].name : coords[k - NTRIALS_DATA];
        bool found = false;
        for (int l = 0; l < got.n; l++)
            found = found || !strcmp(got.names[l], want);
        if (!found) {
            print_error("/trials has no %s\n", want);
            fail();
        }
    }

    /* the table's order is the file's order, and every variable's values,
       units and description come back exactly */
    const hsize_t dims[][3] = {
        [D_T] = {N}, [D_TS] = {N, S}, [D_TM] = {N, M}, [D_TY] = {N, H}, [D_TYS] = {N, H, S}};
    const int ranks[] = {[D_T] = 1, [D_TS] = 2, [D_TM] = 2, [D_TY] = 2, [D_TYS] = 3};
    double x[N * H * S];
    int k = 0;
    for (int v = 0; v < MR_NTRIAL_VARS; v++) {
        const mr_trial_var *tv = &mr_trial_vars[v];
        if (!(tv->where & MR_VAR_FILE))
            continue;
        assert_true(k < NTRIALS_DATA);
        assert_string_equal(tv->name, TRIALS_DATA[k].name);
        char name[80];
        snprintf(name, sizeof name, "/trials/%s", tv->name);
        int shape = TRIALS_DATA[k].shape;
        check_shape(file, name, ranks[shape], dims[shape]);
        size_t count = N * mr_cols_count(tv->cols, S, M, H);
        assert_true(count <= N * H * S);
        read_f64(file, name, x, count);
        if (memcmp(x, mr_results_cvar(&f->res, tv), count * sizeof *x) != 0) {
            print_error("%s does not hold its results\n", name);
            fail();
        }
        check_attr_str(file, name, "units", tv->units);
        check_attr_str(file, name, "description", tv->description);
        k++;
    }
    assert_int_equal(k, NTRIALS_DATA);
    H5Fclose(file);
}

static void test_trials_datasets_hold_the_results(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    double x[N * H];
    read_f64(file, "/trials/total_loss", x, N);
    assert_memory_equal(x, f->res.total_loss, N * sizeof *x);
    read_f64(file, "/trials/annual_loss", x, N * H);
    assert_memory_equal(x, f->res.annual_loss, N * H * sizeof *x);
    read_f64(file, "/trials/sector_extra_cost", x, N * S);
    assert_memory_equal(x, f->res.sector_extra_cost, N * S * sizeof *x);
    read_f64(file, "/trials/mineral_stockpile_empty_month", x, N * M);
    assert_true(isnan(x[0]) && x[2] == 5.0 && isnan(x[1]));
    /* the v2 variables: trial 3 (k = 4) by hand */
    EXACT(read_scalar_row(file, "/trials/total_gva_loss", 3, 1, 0), 1200.0);
    EXACT(read_scalar_row(file, "/trials/sector_gva_loss", 3, S, 1), 800.0);
    EXACT(read_scalar_row(file, "/trials/sector_annual_loss", 3, H * S, 1 * S + 1), 560.0);
    assert_true(fabs(read_scalar_row(file, "/trials/mineral_price_peak_market", 3, M, 1) -
                     (1.25 + 0.06)) < 1e-12);
    assert_true(fabs(read_scalar_row(file, "/trials/mineral_home_price_peak", 3, M, 0) -
                     (1.125 + 0.09)) < 1e-12);
    assert_true(fabs(read_scalar_row(file, "/trials/mineral_market_loss_peak", 3, M, 1) -
                     (0.07 + 0.006)) < 1e-12);
    EXACT(read_scalar_row(file, "/trials/mineral_stock_drawn_peak", 3, M, 1), 1.5);
    EXACT(read_scalar_row(file, "/trials/mineral_demand_destroyed", 3, M, 0), 0.375);
    assert_true(fabs(read_scalar_row(file, "/trials/mineral_consumption_fall_peak", 3, M, 1) -
                     0.215) < 1e-12);
    assert_true(fabs(read_scalar_row(file, "/trials/mineral_price_mean", 3, M, 1) -
                     (1.125 + 0.009)) < 1e-12);
    EXACT(read_scalar_row(file, "/trials/mineral_market_short_months", 3, M, 0), 5.0);
    EXACT(read_scalar_row(file, "/trials/mineral_scarce_months", 3, M, 1), 4.0);
    EXACT(read_scalar_row(file, "/trials/mineral_control_actions", 3, M, 1), 12.0);
    EXACT(read_scalar_row(file, "/trials/mineral_guard_months", 3, M, 1), 6.0);

    const hsize_t d_ts[2] = {N, S}, d_tm[2] = {N, M}, d_ty[2] = {N, H}, d_t[1] = {N};
    check_shape(file, "/trials/total_loss", 1, d_t);
    check_shape(file, "/trials/sector_output_loss", 2, d_ts);
    check_shape(file, "/trials/sector_inoperability_months", 2, d_ts);
    check_shape(file, "/trials/mineral_shortfall_months", 2, d_tm);
    check_shape(file, "/trials/annual_loss", 2, d_ty);
    check_attr_str(file, "/trials/total_loss", "units", "GBP");
    check_attr_str(file, "/trials/mineral_shortfall_peak", "units", "1");
    check_attr_str(file, "/trials/mineral_shortfall_months", "units", "months");
    check_attr_str(file, "/trials/total_gva_loss", "units", "GBP");
    check_attr_str(file, "/trials/sector_annual_loss", "units", "GBP");
    check_attr_str(file, "/trials/mineral_price_peak_market", "units", "1");
    check_attr_str(file, "/trials/mineral_market_loss_peak", "units", "1");
    check_attr_str(file, "/trials/mineral_stock_drawn_peak", "units", "months");
    check_attr_str(file, "/trials/mineral_demand_destroyed", "units", "months");
    check_attr_str(file, "/trials/mineral_consumption_fall_peak", "units", "1");
    check_attr_str(file, "/trials/mineral_price_mean", "units", "1");
    check_attr_str(file, "/trials/mineral_market_short_months", "units", "months");
    check_attr_str(file, "/trials/mineral_scarce_months", "units", "months");
    check_attr_str(file, "/trials/mineral_control_actions", "units", "1");
    check_attr_str(file, "/trials/mineral_guard_months", "units", "months");

    /* chunked along trials */
    hid_t ds = H5Dopen2(file, "/trials/annual_loss", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    hsize_t chunk[2];
    assert_int_equal(H5Pget_chunk(dcpl, 2, chunk), 2);
    assert_int_equal(chunk[0], N);
    assert_int_equal(chunk[1], H);
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(file);
}

static void test_summary_total_loss_statistics(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    /* total loss 300, 600, ..., 3000 */
    EXACT(read_scalar(file, "/summary/total_loss_mean"), 1650.0);
    double sd = 300.0 * sqrt(55.0 / 6.0); /* sd of 1..10 is sqrt(55/6) */
    assert_true(fabs(read_scalar(file, "/summary/total_loss_sd") - sd) < 1e-9);
    assert_true(fabs(read_scalar(file, "/summary/total_loss_se") - sd / sqrt(10.0)) < 1e-9);
    /* quantiles 0.5 0.9 0.95 0.99 0.995 0.999: ranks 5 9 10 10 10 10 */
    double q[MR_OUTPUT_NQUANTILES], lo[MR_OUTPUT_NQUANTILES], hi[MR_OUTPUT_NQUANTILES];
    read_f64(file, "/summary/total_loss_quantile", q, MR_OUTPUT_NQUANTILES);
    const double wq[MR_OUTPUT_NQUANTILES] = {1500, 2700, 3000, 3000, 3000, 3000};
    for (int k = 0; k < MR_OUTPUT_NQUANTILES; k++)
        EXACT(q[k], wq[k]);
    /* Bin(10, 1/2): P(B <= 1) = 11/1024 <= 0.025 < P(B <= 2) = 56/1024, so
       l = 2; by symmetry u = 9: X_(2) = 600, X_(9) = 2700. At p >= 0.9
       P(B = 10) = 0.9^10 = 0.35 > 0.025: no upper bound. */
    read_f64(file, "/summary/total_loss_quantile_ci_low", lo, MR_OUTPUT_NQUANTILES);
    read_f64(file, "/summary/total_loss_quantile_ci_high", hi, MR_OUTPUT_NQUANTILES);
    EXACT(lo[0], 600.0);
    EXACT(hi[0], 2700.0);
    assert_true(isnan(hi[1]));
    /* ES 0.95: n p = 9.5, X_(10) with weight 0.5 alone: 3000 */
    double es[MR_OUTPUT_NES];
    read_f64(file, "/summary/total_loss_es", es, MR_OUTPUT_NES);
    EXACT(es[0], 3000.0);

    /* histogram: 50 bins over [300, 3000] */
    double e[MR_OUTPUT_HIST_BINS + 1], c[MR_OUTPUT_HIST_BINS];
    read_f64(file, "/summary/total_loss_hist_edges", e, MR_OUTPUT_HIST_BINS + 1);
    read_f64(file, "/summary/total_loss_hist_count", c, MR_OUTPUT_HIST_BINS);
    EXACT(e[0], 300.0);
    EXACT(e[MR_OUTPUT_HIST_BINS], 3000.0);
    double total = 0;
    for (int b = 0; b < MR_OUTPUT_HIST_BINS; b++)
        total += c[b];
    EXACT(total, 10.0);
    EXACT(c[0], 1.0);
    EXACT(c[MR_OUTPUT_HIST_BINS - 1], 1.0);
    H5Fclose(file);
}

static void test_summary_annual_figures(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    /* annual losses 100k and 200k, k = 1..10: AAL = 300 * 55 / 20 = 825;
       trial means 150k: SE = 150 sqrt(55/6) / sqrt(10). */
    EXACT(read_scalar(file, "/summary/aal"), 825.0);
    assert_true(fabs(read_scalar(file, "/summary/aal_se") - 150 * sqrt(55.0 / 6.0) / sqrt(10.0)) <
                1e-9);
    /* sorted annual losses: 100 200 200 300 400 400 500 600 600 700 800 800
       900 1000 1000 1200 1400 1600 1800 2000. R = 2: rank 10 -> 700; R = 5:
       rank 16 -> 1200; R = 10: rank 18 -> 1600; R = 20: rank 19 -> 1800;
       R >= 50 > 20 years: NaN. */
    double rp[MR_OUTPUT_NRP];
    read_f64(file, "/summary/return_period_loss", rp, MR_OUTPUT_NRP);
    EXACT(rp[0], 700.0);
    EXACT(rp[1], 1200.0);
    EXACT(rp[2], 1600.0);
    EXACT(rp[3], 1800.0);
    for (int k = 4; k < MR_OUTPUT_NRP; k++)
        assert_true(isnan(rp[k]));
    /* sector AAL: (50 + 60) * 55 / 20 = 302.5; (50 + 140) * 55 / 20 = 522.5 */
    double aal[S], srp[S * MR_OUTPUT_NRP];
    read_f64(file, "/summary/sector_aal", aal, S);
    EXACT(aal[0], 302.5);
    EXACT(aal[1], 522.5);
    /* sector 1, R = 2: annual 50k and 140k sorted: 50 100 140 150 200 250 280
       300 350 400 ...; rank 10 -> 400 */
    read_f64(file, "/summary/sector_return_period_loss", srp, S * MR_OUTPUT_NRP);
    EXACT(srp[MR_OUTPUT_NRP + 0], 400.0);
    H5Fclose(file);
}

static void test_summary_sector_statistics(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    double m[S], q[S * MR_OUTPUT_NQUANTILES];
    read_f64(file, "/summary/sector_loss_mean", m, S); /* 110k and 190k */
    EXACT(m[0], 605.0);
    EXACT(m[1], 1045.0);
    read_f64(file, "/summary/sector_output_loss_mean", m, S); /* 100k, 200k */
    EXACT(m[0], 550.0);
    EXACT(m[1], 1100.0);
    read_f64(file, "/summary/sector_extra_cost_mean", m, S); /* 10k, -10k */
    EXACT(m[0], 55.0);
    EXACT(m[1], -55.0);
    read_f64(file, "/summary/sector_loss_quantile", q, S * MR_OUTPUT_NQUANTILES);
    EXACT(q[0 * MR_OUTPUT_NQUANTILES + 0], 550.0);  /* rank 5: 110 * 5 */
    EXACT(q[1 * MR_OUTPUT_NQUANTILES + 1], 1710.0); /* rank 9: 190 * 9 */
    /* extra cost of sector 1 is -10k: its 0.9 quantile is rank 9 of
       -100 ... -10, i.e. -20 */
    read_f64(file, "/summary/sector_extra_cost_quantile", q, S * MR_OUTPUT_NQUANTILES);
    EXACT(q[1 * MR_OUTPUT_NQUANTILES + 1], -20.0);
    const hsize_t d_sq[2] = {S, MR_OUTPUT_NQUANTILES}, d_se[2] = {S, MR_OUTPUT_NES};
    check_shape(file, "/summary/sector_output_loss_quantile_ci_high", 2, d_sq);
    check_shape(file, "/summary/sector_extra_cost_es", 2, d_se);
    H5Fclose(file);
}

static void test_summary_mineral_and_sector_figures(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    double v[M];
    read_f64(file, "/summary/mineral_shortage_prob", v, M); /* 0.005 i > 0.01: i >= 3 */
    EXACT(v[0], 0.7);
    EXACT(v[1], 0.0);
    read_f64(file, "/summary/mineral_stockpile_empty_prob", v, M);
    EXACT(v[0], 0.5);
    assert_true(isnan(v[1])); /* no stockpile: not "never empty" */
    read_f64(file, "/summary/mineral_shortfall_months_avg", v, M);
    EXACT(v[0], 4.5);
    read_f64(file, "/summary/mineral_price_peak_avg", v, M);
    assert_true(fabs(v[0] - 1.45) < 1e-12);
    EXACT(v[1], 2.0);
    read_f64(file, "/summary/mineral_shortfall_mean_avg", v, M);
    assert_true(fabs(v[0] - 0.0045) < 1e-15);
    read_f64(file, "/summary/sector_inoperability_months_avg", v, S);
    EXACT(v[0], 4.5);
    EXACT(v[1], 0.0);
    H5Fclose(file);
}

static void test_bands_from_histograms(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    /* 4 low, 5 middle, 1 high of 10: band 0.05 -> low (1st count), 0.5 ->
       middle (5th), 0.95 -> high (10th) */
    double bq[T * S * 3], by[T * M * 3];
    read_f64(file, "/summary/inoperability_band", bq, T * S * 3);
    read_f64(file, "/summary/price_ratio_band", by, T * M * 3);
    for (size_t t = 0; t < T; t++) {
        for (size_t j = 0; j < S; j++) {
            const double *b = bq + (t * S + j) * 3;
            EXACT(b[0], 0.0);
            EXACT(b[1], (double)q_mid_bin(t, j) * MR_BAND_Q_WIDTH);
            EXACT(b[2], (double)(MR_BAND_Q_BINS - 1) * MR_BAND_Q_WIDTH);
        }
        for (size_t m = 0; m < M; m++) {
            const double *b = by + (t * M + m) * 3;
            EXACT(b[0], 1.0); /* the centre of Y_ZERO_BIN is y = 0 */
            EXACT(b[1], exp(MR_BAND_Y_MIN + (double)y_mid_bin(t, m) * MR_BAND_Y_WIDTH));
            EXACT(b[2], exp(MR_BAND_Y_MIN + (MR_BAND_Y_BINS - 1) * MR_BAND_Y_WIDTH));
        }
    }
    const hsize_t d[3] = {T, S, 3};
    check_shape(file, "/summary/inoperability_band", 3, d);
    H5Fclose(file);
}

/* Every dataset in /trials and /summary has a description, and units unless
   it holds strings (the entity ids). */
static herr_t check_meta_cb(hid_t grp, const char *name, const H5L_info_t *li, void *data)
{
    (void)li;
    int *count = data;
    H5O_info_t oi;
    if (H5Oget_info_by_name(grp, name, &oi, H5P_DEFAULT) < 0 || oi.type != H5O_TYPE_DATASET)
        return 0;
    hid_t ds = H5Dopen2(grp, name, H5P_DEFAULT), type = H5Dget_type(ds);
    bool is_string = H5Tget_class(type) == H5T_STRING; /* ids: no units */
    H5Tclose(type);
    H5Dclose(ds);
    if ((!is_string && H5Aexists_by_name(grp, name, "units", H5P_DEFAULT) <= 0) ||
        H5Aexists_by_name(grp, name, "description", H5P_DEFAULT) <= 0) {
        print_error("%s lacks units or description\n", name);
        return -1;
    }
    (*count)++;
    return 0;
}

static void test_every_dataset_has_units_and_description(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    const char *groups[] = {"/trials", "/summary"};
    for (int g = 0; g < 2; g++) {
        int count = 0;
        hid_t grp = H5Gopen2(file, groups[g], H5P_DEFAULT);
        assert_true(H5Literate(grp, H5_INDEX_NAME, H5_ITER_INC, NULL, check_meta_cb, &count) >= 0);
        assert_true(count > 10);
        H5Gclose(grp);
    }
    H5Fclose(file);
}

static void test_run_info(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    int threads = 0;
    assert_true(H5LTget_attribute_int(file, "/run_info", "threads", &threads) >= 0);
    assert_int_equal(threads, 3);
    double wall = 0;
    assert_true(H5LTget_attribute_double(file, "/run_info", "wall_seconds", &wall) >= 0);
    EXACT(wall, 1.5);
    /* one process: the extremes over ranks are its own; the write's timings */
    double wmax = 0, wmin = 0, stats_s = -1, write_s = -1;
    int ranks = 0;
    assert_true(H5LTget_attribute_double(file, "/run_info", "wall_seconds_max", &wmax) >= 0);
    assert_true(H5LTget_attribute_double(file, "/run_info", "wall_seconds_min", &wmin) >= 0);
    EXACT(wmax, 1.5);
    EXACT(wmin, 1.5);
    assert_true(H5LTget_attribute_int(file, "/run_info", "ranks", &ranks) >= 0);
    assert_int_equal(ranks, 1);
    assert_true(H5LTget_attribute_double(file, "/run_info", "stats_seconds", &stats_s) >= 0);
    assert_true(H5LTget_attribute_double(file, "/run_info", "write_seconds", &write_s) >= 0);
    assert_true(stats_s >= 0.0 && stats_s < 60.0);
    assert_true(write_s > 0.0 && write_s < 60.0);
    char *v = read_attr_str(file, "/run_info", "hdf5_version");
    assert_true(strncmp(v, "1.", 2) == 0);
    free(v);
    v = read_attr_str(file, "/run_info", "date");
    assert_int_equal(strlen(v), 20); /* 2025-01-01T00:00:00Z */
    free(v);
    H5Fclose(file);
}

static void test_missing_directory_fails_and_leaves_nothing(void **state)
{
    fixture *f = *state;
    char path[256], names[512];
    path_in(f, "no/such/dir/run.h5", path, sizeof path);
    mr_error err = {{0}};
    assert_int_equal(mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err), -1);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_non_null(strstr(err.msg, "No such file or directory"));
    assert_int_equal(count_entries(f->dir, names, sizeof names), 0);
}

static void test_unwritable_directory_fails_and_leaves_nothing(void **state)
{
    fixture *f = *state;
    if (geteuid() == 0)
        skip(); /* root writes anyway; the other failure tests cover cleanup */
    char dir[256], path[300], names[512];
    path_in(f, "ro", dir, sizeof dir);
    assert_int_equal(mkdir(dir, 0500), 0);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    mr_error err = {{0}};
    assert_int_equal(mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "Permission denied"));
    assert_int_equal(count_entries(dir, names, sizeof names), 0);
}

static void test_rename_failure_removes_temporary(void **state)
{
    fixture *f = *state;
    char path[256], names[512];
    path_in(f, "adir", path, sizeof path); /* the output path is a directory */
    assert_int_equal(mkdir(path, 0700), 0);
    mr_error err = {{0}};
    assert_int_equal(mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err), -1);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_non_null(strstr(err.msg, "cannot rename"));
    assert_int_equal(count_entries(f->dir, names, sizeof names), 1);
    assert_string_equal(names, "adir ");
}

/* In a child process: write a 5000-trial run with files limited to 16 KiB,
   so that writes fail with EFBIG part way through, like a full disk. The
   child sends back rc and message, then execs /bin/true: after a failed
   H5Fclose HDF5 1.10 holds a half-freed file (HDFFV-11052) that no exit
   handler or leak checker (valgrind) should touch, and the parent's HDF5
   stays clean. */
static void write_with_small_file_limit(fixture *f, const char *path, int *rc, mr_error *err)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        mr_results big;
        make_results(&big, 5000);
        struct rlimit lim;
        getrlimit(RLIMIT_FSIZE, &lim);
        lim.rlim_cur = 16384;
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &lim);
        mr_error e = {{0}};
        int r = mr_output_write(path, &f->sc, &big, &f->info, NULL, &e);
        if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r ||
            write(fds[1], &e, sizeof e) != (ssize_t)sizeof e)
            r = -2;
        close(fds[1]);
        execl("/bin/true", "true", (char *)NULL); /* no exit handlers, no leak check */
        _exit(0);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], rc, sizeof *rc);
    assert_int_equal(got, sizeof *rc);
    size_t off = 0;
    while (off < sizeof *err) {
        ssize_t n = read(fds[0], (char *)err + off, sizeof *err - off);
        assert_true(n > 0);
        off += (size_t)n;
    }
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_write_error_keeps_old_file_and_removes_temporary(void **state)
{
    fixture *f = *state;
    char path[256], names[512];
    path_in(f, "run.h5", path, sizeof path);
    FILE *old = fopen(path, "w");
    assert_non_null(old);
    fputs("old\n", old);
    fclose(old);

    int rc = 0;
    mr_error err = {{0}};
    write_with_small_file_limit(f, path, &rc, &err);
    assert_int_equal(rc, -1);
    if (strncmp(err.msg, path, strlen(path)) != 0 || !strstr(err.msg, "File too large")) {
        print_error("error \"%s\"\n", err.msg);
        fail();
    }
    assert_int_equal(count_entries(f->dir, names, sizeof names), 1);
    old = fopen(path, "r");
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, old));
    fclose(old);
    assert_string_equal(line, "old\n");
}

static void test_mismatched_results_are_refused(void **state)
{
    fixture *f = *state;
    char path[256], names[512];
    path_in(f, "run.h5", path, sizeof path);
    f->res.nsectors = 3;
    mr_error err = {{0}};
    int rc = mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err);
    f->res.nsectors = S;
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err.msg, "do not match"));
    assert_int_equal(count_entries(f->dir, names, sizeof names), 0);
}

static void test_interrupt_before_write_writes_nothing(void **state)
{
    fixture *f = *state;
    char path[256], names[512];
    path_in(f, "run.h5", path, sizeof path);
    mr_output_interrupt(); /* e.g. Ctrl-C between the engine and the write */
    mr_error err = {{0}};
    assert_int_equal(mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err), 1);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_non_null(strstr(err.msg, "interrupted"));
    assert_int_equal(count_entries(f->dir, names, sizeof names), 0);
    /* the interrupt was consumed: the next write works */
    assert_int_equal(mr_output_write(path, &f->sc, &f->res, &f->info, NULL, &err), 0);
    assert_int_equal(count_entries(f->dir, names, sizeof names), 1);
}

/* ---- mr_summary_print ---------------------------------------------------------- */

/* Print the summary of path into a string; returns mr_summary_print's rc. */
static int summary_text(const char *path, char **text, mr_error *err)
{
    size_t len = 0;
    FILE *out = open_memstream(text, &len);
    assert_non_null(out);
    int rc = mr_summary_print(path, out, err);
    fclose(out);
    return rc;
}

static void test_summary_prints_aligned_tables(void **state)
{
    fixture *f = *state;
    char path[256], *text = NULL;
    hid_t file = write_and_open(f, path, sizeof path);
    H5Fclose(file);
    mr_error err = {{0}};
    assert_int_equal(summary_text(path, &text, &err), 0);
    assert_non_null(strstr(text, "Scenario   unit-sample\n"));
    assert_non_null(strstr(text, "Trials     10 (seed 18446744073709551557)\n"));
    assert_non_null(strstr(text, "Horizon    2 years, 2 steps a year\n"));
    assert_non_null(strstr(text, "GBP m"));
    /* the loss table: header, automotive, defence, Total; all one width */
    const char *rows[] = {"sector ", "automotive ", "defence ", "Total "};
    size_t width = 0;
    for (int i = 0; i < 4; i++) {
        char needle[32];
        snprintf(needle, sizeof needle, "\n%s", rows[i]);
        const char *line = strstr(text, needle);
        assert_non_null(line);
        line++;
        size_t w = strcspn(line, "\n");
        if (i == 0)
            width = w;
        assert_int_equal(w, width);
    }
    /* Total mean 1650 GBP = 0.00165 GBP m, shown with 3 decimals; the
       1-in-200 annual loss needs 200 years and there are 20: n/a */
    const char *total = strstr(text, "\nTotal ");
    assert_non_null(strstr(total, " 0.002 "));
    assert_non_null(strstr(total, "n/a\n"));
    /* the mineral table: gallium short in 70% of trials, peak price 1.45x */
    const char *ga = strstr(text, "\ngallium ");
    assert_non_null(ga);
    assert_non_null(strstr(ga, "70.0%"));
    assert_non_null(strstr(ga, "1.45x"));
    assert_non_null(strstr(text, "\ngermanium "));
    free(text);
}

static void check_summary_fails(const char *path, const char *want)
{
    char *text = NULL;
    mr_error err = {{0}};
    assert_int_equal(summary_text(path, &text, &err), -1);
    assert_string_equal(text, ""); /* nothing printed */
    free(text);
    if (strncmp(err.msg, path, strlen(path)) != 0 || !strstr(err.msg, want)) {
        print_error("error \"%s\", want \"%s: ...%s...\"\n", err.msg, path, want);
        fail();
    }
}

static void test_summary_refuses_what_is_not_a_minrisk_file(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "missing.h5", path, sizeof path);
    check_summary_fails(path, "cannot open: No such file or directory");

    path_in(f, "text.h5", path, sizeof path);
    FILE *t = fopen(path, "w");
    assert_non_null(t);
    fputs("name: not hdf5\n", t);
    fclose(t);
    check_summary_fails(path, "not a minrisk file");

    path_in(f, "other.h5", path, sizeof path);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    H5Fclose(file);
    check_summary_fails(path, "not a minrisk file");
}

static void test_summary_refuses_other_major_version_and_damage(void **state)
{
    fixture *f = *state;
    char path[256];
    hid_t file = write_and_open(f, path, sizeof path);
    H5Fclose(file);
    file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Ldelete(file, "/summary/aal", H5P_DEFAULT) >= 0);
    H5Fclose(file);
    check_summary_fails(path, "damaged or incomplete minrisk file: cannot read /summary/aal");

    file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    const int v2[2] = {2, 0};
    assert_true(H5LTset_attribute_int(file, "/", "format_version", v2, 2) >= 0);
    H5Fclose(file);
    check_summary_fails(path, "unsupported format_version 2.0");
}

/* ---- main --------------------------------------------------------------------- */

static int write_sample(const char *path)
{
    fixture f;
    memset(&f, 0, sizeof f);
    make_scenario(&f.sc);
    make_results(&f.res, N);
    f.info = (mr_run_info){.threads = 1, .wall_seconds = 0.5, .trials_per_second = N / 0.5};
    mr_error err = {{0}};
    int rc = mr_output_write(path, &f.sc, &f.res, &f.info, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err.msg);
    free_scenario(&f.sc);
    mr_results_free(&f.res);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-sample"))
        return write_sample(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "--print-summary")) { /* in a fresh process */
        mr_error err;
        if (mr_summary_print(argv[2], stdout, &err) == 0)
            return 0;
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_leaves_only_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scenario_texts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coordinates_are_dimension_scales_in_each_group, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trials_group_holds_every_variable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trials_datasets_hold_the_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_total_loss_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_annual_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_sector_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_mineral_and_sector_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bands_from_histograms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_dataset_has_units_and_description, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_run_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_directory_fails_and_leaves_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_directory_fails_and_leaves_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rename_failure_removes_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error_keeps_old_file_and_removes_temporary,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_mismatched_results_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_before_write_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_summary_prints_aligned_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_refuses_what_is_not_a_minrisk_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_summary_refuses_other_major_version_and_damage, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

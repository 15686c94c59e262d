/* generic.c - the study tables that other commands add to a result file
 * (/attribution, /events, a comparison's /difference, a sweep's /sweep) as
 * CSV by one generic rule (`minrisk export`; docs/EXPORT.md "Study
 * tables"): one row per element of the leading dimension, one column per
 * dataset (per coordinate value of the other dimensions), the unit from
 * the `units` attribute.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/export/ex.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef enum { V_F64, V_I64, V_U64, V_STR } vkind;

typedef struct {
    char name[NAME_LEN];
    int rank; /* 0..3 */
    hsize_t dims[3];
    char dim[3][NAME_LEN]; /* dimension names: the attached scales ("" none) */
    vkind kind;
    char *units; /* NULL: none */
    bool scale;  /* a coordinate variable */
} dsinfo;

typedef struct {
    vkind kind;
    size_t n;
    double *f;
    long long *i;
    unsigned long long *u;
    char **s;
} vals;

static void free_vals(vals *v)
{
    free(v->f);
    free(v->i);
    free(v->u);
    mr_h5r_free_strings(v->s, v->n);
    memset(v, 0, sizeof *v);
}

static int read_vals(ex *x, hid_t g, const dsinfo *d, vals *v)
{
    size_t n = 1;
    for (int k = 0; k < d->rank; k++)
        n *= (size_t)d->dims[k];
    memset(v, 0, sizeof *v);
    v->kind = d->kind;
    switch (d->kind) {
    case V_F64:
        v->f = ex_read_f64(x, g, d->name, n);
        break;
    case V_I64:
        v->i = ex_read_i64(x, g, d->name, n);
        break;
    case V_U64:
        v->u = ex_read_u64(x, g, d->name, n);
        break;
    case V_STR:
        v->s = mr_h5r_strings(&x->r, g, d->name, n);
        break;
    }
    if (x->r.status != MR_OK)
        return -1;
    v->n = n;
    if (v->f && d->units && !strcmp(d->units, "GBP")) /* money in GBP m, named _gbp_m */
        for (size_t k = 0; k < n; k++)
            v->f[k] /= 1e6;
    return 0;
}

static void put_val(csv *c, const vals *v, size_t k)
{
    switch (v->kind) {
    case V_F64:
        csv_f64(c, v->f[k]);
        break;
    case V_I64:
        csv_i64(c, v->i[k]);
        break;
    case V_U64:
        csv_u64(c, v->u[k]);
        break;
    case V_STR:
        csv_str(c, v->s[k]);
        break;
    }
}

static void val_label(const vals *v, size_t k, char *buf, size_t n)
{
    switch (v->kind) {
    case V_F64:
        snprintf(buf, n, "%.10g", v->f[k]);
        break;
    case V_I64:
        snprintf(buf, n, "%lld", v->i[k]);
        break;
    case V_U64:
        snprintf(buf, n, "%llu", v->u[k]);
        break;
    case V_STR:
        snprintf(buf, n, "%s", v->s[k]);
        break;
    }
}

/* A dimensionless dataset that is a ratio (it may exceed 1), not a
   fraction: a price ratio, a factor such as the variance-reduction factor
   of a comparison (/difference/variance_reduction), or a loss avoided per
   pound (/difference/loss_avoided_per_pound, GBP per GBP; "_fraction"
   until 2026-12-07). */
static bool is_ratio_name(const char *name)
{
    return strstr(name, "ratio") || strstr(name, "price") || strstr(name, "factor") ||
           strstr(name, "variance_reduction") || strstr(name, "per_pound");
}

/* The unit suffix of a column: GBP -> "_gbp_m" (GBP m), months -> "_months", year(s)
   -> "_years", 1 -> "_fraction" (or "_ratio" for a ratio, is_ratio_name;
   none for integers: counts and indices); anything else lower-cased with
   non-alphanumerics as '_'. None when the name already ends with it (or
   with its plural: active_steps in "step"). */
static void unit_suffix(const dsinfo *d, char *buf, size_t n)
{
    char s[NAME_LEN] = "";
    const char *u = d->units;
    if (!u || d->kind == V_STR)
        s[0] = '\0';
    else if (!strcmp(u, "1"))
        snprintf(s, sizeof s, "%s",
                 d->kind != V_F64         ? ""
                 : is_ratio_name(d->name) ? "ratio"
                                          : "fraction");
    else if (!strcmp(u, "year") || !strcmp(u, "years"))
        strcpy(s, "years");
    else if (!strcmp(u, "GBP"))
        strcpy(s, "gbp_m"); /* the values are divided by 1e6 (read_vals) */
    else {
        size_t k = 0;
        for (const char *p = u; *p && k + 1 < sizeof s; p++)
            s[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
        s[k] = '\0';
    }
    char tail[NAME_LEN + 2], tails[NAME_LEN + 3];
    ex_fmt(tail, sizeof tail, "_%s", s);
    ex_fmt(tails, sizeof tails, "_%ss", s);
    size_t lt = strlen(tail), lts = strlen(tails), ln = strlen(d->name);
    if (!s[0] || (ln >= lt && !strcmp(d->name + ln - lt, tail)) ||
        (ln >= lts && !strcmp(d->name + ln - lts, tails)))
        buf[0] = '\0';
    else
        ex_fmt(buf, n, "_%s", s);
}

void ex_free_links(ex_links *l)
{
    free(l->names);
    free(l->group);
    memset(l, 0, sizeof *l);
}

/* The groups and datasets in group g, in creation order (by name if it is
   not tracked; mr_h5r_links); free with free_links. */
int ex_list_links(ex *x, hid_t g, ex_links *l)
{
    char **names;
    size_t n;
    memset(l, 0, sizeof *l);
    if (mr_h5r_links(g, &names, &n) < 0)
        return ex_damaged(x, g, "");
    l->names = malloc((n ? n : 1) * sizeof *l->names);
    l->group = malloc((n ? n : 1) * sizeof *l->group);
    if (!l->names || !l->group) {
        mr_h5r_free_strings(names, n);
        ex_free_links(l);
        return mr_h5r_nomem(&x->r);
    }
    for (size_t k = 0; k < n && x->r.status == MR_OK; k++) {
        if (strlen(names[k]) >= NAME_LEN) {
            ex_fail(x, MR_BAD_INPUT, "%s: an object name of %zu bytes is too long", x->r.path,
                    strlen(names[k]));
            break;
        }
        hid_t o = H5Oopen(g, names[k], H5P_DEFAULT);
        if (o < 0) {
            /* a dangling link is not data; an object there that does not
               open is damage (and leaves HDF5 unable to close cleanly) */
            if (H5Oexists_by_name(g, names[k], H5P_DEFAULT) != 0)
                ex_damaged(x, g, names[k]);
            continue;
        }
        H5I_type_t t = H5Iget_type(o);
        H5Oclose(o);
        if (t == H5I_GROUP || t == H5I_DATASET) {
            snprintf(l->names[l->n], NAME_LEN, "%s", names[k]);
            l->group[l->n] = t == H5I_GROUP;
            l->n++;
        }
    }
    mr_h5r_free_strings(names, n);
    return x->r.status == MR_OK ? 0 : -1;
}

typedef struct {
    char *name;
    size_t n;
} scale_name;

static herr_t get_scale_name(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did;
    (void)dim;
    scale_name *s = data;
    char buf[PATH_MAX_LEN];
    ssize_t len = H5Iget_name(dsid, buf, sizeof buf);
    if (len <= 0)
        return -1; /* a scale without a name: the file is damaged */
    const char *base = strrchr(buf, '/');
    snprintf(s->name, s->n, "%s", base ? base + 1 : buf);
    return 1; /* the first scale names the dimension */
}

static int ds_info(ex *x, hid_t g, const char *name, dsinfo *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    if ((d->rank = mr_h5r_shape(g, name, d->dims)) < 0)
        return ex_damaged(x, g, name);
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t ft = ds < 0 ? -1 : H5Dget_type(ds);
    int rc = 0;
    if (ft < 0) {
        rc = ex_damaged(x, g, name);
    } else {
        H5T_class_t cls = H5Tget_class(ft);
        if (cls == H5T_STRING)
            d->kind = V_STR;
        else if (cls == H5T_INTEGER)
            d->kind = H5Tget_sign(ft) == H5T_SGN_2 ? V_I64 : V_U64;
        else if (cls == H5T_FLOAT)
            d->kind = V_F64;
        else
            rc = 1; /* compound, enum...: not exported */
        /* every failure here is damage: one passed over in silence leaves
           HDF5 unable to close cleanly (and the table wrong) */
        htri_t is_scale = H5DSis_scale(ds);
        d->scale = is_scale > 0;
        for (int k = 0; k < d->rank && is_scale >= 0; k++) {
            scale_name s = {d->dim[k], NAME_LEN};
            int nscales = d->scale && k == 0 ? 0 : H5DSget_num_scales(ds, (unsigned)k);
            if (d->scale && k == 0)
                snprintf(d->dim[0], NAME_LEN, "%s", name);
            else if (nscales < 0 || (nscales > 0 && H5DSiterate_scales(ds, (unsigned)k, NULL,
                                                                       get_scale_name, &s) < 0))
                is_scale = -1;
        }
        d->units = mr_h5r_attr_str(ds, ".", "units");
        if (is_scale < 0 || (!d->units && H5Aexists(ds, "units") != 0))
            rc = ex_damaged(x, g, name);
    }
    if (rc != 0) { /* not counted by the caller: nothing of it kept */
        free(d->units);
        d->units = NULL;
    }
    if (ft >= 0)
        H5Tclose(ft);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

/* The name of dimension k of d for grouping: its scale, or "#<length>". */
static void dim_key(const dsinfo *d, int k, char *buf, size_t n)
{
    if (d->dim[k][0])
        snprintf(buf, n, "%s", d->dim[k]);
    else
        snprintf(buf, n, "#%llu", (unsigned long long)d->dims[k]);
}

static int find_ds(const dsinfo *ds, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ds[i].name, name))
            return (int)i;
    return -1;
}

/* Column labels of dimension k of d (the scale's values, else indices). */
static int dim_labels(ex *x, hid_t g, const dsinfo *all, size_t nall, const dsinfo *d, int k,
                      vals *lab)
{
    memset(lab, 0, sizeof *lab);
    int s = d->dim[k][0] ? find_ds(all, nall, d->dim[k]) : -1;
    if (s < 0 || all[s].rank != 1 || all[s].dims[0] != d->dims[k])
        return 0; /* indices */
    return read_vals(x, g, &all[s], lab);
}

static void label_of(const vals *lab, size_t k, char *buf, size_t n)
{
    if (lab->n)
        val_label(lab, k, buf, n);
    else
        snprintf(buf, n, "%zu", k);
}

/* One CSV of a group: every non-coordinate dataset whose leading dimension
   is `lead` (or only the one named `only`), one row per element of it. */
static int export_generic_table(ex *x, hid_t g, const dsinfo *ds, size_t n, const char *lead,
                                const char *only, const char *dir, const char *file)
{
    size_t rows = 0, nc = 0;
    int *cols = malloc((n ? n : 1) * sizeof *cols);
    if (!cols)
        return mr_h5r_nomem(&x->r);
    for (size_t i = 0; i < n; i++) {
        char key[NAME_LEN];
        if (ds[i].scale || ds[i].rank < 1 || (only && strcmp(ds[i].name, only)))
            continue;
        dim_key(&ds[i], 0, key, sizeof key);
        if (strcmp(key, lead))
            continue;
        cols[nc++] = (int)i;
        rows = (size_t)ds[i].dims[0];
    }
    int li = find_ds(ds, n, lead);
    if (li >= 0 && (ds[li].rank != 1 || ds[li].dims[0] != rows))
        li = -1;
    vals lv = {0}, *v = calloc(nc ? nc : 1, sizeof *v), *lab1 = calloc(nc ? nc : 1, sizeof *lab1),
         *lab2 = calloc(nc ? nc : 1, sizeof *lab2);
    if (!v || !lab1 || !lab2)
        mr_h5r_nomem(&x->r);
    if (x->r.status == MR_OK && li >= 0)
        read_vals(x, g, &ds[li], &lv);
    for (size_t c = 0; c < nc && x->r.status == MR_OK; c++) {
        const dsinfo *d = &ds[cols[c]];
        if (read_vals(x, g, d, &v[c]) == 0 && d->rank >= 2)
            dim_labels(x, g, ds, n, d, 1, &lab1[c]);
        if (x->r.status == MR_OK && d->rank >= 3)
            dim_labels(x, g, ds, n, d, 2, &lab2[c]);
    }
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, file) == 0) {
        if (li >= 0) {
            char suf[NAME_LEN];
            unit_suffix(&ds[li], suf, sizeof suf);
            csv_head(&c, "%s%s", ds[li].name, suf);
        } else {
            csv_str(&c, "index");
        }
        for (size_t k = 0; k < nc; k++) {
            const dsinfo *d = &ds[cols[k]];
            char suf[NAME_LEN], a[NAME_LEN], b[NAME_LEN];
            unit_suffix(d, suf, sizeof suf);
            size_t n1 = d->rank >= 2 ? (size_t)d->dims[1] : 1,
                   n2 = d->rank >= 3 ? (size_t)d->dims[2] : 1;
            for (size_t p = 0; p < n1; p++)
                for (size_t q = 0; q < n2; q++) {
                    label_of(&lab1[k], p, a, sizeof a);
                    label_of(&lab2[k], q, b, sizeof b);
                    if (d->rank == 1)
                        csv_head(&c, "%s%s", d->name, suf);
                    else if (d->rank == 2)
                        csv_head(&c, "%s_%s%s", d->name, a, suf);
                    else
                        csv_head(&c, "%s_%s_%s%s", d->name, a, b, suf);
                }
        }
        csv_row(&c);
        for (size_t r = 0; r < rows; r++) {
            if (li >= 0)
                put_val(&c, &lv, r);
            else
                csv_u64(&c, r);
            for (size_t k = 0; k < nc; k++) {
                size_t per = v[k].n / (rows ? rows : 1);
                for (size_t e = 0; e < per; e++)
                    put_val(&c, &v[k], r * per + e);
            }
            csv_row(&c);
        }
        csv_close(&c);
    }
    free_vals(&lv);
    for (size_t k = 0; v && lab1 && lab2 && k < nc; k++) {
        free_vals(&v[k]);
        free_vals(&lab1[k]);
        free_vals(&lab2[k]);
    }
    free(v);
    free(lab1);
    free(lab2);
    free(cols);
    return x->r.status == MR_OK ? 0 : -1;
}

/* Scalars of a group: name, value, units. */
static int export_generic_scalars(ex *x, hid_t g, const dsinfo *ds, size_t n, const char *dir,
                                  const char *file)
{
    csv c;
    if (csv_open(x, &c, dir, file) < 0)
        return -1;
    csv_str(&c, "name");
    csv_str(&c, "value");
    csv_str(&c, "units");
    csv_row(&c);
    for (size_t i = 0; i < n && x->r.status == MR_OK; i++) {
        if (ds[i].rank != 0)
            continue;
        vals v;
        if (read_vals(x, g, &ds[i], &v) < 0)
            break;
        csv_str(&c, ds[i].name);
        put_val(&c, &v, 0);
        /* money is in GBP m, as the columns' _gbp_m (read_vals); until
           2026-12-07 its units cell said GBP */
        csv_str(&c, !ds[i].units ? "" : !strcmp(ds[i].units, "GBP") ? "GBP m" : ds[i].units);
        csv_row(&c);
        free_vals(&v);
    }
    return csv_close(&c);
}

/* The links of group g and its datasets that the generic rule can export
   (*ds malloc'ed, *n of them); free with free_datasets and free_links. */
static int group_datasets(ex *x, hid_t g, ex_links *l, dsinfo **ds, size_t *n)
{
    *ds = NULL;
    *n = 0;
    if (ex_list_links(x, g, l) < 0)
        return -1;
    if (!(*ds = calloc(l->n ? l->n : 1, sizeof **ds)))
        return mr_h5r_nomem(&x->r);
    for (size_t k = 0; k < l->n && x->r.status == MR_OK; k++)
        if (!l->group[k] && ds_info(x, g, l->names[k], &(*ds)[*n]) == 0)
            (*n)++;
    return x->r.status == MR_OK ? 0 : -1;
}

static void free_datasets(dsinfo *ds, size_t n)
{
    for (size_t i = 0; ds && i < n; i++)
        free(ds[i].units);
    free(ds);
}

/* Group g as base.csv (one leading dimension) or base_<dim>.csv (several),
   base_scalars.csv for its scalars, and its subgroups as base_<sub>...
   (docs/EXPORT.md, "Study tables"). */
static int export_generic(ex *x, hid_t g, const char *dir, const char *base)
{
    ex_links ll, *l = &ll;
    dsinfo *ds;
    size_t n;
    char(*leads)[NAME_LEN] = NULL;
    if (group_datasets(x, g, l, &ds, &n) < 0 || !(leads = malloc((n ? n : 1) * sizeof *leads))) {
        mr_h5r_nomem(&x->r);
        free_datasets(ds, n);
        ex_free_links(l);
        return -1;
    }
    /* the leading dimensions, in order of first use */
    size_t nl = 0;
    bool scalars = false;
    for (size_t i = 0; i < n; i++) {
        if (ds[i].rank == 0 && !ds[i].scale)
            scalars = true;
        if (ds[i].scale || ds[i].rank < 1)
            continue;
        char key[NAME_LEN];
        dim_key(&ds[i], 0, key, sizeof key);
        size_t j = 0;
        while (j < nl && strcmp(leads[j], key))
            j++;
        if (j == nl)
            snprintf(leads[nl++], NAME_LEN, "%s", key);
    }
    for (size_t j = 0; j < nl && x->r.status == MR_OK; j++) {
        char file[2 * NAME_LEN + 16];
        if (nl == 1)
            ex_fmt(file, sizeof file, "%s.csv", base);
        else
            ex_fmt(file, sizeof file, "%s_%s.csv", base,
                   leads[j][0] == '#' ? leads[j] + 1 : leads[j]);
        export_generic_table(x, g, ds, n, leads[j], NULL, dir, file);
    }
    if (scalars && x->r.status == MR_OK) {
        char file[2 * NAME_LEN + 16];
        ex_fmt(file, sizeof file, "%s_scalars.csv", base);
        export_generic_scalars(x, g, ds, n, dir, file);
    }
    for (size_t k = 0; k < l->n && x->r.status == MR_OK; k++) {
        if (!l->group[k])
            continue;
        /* /sweep/grid is /sweep's table on the grid of the swept keys: the
           same values, exported once as the flat table */
        if (!strcmp(base, "sweep") && !strcmp(l->names[k], "grid"))
            continue;
        hid_t sub = H5Gopen2(g, l->names[k], H5P_DEFAULT);
        if (sub < 0) {
            ex_damaged(x, g, l->names[k]);
            break;
        }
        char sb[2 * NAME_LEN];
        ex_fmt(sb, sizeof sb, "%s_%s", base, l->names[k]);
        export_generic(x, sub, dir, sb);
        H5Gclose(sub);
    }
    free(leads);
    free_datasets(ds, n);
    ex_free_links(l);
    return x->r.status == MR_OK ? 0 : -1;
}

/* A study table (attribution, events, difference, sweep) under g, if any:
   a group by the generic rule, or a single dataset as NAME.csv. */
int ex_study(ex *x, hid_t g, const char *name, const char *dir)
{
    if (!ex_exists(g, name))
        return 0;
    hid_t s = H5Oopen(g, name, H5P_DEFAULT);
    if (s < 0)
        return ex_damaged(x, g, name);
    H5I_type_t t = H5Iget_type(s);
    H5Oclose(s);
    if (t == H5I_GROUP) {
        hid_t sg = H5Gopen2(g, name, H5P_DEFAULT);
        if (sg < 0)
            return ex_damaged(x, g, name);
        export_generic(x, sg, dir, name);
        H5Gclose(sg);
        return x->r.status == MR_OK ? 0 : -1;
    }
    ex_links l;
    dsinfo *ds;
    size_t n;
    if (group_datasets(x, g, &l, &ds, &n) == 0) {
        int i = find_ds(ds, n, name);
        char key[NAME_LEN], file[NAME_LEN + 8];
        ex_fmt(file, sizeof file, "%s.csv", name);
        if (i >= 0 && ds[i].rank >= 1 && !ds[i].scale) {
            dim_key(&ds[i], 0, key, sizeof key);
            export_generic_table(x, g, ds, n, key, name, dir, file);
        }
    }
    free_datasets(ds, n);
    ex_free_links(&l);
    return x->r.status == MR_OK ? 0 : -1;
}

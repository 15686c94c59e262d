/* export.c - a result file's tables as CSV (`minrisk export`; docs/EXPORT.md):
 * the runs of a file and the entry points (export.h).
 *
 * The file is read with the HDF5 C API, dataset by dataset, and each table
 * is written as one CSV (csv.c): a header row of column names that carry
 * their unit (_gbp_m, _fraction, _ratio, _months, _years), then one row per
 * record. Numbers are printed with %.17g, which reads back to the same
 * double; NaN (a statistic that needs more trials, a stockpile that never
 * ran empty, a mineral without a stockpile) is an empty cell.
 *
 * The known tables of a run (docs/OUTPUT.md) get hand-made columns
 * (tables.c), the per-trial tables theirs from MR_TRIAL_VARS (trials.c).
 * The study tables that other commands add (/attribution, /events, a
 * comparison's /difference, a sweep's /sweep) are exported by one generic
 * rule (generic.c); an uncertainty study's /uncertainty by hand-made
 * tables (uncertainty.c).
 *
 * Every CSV is written as DIR/.NAME.tmp; all are renamed to DIR/NAME when
 * the export succeeds (ex_commit); a signal handler removes the temporary file and, as a failure
 * does, every file and directory the export made (mr_export_remove_partial).
 */
#define _POSIX_C_SOURCE 200809L

#include "out/export/export.h"

#include "out/export/ex.h"
#include "out/format.h"
#include "out/h5/read.h"

#include <hdf5.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- directories and runs ------------------------------------------------- */

/* mkdir -p */
static int make_dir(ex *x, const char *dir)
{
    char p[PATH_MAX_LEN];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return ex_fail(x, MR_BAD_INPUT, "%s: cannot create the directory: %s", dir,
                       n ? "path too long" : "empty name");
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        struct stat st;
        if (stat(p, &st) != 0) {
            sigset_t old; /* the directory and its record together */
            mr_stopsig_block(&old);
            bool made = mkdir(p, 0777) == 0;
            int e = errno;
            int kept = made ? ex_made_guarded(x, p, true) : 0;
            mr_stopsig_restore(&old);
            if (kept < 0)
                return -1; /* out of memory (recorded) */
            /* a full disk, a quota, an I/O error or no memory is a failure
               (exit 1), not the user's path (exit 2) */
            if (!made && e != EEXIST)
                return ex_fail(x,
                               e == ENOSPC || e == EDQUOT || e == EIO || e == ENOMEM ? MR_FAILED
                                                                                     : MR_BAD_INPUT,
                               "%s: cannot create the directory: %s", dir, strerror(e));
        } else if (!S_ISDIR(st.st_mode)) {
            return ex_fail(x, MR_BAD_INPUT,
                           "%s: cannot create the directory: %s is not a "
                           "directory",
                           dir, p);
        }
        p[i] = c;
    }
    if (access(dir, W_OK | X_OK) != 0)
        return ex_fail(x, MR_BAD_INPUT, "%s: cannot write to the directory: %s", dir,
                       strerror(errno));
    return 0;
}

/* The tables of the run in group g (where: its name in the file, "" for a
   one-run file) into dir; with trials the per-trial ones too, and a
   warning on stderr when the run kept none (output.trials: none; until
   2026-12-07 --trials then wrote nothing for it and said nothing). */
static int export_run(ex *x, hid_t g, const char *where, const char *dir, bool trials)
{
    ex_run r = {g, 0, 0, NULL, NULL};
    long long S = ex_extent(x, g, "summary/sector"), M = ex_extent(x, g, "summary/mineral");
    if (S < 0 || M < 0)
        return -1;
    r.S = (size_t)S;
    r.M = (size_t)M;
    r.sector = mr_h5r_strings(&x->r, g, "summary/sector", r.S);
    r.mineral = r.sector ? mr_h5r_strings(&x->r, g, "summary/mineral", r.M) : NULL;
    if (x->r.status == MR_OK)
        (void)(make_dir(x, dir) < 0 || ex_summary_tables(x, &r, dir) < 0 ||
               ex_study(x, g, "attribution", dir) < 0);
    if (x->r.status == MR_OK && trials && ex_exists(g, "trials"))
        (void)ex_trial_tables(x, &r, dir);
    else if (x->r.status == MR_OK && trials)
        fprintf(stderr,
                "minrisk export: warning: %s%s%s holds no per-trial results (output.trials: "
                "none): --trials writes no trials.csv, annual_loss.csv or mineral_trials.csv "
                "for it\n",
                x->r.path, where[0] ? " " : "", where);
    /* /events is there without /trials too (output.trials: none with --events) */
    if (x->r.status == MR_OK && trials)
        (void)ex_study(x, g, "events", dir);
    if (x->r.status == MR_OK && trials)
        (void)ex_long_tables(x, &r, dir);
    if (x->r.status == MR_OK)
        (void)ex_exceedance_table(x, &r, dir);
    mr_h5r_free_strings(r.sector, r.S);
    mr_h5r_free_strings(r.mineral, r.M);
    return x->r.status == MR_OK ? 0 : -1;
}

/* A run group: the `format` attribute and a summary. */
static bool is_run(hid_t g)
{
    char *f = mr_h5r_attr_str(g, ".", "format");
    bool ours = f && !strcmp(f, MR_FORMAT_NAME);
    free(f);
    return ours && ex_exists(g, "summary");
}

typedef struct {
    char (*path)[2 * NAME_LEN]; /* from the root, no leading '/' */
    size_t n, cap;
} runlist;

/* The run groups of a comparison or sweep, up to two levels down
   (runs/a, variants/x), in creation order. */
static int find_runs(ex *x, hid_t g, const char *prefix, int depth, runlist *rl)
{
    ex_links l;
    if (ex_list_links(x, g, &l) < 0)
        return -1;
    for (size_t k = 0; k < l.n && x->r.status == MR_OK; k++) {
        if (!l.group[k])
            continue;
        hid_t s = H5Gopen2(g, l.names[k], H5P_DEFAULT);
        if (s < 0)
            continue;
        char p[2 * NAME_LEN];
        ex_fmt(p, sizeof p, "%s%s%s", prefix, *prefix ? "/" : "", l.names[k]);
        if (is_run(s)) {
            if (rl->n == rl->cap) {
                size_t cap = rl->cap ? 2 * rl->cap : 16;
                void *q = realloc(rl->path, cap * sizeof *rl->path);
                if (!q) {
                    H5Gclose(s);
                    mr_h5r_nomem(&x->r);
                    break;
                }
                rl->path = q;
                rl->cap = cap;
            }
            memcpy(rl->path[rl->n++], p, sizeof p);
        } else if (depth > 1) {
            find_runs(x, s, p, depth - 1, rl);
        }
        H5Gclose(s);
    }
    ex_free_links(&l);
    return x->r.status == MR_OK ? 0 : -1;
}

static int export_file(ex *x, const char *dir, const mr_export_opts *o)
{
    char *kind = mr_h5r_attr_str(x->r.file, ".", "kind");
    bool multi = kind && strcmp(kind, "run") != 0;
    free(kind);
    if (!multi) {
        if (o->run && strcmp(o->run, "/") && o->run[0])
            return ex_fail(x, MR_BAD_INPUT,
                           "%s: --run %s: the file holds one run (no comparison or sweep)",
                           x->r.path, o->run);
        return export_run(x, x->r.file, "", dir, o->trials);
    }
    runlist rls = {NULL, 0, 0}, *rl = &rls;
    if (find_runs(x, x->r.file, "", 2, rl) == 0 && rl->n == 0)
        ex_damaged(x, x->r.file, "the runs of the comparison or sweep");
    if (x->r.status == MR_OK && o->run) {
        /* the group as an HDF5 path: "/runs//b/" is runs/b, as explain --run takes it */
        char want[2 * NAME_LEN];
        size_t w = 0;
        const char *c = o->run;
        for (; *c && w + 1 < sizeof want; c++)
            if (*c != '/' || (w > 0 && want[w - 1] != '/'))
                want[w++] = *c;
        if (*c) /* longer than any group name: matches none */
            w = 0;
        while (w > 0 && want[w - 1] == '/')
            w--;
        want[w] = '\0';
        size_t k = 0;
        while (k < rl->n && strcmp(rl->path[k], want))
            k++;
        if (k == rl->n) {
            char list[400] = "";
            size_t len = 0;
            for (size_t i = 0; i < rl->n && i < 3; i++)
                if (len < sizeof list)
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                            rl->path[i]);
            if (rl->n > 3 && len < sizeof list)
                snprintf(list + len, sizeof list - len, ", ... (%zu runs)", rl->n);
            ex_fail(x, MR_BAD_INPUT, "%s: --run %s: no such run (the file has %s)", x->r.path,
                    o->run, list);
        } else {
            hid_t g = H5Gopen2(x->r.file, rl->path[k], H5P_DEFAULT);
            if (g < 0)
                ex_damaged(x, x->r.file, rl->path[k]);
            else {
                export_run(x, g, rl->path[k], dir, o->trials);
                H5Gclose(g);
            }
        }
        free(rl->path);
        return x->r.status == MR_OK ? 0 : -1;
    }
    if (x->r.status == MR_OK)
        make_dir(x, dir);
    for (size_t k = 0; k < rl->n && x->r.status == MR_OK; k++) {
        char sub[PATH_MAX_LEN];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, rl->path[k]) >= sizeof sub) {
            ex_fail(x, MR_BAD_INPUT, "%s/%s: path too long", dir, rl->path[k]);
            break;
        }
        hid_t g = H5Gopen2(x->r.file, rl->path[k], H5P_DEFAULT);
        if (g < 0) {
            ex_damaged(x, x->r.file, rl->path[k]);
            break;
        }
        export_run(x, g, rl->path[k], sub, o->trials);
        H5Gclose(g);
    }
    free(rl->path);
    /* the file's own study tables */
    static const char *const study[] = {"difference", "sweep", "attribution"};
    for (size_t k = 0; k < sizeof study / sizeof *study && x->r.status == MR_OK; k++)
        ex_study(x, x->r.file, study[k], dir);
    if (x->r.status == MR_OK && o->trials)
        ex_study(x, x->r.file, "events", dir);
    if (x->r.status == MR_OK && ex_exists(x->r.file, "uncertainty")) /* minrisk uncertainty */
        ex_uncertainty(x, dir, o->trials);
    return x->r.status == MR_OK ? 0 : -1;
}

/* Before anything is written: no CSV name in dir (nor in the run
   subdirectories below it, runs/a, variants/x) is a link, a FIFO or another
   non-regular file, nor the input file, and no temporary name is the input
   file; a refusal names the entry. csv_open checks each name again. */
static int check_dir(ex *x, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* missing, or not a directory: make_dir says so */
    struct dirent *e;
    while (x->r.status == MR_OK && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, ".."))
            continue;
        char p[PATH_MAX_LEN];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, n) >= sizeof p)
            continue;
        size_t len = strlen(n);
        bool is_csv = len > 4 && !strcmp(n + len - 4, ".csv");
        bool is_tmp = n[0] == '.' && len > 8 && !strcmp(n + len - 8, ".csv.tmp");
        struct stat st;
        if (lstat(p, &st) != 0)
            continue;
        if (is_csv)
            ex_check_output(x, p);
        else if (is_tmp && x->have_in && st.st_dev == x->in_dev && st.st_ino == x->in_ino)
            ex_fail(x, MR_BAD_INPUT,
                    "%s: is the input file; export would remove it: choose another --csv", p);
        else if (S_ISDIR(st.st_mode) && depth > 0)
            check_dir(x, p, depth - 1);
    }
    closedir(d);
    return x->r.status == MR_OK ? 0 : -1;
}

/* ---- CSVs this export did not write ----------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory part of a path this export made ("DIR/runs/a/x.csv" ->
   "DIR/runs/a"), into d. */
static void dir_of(const char *path, char *d, size_t size)
{
    const char *slash = strrchr(path, '/');
    ex_fmt(d, size, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
}

/* True when this export wrote dir/name. */
static bool wrote(const ex *x, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    for (size_t k = 0; k < x->nmade; k++)
        if (!x->made_dir[k] && !strncmp(x->made[k], dir, dl) && x->made[k][dl] == '/' &&
            !strcmp(x->made[k] + dl + 1, name))
            return true;
    return false;
}

/* After a successful export, in each directory it wrote into (it holds
   DIR's lock: no other export writes there): removes the hidden
   temporaries (.NAME.csv.tmp) an export killed outright left, which this
   one did not write over (until 2026-12-08 they stayed: an export without
   --trials after a killed one with it kept .trials.csv.tmp, 2.7 MB of a
   20,000-trial demo, and .annual_loss.csv.tmp, 21 MB); and prints one
   warning line on out for each that holds other CSVs (an earlier export's
   tables, which would be taken for this file's: docs/EXPORT.md). */
static void after_export(const ex *x, FILE *out)
{
    for (size_t k = 0; k < x->nmade; k++) {
        if (x->made_dir[k])
            continue;
        char dir[PATH_MAX_LEN], seen[PATH_MAX_LEN];
        dir_of(x->made[k], dir, sizeof dir);
        bool done = false; /* an earlier file of the same directory */
        for (size_t i = 0; i < k && !done; i++) {
            if (x->made_dir[i])
                continue;
            dir_of(x->made[i], seen, sizeof seen);
            done = !strcmp(seen, dir);
        }
        DIR *d = done ? NULL : opendir(dir);
        if (!d)
            continue;
        char **names = NULL;
        size_t n = 0, cap = 0;
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] == '.' && len > 8 && !strcmp(e->d_name + len - 8, ".csv.tmp")) {
                char p[PATH_MAX_LEN];
                if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < sizeof p)
                    (void)unlink(p); /* a directory of that name stays */
                continue;
            }
            if (e->d_name[0] == '.' || len <= 4 || strcmp(e->d_name + len - 4, ".csv") ||
                wrote(x, dir, e->d_name))
                continue;
            if (n == cap) {
                char **q = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *q);
                if (!q)
                    break;
                names = q;
            }
            if ((names[n] = strdup(e->d_name)) != NULL)
                n++;
        }
        closedir(d);
        if (n > 0) {
            qsort(names, n, sizeof *names, by_name);
            char shown[PATH_MAX_LEN];
            fprintf(out,
                    "minrisk export: warning: %zu CSV file%s in %s %s not written by this export "
                    "(an earlier export's?), so %s may not be of this file:",
                    n, n == 1 ? "" : "s", mr_printable(dir, shown, sizeof shown),
                    n == 1 ? "was" : "were", n == 1 ? "it" : "they");
            for (size_t i = 0; i < n; i++)
                fprintf(out, "%s %s", i ? "," : "", mr_printable(names[i], shown, sizeof shown));
            fprintf(out, "\n");
        }
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
}

/* ---- entry points --------------------------------------------------------- */

mr_status mr_export_csv(const char *file, const char *dir, const mr_export_opts *opts,
                        size_t *nfiles, mr_error *err)
{
    ex x;
    memset(&x, 0, sizeof x);
    mr_export_opts none = {false, NULL};
    const mr_export_opts *o = opts ? opts : &none;
    ex_undo_on_signal(&x); /* an interrupt removes what was made, as a failure does */
    if (mr_h5r_open(&x.r, file, MR_H5R_NAMES_FROM_ROOT, err) == 0) {
        struct stat st;
        if (stat(file, &st) == 0) {
            x.have_in = true;
            x.in_dev = st.st_dev;
            x.in_ino = st.st_ino;
        }
        if (check_dir(&x, dir, 2) == 0)
            export_file(&x, dir, o);
    }
    mr_h5r_close(&x.r);
    if (x.r.status == MR_OK)
        ex_commit(&x);
    if (x.r.status != MR_OK) {
        ex_undo(&x);
        x.nfiles = 0;
    } else {
        after_export(&x, stderr);
    }
    ex_undo_on_signal(NULL);
    for (size_t k = 0; k < x.nmade; k++) {
        free(x.made[k]);
        free(x.final[k]);
    }
    free(x.made);
    free(x.made_dir);
    free(x.final);
    if (nfiles)
        *nfiles = x.nfiles;
    return x.r.status;
}

int mr_export_print_timings(const char *file, FILE *out, mr_error *err)
{
    mr_h5r r;
    double v[7] = {0};
    static const char *const name[7] = {"wall_seconds",      "stats_seconds", "write_seconds",
                                        "trials_per_second", "threads",       "ranks",
                                        "analysis_seconds"};
    mr_h5r_open(&r, file, MR_H5R_NAMES_FROM_ROOT, err);
    for (int k = 0; k < 7 && r.status == MR_OK; k++)
        if (mr_h5r_attr_get(r.file, "run_info", name[k], H5T_NATIVE_DOUBLE, 1, &v[k]) < 0)
            mr_h5r_damaged(&r, r.file, "run_info");
    mr_h5r_close(&r);
    if (r.status != MR_OK)
        return -1;
    fprintf(out,
            "minrisk: timings: simulation %.3f s wall (%.6g trials per second, %.0f rank%s x "
            "%.0f thread%s), analysis (attribution, events, counterfactuals) %.3f s, statistics "
            "%.3f s, write %.3f s\n",
            v[0], v[3], v[5], v[5] == 1.0 ? "" : "s", v[4], v[4] == 1.0 ? "" : "s", v[6], v[1],
            v[2]);
    return 0;
}

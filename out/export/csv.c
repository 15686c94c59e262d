/* csv.c - the CSV writer of `minrisk export` (ex.h): every CSV is written
 * as DIR/.NAME.tmp and renamed to DIR/NAME when the export is complete
 * (ex_commit); a signal handler
 * can remove the temporary file (mr_export_remove_partial). Numbers are
 * printed with %.17g, which reads back to the same double; NaN is an empty
 * cell. On an interrupt the handler also removes what the export made
 * (mr_export_remove_partial). Strings are quoted as RFC 4180 says (only when they hold a comma, a
 * quote, a line break, surrounding spaces or another control character;
 * their bytes are kept). Lines end with LF. Also the
 * export's failures, what it made (removed again on failure) and its
 * reading helpers.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/export/ex.h"
#include "out/format.h"
#include "out/h5/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* snprintf whose truncation is accepted (labels and names are cut at the
   buffer's size). */
void ex_fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, n, f, ap);
    va_end(ap);
}

/* ---- the temporary file, for a signal handler --------------------------- */

static char partial_path[PATH_MAX_LEN];
static volatile sig_atomic_t partial_active;

/* The export in progress, whose list of what it made a handler undoes: the
   list changes only with SIGINT, SIGTERM and SIGHUP blocked
   (mr_stopsig_block), so the
   handler never sees it half updated. */
static ex *volatile undo_x;

void mr_export_remove_partial(void)
{
    if (partial_active)
        unlink(partial_path);
    ex *x = undo_x;
    if (x)
        ex_undo(x);
}

void ex_undo_on_signal(ex *x)
{
    sigset_t old;
    mr_stopsig_block(&old);
    undo_x = x;
    mr_stopsig_restore(&old);
}

/* Remember a file or directory this export made. Out of memory: it is
   removed at once (a failed export leaves nothing, and a file not
   remembered would be named stale by after_export), and the export fails. */
int ex_made(ex *x, const char *path, bool dir)
{
    sigset_t old;
    mr_stopsig_block(&old);
    int rc = ex_made_guarded(x, path, dir);
    mr_stopsig_restore(&old);
    return rc;
}

int ex_made_guarded(ex *x, const char *path, bool dir)
{
    if (x->nmade == x->capmade) {
        size_t cap = x->capmade ? 2 * x->capmade : 16;
        char **m = realloc(x->made, cap * sizeof *m);
        if (m)
            x->made = m;
        bool *d = m ? realloc(x->made_dir, cap * sizeof *d) : NULL;
        if (d)
            x->made_dir = d;
        char **f = d ? realloc(x->final, cap * sizeof *f) : NULL;
        if (f)
            x->final = f;
        if (m && d && f)
            x->capmade = cap;
    }
    char *c = x->nmade < x->capmade ? malloc(strlen(path) + 1) : NULL;
    if (!c) {
        if (dir)
            rmdir(path);
        else
            unlink(path);
        return mr_h5r_nomem(&x->r);
    }
    strcpy(c, path);
    x->made[x->nmade] = c;
    x->final[x->nmade] = NULL;
    x->made_dir[x->nmade++] = dir;
    return 0;
}

int ex_made_table_guarded(ex *x, const char *tmp, const char *path)
{
    char *f = strdup(path);
    if (!f) {
        unlink(tmp);
        return mr_h5r_nomem(&x->r);
    }
    if (ex_made_guarded(x, tmp, false) < 0) {
        free(f);
        return -1;
    }
    x->final[x->nmade - 1] = f;
    return 0;
}

int ex_commit(ex *x)
{
    /* the renames first, one after another (microseconds: the window in
       which a SIGKILL leaves some tables named and not others), then the
       folders synced, each once per table renamed into it */
    size_t renamed = 0;
    for (size_t k = 0; k < x->nmade && x->r.status == MR_OK; k++) {
        if (!x->final[k])
            continue;
        sigset_t old; /* the rename and its record together */
        mr_stopsig_block(&old);
        int e = rename(x->made[k], x->final[k]) == 0 ? 0 : errno;
        if (!e) {
            free(x->made[k]);
            x->made[k] = x->final[k];
            x->final[k] = NULL;
            renamed++;
        }
        mr_stopsig_restore(&old);
        if (e)
            return ex_fail(x, MR_FAILED, "%s: cannot write: %s", x->final[k], strerror(e));
    }
    for (size_t k = 0; k < x->nmade && renamed > 0; k++)
        if (!x->made_dir[k]) {
            mr_output_sync_dir(x->made[k]); /* and its name */
            renamed--;
        }
    return x->r.status == MR_OK ? 0 : -1;
}

/* After a failure: remove what was made, newest first. */
void ex_undo(ex *x)
{
    for (size_t k = x->nmade; k-- > 0;) {
        if (x->made_dir[k])
            rmdir(x->made[k]);
        else
            unlink(x->made[k]);
    }
}

/* A failure of the export's own (the message as given, naming what it is
   about), unless one was recorded already. */
int ex_fail(ex *x, int status, const char *fmt, ...)
{
    if (x->r.status == MR_OK) {
        x->r.status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->r.err->msg, sizeof x->r.err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* "damaged or incomplete minrisk file: cannot read /path/of/g/name" */
int ex_damaged(ex *x, hid_t g, const char *name)
{
    return mr_h5r_damaged(&x->r, g, name);
}

/* ---- CSV ------------------------------------------------------------------ */

/* An output name, if it exists, is a regular file (a link is not followed)
   and not the input file; else the failure (MR_BAD_INPUT), one line. */
int ex_check_output(ex *x, const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return ex_fail(x, MR_BAD_INPUT, "%s: cannot check the output path: %s", path,
                       strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return ex_fail(x, MR_BAD_INPUT,
                       "%s: is a symbolic link; export would replace the link, not its "
                       "target: remove it or choose another --csv",
                       path);
    if (!S_ISREG(st.st_mode))
        return ex_fail(x, MR_BAD_INPUT,
                       "%s: exists and is %s, not a regular file; remove it or choose another "
                       "--csv",
                       path, mr_file_kind(st.st_mode));
    if (x->have_in && st.st_dev == x->in_dev && st.st_ino == x->in_ino)
        return ex_fail(x, MR_BAD_INPUT,
                       "%s: is the input file; export would overwrite it: choose another --csv",
                       path);
    return 0;
}

int csv_open(ex *x, csv *c, const char *dir, const char *name)
{
    memset(c, 0, sizeof *c);
    c->x = x;
    int a = snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
    int b = snprintf(c->tmp, sizeof c->tmp, "%s/.%s.tmp", dir, name);
    if (a < 0 || b < 0 || (size_t)a >= sizeof c->path || (size_t)b >= sizeof c->tmp)
        return ex_fail(x, MR_BAD_INPUT, "%s/%s: path too long", dir, name);
    if (ex_check_output(x, c->path) < 0)
        return -1;
    /* a stale temporary (or anything planted under its name: a link, a
       FIFO) is removed, never written through; the input is never removed */
    struct stat st;
    if (lstat(c->tmp, &st) == 0 && x->have_in && st.st_dev == x->in_dev && st.st_ino == x->in_ino)
        return ex_fail(x, MR_BAD_INPUT,
                       "%s: is the input file; export would remove it: choose another --csv",
                       c->tmp);
    if (unlink(c->tmp) != 0 && errno != ENOENT)
        return ex_fail(x, MR_FAILED, "%s: cannot remove the stale temporary file: %s", c->tmp,
                       strerror(errno));
    memcpy(partial_path, c->tmp, sizeof partial_path);
    partial_active = 1;
    int fd = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    c->f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!c->f) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(c->tmp);
        }
        partial_active = 0;
        return ex_fail(x, MR_FAILED, "%s: cannot write: %s", c->tmp, strerror(e));
    }
    c->first = true;
    return 0;
}

void csv_sep(csv *c)
{
    if (!c->first)
        fputc(',', c->f);
    c->first = false;
}

/* RFC 4180: a field with a comma, a quote or a line break is quoted, its
   quotes doubled; so is one with surrounding spaces (kept by readers) or
   a control character. */
void csv_str(csv *c, const char *s)
{
    csv_sep(c);
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
    /* CSV is data: a name's bytes are kept, control characters too, but
       such a field is quoted so that its bounds are plain (docs/EXPORT.md) */
    for (const char *p = s; *p && !quote; p++)
        quote = (unsigned char)*p < 0x20 || *p == 0x7f;
    if (!quote) {
        fputs(s, c->f);
        return;
    }
    fputc('"', c->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', c->f);
        fputc(*s, c->f);
    }
    fputc('"', c->f);
}

/* %.17g reads back to the same double; NaN is an empty cell. */
void csv_f64(csv *c, double v)
{
    csv_sep(c);
    if (!isnan(v))
        fprintf(c->f, "%.17g", v);
}

void csv_gbp_m(csv *c, double gbp)
{
    csv_f64(c, gbp / 1e6);
}

void csv_u64(csv *c, unsigned long long v)
{
    csv_sep(c);
    fprintf(c->f, "%llu", v);
}

void csv_i64(csv *c, long long v)
{
    csv_sep(c);
    fprintf(c->f, "%lld", v);
}

void csv_row(csv *c)
{
    fputc('\n', c->f);
    c->first = true;
}

/* Header cells from a printf format each. */
void csv_head(csv *c, const char *fmt, ...)
{
    char h[3 * NAME_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h, sizeof h, fmt, ap);
    va_end(ap);
    csv_str(c, h);
}

/* Complete the file and give it its name; on any failure remove it. */
int csv_close(csv *c)
{
    ex *x = c->x;
    if (!c->f)
        return -1;
    int bad = 0, e = 0;
    if (ferror(c->f) || fflush(c->f) != 0) {
        bad = 1;
        e = errno;
    }
    /* on the disk before its name says it is complete (as a result file:
       out/h5/h5w.c h5w_partial_rename), so a crash leaves no named table
       of zero length */
    if (!bad && fsync(fileno(c->f)) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(c->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    c->f = NULL;
    if (!bad && x->r.status != MR_OK)
        bad = 2; /* a read failed part way: the table is incomplete */
    /* kept under its temporary name until the export commits (ex_commit);
       recorded with the interrupt blocked, so that it sees the file either
       as the partial one or as made */
    sigset_t old;
    mr_stopsig_block(&old);
    if (!bad && ex_made_table_guarded(x, c->tmp, c->path) < 0)
        bad = 3; /* out of memory, recorded; the file removed */
    else if (bad)
        unlink(c->tmp);
    partial_active = 0;
    mr_stopsig_restore(&old);
    if (bad) {
        if (bad == 1)
            ex_fail(x, MR_FAILED, "%s: cannot write: %s", c->path, strerror(e ? e : EIO));
        return -1;
    }
    x->nfiles++;
    return 0;
}

/* ---- reading ------------------------------------------------------------- */

bool ex_exists(hid_t g, const char *name)
{
    return H5Lexists(g, name, H5P_DEFAULT) > 0;
}

/* Number of elements of a dataset, or -1. */
long long ex_extent(ex *x, hid_t g, const char *name)
{
    return mr_h5r_extent(&x->r, g, name);
}

int ex_check_extent(ex *x, hid_t g, const char *name, long long n, size_t a, size_t b)
{
    const long long have = ex_extent(x, g, name);
    if (have < 0)
        return -1;
    bool over = n < 0 || (a && b > SIZE_MAX / a);
    const size_t m = over ? 0 : a * b;
    over = over || (m && (unsigned long long)n > (unsigned long long)LLONG_MAX / m);
    if (!over && have == n * (long long)m)
        return 0;
    return mr_h5r_damaged_why(&x->r, g, name, "has %lld value%s, expected %lld x %zu x %zu%s", have,
                              have == 1 ? "" : "s", n, a, b, over ? " (above 2^63)" : "");
}

/* Exactly n values of a dataset, converted to mem_type; malloc'ed. */
double *ex_read_f64(ex *x, hid_t g, const char *name, size_t n)
{
    return mr_h5r_read_new(&x->r, g, name, H5T_NATIVE_DOUBLE, sizeof(double), n);
}

unsigned long long *ex_read_u64(ex *x, hid_t g, const char *name, size_t n)
{
    return mr_h5r_read_new(&x->r, g, name, H5T_NATIVE_ULLONG, sizeof(unsigned long long), n);
}

long long *ex_read_i64(ex *x, hid_t g, const char *name, size_t n)
{
    return mr_h5r_read_new(&x->r, g, name, H5T_NATIVE_LLONG, sizeof(long long), n);
}

/* Rows r0 .. r0 + nr - 1 of a dataset of rank 1 or 2 (ncols columns) into
   buf. */
int ex_read_rows(ex *x, hid_t g, const char *name, hsize_t r0, hsize_t nr, hsize_t ncols,
                 hid_t mem_type, void *buf)
{
    return mr_h5r_rows(g, name, mem_type, r0, nr, ncols, buf) < 0 ? ex_damaged(x, g, name) : 0;
}

/* A probability level as a column label: 0.5 -> "50", 0.995 -> "995",
   0.05 -> "05". */
void ex_level_label(double p, char *buf, size_t n)
{
    char t[40];
    snprintf(t, sizeof t, "%.10g", p * 100.0);
    size_t k = 0;
    for (const char *s = t; *s && k + 1 < sizeof t; s++)
        if (*s != '.')
            t[k++] = *s;
    t[k] = '\0';
    ex_fmt(buf, n, "%s%s", k == 1 ? "0" : "", t);
}

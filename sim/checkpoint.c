/* checkpoint.c - resumable runs: finished blocks and their rows in one HDF5
 * file, written collectively (a hyperslab per rank) in the MPI build.
 *
 * Every array carries a CRC-64 (sim/crc64.h) and the header one over all
 * its attributes, so that --resume refuses a damaged checkpoint instead of
 * silently changing the results (issue 11, case 3). The checksums are over
 * the logical values in trial order: one per block of trials and variable
 * (the table /checksums, [variable][block], 0 for blocks not done), one
 * per other array, and one over the header; so they do not depend on the
 * ranks or threads that wrote the file. Layout: docs/HPC.md "Checkpoints".
 */
#define _POSIX_C_SOURCE 200809L
#include "out/h5/pieces.h"
#include "out/h5/writer.h"
#include "out/scenario_yaml.h"
#include "sim/checkpoint.h"

#include "models/libm_path.h"
#include "sim/crc64.h"
#include "sim/rng.h"

#include <errno.h>
#include <fcntl.h>
#include <minrisk_commit.h> /* MINRISK_COMMIT, written by the build (sim/cmd/commit.cmake) */
#include <float.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif

#define CKPT_FORMAT "minrisk-checkpoint"
#define CKPT_VERSION 4 /* 2: checksums; 3: the build; 4: the libm code path */
/* The program that writes or resumes a checkpoint: a checkpoint of another
   build would mix rows of two programs (or models) in one file. */
#define CKPT_BUILD "minrisk " MINRISK_VERSION " (" MINRISK_COMMIT ")"

char *mr_checkpoint_path(const char *output)
{
    size_t n = strlen(output);
    char *p = malloc(n + 6);
    if (p) {
        memcpy(p, output, n);
        memcpy(p + n, ".ckpt", 6);
    }
    return p;
}

uint64_t mr_checkpoint_run_id(const mr_scenario *sc)
{
    char *y = mr_scenario_resolved_yaml(sc);
    uint64_t h = y ? mr_hash64(y) : 0;
    free(y);
    /* the resolved text holds seed and trials too; mix them in anyway */
    h ^= sc->seed * 0x9e3779b97f4a7c15ull;
    h ^= sc->trials * 0xc2b2ae3d27d4eb4full;
    return h;
}

/* The per-trial tables are every variable of mr_trial_vars (out/results.h),
   each a [trials x columns] dataset named as the variable. */
static hsize_t var_cols(const mr_results *r, const mr_trial_var *v)
{
    return (hsize_t)mr_cols_count(v->cols, r->nsectors, r->nminerals, r->years);
}

/* The file-access list (MPI-IO over comm's ranks), or -1 on every rank when
   it cannot be made on any. Every rank calls it. H5Pcreate is agreed before
   H5Pset_fapl_mpio, which duplicates the communicator, a collective call
   (until 2026-12-07 a rank whose H5Pcreate failed skipped it and left the
   others waiting there, and its results were not checked). */
static hid_t file_access(const mr_comm *comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    int bad = mr_comm_any(comm, fapl < 0);
#ifdef MINRISK_HAVE_MPI
    if (!bad && comm->mpi)
        bad = mr_comm_any(comm, H5Pset_fapl_mpio(fapl, *(MPI_Comm *)comm->mpi, MPI_INFO_NULL) < 0);
#endif
    if (bad && fapl >= 0)
        H5Pclose(fapl);
    return bad ? -1 : fapl;
}

/* The transfer list (collective on several ranks), or -1 on every rank
   when it cannot be made on any (every rank calls it). */
static hid_t transfer(const mr_comm *comm)
{
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    int bad = dxpl < 0;
#ifdef MINRISK_HAVE_MPI
    if (!bad && comm->mpi)
        bad = H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0;
#endif
    bad = mr_comm_any(comm, bad);
    if (bad && dxpl >= 0)
        H5Pclose(dxpl);
    return bad ? -1 : dxpl;
}

/* Select, in file space fs (rows x cols) and memory space ms (local rows x
   cols), the rows of the local blocks with pick[b] set (all if pick NULL)
   that are among local rows lo .. hi - 1: a piece of the transfer
   (out/h5/pieces.h). */
static void select_blocks(hid_t fs, hid_t ms, const mr_results *r, int cols,
                          const unsigned char *pick, uint64_t lo, uint64_t hi)
{
    H5Sselect_none(fs);
    H5Sselect_none(ms);
    uint64_t N = r->ntrials_total;
    for (uint64_t b = 0; b < r->nblocks; b++) {
        if (pick && !pick[b])
            continue;
        uint64_t g0 = (r->first_block + b) * MR_BLOCK_TRIALS;
        uint64_t g1 = g0 + MR_BLOCK_TRIALS < N ? g0 + MR_BLOCK_TRIALS : N;
        const uint64_t l0 = g0 - r->first_trial, l1 = g1 - r->first_trial;
        const uint64_t a = l0 > lo ? l0 : lo, z = l1 < hi ? l1 : hi;
        if (a >= z)
            continue;
        hsize_t fstart[2] = {r->first_trial + a, 0}, mstart[2] = {a, 0};
        hsize_t count[2] = {z - a, (hsize_t)cols};
        H5Sselect_hyperslab(fs, H5S_SELECT_OR, fstart, NULL, count, NULL);
        H5Sselect_hyperslab(ms, H5S_SELECT_OR, mstart, NULL, count, NULL);
    }
}

/* The pieces of the transfer of this rank's rows of a variable of cols
   columns, *per rows a piece: the most of any rank, so that every rank
   makes as many collective calls. */
static uint64_t row_pieces(const mr_results *r, hsize_t cols, const mr_comm *comm, uint64_t *per)
{
    *per = mr_h5_piece_rows((uint64_t)cols * sizeof(double));
    double np = (double)mr_h5_piece_count(r->ntrials, *per); /* exact below 2^53 */
    mr_comm_max_f64(comm, &np, 1);
    return (uint64_t)np;
}

/* ---- the header and its checksum ----------------------------------------- */

/* The header's integer attributes, in the order of its checksum. */
enum {
    H_VERSION,
    H_RUN_ID,
    H_TRIALS,
    H_BLOCK_TRIALS,
    H_RANDOM_WORDS,
    H_CRC_BLOCK_DONE,
    H_CRC_BAND_Q,
    H_CRC_BAND_Y,
    H_CRC_CHECKSUMS,
    H_BUILD,
    H_LIBM,
    H_N
};
static const char *const header_names[H_N] = {
    "version",    "run_id",     "trials",        "block_trials", "random_words", "crc_block_done",
    "crc_band_q", "crc_band_y", "crc_checksums", "build",        "libm"};

/* CRC-64 over the format string and every (name, value) of the header. */
static uint64_t header_crc(const char *format, const uint64_t h[H_N])
{
    uint64_t c = mr_crc64(MR_CRC64_INIT, format, strlen(format) + 1);
    for (int k = 0; k < H_N; k++) {
        c = mr_crc64(c, header_names[k], strlen(header_names[k]) + 1);
        c = mr_crc64_u64(c, &h[k], 1);
    }
    return c;
}

static uint64_t nblocks_of(uint64_t N)
{
    return (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
}

/* Global trials of block b: [*g0, *g1). */
static void block_trials(uint64_t b, uint64_t N, uint64_t *g0, uint64_t *g1)
{
    *g0 = b * MR_BLOCK_TRIALS;
    *g1 = *g0 + MR_BLOCK_TRIALS < N ? *g0 + MR_BLOCK_TRIALS : N;
}

/* The CRC of variable v's rows of (global) block b, from this rank's r. */
static uint64_t block_crc(const mr_results *r, const mr_trial_var *v, uint64_t b)
{
    uint64_t g0, g1;
    block_trials(b, r->ntrials_total, &g0, &g1);
    const size_t cols = (size_t)var_cols(r, v);
    const double *x = mr_results_cvar(r, v) + (g0 - r->first_trial) * cols;
    return mr_crc64_f64(MR_CRC64_INIT, x, (size_t)(g1 - g0) * cols);
}

/* A failure on some rank, with the message of the lowest failing rank on
   every rank: 1, or 0 if none failed. Collective. */
static int agree(const mr_comm *comm, int fail, mr_error *err)
{
    double r = fail ? (double)comm->rank : DBL_MAX;
    mr_comm_min_f64(comm, &r, 1);
    if (r == DBL_MAX)
        return 0;
    mr_comm_bcast_from(comm, (int)r, err->msg, sizeof err->msg);
    return 1;
}

/* HDF5's error stack off (failures are reported through mr_error, one
   line), and back as it was. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} h5_quiet;

static void quiet_on(h5_quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void quiet_off(const h5_quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

/* ---- writing -------------------------------------------------------------- */

/* A checkpoint being written: the first failure and its errno. */
typedef struct {
    hid_t f, dxpl;
    const mr_comm *comm;
    int fail;
    int err_no;       /* errno of the first failure; 0 = HDF5's own */
    const char *what; /* the object being written */
} ckpt_writer;

/* Record a failure (failed != 0) of the call that wrote `what`; errno was
   cleared before it, so a system error (disk full...) is its cause. */
static void check(ckpt_writer *w, int failed, const char *what)
{
    if (failed && !w->fail) {
        w->fail = 1;
        w->err_no = errno;
        w->what = what;
    }
    errno = 0;
}

/* Did any rank fail (w->fail on that rank)? Before each object's
   collective calls (H5Dcreate2, H5Dwrite, H5Acreate2, H5Awrite, the
   reductions): a rank whose own call failed must not leave the others
   waiting in the next collective call (until 2026-12-06 it did, and the
   run hung). The message is the lowest failing rank's (agree, at the
   end). Collective. */
static int any_failed(const ckpt_writer *w)
{
    return mr_comm_any(w->comm, w->fail);
}

/* Did the call that made `id` fail on some rank? Then no rank writes to
   it. Collective. */
static int not_made(ckpt_writer *w, hid_t id, const char *what)
{
    check(w, id < 0, what);
    return mr_comm_any(w->comm, id < 0);
}

static int read_attr_u64(hid_t obj, const char *name, uint64_t *v)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    int rc = (a < 0 || H5Aread(a, H5T_NATIVE_UINT64, v) < 0) ? -1 : 0;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* A scalar attribute of the file, of file type ftype, from value (of
   type mtype); nothing once a rank has failed. */
static void attr_write(ckpt_writer *w, const char *name, hid_t ftype, hid_t mtype,
                       const void *value)
{
    if (any_failed(w))
        return;
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(w->f, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (!not_made(w, a, "the header"))
        check(w, H5Awrite(a, mtype, value) < 0, "the header");
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
}

static void attr_str(ckpt_writer *w, const char *name, const char *text)
{
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, strlen(text) + 1);
    attr_write(w, name, st, st, text);
    H5Tclose(st);
}

static void write_header(ckpt_writer *w, const uint64_t h[H_N])
{
    attr_str(w, "format", CKPT_FORMAT);
    attr_str(w, "written_by", CKPT_BUILD);        /* for the message; h[H_BUILD] is checked */
    attr_str(w, "libm_cpu", mr_libm_cpu_words()); /* likewise, h[H_LIBM] */
    for (int k = 0; k < H_N; k++)
        attr_write(w, header_names[k], H5T_STD_U64LE, H5T_NATIVE_UINT64, &h[k]);
    const uint64_t crc = header_crc(CKPT_FORMAT, h);
    attr_write(w, "crc_header", H5T_STD_U64LE, H5T_NATIVE_UINT64, &crc);
}

/* A 1-D dataset of n values; only rank 0's data is written. */
static void write_counts(ckpt_writer *w, const char *name, hid_t ftype, hid_t mtype,
                         const void *data, hsize_t n)
{
    if (any_failed(w))
        return;
    hid_t fs = H5Screate_simple(1, &n, NULL);
    hid_t ds = H5Dcreate2(w->f, name, ftype, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t ms = H5Screate_simple(1, &n, NULL);
    if (w->comm->rank != 0) {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    }
    if (!not_made(w, ds, name))
        check(w, H5Dwrite(ds, mtype, ms, fs, w->dxpl, data) < 0, name);
    if (ds >= 0)
        H5Dclose(ds);
    H5Sclose(ms);
    H5Sclose(fs);
}

/* The per-trial datasets: each rank writes the rows of its done blocks. */
static void write_rows(ckpt_writer *w, const mr_results *r)
{
    for (int k = 0; k < MR_NTRIAL_VARS && !any_failed(w); k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        hsize_t cols = var_cols(r, v);
        hsize_t dims[2] = {r->ntrials_total, cols}, mdims[2] = {r->ntrials, cols};
        hid_t fs = H5Screate_simple(2, dims, NULL), ms = H5Screate_simple(2, mdims, NULL);
        hid_t ds =
            H5Dcreate2(w->f, v->name, H5T_IEEE_F64LE, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        /* a piece of at most MR_H5_PIECE_BYTES at a time (out/h5/pieces.h);
           none on any rank when one could not make the dataset, and every
           piece on every rank when one could not write a piece */
        uint64_t per, np = row_pieces(r, cols, w->comm, &per);
        if (not_made(w, ds, v->name))
            np = 0;
        for (uint64_t p = 0; p < np; p++) {
            select_blocks(fs, ms, r, (int)cols, r->block_done, p * per, (p + 1) * per);
            check(w, H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, fs, w->dxpl, mr_results_cvar(r, v)) < 0,
                  v->name);
        }
        if (ds >= 0)
            H5Dclose(ds);
        H5Sclose(ms);
        H5Sclose(fs);
    }
}

/* The run's arrays, the same on every rank: block_done of every block and
   the checksum table (each rank's entries, the others' zero: their sum is
   the gather), and the sizes of the band counts (summed over ranks a slice
   at a time as they are written: write_bands). 0, or -1 (memory). */
typedef struct {
    uint64_t *done, *table;
    unsigned char *done8;
    size_t nq, ny, nblocks;
} run_arrays;

static void arrays_free(run_arrays *a)
{
    free(a->done);
    free(a->table);
    free(a->done8);
}

static int arrays_gather(const mr_results *r, const mr_comm *comm, run_arrays *a)
{
    memset(a, 0, sizeof *a);
    a->nq = (size_t)r->steps * (size_t)r->nsectors * MR_BAND_Q_BINS;
    a->ny = (size_t)r->steps * (size_t)r->nminerals * MR_BAND_Y_BINS;
    a->nblocks = (size_t)nblocks_of(r->ntrials_total);
    const size_t nb = a->nblocks ? a->nblocks : 1;
    a->done = calloc(nb, sizeof *a->done);
    a->table = calloc(nb * MR_NTRIAL_VARS, sizeof *a->table);
    a->done8 = calloc(nb, 1);
    if (mr_comm_any(comm, !a->done || !a->table || !a->done8))
        return -1;
    for (uint64_t b = 0; b < r->nblocks; b++) {
        const uint64_t g = r->first_block + b;
        if (!r->block_done[b])
            continue;
        a->done[g] = 1;
        for (int k = 0; k < MR_NTRIAL_VARS; k++)
            a->table[(size_t)k * a->nblocks + g] = block_crc(r, &mr_trial_vars[k], g);
    }
    if (mr_comm_sum_u64(comm, a->done, a->nblocks) ||
        mr_comm_sum_u64(comm, a->table, a->nblocks * MR_NTRIAL_VARS))
        return -1;
    for (size_t b = 0; b < a->nblocks; b++)
        a->done8[b] = (unsigned char)a->done[b];
    return 0;
}

/* block_done: each rank writes its slice. */
static void write_block_done(ckpt_writer *w, const mr_results *r, uint64_t nblocks)
{
    hsize_t nb = nblocks, lo = r->first_block, cnt = r->nblocks;
    hid_t fs = H5Screate_simple(1, &nb, NULL), ms = H5Screate_simple(1, &cnt, NULL);
    hid_t ds =
        H5Dcreate2(w->f, "block_done", H5T_STD_U8LE, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (cnt)
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &lo, NULL, &cnt, NULL);
    else {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    }
    if (!not_made(w, ds, "block_done"))
        check(w, H5Dwrite(ds, H5T_NATIVE_UCHAR, ms, fs, w->dxpl, r->block_done) < 0, "block_done");
    if (ds >= 0)
        H5Dclose(ds);
    H5Sclose(ms);
    H5Sclose(fs);
}

/* HDF5's metadata in a checkpoint: tens of kB in practice. */
#define CKPT_METADATA_MARGIN (128 << 10)

/* The 8-byte words of a checkpoint of N trials in nblocks blocks, on a grid
   of T steps with S sectors, M minerals and H years: the time bands'
   counts, the block tables and every trial's rows. */
static double ckpt_words(double T, int S, int M, int H, uint64_t N, uint64_t nblocks)
{
    double words = T * ((double)S * MR_BAND_Q_BINS + (double)M * MR_BAND_Y_BINS) +
                   (double)nblocks * (MR_NTRIAL_VARS + 1);
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        words += (double)N * (double)mr_cols_count(mr_trial_vars[k].cols, S, M, H);
    return words;
}

double mr_checkpoint_size_estimate(const mr_scenario *sc)
{
    const double T = (double)sc->horizon_years * (double)sc->steps_per_year;
    return ckpt_words(T, sc->nsectors, sc->nminerals, sc->horizon_years, sc->trials,
                      nblocks_of(sc->trials)) *
               8.0 +
           CKPT_METADATA_MARGIN;
}

/* Rank 0 makes sure the file can be written before HDF5 writes it: it can
   grow to its full size (ulimit -f), and the disk has room for what is
   written (the rows of the finished blocks, the bands, the table; the rest
   stays a hole). A failure inside HDF5 is still reported, but the parallel
   HDF5 1.10 library cannot close a file whose close failed (it crashes in
   MPI_Finalize), so the common failures are caught here. 0, or the errno. */
static int probe_room(const char *tmp, const mr_results *r, const run_arrays *a)
{
    const double full =
        ckpt_words(r->steps, r->nsectors, r->nminerals, r->years, r->ntrials_total, a->nblocks);
    double written = ckpt_words(r->steps, r->nsectors, r->nminerals, r->years, 0, a->nblocks);
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        double cols = (double)var_cols(r, &mr_trial_vars[k]);
        for (size_t b = 0; b < a->nblocks; b++)
            written += a->done[b] ? MR_BLOCK_TRIALS * cols : 0.0;
    }
    const double margin = CKPT_METADATA_MARGIN;
    int fd = mr_output_create_temporary(tmp);
    if (fd < 0)
        return errno;
    int e = mr_output_room(fd, full * 8.0 + margin, written * 8.0 + margin);
    close(fd);
    return e;
}

/* The band counts x[n] of every rank, summed, as the 1-D dataset name
   (rank 0 writes it): a slice of at most MR_BAND_SLICE_COUNTS counts (16 MiB) at a
   time, so that the checkpoint holds no second copy of the bands, which
   on a long grid are most of a run's memory and which the memory check
   does not count (until 2026-12-06 it copied them whole). The slices
   depend on n only: every rank makes the same collective calls. The CRC
   of the sums, for the header. */
static uint64_t write_bands(ckpt_writer *w, const char *name, const uint64_t *x, size_t n)
{
    uint64_t crc = MR_CRC64_INIT;
    const size_t m = n < MR_BAND_SLICE_COUNTS ? n : MR_BAND_SLICE_COUNTS;
    uint64_t *buf = malloc((m ? m : 1) * sizeof *buf);
    if (mr_comm_any(w->comm, !buf)) {
        errno = ENOMEM;
        check(w, 1, name);
        free(buf);
        return crc;
    }
    hsize_t dim = n;
    hid_t fs = H5Screate_simple(1, &dim, NULL);
    hid_t ds = H5Dcreate2(w->f, name, H5T_STD_U64LE, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    check(w, ds < 0, name);
    for (size_t lo = 0; lo < n && !mr_comm_any(w->comm, w->fail); lo += m) {
        const size_t k = n - lo < m ? n - lo : m;
        memcpy(buf, x + lo, k * sizeof *buf);
        if (mr_comm_sum_u64(w->comm, buf, k) != 0) {
            check(w, 1, name);
            break;
        }
        crc = mr_crc64_u64(crc, buf, k);
        hsize_t start = lo, count = k;
        hid_t ms = H5Screate_simple(1, &count, NULL);
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL);
        if (w->comm->rank != 0) {
            H5Sselect_none(fs);
            H5Sselect_none(ms);
        }
        check(w, H5Dwrite(ds, H5T_NATIVE_UINT64, ms, fs, w->dxpl, buf) < 0, name);
        H5Sclose(ms);
    }
    if (ds >= 0)
        H5Dclose(ds);
    H5Sclose(fs);
    free(buf);
    return crc;
}

/* Everything into the open file w->f; the header last, with the bands'
   checksums as they were written. */
static void write_all(ckpt_writer *w, const mr_scenario *sc, const mr_results *r,
                      const run_arrays *a, uint64_t random_words)
{
    const size_t ntable = a->nblocks * MR_NTRIAL_VARS;
    write_block_done(w, r, a->nblocks);
    const uint64_t crc_q = write_bands(w, "band_q", r->band_q, a->nq);
    const uint64_t crc_y = write_bands(w, "band_y", r->band_y, a->ny);
    write_counts(w, "checksums", H5T_STD_U64LE, H5T_NATIVE_UINT64, a->table, ntable);
    write_rows(w, r);
    const uint64_t h[H_N] = {
        [H_VERSION] = CKPT_VERSION,
        [H_RUN_ID] = mr_checkpoint_run_id(sc),
        [H_TRIALS] = r->ntrials_total,
        [H_BLOCK_TRIALS] = MR_BLOCK_TRIALS,
        [H_RANDOM_WORDS] = random_words,
        [H_CRC_BLOCK_DONE] = mr_crc64(MR_CRC64_INIT, a->done8, a->nblocks),
        [H_CRC_BAND_Q] = crc_q,
        [H_CRC_BAND_Y] = crc_y,
        [H_CRC_CHECKSUMS] = mr_crc64_u64(MR_CRC64_INIT, a->table, ntable),
        [H_BUILD] = mr_hash64(CKPT_BUILD),
        [H_LIBM] = mr_libm_fingerprint(),
    };
    write_header(w, h);
}

int mr_checkpoint_write(const char *path, const mr_scenario *sc, const mr_results *r,
                        uint64_t random_words, const mr_comm *comm, mr_error *err)
{
    char tmp[4200];
    /* the same temporary name on every rank: rank 0's pid */
    long pid = (long)getpid();
    mr_comm_bcast(comm, &pid, sizeof pid);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, pid);
    run_arrays a;
    ckpt_writer w = {-1, -1, comm, 0, ENOMEM, "the checkpoint"};
    w.fail = arrays_gather(r, comm, &a) != 0;
    h5_quiet q;
    quiet_on(&q);
    hid_t fapl = file_access(comm);
    w.dxpl = transfer(comm);
    w.fail = w.fail || fapl < 0 || w.dxpl < 0; /* agreed; err_no ENOMEM */
    if (!mr_comm_any(comm, w.fail) && comm->rank == 0) {
        w.err_no = probe_room(tmp, r, &a);
        w.fail = w.err_no != 0;
    }
    if (!mr_comm_any(comm, w.fail)) {
        errno = 0;
        w.f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        check(&w, w.f < 0, "the checkpoint");
    }
    if (!mr_comm_any(comm, w.fail))
        write_all(&w, sc, r, &a, random_words);
    if (w.f >= 0) {
        errno = 0;
        check(&w, H5Fclose(w.f) < 0, "the checkpoint");
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    if (w.dxpl >= 0)
        H5Pclose(w.dxpl);
    quiet_off(&q);
    arrays_free(&a);
    if (w.fail)
        snprintf(err->msg, sizeof err->msg, "%s: cannot write the checkpoint: %s", path,
                 w.err_no ? strerror(w.err_no) : "HDF5 error");
    const int any = mr_comm_any(comm, w.fail);
    /* on the disk before its name says it is complete (mr_output_sync) */
    const int e = !any && comm->rank == 0 ? mr_output_sync(tmp) : 0;
    if (e) {
        w.fail = 1;
        snprintf(err->msg, sizeof err->msg, "%.400s: cannot write the checkpoint: %s", path,
                 strerror(e));
    } else if (!any && comm->rank == 0 && rename(tmp, path) != 0) {
        w.fail = 1;
        snprintf(err->msg, sizeof err->msg,
                 "%.400s: cannot write the checkpoint: cannot rename its temporary to it: %s", path,
                 strerror(errno));
    } else if (!any && comm->rank == 0) {
        mr_output_sync_dir(path);
    }
    int fail = agree(comm, w.fail, err);
    if (fail && comm->rank == 0)
        unlink(tmp);
    return fail ? -1 : 0;
}

/* ---- reading -------------------------------------------------------------- */

/* "PATH: damaged checkpoint: WHAT; delete it and run without --resume" */
static void damaged(mr_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void damaged(mr_error *err, const char *path, const char *fmt, ...)
{
    char what[MR_ERRMSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(err->msg, sizeof err->msg,
             "%s: damaged checkpoint: %s; delete it and run without --resume to start again", path,
             what);
}

static void mismatch(mr_error *err, const char *path, const char *what, uint64_t stored,
                     uint64_t computed)
{
    damaged(err, path, "checksum of %s does not match (stored 0x%016llx, computed 0x%016llx)", what,
            (unsigned long long)stored, (unsigned long long)computed);
}

/* The header of f into h, checked against its checksum. 0, or -1 with err. */
/* String attribute name of f into buf (n bytes, NUL-terminated; a longer
   one cut). 0, or -1 when it is missing or unreadable. */
static int read_attr_str(hid_t f, const char *name, char *buf, size_t n)
{
    if (H5Aexists(f, name) <= 0)
        return -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, n);
    int bad = a < 0 || H5Aread(a, st, buf) < 0;
    buf[n - 1] = '\0';
    H5Tclose(st);
    if (a >= 0)
        H5Aclose(a);
    return bad ? -1 : 0;
}

static int read_header(hid_t f, const char *path, uint64_t h[H_N], mr_error *err)
{
    char format[sizeof CKPT_FORMAT] = "";
    uint64_t stored = 0;
    int bad = read_attr_str(f, "format", format, sizeof format) != 0;
    for (int k = 0; k < H_N && !bad; k++)
        bad = read_attr_u64(f, header_names[k], &h[k]) != 0;
    bad = bad || read_attr_u64(f, "crc_header", &stored) != 0;
    if (bad) {
        uint64_t version = 0;
        if (read_attr_u64(f, "version", &version) == 0 && version != CKPT_VERSION)
            snprintf(err->msg, sizeof err->msg,
                     "%s: a checkpoint of format version %llu, this minrisk reads version %d; "
                     "delete it and run without --resume to start again",
                     path, (unsigned long long)version, CKPT_VERSION);
        else
            damaged(err, path, "not a minrisk checkpoint, or its header is unreadable");
        return -1;
    }
    const uint64_t computed = header_crc(format, h);
    if (computed != stored) {
        mismatch(err, path, "the header (the attributes of /)", stored, computed);
        return -1;
    }
    return 0;
}

/* Is the checkpoint missing on some rank (a path on a disk of one node)?
   Then on every rank, with err: the others must not wait in H5Fopen for
   it (until 2026-12-07 they did). Collective. */
static int missing(const char *path, const mr_comm *comm, mr_error *err)
{
    if (!mr_comm_any(comm, access(path, F_OK) != 0))
        return 0;
    snprintf(err->msg, sizeof err->msg, "%s: cannot open the checkpoint (no checkpoint to resume)",
             path);
    return 1;
}

/* Check that the open checkpoint f is whole and belongs to this run: 0, or
   -1 with err. */
static int check_header(hid_t f, const char *path, const mr_scenario *sc, uint64_t h[H_N],
                        mr_error *err)
{
    if (read_header(f, path, h, err))
        return -1;
    if (h[H_BUILD] != mr_hash64(CKPT_BUILD)) {
        char by[200];
        if (read_attr_str(f, "written_by", by, sizeof by) != 0)
            snprintf(by, sizeof by, "another build");
        snprintf(err->msg, sizeof err->msg,
                 "%s: the checkpoint was written by %s, this is %s: resume with that build, or "
                 "delete it and run without --resume to start again",
                 path, by, CKPT_BUILD);
        return -1;
    }
    /* the same binary on a CPU where exp, log, pow take another code path
       (models/libm_path.h): the resumed rows would differ in the last bits
       from those a whole run there gives */
    const uint64_t libm = mr_libm_fingerprint();
    if (h[H_LIBM] != libm) {
        char cpu[64];
        if (read_attr_str(f, "libm_cpu", cpu, sizeof cpu) != 0)
            snprintf(cpu, sizeof cpu, "unknown");
        snprintf(err->msg, sizeof err->msg,
                 "%s: the checkpoint was written where exp, log and pow take another code path "
                 "(libm fingerprint %016llx, %s; here %016llx, %s): resume on the kind of CPU "
                 "that wrote it, or delete it and run without --resume to start again",
                 path, (unsigned long long)h[H_LIBM], cpu, (unsigned long long)libm,
                 mr_libm_cpu_words());
        return -1;
    }
    /* which differs, and the way out: the same run again, or a new start
       (the run id covers the trials too, so they are checked first) */
    if (h[H_TRIALS] != sc->trials) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: the checkpoint is of a run of %llu trials, this one has %llu: resume with "
                 "--trials %llu (and the scenario and seed that wrote it), or delete it and run "
                 "without --resume to start again",
                 path, (unsigned long long)h[H_TRIALS], (unsigned long long)sc->trials,
                 (unsigned long long)h[H_TRIALS]);
        return -1;
    }
    if (h[H_RUN_ID] != mr_checkpoint_run_id(sc) || h[H_BLOCK_TRIALS] != MR_BLOCK_TRIALS) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: the checkpoint is of another run (its scenario or seed differs from "
                 "this one's): resume with the scenario and seed that wrote it, or delete it "
                 "and run without --resume to start again",
                 path);
        return -1;
    }
    return 0;
}

/* The checkpoint opened for reading (H5Fopen, collective), or -1 with err:
   missing on some rank (the same on every rank), no property list (the
   same on every rank), or not an HDF5 file (this rank). */
static hid_t open_file(const char *path, const mr_comm *comm, mr_error *err)
{
    if (missing(path, comm, err))
        return -1;
    hid_t fapl = file_access(comm); /* -1 on every rank or none */
    if (fapl < 0) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory to read the checkpoint", path);
        return -1;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0)
        damaged(err, path, "cannot open it as an HDF5 file");
    return f;
}

/* Open a checkpoint (H5Fopen, collective) and check it (check_header):
   the file, or -1 when it cannot be opened, with *fail and err set when it
   cannot be opened or a check failed. An open file is left open whatever
   the checks: the callers agree and then close it on every rank (until
   2026-12-07 a rank whose own check failed, a header attribute it could not
   read, closed it at once, collectively, while the others went on to their
   next collective call, and the run hung). */
static hid_t open_checked(const char *path, const mr_scenario *sc, const mr_comm *comm,
                          uint64_t h[H_N], int *fail, mr_error *err)
{
    hid_t f = open_file(path, comm, err);
    *fail = f < 0 || check_header(f, path, sc, h, err) != 0;
    return f;
}

/* Dataset name of f, checked to be 1-D of n or 2-D of dims[0] x dims[1]
   (rank 1 or 2) 8-byte numbers (1 byte if n_bytes is 1). -1 with err. */
static hid_t open_dataset(hid_t f, const char *path, const char *name, int rank,
                          const hsize_t *dims, size_t size, mr_error *err)
{
    hid_t ds = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
    if (ds < 0) {
        damaged(err, path, "no dataset /%s", name);
        return -1;
    }
    hid_t sp = H5Dget_space(ds), ty = H5Dget_type(ds);
    hsize_t d[2] = {0, 0};
    int ok = sp >= 0 && ty >= 0 && H5Sget_simple_extent_ndims(sp) == rank &&
             H5Sget_simple_extent_dims(sp, d, NULL) == rank && d[0] == dims[0] &&
             (rank == 1 || d[1] == dims[1]) && H5Tget_size(ty) == size;
    if (sp >= 0)
        H5Sclose(sp);
    if (ty >= 0)
        H5Tclose(ty);
    if (!ok) {
        damaged(err, path, "/%s has the wrong shape or type", name);
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

/* Read the whole 1-D dataset name (n values of mtype, size bytes each) into
   buf and check its CRC against stored. 0, or -1 with err. */
static int read_checked(hid_t f, const char *path, const char *name, hid_t mtype, size_t size,
                        void *buf, hsize_t n, uint64_t stored, mr_error *err)
{
    hid_t ds = open_dataset(f, path, name, 1, &n, size, err);
    if (ds < 0)
        return -1;
    int bad = H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0;
    H5Dclose(ds);
    if (bad) {
        damaged(err, path, "cannot read /%s", name);
        return -1;
    }
    uint64_t c = size == 1 ? mr_crc64(MR_CRC64_INIT, buf, (size_t)n)
                           : mr_crc64_u64(MR_CRC64_INIT, buf, (size_t)n);
    if (c != stored) {
        char what[300];
        snprintf(what, sizeof what, "/%s", name);
        mismatch(err, path, what, stored, c);
        return -1;
    }
    return 0;
}

/* Rows g0 .. g1 - 1 of variable v (cols columns) from the open dataset ds
   into x, and their CRC against stored. 0, or -1 with err. */
static int read_block(hid_t ds, const char *path, const mr_trial_var *v, uint64_t g0, uint64_t g1,
                      hsize_t cols, double *x, uint64_t stored, mr_error *err)
{
    hsize_t start[2] = {g0, 0}, count[2] = {g1 - g0, cols};
    hid_t fs = H5Dget_space(ds), ms = H5Screate_simple(2, count, NULL);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    int bad = H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, x) < 0;
    H5Sclose(ms);
    H5Sclose(fs);
    if (bad) {
        damaged(err, path, "cannot read /%s", v->name);
        return -1;
    }
    uint64_t c = mr_crc64_f64(MR_CRC64_INIT, x, (size_t)((g1 - g0) * cols));
    if (c != stored) {
        char what[300];
        snprintf(what, sizeof what, "/%s, trials %llu-%llu,", v->name, (unsigned long long)g0,
                 (unsigned long long)(g1 - 1));
        mismatch(err, path, what, stored, c);
        return -1;
    }
    return 0;
}

/* The columns of variable v in a run of sc. */
static size_t sc_cols(const mr_scenario *sc, const mr_trial_var *v)
{
    return mr_cols_count(v->cols, sc->nsectors, sc->nminerals, sc->horizon_years);
}

/* Check the rows of this rank's share of the done blocks against the
   checksum table: every value is read once, before the run resumes. */
static int verify_rows(hid_t f, const char *path, const mr_scenario *sc, const unsigned char *done,
                       const uint64_t *table, const mr_comm *comm, mr_error *err)
{
    const uint64_t N = sc->trials, nb = nblocks_of(N);
    uint64_t lo, hi;
    mr_comm_block_range(nb, comm->rank, comm->size, &lo, &hi);
    size_t maxcols = 1;
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        if (sc_cols(sc, &mr_trial_vars[k]) > maxcols)
            maxcols = sc_cols(sc, &mr_trial_vars[k]);
    double *x = malloc(MR_BLOCK_TRIALS * maxcols * sizeof *x);
    if (!x) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory to check the checkpoint", path);
        return -1;
    }
    int bad = 0;
    for (int k = 0; k < MR_NTRIAL_VARS && !bad; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        const hsize_t dims[2] = {N, sc_cols(sc, v)};
        hid_t ds = open_dataset(f, path, v->name, 2, dims, sizeof(double), err);
        bad = ds < 0;
        for (uint64_t b = lo; b < hi && !bad; b++) {
            uint64_t g0, g1;
            block_trials(b, N, &g0, &g1);
            if (done[b])
                bad = read_block(ds, path, v, g0, g1, dims[1], x, table[(size_t)k * nb + b], err) !=
                      0;
        }
        if (ds >= 0)
            H5Dclose(ds);
    }
    free(x);
    return bad ? -1 : 0;
}

/* The band counts name (n of them) of f, checked against stored, added
   into x when x is not NULL (rank 0's results: once for the run): a slice
   of at most MR_BAND_SLICE_COUNTS counts (16 MiB) at a time, not a whole copy of the
   bands (until 2026-12-06), which the memory check does not count. On a
   failure x may hold part of them; the run stops. 0, or -1 with err. */
static int read_bands(hid_t f, const char *path, const char *name, hsize_t n, uint64_t stored,
                      uint64_t *x, mr_error *err)
{
    hid_t ds = open_dataset(f, path, name, 1, &n, 8, err);
    if (ds < 0)
        return -1;
    const size_t m = n < MR_BAND_SLICE_COUNTS ? (size_t)n : MR_BAND_SLICE_COUNTS;
    uint64_t *buf = malloc((m ? m : 1) * sizeof *buf);
    hid_t fs = H5Dget_space(ds);
    uint64_t c = MR_CRC64_INIT;
    int bad = !buf;
    if (!buf)
        snprintf(err->msg, sizeof err->msg, "%s: out of memory to read the checkpoint", path);
    for (hsize_t lo = 0; lo < n && !bad; lo += m) {
        hsize_t k = n - lo < m ? n - lo : m;
        hid_t ms = H5Screate_simple(1, &k, NULL);
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &lo, NULL, &k, NULL);
        bad = H5Dread(ds, H5T_NATIVE_UINT64, ms, fs, H5P_DEFAULT, buf) < 0;
        H5Sclose(ms);
        if (bad) {
            damaged(err, path, "cannot read /%s", name);
            break;
        }
        c = mr_crc64_u64(c, buf, (size_t)k);
        for (size_t i = 0; x && i < k; i++)
            x[lo + i] += buf[i];
    }
    H5Sclose(fs);
    H5Dclose(ds);
    free(buf);
    if (!bad && c != stored) {
        char what[300];
        snprintf(what, sizeof what, "/%s", name);
        mismatch(err, path, what, stored, c);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* Both band arrays of f, checked; added into r's when r is not NULL. */
static int band_counts(hid_t f, const char *path, const mr_scenario *sc, const uint64_t h[H_N],
                       mr_results *r, mr_error *err)
{
    const hsize_t T = (hsize_t)sc->horizon_years * (hsize_t)sc->steps_per_year;
    return read_bands(f, path, "band_q", T * (hsize_t)sc->nsectors * MR_BAND_Q_BINS,
                      h[H_CRC_BAND_Q], r ? r->band_q : NULL, err) != 0 ||
                   read_bands(f, path, "band_y", T * (hsize_t)sc->nminerals * MR_BAND_Y_BINS,
                              h[H_CRC_BAND_Y], r ? r->band_y : NULL, err) != 0
               ? -1
               : 0;
}

/* block_done and the checksum table of f, checked. */
static int read_index(hid_t f, const char *path, const mr_scenario *sc, const uint64_t h[H_N],
                      unsigned char **done, uint64_t **table, mr_error *err)
{
    const uint64_t nb = nblocks_of(sc->trials);
    *done = calloc(nb ? nb : 1, 1);
    *table = malloc((nb ? nb : 1) * MR_NTRIAL_VARS * sizeof **table);
    if (!*done || !*table) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory to read the checkpoint", path);
        return -1;
    }
    if (read_checked(f, path, "block_done", H5T_NATIVE_UCHAR, 1, *done, nb, h[H_CRC_BLOCK_DONE],
                     err) ||
        read_checked(f, path, "checksums", H5T_NATIVE_UINT64, 8, *table, nb * MR_NTRIAL_VARS,
                     h[H_CRC_CHECKSUMS], err))
        return -1;
    for (uint64_t b = 0; b < nb; b++)
        if ((*done)[b] > 1) {
            damaged(err, path, "/block_done holds %d", (*done)[b]);
            return -1;
        }
    return 0;
}

int mr_checkpoint_read_done(const char *path, const mr_scenario *sc, unsigned char **done,
                            const mr_comm *comm, mr_error *err)
{
    *done = NULL;
    h5_quiet q;
    quiet_on(&q);
    uint64_t h[H_N], *table = NULL;
    unsigned char *d = NULL;
    int fail;
    hid_t f = open_checked(path, sc, comm, h, &fail, err);
    fail = fail || read_index(f, path, sc, h, &d, &table, err) != 0 ||
           verify_rows(f, path, sc, d, table, comm, err) != 0 ||
           (comm->rank == 0 && band_counts(f, path, sc, h, NULL, err) != 0);
    if (f >= 0)
        H5Fclose(f);
    quiet_off(&q);
    free(table);
    if (agree(comm, fail, err)) {
        free(d);
        return -1;
    }
    *done = d;
    return 0;
}

/* The rows of this rank's done blocks (collective reads), checked against
   the table. */
static int load_rows(hid_t f, const char *path, mr_results *r, const unsigned char *mine,
                     const uint64_t *table, const mr_comm *comm, mr_error *err)
{
    hid_t dxpl = transfer(comm); /* -1 on every rank or none */
    if (dxpl < 0) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory to read the checkpoint", path);
        return -1;
    }
    const uint64_t nb = nblocks_of(r->ntrials_total);
    int fail = 0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        const hsize_t dims[2] = {r->ntrials_total, var_cols(r, v)};
        hid_t ds = open_dataset(f, path, v->name, 2, dims, sizeof(double), err);
        /* agreed: a rank that could not open it (its own failure, with its
           message) must not leave the others waiting in the reduction and
           the collective reads (until 2026-12-07 it did) */
        if (mr_comm_any(comm, ds < 0)) {
            fail = fail || ds < 0;
            if (ds >= 0)
                H5Dclose(ds);
            break;
        }
        hid_t fs = H5Dget_space(ds);
        hsize_t mdims[2] = {r->ntrials, dims[1]};
        hid_t ms = H5Screate_simple(2, mdims, NULL);
        /* a piece of at most MR_H5_PIECE_BYTES at a time (out/h5/pieces.h) */
        uint64_t per, np = row_pieces(r, mdims[1], comm, &per);
        for (uint64_t p = 0; p < np; p++) {
            select_blocks(fs, ms, r, (int)mdims[1], mine, p * per, (p + 1) * per);
            if (H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, dxpl, mr_results_var(r, v)) < 0 && !fail) {
                fail = 1;
                damaged(err, path, "cannot read /%s", v->name);
            }
        }
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(ds);
        for (uint64_t b = 0; b < r->nblocks && !fail; b++) {
            const uint64_t g = r->first_block + b;
            uint64_t c = mine[b] ? block_crc(r, v, g) : 0, stored = table[(size_t)k * nb + g];
            if (mine[b] && c != stored) {
                uint64_t g0, g1;
                char what[300];
                block_trials(g, r->ntrials_total, &g0, &g1);
                snprintf(what, sizeof what, "/%s, trials %llu-%llu,", v->name,
                         (unsigned long long)g0, (unsigned long long)(g1 - 1));
                mismatch(err, path, what, stored, c);
                fail = 1;
            }
        }
    }
    H5Pclose(dxpl);
    return fail ? -1 : 0;
}

int mr_checkpoint_load_rows(const char *path, const mr_scenario *sc, mr_results *r,
                            const unsigned char *done, uint64_t *random_words, const mr_comm *comm,
                            mr_error *err)
{
    h5_quiet q;
    quiet_on(&q);
    uint64_t h[H_N], *table = NULL;
    unsigned char *d = NULL;
    int fail;
    hid_t f = open_checked(path, sc, comm, h, &fail, err);
    fail = fail || read_index(f, path, sc, h, &d, &table, err) != 0;
    /* the band counts of the done blocks: checked on every rank, added
       once (by rank 0); a failure stops the run, whatever was added */
    if (!mr_comm_any(comm, fail))
        fail = load_rows(f, path, r, done + r->first_block, table, comm, err) != 0 ||
               band_counts(f, path, sc, h, comm->rank == 0 ? r : NULL, err) != 0;
    if (!fail)
        *random_words += h[H_RANDOM_WORDS];
    if (f >= 0)
        H5Fclose(f);
    quiet_off(&q);
    free(table);
    free(d);
    return agree(comm, fail, err) ? -1 : 0;
}

int mr_checkpoint_read_trials(const char *path, uint64_t *trials, const mr_comm *comm,
                              mr_error *err)
{
    h5_quiet q;
    quiet_on(&q);
    uint64_t h[H_N];
    hid_t f = open_file(path, comm, err);
    int fail = f < 0 || read_header(f, path, h, err) != 0;
    if (f >= 0)
        H5Fclose(f);
    quiet_off(&q);
    if (agree(comm, fail, err))
        return -1;
    *trials = h[H_TRIALS];
    return 0;
}

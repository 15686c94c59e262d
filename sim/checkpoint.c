/* checkpoint.c - resumable runs: finished blocks and their rows in one HDF5
 * file, written collectively (a hyperslab per rank) in the MPI build. */
#include "out/scenario_yaml.h"
#include "sim/checkpoint.h"

#include "sim/rng.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif

#define CKPT_FORMAT "minrisk-checkpoint"
#define CKPT_VERSION 1

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

static hid_t file_access(const mr_comm *comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
#ifdef MINRISK_HAVE_MPI
    if (comm->mpi)
        H5Pset_fapl_mpio(fapl, *(MPI_Comm *)comm->mpi, MPI_INFO_NULL);
#else
    (void)comm;
#endif
    return fapl;
}

static hid_t transfer(const mr_comm *comm)
{
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
#ifdef MINRISK_HAVE_MPI
    if (comm->mpi)
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
#else
    (void)comm;
#endif
    return dxpl;
}

/* Select, in file space fs (rows x cols) and memory space ms (local rows x
   cols), the rows of the local blocks with pick[b] set (all if pick NULL). */
static hssize_t select_blocks(hid_t fs, hid_t ms, const mr_results *r, int cols,
                              const unsigned char *pick)
{
    H5Sselect_none(fs);
    H5Sselect_none(ms);
    hssize_t n = 0;
    uint64_t N = r->ntrials_total;
    for (uint64_t b = 0; b < r->nblocks; b++) {
        if (pick && !pick[b])
            continue;
        uint64_t g0 = (r->first_block + b) * MR_BLOCK_TRIALS;
        uint64_t g1 = g0 + MR_BLOCK_TRIALS < N ? g0 + MR_BLOCK_TRIALS : N;
        hsize_t fstart[2] = {g0, 0}, mstart[2] = {g0 - r->first_trial, 0};
        hsize_t count[2] = {g1 - g0, (hsize_t)cols};
        H5Sselect_hyperslab(fs, H5S_SELECT_OR, fstart, NULL, count, NULL);
        H5Sselect_hyperslab(ms, H5S_SELECT_OR, mstart, NULL, count, NULL);
        n += (hssize_t)((g1 - g0) * (uint64_t)cols);
    }
    return n;
}

static int attr_u64(hid_t obj, const char *name, uint64_t v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = (a < 0 || H5Awrite(a, H5T_NATIVE_UINT64, &v) < 0) ? -1 : 0;
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    return rc;
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

/* Write a 1-D integer dataset of n values; only rank 0's data is written. */
static int write_counts(hid_t f, const char *name, hid_t ftype, hid_t mtype, const void *data,
                        hsize_t n, const mr_comm *comm, hid_t dxpl)
{
    hid_t fs = H5Screate_simple(1, &n, NULL);
    hid_t ds = H5Dcreate2(f, name, ftype, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t ms = H5Screate_simple(1, &n, NULL);
    if (comm->rank != 0) {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    }
    int rc = (ds < 0 || H5Dwrite(ds, mtype, ms, fs, dxpl, data) < 0) ? -1 : 0;
    if (ds >= 0)
        H5Dclose(ds);
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

int mr_checkpoint_write(const char *path, const mr_scenario *sc, const mr_results *r,
                        uint64_t random_words, const mr_comm *comm, mr_error *err)
{
    const uint64_t N = r->ntrials_total;
    const uint64_t nblocks = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    size_t nq = (size_t)r->steps * (size_t)r->nsectors * MR_BAND_Q_BINS;
    size_t ny = (size_t)r->steps * (size_t)r->nminerals * MR_BAND_Y_BINS;
    uint64_t *bq = malloc(nq * sizeof *bq), *by = malloc(ny * sizeof *by);
    char tmp[4200];
    /* the same temporary name on every rank: rank 0's pid */
    long pid = (long)getpid();
    mr_comm_bcast(comm, &pid, sizeof pid);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, pid);
    int fail = !bq || !by;
    if (!mr_comm_any(comm, fail)) {
        memcpy(bq, r->band_q, nq * sizeof *bq);
        memcpy(by, r->band_y, ny * sizeof *by);
        fail = mr_comm_sum_u64(comm, bq, nq) || mr_comm_sum_u64(comm, by, ny);
    }
    hid_t fapl = file_access(comm), dxpl = transfer(comm);
    hid_t f = -1;
    if (!mr_comm_any(comm, fail)) {
        f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        fail = f < 0;
    }
    if (!mr_comm_any(comm, fail)) {
        hid_t sp = H5Screate(H5S_SCALAR), st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, sizeof CKPT_FORMAT);
        hid_t a = H5Acreate2(f, "format", st, sp, H5P_DEFAULT, H5P_DEFAULT);
        fail |= a < 0 || H5Awrite(a, st, CKPT_FORMAT) < 0;
        if (a >= 0)
            H5Aclose(a);
        H5Tclose(st);
        H5Sclose(sp);
        fail |= attr_u64(f, "version", CKPT_VERSION) ||
                attr_u64(f, "run_id", mr_checkpoint_run_id(sc)) || attr_u64(f, "trials", N) ||
                attr_u64(f, "block_trials", MR_BLOCK_TRIALS) ||
                attr_u64(f, "random_words", random_words);
        /* block_done: each rank writes its slice */
        hsize_t nb = nblocks, lo = r->first_block, cnt = r->nblocks;
        hid_t fs = H5Screate_simple(1, &nb, NULL), ms = H5Screate_simple(1, &cnt, NULL);
        hid_t ds =
            H5Dcreate2(f, "block_done", H5T_STD_U8LE, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (cnt)
            H5Sselect_hyperslab(fs, H5S_SELECT_SET, &lo, NULL, &cnt, NULL);
        else {
            H5Sselect_none(fs);
            H5Sselect_none(ms);
        }
        fail |= ds < 0 || H5Dwrite(ds, H5T_NATIVE_UCHAR, ms, fs, dxpl, r->block_done) < 0;
        if (ds >= 0)
            H5Dclose(ds);
        H5Sclose(ms);
        H5Sclose(fs);
        fail |= write_counts(f, "band_q", H5T_STD_U64LE, H5T_NATIVE_UINT64, bq, nq, comm, dxpl) ||
                write_counts(f, "band_y", H5T_STD_U64LE, H5T_NATIVE_UINT64, by, ny, comm, dxpl);
        for (int k = 0; k < MR_NTRIAL_VARS && !fail; k++) {
            const mr_trial_var *v = &mr_trial_vars[k];
            hsize_t cols = var_cols(r, v);
            hsize_t dims[2] = {N, cols}, mdims[2] = {r->ntrials, cols};
            fs = H5Screate_simple(2, dims, NULL);
            ms = H5Screate_simple(2, mdims, NULL);
            ds = H5Dcreate2(f, v->name, H5T_IEEE_F64LE, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            select_blocks(fs, ms, r, (int)cols, r->block_done);
            fail |=
                ds < 0 || H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, fs, dxpl, mr_results_cvar(r, v)) < 0;
            if (ds >= 0)
                H5Dclose(ds);
            H5Sclose(ms);
            H5Sclose(fs);
        }
    }
    if (f >= 0 && H5Fclose(f) < 0)
        fail = 1;
    H5Pclose(fapl);
    H5Pclose(dxpl);
    free(bq);
    free(by);
    fail = mr_comm_any(comm, fail);
    if (comm->rank == 0) {
        if (!fail && rename(tmp, path) != 0)
            fail = 1;
        if (fail)
            unlink(tmp);
    }
    fail = mr_comm_any(comm, fail);
    if (fail)
        snprintf(err->msg, sizeof err->msg, "%s: cannot write the checkpoint", path);
    return fail ? -1 : 0;
}

/* Open a checkpoint and check it belongs to this run. */
static hid_t open_checked(const char *path, const mr_scenario *sc, const mr_comm *comm,
                          mr_error *err)
{
    hid_t fapl = file_access(comm);
    hid_t f = -1;
    H5E_BEGIN_TRY
    {
        f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    }
    H5E_END_TRY;
    H5Pclose(fapl);
    if (f < 0) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: cannot open the checkpoint (no checkpoint to resume)", path);
        return -1;
    }
    uint64_t id = 0, trials = 0, bt = 0, version = 0;
    if (read_attr_u64(f, "version", &version) || read_attr_u64(f, "run_id", &id) ||
        read_attr_u64(f, "trials", &trials) || read_attr_u64(f, "block_trials", &bt) ||
        version != CKPT_VERSION) {
        snprintf(err->msg, sizeof err->msg, "%s: not a minrisk checkpoint of this version", path);
        H5Fclose(f);
        return -1;
    }
    if (id != mr_checkpoint_run_id(sc) || trials != sc->trials || bt != MR_BLOCK_TRIALS) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: the checkpoint is of another run (scenario, seed or trials differ)", path);
        H5Fclose(f);
        return -1;
    }
    return f;
}

int mr_checkpoint_read_done(const char *path, const mr_scenario *sc, unsigned char **done,
                            const mr_comm *comm, mr_error *err)
{
    *done = NULL;
    hid_t f = open_checked(path, sc, comm, err);
    if (mr_comm_any(comm, f < 0)) {
        if (f >= 0)
            H5Fclose(f);
        if (!err->msg[0])
            snprintf(err->msg, sizeof err->msg, "%s: cannot open the checkpoint", path);
        return -1;
    }
    uint64_t nblocks = (sc->trials + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    *done = calloc(nblocks ? nblocks : 1, 1);
    hid_t ds = H5Dopen2(f, "block_done", H5P_DEFAULT);
    int fail =
        !*done || ds < 0 || H5Dread(ds, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, *done) < 0;
    if (ds >= 0)
        H5Dclose(ds);
    H5Fclose(f);
    if (mr_comm_any(comm, fail)) {
        free(*done);
        *done = NULL;
        snprintf(err->msg, sizeof err->msg, "%s: damaged checkpoint (block_done)", path);
        return -1;
    }
    return 0;
}

int mr_checkpoint_load_rows(const char *path, const mr_scenario *sc, mr_results *r,
                            const unsigned char *done, uint64_t *random_words, const mr_comm *comm,
                            mr_error *err)
{
    hid_t f = open_checked(path, sc, comm, err);
    if (mr_comm_any(comm, f < 0)) {
        if (f >= 0)
            H5Fclose(f);
        return -1;
    }
    hid_t dxpl = transfer(comm);
    int fail = 0;
    const unsigned char *mine = done + r->first_block; /* this rank's blocks */
    for (int k = 0; k < MR_NTRIAL_VARS && !fail; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        hid_t ds = H5Dopen2(f, v->name, H5P_DEFAULT);
        if (ds < 0) {
            fail = 1;
            break;
        }
        hid_t fs = H5Dget_space(ds);
        hsize_t mdims[2] = {r->ntrials, var_cols(r, v)};
        hid_t ms = H5Screate_simple(2, mdims, NULL);
        select_blocks(fs, ms, r, (int)mdims[1], mine);
        fail |= H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, dxpl, mr_results_var(r, v)) < 0;
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(ds);
    }
    /* band counts of the done blocks: added once, on rank 0 */
    size_t nq = (size_t)r->steps * (size_t)r->nsectors * MR_BAND_Q_BINS;
    size_t ny = (size_t)r->steps * (size_t)r->nminerals * MR_BAND_Y_BINS;
    uint64_t *buf = malloc((nq > ny ? nq : ny) * sizeof *buf);
    fail |= !buf;
    const char *names[2] = {"band_q", "band_y"};
    uint64_t *dst[2] = {r->band_q, r->band_y};
    size_t len[2] = {nq, ny};
    for (int k = 0; k < 2 && !fail; k++) {
        hid_t ds = H5Dopen2(f, names[k], H5P_DEFAULT);
        fail |= ds < 0 || H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0;
        if (ds >= 0)
            H5Dclose(ds);
        if (!fail && comm->rank == 0)
            for (size_t i = 0; i < len[k]; i++)
                dst[k][i] += buf[i];
    }
    free(buf);
    uint64_t words = 0;
    fail |= read_attr_u64(f, "random_words", &words);
    *random_words += words;
    H5Pclose(dxpl);
    H5Fclose(f);
    if (mr_comm_any(comm, fail)) {
        snprintf(err->msg, sizeof err->msg, "%s: damaged checkpoint", path);
        return -1;
    }
    return 0;
}

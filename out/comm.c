/* comm.c - collective operations, MPI or single-process (see comm.h). */
#include "out/comm.h"

#include <stdlib.h>
#include <string.h>

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>

static MPI_Comm world_comm = MPI_COMM_NULL;

mr_comm mr_comm_world(void)
{
    mr_comm c = {0, 1, NULL};
    int init = 0;
    MPI_Initialized(&init);
    if (!init)
        return c;
    world_comm = MPI_COMM_WORLD;
    MPI_Comm_rank(world_comm, &c.rank);
    MPI_Comm_size(world_comm, &c.size);
    c.mpi = &world_comm;
    return c;
}

#define COMM(c) (*(MPI_Comm *)(c)->mpi)

/* MPI counts are int: split long buffers into chunks. */
#define MR_MPI_CHUNK ((size_t)1 << 28)

/* In-place MPI_Allreduce of n elements of `size` bytes, in int-sized chunks. */
static int allreduce(const mr_comm *c, void *buf, size_t n, size_t size, MPI_Datatype type,
                     MPI_Op op)
{
    if (!c->mpi || c->size == 1)
        return 0;
    for (size_t off = 0; off < n; off += MR_MPI_CHUNK) {
        size_t k = n - off < MR_MPI_CHUNK ? n - off : MR_MPI_CHUNK;
        if (MPI_Allreduce(MPI_IN_PLACE, (char *)buf + off * size, (int)k, type, op, COMM(c)) !=
            MPI_SUCCESS)
            return -1;
    }
    return 0;
}

int mr_comm_sum_u64(const mr_comm *c, uint64_t *buf, size_t n)
{
    return allreduce(c, buf, n, sizeof *buf, MPI_UINT64_T, MPI_SUM);
}

static int minmax(const mr_comm *c, double *buf, size_t n, MPI_Op op)
{
    return allreduce(c, buf, n, sizeof *buf, MPI_DOUBLE, op);
}

int mr_comm_min_f64(const mr_comm *c, double *buf, size_t n)
{
    return minmax(c, buf, n, MPI_MIN);
}

int mr_comm_max_f64(const mr_comm *c, double *buf, size_t n)
{
    return minmax(c, buf, n, MPI_MAX);
}

/* The most doubles one MPI_Allgatherv moves (its counts and displacements
   are int); a test may lower it (comm.h). */
size_t mr_comm_gather_limit = MR_MPI_CHUNK;

int mr_comm_allgather_f64(const mr_comm *c, const double *mine, size_t n_mine, double *all)
{
    if (!c->mpi || c->size == 1) {
        memmove(all, mine, n_mine * sizeof(double));
        return 0;
    }
    const size_t lim = mr_comm_gather_limit > 0 && mr_comm_gather_limit <= MR_MPI_CHUNK
                           ? mr_comm_gather_limit
                           : MR_MPI_CHUNK;
    uint64_t *cnt = malloc(sizeof *cnt * (size_t)c->size);
    int *counts = malloc(sizeof(int) * (size_t)c->size);
    int *displs = malloc(sizeof(int) * (size_t)c->size);
    int rc = -1;
    uint64_t m = n_mine;
    int ok = cnt && counts && displs, all_ok = 0; /* agreed, so no rank is left waiting */
    if (MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, COMM(c)) != MPI_SUCCESS || !all_ok)
        goto out;
    /* every rank learns every count, so all take the same path below */
    if (MPI_Allgather(&m, 1, MPI_UINT64_T, cnt, 1, MPI_UINT64_T, COMM(c)) != MPI_SUCCESS)
        goto out;
    uint64_t total = 0;
    for (int r = 0; r < c->size; r++)
        total += cnt[r];
    if (total <= lim) { /* one Allgatherv */
        for (int r = 0; r < c->size; r++) {
            counts[r] = (int)cnt[r];
            displs[r] = r ? displs[r - 1] + counts[r - 1] : 0;
        }
        rc = MPI_Allgatherv(mine, (int)n_mine, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE,
                            COMM(c)) == MPI_SUCCESS
                 ? 0
                 : -1;
        goto out;
    }
    /* larger: each rank's values broadcast from it, in chunks of at most
       lim (the counts are known everywhere, so every rank makes the same
       calls in the same order) */
    rc = 0;
    size_t off = 0;
    for (int r = 0; r < c->size && rc == 0; r++) {
        if (r == c->rank)
            memmove(all + off, mine, n_mine * sizeof(double));
        for (uint64_t done = 0; done < cnt[r] && rc == 0; done += lim) {
            size_t k = cnt[r] - done < lim ? (size_t)(cnt[r] - done) : lim;
            if (MPI_Bcast(all + off + done, (int)k, MPI_DOUBLE, r, COMM(c)) != MPI_SUCCESS)
                rc = -1;
        }
        off += (size_t)cnt[r];
    }
out:
    free(cnt);
    free(counts);
    free(displs);
    return rc;
}

int mr_comm_bcast(const mr_comm *c, void *buf, size_t n)
{
    return mr_comm_bcast_from(c, 0, buf, n);
}

int mr_comm_bcast_from(const mr_comm *c, int root, void *buf, size_t n)
{
    if (!c->mpi || c->size == 1)
        return 0;
    for (size_t off = 0; off < n; off += MR_MPI_CHUNK) {
        size_t k = n - off < MR_MPI_CHUNK ? n - off : MR_MPI_CHUNK;
        if (MPI_Bcast((char *)buf + off, (int)k, MPI_BYTE, root, COMM(c)) != MPI_SUCCESS)
            return -1;
    }
    return 0;
}

int mr_comm_barrier(const mr_comm *c)
{
    if (!c->mpi || c->size == 1)
        return 0;
    return MPI_Barrier(COMM(c)) == MPI_SUCCESS ? 0 : -1;
}

int mr_comm_any(const mr_comm *c, int flag)
{
    if (!c || !c->mpi || c->size == 1)
        return flag != 0;
    int in = flag != 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, COMM(c));
    return out;
}

#else /* serial build */

mr_comm mr_comm_world(void)
{
    mr_comm c = {0, 1, NULL};
    return c;
}

int mr_comm_sum_u64(const mr_comm *c, uint64_t *buf, size_t n)
{
    (void)c, (void)buf, (void)n;
    return 0;
}

int mr_comm_min_f64(const mr_comm *c, double *buf, size_t n)
{
    (void)c, (void)buf, (void)n;
    return 0;
}

int mr_comm_max_f64(const mr_comm *c, double *buf, size_t n)
{
    (void)c, (void)buf, (void)n;
    return 0;
}

size_t mr_comm_gather_limit = (size_t)1 << 28;

int mr_comm_allgather_f64(const mr_comm *c, const double *mine, size_t n_mine, double *all)
{
    (void)c;
    memmove(all, mine, n_mine * sizeof(double));
    return 0;
}

int mr_comm_bcast(const mr_comm *c, void *buf, size_t n)
{
    (void)c, (void)buf, (void)n;
    return 0;
}

int mr_comm_bcast_from(const mr_comm *c, int root, void *buf, size_t n)
{
    (void)c, (void)root, (void)buf, (void)n;
    return 0;
}

int mr_comm_barrier(const mr_comm *c)
{
    (void)c;
    return 0;
}

int mr_comm_any(const mr_comm *c, int flag)
{
    (void)c;
    return flag != 0;
}

#endif

void mr_comm_block_range(uint64_t nblocks, int rank, int size, uint64_t *lo, uint64_t *hi)
{
    /* nblocks * rank / size without overflow for nblocks < 2^32 */
    *lo = nblocks * (uint64_t)rank / (uint64_t)size;
    *hi = nblocks * (uint64_t)(rank + 1) / (uint64_t)size;
}

int mr_comm_rows_alloc(mr_comm_rows *t, size_t B, size_t V, const mr_comm *comm)
{
    const int shared = comm && comm->size > 1;
    *t = (mr_comm_rows){shared ? comm : NULL, V, 0, B, NULL, NULL};
    if (shared)
        mr_comm_block_range(B, comm->rank, comm->size, &t->r0, &t->r1);
    const size_t all_n = B * V, mine_n = (size_t)(t->r1 - t->r0) * V;
    t->all = malloc((all_n ? all_n : 1) * sizeof *t->all);
    t->mine = shared ? malloc((mine_n ? mine_n : 1) * sizeof *t->mine) : t->all;
    return t->all && t->mine ? 0 : -1;
}

double *mr_comm_rows_at(const mr_comm_rows *t, uint64_t r)
{
    return t->mine + (size_t)(r - t->r0) * t->V;
}

int mr_comm_rows_gather(mr_comm_rows *t, int failed)
{
    if (!t->comm)
        return failed ? -1 : 0;
    /* the ranks' ranges in rank order, which is row order */
    if (mr_comm_any(t->comm, failed) ||
        mr_comm_allgather_f64(t->comm, t->mine, (size_t)(t->r1 - t->r0) * t->V, t->all) != 0)
        return -1;
    return 0;
}

void mr_comm_rows_free(mr_comm_rows *t)
{
    if (t->mine != t->all)
        free(t->mine);
    free(t->all);
    t->mine = t->all = NULL;
}

/* comm.h - the few collective operations minrisk needs, over MPI in the MPI
 * build (MINRISK_HAVE_MPI) and as single-process no-ops in the serial build,
 * so the engine and the output share one code path.
 *
 * Every operation is collective: all ranks call it, in the same order.
 * Integer reductions are exact; no floating-point value is ever summed by
 * MPI (the order of an MPI floating-point reduction is not fixed), so
 * results never depend on the number of ranks.
 */
#ifndef MR_COMM_H
#define MR_COMM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int rank;  /* 0 .. size-1 */
    int size;  /* number of ranks; 1 in the serial build */
    void *mpi; /* MPI_Comm * in the MPI build, NULL otherwise */
} mr_comm;

/* The world communicator (after MPI_Init in the MPI build). */
mr_comm mr_comm_world(void);

/* In-place sum over ranks of n unsigned 64-bit integers (exact). */
int mr_comm_sum_u64(const mr_comm *c, uint64_t *buf, size_t n);

/* In-place elementwise minimum / maximum over ranks of n doubles (exact). */
int mr_comm_min_f64(const mr_comm *c, double *buf, size_t n);
int mr_comm_max_f64(const mr_comm *c, double *buf, size_t n);

/* Gather every rank's n_mine doubles, in rank order, into all (size: the
   sum of n_mine over ranks) on every rank. Any size: above
   mr_comm_gather_limit doubles in all (2^28) each rank's values are
   broadcast from it in chunks of at most that many (MPI's counts are int;
   until 2026-12-05 a gather of more than 2^30 failed). Returns 0, or -1 on
   every rank. */
int mr_comm_allgather_f64(const mr_comm *c, const double *mine, size_t n_mine, double *all);

/* The chunk of mr_comm_allgather_f64, in doubles (default 2^28, at most
   that): a test lowers it to take the chunked path with small arrays. */
extern size_t mr_comm_gather_limit;

/* Broadcast n bytes from rank 0. */
int mr_comm_bcast(const mr_comm *c, void *buf, size_t n);

/* Broadcast n bytes from rank root (0 <= root < size). */
int mr_comm_bcast_from(const mr_comm *c, int root, void *buf, size_t n);

/* Wait until every rank has called it. */
int mr_comm_barrier(const mr_comm *c);

/* Logical OR over ranks (e.g. "did any rank fail?"); c NULL: this
   process alone, flag itself. */
int mr_comm_any(const mr_comm *c, int flag);

/* Contiguous share of rank r among `size` ranks of [0, nblocks): blocks
   [*lo, *hi). Block boundaries never depend on the rank count; only which
   rank holds a block does. */
void mr_comm_block_range(uint64_t nblocks, int rank, int size, uint64_t *lo, uint64_t *hi);

/* A table of B rows of V doubles whose rows the ranks share out (the
   resamples of a bootstrap, each drawn from its own counter, so that no
   row depends on which rank computes it): this rank computes the rows of
   its contiguous range [r0, r1) (mr_comm_block_range) into
   mr_comm_rows_at, and mr_comm_rows_gather puts all B rows, in row order,
   into all on every rank. With comm NULL or of one rank this process
   computes every row straight into all. */
typedef struct {
    const mr_comm *comm; /* NULL: not shared */
    size_t V;
    uint64_t r0, r1; /* this rank's rows */
    double *all;     /* [B * V] */
    double *mine;    /* [(r1 - r0) * V]; all when not shared */
} mr_comm_rows;

/* 0, or -1 when out of memory (this rank only: report it to
   mr_comm_rows_gather); t is to be freed in either case. */
int mr_comm_rows_alloc(mr_comm_rows *t, size_t B, size_t V, const mr_comm *comm);

/* Row r (r0 <= r < r1) of this rank. */
double *mr_comm_rows_at(const mr_comm_rows *t, uint64_t r);

/* failed ORed over the ranks; when no rank failed, every rank's rows
   gathered into all. 0, or -1 on every rank. Collective when shared. */
int mr_comm_rows_gather(mr_comm_rows *t, int failed);

void mr_comm_rows_free(mr_comm_rows *t);

#endif

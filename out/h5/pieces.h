/* pieces.h - HDF5 transfers of rows in pieces of at most a fixed size.
 *
 * MPI-IO counts are int: MPI-IO libraries have failed (or written wrong
 * data) on one transfer above 2 GiB (open-mpi/ompi#7045, fixed in late 2019;
 * parallel HDF5 1.10.8 with Open MPI 4.1.4 is correct), which a
 * rank's rows of a /trials dataset or of a checkpoint pass at 10^9 trials
 * on a few ranks. The writer (out/h5/h5w.c) and the checkpoint
 * (sim/checkpoint.c) move such rows a piece of whole rows at a time, the
 * same code path in the serial and the MPI builds; in a collective
 * transfer every rank makes as many calls as the rank with the most
 * pieces, with empty selections once its own are done. docs/HPC.md
 * "Transfers in pieces".
 */
#ifndef MR_H5_PIECES_H
#define MR_H5_PIECES_H

#include <stdint.h>

/* The most bytes one H5Dwrite or H5Dread of rows moves on a rank (a piece
   holds at least one row, whatever its size). */
#define MR_H5_PIECE_BYTES ((uint64_t)1 << 30)

/* A test hook: a smaller piece size in bytes (1 .. MR_H5_PIECE_BYTES), so
   that small runs take many pieces (tests/mpi/pieces.sh). main refuses a
   value that is not one (mr_h5_piece_env_check). */
#define MR_H5_PIECE_ENV "MINRISK_H5_PIECE_BYTES"

/* The piece size: MR_H5_PIECE_BYTES, or MINRISK_H5_PIECE_BYTES when set.
   0, or -1 (and MR_H5_PIECE_BYTES) when that is not digits without a
   leading zero from 1 to MR_H5_PIECE_BYTES. */
int mr_h5_piece_bytes(uint64_t *bytes);

/* Whole rows of rowbytes bytes in a piece: at least 1. */
uint64_t mr_h5_piece_rows(uint64_t rowbytes);

/* The pieces of nrows rows, per_piece rows a piece: 0 for no rows. */
uint64_t mr_h5_piece_count(uint64_t nrows, uint64_t per_piece);

#endif

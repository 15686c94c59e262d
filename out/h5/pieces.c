/* pieces.c - the size of the pieces of an HDF5 transfer (pieces.h). */
#include "out/h5/pieces.h"

#include <errno.h>
#include <stdlib.h>

int mr_h5_piece_bytes(uint64_t *bytes)
{
    const char *s = getenv(MR_H5_PIECE_ENV);
    *bytes = MR_H5_PIECE_BYTES;
    if (!s || !*s)
        return 0;
    /* read whole: strtoull alone takes " 5" and "-5" as numbers */
    if (*s < '1' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end || x > MR_H5_PIECE_BYTES)
        return -1;
    *bytes = x;
    return 0;
}

uint64_t mr_h5_piece_rows(uint64_t rowbytes)
{
    uint64_t piece;
    (void)mr_h5_piece_bytes(&piece); /* a bad value: main has refused it */
    const uint64_t rows = rowbytes ? piece / rowbytes : piece;
    return rows ? rows : 1;
}

uint64_t mr_h5_piece_count(uint64_t nrows, uint64_t per_piece)
{
    return nrows / per_piece + (nrows % per_piece != 0);
}

/* crc64.c - CRC-64/XZ, eight bytes at a time ("slicing by 8": eight tables
 * of 256 entries, built once), so that the checksums of a checkpoint cost
 * little next to writing it.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_once */
#include "sim/crc64.h"

#include <pthread.h>
#include <string.h>

#define POLY 0xC96C5795D7870F42ull /* ECMA-182, reflected */

static uint64_t table[8][256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint64_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    for (unsigned i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

/* Eight bytes of the message, the first in the low byte of w. */
static uint64_t step8(uint64_t c, uint64_t w)
{
    c ^= w;
    return table[7][c & 0xff] ^ table[6][(c >> 8) & 0xff] ^ table[5][(c >> 16) & 0xff] ^
           table[4][(c >> 24) & 0xff] ^ table[3][(c >> 32) & 0xff] ^ table[2][(c >> 40) & 0xff] ^
           table[1][(c >> 48) & 0xff] ^ table[0][c >> 56];
}

uint64_t mr_crc64(uint64_t crc, const void *p, size_t n)
{
    pthread_once(&once, build_tables);
    const unsigned char *b = p;
    uint64_t c = ~crc;
    for (; n >= 8; n -= 8, b += 8) {
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--)
            w = (w << 8) | b[k];
        c = step8(c, w);
    }
    for (; n > 0; n--, b++)
        c = table[0][(c ^ *b) & 0xff] ^ (c >> 8);
    return ~c;
}

uint64_t mr_crc64_u64(uint64_t crc, const uint64_t *x, size_t n)
{
    pthread_once(&once, build_tables);
    uint64_t c = ~crc;
    for (size_t i = 0; i < n; i++)
        c = step8(c, x[i]);
    return ~c;
}

uint64_t mr_crc64_f64(uint64_t crc, const double *x, size_t n)
{
    pthread_once(&once, build_tables);
    uint64_t c = ~crc;
    for (size_t i = 0; i < n; i++) {
        uint64_t w;
        memcpy(&w, &x[i], sizeof w); /* the value's bits; low byte first below */
        c = step8(c, w);
    }
    return ~c;
}

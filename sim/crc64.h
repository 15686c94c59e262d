/* crc64.h - CRC-64/XZ (also called CRC-64/GO-ECMA): the ECMA-182
 * polynomial, reflected (0xC96C5795D7870F42), initial value and final xor
 * all ones. The CRC of the nine bytes "123456789" is 0x995DC9BBDF1939FA;
 * `xz --format=xz --check=crc64` and Python's `crcmod` compute the same
 * value, so a checksum minrisk stores can be checked without minrisk.
 * A CRC detects every error of up to 3 flipped bits and every burst of up
 * to 64 bits, which a general-purpose hash does not promise.
 */
#ifndef MR_CRC64_H
#define MR_CRC64_H

#include <stddef.h>
#include <stdint.h>

#define MR_CRC64_INIT 0u /* the CRC of no bytes: start from it */

/* The CRC of the bytes so far (crc) extended by n bytes at p. */
uint64_t mr_crc64(uint64_t crc, const void *p, size_t n);

/* The same over n doubles, each as its 8 bytes in little-endian order (as
   HDF5's H5T_IEEE_F64LE stores them), on any host. */
uint64_t mr_crc64_f64(uint64_t crc, const double *x, size_t n);

/* The same over n 64-bit integers, each little-endian. */
uint64_t mr_crc64_u64(uint64_t crc, const uint64_t *x, size_t n);

#endif

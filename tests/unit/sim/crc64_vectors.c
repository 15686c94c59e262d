/* crc64_vectors.c - the checkpoint's checksum (sim/crc64.h) is CRC-64/XZ:
 * the catalogue's check value, values computed independently (Python's
 * bitwise reference below), the same over split input, and every single
 * bit flip of a buffer detected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/crc64.h"

#include <string.h>

/* The check value of CRC-64/XZ in the catalogue of parametrised CRCs
   (reveng.sourceforge.io): the CRC of the nine ASCII bytes "123456789". */
static void test_check_value(void **state)
{
    (void)state;
    assert_true(mr_crc64(MR_CRC64_INIT, "123456789", 9) == 0x995DC9BBDF1939FAull);
    assert_true(mr_crc64(MR_CRC64_INIT, "", 0) == 0);
}

/* Values from an independent bitwise implementation:
     def crc64xz(b):
         c = 0xFFFFFFFFFFFFFFFF
         for x in b:
             c ^= x
             for _ in range(8):
                 c = (c >> 1) ^ 0xC96C5795D7870F42 if c & 1 else c >> 1
         return c ^ 0xFFFFFFFFFFFFFFFF
     crc64xz(b"a")                                  -> 0x330284772E652B05
     crc64xz(struct.pack("<2d", 1.0, -2.5))         -> 0x294DA13C08E7CA28
     crc64xz(struct.pack("<2Q", 1, 2**64 - 1))      -> 0x4069671A8C2E2CB8 */
static void test_independent_values(void **state)
{
    (void)state;
    assert_true(mr_crc64(MR_CRC64_INIT, "a", 1) == 0x330284772E652B05ull);
    const double x[2] = {1.0, -2.5};
    assert_true(mr_crc64_f64(MR_CRC64_INIT, x, 2) == 0x294DA13C08E7CA28ull);
    const uint64_t u[2] = {1, UINT64_MAX};
    assert_true(mr_crc64_u64(MR_CRC64_INIT, u, 2) == 0x4069671A8C2E2CB8ull);
}

/* The CRC of a message is the same in one call or in pieces, and the
   eight-byte paths agree with the byte path on a little-endian host. */
static void test_pieces(void **state)
{
    (void)state;
    unsigned char buf[1000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 131u + 7u);
    const uint64_t whole = mr_crc64(MR_CRC64_INIT, buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut += 37)
        assert_true(mr_crc64(mr_crc64(MR_CRC64_INIT, buf, cut), buf + cut, sizeof buf - cut) ==
                    whole);
    double d[125];
    memcpy(d, buf, sizeof d);
    const uint16_t one = 1;
    if (*(const unsigned char *)&one == 1)
        assert_true(mr_crc64_f64(MR_CRC64_INIT, d, 125) == whole);
}

/* Every single-bit flip of a 4 KiB buffer changes the CRC. */
static void test_bit_flips(void **state)
{
    (void)state;
    unsigned char buf[4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i ^ (i >> 3));
    const uint64_t c = mr_crc64(MR_CRC64_INIT, buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf * 8; i++) {
        buf[i / 8] ^= (unsigned char)(1u << (i % 8));
        assert_true(mr_crc64(MR_CRC64_INIT, buf, sizeof buf) != c);
        buf[i / 8] ^= (unsigned char)(1u << (i % 8));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_independent_values),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_bit_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

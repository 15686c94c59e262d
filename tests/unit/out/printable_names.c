/* printable_names.c - mr_printable (out/format.h): the one rule by which
 * the readers print a name from a file (issue 11 case 14). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/format.h"

#include <stdlib.h>
#include <string.h>

static void expect(const char *in, const char *want)
{
    char buf[256];
    assert_string_equal(mr_printable(in, buf, sizeof buf), want);
}

/* ESC, BEL, DEL, tab and newline as \xNN; text and valid UTF-8 kept. */
static void controls_escaped(void **state)
{
    (void)state;
    expect("defence", "defence");
    expect("auto\x1b[31mmotive", "auto\\x1b[31mmotive");
    expect("a\tb\nc\x07\x7f", "a\\x09b\\x0ac\\x07\\x7f");
    expect("C\xc3\xb4te d'Ivoire \xe2\x82\xac \xf0\x9f\x98\x80", /* kept: UTF-8 */
           "C\xc3\xb4te d'Ivoire \xe2\x82\xac \xf0\x9f\x98\x80");
}

/* C1 controls (U+009B is CSI on some terminals), bytes that are not UTF-8,
   overlong forms and surrogates as \xNN, byte by byte. */
static void c1_and_invalid_escaped(void **state)
{
    (void)state;
    expect("x\xc2\x9b"
           "2J",
           "x\\xc2\\x9b2J");
    expect("\xff\xfe", "\\xff\\xfe");
    expect("\xc0\xaf", "\\xc0\\xaf");          /* overlong '/' */
    expect("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
    expect("\xe2\x82", "\\xe2\\x82");          /* cut short */
}

/* Cut at the buffer, never inside an escape or a character. */
static void cut_whole(void **state)
{
    (void)state;
    char buf[7];
    assert_string_equal(mr_printable("ab\x1b"
                                     "cd",
                                     buf, sizeof buf),
                        "ab\\x1b");
    assert_string_equal(mr_printable("abcd\x1b", buf, sizeof buf), "abcd");
    assert_string_equal(mr_printable("abcde\xc3\xb4", buf, sizeof buf), "abcde");
    char *own = mr_printable_own(strdup("n\x1b"));
    assert_string_equal(own, "n\\x1b");
    free(own);
    assert_null(mr_printable_own(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(controls_escaped),
        cmocka_unit_test(c1_and_invalid_escaped),
        cmocka_unit_test(cut_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

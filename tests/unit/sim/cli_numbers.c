/* cli_numbers.c - sim/cmd/cli.c's numbers of the command line: a usage
 * error says "a leading zero is refused" only for the number it is given
 * the reason of, never for one refused earlier (the reason was a static
 * flag that the next usage error read, whichever option it was about). */
#define _POSIX_C_SOURCE 200809L /* fileno, dup, dup2 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/cmd/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LZ                                                                                         \
    ": a leading zero is refused, as in a scenario file, since YAML 1.1 readers (PyYAML) take "    \
    "010 as octal; write it without"

/* stderr into a temporary file from begin() to end(buf). */
static FILE *tmp;
static int saved = -1;

static void begin(void)
{
    tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(fileno(stderr));
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), fileno(stderr)) >= 0);
}

static void end(char *buf, size_t size)
{
    fflush(stderr);
    assert_true(dup2(saved, fileno(stderr)) >= 0);
    close(saved);
    rewind(tmp);
    size_t got = fread(buf, 1, size - 1, tmp);
    buf[got] = '\0';
    fclose(tmp);
}

/* What mr_cli_usage_error(cmd, fmt, arg) prints on stderr, into buf. */
static mr_status usage(const char *cmd, const char *fmt, const char *arg, char *buf, size_t size)
{
    begin();
    mr_status st = mr_cli_usage_error(cmd, fmt, arg);
    end(buf, size);
    return st;
}

/* What mr_cli_number_error(cmd, why, fmt, arg) prints, into buf. */
static mr_status number(const char *cmd, mr_cli_num why, const char *fmt, const char *arg,
                        char *buf, size_t size)
{
    begin();
    mr_status st = mr_cli_number_error(cmd, why, fmt, arg);
    end(buf, size);
    return st;
}

/* Each refusal with its reason; *out untouched unless the number is read. */
static void test_reasons(void **state)
{
    (void)state;
    unsigned long long x = 7;
    const char *const zero[] = {"010", "00", "01", "007", "0010"};
    for (size_t i = 0; i < sizeof zero / sizeof *zero; i++)
        assert_int_equal(mr_cli_parse_u64(zero[i], &x), MR_CLI_NUM_LEADING_ZERO);
    assert_int_equal(x, 7);
    const char *const bad[] = {"",     " 1",   "+1",  "-1",  "1 ",
                               "0x10", "00.5", "0.5", "1e3", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(mr_cli_parse_u64(bad[i], &x), MR_CLI_NUM_BAD);
    assert_int_equal(mr_cli_parse_u64("0", &x), MR_CLI_NUM_OK);
    assert_int_equal(x, 0);
    assert_int_equal(mr_cli_parse_u64("18446744073709551615", &x), MR_CLI_NUM_OK);
    assert_true(x == 18446744073709551615ull);
    /* the range: bounds in, one past each out; a leading zero stays the reason */
    assert_int_equal(mr_cli_parse_range("1", 1, 4096, &x), MR_CLI_NUM_OK);
    assert_int_equal(x, 1);
    assert_int_equal(mr_cli_parse_range("4096", 1, 4096, &x), MR_CLI_NUM_OK);
    assert_int_equal(x, 4096);
    assert_int_equal(mr_cli_parse_range("0", 1, 4096, &x), MR_CLI_NUM_BAD);
    assert_int_equal(mr_cli_parse_range("4097", 1, 4096, &x), MR_CLI_NUM_BAD);
    assert_int_equal(mr_cli_parse_range("05", 1, 4096, &x), MR_CLI_NUM_LEADING_ZERO);
    /* a decimal number's zero before its point is no leading zero */
    assert_true(mr_cli_leading_zero("00"));
    assert_false(mr_cli_leading_zero("0"));
    assert_false(mr_cli_leading_zero("0.5"));
    assert_false(mr_cli_leading_zero("00.5"));
    assert_false(mr_cli_leading_zero("10"));
}

/* The lines as tests/hardening/output_unsigned_options.sh has them. */
static void test_lines(void **state)
{
    (void)state;
    char buf[512];
    const char *fmt = "--trials: must be an integer in [1, 4294967295], got '%s'";
    assert_int_equal(number("run", MR_CLI_NUM_LEADING_ZERO, fmt, "010", buf, sizeof buf),
                     MR_BAD_INPUT);
    assert_string_equal(buf, "minrisk run: --trials: must be an integer in [1, 4294967295], got "
                             "'010'" LZ " (see 'minrisk run --help')\n");
    assert_int_equal(number("run", MR_CLI_NUM_BAD, fmt, " 3", buf, sizeof buf), MR_BAD_INPUT);
    assert_string_equal(buf, "minrisk run: --trials: must be an integer in [1, 4294967295], got "
                             "' 3' (see 'minrisk run --help')\n");
    /* MR_CLI_NUM_OK: a number read whole but refused otherwise (--bootstrap 10) */
    assert_int_equal(number(NULL, MR_CLI_NUM_OK, "bad '%s'", "10", buf, sizeof buf), MR_BAD_INPUT);
    assert_string_equal(buf, "minrisk: bad '10' (see 'minrisk --help')\n");
}

/* A number refused for its leading zero and not reported (a launcher's
   variable read for a yes or no, a list item retried): the next usage
   error, about something else, gives no reason about it. */
static void test_no_stale_reason(void **state)
{
    (void)state;
    char buf[512];
    unsigned long long x = 7;
    assert_true(mr_cli_parse_u64("010", &x) != 0);
    assert_int_equal(usage("compare", "%s", "needs two or more scenarios", buf, sizeof buf),
                     MR_BAD_INPUT);
    assert_string_equal(buf, "minrisk compare: needs two or more scenarios (see 'minrisk "
                             "compare --help')\n");
    assert_true(mr_cli_leading_zero("00"));
    assert_int_equal(usage(NULL, "unknown command '%s'", "rn", buf, sizeof buf), MR_BAD_INPUT);
    assert_string_equal(buf, "minrisk: unknown command 'rn' (see 'minrisk --help')\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_no_stale_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

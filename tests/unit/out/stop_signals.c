/* stop_signals.c - out/stopsig.c, the blocking that the output lock
 * (sim/cmd/outpath.c), report's start of report.py and export's undo
 * records share: exactly SIGINT, SIGTERM and SIGHUP wait while blocked and
 * are delivered once the previous mask is back; a mask that already held
 * one of them keeps it. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/stopsig.h"

#include <string.h>

static volatile sig_atomic_t seen[65]; /* by signal number: SIGINT .. SIGUSR1 are below 32 */

static void count(int sig)
{
    seen[sig]++;
}

static void catch_all(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sigaction(sigs[i], &sa, NULL);
        seen[sigs[i]] = 0;
    }
}

static void test_the_set_is_the_three(void **state)
{
    (void)state;
    sigset_t s;
    mr_stopsig_set(&s);
    assert_true(sigismember(&s, SIGINT) == 1 && sigismember(&s, SIGTERM) == 1 &&
                sigismember(&s, SIGHUP) == 1);
    assert_true(sigismember(&s, SIGUSR1) == 0 && sigismember(&s, SIGPIPE) == 0 &&
                sigismember(&s, SIGQUIT) == 0);
}

static void test_blocked_signals_wait_until_restored(void **state)
{
    (void)state;
    catch_all();
    sigset_t old, pending;
    mr_stopsig_block(&old);
    raise(SIGINT);
    raise(SIGTERM);
    raise(SIGHUP);
    raise(SIGUSR1); /* not one of them: delivered at once */
    assert_int_equal(seen[SIGINT] + seen[SIGTERM] + seen[SIGHUP], 0);
    assert_int_equal(seen[SIGUSR1], 1);
    sigpending(&pending);
    assert_true(sigismember(&pending, SIGINT) == 1 && sigismember(&pending, SIGTERM) == 1 &&
                sigismember(&pending, SIGHUP) == 1);
    mr_stopsig_restore(&old);
    assert_int_equal(seen[SIGINT], 1);
    assert_int_equal(seen[SIGTERM], 1);
    assert_int_equal(seen[SIGHUP], 1);
}

static void test_restore_keeps_what_was_blocked_before(void **state)
{
    (void)state;
    catch_all();
    sigset_t term, outer, old, now;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &outer);
    mr_stopsig_block(&old);
    raise(SIGTERM);
    raise(SIGINT);
    mr_stopsig_restore(&old); /* SIGINT delivered, SIGTERM still blocked */
    assert_int_equal(seen[SIGINT], 1);
    assert_int_equal(seen[SIGTERM], 0);
    sigprocmask(SIG_BLOCK, NULL, &now);
    assert_true(sigismember(&now, SIGTERM) == 1 && sigismember(&now, SIGINT) == 0);
    sigprocmask(SIG_SETMASK, &outer, NULL);
    assert_int_equal(seen[SIGTERM], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_set_is_the_three),
        cmocka_unit_test(test_blocked_signals_wait_until_restored),
        cmocka_unit_test(test_restore_keeps_what_was_blocked_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

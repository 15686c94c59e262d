/* stop_signals.c - out/stopsig.c, the blocking that the output lock
 * (sim/cmd/outpath.c), report's start of report.py and export's undo
 * records share: exactly the eight stop signals (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU) wait while blocked and are
 * delivered once the previous mask is back; a mask that already held one
 * of them keeps it; mr_stopsig_catch leaves a signal ignored at the start
 * ignored, but SIGINT and SIGQUIT. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/stopsig.h"

#include <string.h>

static volatile sig_atomic_t seen[65]; /* by signal number: SIGINT .. SIGXCPU are below 32 */

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
    const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGUSR1,
                        SIGUSR2, SIGALRM, SIGXCPU, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sigaction(sigs[i], &sa, NULL);
        seen[sigs[i]] = 0;
    }
}

static void test_the_set_is_the_eight(void **state)
{
    (void)state;
    sigset_t s;
    mr_stopsig_set(&s);
    const int in[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        assert_int_equal(sigismember(&s, in[i]), 1);
    /* SIGPIPE is deferred (sim/cmd/cli.c), SIGXFSZ ignored (main.c),
       SIGPROF a profiler's, SIGCHLD harmless */
    const int out[] = {SIGPIPE, SIGXFSZ, SIGPROF, SIGCHLD, SIGKILL};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
        assert_int_equal(sigismember(&s, out[i]), 0);
}

static void test_blocked_signals_wait_until_restored(void **state)
{
    (void)state;
    catch_all();
    sigset_t old, pending;
    mr_stopsig_block(&old);
    const int in[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        raise(in[i]);
    raise(SIGCHLD); /* not one of them: delivered at once */
    assert_int_equal(seen[SIGCHLD], 1);
    sigpending(&pending);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        assert_int_equal(seen[in[i]], 0);
        assert_int_equal(sigismember(&pending, in[i]), 1);
    }
    mr_stopsig_restore(&old);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        assert_int_equal(seen[in[i]], 1);
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

/* A signal ignored when the program started (nohup's SIGHUP) stays
   ignored; SIGINT and SIGQUIT, which a shell ignores in a script's `&`
   commands, are caught all the same; a default one is caught. */
static void test_catch_keeps_what_was_ignored(void **state)
{
    (void)state;
    catch_all();
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGUSR2, SIG_DFL);
    mr_stopsig_catch(SIGHUP, count, NULL);
    mr_stopsig_catch(SIGINT, count, NULL);
    mr_stopsig_catch(SIGUSR2, count, NULL);
    raise(SIGHUP);
    raise(SIGINT);
    raise(SIGUSR2);
    assert_int_equal(seen[SIGHUP], 0);
    assert_int_equal(seen[SIGINT], 1);
    assert_int_equal(seen[SIGUSR2], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_set_is_the_eight),
        cmocka_unit_test(test_blocked_signals_wait_until_restored),
        cmocka_unit_test(test_restore_keeps_what_was_blocked_before),
        cmocka_unit_test(test_catch_keeps_what_was_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

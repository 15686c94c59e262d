/* summary_errors.h - the bootstrap intervals of a run's tail statistics,
 * stored in /summary beside the statistics (docs/OUTPUT.md "/summary",
 * "Bootstrap intervals"): ES 99 of every sector, the total, value added
 * lost and extra input cost over the horizon, and the 1-in-100 annual loss
 * of every sector and the total. `minrisk report` shows them as stored; it
 * computes no error of its own.
 *
 * The resamples are those of paired.h (mr_paired_resample_counts, stream
 * "bootstrap/exceedance", MR_EXCEEDANCE_BOOT of them), the same as
 * /loss_tables' (run --events), so the 1-in-100 interval here equals
 * /loss_tables/aep_lo, aep_hi at R = 100 bit for bit. Collective over
 * comm, the ranks sharing the resamples; the same on every thread and rank
 * count. Both kinds of run bootstrap from the top tails of the series
 * (out/stats/btails.h): a streamed run (output.trials: none or totals)
 * from those its stream kept (mr_summary_errors_collect_stream), a run
 * that keeps its trials from those two passes over its rows find
 * (mr_summary_errors_collect); an interval whose resamples ran below a
 * kept tail (never in practice) is NaN, with a warning on stderr.
 */
#ifndef MR_SUMMARY_ERRORS_H
#define MR_SUMMARY_ERRORS_H

#include "out/comm.h"
#include "out/h5/extras.h"
#include "sim/engine.h"
#include "sim/scenario/loader.h"

/* Label of the resamples (stream "bootstrap/<label>"). */
#define MR_SUMMARY_BOOT_LABEL "exceedance"

/* Appends summary/<series>_es99_ci_low, _high and
   summary/<series>_return_period_loss_1in100_ci_low, _high (see
   docs/OUTPUT.md) for the series whose per-trial losses res holds.
   MR_OK, or MR_FAILED with
   err (out of memory) on every rank. */
mr_status mr_summary_errors_collect(const mr_scenario *sc, const mr_results *res,
                                    const mr_comm *comm, mr_extras *extras, mr_error *err);

/* The tails a streamed run keeps for mr_summary_errors_collect_stream
   (out/stats/btails.h, mr_stream_want_boot): kl of each horizon series, ka
   of each annual one (0: no annual statistic), mr_paired_tail_size of the
   walk's depth to ES 99 and to the 1-in-100 annual loss, and of the ka the
   lowest kv as values (mr_paired_tail_values; the others' trials only). */
void mr_summary_errors_tail_sizes(uint64_t N, int H, uint64_t *kl, uint64_t *ka, uint64_t *kv);

/* The memory those tails take on every rank, bytes, for the memory check:
   what is kept at the end (12 bytes a horizon value with its trial; 4 an
   annual value's trial, 8 more for each of the lowest kv) times 1.5 for
   the series being gathered (16 bytes a value) and the first-digit bins'
   slack in pass 2; the bootstrap's bitmap of kept trials (1 bit and a
   4-byte rank per 64 trials); and its 4-byte count per kept trial on each
   of `threads` threads (0: 1), the kept trials bounded by the kept values
   and by N. 10^6 trials of scenarios/demo.yaml (S = 4, H = 10) on 1
   thread: 8,973,300 bytes (6.4 MB without the counts; 11.5 with every
   annual value kept and no counts, as until 2026-12-07; worked in
   tests/unit/sim/studies/summary_tail_bytes.c). */
double mr_summary_errors_tail_bytes(uint64_t N, int S, int H, int threads);

/* mr_summary_errors_collect for a streamed run, from the tails st kept
   (mr_stream_boot_tails): the same datasets, bit for bit (paired.h
   mr_paired_compute_tails). An interval whose resamples ran below a kept
   tail (never in practice) is NaN, with a warning on stderr. */
struct mr_stream;
mr_status mr_summary_errors_collect_stream(const mr_scenario *sc, const mr_results *res,
                                           struct mr_stream *st, const mr_comm *comm,
                                           mr_extras *extras, mr_error *err);

#endif

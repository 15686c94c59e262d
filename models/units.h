/* units.h - the constants of minrisk, each defined once, with its unit.
 *
 * Money is in GBP throughout the model and the file; tables print GBP
 * millions. Fractions are in [0, 1]. Time is in years (the horizon, start of
 * an occurrence) or months (durations, buffers, counts of months).
 */
#ifndef MR_UNITS_H
#define MR_UNITS_H

/* GBP in one GBP million, the unit of every printed loss table. */
#define MR_GBP_PER_MILLION 1e6

/* Months in a year: a step of a model with n steps a year lasts 12 / n months. */
#define MR_MONTHS_PER_YEAR 12.0

/* A mineral counts as short in a step when its net shortfall u_m exceeds
   this fraction of demand (MODEL §8: mineral_shortfall_months, and the
   summary's P(shortage)). */
#define MR_SHORTFALL_THRESHOLD 0.01
/* A scarce month (docs/MODEL.md §5m, /trials/mineral_scarce_months): the
   open market's clearing price at least twice its reference, p* >= ln 2. */
#define MR_SCARCE_LOG_PRICE 0.69314718055994530942

/* A sector counts as inoperable in a step when its inoperability q_j
   exceeds this fraction of output (MODEL §8: sector_inoperability_months). */
#define MR_INOPERABILITY_THRESHOLD 0.05

/* A market's shortage is over, and its commercial stock back at its rest
   level, when supply is whole and the stock is within this fraction of the
   rest level (of a month of demand when the rest level is below a month:
   with no stock at rest the stock left by a rush decays geometrically and
   never reaches 0): the stock is set to it, the next step is exactly at rest
   (price 0, no solve) and the age of the shortage starts again from 0 (the
   price left out is about 1e-3 Kbar / (tau_s eps + eta Kbar), a few 0.01%;
   docs/MODEL.md §5m). */
#define MR_STOCK_AT_REST 1e-3

/* Most trials a run may have, trials: a trial's index is one 32-bit word of
   every Philox counter (sim/rng.h), and paired statistics index trials by
   32-bit words too. */
#define MR_MAX_TRIALS 4294967295ull

/* threads: the most --threads or OMP_NUM_THREADS may ask for (libgomp
   crashed creating 100,000) */
#define MR_MAX_THREADS 4096

#endif

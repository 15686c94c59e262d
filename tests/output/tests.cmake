# output/tests.cmake - the result file as xarray, h5py, h5dump and h5diff see
# it (label `output`), `minrisk export` (label `export`) and `minrisk report`
# (label `report`). Included by tests/CMakeLists.txt, which defines
# MINRISK_PYTHON, MINRISK_BIN, MINRISK_SRC and H5DIFF.

find_program(MINRISK_H5DUMP h5dump)
set(_xarray_tools --h5diff ${H5DIFF})
if(MINRISK_H5DUMP)
  list(APPEND _xarray_tools --h5dump ${MINRISK_H5DUMP})
endif()

# The hand-made sample of tests/unit/out/h5/result_file.c (known values).
add_test(NAME output_xarray_sample
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/output_xarray.py
                 --writer $<TARGET_FILE:unit_out_h5_result_file> ${_xarray_tools})
set_tests_properties(output_xarray_sample PROPERTIES LABELS output)

# A real run of the demo scenario, with 1 and 3 threads (determinism).
add_test(NAME output_xarray_cli
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/output_xarray.py
                 --minrisk ${MINRISK_BIN} --scenario ${MINRISK_SRC}/scenarios/demo.yaml
                 --trials 200 ${_xarray_tools})
set_tests_properties(output_xarray_cli PROPERTIES LABELS output)

# Every group of the study files (a run with --events --counterfactual, a
# comparison, a sweep) opens in xarray with named, labelled dimensions.
add_test(NAME output_xarray_studies
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/output_xarray_studies.py
                 ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(output_xarray_studies PROPERTIES LABELS output)

# Every group, dataset and attribute of every kind of file (run, streamed,
# importance-sampled, precision-stopped, comparisons of 2 and 3, sweep,
# uncertainty) is named in docs/OUTPUT.md or docs/STUDIES.md.
add_test(NAME output_documented
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/documented.py ${MINRISK_BIN}
                 ${MINRISK_SRC})
set_tests_properties(output_documented PROPERTIES LABELS output)

# The file as netCDF tools see it: ncdump -h and netCDF4.Dataset against
# xarray in every group of a run, a comparison and a sweep; Conventions,
# long_name (against python/minrisk's rule) and the time coordinate by hand.
if(MINRISK_PYTHON)
  add_test(NAME output_netcdf
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/output_netcdf.py
                   ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(output_netcdf PROPERTIES LABELS output)
endif()

# output.trials all/totals/none: what /trials holds.
add_test(NAME output_trials_modes
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/output_trials_modes.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml)
set_tests_properties(output_trials_modes PROPERTIES LABELS output)

# `minrisk export` (export_csv.py): every CSV of a demo run read with
# Python's csv module, its header against docs/EXPORT.md and its values
# against h5py; failure paths; a comparison file for --run and the study
# tables (the variance-reduction factor as _ratio, the header docs/EXPORT.md
# lists); NaN attributes; a uk-2035-stockpile run (minerals without a
# stockpile).
if(MINRISK_PYTHON)
  add_test(NAME export_csv
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/export_csv.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
  set_tests_properties(export_csv PROPERTIES LABELS export ENVIRONMENT "OMP_NUM_THREADS=2")
  # a crafted file whose extents multiply to 2^64 (export_extent_overflow.py):
  # refused as damaged, not read past a buffer's end
  add_test(NAME export_extent_overflow
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/export_extent_overflow.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
  set_tests_properties(export_extent_overflow PROPERTIES LABELS export TIMEOUT 300)
endif()

# `minrisk report`, one test and one file per part (report_<part>.py, the
# helpers they share in report_common.py): the figures and numbers of a demo
# report against the file and independent computations, and of a
# uk-2035-stockpile run (minerals without a stockpile) (figures); bad input
# and interrupts (errors); comparison, sweep and attribution files made with
# h5py, and a real 100-trial sweep (its header and heat-map caption)
# (studies); the page in headless Chromium, tables within 1280 px (chromium:
# skipped, status 77, when Debian's chromium is not installed; the
# screenshots are kept in <build>/tests/report-chromium/).
if(MINRISK_PYTHON)
  foreach(_mode figures errors studies chromium)
    add_test(NAME report_${_mode}
             COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/report_${_mode}.py
                     --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC}
                     --keep ${CMAKE_CURRENT_BINARY_DIR}/report-${_mode})
    set_tests_properties(report_${_mode} PROPERTIES
                         LABELS report
                         TIMEOUT 600
                         SKIP_RETURN_CODE 77
                         ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()

# The exit status of `minrisk report` and report.py with stderr closed or
# a pipe whose reader is gone: bad input still 2, a report still 0
# (report_exit_status.py).
if(MINRISK_PYTHON)
  add_test(NAME report_exit_status
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/report_exit_status.py ${MINRISK_BIN}
                   ${MINRISK_SRC})
  set_tests_properties(report_exit_status PROPERTIES LABELS report TIMEOUT 300
                       ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
endif()

# Importance-sampled runs in `minrisk report` and `minrisk summary`
# (report_weighted.py): the weighted empirical exceedance curve against a
# hand-worked sample, the total's band from /summary's weighted interval
# (not /loss_tables' unweighted one), the summary's weights line with the
# effective sample size and its note that the attribution is unweighted.
if(MINRISK_PYTHON)
  add_test(NAME report_weighted
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/report_weighted.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
  set_tests_properties(report_weighted PROPERTIES
                       LABELS report
                       TIMEOUT 300
                       ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
endif()

# `minrisk report` of a sector whose losses span less than numpy's histogram
# can bin (output_gbp 1e-300; tests/output/report_tiny.py): it stopped with an
# IndexError.
# `minrisk report` interrupted: Ctrl-C while report.py loads numpy, SIGHUP
# (and SIGTERM, SIGINT) while it writes, an interpreter exiting 1 on the
# forwarded Ctrl-C, `minrisk report` killed under a running report.py
# (report_signals.py): 130, one line, nothing at DIR.
# `minrisk report` with stdout a pipe whose reader is gone (report_closed_pipe.py):
# the report installed whole, no lock, then SIGPIPE (-13), as run does; with
# SIGPIPE ignored one line and exit 1; --quiet 0; report.py run directly 3.
if(MINRISK_PYTHON)
  foreach(_t report_tiny report_signals report_closed_pipe)
    add_test(NAME ${_t}
             COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/${_t}.py ${MINRISK_BIN}
                     ${MINRISK_SRC})
    set_tests_properties(${_t} PROPERTIES
                         LABELS report
                         TIMEOUT 300
                         ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()

# The UK sourcing of each run of a comparison (uk-2024 vs uk-2035-vision) and
# of a sweep (uk-sweep-stockpile-cap) in `minrisk summary` and `minrisk
# report`, against /runs/*/indicators/uk and /variants/*/indicators/uk read
# with h5py (uk_multi.py).
if(MINRISK_PYTHON)
  add_test(NAME report_uk_multi
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/uk_multi.py ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(report_uk_multi PROPERTIES LABELS report TIMEOUT 600
                       ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
endif()

# output.trials: none streams the trials (out/stats/stream.h): the same
# /summary, /attribution and /indicators as output.trials: all, bit for bit,
# on 1 and 2 threads, with and without refining passes; and a run that the
# in-memory path refuses under ulimit -v fits when streamed (one malloc
# arena: glibc reserves 64 MB of address space for each thread's arena, so
# that ulimit -v measures the arenas' reservations more than the memory).
# 250,000 trials: the in-memory estimate (about 370 MB) is above what the
# 280 MB limit leaves in the serial build as well as in the MPI build, whose
# libraries take more address space (150,000 passed in the MPI build only:
# the serial build ran them in memory, refusing nothing); streamed, the run
# peaks at 65-75 MB resident in both.
add_test(NAME output_stream_summary
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/stream_summary.py ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 6000)
set_tests_properties(output_stream_summary PROPERTIES LABELS output)
# Not under AddressSanitizer: its shadow memory needs far more address space
# than any ulimit -v this test can set (it fails to start).
if(NOT MINRISK_SANITIZE)
  add_test(NAME output_stream_ulimit
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/stream_summary.py ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml --ulimit 250000 286720)
  set_tests_properties(output_stream_ulimit PROPERTIES LABELS output
                       ENVIRONMENT "MALLOC_ARENA_MAX=1")
endif()

# Finite losses near 1e237 GBP (price jumps at the top of their ranges):
# the summary's sd and se finite and right, held and streamed (they were
# inf), and an uncertainty study's Sobol indices (they were NaN)
# (tests/output/huge_losses.py).
add_test(NAME output_huge_losses
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/huge_losses.py ${MINRISK_BIN}
                 ${CMAKE_CURRENT_LIST_DIR}/huge_losses.yaml)
set_tests_properties(output_huge_losses PROPERTIES LABELS output)

# The same with ties at the ES 99 threshold (losses exactly 0 in about 99%
# of trials, tests/output/stream_ties.yaml): the same files, and memory that
# does not grow with the trials (1e5 against 1e6: until 2026-12-05 the
# attribution's tail kept every tied trial, 76 bytes a trial here). Not
# under AddressSanitizer (its quarantine grows with the frees).
add_test(NAME output_stream_ties
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/stream_summary.py ${MINRISK_BIN}
                 ${CMAKE_CURRENT_LIST_DIR}/stream_ties.yaml 6000 any-passes)
set_tests_properties(output_stream_ties PROPERTIES LABELS output)
if(NOT MINRISK_SANITIZE)
  add_test(NAME output_stream_ties_growth
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/stream_summary.py ${MINRISK_BIN}
                   ${CMAKE_CURRENT_LIST_DIR}/stream_ties.yaml --growth 100000 1000000)
  set_tests_properties(output_stream_ties_growth PROPERTIES LABELS output TIMEOUT 600)
endif()

# /summary recomputed from /trials by the definitions of docs/OUTPUT.md,
# written in Python without the C estimators (summary_recompute.py): the
# moments, quantiles and their order-statistic intervals, ES, histogram,
# AAL and its se, return periods, per sector, probabilities and _avg, the
# loss tables' OEP, bit for bit from block-ordered sums; and the weighted
# forms of an importance-sampled run. Two demo runs of 1537 trials (3 s).
if(MINRISK_PYTHON)
  add_test(NAME output_summary_recompute
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/summary_recompute.py
                   ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(output_summary_recompute PROPERTIES LABELS output)
endif()

# /summary's bootstrap intervals (ES 99 of every sector, the total, value
# added lost and extra cost; 1-in-100 of every sector and the total)
# recomputed by brute force from /trials (summary_bootstrap.py): each of the
# 1,000 resamples expanded by its counts and sorted in full, the statistics
# and the percentile interval written in Python; only the counts come from
# the library (resample_counts.c: mr_paired_resample_counts). Two demo runs
# of 3001 trials, the same seed: trials kept, and output.trials: none.
if(MINRISK_PYTHON)
  add_executable(output_resample_counts ${CMAKE_CURRENT_LIST_DIR}/resample_counts.c)
  target_link_libraries(output_resample_counts PRIVATE minrisk_core)
  add_test(NAME output_summary_bootstrap
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/summary_bootstrap.py
                   ${MINRISK_BIN} $<TARGET_FILE:output_resample_counts> ${MINRISK_SRC})
  set_tests_properties(output_summary_bootstrap PROPERTIES LABELS output)
endif()

# The numbers `minrisk summary` prints against the file's figures
# (summary_text.py): the loss table at its decimals, the headline's parts
# (headline = value added lost + extra cost), the minerals table and the
# precision estimate in GBP m. One demo run of 1024 trials.
if(MINRISK_PYTHON)
  add_test(NAME output_summary_text
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/summary_text.py
                   ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(output_summary_text PROPERTIES LABELS output)
endif()

# The HDF5 transfers in pieces (out/h5/pieces.h), with MINRISK_H5_PIECE_BYTES
# at a few bytes: the same file as written whole (the MPI build: mpi_h5_pieces).
add_test(NAME output_h5_pieces
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/h5_pieces.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 2500)
set_tests_properties(output_h5_pieces PROPERTIES LABELS output)

# tests/h5same.sh, with which the tests compare files (tests/CMakeLists.txt):
# hand-made pairs, three of which h5diff itself passes (rows missing, a
# dataset never written, an empty dataset against a full one).
add_test(NAME h5same_cases
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/h5same_cases.py ${H5DIFF})
set_tests_properties(h5same_cases PROPERTIES LABELS output)

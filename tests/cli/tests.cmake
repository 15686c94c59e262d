# cli/tests.cmake - whole-program checks of the commands. Included by
# tests/CMakeLists.txt, which defines MINRISK_BIN (the minrisk binary, a
# generator expression), MINRISK_SRC (the source root), MINRISK_PYTHON,
# H5DIFF and VALGRIND.

# The engine through the command line (label `engine`): 1, 2 and 4 threads
# give the same file; Ctrl-C leaves nothing; SIGTERM checkpoints and
# --resume finishes the run as if never stopped.
add_test(NAME determinism_threads
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/determinism_threads.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 3000)
set_tests_properties(determinism_threads PROPERTIES LABELS engine)
add_test(NAME interrupt_leaves_nothing
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/interrupt_leaves_nothing.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml)
set_tests_properties(interrupt_leaves_nothing PROPERTIES LABELS engine)
add_test(NAME resume_after_sigterm
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/resume_after_sigterm.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 400000)
set_tests_properties(resume_after_sigterm PROPERTIES LABELS engine ENVIRONMENT "STOP_AFTER=1.5")
# stdout or stderr a pipe whose reader is gone (`2>&1 | head`): run, a
# sweep and compare write their file whole, leave no lock, then end by
# SIGPIPE (closed_pipe.py); before, SIGPIPE killed them before the write.
add_test(NAME closed_pipe
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/closed_pipe.py ${MINRISK_BIN}
                 ${MINRISK_SRC} ${H5DIFF})
set_tests_properties(closed_pipe PROPERTIES LABELS engine ENVIRONMENT "OMP_NUM_THREADS=2")
# --progress SECONDS of run, compare and uncertainty with stderr a file (a
# batch log): whole lines, the same file, the usage errors
add_test(NAME progress_lines
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/progress_lines.sh ${MINRISK_BIN} ${MINRISK_SRC} ${H5DIFF})
set_tests_properties(progress_lines PROPERTIES LABELS cli)
# --target-precision (issue 16): the stop, the same on 1 and 2 threads, the
# recorded figures recomputed, SIGTERM and --resume, --max-trials, bad arguments
add_test(NAME determinism_precision
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/precision_stop.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml ${MINRISK_PYTHON})
# (TIMEOUT: a solver that never meets its target must fail, not hang the
# suite: a mutant of the stop rule ran for over 12 minutes; 45 s is usual)
set_tests_properties(determinism_precision PROPERTIES LABELS engine ENVIRONMENT "STOP_AFTER=1.5"
                                                      TIMEOUT 900)

# Open MPI's own components leak at MPI_Finalize (frames in dlopened plugins that
# the shipped suppressions miss): memcheck runs on the serial build.
if(VALGRIND AND NOT MINRISK_SANITIZE AND NOT MINRISK_WITH_MPI)
  add_test(NAME valgrind_demo COMMAND ${CMAKE_CURRENT_LIST_DIR}/valgrind_demo.sh ${MINRISK_BIN}
                                      ${MINRISK_SRC})
  set_tests_properties(valgrind_demo PROPERTIES LABELS memcheck)
endif()

# The command line's contract (docs/INTERFACE.md), label `cli`.
add_test(NAME cli_contract COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_contract.sh ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(cli_contract PROPERTIES LABELS cli)
# The option conventions of every command (getopt_long: --opt=value,
# bundles, --, prefixes, did-you-mean), conventions.sh; the bash completion
# (completion.sh); what `cmake --install` puts beside the binary: the
# completion and the example scenarios (install.sh).
add_test(NAME cli_conventions
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/conventions.sh ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(cli_conventions PROPERTIES LABELS cli ENVIRONMENT "OMP_NUM_THREADS=2")
add_test(NAME cli_completion COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/completion.sh
                                     ${MINRISK_SRC}/sim/cmd/completion.bash ${MINRISK_BIN})
set_tests_properties(cli_completion PROPERTIES LABELS cli)
add_test(NAME cli_install
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
                 ${MINRISK_SRC})
set_tests_properties(cli_install PROPERTIES LABELS cli ENVIRONMENT "OMP_NUM_THREADS=2")

# The manual, label `help` (help.sh): every command's --help examples run as
# written; the man page installs with `cmake --install` and renders without
# warnings; docs/SCENARIOS.md against the loader's schema
# (tests/unit/sim/scenario/schema.c).
add_test(NAME help_examples
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/help.sh examples ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(help_examples PROPERTIES LABELS help TIMEOUT 900
                     ENVIRONMENT "OMP_NUM_THREADS=2;MINRISK_PYTHON=${MINRISK_PYTHON}")
add_test(NAME help_manpage
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/help.sh man ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
                 ${MINRISK_SRC} ${MINRISK_BIN})
set_tests_properties(help_manpage PROPERTIES LABELS help)
# unit_sim_scenario_schema reads docs/SCENARIOS.md from the source root.
minrisk_unit_test(unit_sim_scenario_schema SOURCE_ROOT LABELS help scenario)

# `minrisk validate` prints the static indicators (MODEL §11) as YAML
# comments after the resolved scenario: the output must still be a scenario
# minrisk loads, and must hold the table (label `scenario`).
add_test(NAME indicators_validate_roundtrip
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/indicators_validate_roundtrip.sh ${MINRISK_BIN}
                 scenarios/demo.yaml
         WORKING_DIRECTORY ${MINRISK_SRC})
set_tests_properties(indicators_validate_roundtrip PROPERTIES LABELS scenario)

# The verification number of a pinned run (label `verification`): 1 and 2
# threads print the same, pinned value, and /run_info holds it.
add_test(NAME verification_number
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/verification_number.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON})
set_tests_properties(verification_number PROPERTIES LABELS verification)

# `minrisk bench` (bench.sh, label `cli`): bad options, the built-in
# scenario against bench/synthetic.yaml (its text and the verification
# number of `minrisk run` on it), a tiny benchmark's table and JSON.
add_test(NAME cli_bench
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bench.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON})
set_tests_properties(cli_bench PROPERTIES LABELS cli ENVIRONMENT "OMP_NUM_THREADS=2")

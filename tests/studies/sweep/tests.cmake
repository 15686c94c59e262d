# studies/sweep/tests.cmake - scenario sweeps (docs/STUDIES.md "Sweeps"),
# label `sweep`. Included by tests/CMakeLists.txt. The bad sweep blocks are
# tests/bad/sweep_*.yaml (tests/bad/tests.cmake).
set(_sweep_mpi "")
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  set(_sweep_mpi ${MPIEXEC_EXECUTABLE})
endif()
add_test(NAME sweep_cli
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/sweep_cli.sh ${MINRISK_BIN} ${MINRISK_SRC} ${_sweep_mpi})
set_tests_properties(sweep_cli PROPERTIES LABELS sweep)
minrisk_unit_test(unit_sim_scenario_sweep_variants SOURCE_ROOT LABELS sweep)

# /sweep/grid, the table with the swept keys as dimensions (format 1.6):
# every cell against the flat table's row of its variant, the keys'
# coordinates, three keys (rank 4, whole key paths as names), xarray .sel
# against the variants' own /summary, minrisk.open (sweep_grid.py).
if(MINRISK_PYTHON)
  add_test(NAME sweep_grid
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/sweep_grid.py ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(sweep_grid PROPERTIES LABELS sweep ENVIRONMENT "OMP_NUM_THREADS=1")
endif()

# The report's chart of the headline figures on a sweep's grid
# (out/report.py fig_sweep_grid): a numeric key's line at its settings
# (0, 3, 12 months, in any order), not at their ranks; axes named with the
# key's unit (sweep_report.py).
if(MINRISK_PYTHON)
  add_test(NAME sweep_report
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/sweep_report.py ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(sweep_report PROPERTIES LABELS "sweep;report" ENVIRONMENT "OMP_NUM_THREADS=1")
endif()

# A sweep whose later variants hold more than 2^64 bytes (1,024 variants of
# 4294967295 trials): the memory check's refusal counts them exactly, where a
# conversion to size_t gave 0 (sweep_memory_estimate.sh; 20-40 s).
add_test(NAME sweep_memory_estimate
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/sweep_memory_estimate.sh ${MINRISK_BIN})
set_tests_properties(sweep_memory_estimate PROPERTIES LABELS sweep TIMEOUT 1500)

# studies/events/tests.cmake - the event loss table and the loss tables of
# `minrisk run --events` (docs/MODEL.md §8e, docs/OUTPUT.md "/loss_tables",
# docs/EXPORT.md year_loss.csv, event_loss.csv, exceedance.csv). Included by
# tests/CMakeLists.txt, which defines MINRISK_BIN, MINRISK_SRC and MINRISK_PYTHON.

# Three scenarios worked by hand (two certain occurrences apart; two that
# overlap, split in proportion; one occurrence and the sector's recovery
# after it), additivity on the demo, AEP against /summary, OEP against its
# own table and OEP <= AEP, threads, output.trials none, the CSVs.
add_test(NAME events_loss_tables
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/event_loss.py
                 --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
set_tests_properties(events_loss_tables PROPERTIES LABELS "explain;export")

# The same tables of 1 and 2 ranks (MPI build).
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  add_test(NAME events_loss_tables_mpi
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/event_loss.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC}
                   --mpiexec ${MPIEXEC_EXECUTABLE} --only-mpi)
  set_tests_properties(events_loss_tables_mpi PROPERTIES LABELS "explain;mpi")
endif()

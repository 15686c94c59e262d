# export_tests.cmake - `minrisk export` (tests/check_export.py), label
# `export`: every CSV of a demo run read with Python's csv module, its
# header against docs/EXPORT.md and its values against h5py; failure paths;
# a comparison file for --run and the study tables (the variance-reduction
# factor as _ratio, the header docs/EXPORT.md lists); NaN attributes; a
# uk-2035-stockpile run (minerals without a stockpile). Included by
# tests/CMakeLists.txt (MINRISK_PYTHON, MINRISK_BIN, MINRISK_SRC).

if(MINRISK_PYTHON AND EXISTS ${MINRISK_SRC}/scenarios/demo.yaml)
  add_test(NAME export_csv
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_export.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
  set_tests_properties(export_csv PROPERTIES LABELS export ENVIRONMENT "OMP_NUM_THREADS=2")
endif()

# report_tests.cmake - `minrisk report` (tests/check_report.py), label
# `report`: the figures and numbers of a demo report against the file and
# independent computations, and of a uk-2035-stockpile run (minerals without
# a stockpile); bad input and interrupts; comparison, sweep and attribution
# files made with h5py, and a real 100-trial sweep (its header and heat-map
# caption); the page in headless Chromium, tables within 1280 px (skipped,
# status 77, when Debian's chromium is not installed; the screenshots are
# kept in <build>/tests/report-chromium/). Included by
# tests/CMakeLists.txt (MINRISK_PYTHON, MINRISK_BIN, MINRISK_SRC).

if(MINRISK_PYTHON AND EXISTS ${MINRISK_SRC}/scenarios/demo.yaml)
  foreach(_mode figures errors studies chromium)
    add_test(NAME report_${_mode}
             COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_report.py ${_mode}
                     --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC}
                     --keep ${CMAKE_CURRENT_BINARY_DIR}/report-${_mode})
    set_tests_properties(report_${_mode} PROPERTIES
                         LABELS report
                         TIMEOUT 600
                         SKIP_RETURN_CODE 77
                         ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()

# hardening/readers.cmake - damaged result files (issue 11 cases 11, 14
# and 15; docs/SECURITY.md): the readers never crash, hang or print what a
# terminal obeys. Label `hardening`.

# Case 11: one flipped bit at a time (readers_bitflip.py: 200 positions
# spread over a 200-trial run of demo.yaml, seeded, and targeted flips of
# the superblock, object headers and dimensions) under summary, explain and
# export; report (Python and matplotlib, up to 7 s a run) gets four. Fewer flips under
# the sanitizers, which make every run 5 to 10 times slower.
# HDF5 1.10 itself leaks on the error paths of a damaged object
# (readers_lsan.supp); everything else LeakSanitizer finds still fails.
set(_lsan "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/readers_lsan.supp:print_suppressions=0")
if(MINRISK_PYTHON)
  if(MINRISK_SANITIZE)
    set(_flips 40)
    set(_targeted 40)
  else()
    set(_flips 200)
    set(_targeted -1)
  endif()
  foreach(_cmd summary explain export)
    add_test(NAME readers_bitflip_${_cmd}
             COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readers_bitflip.py
                     --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --cmd ${_cmd}
                     --flips ${_flips} --targeted ${_targeted})
    set_tests_properties(readers_bitflip_${_cmd} PROPERTIES LABELS hardening TIMEOUT 300
                         ENVIRONMENT "OMP_NUM_THREADS=1;${_lsan}")
  endforeach()
  add_test(NAME readers_bitflip_report
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readers_bitflip.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --cmd report --flips 2
                   --targeted 2)
  set_tests_properties(readers_bitflip_report PROPERTIES LABELS hardening TIMEOUT 300
                       ENVIRONMENT "OMP_NUM_THREADS=1;MINRISK_PYTHON=${MINRISK_PYTHON};${_lsan}")

  # Cases 14 and 15: a sector name with a terminal escape code is printed
  # escaped; a file whose losses are all NaN is refused with a clear line.
  foreach(_case escape nan)
    add_test(NAME readers_${_case}
             COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readers_cases.py ${_case}
                     --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
    set_tests_properties(readers_${_case} PROPERTIES LABELS hardening TIMEOUT 300
                         ENVIRONMENT "OMP_NUM_THREADS=1;MINRISK_PYTHON=${MINRISK_PYTHON}")
  endforeach()
endif()

# The outputs of export and report, each test the script of its name.
# Need no Python.
#   readers_outputs: a link or FIFO at a temporary name is removed, not
#     followed; a link, FIFO or the input file at a CSV name is refused
#     before anything is written; report refuses an input inside the folder
#     it would replace.
#   export_lock: a second export into the same --csv DIR is refused by the
#     first's lock DIR.lock, exit 1, writing nothing; the first's tables are
#     those of an export alone.
#   export_interrupted: an export interrupted part way exits 130, every file
#     and directory it made removed.
foreach(t readers_outputs export_lock export_interrupted)
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${t}.sh ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(${t} PROPERTIES LABELS hardening TIMEOUT 120 ENVIRONMENT "OMP_NUM_THREADS=1")
endforeach()

# A directory, a FIFO or a device given as the file to read
# (readers_special_files.sh): refused at once with one line saying what it
# is, exit 2, nothing written; a FIFO does not block. Needs no Python.
add_test(NAME readers_special_files
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/readers_special_files.sh ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(readers_special_files PROPERTIES LABELS hardening TIMEOUT 300
                     ENVIRONMENT "OMP_NUM_THREADS=1")

# report.py replacing an earlier report when its last rename fails
# (report_install.py): the earlier report is put back at DIR.
if(MINRISK_PYTHON)
  add_test(NAME report_install
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/report_install.py ${MINRISK_SRC})
  set_tests_properties(report_install PROPERTIES LABELS hardening TIMEOUT 60)
endif()
# Out of memory while reading: exit status 1, not a damaged file's 2. The
# LD_PRELOAD library is loader.cmake's (not in the sanitizer builds).
if(TARGET failmalloc)
  add_test(NAME readers_out_of_memory
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/readers_out_of_memory.sh ${MINRISK_BIN}
                   ${MINRISK_SRC} $<TARGET_FILE:failmalloc>)
  set_tests_properties(readers_out_of_memory PROPERTIES LABELS hardening TIMEOUT 600
                       ENVIRONMENT "OMP_NUM_THREADS=1")
endif()

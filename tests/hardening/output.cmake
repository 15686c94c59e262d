# hardening/output.cmake - issue 11, the output path of `run` and `compare`
# (sim/cmd/outpath.c): cases 1 2 7 8 9 12 and the command-line half of 14.
# Each test is the script of its name; common.sh is their shared
# prelude (a private scratch folder, exact-message checks).
foreach(t output_special_files      # 1: FIFO, symbolic links, directory; a regular file replaced
          output_is_input           # 2: the scenario, its hard link, its parent; side-file names
          output_lock               # 8: a second run, --resume, sweep, compare refused by the lock
          output_path_checks        # 9: "", a directory, not enough free space
          output_stale_temporaries  # 12: a dead run's temporaries removed, a live one's kept
          output_unsigned_options   # 14: no sign, no white space in unsigned options
          compare_launcher_env      # compare under mpiexec: the size and rank variables read whole
          output_full_disk_keeps_trials # 7: a failed write keeps the trials in the checkpoint
          output_file_size_limit # a file-size limit (SIGXFSZ) fails the write, not the process
          output_durable          # fsync of the temporary before its rename, of the directory after
          output_size_estimate    # the size checked before a write is that of the trials written
          env_in_messages)        # environment values in messages: one line, escaped, cut
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${t}.sh ${MINRISK_BIN} ${MINRISK_SRC}
                                ${H5DIFF})
  set_tests_properties(${t} PROPERTIES LABELS hardening TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()

# Tests with an LD_PRELOAD shim of their own (test:shim): the free space
# faked for the warning of a checkpoint that would not fit beside the file;
# Ctrl-C sent right after the result file's rename; export's mkdir failing
# as on a full disk or a forbidden path; SIGHUP right after the flock of the
# lock file, before it is recorded as held; two stopping signals in a
# given order (the first decides: run_signal_order); a signal as report.py
# ends (report_lock_on_exit).
foreach(_pair output_checkpoint_space:fakestatvfs output_signal_after_rename:renamesignal
              export_mkdir_failure:mkdirfail export_signal_in_lock:flocksignal
              run_signal_order:signalpair report_lock_on_exit:waitsignal)
  string(REPLACE ":" ";" _pair ${_pair})
  list(GET _pair 0 _test)
  list(GET _pair 1 _shim)
  add_library(hardening_${_shim} MODULE ${CMAKE_CURRENT_LIST_DIR}/${_shim}.c)
  target_link_libraries(hardening_${_shim} PRIVATE ${CMAKE_DL_LIBS})
  add_test(NAME ${_test}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${_test}.sh ${MINRISK_BIN} ${MINRISK_SRC}
                   $<TARGET_FILE:hardening_${_shim}>)
  set_tests_properties(${_test} PROPERTIES LABELS hardening TIMEOUT 120)
endforeach()

# Every stop signal (out/stopsig.h: also SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
# SIGXCPU) caught by run, export and report, sent by the shim right after
# the lock file or the temporary file is made; SIGXCPU a checkpoint of run;
# a signal ignored at the start (nohup's SIGHUP) kept ignored; OpenMP's
# workers blocking them (/proc SigBlk). About 10 s.
add_library(hardening_opensignal MODULE ${CMAKE_CURRENT_LIST_DIR}/opensignal.c)
target_link_libraries(hardening_opensignal PRIVATE ${CMAKE_DL_LIBS})
add_test(NAME output_signals_handled
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/output_signals_handled.sh ${MINRISK_BIN}
                 ${MINRISK_SRC} $<TARGET_FILE:hardening_opensignal> ${H5DIFF})
set_tests_properties(output_signals_handled PROPERTIES LABELS hardening TIMEOUT 120)

# init's temporary (sim/cmd/init.c): a file-size limit met and every stop
# signal right after the temporary is made (the same shim) leave nothing,
# and --force the old file; with link(2) failing (linkfail.c) the name is
# taken by an O_EXCL placeholder instead.
add_library(hardening_linkfail MODULE ${CMAKE_CURRENT_LIST_DIR}/linkfail.c)
add_test(NAME init_atomic
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/init_atomic.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 $<TARGET_FILE:hardening_opensignal> $<TARGET_FILE:hardening_linkfail>)
set_tests_properties(init_atomic PROPERTIES LABELS hardening TIMEOUT 120)

# The estimates before a run (file size, memory) against the file and the
# peak resident size: the free space faked by the shim of
# output_checkpoint_space.
add_test(NAME estimate_bands
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/estimate_bands.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON} $<TARGET_FILE:hardening_fakestatvfs>)
set_tests_properties(estimate_bands PROPERTIES LABELS hardening TIMEOUT 300 RUN_SERIAL TRUE)

# hardening/checkpoint.cmake - issue 11, the checkpoint and the engine
# (sim/checkpoint.c, sim/engine.c, sim/memory.c): cases 3, 7 (the memory
# estimate) and 15 (a checkpoint on a full disk). Each test is the script of
# its name; common.sh is their shared prelude. The unit tests of
# the same cases: unit_sim_crc64_vectors (the checksum), unit_sim_results_nonfinite
# (case 13, the results half), unit_sim_memory_limit.
foreach(t checkpoint_damaged        # 3: flipped bytes in rows, header, block_done, bands
          checkpoint_memory_limit   # 7: a run larger than the memory limit, refused at once
          checkpoint_memory_long_grid # 7: the estimate covers the peak on a long time grid
          checkpoint_full_disk)     # 15: a checkpoint that cannot be written: one line
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${t}.sh ${MINRISK_BIN} ${MINRISK_SRC}
                                ${MINRISK_PYTHON})
  set_tests_properties(${t} PROPERTIES LABELS hardening TIMEOUT 180)
endforeach()

# Bytes seen before: the pages guest's reads recorded as references, replayed
# without its files, and bad references refused. See dedup_case.py.
foreach(case replay hostile)
  add_test(NAME e2e.dedup.${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/dedup_case.py
                   --wasm-rr ${WASMRR_EXE} --component ${G}/pages.wasm ${case})
  set_tests_properties(e2e.dedup.${case} PROPERTIES LABELS "e2e;rr;dedup" TIMEOUT 300)
endforeach()

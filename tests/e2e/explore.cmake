# Seeded worlds, fault injection, explore, shrink and counterfactual replay on C guests whose bugs
# only faults show. See explore_case.py.
foreach(case seed short_read clock_jump jobs counterfactual bad_usage)
  add_test(NAME e2e.explore.${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/explore_case.py
                   --wasm-rr ${WASMRR_EXE} --guests ${G} ${case})
  set_tests_properties(e2e.explore.${case} PROPERTIES LABELS "e2e;explore" TIMEOUT 600)
endforeach()

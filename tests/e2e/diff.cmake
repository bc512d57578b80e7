# wasm-rr diff: two traces compared call by call, on real recordings and on
# recordings edited to differ (an argument, an inserted or missing call, the
# outcomes, the component), the --json report checked field by field, errors,
# and two long traces in bounded time and memory. See diff_case.py.
# (Named trace_diff: the `diff` label and e2e.diff.* are the runs against jco.)
set(TRACE_DIFF_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/diff_case.py --wasm-rr ${WASMRR_EXE} --guests ${G})
foreach(case identical changed_argument inserted_call missing_call different_outcomes different_components json
             errors long)
  add_test(NAME e2e.trace_diff.${case} COMMAND ${TRACE_DIFF_CASE} ${case})
  set_tests_properties(e2e.trace_diff.${case} PROPERTIES LABELS "e2e;trace_diff" TIMEOUT 300)
endforeach()

# Robustness: bad input gets a clear error and a documented exit code, never a
# crash, a hang or silent wrong output (label `robust`; fuzz/ holds the
# libFuzzer targets for the same parsers).
#   robust.trace.*      replay seeded random mutants of a real trace (robustness_case.py)
#   robust.component.*  run seeded random mutants of a real component
#   robust.handles.*    a guest that misuses a wasi:io/streams handle traps cleanly
set(ROBUST_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/robustness_case.py --wasm-rr ${WASMRR_EXE})

function(wasmrr_robust name)
  cmake_parse_arguments(PARSE_ARGV 1 R "" "" "ARGS")
  # A failing case keeps its mishandled mutants in failures/e2e.robust.NAME/mutants (harness.py).
  add_test(NAME e2e.robust.${name} COMMAND ${ROBUST_CASE} ${R_ARGS})
  set_tests_properties(e2e.robust.${name} PROPERTIES LABELS "e2e;robust" TIMEOUT 300)
endfunction()

# ~150 mutants take ~5 s per trace; seeds are fixed so that a failure repeats.
foreach(format json cbor)
  wasmrr_robust(trace.hello_${format} ARGS --component ${G}/hello.wasm --format ${format}
                --seed 1 --count 150 trace)
  wasmrr_robust(trace.stdin_echo_${format} ARGS --component ${G}/stdin_echo.wasm --format ${format}
                "--stdin=some input\nsecond line\n" --seed 2 --count 150 trace)
endforeach()
wasmrr_robust(component.hello ARGS --component ${G}/hello.wasm --seed 3 --count 300 component)

# --- a guest that misuses a handle ---------------------------------------------
wasmrr_wat_component(robust_handle_misuse ${CMAKE_CURRENT_SOURCE_DIR}/robustness/handle_misuse.wat)
set(_misuse ${G}/robust_handle_misuse.wasm)

# The argument count picks the misuse (see handle_misuse.wat).
set(_misuse_checks --exit ${WASMRR_EXIT_TRAP} "--stdout=about to misuse a handle\n")
wasmrr_e2e(robust.handles.unknown LABELS robust ARGS ${_misuse_checks}
  "--stderr-regex=trapped.*handle index 999 is not in the handle table"
  -- ${WASMRR_EXE} run ${_misuse})
wasmrr_e2e(robust.handles.double_drop LABELS robust ARGS ${_misuse_checks}
  "--stderr-regex=trapped.*handle index 1 is not in the handle table"
  -- ${WASMRR_EXE} run ${_misuse} -- a)
wasmrr_e2e(robust.handles.wrong_type LABELS robust ARGS ${_misuse_checks}
  "--stderr-regex=trapped.*handle 1 is a own<output-stream> where borrow<input-stream> was expected"
  -- ${WASMRR_EXE} run ${_misuse} -- a b)
wasmrr_e2e(robust.handles.use_after_drop LABELS robust ARGS ${_misuse_checks}
  "--stderr-regex=trapped.*handle index 1 is not in the handle table"
  -- ${WASMRR_EXE} run ${_misuse} -- a b c)
# Recorded, the trap is the end of the trace; replayed, the same trap again.
wasmrr_e2e(robust.handles.record_replay LABELS robust rr ARGS
  ${_misuse_checks} --ref-compare-stderr --ref-stdin-null
  -- ${WASMRR_EXE} record ${_misuse} -t @TMP@/trace.json
  --ref ${WASMRR_EXE} replay ${_misuse} @TMP@/trace.json)

# Typed host bindings (label `typecheck`): a component that imports a WASI
# function under another type than the one wasm-rr implements is refused at
# load, exit 125, naming the import and both types, before the guest writes
# anything; in run, record and replay alike. Enums and variants cross by
# label: a stream-error declared with its cases in another order is refused,
# not mis-answered. The components are WAT (tests/e2e/typecheck/), assembled
# by `jco parse` at build time (wasmrr_wat_component).
set(_tc_dir ${CMAKE_CURRENT_SOURCE_DIR}/typecheck)
foreach(_name well_typed wrong_stdout wrong_clock stream_error_order)
  wasmrr_wat_component(typecheck_${_name} ${_tc_dir}/${_name}.wat)
  set(_tc_${_name}_wasm ${G}/typecheck_${_name}.wasm)
endforeach()

# The control: the same command, well typed, runs and is recorded; the
# replays of the wrong-typed ones (--force: another component) use its trace.
set(_tc_trace ${CMAKE_CURRENT_BINARY_DIR}/typecheck-well_typed.trace.json)
wasmrr_e2e(typecheck.well_typed LABELS typecheck ARGS "--stdout=guest started\n"
  -- ${WASMRR_EXE} run ${_tc_well_typed_wasm})
add_test(NAME e2e.typecheck.record_well_typed
         COMMAND ${WASMRR_EXE} record ${_tc_well_typed_wasm} -t ${_tc_trace})
set_tests_properties(e2e.typecheck.record_well_typed PROPERTIES LABELS "e2e;typecheck" TIMEOUT 300
                     FIXTURES_SETUP typecheck_trace)
wasmrr_e2e(typecheck.well_typed_replay LABELS typecheck ARGS "--stdout=guest started\n"
  -- ${WASMRR_EXE} replay ${_tc_well_typed_wasm} ${_tc_trace})
set_tests_properties(e2e.typecheck.well_typed_replay PROPERTIES FIXTURES_REQUIRED typecheck_trace)

# name, then the regex its refusal must match on stderr.
set(_tc_wrong_stdout
  "import `wasi:cli/stdout@0.2.0#get-stdout` has type func\\(\\) -> u32, but wasm-rr implements func\\(\\) -> own<output-stream>")
set(_tc_wrong_clock
  "import `wasi:clocks/wall-clock@0.2.0#now` has type func\\(\\) -> u64, but wasm-rr implements func\\(\\) -> record \\{ seconds: u64, nanoseconds: u32 \\}")
set(_tc_stream_error_order
  "import `wasi:io/streams@0.2.0#\\[method\\]output-stream.blocking-write-and-flush` has type .*variant \\{ closed, last-operation-failed\\(own<error>\\) \\}.*, but wasm-rr implements .*variant \\{ last-operation-failed\\(own<error>\\), closed \\}.*variant case 0 is `closed`, expected `last-operation-failed`")
foreach(_name wrong_stdout wrong_clock stream_error_order)
  set(_checks --exit ${WASMRR_EXIT_TOOL_ERROR} --stdout= "--stderr-regex=${_tc_${_name}}")
  wasmrr_e2e(typecheck.${_name}.run LABELS typecheck ARGS ${_checks}
    -- ${WASMRR_EXE} run ${_tc_${_name}_wasm})
  wasmrr_e2e(typecheck.${_name}.record LABELS typecheck rr ARGS ${_checks}
    -- ${WASMRR_EXE} record ${_tc_${_name}_wasm} -t @TMP@/trace.json)
  wasmrr_e2e(typecheck.${_name}.replay LABELS typecheck rr ARGS ${_checks}
    -- ${WASMRR_EXE} replay --force ${_tc_${_name}_wasm} ${_tc_trace})
  set_tests_properties(e2e.typecheck.${_name}.replay PROPERTIES FIXTURES_REQUIRED typecheck_trace)
endforeach()

# Traces from anywhere (pipes, FIFOs, `-`) and bad input at a bounded cost:
# trailing text, integers out of range, crafted traces that amplify in memory
# (peak RSS is measured), components that are not regular files, and convert's
# same-file check and atomic output. See trace_input_case.py.
set(TRACE_INPUT_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/trace_input_case.py
    --wasm-rr ${WASMRR_EXE} --guests ${G})
foreach(case pipe fifo files_written trailing ranges memory large_element component convert_same convert_atomic)
  add_test(NAME e2e.trace_input.${case} COMMAND ${TRACE_INPUT_CASE} ${case})
  set_tests_properties(e2e.trace_input.${case} PROPERTIES LABELS "e2e;robust;trace_input" TIMEOUT 300)
endforeach()

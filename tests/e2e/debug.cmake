# The debugger shows what the program computed: debug_case.py breaks on the
# line that prints, in every round of the loop, and compares `print` with
# what the program printed; then reverse-continue and goto go back to earlier
# rounds' values. C and Rust guests built with -g. Labels: e2e debug.
set(_debug_case ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/debug_case.py --wasm-rr ${WASMRR_EXE})
add_test(NAME e2e.debug.c_values COMMAND ${_debug_case} --component ${G}/debug_loop.wasm
  --source debug_loop.c --line 31 --prints "step {i}: x={p.x} y={p.y} total={total}")
set_tests_properties(e2e.debug.c_values PROPERTIES LABELS "e2e;debug" TIMEOUT 300)
# On a terminal: the prompt and line editing (an empty line repeats the command).
add_test(NAME e2e.debug.terminal COMMAND ${_debug_case} --component ${G}/debug_loop.wasm --tty step)
set_tests_properties(e2e.debug.terminal PROPERTIES LABELS "e2e;debug" TIMEOUT 300)
if(WASMRR_HAVE_RUST_GUESTS)
  add_test(NAME e2e.debug.rust_values COMMAND ${_debug_case} --component ${G}/rust_debug_loop.wasm
    --source rust_debug_loop.rs --line 30 --prints "step {i}: x={p.x} y={p.y} total={total}")
  set_tests_properties(e2e.debug.rust_values PROPERTIES LABELS "e2e;debug;rust" TIMEOUT 300)
endif()

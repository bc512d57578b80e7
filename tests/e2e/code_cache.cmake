# The code cache: `wasm-rr compile`, and runs taking their code from it. See code_cache_case.py.
add_test(NAME e2e.code_cache
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/code_cache_case.py
                 --wasm-rr ${WASMRR_EXE} --hello ${G}/hello.wasm --trap ${G}/trap.wasm)
set_tests_properties(e2e.code_cache PROPERTIES LABELS "e2e;cache;trust" TIMEOUT 300)

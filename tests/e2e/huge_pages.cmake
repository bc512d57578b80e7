# Huge pages for SpiderMonkey's large mappings (engine/huge_pages.cpp). See huge_pages_case.py.
add_test(NAME e2e.huge_pages
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/huge_pages_case.py
                 --wasm-rr ${WASMRR_EXE} --hang ${G}/hang.wasm)
set_tests_properties(e2e.huge_pages PROPERTIES LABELS "e2e;startup" TIMEOUT 120 SKIP_RETURN_CODE 77)

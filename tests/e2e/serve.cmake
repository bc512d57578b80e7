# wasm-rr serve over loopback with a hand-written proxy component. See serve_case.py.
wasmrr_wat_component(serve_proxy ${CMAKE_CURRENT_SOURCE_DIR}/serve/proxy.wat)
foreach(case requests timeout sigint record bad_usage)
  add_test(NAME e2e.serve.${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/serve_case.py
                   --wasm-rr ${WASMRR_EXE} --component ${G}/serve_proxy.wasm --command ${G}/hello.wasm ${case})
  set_tests_properties(e2e.serve.${case} PROPERTIES LABELS "e2e;serve" TIMEOUT 300)
endforeach()
if(WASMRR_JCO)
  add_test(NAME e2e.serve.jco
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/serve_case.py
                   --wasm-rr ${WASMRR_EXE} --component ${G}/serve_proxy.wasm --command ${G}/hello.wasm
                   --jco ${WASMRR_JCO} jco)
  set_tests_properties(e2e.serve.jco PROPERTIES LABELS "e2e;serve;jco" TIMEOUT 300)
endif()
if(WASMRR_HAVE_JS_GUESTS)
  add_test(NAME e2e.serve.js
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/serve_case.py
                   --wasm-rr ${WASMRR_EXE} --component ${G}/serve_proxy.wasm --command ${G}/hello.wasm
                   --js-component ${G}/js_proxy.wasm js)
  set_tests_properties(e2e.serve.js PROPERTIES LABELS "e2e;serve;js" TIMEOUT 300)
endif()

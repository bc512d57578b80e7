# Traces for people: replaying a rebuilt component (--rebuilt) and one-file
# bug reports (pack, .wasmrr). share_case.py says what each case checks.
# Labels: e2e share.
set(_share_case ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/share_case.py --wasm-rr ${WASMRR_EXE} --guests ${G})
foreach(_case rebuilt pack)
  add_test(NAME e2e.share.${_case} COMMAND ${_share_case} ${_case})
  set_tests_properties(e2e.share.${_case} PROPERTIES LABELS "e2e;share" TIMEOUT 300)
endforeach()

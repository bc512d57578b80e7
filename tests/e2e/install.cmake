# Installing like a Debian tool (issue 11, item 9): `cmake --install` into a
# temporary prefix, then the installed binary, man pages and completions; and
# `cpack -G DEB`, then the package's Depends and contents. See install_case.py
# and packaging/. Label `install`.
set(INSTALL_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/install_case.py
    --build ${CMAKE_BINARY_DIR} --cmake ${CMAKE_COMMAND} --cpack ${CMAKE_CPACK_COMMAND}
    --version ${PROJECT_VERSION} --guests ${G})
foreach(case install deb)
  add_test(NAME e2e.install.${case} COMMAND ${INSTALL_CASE} ${case})
  set_tests_properties(e2e.install.${case} PROPERTIES LABELS "e2e;install" TIMEOUT 300)
endforeach()

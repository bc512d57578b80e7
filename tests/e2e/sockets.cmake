# wasi:sockets end to end (label `sockets`): sockets_case.py plays the peer on
# 127.0.0.1 (free ports), records the guest, stops the peer and replays with
# no network; the replay's stdout and exit status must match byte for byte.
# Also: access is denied by default (--allow-tcp / --allow-ip-name-lookup), and
# a bare --allow-tcp / --allow-udp grants any address.
set(_sockets_case ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/sockets_case.py
    --wasm-rr ${WASMRR_EXE} --guest ${G}/sockets_guest.wasm)
foreach(case tcp-client tcp-server udp lookup states denied denied-port lookup-denied tcp-client-bare udp-bare
             bare-before-component)
  add_test(NAME e2e.sockets.${case} COMMAND ${_sockets_case} ${case})
  set_tests_properties(e2e.sockets.${case} PROPERTIES LABELS "e2e;rr;sockets" TIMEOUT 120)
endforeach()
add_test(NAME e2e.sockets.tcp-server-cbor COMMAND ${_sockets_case} --trace-ext cbor tcp-server)
set_tests_properties(e2e.sockets.tcp-server-cbor PROPERTIES LABELS "e2e;rr;sockets" TIMEOUT 120)

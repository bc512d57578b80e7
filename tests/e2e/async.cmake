# Component-model async and WASI 0.3 (label `async`): hand-written WASI 0.3.0
# commands (tests/e2e/async/, see its README.md), assembled by `jco parse`.
# The three that work are also recorded and replayed with the world changed
# (tests/guests/roundtrips.cmake: rr.*.async_*); the misuse ones must trap
# with the rule they break named on stderr, in run and in replay alike.
set(_async_dir ${CMAKE_CURRENT_SOURCE_DIR}/async)
# wasmrr_async_case(NAME GUEST MODE): e2e.async.NAME, async_case.py's MODE
# on ${G}/async_GUEST.wasm.
function(wasmrr_async_case name guest mode)
  add_test(NAME e2e.async.${name}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/async_case.py
                   --wasm-rr ${WASMRR_EXE} --component ${G}/async_${guest}.wasm ${mode})
  set_tests_properties(e2e.async.${name} PROPERTIES LABELS "e2e;async" TIMEOUT 300)
endfunction()
set(_async_traps
  trap_read_dropped trap_task_return_twice trap_write_while_copying
  trap_drop_writable_future_unwritten trap_join_waitable_set trap_bad_callback_code
  trap_deadlock trap_sync_read_internal)
set(_async_working clock_random hello_stream timer_stdin mixed_p2_p3 sync_stream_write stackful_run
  error_context internal_stream read_timeout fs_streams tcp_echo udp_echo http_get)
foreach(_name ${_async_working} ${_async_traps})
  wasmrr_wat_component(async_${_name} ${_async_dir}/${_name}.wat)
endforeach()

wasmrr_e2e(async.hello_stream LABELS async ARGS "--stdout=hello from a stream\n"
  -- ${WASMRR_EXE} run ${G}/async_hello_stream.wasm)
# A command importing WASI 0.2 and 0.3 together writes through both stdouts.
wasmrr_e2e(async.mixed_p2_p3 LABELS async ARGS "--stdout=0.2 stdout\n0.3 stdout\n"
  -- ${WASMRR_EXE} run ${G}/async_mixed_p2_p3.wasm)
# Copies without the async option complete at once against the host.
wasmrr_e2e(async.sync_stream_write LABELS async ARGS "--stdout=sync write\n"
  -- ${WASMRR_EXE} run ${G}/async_sync_stream_write.wasm)
# A stdin read with a 300 ms timeout: data that is there is read; no input at all is the end.
wasmrr_e2e(async.read_timeout LABELS async ARGS --stdin-text "hello\n" "--stdout=read 6 bytes\n"
  -- ${WASMRR_EXE} run ${G}/async_read_timeout.wasm)
wasmrr_e2e(async.read_timeout_eof LABELS async ARGS "--stdout=end of input\n"
  -- ${WASMRR_EXE} run ${G}/async_read_timeout.wasm)
# A closed stdin (`<&-`) is an empty one, not whatever wasm-rr opens first.
add_test(NAME e2e.async.read_timeout_closed_stdin
         COMMAND sh -c "out=$(\"$0\" run \"$1\" <&-) && echo \"$out\" && test \"$out\" = 'end of input'"
                 ${WASMRR_EXE} ${G}/async_read_timeout.wasm)
set_tests_properties(e2e.async.read_timeout_closed_stdin PROPERTIES LABELS "e2e;async" TIMEOUT 300)
# These check every count and value themselves (a surprise is a trap) and print nothing.
foreach(_name stackful_run error_context internal_stream)
  wasmrr_e2e(async.${_name} LABELS async ARGS --stdout= -- ${WASMRR_EXE} run ${G}/async_${_name}.wasm)
endforeach()
# Exits with ((random ^ elapsed) & 63) + 1: never 0, and a replay gives it back.
wasmrr_e2e(async.clock_random LABELS async ARGS --forbid-exit 0 --ref-compare exit
  -- ${WASMRR_EXE} record ${G}/async_clock_random.wasm -t @TMP@/t.json
  --ref ${WASMRR_EXE} replay ${G}/async_clock_random.wasm @TMP@/t.json)
wasmrr_e2e(async.timer_stdin LABELS async ARGS --stdin-text "0123456789"
  "--stdout-regex=^stdin: 10 bytes\nfirst: (timer|stdin)\n$"
  -- ${WASMRR_EXE} run ${G}/async_timer_stdin.wasm)
# A replay answers wait-for from the trace: it does not wait (async_case.py).
wasmrr_async_case(timer_replay_does_not_wait timer_stdin timer)
# A replay that differs at the host's side of a stream names where the stream came from.
wasmrr_async_case(divergence hello_stream divergence)
# WASI 0.3 filesystem: files and a directory listing through streams, run,
# recorded and replayed with the directory gone.
wasmrr_async_case(fs_streams fs_streams fs)
# WASI 0.3 HTTP client: a GET to a loopback server, run, recorded and
# replayed with the server gone; denied without --allow-http.
wasmrr_async_case(http_get http_get http)
# WASI 0.3 sockets: a TCP connection to itself over loopback (listen's
# stream of connections, send and receive streams) and a UDP datagram sent
# to itself and back, run, recorded and replayed (no network in the
# replay); without the grant, bind is refused.
foreach(_case tcp_echo:tcp:got udp_echo:udp:udp)
  string(REPLACE ":" ";" _parts ${_case})
  list(GET _parts 0 _guest)
  list(GET _parts 1 _proto)
  list(GET _parts 2 _word)
  wasmrr_e2e(async.${_guest} LABELS async ARGS "--stdout=${_word}: ping\n"
    -- ${WASMRR_EXE} run ${G}/async_${_guest}.wasm --allow-${_proto} 127.0.0.1:*)
  foreach(_ext json cbor.zst)
    wasmrr_e2e(async.${_guest}.replay_${_ext} LABELS async ARGS "--stdout=${_word}: ping\n"
      -- ${WASMRR_EXE} record ${G}/async_${_guest}.wasm -t @TMP@/t.${_ext} --allow-${_proto} 127.0.0.1:*
      --ref ${WASMRR_EXE} replay ${G}/async_${_guest}.wasm @TMP@/t.${_ext})
  endforeach()
  wasmrr_e2e(async.${_guest}.denied LABELS async ARGS --exit 134 -- ${WASMRR_EXE} run ${G}/async_${_guest}.wasm)
endforeach()
# A hostile trace in an async path is a bad trace (exit 125), never a trap;
# data that comes while a read's timer runs is not lost.
foreach(_case hostile_give:read_timeout hostile_handle:hello_stream late_data:read_timeout)
  string(REPLACE ":" ";" _parts ${_case})
  list(GET _parts 0 _mode)
  list(GET _parts 1 _guest)
  wasmrr_async_case(${_mode} ${_guest} ${_mode})
endforeach()

# name, then the rule its trap must name (a substring of stderr).
set(_rule_trap_read_dropped "is not in the handle table")
set(_rule_trap_task_return_twice "trap_if(self.state == RESOLVED)")
set(_rule_trap_write_while_copying "trap_if(e.state != CopyState.IDLE)")
set(_rule_trap_drop_writable_future_unwritten "trap_if(self.state != CopyState.DONE)")
set(_rule_trap_join_waitable_set "trap_if(len(self.elems) > 0)")
set(_rule_trap_bad_callback_code "trap_if(code > CallbackCode.MAX)")
set(_rule_trap_deadlock "deadlock: the callback's WAIT on waitable set")
set(_rule_trap_sync_read_internal "deadlock: a synchronous stream.read")
foreach(_name ${_async_traps})
  wasmrr_e2e(async.${_name} LABELS async ARGS --exit 134 "--stderr-contains=${_rule_${_name}}"
    -- ${WASMRR_EXE} run ${G}/async_${_name}.wasm)
  wasmrr_e2e(async.${_name}.replay LABELS async ARGS --exit 134 --ref-exit 134
    "--ref-stderr-contains=${_rule_${_name}}"
    -- ${WASMRR_EXE} record ${G}/async_${_name}.wasm -t @TMP@/t.json
    --ref ${WASMRR_EXE} replay ${G}/async_${_name}.wasm @TMP@/t.json)
endforeach()

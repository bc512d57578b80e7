# Trust (label `trust`): a recording is never lost and bad input never hurts.
# Stops from outside (SIGKILL, SIGINT/SIGTERM/SIGHUP, --timeout) while the
# guest blocks on stdin, sleeps in poll or computes; guest limits
# (--max-memory, --max-handles); trace files that are never clobbered,
# locked while recording, and out of the guest's reach. See trust_case.py.
set(TRUST_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/trust_case.py --wasm-rr ${WASMRR_EXE} --guests ${G})

function(wasmrr_trust name)
  cmake_parse_arguments(PARSE_ARGV 1 T "" "" "ARGS")
  add_test(NAME e2e.trust.${name} COMMAND ${TRUST_CASE} ${T_ARGS})
  set_tests_properties(e2e.trust.${name} PROPERTIES LABELS "e2e;trust;rr" TIMEOUT 300)
endfunction()

foreach(how stdin sleep spin)
  wasmrr_trust(kill_${how}_json ARGS --format json kill ${how})
  wasmrr_trust(kill_${how}_cbor ARGS --format cbor kill ${how})
  wasmrr_trust(timeout_${how} ARGS timeout ${how})
endforeach()
wasmrr_trust(sigint_spin ARGS signal SIGINT spin)
wasmrr_trust(sigterm_stdin ARGS signal SIGTERM stdin)
wasmrr_trust(sighup_sleep_cbor ARGS --format cbor signal SIGHUP sleep)
wasmrr_trust(timeout_cbor ARGS --format cbor timeout spin)
wasmrr_trust(run_timeout ARGS run-timeout)
wasmrr_trust(stop_while_computing ARGS stop-computing)
wasmrr_trust(rerecord ARGS rerecord)
wasmrr_trust(refused_trace_paths ARGS refused)
wasmrr_trust(lock ARGS lock)
wasmrr_trust(guest_cannot_touch_trace ARGS protect)
wasmrr_trust(guest_cannot_touch_trace_cbor ARGS --format cbor protect)
wasmrr_trust(max_memory ARGS max-memory)
wasmrr_trust(escaped_output ARGS escape)

# A hand-written guest that never drops its handles.
wasmrr_wat_component(handle_hoarder ${CMAKE_CURRENT_SOURCE_DIR}/trust/handle_hoarder.wat)
wasmrr_trust(handle_limit ARGS handles ${G}/handle_hoarder.wasm)

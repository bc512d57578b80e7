# Record/replay: every guest is recorded, then replayed with the world changed
# (other env, stdin, cwd and time; no --env given to replay) and compared byte
# for byte, in both trace formats and compressed (JSON + zstd). Plus divergence, bad-trace and kill tests.
set(RR_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/rr_case.py --wasm-rr ${WASMRR_EXE})

function(wasmrr_rr name)
  cmake_parse_arguments(PARSE_ARGV 1 R "" "" "ARGS")
  add_test(NAME rr.${name} COMMAND ${RR_CASE} ${R_ARGS})
  set_tests_properties(rr.${name} PROPERTIES LABELS "e2e;rr" TIMEOUT 300)
endfunction()

# --- every guest, recorded and replayed: rr.json.X, rr.cbor.X and rr.zst.X -------
# From the one list of guests, tests/guests/roundtrips.cmake: wasmrr_guest()
# stores each entry; wasmrr_rr_roundtrips(), called by CMakeLists.txt once
# every suite is included (test components are assembled in several of
# them), checks the list against the guests built and adds the tests.
set(WASMRR_GUEST_LIST ${PROJECT_SOURCE_DIR}/tests/guests/roundtrips.cmake)

# wasmrr_guest(NAME [AS TEST] [ENV N=V...] [STDIN text] [DATA_DIR] [NO_REVERSE_STEP] [ARGS args...])
#   NO_REVERSE_STEP: the debugger check goes without reverse-stepi from the end
#   (for a compute-bound guest it single-steps everything since the last event)
# wasmrr_guest(NAME NO_ROUNDTRIP reason...)
function(wasmrr_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 R "DATA_DIR;NO_REVERSE_STEP" "AS;STDIN" "ENV;ARGS;NO_ROUNDTRIP")
  if(R_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${WASMRR_GUEST_LIST}: wasmrr_guest(${name}): unexpected ${R_UNPARSED_ARGUMENTS} "
                        "(guest arguments go after ARGS)")
  endif()
  set_property(GLOBAL APPEND PROPERTY WASMRR_GUESTS_LISTED ${name})
  if(DEFINED R_NO_ROUNDTRIP OR "NO_ROUNDTRIP" IN_LIST R_KEYWORDS_MISSING_VALUES)
    string(JOIN "" _reason ${R_NO_ROUNDTRIP})
    string(STRIP "${_reason}" _reason)
    if(_reason STREQUAL "")
      message(FATAL_ERROR "${WASMRR_GUEST_LIST}: wasmrr_guest(${name} NO_ROUNDTRIP) needs its reason")
    endif()
    if(R_AS OR R_ENV OR R_ARGS OR R_DATA_DIR OR DEFINED R_STDIN)
      message(FATAL_ERROR "${WASMRR_GUEST_LIST}: wasmrr_guest(${name}): NO_ROUNDTRIP takes no roundtrip options")
    endif()
    set_property(GLOBAL PROPERTY WASMRR_GUEST_NO_ROUNDTRIP_${name} "${_reason}")
    return()
  endif()
  set(_test ${name})
  if(R_AS)
    set(_test ${R_AS})
  endif()
  get_property(_tests GLOBAL PROPERTY WASMRR_ROUNDTRIPS)
  if(_test IN_LIST _tests)
    message(FATAL_ERROR "${WASMRR_GUEST_LIST}: two roundtrips are named ${_test}: give one of them AS")
  endif()
  set(_options)
  foreach(_env IN LISTS R_ENV)
    list(APPEND _options --env ${_env})
  endforeach()
  if(DEFINED R_STDIN)
    list(APPEND _options "--stdin=${R_STDIN}")
  endif()
  if(R_DATA_DIR)
    list(APPEND _options --data-dir)
  endif()
  if(R_NO_REVERSE_STEP)
    list(APPEND _options --no-reverse-step)
  endif()
  set_property(GLOBAL APPEND PROPERTY WASMRR_ROUNDTRIPS ${_test})
  set_property(GLOBAL PROPERTY WASMRR_ROUNDTRIP_${_test}_GUEST ${name})
  set_property(GLOBAL PROPERTY WASMRR_ROUNDTRIP_${_test}_OPTIONS ${_options})
  set_property(GLOBAL PROPERTY WASMRR_ROUNDTRIP_${_test}_ARGS ${R_ARGS})
endfunction()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${WASMRR_GUEST_LIST})
include(${WASMRR_GUEST_LIST})

# Labels beyond e2e;rr, by the guest's kind (see wasmrr_register_guest).
set(WASMRR_RR_KIND_LABELS_rust rust)
set(WASMRR_RR_KIND_LABELS_js js)
set(WASMRR_RR_KIND_LABELS_qjs js)
set(WASMRR_RR_KIND_LABELS_sockets sockets)

function(wasmrr_rr_roundtrips)
  get_property(_built GLOBAL PROPERTY WASMRR_GUESTS_BUILT)
  get_property(_known GLOBAL PROPERTY WASMRR_GUESTS_KNOWN)
  get_property(_listed GLOBAL PROPERTY WASMRR_GUESTS_LISTED)
  set(_missing)
  foreach(_guest IN LISTS _built)
    if(NOT _guest IN_LIST _listed)
      get_property(_source GLOBAL PROPERTY WASMRR_GUEST_SOURCE_${_guest})
      string(APPEND _missing "\n  ${_guest} (built from ${_source})")
    endif()
  endforeach()
  if(_missing)
    message(FATAL_ERROR "These guests are built but not in the list of guests, ${WASMRR_GUEST_LIST}:"
                        "${_missing}\nAdd each, with the arguments that record and replay it:\n"
                        "  wasmrr_guest(NAME [ENV N=V...] [STDIN text] [DATA_DIR] [ARGS args...])\n"
                        "or with the reason it is not roundtripped and the tests that record it instead:\n"
                        "  wasmrr_guest(NAME NO_ROUNDTRIP \"why\")")
  endif()
  list(REMOVE_DUPLICATES _listed)
  foreach(_guest IN LISTS _listed)
    if(NOT _guest IN_LIST _known)
      string(JOIN ", " _names ${_known})
      message(FATAL_ERROR "${WASMRR_GUEST_LIST} lists the guest ${_guest}, which no rule builds "
                          "(a typo, or a guest removed?). The guests: ${_names}")
    endif()
  endforeach()

  get_property(_tests GLOBAL PROPERTY WASMRR_ROUNDTRIPS)
  foreach(_test IN LISTS _tests)
    get_property(_guest GLOBAL PROPERTY WASMRR_ROUNDTRIP_${_test}_GUEST)
    if(NOT _guest IN_LIST _built)
      continue()  # its toolchain is missing: skipped, like its other tests
    endif()
    get_property(_guest_reason GLOBAL PROPERTY WASMRR_GUEST_NO_ROUNDTRIP_${_guest} SET)
    if(_guest_reason)
      message(FATAL_ERROR "${WASMRR_GUEST_LIST}: ${_guest} has a roundtrip and NO_ROUNDTRIP")
    endif()
    get_property(_options GLOBAL PROPERTY WASMRR_ROUNDTRIP_${_test}_OPTIONS)
    get_property(_args GLOBAL PROPERTY WASMRR_ROUNDTRIP_${_test}_ARGS)
    get_property(_kind GLOBAL PROPERTY WASMRR_GUEST_KIND_${_guest})
    # rr.zst.X: recorded to a zstd-compressed JSON trace (.json.zst).
    foreach(format json cbor zst)
      set(_format ${format})
      if(format STREQUAL "zst")
        set(_format json.zst)
      endif()
      wasmrr_rr(${format}.${_test} ARGS --format ${_format} --component ${G}/${_guest}.wasm ${_options}
                roundtrip ${_args})
      if(WASMRR_RR_KIND_LABELS_${_kind})
        set_property(TEST rr.${format}.${_test} APPEND PROPERTY LABELS ${WASMRR_RR_KIND_LABELS_${_kind}})
      endif()
    endforeach()
  endforeach()
endfunction()

# --- special cases ----------------------------------------------------------------
# Sleeping 2 s while recording; the replay must not sleep.
wasmrr_rr(sleep_is_skipped ARGS --component ${G}/sleeper.wasm --min-record-seconds 2 --max-replay-seconds 0.8
          roundtrip 2000)
wasmrr_rr(convert_round_trip ARGS --component ${G}/stdin_echo.wasm "--stdin=bytes to carry\n" convert)

# Divergence and bad traces.
wasmrr_rr(diverge.reorder ARGS --component ${G}/hello.wasm reorder a b)
wasmrr_rr(diverge.drop ARGS --component ${G}/hello.wasm drop a b)
wasmrr_rr(diverge.args ARGS --component ${G}/hello.wasm args a b)
wasmrr_rr(diverge.leftover_events ARGS --component ${G}/hello.wasm leftover a b)
wasmrr_rr(diverge.other_component ARGS --component ${G}/hello.wasm --other ${G}/random.wasm other)
wasmrr_rr(bad.truncated_json ARGS --component ${G}/ticker.wasm truncate 40 0)
wasmrr_rr(bad.truncated_cbor ARGS --format cbor --component ${G}/ticker.wasm truncate 40 0)
wasmrr_rr(bad.truncated_json_zst ARGS --format json.zst --component ${G}/ticker.wasm truncate 40 0)
wasmrr_rr(bad.truncated_cbor_zst ARGS --format cbor.zst --component ${G}/ticker.wasm truncate 40 0)
wasmrr_rr(bad.garbage ARGS --component ${G}/hello.wasm garbage)
wasmrr_rr(bad.garbage_zst ARGS --format json.zst --component ${G}/hello.wasm garbage)
wasmrr_rr(bad.value_type ARGS --component ${G}/hello.wasm badvalue)
wasmrr_rr(kill_recorder ARGS --component ${G}/ticker.wasm --kill-after 0.6 kill 400 5)
# Compressed traces keep the promise: killed, they replay to their last flush.
wasmrr_rr(kill_recorder_json_zst ARGS --format json.zst --component ${G}/ticker.wasm --kill-after 0.6 kill 400 5)
wasmrr_rr(kill_recorder_cbor_zst ARGS --format cbor.zst --component ${G}/ticker.wasm --kill-after 0.6 kill 400 5)

# Which files the guest wrote, told from the trace after a replay with the directory gone.
wasmrr_rr(files_written ARGS --component ${G}/fs_ops.wasm --data-dir
          "--expect=/data/copy.txt: created or truncated" "--expect=renamed to /data/renamed.txt"
          "--expect=/data/newdir: directory created" files /data)

# Replay streams the trace: 1000x more events (85 MB of JSON) may not cost memory.
foreach(format json cbor json.zst)
  wasmrr_rr(${format}.memory_is_flat ARGS --format ${format} --component ${G}/clock_loop.wasm
            --small-args 1000 --max-growth-mb 8 memory 1000000)
endforeach()

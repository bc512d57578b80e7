# Every guest the test suite builds, and how it is recorded and replayed.
#
# tests/e2e/rr.cmake turns each entry into three tests, rr.json.TEST,
# rr.cbor.TEST and rr.zst.TEST (a .json.zst trace; TEST is the guest's name
# unless AS gives another):
# `rr_case.py roundtrip` records the guest with the arguments, environment
# and stdin given here, then replays the trace with the world changed (no
# environment, other stdin, other cwd, later time) and requires stdout,
# stderr and exit code to be the recording's, byte for byte.
#
#   wasmrr_guest(NAME [AS TEST] [ENV NAME=VALUE...] [STDIN text] [DATA_DIR] [ARGS guest-args...])
#       DATA_DIR: recorded with a scratch directory holding input.txt as /data
#       (rr_case.py --data-dir); a guest may have several entries (AS).
#   wasmrr_guest(NAME NO_ROUNDTRIP "why not, and which tests record and replay it instead")
#
# NAME is the component's file name without .wasm: c/X.c, cpp/X.cpp and
# rust/X.rs give X, js/X.js gives js_X, and the components assembled by
# wasmrr_wat_component in tests/e2e are named there. Configuring fails when a
# guest is built but not listed here (or listed but built by no rule), so a
# new guest cannot be left out of record/replay by accident. Guests of an
# optional toolchain (Rust, componentize-js, componentize-qjs) get their
# tests only when it was found, as their other tests do.
# Tests labels: e2e rr, plus rust for Rust guests, js for JS guests, sockets
# for the sockets guest.

# --- C guests (c/*.c) ----------------------------------------------------------
# bigmem and sha256 compute for a long time after their last event: their debugger
# check skips reverse-stepi from the end (minutes of single-stepping under ASan).
wasmrr_guest(bigmem NO_REVERSE_STEP)
wasmrr_guest(clock_loop ARGS 1000)
wasmrr_guest(clocks)
wasmrr_guest(exit_code)
# The sandbox holds: every escape is refused, and the refusals replay.
wasmrr_guest(clock_jump ARGS 5)
wasmrr_guest(fs_escape DATA_DIR ARGS /data)
wasmrr_guest(fs_ops DATA_DIR ARGS /data)
wasmrr_guest(fs_walk DATA_DIR ARGS /data)
# e2e.explore.* find its bug (a short read) with `explore --faults`.
wasmrr_guest(fragile_reader DATA_DIR ARGS /data/input.txt /data/input.txt)
wasmrr_guest(grow ARGS 64)
# With `stdin` it blocks reading stdin; rr_case.py's recording gets an empty
# one, so the read ends at once. (Its other modes never end by themselves:
# e2e.trust.* record them, stop them from outside and replay the traces.)
wasmrr_guest(hang ARGS stdin 3)
# bench/rr.py's call-heavy guest, one entry per kind of call.
wasmrr_guest(host_calls AS host_calls_clock ARGS clock 100)
wasmrr_guest(host_calls AS host_calls_random ARGS random 100)
wasmrr_guest(host_calls AS host_calls_read DATA_DIR ARGS read /data 100)
wasmrr_guest(host_calls AS host_calls_write DATA_DIR ARGS write /data 100)
wasmrr_guest(hello ENV GUEST_GREETING=recorded ARGS first "two words")
# Reads back every page it wrote: its traces hold the reads as references.
wasmrr_guest(pages DATA_DIR ARGS /data 32 200)
wasmrr_guest(random)
wasmrr_guest(sha256 NO_REVERSE_STEP ARGS 4M)
# Short here; rr.sleep_is_skipped records a 2 s sleep and replays it at once.
wasmrr_guest(sleeper ARGS 50)
wasmrr_guest(stdin_echo STDIN "recorded input\nsecond line\n")
wasmrr_guest(ticker ARGS 20 1)
# Given a file in its directory that is not the trace, it reads, truncates,
# renames, links and removes it; e2e.trust.guest_cannot_touch_trace* give it
# the trace itself.
wasmrr_guest(trace_tamper DATA_DIR ARGS /data/input.txt)
wasmrr_guest(trap)

# --- C guests with DWARF (c_debug/*.c) -------------------------------------------
wasmrr_guest(debug_loop)
wasmrr_guest(debug_loop AS debug_loop_trap ARGS trap)
wasmrr_guest(debug_types)

# --- C guests rebuilt (c_rebuilt/*.c: as recorded, _logging, _input) -----------
wasmrr_guest(lottery ENV PLAYER=ada)
wasmrr_guest(lottery_logging ENV PLAYER=ada)
wasmrr_guest(lottery_input ENV PLAYER=ada)

# --- C++ guests (cpp/*.cpp) ------------------------------------------------------
wasmrr_guest(cpp_hello ARGS x y)

# --- Rust guests (rust/*.rs) -----------------------------------------------------
wasmrr_guest(rust_files DATA_DIR ARGS /data)
wasmrr_guest(rust_hashmap)
wasmrr_guest(rust_hello ENV GUEST_GREETING=recorded STDIN "recorded input\nsecond line\n" ARGS first "two words")
wasmrr_guest(rust_panic ARGS panic)
wasmrr_guest(rust_panic AS rust_panic_unwrap ARGS unwrap)
wasmrr_guest(rust_panic AS rust_exit ARGS exit 7)
wasmrr_guest(rust_time ARGS 40)
wasmrr_guest(rust_debug_loop)
wasmrr_guest(rust_debug_loop AS rust_debug_loop_trap ARGS trap)

# --- JS guests (js/*.js, componentize-js; qjs/, componentize-qjs) ----------------
wasmrr_guest(js_hello)
string(CONCAT _http_reason "fetches from the local HTTP server http_case.py runs: e2e.http.* record it "
                            "against that server and replay the trace with the server stopped")
wasmrr_guest(js_proxy NO_ROUNDTRIP "a componentize-js HTTP handler: served, not run (e2e.serve.js)")
wasmrr_guest(serve_proxy NO_ROUNDTRIP "an HTTP proxy component: served, not run (e2e.serve.*)")
wasmrr_guest(js_http_error NO_ROUNDTRIP "${_http_reason} (e2e.http.error, e2e.http.grant-*)")
wasmrr_guest(js_http_json NO_ROUNDTRIP "${_http_reason} (e2e.http.json, e2e.http.json_cbor)")
wasmrr_guest(js_http_large NO_ROUNDTRIP "${_http_reason} (e2e.http.large)")
wasmrr_guest(js_http_parallel NO_ROUNDTRIP "${_http_reason} (e2e.http.parallel)")
wasmrr_guest(qjs_hello)

# --- wasi:sockets guest (sockets/) -----------------------------------------------
# `states` needs no network. Its modes that talk to a peer (tcp-client,
# tcp-server, udp, lookup) need a grant and the peer sockets_case.py plays:
# e2e.sockets.* record them and replay with no network.
wasmrr_guest(sockets_guest ARGS states)

# --- test components assembled from WAT in tests/e2e (wasmrr_wat_component) ------
# WASI 0.3 commands (component-model async, tests/e2e/async): clock_random
# exits with a random code, timer_stdin waits 200 ms and reads stdin; the
# misuse ones trap (their replays must trap the same way).
wasmrr_guest(async_clock_random)
wasmrr_guest(async_hello_stream)
wasmrr_guest(async_timer_stdin STDIN "typed at the keyboard\n")
wasmrr_guest(async_read_timeout STDIN "typed at the keyboard\n")
wasmrr_guest(async_fs_streams DATA_DIR)
# They need --allow-tcp and --allow-udp, which the roundtrip harness does not grant:
wasmrr_guest(async_tcp_echo NO_ROUNDTRIP "needs --allow-tcp (e2e.async.tcp_echo.replay_*)")
wasmrr_guest(async_udp_echo NO_ROUNDTRIP "needs --allow-udp (e2e.async.udp_echo.replay_*)")
wasmrr_guest(async_http_get NO_ROUNDTRIP "needs a server and --allow-http (e2e.async.http_get)")
foreach(_working mixed_p2_p3 sync_stream_write stackful_run error_context internal_stream)
  wasmrr_guest(async_${_working})
endforeach()
foreach(_trap read_dropped task_return_twice write_while_copying drop_writable_future_unwritten
              join_waitable_set bad_callback_code deadlock sync_read_internal)
  wasmrr_guest(async_trap_${_trap})
endforeach()
# No arguments: it borrows handle 999, which does not exist, and traps.
wasmrr_guest(robust_handle_misuse)
# Takes handles until the default --max-handles (1048576) traps it: an 85 MB
# JSON trace, recorded in a second (e2e.trust.handle_limit: other limits).
wasmrr_guest(handle_hoarder)
wasmrr_guest(typecheck_well_typed)
foreach(_wrong wrong_stdout wrong_clock stream_error_order)
  wasmrr_guest(typecheck_${_wrong} NO_ROUNDTRIP
    "refused at load (an import of another type), so there is nothing to record; "
    "e2e.typecheck.${_wrong}.record and .replay check the refusal")
endforeach()

# Record/replay: every guest is recorded, then replayed with the world changed
# (other env, stdin, cwd and time; no --env given to replay) and compared byte
# for byte, in both trace formats. Plus divergence, bad-trace and kill tests.
set(RR_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/rr_case.py --wasm-rr ${WASMRR_EXE})

function(wasmrr_rr name)
  cmake_parse_arguments(PARSE_ARGV 1 R "" "" "ARGS")
  add_test(NAME rr.${name} COMMAND ${RR_CASE} ${R_ARGS})
  set_tests_properties(rr.${name} PROPERTIES LABELS "e2e;rr" TIMEOUT 300)
endfunction()

foreach(format json cbor)
  wasmrr_rr(${format}.hello ARGS --format ${format} --component ${G}/hello.wasm --env GUEST_GREETING=recorded
            roundtrip first "two words")
  wasmrr_rr(${format}.clocks ARGS --format ${format} --component ${G}/clocks.wasm roundtrip)
  wasmrr_rr(${format}.random ARGS --format ${format} --component ${G}/random.wasm roundtrip)
  wasmrr_rr(${format}.exit_code ARGS --format ${format} --component ${G}/exit_code.wasm roundtrip)
  wasmrr_rr(${format}.trap ARGS --format ${format} --component ${G}/trap.wasm roundtrip)
  wasmrr_rr(${format}.stdin_echo ARGS --format ${format} --component ${G}/stdin_echo.wasm
            "--stdin=recorded input\nsecond line\n" roundtrip)
  wasmrr_rr(${format}.bigmem ARGS --format ${format} --component ${G}/bigmem.wasm roundtrip)
  wasmrr_rr(${format}.cpp_hello ARGS --format ${format} --component ${G}/cpp_hello.wasm roundtrip x y)
  wasmrr_rr(${format}.sha256 ARGS --format ${format} --component ${G}/sha256.wasm roundtrip 4M)
endforeach()
if(WASMRR_HAVE_JS_GUESTS)
  wasmrr_rr(json.js_hello ARGS --component ${G}/js_hello.wasm roundtrip)
endif()
if(WASMRR_HAVE_QJS_GUESTS)
  wasmrr_rr(json.qjs_hello ARGS --component ${G}/qjs_hello.wasm roundtrip)
endif()

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
wasmrr_rr(bad.garbage ARGS --component ${G}/hello.wasm garbage)
wasmrr_rr(bad.value_type ARGS --component ${G}/hello.wasm badvalue)
wasmrr_rr(kill_recorder ARGS --component ${G}/ticker.wasm --kill-after 0.6 kill 400 5)

# Which files the guest wrote, told from the trace after a replay with the directory gone.
wasmrr_rr(files_written ARGS --component ${G}/fs_ops.wasm --data-dir
          "--expect=/data/copy.txt: created or truncated" "--expect=renamed to /data/renamed.txt"
          "--expect=/data/newdir: directory created" files /data)

# Replay streams the trace: 1000x more events (85 MB of JSON) may not cost memory.
foreach(format json cbor)
  wasmrr_rr(${format}.memory_is_flat ARGS --format ${format} --component ${G}/clock_loop.wasm
            --small-args 1000 --max-growth-mb 8 memory 1000000)
endforeach()

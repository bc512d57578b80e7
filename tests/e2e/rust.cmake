# Rust std guests (tests/guests/rust/*.rs, built with Debian's rustc for
# wasm32-wasi): run and checked, compared with `jco run`, and recorded then
# replayed with the world changed (rr_case.py roundtrip). Labels: e2e rust
# (+ diff, rr). Skipped where tests/guests found no usable rustc.
if(NOT WASMRR_HAVE_RUST_GUESTS)
  message(STATUS "Rust guests not built: the e2e tests labelled `rust` are skipped")
  return()
endif()
if(NOT COMMAND wasmrr_rr)
  message(FATAL_ERROR "rust.cmake needs wasmrr_rr() from rr.cmake, included before it")
endif()

function(wasmrr_rust_rr name)
  wasmrr_rr(${name} ${ARGN})
  set_property(TEST rr.${name} APPEND PROPERTY LABELS rust)
endfunction()

# --- wasm-rr run ---------------------------------------------------------------
# Arguments, GUEST_* environment and stdin, echoed.
wasmrr_e2e(run.rust_hello LABELS rust ARGS
  --set-env GUEST_GREETING=hi --set-env GUEST_OTHER=not-passed "--stdin-text=line one\nline two\n"
  "--stdout=hello from rust\nargc: 4\narg[1]: first\narg[2]: two words\narg[3]: ünï ✓\nenv: GUEST_GREETING=hi\nenv: GUEST_Z=set\nstdin length: 18\nstdin fnv1a: 558f297f\n--- stdin ---\nline one\nline two\n"
  "--stderr-contains=rust_hello: done"
  -- ${WASMRR_EXE} run ${G}/rust_hello.wasm --env GUEST_GREETING --env GUEST_Z=set -- first "two words" "ünï ✓")
wasmrr_e2e(run.rust_hello_empty_stdin LABELS rust ARGS
  "--stdout=hello from rust\nargc: 1\nstdin length: 0\nstdin fnv1a: 811c9dc5\n--- stdin ---\n"
  -- ${WASMRR_EXE} run ${G}/rust_hello.wasm)

# HashMap: the contents are fixed, the iteration order is not.
set(_rust_words "(alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett|kilo|lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|xray)")
set(_rust_sorted "sorted: alpha=0 bravo=5 charlie=14 delta=15 echo=16 foxtrot=35 golf=24 hotel=35 india=40 juliett=63 kilo=40 lima=44 mike=48 november=104 oscar=70 papa=60 quebec=96 romeo=85 sierra=108 tango=95 uniform=140 victor=126 whiskey=154 xray=92")
wasmrr_e2e(run.rust_hashmap LABELS rust ARGS
  "--stdout-regex=^entries: 24$" "--stdout-regex=^${_rust_sorted}$"
  "--stdout-regex=^sum: 1509$" "--stdout-regex=^set size: 200$"
  "--stdout-regex=^iteration order: (${_rust_words} ){23}${_rust_words}$"
  "--stdout-regex=^set order:( [0-9]+){12}$" "--stdout-regex=^seeded hash: [0-9a-f]{16}$"
  -- ${WASMRR_EXE} run ${G}/rust_hashmap.wasm)
wasmrr_e2e(run.rust_hashmap_stable LABELS rust ARGS
  "--stdout=entries: 24\n${_rust_sorted}\nsum: 1509\nset size: 200\n"
  -- ${WASMRR_EXE} run ${G}/rust_hashmap.wasm -- --stable)
# Two runs, two seeds: what the roundtrip must pin down does change.
wasmrr_e2e(run.rust_hashmap_seed_varies LABELS rust ARGS
  "--stdout-regex=^seeds differ$"
  -- sh -c [[a=$("$0" run "$1" | grep -E '^(iteration order|seeded hash):'); b=$("$0" run "$1" | grep -E '^(iteration order|seeded hash):'); printf '%s\n%s\n' "$a" "$b"; test -n "$a" && test "$a" != "$b" && echo seeds differ]]
     ${WASMRR_EXE} ${G}/rust_hashmap.wasm)
# ... and the seed is one wasi:random call (RandomState's per-thread keys).
wasmrr_e2e(run.rust_hashmap_seed_from_random LABELS rust ARGS
  "--stdout-regex=^ +1  wasi:random/random@0\\.2\\.[0-9]+#get-random-bytes$" "--stdout-regex=^end: +exit status 0$"
  -- sh -c [["$0" record "$1" -t "$2" > /dev/null && "$0" inspect "$2"]]
     ${WASMRR_EXE} ${G}/rust_hashmap.wasm @TMP@/trace.json)

# SystemTime, Instant, thread::sleep.
wasmrr_e2e(run.rust_time LABELS rust ARGS
  "--stdout-regex=^wall ns: [0-9]{19}$" "--stdout-regex=^slept ns: [0-9]{8,}$"
  "--stdout-regex=^wall delta ns: [0-9]+$" "--stdout-regex=^wall plausible: yes$"
  "--stdout-regex=^slept >= 25ms: yes$" "--stdout-regex=^instant monotonic: yes$"
  "--stdout-regex=^wall nondecreasing: yes$"
  -- ${WASMRR_EXE} run ${G}/rust_time.wasm)
wasmrr_e2e(run.rust_time_sleep_120ms LABELS rust ARGS
  "--stdout=wall plausible: yes\nslept >= 120ms: yes\ninstant monotonic: yes\nwall nondecreasing: yes\n"
  -- ${WASMRR_EXE} run ${G}/rust_time.wasm -- 120 --stable)

# How a Rust program ends: a panic traps (after printing its message), unwrap
# on an error panics with the error, process::exit(n) exits with err.
wasmrr_e2e(run.rust_panic LABELS rust ARGS
  --exit ${WASMRR_EXIT_TRAP} "--stdout=mode: panic\n"
  "--stderr-contains=thread 'main' panicked at 'asked to panic: from main', tests/guests/rust/rust_panic.rs:"
  "--stderr-regex=(?i)trap|unreachable"
  --stderr-contains=rust_panic_inner --stderr-contains=rust_panic_outer
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm -- panic)
wasmrr_e2e(run.rust_panic_unwrap LABELS rust ARGS
  --exit ${WASMRR_EXIT_TRAP} "--stdout=mode: unwrap\nopened: false\n"
  "--stderr-contains=called `Result::unwrap()` on an `Err` value"
  "--stderr-contains=/no/such/file.txt"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm -- unwrap)
wasmrr_e2e(run.rust_exit LABELS rust ARGS
  --exit ${WASMRR_EXIT_GUEST_ERR} "--stdout=mode: exit\nexiting with status 5\n"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm -- exit 5)
wasmrr_e2e(run.rust_exit_zero LABELS rust ARGS
  "--stdout=mode: exit\nexiting with status 0\n"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm -- exit 0)
wasmrr_e2e(run.rust_return LABELS rust ARGS
  "--stdout=mode: return\nreturned normally\n"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm)

# std::fs in a preopen: run_case.py's scratch folder as /data, reading the
# stdin file it writes there.
set(_rust_files_work "create_dir: ok\na.txt: \"first line\\nsecond line\\n\"\nb.bin tail: 1000 bytes, first 6 last 102\nb.bin: len 5000, is_file true\nb.bin mtime after epoch: true\na.txt exists after rename: false\nlisting: b.bin sub/\nmissing.txt: error NotFound\noutside: error Uncategorized\nscratch removed: true\n")
wasmrr_e2e(run.rust_files LABELS rust;fs ARGS
  "--stdin-text=file contents\n"
  "--stdout=stdin: \"file contents\\n\"\n${_rust_files_work}"
  -- ${WASMRR_EXE} run ${G}/rust_files.wasm --dir @TMP@::/data -- /data stdin)
# The same under the userspace path walk (no openat2).
wasmrr_e2e(run.rust_files_userspace LABELS rust;fs ARGS
  --set-env WASMRR_NO_OPENAT2=1 "--stdin-text=file contents\n"
  "--stdout=stdin: \"file contents\\n\"\n${_rust_files_work}"
  -- ${WASMRR_EXE} run ${G}/rust_files.wasm --dir @TMP@::/data -- /data stdin)
wasmrr_e2e(run.rust_files_read_only LABELS rust;fs ARGS
  --exit ${WASMRR_EXIT_GUEST_ERR} "--stdin-text=read only\n"
  "--stdout=stdin: \"read only\\n\"\ncreate_dir: error PermissionDenied\n"
  -- ${WASMRR_EXE} run ${G}/rust_files.wasm --dir @TMP@::/data:ro -- /data stdin)
wasmrr_e2e(run.rust_files_no_dir LABELS rust;fs ARGS
  --exit ${WASMRR_EXIT_GUEST_ERR}
  "--stdout=input.txt: error Uncategorized\ncreate_dir: error Uncategorized\n"
  -- ${WASMRR_EXE} run ${G}/rust_files.wasm)

# --- differential: wasm-rr run vs jco run ----------------------------------------
# (Only what does not depend on the world: --stable drops seeds and times.)
wasmrr_e2e(diff.rust_hello LABELS diff;rust ARGS
  --set-env GUEST_GREETING=hi --stdin-file=${CMAKE_CURRENT_SOURCE_DIR}/rr_case.py
  -- ${WASMRR_EXE} run ${G}/rust_hello.wasm --env GUEST_GREETING -- x "y z"
  --ref ${JCO_RUN} ${G}/rust_hello.wasm -- x "y z")
# A binary stdin of ~150 KB (the component itself), echoed.
wasmrr_e2e(diff.rust_hello_binary_stdin LABELS diff;rust ARGS
  --stdin-file=${G}/rust_hello.wasm "--stdout-regex=^stdin length: [0-9]{6}$"
  -- ${WASMRR_EXE} run ${G}/rust_hello.wasm --ref ${JCO_RUN} ${G}/rust_hello.wasm)
wasmrr_e2e(diff.rust_hashmap LABELS diff;rust ARGS
  "--stdout-regex=^sum: 1509$"
  -- ${WASMRR_EXE} run ${G}/rust_hashmap.wasm -- --stable
  --ref ${JCO_RUN} ${G}/rust_hashmap.wasm -- --stable)
wasmrr_e2e(diff.rust_time LABELS diff;rust ARGS
  "--stdout-regex=^slept >= 30ms: yes$"
  -- ${WASMRR_EXE} run ${G}/rust_time.wasm -- 30 --stable
  --ref ${JCO_RUN} ${G}/rust_time.wasm -- 30 --stable)
wasmrr_e2e(diff.rust_exit LABELS diff;rust ARGS
  --exit ${WASMRR_EXIT_GUEST_ERR} "--stdout-regex=^exiting with status 9$"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm -- exit 9
  --ref ${JCO_RUN} ${G}/rust_panic.wasm -- exit 9)
wasmrr_e2e(diff.rust_return LABELS diff;rust ARGS
  "--stdout-regex=^returned normally$"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm --ref ${JCO_RUN} ${G}/rust_panic.wasm)
# jco run reports a trap as exit 1, wasm-rr as 134: compare the panic message.
wasmrr_e2e(diff.rust_panic LABELS diff;rust ARGS
  --ref-compare none --exit ${WASMRR_EXIT_TRAP} --ref-exit 1 "--stdout=mode: panic\n"
  "--stderr-contains=panicked at 'asked to panic: from main'"
  "--ref-stderr-contains=panicked at 'asked to panic: from main'"
  -- ${WASMRR_EXE} run ${G}/rust_panic.wasm -- panic
  --ref ${JCO_RUN} ${G}/rust_panic.wasm -- panic)
# jco run grants no directories: compare the guest without any.
wasmrr_e2e(diff.rust_files_no_dir LABELS diff;rust;fs ARGS
  --exit ${WASMRR_EXIT_GUEST_ERR} "--stdout-regex=^create_dir: error "
  -- ${WASMRR_EXE} run ${G}/rust_files.wasm --ref ${JCO_RUN} ${G}/rust_files.wasm)

# --- record, then replay with the world changed (other env, stdin, cwd, time) ---
# rr.json.rust_* and rr.cbor.rust_*: from the list of guests, tests/guests/roundtrips.cmake.
# A 1.5 s sleep while recording is not slept again.
wasmrr_rust_rr(rust_sleep_is_skipped ARGS --component ${G}/rust_time.wasm
  --min-record-seconds 1.5 --max-replay-seconds 0.8 roundtrip 1500)
# The files the guest wrote, from the trace, with /data gone.
wasmrr_rust_rr(rust_files_written ARGS --component ${G}/rust_files.wasm --data-dir
  "--expect=/data/rust_scratch: directory created, removed"
  "--expect=/data/rust_scratch/a.txt: created or truncated, 23 bytes written, renamed to /data/rust_scratch/sub/moved.txt"
  "--expect=/data/rust_scratch/b.bin: created or truncated, 5000 bytes written, removed"
  files /data)
# A replay whose trace was edited diverges.
wasmrr_rust_rr(diverge.rust_hashmap_drop ARGS --component ${G}/rust_hashmap.wasm drop)
wasmrr_rust_rr(diverge.rust_hello_args ARGS --component ${G}/rust_hello.wasm args a b)

# Built with -g: the backtrace of a trap and of --stop-at name the Rust source
# lines (DWARF), the function names are demangled.
wasmrr_e2e(run.rust_debug_trap_lines LABELS rust ARGS --exit=${WASMRR_EXIT_TRAP}
  "--stderr-regex=^ +3: rust_debug_loop::fail_deep::h[0-9a-f]+@wasm-function\\[[0-9]+\\]:0x[0-9a-f]+ at \\./tests/guests/rust_debug/rust_debug_loop\\.rs:19:9$"
  "--stderr-regex=^ +6: rust_debug_loop::main::h[0-9a-f]+@wasm-function\\[[0-9]+\\]:0x[0-9a-f]+ at \\./tests/guests/rust_debug/rust_debug_loop\\.rs:33:9$"
  -- ${WASMRR_EXE} run ${G}/rust_debug_loop.wasm trap)
wasmrr_e2e(run.rust_debug_stop_at_lines LABELS rust ARGS
  "--stderr-regex=^wasm-rr: stopped before event [0-9]+: the guest calls wasi:clocks/monotonic-clock@0\\.2\\.12#now\\(\\)$"
  "--stderr-regex=rust_debug_loop::main::h[0-9a-f]+@wasm-function\\[[0-9]+\\]:0x[0-9a-f]+ at \\./tests/guests/rust_debug/rust_debug_loop\\.rs:28:20$"
  -- sh -c [["$0" record "$1" -t "$2" > /dev/null && n=$("$0" inspect --events "$2" | grep -m2 -n 'monotonic-clock.*#now' | tail -1 | sed 's/^[0-9]*:#\([0-9]*\) .*/\1/') && "$0" replay "$1" "$2" --stop-at "$n"]]
     ${WASMRR_EXE} ${G}/rust_debug_loop.wasm @TMP@/trace.json)

# wasi:filesystem end to end (tests/e2e/fs_case.py): C guests on real
# directory layouts, compared with their native builds, recorded and replayed
# with the directory deleted or changed; the sandbox under both path
# resolvers (openat2, and the userspace walk forced by WASMRR_NO_OPENAT2=1).
# Labels: e2e fs rr.
set(FS_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fs_case.py --wasm-rr ${WASMRR_EXE} --guest-dir ${G})

# wasmrr_fs_case(NAME fs_case-args...)
function(wasmrr_fs_case name)
  add_test(NAME e2e.fs.${name} COMMAND ${FS_CASE} ${ARGN})
  set_tests_properties(e2e.fs.${name} PROPERTIES LABELS "e2e;fs;rr" TIMEOUT 300)
endfunction()

foreach(resolver openat2 userspace)
  if(resolver STREQUAL userspace)
    set(_flag --no-openat2)
  else()
    set(_flag)
  endif()
  wasmrr_fs_case(ops.${resolver} --guest fs_ops --layout ops --native ${NATIVE}/fs_ops_native ${_flag})
  wasmrr_fs_case(walk.${resolver} --guest fs_walk --layout walk --native ${NATIVE}/fs_walk_native ${_flag})
  wasmrr_fs_case(escape.${resolver} --guest fs_escape --layout escape --native ${NATIVE}/fs_escape_native ${_flag})
  wasmrr_fs_case(ops_read_only.${resolver} --guest fs_ops --layout ops --read-only ${_flag})
endforeach()
wasmrr_fs_case(walk.cbor --guest fs_walk --layout walk --native ${NATIVE}/fs_walk_native --trace-ext cbor)

# Without --dir the guest sees no files at all.
wasmrr_e2e(fs.no_dir LABELS fs ARGS
  "--stdout=cannot open .: errno other\nentries: 0, file bytes: 0\n"
  -- ${WASMRR_EXE} run ${G}/fs_walk.wasm -- /data)
# --dir checks its argument.
wasmrr_e2e(fs.dir_missing LABELS fs;cli ARGS
  --exit ${WASMRR_EXIT_ERROR} --stderr-contains=not-a-directory-here
  -- ${WASMRR_EXE} run ${G}/fs_walk.wasm --dir @TMP@/not-a-directory-here::/data -- /data)
# --dir HOST alone: the guest sees the directory at the host's own path.
wasmrr_e2e(fs.dir_same_path LABELS fs;cli ARGS
  "--stdout-regex=^entries: [0-9]+, file bytes: [0-9]+$" "--stdout-not-regex=cannot open"
  -- ${WASMRR_EXE} run ${G}/fs_walk.wasm --dir ${CMAKE_CURRENT_SOURCE_DIR} -- ${CMAKE_CURRENT_SOURCE_DIR})
# HOST::HOST:ro: the same, read-only (in run_case.py's scratch folder).
wasmrr_e2e(fs.dir_same_path_read_only LABELS fs;cli ARGS
  "--stdout-regex=^open offsets.bin: EPERM$" "--stdout-regex=^mkdir newdir: EPERM$"
  "--stdout-regex=^list \\.: .*cmd.stdout\\(f\\)$"
  -- ${WASMRR_EXE} run ${G}/fs_ops.wasm --dir @TMP@::@TMP@:ro -- @TMP@)

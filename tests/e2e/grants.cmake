# What the guest is granted on the command line (label `cli`): --dir suffixes
# and paths, the spelling of the --allow-* flags. The grants' effect on the
# guest is tested with real peers in http.cmake (e2e.http.grant-*) and
# sockets.cmake (e2e.sockets.*-bare, denied*).

# --dir HOST::GUEST:ro / :rw are the only suffixes; a typo is an error, not a
# guest path ending in ":RO".
wasmrr_e2e(cli.dir.rw_suffix LABELS cli fs ARGS
  "--stdout=hello\nargc: 1\n" -- ${WASMRR_EXE} run ${G}/hello.wasm --dir @TMP@::/data:rw)
wasmrr_e2e(cli.dir.ro_suffix LABELS cli fs ARGS
  "--stdout=hello\nargc: 1\n" -- ${WASMRR_EXE} run ${G}/hello.wasm --dir @TMP@::/data:ro)
set(_dir_suffixes RO readonly " ro" Rw read-only "")
set(_dir_suffix_names upper-ro readonly space-ro mixed-rw read-only empty)
foreach(suffix name IN ZIP_LISTS _dir_suffixes _dir_suffix_names)
  wasmrr_e2e(cli.dir.bad_suffix_${name} LABELS cli fs ARGS
    ${ERROR_CHECKS} "--stderr-contains=unknown suffix `:${suffix}`"
    "--stderr-contains=the only suffixes are `:ro` (read-only) and `:rw`"
    -- ${WASMRR_EXE} run ${G}/hello.wasm "--dir=@TMP@::/data:${suffix}")
endforeach()
# The same for record: nothing is recorded with a bad grant.
wasmrr_e2e(cli.dir.bad_suffix_record LABELS cli fs ARGS
  ${ERROR_CHECKS} "--stderr-contains=unknown suffix `:RO`"
  -- ${WASMRR_EXE} record ${G}/hello.wasm -t @TMP@/t.json --dir @TMP@::/data:RO)
# A HOST-only --dir keeps its colons (the suffix goes after GUEST): a hint.
wasmrr_e2e(cli.dir.host_only_ro LABELS cli fs ARGS
  ${ERROR_CHECKS} "--stderr-contains=a mode suffix goes after the guest path"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --dir @TMP@:ro)
# A path that is not UTF-8 is refused up front, like such an argument.
string(ASCII 255 _not_utf8)
wasmrr_e2e(cli.dir.not_utf8_host LABELS cli fs ARGS
  ${ERROR_CHECKS} "--stderr-contains=--dir: the path is not valid UTF-8"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --dir @TMP@/x${_not_utf8}y)
wasmrr_e2e(cli.dir.not_utf8_guest LABELS cli fs ARGS
  ${ERROR_CHECKS} "--stderr-contains=--dir: the path is not valid UTF-8"
  -- ${WASMRR_EXE} record ${G}/hello.wasm -t @TMP@/t.json --dir @TMP@::/data${_not_utf8})

# --allow-http is a flag; its SPEC only follows `=`, so it never takes the
# component that follows it.
wasmrr_e2e(cli.allow_http.before_component LABELS cli http ARGS
  "--stdout=hello\nargc: 1\n"
  -- ${WASMRR_EXE} run --allow-http ${G}/hello.wasm --env X=1)
wasmrr_e2e(cli.allow_http.record_before_component LABELS cli http ARGS
  "--stdout=hello\nargc: 1\n"
  -- ${WASMRR_EXE} record --allow-http ${G}/hello.wasm -t @TMP@/t.json)
wasmrr_e2e(cli.allow_http.all_forms LABELS cli http ARGS
  "--stdout=hello\nargc: 1\n"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --allow-http=api.example.com --allow-http=*.example.com:443
     --allow-http=127.0.0.1:8080 --allow-http=[::1]:* --allow-http)
wasmrr_e2e(cli.allow_http.bad_spec LABELS cli http ARGS
  ${ERROR_CHECKS} "--stderr-contains=--allow-http: `http://x/`: expected HOST[:PORTS]"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --allow-http=http://x/)
# A separate word after a bare --allow-http is the guest's: a note says so.
wasmrr_e2e(cli.allow_http.separate_spec_note LABELS cli http ARGS
  "--stdout=hello\nargc: 2\narg[1]: api.example.com\n"
  "--stderr-contains=to grant only it, write --allow-http=api.example.com"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --allow-http api.example.com)
# --allow-tcp / --allow-udp: SPEC after a space or `=`, or none.
wasmrr_e2e(cli.allow_tcp.forms LABELS cli sockets ARGS
  "--stdout=hello\nargc: 2\narg[1]: x\n"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --allow-tcp 127.0.0.1:80 --allow-tcp=*:443 --allow-tcp --allow-udp
     --allow-udp [::1]:53 --allow-udp -- x)
wasmrr_e2e(cli.allow_tcp.bad_spec LABELS cli sockets ARGS
  ${ERROR_CHECKS} "--stderr-contains=--allow-tcp: `example.com`: expected"
  -- ${WASMRR_EXE} run ${G}/hello.wasm --allow-tcp example.com)

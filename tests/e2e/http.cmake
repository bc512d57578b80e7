# wasi:http end to end: JS guests (componentize-js) fetch from a local server
# that http_case.py starts on 127.0.0.1. Each case runs the guest, runs it
# under `jco run` against the same server, records it, stops the server and
# replays the trace: stdout and exit code must be identical byte for byte.
# Labels: http (this file), js, rr, diff.
if(NOT WASMRR_HAVE_JS_GUESTS)
  return()
endif()

set(HTTP_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/http_case.py
    --wasm-rr ${WASMRR_EXE} --jco ${WASMRR_JCO})

# wasmrr_http(NAME GUEST [TIMEOUT seconds] http_case-args...): run and record
# with a bare --allow-http (any destination).
function(wasmrr_http name guest)
  cmake_parse_arguments(PARSE_ARGV 2 H "" "TIMEOUT" "")
  if(NOT H_TIMEOUT)
    set(H_TIMEOUT 300)
  endif()
  add_test(NAME e2e.http.${name} COMMAND ${HTTP_CASE} --guest ${G}/${guest} --grant=--allow-http ${H_UNPARSED_ARGUMENTS})
  set_tests_properties(e2e.http.${name} PROPERTIES LABELS "e2e;http;js;rr;diff" TIMEOUT ${H_TIMEOUT})
endfunction()

# Grants (--allow-http[=SPEC]): http_error.js fetches a closed port, a name
# that does not resolve and the server's /status/204. Whatever is not granted
# fails with HTTP-request-denied (an Error in the guest, where a refused
# connection is a TypeError) and stderr names the destination and the flag; a
# granted server answers 204. Recorded with the grants, replayed with none
# (http_case.py checks the replay reports no denial). No `jco run` here: jco
# grants everything.
# wasmrr_http_grant(NAME SERVER-LINE http_case-args...)
function(wasmrr_http_grant name server_line)
  add_test(NAME e2e.http.grant-${name}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/http_case.py --wasm-rr ${WASMRR_EXE}
                   --guest ${G}/js_http_error.wasm --stdout-regex "^server: ${server_line}$" ${ARGN})
  set_tests_properties(e2e.http.grant-${name} PROPERTIES LABELS "e2e;http;js;rr" TIMEOUT 300)
endfunction()
set(_denied_server "wasm-rr: denied an HTTP request to 127\\.0\\.0\\.1:@PORT@: grant it with --allow-http=127\\.0\\.0\\.1:@PORT@ \\(or --allow-http for any destination\\)$")
set(_denied_bad_host "denied an HTTP request to no-such-host\\.invalid:80: grant it with --allow-http=no-such-host\\.invalid:80")
wasmrr_http_grant(none "Error" --stderr-regex ${_denied_server} --stderr-regex ${_denied_bad_host})
wasmrr_http_grant(bare-first "status 204" --grants-first --grant=--allow-http)
wasmrr_http_grant(address-port "status 204" --grants-first --grant=--allow-http=127.0.0.1:@PORT@
  --stderr-regex ${_denied_bad_host} --stderr-regex "denied an HTTP request to 127\\.0\\.0\\.1:[0-9]+: ")
wasmrr_http_grant(address "status 204" --grant=--allow-http=127.0.0.1 --stderr-regex ${_denied_bad_host})
wasmrr_http_grant(host-name "status 204" --base-host localhost --grant=--allow-http=localhost
  --stderr-regex ${_denied_bad_host})
wasmrr_http_grant(host-name-port "status 204" --base-host LocalHost --grant=--allow-http=LOCALHOST:@PORT@
  --stderr-regex "denied an HTTP request to 127\\.0\\.0\\.1:[0-9]+: ")
wasmrr_http_grant(wildcard-no-match "Error" --grant=--allow-http=*.example.com --stderr-regex ${_denied_server})
wasmrr_http_grant(wildcard-subdomain "Error" --base-host localhost --grant=--allow-http=*.localhost
  --stderr-regex "denied an HTTP request to localhost:[0-9]+: ")
wasmrr_http_grant(wrong-port "Error" --grant=--allow-http=127.0.0.1:@WRONG_PORT@ --grant=--allow-http=localhost
  --stderr-regex ${_denied_server})

wasmrr_http(json js_http_json.wasm
  --stdout-regex "^status: 200 ok: true$" --stdout-regex "^content-type: application/json$"
  --stdout-regex "^tags: record,replay,wasi$" --stdout-regex "^nested.ok: true ratio: 0.25$")
wasmrr_http(json_cbor js_http_json.wasm --trace-ext cbor --stdout-regex "^name: wasm-rr$")
wasmrr_http(parallel js_http_parallel.wasm
  --stdout-regex "^barrier-a: 200 18 bytes: a: 3 of 3 together$"
  --stdout-regex "^barrier-c: 200 18 bytes: c: 3 of 3 together$"
  --stdout-regex "^slow: 200 19 bytes: slow s after 300 ms$"
  --stdout-regex "^post: 200 57 bytes: POST 100000 bytes sha256:d69e689881578332 type:text/plain$"
  --stdout-regex "^put: 200 45 bytes: PUT 3000 bytes sha256:48c187767dddb44e"
  --stdout-regex "^chunked: 200 34 bytes: first part, second part, last part$"
  --stdout-regex "^missing: 404 9 bytes: not found$")
wasmrr_http(error js_http_error.wasm
  --stdout-regex "^closed port: TypeError$" --stdout-regex "^bad host: TypeError$"
  --stdout-regex "^server: status 204$")
# 50 MiB streamed: the hash is SHA-256 chained over 1 MiB blocks of the
# server's pattern (see http_large.js). The max RSS of `run` is compared with
# a run fetching 1 KiB that lives as long (see http_case.py --baseline-env):
# a host that buffered the body would add 50 MiB at least per copy; the
# bound leaves room for SpiderMonkey's background compilation, whose memory
# varies by tens of MiB from run to run. tests/unit/http_client_test.cpp
# checks the host's streaming memory precisely.
wasmrr_http(large js_http_large.wasm TIMEOUT 600
  --env HTTP_LARGE_SIZE=52428800
  --stdout-regex "^length: 52428800$"
  --stdout-regex "^block-sha256: a3073f8f4710bb9f600407bb99a81c127f7ea1bfca76713064b8c7ccd987adc2$"
  --max-rss-growth-mb 120 --baseline-env HTTP_LARGE_SIZE=1024
  --baseline-env HTTP_LARGE_DELAY_MS=@RUN_MS@)

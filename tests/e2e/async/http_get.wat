;; http_get: a WASI 0.3 command that sends an HTTP GET with
;; wasi:http@0.3.0's client and prints the response body.
;;
;; Usage: http_get AUTHORITY   (e.g. 127.0.0.1:8080; the path is /greeting)
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`; it finishes in the
;; first call, so the callback is never called):
;;   1. get-arguments: the first argument is the authority.
;;   2. [constructor]fields; future.new for the trailers; request.new(
;;      headers, none, trailers, none) -> (request, transmit future); the
;;      trailers written ok(none), a sync future.write the host's end takes
;;      at once (before request.new, the reader is the guest's own: a sync
;;      write would deadlock);
;;      set-scheme(some(HTTP)), set-authority, set-path-with-query.
;;   3. wasi:http/client#send (an async func lowered sync): the result<
;;      response, error-code> is at the return pointer, the response handle
;;      at +8 (error-code holds a u64, so the payload is 8-aligned). Any
;;      error: `unreachable`. The transmit future reads ok.
;;   4. get-status-code must be 200; consume-body(response, a future for
;;      the guest's verdict) -> (body stream, trailers future); the stream is
;;      read to its end into memory, the verdict future written ok(), the
;;      trailers future reads ok.
;;   5. stdout (a 0.3 stream) gets the body; task.return ok, EXIT.
;;
;; Expected, with --allow-http=127.0.0.1 and a server that answers GET
;; /greeting with 200: stdout is the response body, exit 0.
(component
  ;; wasi:cli/environment@0.3.0: `get-arguments: func() -> list<string>;`
  (type $environment-t (instance
    (type $strings (list string))
    (export "get-arguments" (func (result $strings)))
  ))
  (import "wasi:cli/environment@0.3.0" (instance $environment (type $environment-t)))

  ;; wasi:http/types@0.3.0, the types and functions this command uses.
  (type $http-types-t (instance
    (type $dns-error-payload-t (record (field "rcode" (option string)) (field "info-code" (option u16))))
    (export "DNS-error-payload" (type $dns-error-payload (eq $dns-error-payload-t)))
    (type $tls-alert-received-payload-t (record (field "alert-id" (option u8)) (field "alert-message" (option string))))
    (export "TLS-alert-received-payload" (type $tls-alert-received-payload (eq $tls-alert-received-payload-t)))
    (type $field-size-payload-t (record (field "field-name" (option string)) (field "field-size" (option u32))))
    (export "field-size-payload" (type $field-size-payload (eq $field-size-payload-t)))
    (type $error-code-t (variant
      (case "DNS-timeout") (case "DNS-error" $dns-error-payload) (case "destination-not-found")
      (case "destination-unavailable") (case "destination-IP-prohibited") (case "destination-IP-unroutable")
      (case "connection-refused") (case "connection-terminated") (case "connection-timeout")
      (case "connection-read-timeout") (case "connection-write-timeout") (case "connection-limit-reached")
      (case "TLS-protocol-error") (case "TLS-certificate-error")
      (case "TLS-alert-received" $tls-alert-received-payload) (case "HTTP-request-denied")
      (case "HTTP-request-length-required") (case "HTTP-request-body-size" (option u64))
      (case "HTTP-request-method-invalid") (case "HTTP-request-URI-invalid") (case "HTTP-request-URI-too-long")
      (case "HTTP-request-header-section-size" (option u32))
      (case "HTTP-request-header-size" (option $field-size-payload))
      (case "HTTP-request-trailer-section-size" (option u32))
      (case "HTTP-request-trailer-size" $field-size-payload) (case "HTTP-response-incomplete")
      (case "HTTP-response-header-section-size" (option u32))
      (case "HTTP-response-header-size" $field-size-payload) (case "HTTP-response-body-size" (option u64))
      (case "HTTP-response-trailer-section-size" (option u32))
      (case "HTTP-response-trailer-size" $field-size-payload)
      (case "HTTP-response-transfer-coding" (option string)) (case "HTTP-response-content-coding" (option string))
      (case "HTTP-response-timeout") (case "HTTP-upgrade-failed") (case "HTTP-protocol-error")
      (case "loop-detected") (case "configuration-error") (case "internal-error" (option string))))
    (export "error-code" (type $error-code (eq $error-code-t)))
    (type $scheme-t (variant (case "HTTP") (case "HTTPS") (case "other" string)))
    (export "scheme" (type $scheme (eq $scheme-t)))
    (export "fields" (type $fields (sub resource)))
    (export "headers" (type $headers (eq $fields)))
    (export "trailers" (type $trailers (eq $fields)))
    (export "request-options" (type $request-options (sub resource)))
    (export "request" (type $request (sub resource)))
    (export "response" (type $response (sub resource)))
    (type $status-code-t u16)
    (export "status-code" (type $status-code (eq $status-code-t)))
    (type $fields-own (own $fields))
    (export "[constructor]fields" (func (result $fields-own)))
    (type $headers-own (own $headers))
    (type $request-own (own $request))
    (type $request-borrow (borrow $request))
    (type $response-own (own $response))
    (type $response-borrow (borrow $response))
    (type $options-own (own $request-options))
    (type $bytes (stream u8))
    (type $opt-bytes (option $bytes))
    (type $trailers-own (own $trailers))
    (type $opt-trailers (option $trailers-own))
    (type $trailers-result (result $opt-trailers (error $error-code)))
    (type $trailers-future (future $trailers-result))
    (type $opt-options (option $options-own))
    (type $status (result (error $error-code)))
    (type $done (future $status))
    (type $request-new-r (tuple $request-own $done))
    (export "[static]request.new"
      (func (param "headers" $headers-own) (param "contents" $opt-bytes) (param "trailers" $trailers-future)
            (param "options" $opt-options) (result $request-new-r)))
    (type $opt-string (option string))
    (type $unit-result (result))
    (export "[method]request.set-authority"
      (func (param "self" $request-borrow) (param "authority" $opt-string) (result $unit-result)))
    (export "[method]request.set-path-with-query"
      (func (param "self" $request-borrow) (param "path-with-query" $opt-string) (result $unit-result)))
    (type $opt-scheme (option $scheme))
    (export "[method]request.set-scheme"
      (func (param "self" $request-borrow) (param "scheme" $opt-scheme) (result $unit-result)))
    (export "[method]response.get-status-code" (func (param "self" $response-borrow) (result $status-code)))
    (type $body-r (tuple $bytes $trailers-future))
    (export "[static]response.consume-body"
      (func (param "this" $response-own) (param "res" $done) (result $body-r)))
  ))
  (import "wasi:http/types@0.3.0" (instance $http-types (type $http-types-t)))
  (alias export $http-types "request" (type $request))
  (alias export $http-types "response" (type $response))
  (alias export $http-types "error-code" (type $http-error-code))
  (alias export $http-types "trailers" (type $trailers))

  ;; wasi:http/client@0.3.0: `send: async func(request: request) -> result<response, error-code>;`
  (type $client-t (instance
    (alias outer 1 $request (type $request-outer))
    (export "request" (type $request (eq $request-outer)))
    (alias outer 1 $response (type $response-outer))
    (export "response" (type $response (eq $response-outer)))
    (alias outer 1 $http-error-code (type $ec-outer))
    (export "error-code" (type $error-code (eq $ec-outer)))
    (type $request-own (own $request))
    (type $response-own (own $response))
    (type $send-r (result $response-own (error $error-code)))
    (export "send" (func async (param "request" $request-own) (result $send-r)))
  ))
  (import "wasi:http/client@0.3.0" (instance $client (type $client-t)))

  ;; wasi:cli/types@0.3.0 and stdout, as in hello_stream.wat.
  (type $cli-types-t (instance
    (type $ec (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type (eq $ec)))
  ))
  (import "wasi:cli/types@0.3.0" (instance $cli-types (type $cli-types-t)))
  (alias export $cli-types "error-code" (type $cli-error-code))
  (type $stdout-t (instance
    (alias outer 1 $cli-error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (type $bytes (stream u8))
    (type $status (result (error $ec)))
    (type $done (future $status))
    (export "write-via-stream" (func (param "data" $bytes) (result $done)))
  ))
  (import "wasi:cli/stdout@0.3.0" (instance $stdout (type $stdout-t)))

  ;; Memory and a bump allocator, in a module of their own so that the
  ;; canon options can name them before the main module is instantiated.
  (core module $memory-module
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 32768))
    (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $next) (i32.const 65536)) (then unreachable))
      (local.get $p))
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "cabi_realloc" (core func $cabi-realloc))

  (type $bytes (stream u8))
  (type $trailers-own (own $trailers))
  (type $opt-trailers (option $trailers-own))
  (type $trailers-result (result $opt-trailers (error $http-error-code)))
  (type $trailers-future (future $trailers-result))
  (type $http-status (result (error $http-error-code)))
  (type $http-done (future $http-status))
  (type $cli-status (result (error $cli-error-code)))
  (type $cli-done (future $cli-status))
  (type $run-result (result))

  (core func $get-arguments
    (canon lower (func $environment "get-arguments") (memory $memory) (realloc $cabi-realloc)))
  (core instance $i-environment (export "get-arguments" (func $get-arguments)))
  (core func $fields-new (canon lower (func $http-types "[constructor]fields")))
  (core func $request-new (canon lower (func $http-types "[static]request.new") (memory $memory)))
  (core func $set-authority (canon lower (func $http-types "[method]request.set-authority") (memory $memory)))
  (core func $set-path (canon lower (func $http-types "[method]request.set-path-with-query") (memory $memory)))
  (core func $set-scheme (canon lower (func $http-types "[method]request.set-scheme") (memory $memory)))
  (core func $status-code (canon lower (func $http-types "[method]response.get-status-code")))
  (core func $consume-body (canon lower (func $http-types "[static]response.consume-body") (memory $memory)))
  (core instance $i-http-types
    (export "fields-new" (func $fields-new))
    (export "request-new" (func $request-new))
    (export "set-authority" (func $set-authority))
    (export "set-path" (func $set-path))
    (export "set-scheme" (func $set-scheme))
    (export "status-code" (func $status-code))
    (export "consume-body" (func $consume-body)))
  (core func $send (canon lower (func $client "send") (memory $memory) (realloc $cabi-realloc)))
  (core instance $i-client (export "send" (func $send)))
  (core func $stdout-write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core instance $i-stdout (export "write-via-stream" (func $stdout-write-via-stream)))

  ;; no `async`: synchronous copies
  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-read (canon stream.read $bytes (memory $memory)))
  (core func $stream-write (canon stream.write $bytes (memory $memory)))
  (core func $stream-drop-readable (canon stream.drop-readable $bytes))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $trailers-new (canon future.new $trailers-future))
  (core func $trailers-write (canon future.write $trailers-future (memory $memory)))
  (core func $trailers-read (canon future.read $trailers-future (memory $memory) (realloc $cabi-realloc)))
  (core func $trailers-drop-readable (canon future.drop-readable $trailers-future))
  (core func $trailers-drop-writable (canon future.drop-writable $trailers-future))
  (core func $http-future-new (canon future.new $http-done))
  (core func $http-future-read (canon future.read $http-done (memory $memory) (realloc $cabi-realloc)))
  (core func $http-future-write (canon future.write $http-done (memory $memory)))
  (core func $http-future-drop-readable (canon future.drop-readable $http-done))
  (core func $http-future-drop-writable (canon future.drop-writable $http-done))
  (core func $cli-future-read (canon future.read $cli-done (memory $memory)))
  (core func $cli-future-drop-readable (canon future.drop-readable $cli-done))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-readable" (func $stream-drop-readable))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "trailers.new" (func $trailers-new))
    (export "trailers.write" (func $trailers-write))
    (export "trailers.read" (func $trailers-read))
    (export "trailers.drop-readable" (func $trailers-drop-readable))
    (export "trailers.drop-writable" (func $trailers-drop-writable))
    (export "http-future.new" (func $http-future-new))
    (export "http-future.read" (func $http-future-read))
    (export "http-future.write" (func $http-future-write))
    (export "http-future.drop-readable" (func $http-future-drop-readable))
    (export "http-future.drop-writable" (func $http-future-drop-writable))
    (export "cli-future.read" (func $cli-future-read))
    (export "cli-future.drop-readable" (func $cli-future-drop-readable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "environment" "get-arguments" (func $get-arguments (param i32)))
    (import "types" "fields-new" (func $fields-new (result i32)))
    (import "types" "request-new" (func $request-new (param i32 i32 i32 i32 i32 i32 i32)))
    (import "types" "set-authority" (func $set-authority (param i32 i32 i32 i32) (result i32)))
    (import "types" "set-path" (func $set-path (param i32 i32 i32 i32) (result i32)))
    (import "types" "set-scheme" (func $set-scheme (param i32 i32 i32 i32 i32) (result i32)))
    (import "types" "status-code" (func $status-code (param i32) (result i32)))
    (import "types" "consume-body" (func $consume-body (param i32 i32 i32)))
    (import "client" "send" (func $send (param i32 i32)))
    (import "stdout" "write-via-stream" (func $stdout-write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-readable" (func $stream-drop-readable (param i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "trailers.new" (func $trailers-new (result i64)))
    (import "async" "trailers.write" (func $trailers-write (param i32 i32) (result i32)))
    (import "async" "trailers.read" (func $trailers-read (param i32 i32) (result i32)))
    (import "async" "trailers.drop-readable" (func $trailers-drop-readable (param i32)))
    (import "async" "trailers.drop-writable" (func $trailers-drop-writable (param i32)))
    (import "async" "http-future.new" (func $http-future-new (result i64)))
    (import "async" "http-future.read" (func $http-future-read (param i32 i32) (result i32)))
    (import "async" "http-future.write" (func $http-future-write (param i32 i32) (result i32)))
    (import "async" "http-future.drop-readable" (func $http-future-drop-readable (param i32)))
    (import "async" "http-future.drop-writable" (func $http-future-drop-writable (param i32)))
    (import "async" "cli-future.read" (func $cli-future-read (param i32 i32) (result i32)))
    (import "async" "cli-future.drop-readable" (func $cli-future-drop-readable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 16) "/greeting")  ;; 9
    (global $args i32 (i32.const 1024))     ;; list<string>: ptr, len
    (global $ret i32 (i32.const 1088))      ;; results at a return pointer (64 bytes)
    (global $zeros i32 (i32.const 1152))    ;; 64 zero bytes: ok(none), ok()
    (global $status i32 (i32.const 1280))   ;; a future's value (64 bytes)
    (global $buf i32 (i32.const 4096))      ;; the response body, up to 16 KiB
    (global $cap i32 (i32.const 16384))

    ;; The future<result<_, error-code>> `f`, read (sync) and dropped: it must be ok.
    (func $expect-ok (param $f i32)
      (if (i32.ne (call $http-future-read (local.get $f) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $http-future-drop-readable (local.get $f))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable)))

    (func (export "run") (result i32)
      (local $authority i32) (local $authority-len i32) (local $ends i64) (local $request i32) (local $sent i32)
      (local $response i32) (local $body i32) (local $trailers i32) (local $verdict i64) (local $n i32)
      (local $r i32) (local $fut i32) (local $w i32)
      ;; 1. the authority
      (call $get-arguments (global.get $args))
      (if (i32.lt_u (i32.load offset=4 (global.get $args)) (i32.const 2)) (then unreachable))
      ;; argument 1 (0 is the program name): a (ptr, len) pair at list + 8
      (local.set $authority (i32.load offset=8 (i32.load (global.get $args))))
      (local.set $authority-len (i32.load offset=12 (i32.load (global.get $args))))

      ;; 2. the request, with no body and no trailers (written at once)
      (local.set $ends (call $trailers-new))
      (call $request-new (call $fields-new) (i32.const 0 (; none ;)) (i32.const 0)
                         (i32.wrap_i64 (local.get $ends)) (i32.const 0 (; none ;)) (i32.const 0) (global.get $ret))
      ;; the readable end is the host's now: a sync write completes at once
      (if (i32.ne (call $trailers-write (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))) (global.get $zeros))
                  (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $trailers-drop-writable (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $request (i32.load (global.get $ret)))
      (local.set $sent (i32.load offset=4 (global.get $ret)))
      (if (call $set-scheme (local.get $request) (i32.const 1 (; some ;)) (i32.const 0 (; HTTP ;)) (i32.const 0) (i32.const 0))
        (then unreachable))
      (if (call $set-authority (local.get $request) (i32.const 1) (local.get $authority) (local.get $authority-len))
        (then unreachable))
      (if (call $set-path (local.get $request) (i32.const 1) (i32.const 16) (i32.const 9))
        (then unreachable))

      ;; 3. send it
      (call $send (local.get $request) (global.get $ret))
      (if (i32.ne (i32.load8_u (global.get $ret)) (i32.const 0 (; ok ;))) (then unreachable))
      (local.set $response (i32.load offset=8 (global.get $ret)))
      (call $expect-ok (local.get $sent))

      ;; 4. the response: 200, and its body
      (if (i32.ne (call $status-code (local.get $response)) (i32.const 200)) (then unreachable))
      (local.set $verdict (call $http-future-new))
      (call $consume-body (local.get $response) (i32.wrap_i64 (local.get $verdict)) (global.get $ret))
      (local.set $body (i32.load (global.get $ret)))
      (local.set $trailers (i32.load offset=4 (global.get $ret)))
      (loop $more
        (local.set $r (call $stream-read (local.get $body) (i32.add (global.get $buf) (local.get $n))
                                         (i32.sub (global.get $cap) (local.get $n))))
        (local.set $n (i32.add (local.get $n) (i32.shr_u (local.get $r) (i32.const 4))))
        (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 0 (; COMPLETED ;)))
          (then
            (if (i32.ge_u (local.get $n) (global.get $cap)) (then unreachable))
            (br $more)))
        (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;))) (then unreachable)))
      (call $stream-drop-readable (local.get $body))
      (if (i32.ne (call $http-future-write (i32.wrap_i64 (i64.shr_u (local.get $verdict) (i64.const 32))) (global.get $zeros))
                  (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $http-future-drop-writable (i32.wrap_i64 (i64.shr_u (local.get $verdict) (i64.const 32))))
      (if (i32.ne (call $trailers-read (local.get $trailers) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $trailers-drop-readable (local.get $trailers))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable))

      ;; 5. stdout
      (local.set $ends (call $stream-new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $fut (call $stdout-write-via-stream (i32.wrap_i64 (local.get $ends))))
      (if (i32.ne (call $stream-write (local.get $w) (global.get $buf) (local.get $n))
                  (i32.shl (local.get $n) (i32.const 4)))
        (then unreachable))
      (call $stream-drop-writable (local.get $w))
      (if (i32.ne (call $cli-future-read (local.get $fut) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $cli-future-drop-readable (local.get $fut))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable))
      (call $task-return (i32.const 0 (; ok ;)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param i32 i32 i32) (result i32)
      unreachable)
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "environment" (instance $i-environment))
    (with "types" (instance $i-http-types))
    (with "client" (instance $i-client))
    (with "stdout" (instance $i-stdout))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

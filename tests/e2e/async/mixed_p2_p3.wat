;; mixed_p2_p3: a WASI 0.3 command that also imports WASI 0.2 interfaces, and
;; prints one line through each.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`):
;;   1. wasi:clocks/monotonic-clock@0.3.0#now (t1) and
;;      wasi:random/random@0.3.0#get-random-u64 (its value is not used: the
;;      call is there so that a 0.3 import with a nondeterministic answer is
;;      recorded between the 0.2 calls).
;;   2. WASI 0.2, lowered sync, laid out as wit-component does: the resource
;;      types come from wasi:io/error@0.2.0 and wasi:io/streams@0.2.0 and are
;;      re-exported by wasi:cli/stdout@0.2.0.
;;      get-stdout -> own<output-stream>;
;;      [method]output-stream.blocking-write-and-flush(borrow, "0.2 stdout\n")
;;      whose result<_, stream-error> (3 flat values > MAX_FLAT_RESULTS) is
;;      stored at a return pointer: its discriminant must be 0 (ok), else
;;      `unreachable`; then [resource-drop]output-stream.
;;   3. now again (t2): t2 < t1 is `unreachable` (the clock is monotonic).
;;   4. "0.3 stdout\n" through a wasi:cli/stdout@0.3.0 stream, exactly as
;;      hello_stream.wat does: stream.new, write-via-stream(readable end),
;;      async stream.write (BLOCKED -> join + WAIT for STREAM_WRITE; a partial
;;      COMPLETED writes the rest again; DROPPED makes the result err),
;;      stream.drop-writable, async future.read of stdout's future (BLOCKED ->
;;      join + WAIT for FUTURE_READ), future.drop-readable, waitable-set.drop,
;;      task.return (ok, or err if stdout failed), EXIT.
;; A 0.2 sync call made from an async-lifted task is an ordinary sync lower
;; (canon_lower without opts.async_): the task is not blocked by it, the host
;; answers before it returns. The two interfaces write to the same host
;; stdout, in program order.
;; Any other event, index or code: `unreachable`.
;;
;; Expected: stdout is exactly "0.2 stdout\n0.3 stdout\n", exit code 0
;; (1 only if the 0.3 stdout refused the bytes). Nothing on stderr.
(component
  ;; --- WASI 0.2 ---
  ;; wasi:io/error@0.2.0: `resource error;`
  (type $error-t (instance
    (export "error" (type (sub resource)))
  ))
  (import "wasi:io/error@0.2.0" (instance $io-error-i (type $error-t)))
  (alias export $io-error-i "error" (type $io-error))

  ;; wasi:io/streams@0.2.0: `use error.{error}; resource output-stream;
  ;; variant stream-error { last-operation-failed(error), closed }
  ;; blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>;`
  (type $streams-t (instance
    (alias outer 1 $io-error (type $error-outer))
    (export "error" (type $error (eq $error-outer)))
    (export "output-stream" (type $out (sub resource)))
    (type $error-own (own $error))
    (type $stream-error-t (variant (case "last-operation-failed" $error-own) (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-t)))
    (type $out-b (borrow $out))
    (type $bytes (list u8))
    (type $write-r (result (error $stream-error)))
    (type $write-f (func (param "self" $out-b) (param "contents" $bytes) (result $write-r)))
    (export "[method]output-stream.blocking-write-and-flush" (func (type $write-f)))
  ))
  (import "wasi:io/streams@0.2.0" (instance $streams (type $streams-t)))
  (alias export $streams "output-stream" (type $output-stream))

  ;; wasi:cli/stdout@0.2.0: `use wasi:io/streams.{output-stream};
  ;; get-stdout: func() -> output-stream;`
  (type $stdout-p2-t (instance
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (type $out-own (own $out))
    (type $get-f (func (result $out-own)))
    (export "get-stdout" (func (type $get-f)))
  ))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout-p2 (type $stdout-p2-t)))

  ;; --- WASI 0.3 ---
  ;; wasi:clocks/monotonic-clock@0.3.0: `type mark = u64; now: func() -> mark;`
  (type $monotonic-clock-t (instance
    (type $u64 u64)
    (export "mark" (type $mark (eq $u64)))
    (export "now" (func (result $mark)))
  ))
  (import "wasi:clocks/monotonic-clock@0.3.0" (instance $monotonic-clock (type $monotonic-clock-t)))

  ;; wasi:random/random@0.3.0: `get-random-u64: func() -> u64;`
  (type $random-t (instance
    (export "get-random-u64" (func (result u64)))
  ))
  (import "wasi:random/random@0.3.0" (instance $random (type $random-t)))

  ;; wasi:cli/types@0.3.0: `enum error-code { io, illegal-byte-sequence, pipe }`
  (type $cli-types-t (instance
    (type $ec (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type (eq $ec)))
  ))
  (import "wasi:cli/types@0.3.0" (instance $cli-types (type $cli-types-t)))
  (alias export $cli-types "error-code" (type $error-code))

  ;; wasi:cli/stdout@0.3.0: `use types.{error-code};
  ;; write-via-stream: func(data: stream<u8>) -> future<result<_, error-code>>;`
  (type $stdout-t (instance
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (type $bytes (stream u8))
    (type $status (result (error $ec)))
    (type $done (future $status))
    (export "write-via-stream" (func (param "data" $bytes) (result $done)))
  ))
  (import "wasi:cli/stdout@0.3.0" (instance $stdout (type $stdout-t)))

  (core module $memory-module
    (memory (export "memory") 1)
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))

  (type $bytes (stream u8))
  (type $status (result (error $error-code)))
  (type $done (future $status))
  (type $run-result (result))

  ;; 0.2, sync
  (core func $get-stdout (canon lower (func $stdout-p2 "get-stdout")))
  (core instance $i-stdout-p2 (export "get-stdout" (func $get-stdout)))
  (core func $blocking-write-and-flush
    (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $memory)))
  (core func $output-drop (canon resource.drop $output-stream))
  (core instance $i-streams
    (export "[method]output-stream.blocking-write-and-flush" (func $blocking-write-and-flush))
    (export "[resource-drop]output-stream" (func $output-drop)))

  ;; 0.3, sync
  (core func $now (canon lower (func $monotonic-clock "now")))
  (core instance $i-monotonic-clock (export "now" (func $now)))
  (core func $get-random-u64 (canon lower (func $random "get-random-u64")))
  (core instance $i-random (export "get-random-u64" (func $get-random-u64)))
  (core func $write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core instance $i-stdout (export "write-via-stream" (func $write-via-stream)))

  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-write (canon stream.write $bytes async (memory $memory)))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $future-read (canon future.read $done async (memory $memory)))
  (core func $future-drop-readable (canon future.drop-readable $done))
  (core func $waitable-set-new (canon waitable-set.new))
  (core func $waitable-set-drop (canon waitable-set.drop))
  (core func $waitable-join (canon waitable.join))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "future.read" (func $future-read))
    (export "future.drop-readable" (func $future-drop-readable))
    (export "waitable-set.new" (func $waitable-set-new))
    (export "waitable-set.drop" (func $waitable-set-drop))
    (export "waitable.join" (func $waitable-join))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get-stdout (result i32)))
    ;; (self, contents ptr, contents len, retptr)
    (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
      (func $p2-write (param i32 i32 i32 i32)))
    (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func $p2-drop (param i32)))
    (import "wasi:clocks/monotonic-clock@0.3.0" "now" (func $now (result i64)))
    (import "wasi:random/random@0.3.0" "get-random-u64" (func $get-random-u64 (result i64)))
    (import "wasi:cli/stdout@0.3.0" "write-via-stream" (func $write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "future.read" (func $future-read (param i32 i32) (result i32)))
    (import "async" "future.drop-readable" (func $future-drop-readable (param i32)))
    (import "async" "waitable-set.new" (func $waitable-set-new (result i32)))
    (import "async" "waitable-set.drop" (func $waitable-set-drop (param i32)))
    (import "async" "waitable.join" (func $waitable-join (param i32 i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 128) "0.2 stdout\0a")  ;; 11 bytes
    (data (i32.const 256) "0.3 stdout\0a")  ;; 11 bytes
    (global $p2-msg i32 (i32.const 128))
    (global $p2-ret i32 (i32.const 384))    ;; blocking-write-and-flush's result (12 bytes, align 4)
    (global $msg i32 (i32.const 256))
    (global $len i32 (i32.const 11))
    ;; future.read's destination: result<_, error-code> (size 2, align 1)
    (global $status i32 (i32.const 512))

    (global $ws (mut i32) (i32.const 0))   ;; the task's waitable set
    (global $w (mut i32) (i32.const 0))    ;; writable end of the 0.3 stream
    (global $fut (mut i32) (i32.const 0))  ;; readable end of stdout's future
    (global $off (mut i32) (i32.const 0))  ;; bytes written so far
    (global $ok (mut i32) (i32.const 1))   ;; 0 once stdout dropped the stream

    (func (export "run") (result i32)
      (local $t1 i64) (local $out i32) (local $ends i64)
      (local.set $t1 (call $now))
      (drop (call $get-random-u64))

      ;; WASI 0.2
      (local.set $out (call $get-stdout))
      (call $p2-write (local.get $out) (global.get $p2-msg) (i32.const 11) (global.get $p2-ret))
      (if (i32.ne (i32.load8_u (global.get $p2-ret)) (i32.const 0 (; ok ;))) (then unreachable))
      (call $p2-drop (local.get $out))

      (if (i64.lt_u (call $now) (local.get $t1)) (then unreachable))

      ;; WASI 0.3
      (local.set $ends (call $stream-new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (global.set $fut (call $write-via-stream (i32.wrap_i64 (local.get $ends))))
      (global.set $ws (call $waitable-set-new))
      (call $pump))

    ;; one write's result (returned at once or as a STREAM_WRITE payload)
    (func $wrote (param $payload i32)
      (global.set $off (i32.add (global.get $off) (i32.shr_u (local.get $payload) (i32.const 4))))
      (block $known
        (br_if $known (i32.eq (i32.and (local.get $payload) (i32.const 0xf)) (i32.const 0 (; COMPLETED ;))))
        (if (i32.eq (i32.and (local.get $payload) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))
          (then (global.set $ok (i32.const 0)) (br $known)))
        unreachable)  ;; CANCELLED: we never cancel
      (if (i32.gt_u (global.get $off) (global.get $len)) (then unreachable)))

    ;; write what is left; returns the callback code
    (func $pump (result i32)
      (local $ret i32)
      (loop $more
        (if (i32.or (i32.eqz (global.get $ok)) (i32.eq (global.get $off) (global.get $len)))
          (then (return (call $finish-write))))
        (local.set $ret (call $stream-write (global.get $w)
          (i32.add (global.get $msg) (global.get $off))
          (i32.sub (global.get $len) (global.get $off))))
        (if (i32.eq (local.get $ret) (i32.const -1 (; BLOCKED ;)))
          (then
            (call $waitable-join (global.get $w) (global.get $ws))
            (return (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))))
        (call $wrote (local.get $ret))
        (br $more))
      unreachable)

    ;; the stream is done: end it, then wait for stdout's verdict
    (func $finish-write (result i32)
      (local $ret i32)
      (call $waitable-join (global.get $w) (i32.const 0))
      (call $stream-drop-writable (global.get $w))
      (global.set $w (i32.const 0))
      (local.set $ret (call $future-read (global.get $fut) (global.get $status)))
      (if (i32.eq (local.get $ret) (i32.const -1 (; BLOCKED ;)))
        (then
          (call $waitable-join (global.get $fut) (global.get $ws))
          (return (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))))
      (call $future-done (local.get $ret)))

    (func $future-done (param $payload i32) (result i32)
      (if (i32.ne (local.get $payload) (i32.const 0 (; COMPLETED ;))) (then unreachable))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;)))
        (then (global.set $ok (i32.const 0))))
      (call $waitable-join (global.get $fut) (i32.const 0))
      (call $future-drop-readable (global.get $fut))
      (global.set $fut (i32.const 0))
      (call $waitable-set-drop (global.get $ws))
      (global.set $ws (i32.const 0))
      ;; result: 0 = ok, 1 = err
      (call $task-return (i32.eqz (global.get $ok)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
      (if (i32.eq (local.get $event) (i32.const 3 (; STREAM_WRITE ;)))
        (then
          (if (i32.or (i32.eqz (global.get $w)) (i32.ne (local.get $index) (global.get $w)))
            (then unreachable))
          (call $wrote (local.get $payload))
          (return (call $pump))))
      (if (i32.eq (local.get $event) (i32.const 4 (; FUTURE_READ ;)))
        (then
          (if (i32.or (i32.eqz (global.get $fut)) (i32.ne (local.get $index) (global.get $fut)))
            (then unreachable))
          (return (call $future-done (local.get $payload)))))
      unreachable)
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "wasi:cli/stdout@0.2.0" (instance $i-stdout-p2))
    (with "wasi:io/streams@0.2.0" (instance $i-streams))
    (with "wasi:clocks/monotonic-clock@0.3.0" (instance $i-monotonic-clock))
    (with "wasi:random/random@0.3.0" (instance $i-random))
    (with "wasi:cli/stdout@0.3.0" (instance $i-stdout))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

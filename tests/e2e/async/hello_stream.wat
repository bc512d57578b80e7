;; hello_stream: a WASI 0.3 command that prints through a stream<u8>, driven
;; by the async ABI's callback loop.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`):
;;   1. stream.new -> i64 (readable | writable << 32).
;;   2. wasi:cli/stdout@0.3.0#write-via-stream(readable), lowered sync: the
;;      readable end moves to the host (lift_stream: it must be IDLE and in no
;;      waitable set) and the call returns the readable end of a
;;      future<result<_, error-code>> that resolves once the stream has ended.
;;   3. stream.write (async, memory) of "hello from a stream\n" (20 bytes).
;;      BLOCKED (0xffffffff): join the writable end to the waitable set and
;;      return CallbackCode.WAIT | set << 4; the STREAM_WRITE event's payload
;;      is result | count << 4. Immediate or evented, a COMPLETED with fewer
;;      than the remaining bytes writes the rest again; DROPPED (the host
;;      dropped the readable end) stops writing and makes the result err.
;;   4. When the write is done: stream.drop-writable (this ends the stream,
;;      which is what resolves the future; reading the future before this
;;      would wait forever), then future.read (async, into memory: result<_,
;;      error-code> is 2 bytes, discriminant then enum). BLOCKED: join the
;;      future, return WAIT; the FUTURE_READ event's payload is COMPLETED (a
;;      future reader never sees DROPPED: futures must be written).
;;   5. future.drop-readable, waitable-set.drop (now empty), task.return ok
;;      (err if stdout dropped the stream or the future holds an error), EXIT.
;; Each end leaves the set (waitable.join(end, 0)) before it is dropped: the
;; spec's drop does that too (Waitable.drop joins None), but some runtimes
;; (jco 1.35) then still count it in the set and refuse waitable-set.drop.
;; Any other event, index or code is a bug in the runtime: `unreachable`.
;;
;; Expected: stdout is exactly "hello from a stream\n", exit code 0 (1 only
;; if the host's stdout refused the bytes).
(component
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

    (data (i32.const 256) "hello from a stream\0a")
    (global $msg i32 (i32.const 256))
    (global $len i32 (i32.const 20))
    ;; future.read's destination: result<_, error-code> (size 2, align 1)
    (global $status i32 (i32.const 512))

    (global $ws (mut i32) (i32.const 0))   ;; the task's waitable set
    (global $w (mut i32) (i32.const 0))    ;; writable end of the stream
    (global $fut (mut i32) (i32.const 0))  ;; readable end of stdout's future
    (global $off (mut i32) (i32.const 0))  ;; bytes written so far
    (global $ok (mut i32) (i32.const 1))   ;; 0 once stdout dropped the stream

    (func (export "run") (result i32)
      (local $ends i64)
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
      ;; leave the set first: drop would also do it (Waitable.drop joins None),
      ;; but an explicit leave does not lean on that
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
    (with "wasi:cli/stdout@0.3.0" (instance $i-stdout))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

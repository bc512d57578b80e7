;; sync_stream_write: a WASI 0.3 command that prints through a stdout stream
;; with the synchronous (non-async) stream.write and future.read.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`):
;;   1. stream.new -> (r, w); wasi:cli/stdout@0.3.0#write-via-stream(r),
;;      lowered sync: r moves to the host, the call returns stdout's
;;      future<result<_, error-code>>.
;;   2. stream.write(w, "sync write\n", 11) WITHOUT the async option. In
;;      stream_copy, a sync copy that has no event yet waits for one
;;      (`if not opts.async_: e.wait_for_pending_event()`), then returns the
;;      event's payload, result | progress << 4. The host's end takes every
;;      byte at once, so it must return COMPLETED with 11: 0 | 11 << 4 = 176
;;      (anything else: `unreachable`). w is in no waitable set, as a sync
;;      copy requires (trap_if(e.in_waitable_set() and not opts.async_)).
;;   3. stream.drop-writable(w): the stream ends, which resolves the future.
;;   4. future.read(fut, 512) WITHOUT the async option: the host has the
;;      value, so it returns COMPLETED (0) (future_copy returns the bare
;;      CopyResult) with result<_, error-code> stored at 512; its
;;      discriminant must be 0 (ok). Anything else: `unreachable`.
;;   5. future.drop-readable, task.return ok, EXIT. The callback is never
;;      called (run returns EXIT): if it is, `unreachable`.
;; Nothing here waits: wasm-rr has no stack switching, so a sync copy that
;; could not complete at once would be a "deadlock:" trap, but the host's
;; ends (stdout, and stdout's future once the stream ended) answer at once.
;;
;; Expected: stdout is exactly "sync write\n", exit code 0.
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
  ;; no `async`: synchronous copies
  (core func $stream-write (canon stream.write $bytes (memory $memory)))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $future-read (canon future.read $done (memory $memory)))
  (core func $future-drop-readable (canon future.drop-readable $done))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "future.read" (func $future-read))
    (export "future.drop-readable" (func $future-drop-readable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/stdout@0.3.0" "write-via-stream" (func $write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "future.read" (func $future-read (param i32 i32) (result i32)))
    (import "async" "future.drop-readable" (func $future-drop-readable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 256) "sync write\0a")  ;; 11 bytes
    ;; future.read's destination: result<_, error-code> (size 2, align 1)
    (global $status i32 (i32.const 512))

    (func (export "run") (result i32)
      (local $ends i64) (local $w i32) (local $fut i32)
      (local.set $ends (call $stream-new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $fut (call $write-via-stream (i32.wrap_i64 (local.get $ends))))
      ;; COMPLETED (0) | 11 bytes << 4
      (if (i32.ne (call $stream-write (local.get $w) (i32.const 256) (i32.const 11))
                  (i32.const 176))
        (then unreachable))
      (call $stream-drop-writable (local.get $w))
      (if (i32.ne (call $future-read (local.get $fut) (global.get $status))
                  (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;)))
        (then unreachable))
      (call $future-drop-readable (local.get $fut))
      (call $task-return (i32.const 0 (; ok ;)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param i32 i32 i32) (result i32)
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

;; trap_sync_read_internal: a synchronous (non-async) stream.read of a stream
;; whose writable end is this same component's, with nothing written.
;;
;; run: stream.new -> (r, w); stream.read(r, 256, 4) WITHOUT the async
;; option. Nobody has written to w, so the shared stream parks the read as
;; pending and the readable end has no event; stream_copy then does
;;     if not opts.async_: e.wait_for_pending_event()
;; i.e. the task's thread waits for a write. The only writer is this task,
;; which is the one waiting, so in the reference the wait never ends (no
;; trap_if, the store stops making progress). wasm-rr runs one host thread
;; without stack switching (runtime/async_builtins.cpp, wait_sync): a sync
;; copy that cannot complete at once, whose other end is not the host's,
;; traps with a message that starts "deadlock: a synchronous".
;; w is kept (not dropped): dropping it would make the read return DROPPED at
;; once instead.
;; If the runtime does not trap, the component calls exit-with-code(1) (and,
;; should that return, task.return err and EXIT): exit 1 means the wait was
;; not caught.
;; Expected: the run ends in a trap (wasm-rr exit 134, EXIT_GUEST_TRAP) whose
;; message starts "deadlock: a synchronous", with nothing on stdout.
(component
  ;; wasi:cli/exit@0.3.0: `exit-with-code: func(status-code: u8);` (the
  ;; fallback when the runtime does not trap)
  (type $exit-t (instance
    (export "exit-with-code" (func (param "status-code" u8)))
  ))
  (import "wasi:cli/exit@0.3.0" (instance $exit (type $exit-t)))

  (core module $memory-module
    (memory (export "memory") 1)
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))

  (core func $exit-with-code (canon lower (func $exit "exit-with-code")))
  (core instance $i-exit (export "exit-with-code" (func $exit-with-code)))

  (type $bytes (stream u8))
  (type $run-result (result))
  (core func $stream-new (canon stream.new $bytes))
  ;; no `async`: a synchronous read
  (core func $stream-read (canon stream.read $bytes (memory $memory)))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (func (export "run") (result i32)
      (local $r i32)
      (local.set $r (i32.wrap_i64 (call $stream-new)))
      ;; the misuse: must trap (deadlock)
      (drop (call $stream-read (local.get $r) (i32.const 256) (i32.const 4)))
      ;; not reached on wasm-rr
      (call $exit-with-code (i32.const 1))
      (call $task-return (i32.const 1 (; err ;)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param i32 i32 i32) (result i32)
      ;; run never asks for a callback
      (call $exit-with-code (i32.const 2))
      unreachable)
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "wasi:cli/exit@0.3.0" (instance $i-exit))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

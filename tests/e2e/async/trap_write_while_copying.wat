;; trap_write_while_copying: a second stream.write on a writable end whose
;; first write is still in progress.
;;
;; run: stream.new -> (r, w); stream.write(w, "ping", 4) (async, memory).
;; Nobody ever reads r (it stays in this component, unread), so the shared
;; stream parks the write as pending and the call returns BLOCKED
;; (0xffffffff), leaving w in CopyState.COPYING. (Not BLOCKED: exit 2.) The
;; second stream.write(w, ...) then hits stream_copy's
;;     trap_if(e.state != CopyState.IDLE)
;; (definitions.py, stream_copy). One copy at a time per end; the first must
;; finish (event) or be cancelled before another may start.
;; If the runtime does not trap, the component calls exit-with-code(1) (and,
;; should that return, task.return err and EXIT): exit 1 means the rule was
;; not enforced. Exit 2 means a precondition of the test itself failed.
;; Expected: the run ends in a trap (wasm-rr exit 134, EXIT_GUEST_TRAP), with
;; nothing on stdout.
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
  (core func $stream-write (canon stream.write $bytes async (memory $memory)))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.write" (func $stream-write))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 256) "ping")

    (func (export "run") (result i32)
      (local $w i32)
      (local.set $w (i32.wrap_i64 (i64.shr_u (call $stream-new) (i64.const 32))))
      (if (i32.ne (call $stream-write (local.get $w) (i32.const 256) (i32.const 4))
                  (i32.const -1 (; BLOCKED ;)))
        (then
          (call $exit-with-code (i32.const 2))
          (call $task-return (i32.const 1 (; err ;)))
          (return (i32.const 0 (; EXIT ;)))))
      ;; the misuse: must trap
      (drop (call $stream-write (local.get $w) (i32.const 256) (i32.const 4)))
      ;; not reached on a conforming runtime
      (call $exit-with-code (i32.const 1))
      (call $task-return (i32.const 1 (; err ;)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param i32 i32 i32) (result i32)
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

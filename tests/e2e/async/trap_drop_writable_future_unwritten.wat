;; trap_drop_writable_future_unwritten: future.drop-writable before the
;; future was written.
;;
;; run: future.new -> (r, w) for a future<u8>; future.drop-writable(w) at
;; once. A writable future end starts IDLE and only becomes DONE once a
;; future.write completed (or found the reader gone), so
;; WritableFutureEnd.drop's
;;     trap_if(self.state != CopyState.DONE)
;; (definitions.py, class WritableFutureEnd) fires. A future must be written
;; before its writer goes away (the reader is promised a value).
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

  (type $cell (future u8))
  (type $run-result (result))
  (core func $future-new (canon future.new $cell))
  (core func $future-drop-writable (canon future.drop-writable $cell))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "future.new" (func $future-new))
    (export "future.drop-writable" (func $future-drop-writable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "future.new" (func $future-new (result i64)))
    (import "async" "future.drop-writable" (func $future-drop-writable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (func (export "run") (result i32)
      (local $w i32)
      (local.set $w (i32.wrap_i64 (i64.shr_u (call $future-new) (i64.const 32))))
      ;; the misuse: must trap
      (call $future-drop-writable (local.get $w))
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

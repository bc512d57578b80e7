;; trap_read_dropped: stream.read on a readable end that was already dropped.
;;
;; run: stream.new -> (r, w); stream.drop-readable(r); stream.read(r, 0, 4)
;; (async, memory). Dropping removed r from the instance's handle table
;; (drop: `e = inst.handles.remove(hi)`), and nothing was added since, so the
;; slot is still empty: stream_copy's `e = thread.task.inst.handles.get(i)`
;; hits Table.get's
;;     trap_if(self.array[i] is None)
;; (definitions.py, class Table). The index is no longer valid.
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
  (core func $stream-read (canon stream.read $bytes async (memory $memory)))
  (core func $stream-drop-readable (canon stream.drop-readable $bytes))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "stream.drop-readable" (func $stream-drop-readable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-readable" (func $stream-drop-readable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (func (export "run") (result i32)
      (local $r i32)
      (local.set $r (i32.wrap_i64 (call $stream-new)))
      (call $stream-drop-readable (local.get $r))
      ;; the misuse: must trap
      (drop (call $stream-read (local.get $r) (i32.const 256) (i32.const 4)))
      ;; not reached on a conforming runtime
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

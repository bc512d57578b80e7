;; trap_deadlock: the callback loop is told to WAIT on a waitable set that
;; has no members, so no event can ever come.
;;
;; run: waitable-set.new -> s (empty), then returns CallbackCode.WAIT | s << 4.
;; canon_lift's loop then does wset.wait_for_event_and(...), i.e. the task's
;; thread waits until a member of s has a pending event. s has none and never
;; will (nothing is joined, nothing else runs), so in the reference the wait
;; never ends: there is no trap_if for it, the store just never makes
;; progress. wasm-rr runs one host thread without stack switching
;; (runtime/tasks.h, wait_for_event): a wait that nothing can end is a trap
;; whose message starts "deadlock:", rather than a hang.
;; If the runtime does not trap and does call the callback (with any event),
;; the callback calls exit-with-code(1) (and, should that return, task.return
;; err and EXIT): exit 1 means the wait was not caught.
;; Expected: the run ends in a trap (wasm-rr exit 134, EXIT_GUEST_TRAP) whose
;; message says "deadlock", with nothing on stdout.
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

  (type $run-result (result))
  (core func $waitable-set-new (canon waitable-set.new))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "waitable-set.new" (func $waitable-set-new))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "waitable-set.new" (func $waitable-set-new (result i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (func (export "run") (result i32)
      ;; the misuse: WAIT on an empty set must trap (deadlock)
      (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (call $waitable-set-new) (i32.const 4))))

    (func (export "cb") (param i32 i32 i32) (result i32)
      ;; not reached on wasm-rr: no event can come from an empty set
      (call $exit-with-code (i32.const 1))
      (call $task-return (i32.const 1 (; err ;)))
      (i32.const 0 (; EXIT ;)))
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

;; trap_join_waitable_set: waitable-set.drop of a set that still has a
;; member joined to it.
;;
;; run: waitable-set.new -> s; stream.new -> (r, w); waitable.join(r, s)
;; (legal: r is an idle readable end); waitable-set.drop(s). The set still
;; holds r, so WaitableSet.drop's
;;     trap_if(len(self.elems) > 0)
;; (definitions.py, class WaitableSet; reached from canon_waitable_set_drop)
;; fires. Members must leave first (waitable.join(r, 0) or dropping r).
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
  (core func $waitable-set-new (canon waitable-set.new))
  (core func $waitable-set-drop (canon waitable-set.drop))
  (core func $waitable-join (canon waitable.join))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "waitable-set.new" (func $waitable-set-new))
    (export "waitable-set.drop" (func $waitable-set-drop))
    (export "waitable.join" (func $waitable-join))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "waitable-set.new" (func $waitable-set-new (result i32)))
    (import "async" "waitable-set.drop" (func $waitable-set-drop (param i32)))
    (import "async" "waitable.join" (func $waitable-join (param i32 i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (func (export "run") (result i32)
      (local $s i32) (local $r i32)
      (local.set $s (call $waitable-set-new))
      (local.set $r (i32.wrap_i64 (call $stream-new)))
      (call $waitable-join (local.get $r) (local.get $s))
      ;; the misuse: must trap
      (call $waitable-set-drop (local.get $s))
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

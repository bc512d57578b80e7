;; stackful_run: a WASI 0.3 command whose run is lifted `async` WITHOUT a
;; callback (the stackful form of an async lift).
;;
;; canon_lift with opts.async_ and no opts.callback calls the core function
;; once and takes its (empty) results:
;;     if not opts.callback:
;;       [] = call_and_trap_on_throw(callee, flat_args)
;;       assert(types_match_values(flat_ft.results, []))
;; so the core function's type is () -> () (flatten_functype: an async lift
;; without callback has no core results), and the task's result comes from
;; task.return alone.
;; run: wasi:clocks/monotonic-clock@0.3.0#now (lowered sync; its value is
;; not used, the call shows a host import works from a stackful task and is
;; recorded), then task.return(ok), then returns. It never blocks, which is
;; all wasm-rr supports of the stackful form (no stack switching: tasks.h).
;; Returning without task.return would trap (Task.exit_implicit_thread /
;; unregister_thread: trap_if(self.state != Task.State.RESOLVED)).
;;
;; Expected: exit code 0, nothing on stdout or stderr.
(component
  ;; wasi:clocks/monotonic-clock@0.3.0: `type mark = u64; now: func() -> mark;`
  (type $monotonic-clock-t (instance
    (type $u64 u64)
    (export "mark" (type $mark (eq $u64)))
    (export "now" (func (result $mark)))
  ))
  (import "wasi:clocks/monotonic-clock@0.3.0" (instance $monotonic-clock (type $monotonic-clock-t)))

  (core func $now (canon lower (func $monotonic-clock "now")))
  (core instance $i-monotonic-clock (export "now" (func $now)))

  ;; task.return's options must equal the lift's (none here: no memory, utf8)
  (type $run-result (result))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "wasi:clocks/monotonic-clock@0.3.0" "now" (func $now (result i64)))
    ;; task.return for `result` (no payload): one i32, the discriminant (0 = ok)
    (import "async" "task.return" (func $task-return (param i32)))

    ;; stackful: () -> (), no callback code
    (func (export "run")
      (drop (call $now))
      (call $task-return (i32.const 0 (; ok ;))))
  )
  (core instance $main (instantiate $main-module
    (with "wasi:clocks/monotonic-clock@0.3.0" (instance $i-monotonic-clock))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

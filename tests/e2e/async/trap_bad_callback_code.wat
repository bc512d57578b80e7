;; trap_bad_callback_code: the callback returns CallbackCode 3, which does
;; not exist (EXIT=0, YIELD=1, WAIT=2, MAX=2).
;;
;; run returns YIELD (1), so the runtime calls the callback with (NONE, 0, 0)
;; (another event: exit 2). The callback returns 3 (no waitable set bits),
;; and canon_lift's loop unpacks it with unpack_callback_result:
;;     trap_if(code > CallbackCode.MAX)
;; (definitions.py, unpack_callback_result). The task never calls
;; task.return, so the bad code is the only thing wrong. Should the callback
;; be called again anyway, it calls exit-with-code(1).
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

  (type $run-result (result))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (global $calls (mut i32) (i32.const 0))

    (func (export "run") (result i32)
      (i32.const 1 (; YIELD ;)))

    (func (export "cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (if (i32.gt_u (global.get $calls) (i32.const 1))
        (then
          ;; the runtime accepted code 3 and went on
          (call $exit-with-code (i32.const 1))
          (call $task-return (i32.const 1 (; err ;)))
          (return (i32.const 0 (; EXIT ;)))))
      (if (i32.or (i32.ne (local.get $event) (i32.const 0 (; NONE ;)))
                  (i32.or (local.get $index) (local.get $payload)))
        (then
          (call $exit-with-code (i32.const 2))
          (call $task-return (i32.const 1 (; err ;)))
          (return (i32.const 0 (; EXIT ;)))))
      ;; the misuse: must trap
      (i32.const 3))
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

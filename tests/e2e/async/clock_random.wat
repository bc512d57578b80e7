;; clock_random: a WASI 0.3 command whose exit code depends on the clock and
;; on randomness, exported through the async ABI (callback form).
;;
;; wasi:cli/run@0.3.0#run is lifted `async (callback $cb)`:
;;   run (first call):  reads wasi:clocks/monotonic-clock@0.3.0#now (t1) and
;;                      wasi:random/random@0.3.0#get-random-u64 (r), keeps
;;                      them in a state block at 1024 whose address it stores
;;                      with context.set (i32, slot 0), and returns
;;                      CallbackCode.YIELD (1), so the runtime calls $cb.
;;   cb (NONE event):   checks the event is (EventCode.NONE=0, 0, 0) and that
;;                      context.get gives back the state address (else
;;                      `unreachable`), reads `now` again (t2; traps if t2 < t1,
;;                      the clock is monotonic), and calls
;;                      wasi:cli/exit@0.3.0#exit-with-code with
;;                          code = ((r XOR (t2 - t1)) & 0x3f) + 1
;;   exit-with-code does not return. If it did, the callback goes on with
;;   task.return (ok) and CallbackCode.EXIT, which would end the run with 0.
;;
;; Expected: exit code in 1..64 (never 0: 0 would mean exit-with-code
;; returned). The code differs from run to run (random, clock), so it is
;; deterministic only under replay: a replay, even in a different world
;; (other seed, other clock), must end with the recorded code. The callback
;; and context.get/set prove the task's state survives the first call.
;; Nothing is written to stdout or stderr. A trap (exit 134) means the
;; runtime broke the callback protocol (wrong event, lost context) or the
;; clock went backwards.
(component
  ;; wasi:clocks/monotonic-clock@0.3.0: `type mark = u64; now: func() -> mark;`
  (type $monotonic-clock-t (instance
    (type $u64 u64)
    (export "mark" (type $mark (eq $u64)))
    (export "now" (func (result $mark)))
  ))
  (import "wasi:clocks/monotonic-clock@0.3.0" (instance $monotonic-clock (type $monotonic-clock-t)))

  ;; wasi:random/random@0.3.0: `get-random-u64: func() -> u64;`
  (type $random-t (instance
    (export "get-random-u64" (func (result u64)))
  ))
  (import "wasi:random/random@0.3.0" (instance $random (type $random-t)))

  ;; wasi:cli/exit@0.3.0: `exit-with-code: func(status-code: u8);`
  (type $exit-t (instance
    (export "exit-with-code" (func (param "status-code" u8)))
  ))
  (import "wasi:cli/exit@0.3.0" (instance $exit (type $exit-t)))

  (core module $memory-module
    (memory (export "memory") 1)
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))

  ;; host functions, lowered sync
  (core func $now (canon lower (func $monotonic-clock "now")))
  (core func $get-random-u64 (canon lower (func $random "get-random-u64")))
  (core func $exit-with-code (canon lower (func $exit "exit-with-code")))
  (core instance $i-monotonic-clock (export "now" (func $now)))
  (core instance $i-random (export "get-random-u64" (func $get-random-u64)))
  (core instance $i-exit (export "exit-with-code" (func $exit-with-code)))

  ;; async built-ins. task.return's options must equal the lift's (no memory,
  ;; utf8): CanonicalABI canon_task_return, trap_if(not LiftOptions.equal(...)).
  (type $run-result (result))
  (core func $task-return (canon task.return (result $run-result)))
  (core func $context-get (canon context.get i32 0))
  (core func $context-set (canon context.set i32 0))
  (core instance $i-async
    (export "task.return" (func $task-return))
    (export "context.get" (func $context-get))
    (export "context.set" (func $context-set)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:clocks/monotonic-clock@0.3.0" "now" (func $now (result i64)))
    (import "wasi:random/random@0.3.0" "get-random-u64" (func $get-random-u64 (result i64)))
    (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit-with-code (param i32)))
    ;; task.return for `result` (no payload): one i32, the discriminant (0 = ok)
    (import "async" "task.return" (func $task-return (param i32)))
    (import "async" "context.get" (func $context-get (result i32)))
    (import "async" "context.set" (func $context-set (param i32)))

    ;; state block: +0 t1 (i64), +8 random (i64)
    (global $state i32 (i32.const 1024))

    (func (export "run") (result i32)
      (i64.store offset=0 (global.get $state) (call $now))
      (i64.store offset=8 (global.get $state) (call $get-random-u64))
      (call $context-set (global.get $state))
      (i32.const 1 (; CallbackCode.YIELD ;)))

    (func (export "cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
      (local $p i32) (local $t1 i64) (local $t2 i64) (local $r i64)
      ;; after YIELD the callback gets (EventCode.NONE, 0, 0)
      (if (i32.ne (local.get $event) (i32.const 0 (; EventCode.NONE ;))) (then unreachable))
      (if (i32.ne (local.get $index) (i32.const 0)) (then unreachable))
      (if (i32.ne (local.get $payload) (i32.const 0)) (then unreachable))
      (local.set $p (call $context-get))
      (if (i32.ne (local.get $p) (global.get $state)) (then unreachable))
      (local.set $t1 (i64.load offset=0 (local.get $p)))
      (local.set $r (i64.load offset=8 (local.get $p)))
      (local.set $t2 (call $now))
      (if (i64.lt_u (local.get $t2) (local.get $t1)) (then unreachable))
      (call $exit-with-code
        (i32.add
          (i32.wrap_i64
            (i64.and
              (i64.xor (local.get $r) (i64.sub (local.get $t2) (local.get $t1)))
              (i64.const 0x3f)))
          (i32.const 1)))
      ;; not reached: exit-with-code does not return
      (call $task-return (i32.const 0 (; ok ;)))
      (i32.const 0 (; CallbackCode.EXIT ;)))
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "wasi:clocks/monotonic-clock@0.3.0" (instance $i-monotonic-clock))
    (with "wasi:random/random@0.3.0" (instance $i-random))
    (with "wasi:cli/exit@0.3.0" (instance $i-exit))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

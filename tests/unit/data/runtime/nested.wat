;; A nested component, instantiated with a host function as its argument,
;; re-exported through an inline instance as wasi:cli/run.
(component
  (import "test:host/log@0.2.0" (instance $host
    (export "log" (func (param "msg" string)))))
  (alias export $host "log" (func $log))
  (component $Inner
    (import "log" (func $log (param "msg" string)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $memory))
    (core func $log_lowered (canon lower (func $log) (memory $memory)))
    (core module $M
      (import "env" "mem" (memory 1))
      (import "env" "log" (func $log (param i32 i32)))
      (data (i32.const 16) "hello from a nested component")
      (func (export "run") (result i32)
        (call $log (i32.const 16) (i32.const 29))
        (i32.const 0)))
    (core instance $env (export "mem" (memory $memory)) (export "log" (func $log_lowered)))
    (core instance $m (instantiate $M (with "env" (instance $env))))
    (func $run (result (result)) (canon lift (core func $m "run")))
    (export "run" (func $run)))
  (instance $inner (instantiate $Inner (with "log" (func $log))))
  (alias export $inner "run" (func $run))
  (instance $run_inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run_inst)))

;; For engine_debugger_test: a loop that calls the host each time round,
;; with a callee to step into and over.
(module
  (import "host" "tick" (func $tick (param i32)))
  (func $square (param $x i32) (result i32)
    local.get $x
    local.get $x
    i32.mul)
  (func $run (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $again
        local.get $i
        local.get $n
        i32.ge_s
        br_if $done
        local.get $i
        call $tick
        local.get $sum
        local.get $i
        call $square
        i32.add
        local.set $sum
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $again))
    local.get $sum))

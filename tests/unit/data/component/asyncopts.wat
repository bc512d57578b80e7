;; The async canonical options (0x06 async, 0x07 callback). Parsing only: this
;; component does not validate (its function types are not async).
(component
  (import "f" (func $f (param "s" string)))
  (core module $m
    (memory (export "memory") 1)
    (func (export "run") (result i32) i32.const 0)
    (func (export "cb") (param i32 i32 i32) (result i32) i32.const 0)
  )
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "run" (core func $run))
  (alias core export $i "cb" (core func $cb))
  (core func (canon lower (func $f) async (memory $memory)))
  (func (canon lift (core func $run) async (callback $cb)))
)

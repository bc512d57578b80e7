;; Uses the tail-call proposal, which SpiderMonkey 102 lacks. The first body
;; hides 0x12 (return_call's opcode) in immediates before its real
;; return_call_indirect, so a scanner that mis-skips an immediate misnames it.
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (memory 1)
  (func $f (export "f") (param i32) (result i32)
    (drop (v128.const i32x4 0x12121212 0x12 0x12 0x12))
    (drop (i32.const 0x12))
    (drop (i64.const 0x1212))
    (drop (f32.const 0x1.24p+0))
    (memory.fill (i32.const 0x12) (i32.const 0x12) (i32.const 0x12))
    (block (br_table 0 0 (i32.const 0x12)))
    (drop (i32.load offset=0x12 (i32.const 0)))
    (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func $loop (export "loop") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0x12))
      (else (return_call $loop (i32.sub (local.get 0) (i32.const 1)))))))

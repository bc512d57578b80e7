;; A start definition with value imports and exports (the 🪙 value feature).
(component
  (import "f" (func $f (param "x" u32) (result u32)))
  (import "v" (value $v u32))
  (start $f (value $v) (result (value $r)))
  (export "r" (value $r))
)

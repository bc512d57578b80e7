;; Import and export names beyond ASCII.
(module
  (import "mödule" "ñame" (func $f (result i32)))
  (func (export "ünïcode→") (result i32) (call $f)))

;; A WASI 0.2 command declaring wasi:io/streams' stream-error with its cases
;; in another order (closed first): by position it would mis-read every error.
;; Assembled by `jco parse` at build time (tests/e2e/typecheck.cmake); the
;; layout follows tests/e2e/robustness/handle_misuse.wat. If it ran, the
;; guest would write "guest started" to its stdout first: wasm-rr must refuse
;; it at load (exit 125), naming the declared and the implemented type.
(component
  (type $error-t (instance
    (export "error" (type (sub resource)))
  ))
  (import "wasi:io/error@0.2.0" (instance $error (type $error-t)))
  (alias export $error "error" (type $io-error))

  (type $streams-t (instance
    (alias outer 1 $io-error (type $error-outer))
    (export "error" (type $error (eq $error-outer)))
    (export "output-stream" (type $out (sub resource)))
    (type $error-own (own $error))
    (type $stream-error-t (variant (case "closed") (case "last-operation-failed" $error-own)))
    (export "stream-error" (type $stream-error (eq $stream-error-t)))
    (type $out-b (borrow $out))
    (type $bytes (list u8))
    (type $write-r (result (error $stream-error)))
    (type $write-f (func (param "self" $out-b) (param "contents" $bytes) (result $write-r)))
    (export "[method]output-stream.blocking-write-and-flush" (func (type $write-f)))
  ))
  (import "wasi:io/streams@0.2.0" (instance $streams (type $streams-t)))
  (alias export $streams "output-stream" (type $output-stream))

  (type $stdout-t (instance
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (type $out-own (own $out))
    (type $get-f (func (result $out-own)))
    (export "get-stdout" (func (type $get-f)))
  ))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout (type $stdout-t)))

  (core module $memory-module
    (memory (export "memory") 1)
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))

  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core instance $i-stdout (export "get-stdout" (func $get-stdout)))
  (core func $blocking-write-and-flush
    (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $memory)))
  (core instance $i-streams
    (export "[method]output-stream.blocking-write-and-flush" (func $blocking-write-and-flush)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
      (func $write (param i32 i32 i32 i32)))
    (data (i32.const 512) "guest started\0a")
    (func (export "run") (result i32)
      (call $write (call $get-stdout) (i32.const 512) (i32.const 14) (i32.const 768))
      (i32.const 0))
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "wasi:cli/stdout@0.2.0" (instance $i-stdout))
    (with "wasi:io/streams@0.2.0" (instance $i-streams))))

  (type $run-result (result))
  (type $run-f (func (result $run-result)))
  (func $run (type $run-f) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance))
)

;; A WASI 0.2 command that misuses a wasi:io/streams handle; the number of
;; arguments picks how (argc counts argv[0]):
;;   1: write to handle 999, which it was never given
;;   2: drop its stdout handle twice
;;   3: pass its stdout (an output-stream) where an input-stream is expected
;;   4: write to its stdout handle after dropping it
;; Each must end the run as a trap (exit 134) whose message names the handle.
;; Before that it writes one line through its real stdout handle, so the test
;; also sees that the run got that far. Assembled by `jco parse` at build time
;; (tests/e2e/robustness.cmake); the layout follows tests/guests/sockets.
(component
  (type $error-t (instance
    (export "error" (type (sub resource)))
  ))
  (import "wasi:io/error@0.2.0" (instance $error (type $error-t)))
  (alias export $error "error" (type $io-error))

  (type $streams-t (instance
    (alias outer 1 $io-error (type $error-outer))
    (export "error" (type $error (eq $error-outer)))
    (export "input-stream" (type $in (sub resource)))
    (export "output-stream" (type $out (sub resource)))
    (type $error-own (own $error))
    (type $stream-error-t (variant (case "last-operation-failed" $error-own) (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-t)))
    (type $in-b (borrow $in))
    (type $out-b (borrow $out))
    (type $bytes (list u8))
    (type $read-r (result $bytes (error $stream-error)))
    (type $read-f (func (param "self" $in-b) (param "len" u64) (result $read-r)))
    (export "[method]input-stream.blocking-read" (func (type $read-f)))
    (type $write-r (result (error $stream-error)))
    (type $write-f (func (param "self" $out-b) (param "contents" $bytes) (result $write-r)))
    (export "[method]output-stream.blocking-write-and-flush" (func (type $write-f)))
  ))
  (import "wasi:io/streams@0.2.0" (instance $streams (type $streams-t)))
  (alias export $streams "output-stream" (type $output-stream))

  (type $environment-t (instance
    (type $strings (list string))
    (type $args-f (func (result $strings)))
    (export "get-arguments" (func (type $args-f)))
  ))
  (import "wasi:cli/environment@0.2.0" (instance $environment (type $environment-t)))

  (type $stdout-t (instance
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (type $out-own (own $out))
    (type $get-f (func (result $out-own)))
    (export "get-stdout" (func (type $get-f)))
  ))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout (type $stdout-t)))

  ;; Memory and a bump allocator, in a module of their own so that the lowered
  ;; imports can name the memory before the main module is instantiated.
  (core module $memory-module
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 4096))
    (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $next) (i32.const 65536)) (then unreachable))
      (local.get $p))
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "cabi_realloc" (core func $cabi-realloc))

  (core func $get-arguments (canon lower (func $environment "get-arguments") (memory $memory) (realloc $cabi-realloc)))
  (core instance $i-environment (export "get-arguments" (func $get-arguments)))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core instance $i-stdout (export "get-stdout" (func $get-stdout)))
  (core func $blocking-read
    (canon lower (func $streams "[method]input-stream.blocking-read") (memory $memory) (realloc $cabi-realloc)))
  (core func $blocking-write-and-flush
    (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $memory)))
  (core func $output-drop (canon resource.drop $output-stream))
  (core instance $i-streams
    (export "[method]input-stream.blocking-read" (func $blocking-read))
    (export "[method]output-stream.blocking-write-and-flush" (func $blocking-write-and-flush))
    (export "[resource-drop]output-stream" (func $output-drop)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "wasi:cli/environment@0.2.0" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi:io/streams@0.2.0" "[method]input-stream.blocking-read" (func $read (param i32 i64 i32)))
    (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
      (func $write (param i32 i32 i32 i32)))
    (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func $drop (param i32)))
    (data (i32.const 512) "about to misuse a handle\0a")
    (func (export "run") (result i32)
      (local $argc i32) (local $out i32)
      (call $get-arguments (i32.const 256))
      (local.set $argc (i32.load (i32.const 260)))
      (local.set $out (call $get-stdout))
      (call $write (local.get $out) (i32.const 512) (i32.const 25) (i32.const 768))
      (if (i32.eq (local.get $argc) (i32.const 1))
        (then (call $write (i32.const 999) (i32.const 512) (i32.const 25) (i32.const 768))))
      (if (i32.eq (local.get $argc) (i32.const 2))
        (then (call $drop (local.get $out)) (call $drop (local.get $out))))
      (if (i32.eq (local.get $argc) (i32.const 3))
        (then (call $read (local.get $out) (i64.const 16) (i32.const 768))))
      (if (i32.eq (local.get $argc) (i32.const 4))
        (then (call $drop (local.get $out))
              (call $write (local.get $out) (i32.const 512) (i32.const 25) (i32.const 768))))
      (i32.const 0))
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "wasi:cli/environment@0.2.0" (instance $i-environment))
    (with "wasi:cli/stdout@0.2.0" (instance $i-stdout))
    (with "wasi:io/streams@0.2.0" (instance $i-streams))))

  (type $run-result (result))
  (type $run-f (func (result $run-result)))
  (func $run (type $run-f) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance))
)

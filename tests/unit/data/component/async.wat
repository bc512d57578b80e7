;; The component-model async features (WASI 0.3): async function types, the
;; types stream, future and error-context, and every async canon built-in
;; (Binary.md's 🔀 and 📝) with its immediates. Parsing only: the core
;; functions' signatures are not what the built-ins would be given.
;; jco (wasm-tools) no longer accepts the text `cancellable`
;; (component-model#716), so the tests set that flag by hand.
(component
  ;; types 0..6: jco puts the future's result<_, u32> at index 1, before $done
  (type $bytes (stream u8))
  (type $done (future (result (error u32))))
  (type $unit-stream (stream))
  (type $unit-future (future))
  (type $error error-context)
  (type $run-t (func async (param "in" $bytes) (result $done)))

  ;; An async import; error-context in a valtype position.
  (import "fetch" (func $fetch async (param "url" string) (result $bytes)))
  (import "report" (func $report (param "e" error-context)))

  (core module $m
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "run") (param i32) (result i32) unreachable)
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable)
  )
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (alias core export $i "run" (core func $run))
  (alias core export $i "cb" (core func $cb))

  ;; canon definitions 0..: every built-in, in Binary.md's order.
  (core func (canon backpressure.inc))
  (core func (canon backpressure.dec))
  (core func (canon task.return (result u32) (memory $mem) string-encoding=utf16))
  (core func (canon task.return))
  (core func (canon task.cancel))
  (core func (canon context.get i32 1))
  (core func (canon context.set i32 0))
  (core func (canon subtask.cancel async))
  (core func (canon subtask.cancel))
  (core func (canon subtask.drop))
  (core func (canon stream.new $bytes))
  (core func (canon stream.read $bytes async (memory $mem)))
  (core func (canon stream.write $bytes (memory $mem)))
  (core func (canon stream.cancel-read $bytes async))
  (core func (canon stream.cancel-write $bytes))
  (core func (canon stream.drop-readable $bytes))
  (core func (canon stream.drop-writable $unit-stream))
  (core func (canon future.new $done))
  (core func (canon future.read $done async (memory $mem)))
  (core func (canon future.write $done (memory $mem)))
  (core func (canon future.cancel-read $done))
  (core func (canon future.cancel-write $done async))
  (core func (canon future.drop-readable $done))
  (core func (canon future.drop-writable $unit-future))
  (core func (canon error-context.new (memory $mem) string-encoding=utf16))
  (core func (canon error-context.debug-message (memory $mem) (realloc $realloc)))
  (core func (canon error-context.drop))
  (core func (canon waitable-set.new))
  (core func (canon waitable-set.wait (memory $mem)))
  (core func (canon waitable-set.poll (memory $mem)))
  (core func (canon waitable-set.drop))
  (core func (canon waitable.join))
  (core func (canon thread.yield))

  ;; The async import lowered async, and an async export lifted with a callback.
  (core func (canon lower (func $fetch) async (memory $mem) (realloc $realloc)))
  (func $run-lifted (type $run-t) (canon lift (core func $run) async (callback $cb)))
  (export "run" (func $run-lifted))
)

;; error_context: error-context.new / debug-message / drop, and a
;; future<u32> written and read inside the component.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`):
;;   1. error-context.new("boom") with (memory, string-encoding=utf8): the
;;      core call takes (ptr, tagged_code_units) = (256, 4) and returns a
;;      handle. error-context.debug-message(handle, 768) with (memory,
;;      realloc): store_string asks cabi_realloc (a bump allocator in the
;;      memory module) for room, copies the message there and stores
;;      (ptr i32, len i32) at 768. len must be 4 and the bytes "boom", else
;;      `unreachable`. Then error-context.drop.
;;      (canon_error_context_new may also keep an empty message:
;;      `if DETERMINISTIC_PROFILE or random.randint(0,1): s = ''`, host
;;      defined. wasm-rr keeps the message, and this checks it does.)
;;   2. future.new (future<u32>) -> (r, w). future.write(w, 42) (async,
;;      memory): nobody reads yet, so SharedFutureImpl.write parks it:
;;      BLOCKED (0xffffffff), w COPYING.
;;   3. future.read(r) (async, memory): the write is pending, so
;;      SharedFutureImpl.read copies its value at once
;;      (dst_buffer.write(self.pending_buffer.read(1)), then
;;      reset_and_notify_pending(COMPLETED) and on_copy_done(COMPLETED)):
;;      returns COMPLETED (0, a future's payload is the bare CopyResult)
;;      with 42 stored, and w now has a pending FUTURE_WRITE event.
;;      u32 is a number type, so the same instance may hold both ends
;;      (trap_if(inst is self.pending_inst and not none_or_number_type(t))
;;      does not fire).
;;   4. waitable.join(w, set) and CallbackCode.WAIT | set << 4: the callback
;;      gets (FUTURE_WRITE = 5, w, COMPLETED = 0); both ends are now DONE.
;;   5. waitable.join(w, 0), future.drop-writable (legal: DONE,
;;      WritableFutureEnd.drop's trap_if(self.state != CopyState.DONE) does
;;      not fire), future.drop-readable, waitable-set.drop, task.return ok,
;;      EXIT.
;; Any other result, event, index, length or byte: `unreachable`.
;;
;; Expected: exit code 0, nothing on stdout or stderr.
(component
  ;; Memory and a bump allocator, in a module of their own so that the
  ;; canon options can name them before the main module is instantiated.
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

  (type $u32-future (future u32))
  (type $run-result (result))

  (core func $error-context-new (canon error-context.new (memory $memory) string-encoding=utf8))
  (core func $error-context-debug-message
    (canon error-context.debug-message (memory $memory) (realloc $cabi-realloc) string-encoding=utf8))
  (core func $error-context-drop (canon error-context.drop))
  (core func $future-new (canon future.new $u32-future))
  (core func $future-write (canon future.write $u32-future async (memory $memory)))
  (core func $future-read (canon future.read $u32-future async (memory $memory)))
  (core func $future-drop-readable (canon future.drop-readable $u32-future))
  (core func $future-drop-writable (canon future.drop-writable $u32-future))
  (core func $waitable-set-new (canon waitable-set.new))
  (core func $waitable-set-drop (canon waitable-set.drop))
  (core func $waitable-join (canon waitable.join))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "error-context.new" (func $error-context-new))
    (export "error-context.debug-message" (func $error-context-debug-message))
    (export "error-context.drop" (func $error-context-drop))
    (export "future.new" (func $future-new))
    (export "future.write" (func $future-write))
    (export "future.read" (func $future-read))
    (export "future.drop-readable" (func $future-drop-readable))
    (export "future.drop-writable" (func $future-drop-writable))
    (export "waitable-set.new" (func $waitable-set-new))
    (export "waitable-set.drop" (func $waitable-set-drop))
    (export "waitable.join" (func $waitable-join))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "async" "error-context.new" (func $error-context-new (param i32 i32) (result i32)))
    (import "async" "error-context.debug-message" (func $error-context-debug-message (param i32 i32)))
    (import "async" "error-context.drop" (func $error-context-drop (param i32)))
    (import "async" "future.new" (func $future-new (result i64)))
    (import "async" "future.write" (func $future-write (param i32 i32) (result i32)))
    (import "async" "future.read" (func $future-read (param i32 i32) (result i32)))
    (import "async" "future.drop-readable" (func $future-drop-readable (param i32)))
    (import "async" "future.drop-writable" (func $future-drop-writable (param i32)))
    (import "async" "waitable-set.new" (func $waitable-set-new (result i32)))
    (import "async" "waitable-set.drop" (func $waitable-set-drop (param i32)))
    (import "async" "waitable.join" (func $waitable-join (param i32 i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 256) "boom")
    (global $msg i32 (i32.const 256))
    (global $dbg i32 (i32.const 768))      ;; debug-message's (ptr, len)
    (global $src i32 (i32.const 512))      ;; future.write's value (u32)
    (global $dst i32 (i32.const 516))      ;; future.read's destination (u32)

    (global $ws (mut i32) (i32.const 0))
    (global $r (mut i32) (i32.const 0))    ;; readable future end
    (global $w (mut i32) (i32.const 0))    ;; writable future end

    (func (export "run") (result i32)
      (local $ec i32) (local $p i32) (local $ends i64)

      ;; 1. error context
      (local.set $ec (call $error-context-new (global.get $msg) (i32.const 4)))
      (i32.store offset=0 (global.get $dbg) (i32.const -1))
      (i32.store offset=4 (global.get $dbg) (i32.const -1))
      (call $error-context-debug-message (local.get $ec) (global.get $dbg))
      (local.set $p (i32.load offset=0 (global.get $dbg)))
      (if (i32.ne (i32.load offset=4 (global.get $dbg)) (i32.const 4)) (then unreachable))
      ;; the realloc'd copy, not the original
      (if (i32.lt_u (local.get $p) (i32.const 4096)) (then unreachable))
      ;; "boom" little-endian: 62 6f 6f 6d
      (if (i32.ne (i32.load align=1 (local.get $p)) (i32.const 0x6d6f6f62)) (then unreachable))
      (call $error-context-drop (local.get $ec))

      ;; 2. future<u32>: the write parks
      (local.set $ends (call $future-new))
      (global.set $r (i32.wrap_i64 (local.get $ends)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (i32.store (global.get $src) (i32.const 42))
      (i32.store (global.get $dst) (i32.const 0))
      (if (i32.ne (call $future-write (global.get $w) (global.get $src)) (i32.const -1 (; BLOCKED ;)))
        (then unreachable))

      ;; 3. the read completes at once
      (if (i32.ne (call $future-read (global.get $r) (global.get $dst)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (if (i32.ne (i32.load (global.get $dst)) (i32.const 42)) (then unreachable))

      ;; 4. the writer's event
      (global.set $ws (call $waitable-set-new))
      (call $waitable-join (global.get $w) (global.get $ws))
      (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))

    (func (export "cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
      (if (i32.ne (local.get $event) (i32.const 5 (; FUTURE_WRITE ;))) (then unreachable))
      (if (i32.ne (local.get $index) (global.get $w)) (then unreachable))
      (if (i32.ne (local.get $payload) (i32.const 0 (; COMPLETED ;))) (then unreachable))
      ;; 5. clean up
      (call $waitable-join (global.get $w) (i32.const 0))
      (call $future-drop-writable (global.get $w))
      (call $future-drop-readable (global.get $r))
      (call $waitable-set-drop (global.get $ws))
      (call $task-return (i32.const 0 (; ok ;)))
      (i32.const 0 (; EXIT ;)))
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

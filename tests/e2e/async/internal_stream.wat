;; internal_stream: a stream<u8> whose two ends are both this component's,
;; copied through in two rounds with a partial write in between.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`):
;;   1. stream.new -> (r, w); waitable-set.new -> s.
;;   2. stream.write(w, "0123456789", 10) (async, memory): nobody reads, so
;;      SharedStreamImpl.write parks it: BLOCKED (0xffffffff), w COPYING.
;;   3. stream.read(r, 4 bytes) (async, memory): the write is pending, so
;;      SharedStreamImpl.read copies n = min(4, 10) = 4 bytes at once, calls
;;      the writer's pending_on_copy (w gets a STREAM_WRITE event: COMPLETED
;;      with its progress so far) and then on_copy_done(COMPLETED): the read
;;      returns COMPLETED | 4 << 4 = 64, and the bytes are "0123".
;;      u8 is a number type, so the same instance may hold both ends
;;      (trap_if(inst is self.pending_inst and not none_or_number_type(t))
;;      does not fire).
;;   4. waitable.join(w, s), CallbackCode.WAIT | s << 4: the callback gets
;;      (STREAM_WRITE = 3, w, COMPLETED | 4 << 4 = 64): the write ended
;;      after 4 of its 10 bytes (stream_event: packed_result = result |
;;      buffer.progress << 4), and w is IDLE again.
;;   5. stream.write(w, "456789", 6): again nobody reads: BLOCKED. w is in
;;      s, which is fine for an async copy. stream.read(r, room for 8): gets
;;      min(8, 6) = 6 bytes at once, COMPLETED | 6 << 4 = 96, "456789".
;;   6. WAIT again: the callback gets (3, w, COMPLETED | 6 << 4 = 96).
;;   7. waitable.join(w, 0), stream.drop-writable(w) (IDLE: legal). Then
;;      stream.read(r, 4) returns DROPPED with nothing read, 1 | 0 << 4 = 1
;;      (SharedStreamImpl.read: `if self.dropped: on_copy_done(DROPPED)`),
;;      which leaves r DONE; stream.drop-readable(r), waitable-set.drop,
;;      task.return ok, EXIT.
;; Every count, byte, event and index is checked: any surprise is
;; `unreachable`. Nothing is printed.
;;
;; Expected: exit code 0, nothing on stdout or stderr.
(component
  (core module $memory-module
    (memory (export "memory") 1)
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))

  (type $bytes (stream u8))
  (type $run-result (result))

  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-read (canon stream.read $bytes async (memory $memory)))
  (core func $stream-write (canon stream.write $bytes async (memory $memory)))
  (core func $stream-drop-readable (canon stream.drop-readable $bytes))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $waitable-set-new (canon waitable-set.new))
  (core func $waitable-set-drop (canon waitable-set.drop))
  (core func $waitable-join (canon waitable.join))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-readable" (func $stream-drop-readable))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "waitable-set.new" (func $waitable-set-new))
    (export "waitable-set.drop" (func $waitable-set-drop))
    (export "waitable.join" (func $waitable-join))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-readable" (func $stream-drop-readable (param i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "waitable-set.new" (func $waitable-set-new (result i32)))
    (import "async" "waitable-set.drop" (func $waitable-set-drop (param i32)))
    (import "async" "waitable.join" (func $waitable-join (param i32 i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 256) "0123456789")
    (global $src i32 (i32.const 256))
    (global $dst i32 (i32.const 512))  ;; the reads land at 512.. (16 bytes, zeroed)

    (global $ws (mut i32) (i32.const 0))
    (global $r (mut i32) (i32.const 0))
    (global $w (mut i32) (i32.const 0))
    (global $phase (mut i32) (i32.const 0))  ;; the callback's step: 1, then 2

    (func $wait-code (result i32)
      (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))

    (func (export "run") (result i32)
      (local $ends i64)
      (local.set $ends (call $stream-new))
      (global.set $r (i32.wrap_i64 (local.get $ends)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (global.set $ws (call $waitable-set-new))
      ;; 2. 10 bytes, nobody reading
      (if (i32.ne (call $stream-write (global.get $w) (global.get $src) (i32.const 10))
                  (i32.const -1 (; BLOCKED ;)))
        (then unreachable))
      ;; 3. read 4 of them: COMPLETED | 4 << 4
      (if (i32.ne (call $stream-read (global.get $r) (global.get $dst) (i32.const 4))
                  (i32.const 64))
        (then unreachable))
      ;; "0123" little-endian: 30 31 32 33; nothing past it
      (if (i32.ne (i32.load offset=0 (global.get $dst)) (i32.const 0x33323130)) (then unreachable))
      (if (i32.ne (i32.load offset=4 (global.get $dst)) (i32.const 0)) (then unreachable))
      ;; 4. the writer's event
      (call $waitable-join (global.get $w) (global.get $ws))
      (global.set $phase (i32.const 1))
      (call $wait-code))

    (func (export "cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
      (if (i32.ne (local.get $event) (i32.const 3 (; STREAM_WRITE ;))) (then unreachable))
      (if (i32.ne (local.get $index) (global.get $w)) (then unreachable))

      (if (i32.eq (global.get $phase) (i32.const 1))
        (then
          ;; the first write ended after 4 bytes: COMPLETED | 4 << 4
          (if (i32.ne (local.get $payload) (i32.const 64)) (then unreachable))
          ;; 5. the other 6, then a read with room for 8
          (if (i32.ne (call $stream-write (global.get $w) (i32.add (global.get $src) (i32.const 4)) (i32.const 6))
                      (i32.const -1 (; BLOCKED ;)))
            (then unreachable))
          (if (i32.ne (call $stream-read (global.get $r) (i32.add (global.get $dst) (i32.const 4)) (i32.const 8))
                      (i32.const 96 (; COMPLETED | 6 << 4 ;)))
            (then unreachable))
          ;; "0123456789" at 512: 30..39, then zeros
          (if (i32.ne (i32.load offset=4 (global.get $dst)) (i32.const 0x37363534)) (then unreachable))
          (if (i32.ne (i32.load16_u offset=8 (global.get $dst)) (i32.const 0x3938)) (then unreachable))
          (if (i32.ne (i32.load16_u offset=10 (global.get $dst)) (i32.const 0)) (then unreachable))
          (global.set $phase (i32.const 2))
          ;; 6. the second write's event
          (return (call $wait-code))))

      (if (i32.ne (global.get $phase) (i32.const 2)) (then unreachable))
      ;; the second write ended with all 6: COMPLETED | 6 << 4
      (if (i32.ne (local.get $payload) (i32.const 96)) (then unreachable))
      ;; 7. end the stream; the reader then sees DROPPED, nothing read
      (call $waitable-join (global.get $w) (i32.const 0))
      (call $stream-drop-writable (global.get $w))
      (if (i32.ne (call $stream-read (global.get $r) (global.get $dst) (i32.const 4))
                  (i32.const 1 (; DROPPED | 0 << 4 ;)))
        (then unreachable))
      (call $stream-drop-readable (global.get $r))
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

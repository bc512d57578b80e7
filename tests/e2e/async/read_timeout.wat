;; read_timeout: a WASI 0.3 command that reads stdin with a 300 ms timeout:
;; one async read, a timer if it blocks, then stream.cancel-read to learn
;; whether the read finished meanwhile; reports the outcome on stdout.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`):
;;   1. waitable-set.new; wasi:cli/stdin@0.3.0#read-via-stream() (lowered sync
;;      with memory: the tuple<stream, future> is stored at a return pointer);
;;      stream.read (async, memory) of up to 64 bytes. Anything but BLOCKED is
;;      the read done at once (COMPLETED | n << 4, or DROPPED: end of input),
;;      and the timer is skipped.
;;   2. BLOCKED: the read stays pending (the end is COPYING, in no set) and
;;      wasi:clocks/monotonic-clock@0.3.0#wait-for(300_000_000 ns), lowered
;;      `async`, returns status | subtask << 4. RETURNED (2, no subtask: the
;;      callee finished during the call) is the timer done at once; STARTING
;;      (0) or STARTED (1) join the subtask to the set and return
;;      CallbackCode.WAIT | set << 4 until its SUBTASK event says RETURNED
;;      (STARTED: keep waiting), then leave the set and subtask.drop.
;;   3. stream.cancel-read (async) of the readable end. Its result is the
;;      read's: COMPLETED | n << 4 or DROPPED | n << 4 if the read finished
;;      while the timer ran (its event was pending on the end, and the cancel
;;      hands it over), else CANCELLED | n << 4 (n = bytes copied before the
;;      cancel, usually 0). BLOCKED (the host could not cancel at once): join
;;      the end to the set, WAIT, and the STREAM_READ event's payload is that
;;      result.
;;   4. Leaves the set, drops the stdin end (IDLE after COMPLETED/CANCELLED,
;;      DONE after DROPPED: either may be dropped) and its future (unread:
;;      dropping a readable future is allowed), and prints through a stdout
;;      stream exactly as hello_stream.wat does (stream.new, write-via-stream,
;;      stream.write, BLOCKED -> WAIT, partial writes resumed, drop-writable,
;;      future.read, FUTURE_READ):
;;          "read N bytes\n"  if n > 0 (any result), or n = 0 with COMPLETED
;;          "timed out\n"     CANCELLED with 0 bytes
;;          "end of input\n"  DROPPED with 0 bytes
;;   5. waitable-set.drop, task.return ok (err if stdout dropped the stream or
;;      reported an error), EXIT.
;; Any unexpected event, index, state or result: `unreachable` (a trap).
;;
;; Expected: exit code 0 and one line. `< /dev/null`: "end of input\n".
;; `echo hello |`: "read 6 bytes\n" (a host may hand over fewer bytes in one
;; read). A pipe that stays open and silent for more than 300 ms (`sleep 2 |`):
;; "timed out\n" after about 0.3 s, without waiting for stdin's EOF. Data that
;; arrives during the 300 ms gives "read N bytes\n". Which case a slow pipe
;; hits depends on timing, so the output is deterministic only under replay.
;;
;; Why: the only test that cancels a copy, and a timeout that must not wait
;; for stdin: the read is left pending (not in the set) while the guest waits
;; for the timer, so a host may not block on stdin then, and the cancel must
;; end the host's read without data.
;;
;; Spec rules (definitions.py):
;;   - canon_lower async: `if subtask.resolved(): return Subtask.State.RETURNED`
;;     (no table entry), else `return state | (subtaski << 4)`.
;;   - canon_stream_cancel_read (cancel_copy): trap_if(e.state !=
;;     CopyState.COPYING); e.state = CANCELLING_COPY; `if not
;;     e.has_pending_event(): e.shared.cancel()`; then, still none pending and
;;     async: return BLOCKED; else `code, index, payload =
;;     e.get_pending_event()` and return payload. So a read that finished
;;     before the cancel reports its own result, never CANCELLED.
;;   - ReadableStreamEnd.copy's on_copy_done(CANCELLED) leaves the end IDLE
;;     (DROPPED: DONE); the payload is result | (buffer.progress << 4).
;;   - subtask.drop: trap_if(not self.resolve_delivered()): only after the
;;     RETURNED event.
(component
  ;; wasi:clocks/types@0.3.0: `type duration = u64;`
  (type $clock-types-t (instance
    (type $u64 u64)
    (export "duration" (type (eq $u64)))
  ))
  (import "wasi:clocks/types@0.3.0" (instance $clock-types (type $clock-types-t)))
  (alias export $clock-types "duration" (type $duration))

  ;; wasi:clocks/monotonic-clock@0.3.0: `use types.{duration};
  ;; wait-for: async func(how-long: duration);`
  (type $monotonic-clock-t (instance
    (alias outer 1 $duration (type $duration-outer))
    (export "duration" (type $d (eq $duration-outer)))
    (export "wait-for" (func async (param "how-long" $d)))
  ))
  (import "wasi:clocks/monotonic-clock@0.3.0" (instance $monotonic-clock (type $monotonic-clock-t)))

  ;; wasi:cli/types@0.3.0: `enum error-code { io, illegal-byte-sequence, pipe }`
  (type $cli-types-t (instance
    (type $ec (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type (eq $ec)))
  ))
  (import "wasi:cli/types@0.3.0" (instance $cli-types (type $cli-types-t)))
  (alias export $cli-types "error-code" (type $error-code))

  ;; wasi:cli/stdin@0.3.0: `use types.{error-code};
  ;; read-via-stream: func() -> tuple<stream<u8>, future<result<_, error-code>>>;`
  (type $stdin-t (instance
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (type $bytes (stream u8))
    (type $status (result (error $ec)))
    (type $done (future $status))
    (type $pair (tuple $bytes $done))
    (export "read-via-stream" (func (result $pair)))
  ))
  (import "wasi:cli/stdin@0.3.0" (instance $stdin (type $stdin-t)))

  ;; wasi:cli/stdout@0.3.0: `use types.{error-code};
  ;; write-via-stream: func(data: stream<u8>) -> future<result<_, error-code>>;`
  (type $stdout-t (instance
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (type $bytes (stream u8))
    (type $status (result (error $ec)))
    (type $done (future $status))
    (export "write-via-stream" (func (param "data" $bytes) (result $done)))
  ))
  (import "wasi:cli/stdout@0.3.0" (instance $stdout (type $stdout-t)))

  (core module $memory-module
    (memory (export "memory") 1)
  )
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))

  (type $bytes (stream u8))
  (type $status (result (error $error-code)))
  (type $done (future $status))
  (type $run-result (result))

  (core func $wait-for (canon lower (func $monotonic-clock "wait-for") async))
  (core instance $i-monotonic-clock (export "wait-for" (func $wait-for)))
  (core func $read-via-stream (canon lower (func $stdin "read-via-stream") (memory $memory)))
  (core instance $i-stdin (export "read-via-stream" (func $read-via-stream)))
  (core func $write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core instance $i-stdout (export "write-via-stream" (func $write-via-stream)))

  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-read (canon stream.read $bytes async (memory $memory)))
  (core func $stream-cancel-read (canon stream.cancel-read $bytes async))
  (core func $stream-write (canon stream.write $bytes async (memory $memory)))
  (core func $stream-drop-readable (canon stream.drop-readable $bytes))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $future-read (canon future.read $done async (memory $memory)))
  (core func $future-drop-readable (canon future.drop-readable $done))
  (core func $waitable-set-new (canon waitable-set.new))
  (core func $waitable-set-drop (canon waitable-set.drop))
  (core func $waitable-join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "stream.cancel-read" (func $stream-cancel-read))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-readable" (func $stream-drop-readable))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "future.read" (func $future-read))
    (export "future.drop-readable" (func $future-drop-readable))
    (export "waitable-set.new" (func $waitable-set-new))
    (export "waitable-set.drop" (func $waitable-set-drop))
    (export "waitable.join" (func $waitable-join))
    (export "subtask.drop" (func $subtask-drop))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    ;; async lower of `async func(u64)`: the i64 param, then status | subtask << 4
    (import "wasi:clocks/monotonic-clock@0.3.0" "wait-for" (func $wait-for (param i64) (result i32)))
    ;; sync lower of `func() -> tuple<stream, future>`: a return pointer
    (import "wasi:cli/stdin@0.3.0" "read-via-stream" (func $read-via-stream (param i32)))
    (import "wasi:cli/stdout@0.3.0" "write-via-stream" (func $write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "stream.cancel-read" (func $stream-cancel-read (param i32) (result i32)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-readable" (func $stream-drop-readable (param i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "future.read" (func $future-read (param i32 i32) (result i32)))
    (import "async" "future.drop-readable" (func $future-drop-readable (param i32)))
    (import "async" "waitable-set.new" (func $waitable-set-new (result i32)))
    (import "async" "waitable-set.drop" (func $waitable-set-drop (param i32)))
    (import "async" "waitable.join" (func $waitable-join (param i32 i32)))
    (import "async" "subtask.drop" (func $subtask-drop (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    ;; memory layout
    (global $stdin-ret i32 (i32.const 256))  ;; read-via-stream's result: stream, future (i32 each)
    (global $inbuf i32 (i32.const 512))      ;; the 64-byte stdin buffer
    (global $status i32 (i32.const 768))     ;; stdout future's result<_, error-code> (2 bytes)
    (global $out i32 (i32.const 1024))       ;; the text printed
    (data (i32.const 128) "read ")            ;; 5 bytes
    (data (i32.const 144) " bytes\0a")        ;; 7 bytes
    (data (i32.const 160) "timed out\0a")     ;; 10 bytes
    (data (i32.const 176) "end of input\0a")  ;; 13 bytes

    (global $ws (mut i32) (i32.const 0))        ;; the one waitable set
    ;; phase 1: read, timer, cancel
    (global $in (mut i32) (i32.const 0))        ;; stdin readable end
    (global $in-fut (mut i32) (i32.const 0))    ;; stdin's future
    (global $sub (mut i32) (i32.const 0))       ;; wait-for's subtask, 0 if none
    (global $cancelling (mut i32) (i32.const 0));; 1 while a BLOCKED cancel waits
    ;; phase 2: printing
    (global $w (mut i32) (i32.const 0))         ;; stdout stream's writable end
    (global $fut (mut i32) (i32.const 0))       ;; stdout's future
    (global $len (mut i32) (i32.const 0))
    (global $off (mut i32) (i32.const 0))
    (global $ok (mut i32) (i32.const 1))

    (func $wait-code (result i32)
      (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))

    (func (export "run") (result i32)
      (local $ret i32)
      (global.set $ws (call $waitable-set-new))

      ;; stdin: one read of up to 64 bytes
      (call $read-via-stream (global.get $stdin-ret))
      (global.set $in (i32.load offset=0 (global.get $stdin-ret)))
      (global.set $in-fut (i32.load offset=4 (global.get $stdin-ret)))
      (local.set $ret (call $stream-read (global.get $in) (global.get $inbuf) (i32.const 64)))
      (if (i32.ne (local.get $ret) (i32.const -1 (; BLOCKED ;)))
        (then (return (call $read-finished (local.get $ret)))))

      ;; BLOCKED: the timer, 300 ms
      (local.set $ret (call $wait-for (i64.const 300000000)))
      (if (i32.eq (local.get $ret) (i32.const 2 (; RETURNED, no subtask ;)))
        (then (return (call $cancel))))
      (if (i32.gt_u (i32.and (local.get $ret) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
        (then unreachable))
      ;; STARTING or STARTED: a subtask to wait for
      (global.set $sub (i32.shr_u (local.get $ret) (i32.const 4)))
      (if (i32.eqz (global.get $sub)) (then unreachable))
      (call $waitable-join (global.get $sub) (global.get $ws))
      (call $wait-code))

    ;; the timer is done: end the read, learning its result
    (func $cancel (result i32)
      (local $ret i32)
      (local.set $ret (call $stream-cancel-read (global.get $in)))
      (if (i32.eq (local.get $ret) (i32.const -1 (; BLOCKED ;)))
        (then
          (global.set $cancelling (i32.const 1))
          (call $waitable-join (global.get $in) (global.get $ws))
          (return (call $wait-code))))
      (call $read-finished (local.get $ret)))

    ;; the read's result (at once, from the cancel, or a STREAM_READ payload):
    ;; drop stdin, build the line, start printing
    (func $read-finished (param $payload i32) (result i32)
      (local $result i32) (local $n i32) (local $ends i64)
      (local.set $result (i32.and (local.get $payload) (i32.const 0xf)))
      (local.set $n (i32.shr_u (local.get $payload) (i32.const 4)))
      (if (i32.gt_u (local.get $result) (i32.const 2 (; CANCELLED ;))) (then unreachable))
      (if (i32.gt_u (local.get $n) (i32.const 64)) (then unreachable))
      (call $waitable-join (global.get $in) (i32.const 0))
      (call $stream-drop-readable (global.get $in))
      (global.set $in (i32.const 0))
      (call $future-drop-readable (global.get $in-fut))
      (global.set $in-fut (i32.const 0))

      (global.set $len (i32.const 0))
      (block $line
        (if (i32.or (local.get $n) (i32.eqz (local.get $result) (; COMPLETED ;)))
          (then
            (call $append (i32.const 128) (i32.const 5))
            (global.set $len (i32.add (global.get $len)
              (call $utoa (local.get $n) (i32.add (global.get $out) (global.get $len)))))
            (call $append (i32.const 144) (i32.const 7))
            (br $line)))
        (if (i32.eq (local.get $result) (i32.const 2 (; CANCELLED ;)))
          (then (call $append (i32.const 160) (i32.const 10)) (br $line)))
        ;; DROPPED
        (call $append (i32.const 176) (i32.const 13)))

      (local.set $ends (call $stream-new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (global.set $fut (call $write-via-stream (i32.wrap_i64 (local.get $ends))))
      (global.set $off (i32.const 0))
      (call $pump))

    ;; decimal digits of $n at $dst; returns their count
    (func $utoa (param $n i32) (param $dst i32) (result i32)
      (local $len i32) (local $t i32) (local $i i32)
      (local.set $t (local.get $n))
      (loop $count
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
        (br_if $count (local.get $t)))
      (local.set $t (local.get $n))
      (local.set $i (local.get $len))
      (loop $digit
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (i32.store8 (i32.add (local.get $dst) (local.get $i))
          (i32.add (i32.const 48) (i32.rem_u (local.get $t) (i32.const 10))))
        (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
        (br_if $digit (local.get $i)))
      (local.get $len))

    (func $append (param $src i32) (param $n i32)
      (memory.copy (i32.add (global.get $out) (global.get $len)) (local.get $src) (local.get $n))
      (global.set $len (i32.add (global.get $len) (local.get $n))))

    ;; printing, as in hello_stream.wat
    (func $wrote (param $payload i32)
      (global.set $off (i32.add (global.get $off) (i32.shr_u (local.get $payload) (i32.const 4))))
      (block $known
        (br_if $known (i32.eq (i32.and (local.get $payload) (i32.const 0xf)) (i32.const 0 (; COMPLETED ;))))
        (if (i32.eq (i32.and (local.get $payload) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))
          (then (global.set $ok (i32.const 0)) (br $known)))
        unreachable)  ;; CANCELLED: we never cancel a write
      (if (i32.gt_u (global.get $off) (global.get $len)) (then unreachable)))

    (func $pump (result i32)
      (local $ret i32)
      (loop $more
        (if (i32.or (i32.eqz (global.get $ok)) (i32.eq (global.get $off) (global.get $len)))
          (then (return (call $finish-write))))
        (local.set $ret (call $stream-write (global.get $w)
          (i32.add (global.get $out) (global.get $off))
          (i32.sub (global.get $len) (global.get $off))))
        (if (i32.eq (local.get $ret) (i32.const -1 (; BLOCKED ;)))
          (then
            (call $waitable-join (global.get $w) (global.get $ws))
            (return (call $wait-code))))
        (call $wrote (local.get $ret))
        (br $more))
      unreachable)

    (func $finish-write (result i32)
      (local $ret i32)
      (call $waitable-join (global.get $w) (i32.const 0))
      (call $stream-drop-writable (global.get $w))
      (global.set $w (i32.const 0))
      (local.set $ret (call $future-read (global.get $fut) (global.get $status)))
      (if (i32.eq (local.get $ret) (i32.const -1 (; BLOCKED ;)))
        (then
          (call $waitable-join (global.get $fut) (global.get $ws))
          (return (call $wait-code))))
      (call $future-done (local.get $ret)))

    (func $future-done (param $payload i32) (result i32)
      (if (i32.ne (local.get $payload) (i32.const 0 (; COMPLETED ;))) (then unreachable))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;)))
        (then (global.set $ok (i32.const 0))))
      (call $waitable-join (global.get $fut) (i32.const 0))
      (call $future-drop-readable (global.get $fut))
      (global.set $fut (i32.const 0))
      (call $waitable-set-drop (global.get $ws))
      (global.set $ws (i32.const 0))
      (call $task-return (i32.eqz (global.get $ok)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
      ;; phase 1: the timer's subtask
      (if (i32.eq (local.get $event) (i32.const 1 (; SUBTASK ;)))
        (then
          (if (i32.or (i32.eqz (global.get $sub)) (i32.ne (local.get $index) (global.get $sub)))
            (then unreachable))
          (if (i32.eq (local.get $payload) (i32.const 1 (; STARTED ;)))
            (then (return (call $wait-code))))
          (if (i32.ne (local.get $payload) (i32.const 2 (; RETURNED ;)))
            (then unreachable))
          ;; the RETURNED event delivered the resolve, so it may be dropped
          (call $waitable-join (global.get $sub) (i32.const 0))
          (call $subtask-drop (global.get $sub))
          (global.set $sub (i32.const 0))
          (return (call $cancel))))
      ;; phase 1: a cancel that blocked
      (if (i32.eq (local.get $event) (i32.const 2 (; STREAM_READ ;)))
        (then
          (if (i32.or (i32.eqz (global.get $cancelling))
                      (i32.or (i32.eqz (global.get $in)) (i32.ne (local.get $index) (global.get $in))))
            (then unreachable))
          (global.set $cancelling (i32.const 0))
          (return (call $read-finished (local.get $payload)))))
      ;; phase 2
      (if (i32.eq (local.get $event) (i32.const 3 (; STREAM_WRITE ;)))
        (then
          (if (i32.or (i32.eqz (global.get $w)) (i32.ne (local.get $index) (global.get $w)))
            (then unreachable))
          (call $wrote (local.get $payload))
          (return (call $pump))))
      (if (i32.eq (local.get $event) (i32.const 4 (; FUTURE_READ ;)))
        (then
          (if (i32.or (i32.eqz (global.get $fut)) (i32.ne (local.get $index) (global.get $fut)))
            (then unreachable))
          (return (call $future-done (local.get $payload)))))
      unreachable)
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "wasi:clocks/monotonic-clock@0.3.0" (instance $i-monotonic-clock))
    (with "wasi:cli/stdin@0.3.0" (instance $i-stdin))
    (with "wasi:cli/stdout@0.3.0" (instance $i-stdout))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

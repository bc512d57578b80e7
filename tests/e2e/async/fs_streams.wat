;; fs_streams: a WASI 0.3 command that uses wasi:filesystem@0.3.0 through
;; its streams and futures, with every copy synchronous (the host's end
;; answers at once: a file is always ready).
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`; it finishes in the
;; first call, so the callback is never called):
;;   1. preopens#get-directories: the first preopen is the directory (the
;;      list is lowered at a return pointer; cabi_realloc places it).
;;   2. open-at(dir, symlink-follow, "input.txt", {}, {read}) (an async func
;;      lowered sync: the result<descriptor, error-code> is at a return
;;      pointer) and read-via-stream(offset 0): the stream<u8> is read to its
;;      end (COMPLETED | n << 4 while there is data, DROPPED once the host's
;;      end ended), then its future: ok.
;;   3. open-at "out.txt" {create, truncate} {write}; write-via-stream(0) of
;;      what step 2 read, stream.drop-writable, future ok; then
;;      append-via-stream of "appended\n" on a second descriptor, future ok.
;;   4. read-via-stream of the write-only descriptor: the stream ends at once
;;      (DROPPED, 0 bytes) and its future is err(bad-descriptor) (case 2).
;;   5. open-at "missing.txt" {} {read}: err(no-entry) (case 19).
;;   6. stat-at(dir, {}, "out.txt"), lowered `async`: RETURNED at once (2),
;;      the result<descriptor-stat, error-code> at the return pointer (size
;;      112: the stat record is 8-aligned): ok, regular-file (case 5), size =
;;      step 2's bytes + 9.
;;   7. read-directory(dir): the stream<directory-entry> (24-byte elements:
;;      descriptor-type variant of 16, name string; names through
;;      cabi_realloc) is read to its end, counting entries; future ok.
;;   8. open-at "out.txt" {read} and read it back; stdout (a 0.3 stream, as
;;      sync_stream_write.wat) gets its bytes, then "entries: N\n" (N one
;;      digit); the descriptors are dropped; task.return ok, EXIT.
;; Any other result, code, case, count or size: `unreachable`.
;;
;; Expected, with a preopened directory holding only input.txt (contents C):
;; stdout is C + "appended\n" + "entries: 2\n", out.txt holds C +
;; "appended\n", exit code 0.
(component
  ;; wasi:clocks/system-clock@0.3.0: `record instant { seconds: s64, nanoseconds: u32 }`
  (type $system-clock-t (instance
    (type $instant-t (record (field "seconds" s64) (field "nanoseconds" u32)))
    (export "instant" (type (eq $instant-t)))
  ))
  (import "wasi:clocks/system-clock@0.3.0" (instance $system-clock (type $system-clock-t)))
  (alias export $system-clock "instant" (type $instant))

  ;; wasi:filesystem/types@0.3.0, the types and functions this command uses.
  (type $fs-types-t (instance
    (alias outer 1 $instant (type $instant-outer))
    (export "instant" (type $instant (eq $instant-outer)))
    (type $filesize-t u64)
    (export "filesize" (type $filesize (eq $filesize-t)))
    (type $link-count-t u64)
    (export "link-count" (type $link-count (eq $link-count-t)))
    (type $descriptor-type-t (variant
      (case "block-device") (case "character-device") (case "directory") (case "fifo")
      (case "symbolic-link") (case "regular-file") (case "socket") (case "other" (option string))))
    (export "descriptor-type" (type $descriptor-type (eq $descriptor-type-t)))
    (type $descriptor-flags-t (flags "read" "write" "file-integrity-sync" "data-integrity-sync"
                                     "requested-write-sync" "mutate-directory"))
    (export "descriptor-flags" (type $descriptor-flags (eq $descriptor-flags-t)))
    (type $path-flags-t (flags "symlink-follow"))
    (export "path-flags" (type $path-flags (eq $path-flags-t)))
    (type $open-flags-t (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $open-flags (eq $open-flags-t)))
    (type $optional-instant (option $instant))
    (type $descriptor-stat-t (record
      (field "type" $descriptor-type) (field "link-count" $link-count) (field "size" $filesize)
      (field "data-access-timestamp" $optional-instant)
      (field "data-modification-timestamp" $optional-instant)
      (field "status-change-timestamp" $optional-instant)))
    (export "descriptor-stat" (type $descriptor-stat (eq $descriptor-stat-t)))
    (type $directory-entry-t (record (field "type" $descriptor-type) (field "name" string)))
    (export "directory-entry" (type $directory-entry (eq $directory-entry-t)))
    (type $error-code-t (variant
      (case "access") (case "already") (case "bad-descriptor") (case "busy") (case "deadlock")
      (case "quota") (case "exist") (case "file-too-large") (case "illegal-byte-sequence")
      (case "in-progress") (case "interrupted") (case "invalid") (case "io") (case "is-directory")
      (case "loop") (case "too-many-links") (case "message-size") (case "name-too-long")
      (case "no-device") (case "no-entry") (case "no-lock") (case "insufficient-memory")
      (case "insufficient-space") (case "not-directory") (case "not-empty") (case "not-recoverable")
      (case "unsupported") (case "no-tty") (case "no-such-device") (case "overflow")
      (case "not-permitted") (case "pipe") (case "read-only") (case "invalid-seek")
      (case "text-file-busy") (case "cross-device") (case "other" (option string))))
    (export "error-code" (type $error-code (eq $error-code-t)))
    (export "descriptor" (type $descriptor (sub resource)))
    (type $self (borrow $descriptor))
    (type $descriptor-own (own $descriptor))
    (type $bytes (stream u8))
    (type $status (result (error $error-code)))
    (type $done (future $status))
    (type $read-r (tuple $bytes $done))
    (export "[method]descriptor.read-via-stream"
      (func (param "self" $self) (param "offset" $filesize) (result $read-r)))
    (export "[method]descriptor.write-via-stream"
      (func (param "self" $self) (param "data" $bytes) (param "offset" $filesize) (result $done)))
    (export "[method]descriptor.append-via-stream"
      (func (param "self" $self) (param "data" $bytes) (result $done)))
    (type $entries (stream $directory-entry))
    (type $read-directory-r (tuple $entries $done))
    (export "[method]descriptor.read-directory" (func (param "self" $self) (result $read-directory-r)))
    (type $open-r (result $descriptor-own (error $error-code)))
    (export "[method]descriptor.open-at"
      (func async (param "self" $self) (param "path-flags" $path-flags) (param "path" string)
            (param "open-flags" $open-flags) (param "flags" $descriptor-flags) (result $open-r)))
    (type $stat-r (result $descriptor-stat (error $error-code)))
    (export "[method]descriptor.stat-at"
      (func async (param "self" $self) (param "path-flags" $path-flags) (param "path" string) (result $stat-r)))
  ))
  (import "wasi:filesystem/types@0.3.0" (instance $fs-types (type $fs-types-t)))
  (alias export $fs-types "descriptor" (type $descriptor))
  (alias export $fs-types "directory-entry" (type $directory-entry))
  (alias export $fs-types "error-code" (type $fs-error-code))

  ;; wasi:filesystem/preopens@0.3.0: `get-directories: func() -> list<tuple<descriptor, string>>;`
  (type $preopens-t (instance
    (alias outer 1 $descriptor (type $descriptor-outer))
    (export "descriptor" (type $descriptor (eq $descriptor-outer)))
    (type $descriptor-own (own $descriptor))
    (type $preopen (tuple $descriptor-own string))
    (type $preopens (list $preopen))
    (export "get-directories" (func (result $preopens)))
  ))
  (import "wasi:filesystem/preopens@0.3.0" (instance $preopens (type $preopens-t)))

  ;; wasi:cli/types@0.3.0 and stdout, as in hello_stream.wat.
  (type $cli-types-t (instance
    (type $ec (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type (eq $ec)))
  ))
  (import "wasi:cli/types@0.3.0" (instance $cli-types (type $cli-types-t)))
  (alias export $cli-types "error-code" (type $cli-error-code))
  (type $stdout-t (instance
    (alias outer 1 $cli-error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (type $bytes (stream u8))
    (type $status (result (error $ec)))
    (type $done (future $status))
    (export "write-via-stream" (func (param "data" $bytes) (result $done)))
  ))
  (import "wasi:cli/stdout@0.3.0" (instance $stdout (type $stdout-t)))

  ;; Memory and a bump allocator, in a module of their own so that the
  ;; canon options can name them before the main module is instantiated.
  (core module $memory-module
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 16384))
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

  (type $bytes (stream u8))
  (type $entries (stream $directory-entry))
  (type $fs-status (result (error $fs-error-code)))
  (type $fs-done (future $fs-status))
  (type $cli-status (result (error $cli-error-code)))
  (type $cli-done (future $cli-status))
  (type $run-result (result))

  (core func $get-directories
    (canon lower (func $preopens "get-directories") (memory $memory) (realloc $cabi-realloc)))
  (core instance $i-preopens (export "get-directories" (func $get-directories)))
  (core func $open-at
    (canon lower (func $fs-types "[method]descriptor.open-at") (memory $memory) (realloc $cabi-realloc)))
  (core func $stat-at
    (canon lower (func $fs-types "[method]descriptor.stat-at") async (memory $memory) (realloc $cabi-realloc)))
  (core func $read-via-stream (canon lower (func $fs-types "[method]descriptor.read-via-stream") (memory $memory)))
  (core func $write-via-stream (canon lower (func $fs-types "[method]descriptor.write-via-stream")))
  (core func $append-via-stream (canon lower (func $fs-types "[method]descriptor.append-via-stream")))
  (core func $read-directory (canon lower (func $fs-types "[method]descriptor.read-directory") (memory $memory)))
  (core func $descriptor-drop (canon resource.drop $descriptor))
  (core instance $i-fs-types
    (export "[method]descriptor.open-at" (func $open-at))
    (export "[method]descriptor.stat-at" (func $stat-at))
    (export "[method]descriptor.read-via-stream" (func $read-via-stream))
    (export "[method]descriptor.write-via-stream" (func $write-via-stream))
    (export "[method]descriptor.append-via-stream" (func $append-via-stream))
    (export "[method]descriptor.read-directory" (func $read-directory))
    (export "[resource-drop]descriptor" (func $descriptor-drop)))
  (core func $stdout-write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core instance $i-stdout (export "write-via-stream" (func $stdout-write-via-stream)))

  ;; no `async`: synchronous copies
  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-read (canon stream.read $bytes (memory $memory)))
  (core func $stream-write (canon stream.write $bytes (memory $memory)))
  (core func $stream-drop-readable (canon stream.drop-readable $bytes))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $entries-read (canon stream.read $entries (memory $memory) (realloc $cabi-realloc)))
  (core func $entries-drop-readable (canon stream.drop-readable $entries))
  (core func $fs-future-read (canon future.read $fs-done (memory $memory) (realloc $cabi-realloc)))
  (core func $fs-future-drop-readable (canon future.drop-readable $fs-done))
  (core func $cli-future-read (canon future.read $cli-done (memory $memory)))
  (core func $cli-future-drop-readable (canon future.drop-readable $cli-done))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-readable" (func $stream-drop-readable))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "entries.read" (func $entries-read))
    (export "entries.drop-readable" (func $entries-drop-readable))
    (export "fs-future.read" (func $fs-future-read))
    (export "fs-future.drop-readable" (func $fs-future-drop-readable))
    (export "cli-future.read" (func $cli-future-read))
    (export "cli-future.drop-readable" (func $cli-future-drop-readable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "preopens" "get-directories" (func $get-directories (param i32)))
    (import "types" "[method]descriptor.open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "types" "[method]descriptor.stat-at" (func $stat-at (param i32 i32 i32 i32 i32) (result i32)))
    (import "types" "[method]descriptor.read-via-stream" (func $read-via-stream (param i32 i64 i32)))
    (import "types" "[method]descriptor.write-via-stream" (func $write-via-stream (param i32 i32 i64) (result i32)))
    (import "types" "[method]descriptor.append-via-stream" (func $append-via-stream (param i32 i32) (result i32)))
    (import "types" "[method]descriptor.read-directory" (func $read-directory (param i32 i32)))
    (import "types" "[resource-drop]descriptor" (func $descriptor-drop (param i32)))
    (import "stdout" "write-via-stream" (func $stdout-write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-readable" (func $stream-drop-readable (param i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "entries.read" (func $entries-read (param i32 i32 i32) (result i32)))
    (import "async" "entries.drop-readable" (func $entries-drop-readable (param i32)))
    (import "async" "fs-future.read" (func $fs-future-read (param i32 i32) (result i32)))
    (import "async" "fs-future.drop-readable" (func $fs-future-drop-readable (param i32)))
    (import "async" "cli-future.read" (func $cli-future-read (param i32 i32) (result i32)))
    (import "async" "cli-future.drop-readable" (func $cli-future-drop-readable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 16) "input.txt")    ;; 9
    (data (i32.const 32) "out.txt")      ;; 7
    (data (i32.const 48) "missing.txt")  ;; 11
    (data (i32.const 64) "appended\0a")  ;; 9
    (data (i32.const 80) "entries: ")    ;; 9
    (global $preopens i32 (i32.const 1024))  ;; list<tuple<descriptor, string>>: ptr, len
    (global $opened i32 (i32.const 1040))    ;; result<descriptor, error-code>: 20 bytes
    (global $ends i32 (i32.const 1072))      ;; tuple<stream, future>
    (global $status i32 (i32.const 1088))    ;; result<_, error-code>: 20 bytes
    (global $stat i32 (i32.const 1120))      ;; result<descriptor-stat, error-code>: 112 bytes
    (global $buf i32 (i32.const 2048))       ;; file contents, up to 4096 bytes
    (global $cap i32 (i32.const 4096))
    (global $entry-buf i32 (i32.const 8192)) ;; 16 directory entries of 24 bytes
    (global $out i32 (i32.const 12288))      ;; what goes to stdout

    ;; open-at(dir, flags, path) -> the descriptor; any error: unreachable
    (func $open (param $dir i32) (param $path i32) (param $len i32) (param $oflags i32) (param $dflags i32)
                (result i32)
      (call $open-at (local.get $dir) (i32.const 1 (; symlink-follow ;)) (local.get $path) (local.get $len)
                     (local.get $oflags) (local.get $dflags) (global.get $opened))
      (if (i32.ne (i32.load8_u (global.get $opened)) (i32.const 0 (; ok ;))) (then unreachable))
      (i32.load offset=4 (global.get $opened)))

    ;; A future<result<_, error-code>> of the filesystem, read (sync) and
    ;; dropped: -1 if ok, else the error-code's case.
    (func $fs-outcome (param $future i32) (result i32)
      (local $case i32)
      (if (i32.ne (call $fs-future-read (local.get $future) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $fs-future-drop-readable (local.get $future))
      (local.set $case (i32.const -1))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;)))
        (then (local.set $case (i32.load8_u offset=4 (global.get $status)))))
      (local.get $case))

    ;; Reads stream<u8> `s` to its end into buf + at; returns how many bytes.
    (func $read-all (param $s i32) (param $at i32) (result i32)
      (local $n i32) (local $r i32)
      (loop $more
        (local.set $r (call $stream-read (local.get $s) (i32.add (global.get $buf) (i32.add (local.get $at) (local.get $n)))
                                         (i32.sub (global.get $cap) (i32.add (local.get $at) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.shr_u (local.get $r) (i32.const 4))))
        (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 0 (; COMPLETED ;)))
          (then
            (if (i32.ge_u (i32.add (local.get $at) (local.get $n)) (global.get $cap)) (then unreachable))
            (br $more)))
        (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;))) (then unreachable)))
      (call $stream-drop-readable (local.get $s))
      (local.get $n))

    ;; read-via-stream(d, 0) to the end into buf + at; returns how many bytes
    ;; and the future's outcome (-1: ok).
    (func $read-file (param $d i32) (param $at i32) (result i32 i32)
      (local $n i32)
      (call $read-via-stream (local.get $d) (i64.const 0) (global.get $ends))
      (local.set $n (call $read-all (i32.load (global.get $ends)) (local.get $at)))
      (local.get $n)
      (call $fs-outcome (i32.load offset=4 (global.get $ends))))

    ;; Writes `len` bytes at `ptr` into writable end `w` (a sync write the
    ;; host's end takes whole), then ends the stream.
    (func $write-bytes (param $w i32) (param $ptr i32) (param $len i32)
      ;; COMPLETED (0) | len << 4: the host takes everything at once
      (if (i32.ne (call $stream-write (local.get $w) (local.get $ptr) (local.get $len))
                  (i32.shl (local.get $len) (i32.const 4)))
        (then unreachable))
      (call $stream-drop-writable (local.get $w)))

    (func (export "run") (result i32)
      (local $dir i32) (local $in i32) (local $out-d i32) (local $app-d i32) (local $back i32)
      (local $n i32) (local $m i32) (local $ends64 i64) (local $fut i32) (local $r i32) (local $count i32)
      ;; 1. the first preopen
      (call $get-directories (global.get $preopens))
      (if (i32.eqz (i32.load offset=4 (global.get $preopens))) (then unreachable))
      (local.set $dir (i32.load (i32.load (global.get $preopens))))

      ;; 2. input.txt, through a stream
      (local.set $in (call $open (local.get $dir) (i32.const 16) (i32.const 9) (i32.const 0) (i32.const 1 (; read ;))))
      (call $read-file (local.get $in) (i32.const 0))
      (if (i32.ne (i32.const -1)) (then unreachable))
      (local.set $n)

      ;; 3. out.txt: written at 0, then appended to
      (local.set $out-d (call $open (local.get $dir) (i32.const 32) (i32.const 7)
                                    (i32.const 9 (; create | truncate ;)) (i32.const 2 (; write ;))))
      (local.set $ends64 (call $stream-new))
      (local.set $fut (call $write-via-stream (local.get $out-d) (i32.wrap_i64 (local.get $ends64)) (i64.const 0)))
      (call $write-bytes (i32.wrap_i64 (i64.shr_u (local.get $ends64) (i64.const 32))) (global.get $buf) (local.get $n))
      (if (i32.ne (call $fs-outcome (local.get $fut)) (i32.const -1)) (then unreachable))
      (local.set $app-d (call $open (local.get $dir) (i32.const 32) (i32.const 7) (i32.const 0) (i32.const 2 (; write ;))))
      (local.set $ends64 (call $stream-new))
      (local.set $fut (call $append-via-stream (local.get $app-d) (i32.wrap_i64 (local.get $ends64))))
      (call $write-bytes (i32.wrap_i64 (i64.shr_u (local.get $ends64) (i64.const 32))) (i32.const 64) (i32.const 9))
      (if (i32.ne (call $fs-outcome (local.get $fut)) (i32.const -1)) (then unreachable))

      ;; 4. a write-only descriptor cannot be read: no bytes, err(bad-descriptor)
      (call $read-file (local.get $out-d) (i32.const 0))
      (if (i32.ne (i32.const 2 (; bad-descriptor ;))) (then unreachable))
      (if (i32.ne (i32.const 0)) (then unreachable))

      ;; 5. missing.txt: err(no-entry)
      (call $open-at (local.get $dir) (i32.const 0) (i32.const 48) (i32.const 11) (i32.const 0) (i32.const 1)
                     (global.get $opened))
      (if (i32.ne (i32.load8_u (global.get $opened)) (i32.const 1 (; err ;))) (then unreachable))
      (if (i32.ne (i32.load8_u offset=4 (global.get $opened)) (i32.const 19 (; no-entry ;))) (then unreachable))

      ;; 6. stat-at, lowered async: RETURNED at once
      (if (i32.ne (call $stat-at (local.get $dir) (i32.const 0) (i32.const 32) (i32.const 7) (global.get $stat))
                  (i32.const 2 (; RETURNED ;)))
        (then unreachable))
      (if (i32.ne (i32.load8_u (global.get $stat)) (i32.const 0 (; ok ;))) (then unreachable))
      (if (i32.ne (i32.load8_u offset=8 (global.get $stat)) (i32.const 5 (; regular-file ;))) (then unreachable))
      (if (i64.ne (i64.load offset=32 (global.get $stat)) (i64.extend_i32_u (i32.add (local.get $n) (i32.const 9))))
        (then unreachable))

      ;; 7. the directory's entries
      (call $read-directory (local.get $dir) (global.get $ends))
      (loop $more
        (local.set $r (call $entries-read (i32.load (global.get $ends)) (global.get $entry-buf) (i32.const 16)))
        (local.set $count (i32.add (local.get $count) (i32.shr_u (local.get $r) (i32.const 4))))
        (br_if $more (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 0 (; COMPLETED ;))))
        (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;))) (then unreachable)))
      (call $entries-drop-readable (i32.load (global.get $ends)))
      (if (i32.ne (call $fs-outcome (i32.load offset=4 (global.get $ends))) (i32.const -1)) (then unreachable))
      (if (i32.gt_u (local.get $count) (i32.const 9)) (then unreachable))

      ;; 8. out.txt read back, to stdout with the count
      (local.set $back (call $open (local.get $dir) (i32.const 32) (i32.const 7) (i32.const 0) (i32.const 1 (; read ;))))
      (call $read-file (local.get $back) (i32.const 0))
      (if (i32.ne (i32.const -1)) (then unreachable))
      (local.set $m)
      (if (i32.ne (local.get $m) (i32.add (local.get $n) (i32.const 9))) (then unreachable))
      (memory.copy (i32.add (global.get $buf) (local.get $m)) (i32.const 80) (i32.const 9))
      (i32.store8 (i32.add (global.get $buf) (i32.add (local.get $m) (i32.const 9)))
                  (i32.add (i32.const 48 (; '0' ;)) (local.get $count)))
      (i32.store8 (i32.add (global.get $buf) (i32.add (local.get $m) (i32.const 10))) (i32.const 10))
      (local.set $ends64 (call $stream-new))
      (local.set $fut (call $stdout-write-via-stream (i32.wrap_i64 (local.get $ends64))))
      (call $write-bytes (i32.wrap_i64 (i64.shr_u (local.get $ends64) (i64.const 32)))
                         (global.get $buf) (i32.add (local.get $m) (i32.const 11)))
      (if (i32.ne (call $cli-future-read (local.get $fut) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $cli-future-drop-readable (local.get $fut))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable))

      (call $descriptor-drop (local.get $back))
      (call $descriptor-drop (local.get $app-d))
      (call $descriptor-drop (local.get $out-d))
      (call $descriptor-drop (local.get $in))
      (call $descriptor-drop (local.get $dir))
      (call $task-return (i32.const 0 (; ok ;)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param i32 i32 i32) (result i32)
      unreachable)
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "preopens" (instance $i-preopens))
    (with "types" (instance $i-fs-types))
    (with "stdout" (instance $i-stdout))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

;; udp_echo: a WASI 0.3 command that sends a UDP datagram to itself over
;; loopback with wasi:sockets@0.3.0.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`; it finishes in the
;; first call, so the callback is never called):
;;   1. a = [static]udp-socket.create(ipv4); bind(127.0.0.1:0);
;;      get-local-address: its port.
;;   2. b = create(ipv4); send(b, "ping\n", some(127.0.0.1:port)) (an async
;;      func lowered sync: 16 flat parameters, self, the list and the option
;;      of the 12-i32 ip-socket-address; b is bound implicitly).
;;   3. receive(a): "ping\n" and where it came from (the result's tuple is at
;;      the return pointer: the list at +4, the address variant at +12, its
;;      ipv4 port at +16 and bytes at +18); a sends it back there; receive(b)
;;      gets it.
;;   4. stdout (a 0.3 stream) gets "udp: " and the echo; task.return ok, EXIT.
;; Any other result, case or length: `unreachable`.
;;
;; Expected, with --allow-udp 127.0.0.1:*: stdout "udp: ping\n", exit 0.
;; Without the grant, bind is access-denied: the guest traps.
(component
  ;; wasi:sockets/types@0.3.0, the types and functions this command uses.
  (type $sockets-t (instance
    (type $error-code-t (variant
      (case "access-denied") (case "not-supported") (case "invalid-argument") (case "out-of-memory")
      (case "timeout") (case "invalid-state") (case "address-not-bindable") (case "address-in-use")
      (case "remote-unreachable") (case "connection-refused") (case "connection-broken")
      (case "connection-reset") (case "connection-aborted") (case "datagram-too-large")
      (case "other" (option string))))
    (export "error-code" (type $error-code (eq $error-code-t)))
    (type $family-t (enum "ipv4" "ipv6"))
    (export "ip-address-family" (type $family (eq $family-t)))
    (type $ipv4-address-t (tuple u8 u8 u8 u8))
    (export "ipv4-address" (type $ipv4-address (eq $ipv4-address-t)))
    (type $ipv6-address-t (tuple u16 u16 u16 u16 u16 u16 u16 u16))
    (export "ipv6-address" (type $ipv6-address (eq $ipv6-address-t)))
    (type $ipv4-socket-address-t (record (field "port" u16) (field "address" $ipv4-address)))
    (export "ipv4-socket-address" (type $ipv4-socket-address (eq $ipv4-socket-address-t)))
    (type $ipv6-socket-address-t (record (field "port" u16) (field "flow-info" u32)
                                         (field "address" $ipv6-address) (field "scope-id" u32)))
    (export "ipv6-socket-address" (type $ipv6-socket-address (eq $ipv6-socket-address-t)))
    (type $ip-socket-address-t (variant (case "ipv4" $ipv4-socket-address) (case "ipv6" $ipv6-socket-address)))
    (export "ip-socket-address" (type $ip-socket-address (eq $ip-socket-address-t)))
    (export "udp-socket" (type $udp-socket (sub resource)))
    (type $self (borrow $udp-socket))
    (type $socket-own (own $udp-socket))
    (type $status (result (error $error-code)))
    (type $create-r (result $socket-own (error $error-code)))
    (export "[static]udp-socket.create" (func (param "address-family" $family) (result $create-r)))
    (export "[method]udp-socket.bind"
      (func (param "self" $self) (param "local-address" $ip-socket-address) (result $status)))
    (type $bytes (list u8))
    (type $remote (option $ip-socket-address))
    (export "[method]udp-socket.send"
      (func async (param "self" $self) (param "data" $bytes) (param "remote-address" $remote) (result $status)))
    (type $datagram (tuple $bytes $ip-socket-address))
    (type $receive-r (result $datagram (error $error-code)))
    (export "[method]udp-socket.receive" (func async (param "self" $self) (result $receive-r)))
    (type $address-r (result $ip-socket-address (error $error-code)))
    (export "[method]udp-socket.get-local-address" (func (param "self" $self) (result $address-r)))
  ))
  (import "wasi:sockets/types@0.3.0" (instance $sockets (type $sockets-t)))
  (alias export $sockets "udp-socket" (type $udp-socket))

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
  (type $cli-status (result (error $cli-error-code)))
  (type $cli-done (future $cli-status))
  (type $run-result (result))

  (core func $create (canon lower (func $sockets "[static]udp-socket.create") (memory $memory) (realloc $cabi-realloc)))
  (core func $bind (canon lower (func $sockets "[method]udp-socket.bind") (memory $memory) (realloc $cabi-realloc)))
  (core func $send (canon lower (func $sockets "[method]udp-socket.send") (memory $memory) (realloc $cabi-realloc)))
  (core func $receive (canon lower (func $sockets "[method]udp-socket.receive") (memory $memory) (realloc $cabi-realloc)))
  (core func $local-address
    (canon lower (func $sockets "[method]udp-socket.get-local-address") (memory $memory) (realloc $cabi-realloc)))
  (core func $socket-drop (canon resource.drop $udp-socket))
  (core instance $i-sockets
    (export "create" (func $create))
    (export "bind" (func $bind))
    (export "send" (func $send))
    (export "receive" (func $receive))
    (export "get-local-address" (func $local-address))
    (export "drop" (func $socket-drop)))
  (core func $stdout-write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core instance $i-stdout (export "write-via-stream" (func $stdout-write-via-stream)))

  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-write (canon stream.write $bytes (memory $memory)))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $cli-future-read (canon future.read $cli-done (memory $memory)))
  (core func $cli-future-drop-readable (canon future.drop-readable $cli-done))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "cli-future.read" (func $cli-future-read))
    (export "cli-future.drop-readable" (func $cli-future-drop-readable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "sockets" "create" (func $create (param i32 i32)))
    (import "sockets" "bind" (func $bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "sockets" "send"
      (func $send (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "sockets" "receive" (func $receive (param i32 i32)))
    (import "sockets" "get-local-address" (func $local-address (param i32 i32)))
    (import "sockets" "drop" (func $socket-drop (param i32)))
    (import "stdout" "write-via-stream" (func $stdout-write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "cli-future.read" (func $cli-future-read (param i32 i32) (result i32)))
    (import "async" "cli-future.drop-readable" (func $cli-future-drop-readable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 16) "ping\0a")  ;; 5
    (data (i32.const 32) "udp: ")    ;; 5
    (global $ret i32 (i32.const 1024))      ;; results at a return pointer (up to 44 bytes)
    (global $got i32 (i32.const 1088))      ;; a received datagram (44 bytes)
    (global $status i32 (i32.const 1152))   ;; result<_, cli error-code>
    (global $buf i32 (i32.const 2048))      ;; what goes to stdout

    (func $new-socket (result i32)
      (call $create (i32.const 0 (; ipv4 ;)) (global.get $ret))
      (if (i32.ne (i32.load8_u (global.get $ret)) (i32.const 0 (; ok ;))) (then unreachable))
      (i32.load offset=4 (global.get $ret)))

    (func $expect-ok
      (if (i32.ne (i32.load8_u (global.get $ret)) (i32.const 0 (; ok ;))) (then unreachable)))

    ;; send(sock, bytes, some(127.0.0.1:port))
    (func $send-to (param $sock i32) (param $ptr i32) (param $len i32) (param $port i32)
      (call $send (local.get $sock) (local.get $ptr) (local.get $len)
        (i32.const 1 (; some ;)) (i32.const 0 (; ipv4 ;)) (local.get $port)
        (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (global.get $ret))
      (call $expect-ok))

    ;; receive(sock) into $got: ok, from an ipv4 address; returns the length
    (func $receive-one (param $sock i32) (result i32)
      (call $receive (local.get $sock) (global.get $got))
      (if (i32.ne (i32.load8_u (global.get $got)) (i32.const 0 (; ok ;))) (then unreachable))
      (if (i32.ne (i32.load8_u offset=12 (global.get $got)) (i32.const 0 (; ipv4 ;))) (then unreachable))
      (i32.load offset=8 (global.get $got)))

    (func (export "run") (result i32)
      (local $a i32) (local $b i32) (local $port i32) (local $n i32) (local $ends i64) (local $w i32) (local $fut i32)
      ;; 1. a, on 127.0.0.1 and a port of the system's choosing
      (local.set $a (call $new-socket))
      (call $bind (local.get $a)
        (i32.const 0 (; ipv4 ;)) (i32.const 0 (; port ;))
        (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (global.get $ret))
      (call $expect-ok)
      (call $local-address (local.get $a) (global.get $ret))
      (call $expect-ok)
      (local.set $port (i32.load16_u offset=8 (global.get $ret)))
      (if (i32.eqz (local.get $port)) (then unreachable))

      ;; 2. b sends to a
      (local.set $b (call $new-socket))
      (call $send-to (local.get $b) (i32.const 16) (i32.const 5) (local.get $port))

      ;; 3. a receives it and sends it back to where it came from
      (local.set $n (call $receive-one (local.get $a)))
      (if (i32.ne (local.get $n) (i32.const 5)) (then unreachable))
      (call $send-to (local.get $a) (i32.load offset=4 (global.get $got)) (local.get $n)
                     (i32.load16_u offset=16 (global.get $got)))
      (local.set $n (call $receive-one (local.get $b)))
      (if (i32.ne (local.get $n) (i32.const 5)) (then unreachable))

      ;; 4. stdout: "udp: " + the echo
      (memory.copy (global.get $buf) (i32.const 32) (i32.const 5))
      (memory.copy (i32.add (global.get $buf) (i32.const 5)) (i32.load offset=4 (global.get $got)) (i32.const 5))
      (local.set $ends (call $stream-new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $fut (call $stdout-write-via-stream (i32.wrap_i64 (local.get $ends))))
      (if (i32.ne (call $stream-write (local.get $w) (global.get $buf) (i32.const 10))
                  (i32.const 160 (; COMPLETED | 10 << 4 ;)))
        (then unreachable))
      (call $stream-drop-writable (local.get $w))
      (if (i32.ne (call $cli-future-read (local.get $fut) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $cli-future-drop-readable (local.get $fut))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable))

      (call $socket-drop (local.get $b))
      (call $socket-drop (local.get $a))
      (call $task-return (i32.const 0 (; ok ;)))
      (i32.const 0 (; EXIT ;)))

    (func (export "cb") (param i32 i32 i32) (result i32)
      unreachable)
  )
  (core instance $main (instantiate $main-module
    (with "env" (instance $mem))
    (with "sockets" (instance $i-sockets))
    (with "stdout" (instance $i-stdout))
    (with "async" (instance $i-async))))

  ;; wasi:cli/run@0.3.0: `run: async func() -> result;`
  (type $run-f (func async (result $run-result)))
  (func $run (type $run-f)
    (canon lift (core func $main "run") async (callback (core func $main "cb"))))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $run-instance))
)

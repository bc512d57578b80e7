;; tcp_echo: a WASI 0.3 command that talks TCP to itself over loopback with
;; wasi:sockets@0.3.0, every copy synchronous.
;;
;; run (wasi:cli/run@0.3.0, lifted `async (callback $cb)`; it finishes in the
;; first call, so the callback is never called):
;;   1. listener = [static]tcp-socket.create(ipv4); bind(127.0.0.1:0);
;;      listen() -> stream<tcp-socket>; get-local-address: its port.
;;      (ip-socket-address flattens to 12 i32: the case, then the joined
;;      payload of ipv4 {port, 4 x u8} and ipv6 {port, flow-info, 8 x u16,
;;      scope-id}; with `self`, 13 parameters, and the result<_, error-code>
;;      at a return pointer.)
;;   2. client = create(ipv4); connect(127.0.0.1:port): ok (an async func
;;      lowered sync: the host has made the connection when it returns).
;;      connect again: err(invalid-state) (case 5).
;;   3. the listener's stream gives one element, the accepted connection
;;      (an own<tcp-socket> the host made).
;;   4. client send(stream): "ping\n" written, stream.drop-writable (the host
;;      shuts the sending side down), its future ok.
;;   5. server side receive(): the stream is read to its end (DROPPED after
;;      the client's FIN): "ping\n"; future ok. The server sends those bytes
;;      back the same way; the client reads them to the end.
;;   6. stdout (a 0.3 stream) gets "got: " and what came back; everything is
;;      dropped; task.return ok, EXIT.
;; Any other result, code, case, count or length: `unreachable`.
;;
;; Expected, with --allow-tcp 127.0.0.1:*: stdout "got: ping\n", exit 0.
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
    (export "tcp-socket" (type $tcp-socket (sub resource)))
    (type $self (borrow $tcp-socket))
    (type $socket-own (own $tcp-socket))
    (type $status (result (error $error-code)))
    (type $done (future $status))
    (type $bytes (stream u8))
    (type $connections (stream $socket-own))
    (type $create-r (result $socket-own (error $error-code)))
    (export "[static]tcp-socket.create" (func (param "address-family" $family) (result $create-r)))
    (export "[method]tcp-socket.bind"
      (func (param "self" $self) (param "local-address" $ip-socket-address) (result $status)))
    (export "[method]tcp-socket.connect"
      (func async (param "self" $self) (param "remote-address" $ip-socket-address) (result $status)))
    (type $listen-r (result $connections (error $error-code)))
    (export "[method]tcp-socket.listen" (func (param "self" $self) (result $listen-r)))
    (export "[method]tcp-socket.send" (func (param "self" $self) (param "data" $bytes) (result $done)))
    (type $receive-r (tuple $bytes $done))
    (export "[method]tcp-socket.receive" (func (param "self" $self) (result $receive-r)))
    (type $address-r (result $ip-socket-address (error $error-code)))
    (export "[method]tcp-socket.get-local-address" (func (param "self" $self) (result $address-r)))
  ))
  (import "wasi:sockets/types@0.3.0" (instance $sockets (type $sockets-t)))
  (alias export $sockets "tcp-socket" (type $tcp-socket))
  (alias export $sockets "error-code" (type $net-error-code))

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

  (type $socket-own (own $tcp-socket))
  (type $bytes (stream u8))
  (type $connections (stream $socket-own))
  (type $net-status (result (error $net-error-code)))
  (type $net-done (future $net-status))
  (type $cli-status (result (error $cli-error-code)))
  (type $cli-done (future $cli-status))
  (type $run-result (result))

  (core func $create (canon lower (func $sockets "[static]tcp-socket.create") (memory $memory) (realloc $cabi-realloc)))
  (core func $bind (canon lower (func $sockets "[method]tcp-socket.bind") (memory $memory) (realloc $cabi-realloc)))
  (core func $connect (canon lower (func $sockets "[method]tcp-socket.connect") (memory $memory) (realloc $cabi-realloc)))
  (core func $listen (canon lower (func $sockets "[method]tcp-socket.listen") (memory $memory) (realloc $cabi-realloc)))
  (core func $send (canon lower (func $sockets "[method]tcp-socket.send")))
  (core func $receive (canon lower (func $sockets "[method]tcp-socket.receive") (memory $memory)))
  (core func $local-address
    (canon lower (func $sockets "[method]tcp-socket.get-local-address") (memory $memory) (realloc $cabi-realloc)))
  (core func $socket-drop (canon resource.drop $tcp-socket))
  (core instance $i-sockets
    (export "create" (func $create))
    (export "bind" (func $bind))
    (export "connect" (func $connect))
    (export "listen" (func $listen))
    (export "send" (func $send))
    (export "receive" (func $receive))
    (export "get-local-address" (func $local-address))
    (export "drop" (func $socket-drop)))
  (core func $stdout-write-via-stream (canon lower (func $stdout "write-via-stream")))
  (core instance $i-stdout (export "write-via-stream" (func $stdout-write-via-stream)))

  ;; no `async`: synchronous copies
  (core func $stream-new (canon stream.new $bytes))
  (core func $stream-read (canon stream.read $bytes (memory $memory)))
  (core func $stream-write (canon stream.write $bytes (memory $memory)))
  (core func $stream-drop-readable (canon stream.drop-readable $bytes))
  (core func $stream-drop-writable (canon stream.drop-writable $bytes))
  (core func $connections-read (canon stream.read $connections (memory $memory)))
  (core func $connections-drop-readable (canon stream.drop-readable $connections))
  (core func $net-future-read (canon future.read $net-done (memory $memory) (realloc $cabi-realloc)))
  (core func $net-future-drop-readable (canon future.drop-readable $net-done))
  (core func $cli-future-read (canon future.read $cli-done (memory $memory)))
  (core func $cli-future-drop-readable (canon future.drop-readable $cli-done))
  (core func $task-return (canon task.return (result $run-result)))
  (core instance $i-async
    (export "stream.new" (func $stream-new))
    (export "stream.read" (func $stream-read))
    (export "stream.write" (func $stream-write))
    (export "stream.drop-readable" (func $stream-drop-readable))
    (export "stream.drop-writable" (func $stream-drop-writable))
    (export "connections.read" (func $connections-read))
    (export "connections.drop-readable" (func $connections-drop-readable))
    (export "net-future.read" (func $net-future-read))
    (export "net-future.drop-readable" (func $net-future-drop-readable))
    (export "cli-future.read" (func $cli-future-read))
    (export "cli-future.drop-readable" (func $cli-future-drop-readable))
    (export "task.return" (func $task-return)))

  (core module $main-module
    (import "env" "memory" (memory 1))
    (import "sockets" "create" (func $create (param i32 i32)))
    (import "sockets" "bind" (func $bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "sockets" "connect" (func $connect (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "sockets" "listen" (func $listen (param i32 i32)))
    (import "sockets" "send" (func $send (param i32 i32) (result i32)))
    (import "sockets" "receive" (func $receive (param i32 i32)))
    (import "sockets" "get-local-address" (func $local-address (param i32 i32)))
    (import "sockets" "drop" (func $socket-drop (param i32)))
    (import "stdout" "write-via-stream" (func $stdout-write-via-stream (param i32) (result i32)))
    (import "async" "stream.new" (func $stream-new (result i64)))
    (import "async" "stream.read" (func $stream-read (param i32 i32 i32) (result i32)))
    (import "async" "stream.write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "async" "stream.drop-readable" (func $stream-drop-readable (param i32)))
    (import "async" "stream.drop-writable" (func $stream-drop-writable (param i32)))
    (import "async" "connections.read" (func $connections-read (param i32 i32 i32) (result i32)))
    (import "async" "connections.drop-readable" (func $connections-drop-readable (param i32)))
    (import "async" "net-future.read" (func $net-future-read (param i32 i32) (result i32)))
    (import "async" "net-future.drop-readable" (func $net-future-drop-readable (param i32)))
    (import "async" "cli-future.read" (func $cli-future-read (param i32 i32) (result i32)))
    (import "async" "cli-future.drop-readable" (func $cli-future-drop-readable (param i32)))
    (import "async" "task.return" (func $task-return (param i32)))

    (data (i32.const 16) "ping\0a")  ;; 5
    (data (i32.const 32) "got: ")    ;; 5
    (global $ret i32 (i32.const 1024))      ;; results at a return pointer (up to 36 bytes)
    (global $pair i32 (i32.const 1088))     ;; tuple<stream, future>
    (global $status i32 (i32.const 1104))   ;; result<_, error-code>: 20 bytes
    (global $conn-buf i32 (i32.const 1152)) ;; one accepted tcp-socket handle
    (global $buf i32 (i32.const 2048))      ;; what goes to stdout: "got: " + the echo
    (global $cap i32 (i32.const 4096))

    ;; create(ipv4) -> the socket
    (func $new-socket (result i32)
      (call $create (i32.const 0 (; ipv4 ;)) (global.get $ret))
      (if (i32.ne (i32.load8_u (global.get $ret)) (i32.const 0 (; ok ;))) (then unreachable))
      (i32.load offset=4 (global.get $ret)))

    ;; The error-code case of the result<_, error-code> at $ret, or -1 if ok.
    (func $outcome (result i32)
      (if (result i32) (i32.eqz (i32.load8_u (global.get $ret)))
        (then (i32.const -1))
        (else (i32.load8_u offset=4 (global.get $ret)))))

    ;; A future<result<_, error-code>> of wasi:sockets, read (sync) and
    ;; dropped: it must be ok.
    (func $expect-ok (param $future i32)
      (if (i32.ne (call $net-future-read (local.get $future) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $net-future-drop-readable (local.get $future))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable)))

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

    ;; receive() on `sock`, read to the end into buf + at; returns the bytes.
    (func $receive-all (param $sock i32) (param $at i32) (result i32)
      (local $n i32)
      (call $receive (local.get $sock) (global.get $pair))
      (local.set $n (call $read-all (i32.load (global.get $pair)) (local.get $at)))
      (call $expect-ok (i32.load offset=4 (global.get $pair)))
      (local.get $n))

    ;; send(sock, stream) of `len` bytes at `ptr`, then the end of the stream.
    (func $send-all (param $sock i32) (param $ptr i32) (param $len i32)
      (local $ends i64) (local $w i32) (local $fut i32)
      (local.set $ends (call $stream-new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $fut (call $send (local.get $sock) (i32.wrap_i64 (local.get $ends))))
      ;; COMPLETED (0) | len << 4: the host takes everything at once
      (if (i32.ne (call $stream-write (local.get $w) (local.get $ptr) (local.get $len))
                  (i32.shl (local.get $len) (i32.const 4)))
        (then unreachable))
      (call $stream-drop-writable (local.get $w))
      (call $expect-ok (local.get $fut)))

    (func (export "run") (result i32)
      (local $listener i32) (local $conns i32) (local $port i32) (local $client i32) (local $server i32)
      (local $n i32) (local $ends i64) (local $fut i32)
      ;; 1. a listener on 127.0.0.1, port of the system's choosing
      (local.set $listener (call $new-socket))
      (call $bind (local.get $listener)
        (i32.const 0 (; ipv4 ;)) (i32.const 0 (; port ;))
        (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (global.get $ret))
      (if (i32.ne (call $outcome) (i32.const -1)) (then unreachable))
      (call $listen (local.get $listener) (global.get $ret))
      (if (i32.ne (i32.load8_u (global.get $ret)) (i32.const 0 (; ok ;))) (then unreachable))
      (local.set $conns (i32.load offset=4 (global.get $ret)))
      (call $local-address (local.get $listener) (global.get $ret))
      (if (i32.ne (i32.load8_u (global.get $ret)) (i32.const 0 (; ok ;))) (then unreachable))
      (if (i32.ne (i32.load8_u offset=4 (global.get $ret)) (i32.const 0 (; ipv4 ;))) (then unreachable))
      (local.set $port (i32.load16_u offset=8 (global.get $ret)))
      (if (i32.eqz (local.get $port)) (then unreachable))

      ;; 2. a client connected to it; a second connect is invalid-state
      (local.set $client (call $new-socket))
      (call $connect (local.get $client)
        (i32.const 0 (; ipv4 ;)) (local.get $port)
        (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (global.get $ret))
      (if (i32.ne (call $outcome) (i32.const -1)) (then unreachable))
      (call $connect (local.get $client)
        (i32.const 0 (; ipv4 ;)) (local.get $port)
        (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (global.get $ret))
      (if (i32.ne (call $outcome) (i32.const 5 (; invalid-state ;))) (then unreachable))

      ;; 3. the accepted connection: COMPLETED | 1 << 4
      (if (i32.ne (call $connections-read (local.get $conns) (global.get $conn-buf) (i32.const 1)) (i32.const 16))
        (then unreachable))
      (local.set $server (i32.load (global.get $conn-buf)))

      ;; 4.-5. ping, and its echo
      (call $send-all (local.get $client) (i32.const 16) (i32.const 5))
      (local.set $n (call $receive-all (local.get $server) (i32.const 0)))
      (if (i32.ne (local.get $n) (i32.const 5)) (then unreachable))
      (call $send-all (local.get $server) (global.get $buf) (local.get $n))
      (memory.copy (global.get $buf) (i32.const 32) (i32.const 5))
      (local.set $n (call $receive-all (local.get $client) (i32.const 5)))
      (if (i32.ne (local.get $n) (i32.const 5)) (then unreachable))

      ;; 6. stdout
      (local.set $ends (call $stream-new))
      (local.set $fut (call $stdout-write-via-stream (i32.wrap_i64 (local.get $ends))))
      (if (i32.ne (call $stream-write (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))
                                      (global.get $buf) (i32.const 10))
                  (i32.const 160 (; COMPLETED | 10 << 4 ;)))
        (then unreachable))
      (call $stream-drop-writable (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (if (i32.ne (call $cli-future-read (local.get $fut) (global.get $status)) (i32.const 0 (; COMPLETED ;)))
        (then unreachable))
      (call $cli-future-drop-readable (local.get $fut))
      (if (i32.ne (i32.load8_u (global.get $status)) (i32.const 0 (; ok ;))) (then unreachable))

      (call $connections-drop-readable (local.get $conns))
      (call $socket-drop (local.get $server))
      (call $socket-drop (local.get $client))
      (call $socket-drop (local.get $listener))
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

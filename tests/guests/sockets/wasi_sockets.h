/* Hand-declared WASI 0.2 imports for guests that call wasi:sockets directly
 * (wasi-libc has no sockets). Each import is the canonical ABI's flat core
 * signature: arguments flattened (a variant is its discriminant followed by
 * the joined payload slots), and a result of more than one flat value
 * written through a trailing return pointer. The structs below mirror the
 * canonical ABI memory layout of those results (checked by _Static_assert).
 * component.wat declares the same functions on the component side. */
#pragma once
#include <stdint.h>

#define WASI_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define NET "wasi:sockets/network@0.2.0"
#define TCP "wasi:sockets/tcp@0.2.0"
#define UDP "wasi:sockets/udp@0.2.0"
#define LOOKUP "wasi:sockets/ip-name-lookup@0.2.0"

/* --- layouts ------------------------------------------------------------ */

/* ip-socket-address: u8 tag, payload at 4 (ipv6 record is the largest). */
typedef struct {
  uint8_t tag; /* 0 ipv4, 1 ipv6 */
  uint8_t _pad[3];
  union {
    struct { uint16_t port; uint8_t addr[4]; } v4;
    struct { uint16_t port; uint16_t _pad; uint32_t flow_info; uint16_t addr[8]; uint32_t scope_id; } v6;
  } u;
} ip_socket_address;
_Static_assert(sizeof(ip_socket_address) == 32, "ip-socket-address layout");

/* result<_, error-code> */
typedef struct { uint8_t is_err; uint8_t code; } res_unit;
/* result<own<T>, error-code> */
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { int32_t handle; uint8_t code; } v; } res_handle;
/* result<tuple<own<input-stream>, own<output-stream>>, error-code> */
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { struct { int32_t in, out; } ok; uint8_t code; } v; } res_streams;
/* result<tuple<own<tcp-socket>, own<input-stream>, own<output-stream>>, error-code> */
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { struct { int32_t sock, in, out; } ok; uint8_t code; } v; } res_accept;
/* result<ip-socket-address, error-code> */
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { ip_socket_address ok; uint8_t code; } v; } res_addr;
/* result<u64, error-code> */
typedef struct { uint8_t is_err; uint8_t _pad[7]; union { uint64_t n; uint8_t code; } v; } res_u64;
/* result<bool|u8, error-code> */
typedef struct { uint8_t is_err; uint8_t v; } res_u8;
/* result<u32, error-code> */
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { uint32_t n; uint8_t code; } v; } res_u32;
/* result<option<ip-address>, error-code>: payload at 2, ip-address at 4, its bytes at 6 */
typedef struct {
  uint8_t is_err; uint8_t _pad1;
  uint8_t some_or_code; uint8_t _pad2;
  uint8_t family; uint8_t _pad3;
  union { uint8_t v4[4]; uint16_t v6[8]; } addr;
} res_next_address;
_Static_assert(sizeof(res_next_address) == 22, "result<option<ip-address>> layout");

/* stream results: stream-error is variant { last-operation-failed(own<error>), closed } */
typedef struct { uint8_t tag; uint8_t _pad[3]; int32_t error; } stream_error;
typedef struct { uint8_t is_err; uint8_t _pad[3]; stream_error err; } res_stream_unit;
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { struct { uint8_t *ptr; uint32_t len; } ok; stream_error err; } v; } res_bytes;

typedef struct { uint8_t *data; uint32_t len; ip_socket_address remote; } incoming_datagram;
_Static_assert(sizeof(incoming_datagram) == 40, "incoming-datagram layout");
typedef struct { uint8_t is_err; uint8_t _pad[3]; union { struct { incoming_datagram *ptr; uint32_t len; } ok; uint8_t code; } v; } res_datagrams;
typedef struct { const uint8_t *data; uint32_t len; uint8_t has_remote; uint8_t _pad[3]; ip_socket_address remote; } outgoing_datagram;
_Static_assert(sizeof(outgoing_datagram) == 44, "outgoing-datagram layout");

typedef struct { char *ptr; uint32_t len; } wasi_string;
typedef struct { wasi_string *ptr; uint32_t len; } string_list;

/* An ip-socket-address argument, flattened: tag + 11 payload slots. */
#define ADDR_PARAMS int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t

/* --- wasi:cli, wasi:io ---------------------------------------------------- */
WASI_IMPORT("wasi:cli/environment@0.2.0", "get-arguments") void get_arguments(string_list *ret);
WASI_IMPORT("wasi:cli/stdout@0.2.0", "get-stdout") int32_t get_stdout(void);
WASI_IMPORT("wasi:io/poll@0.2.0", "[method]pollable.block") void pollable_block(int32_t self);
WASI_IMPORT("wasi:io/poll@0.2.0", "[resource-drop]pollable") void pollable_drop(int32_t self);
WASI_IMPORT("wasi:io/streams@0.2.0", "[method]input-stream.blocking-read")
void input_stream_blocking_read(int32_t self, uint64_t len, res_bytes *ret);
WASI_IMPORT("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush")
void output_stream_blocking_write_and_flush(int32_t self, const void *ptr, uint32_t len, res_stream_unit *ret);
WASI_IMPORT("wasi:io/streams@0.2.0", "[resource-drop]input-stream") void input_stream_drop(int32_t self);
WASI_IMPORT("wasi:io/streams@0.2.0", "[resource-drop]output-stream") void output_stream_drop(int32_t self);

/* --- wasi:sockets ----------------------------------------------------------- */
WASI_IMPORT("wasi:sockets/instance-network@0.2.0", "instance-network") int32_t instance_network(void);
WASI_IMPORT(NET, "[resource-drop]network") void network_drop(int32_t self);

WASI_IMPORT("wasi:sockets/tcp-create-socket@0.2.0", "create-tcp-socket") void create_tcp_socket(int32_t family, res_handle *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.start-bind") void tcp_start_bind(int32_t self, int32_t net, ADDR_PARAMS, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.finish-bind") void tcp_finish_bind(int32_t self, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.start-connect") void tcp_start_connect(int32_t self, int32_t net, ADDR_PARAMS, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.finish-connect") void tcp_finish_connect(int32_t self, res_streams *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.start-listen") void tcp_start_listen(int32_t self, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.finish-listen") void tcp_finish_listen(int32_t self, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.accept") void tcp_accept(int32_t self, res_accept *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.local-address") void tcp_local_address(int32_t self, res_addr *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.remote-address") void tcp_remote_address(int32_t self, res_addr *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.is-listening") int32_t tcp_is_listening(int32_t self);
WASI_IMPORT(TCP, "[method]tcp-socket.address-family") int32_t tcp_address_family(int32_t self);
WASI_IMPORT(TCP, "[method]tcp-socket.set-listen-backlog-size") void tcp_set_listen_backlog_size(int32_t self, uint64_t v, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.keep-alive-enabled") void tcp_keep_alive_enabled(int32_t self, res_u8 *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.set-keep-alive-enabled") void tcp_set_keep_alive_enabled(int32_t self, int32_t v, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.keep-alive-idle-time") void tcp_keep_alive_idle_time(int32_t self, res_u64 *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.set-keep-alive-idle-time") void tcp_set_keep_alive_idle_time(int32_t self, uint64_t v, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.keep-alive-count") void tcp_keep_alive_count(int32_t self, res_u32 *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.set-keep-alive-count") void tcp_set_keep_alive_count(int32_t self, int32_t v, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.hop-limit") void tcp_hop_limit(int32_t self, res_u8 *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.set-hop-limit") void tcp_set_hop_limit(int32_t self, int32_t v, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.set-receive-buffer-size") void tcp_set_receive_buffer_size(int32_t self, uint64_t v, res_unit *ret);
WASI_IMPORT(TCP, "[method]tcp-socket.subscribe") int32_t tcp_subscribe(int32_t self);
WASI_IMPORT(TCP, "[method]tcp-socket.shutdown") void tcp_shutdown(int32_t self, int32_t how, res_unit *ret);
WASI_IMPORT(TCP, "[resource-drop]tcp-socket") void tcp_socket_drop(int32_t self);

WASI_IMPORT("wasi:sockets/udp-create-socket@0.2.0", "create-udp-socket") void create_udp_socket(int32_t family, res_handle *ret);
WASI_IMPORT(UDP, "[method]udp-socket.start-bind") void udp_start_bind(int32_t self, int32_t net, ADDR_PARAMS, res_unit *ret);
WASI_IMPORT(UDP, "[method]udp-socket.finish-bind") void udp_finish_bind(int32_t self, res_unit *ret);
/* stream(option<ip-socket-address>): option tag, then the address slots */
WASI_IMPORT(UDP, "[method]udp-socket.stream") void udp_stream(int32_t self, int32_t some, ADDR_PARAMS, res_streams *ret);
WASI_IMPORT(UDP, "[method]udp-socket.local-address") void udp_local_address(int32_t self, res_addr *ret);
WASI_IMPORT(UDP, "[resource-drop]udp-socket") void udp_socket_drop(int32_t self);
WASI_IMPORT(UDP, "[method]incoming-datagram-stream.receive") void incoming_receive(int32_t self, uint64_t max, res_datagrams *ret);
WASI_IMPORT(UDP, "[method]incoming-datagram-stream.subscribe") int32_t incoming_subscribe(int32_t self);
WASI_IMPORT(UDP, "[resource-drop]incoming-datagram-stream") void incoming_drop(int32_t self);
WASI_IMPORT(UDP, "[method]outgoing-datagram-stream.check-send") void outgoing_check_send(int32_t self, res_u64 *ret);
WASI_IMPORT(UDP, "[method]outgoing-datagram-stream.send") void outgoing_send(int32_t self, const outgoing_datagram *ptr, uint32_t len, res_u64 *ret);
WASI_IMPORT(UDP, "[method]outgoing-datagram-stream.subscribe") int32_t outgoing_subscribe(int32_t self);
WASI_IMPORT(UDP, "[resource-drop]outgoing-datagram-stream") void outgoing_drop(int32_t self);

WASI_IMPORT(LOOKUP, "resolve-addresses") void resolve_addresses(int32_t net, const char *name, uint32_t len, res_handle *ret);
WASI_IMPORT(LOOKUP, "[method]resolve-address-stream.resolve-next-address") void resolve_next_address(int32_t self, res_next_address *ret);
WASI_IMPORT(LOOKUP, "[method]resolve-address-stream.subscribe") int32_t resolve_subscribe(int32_t self);
WASI_IMPORT(LOOKUP, "[resource-drop]resolve-address-stream") void resolve_stream_drop(int32_t self);

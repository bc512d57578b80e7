/* A guest that uses wasi:sockets directly (no libc sockets exist for WASI
 * 0.2 in Debian's wasi-libc). One program, several modes, picked by argv[1]:
 *
 *   tcp-client PORT MESSAGE  connect to 127.0.0.1:PORT, send MESSAGE, shut
 *                            down sending, print everything received
 *   tcp-server PORT          listen on 127.0.0.1:PORT, accept one connection,
 *                            print what it sent (until EOF), reply, close
 *   udp PORT MESSAGE         send MESSAGE to 127.0.0.1:PORT from an ephemeral
 *                            port, print the datagram that comes back
 *   lookup NAME              print the addresses NAME resolves to
 *   states                   exercise the TCP state machine and options
 *
 * Output goes to wasi:cli/stdout; failures print the error-code and make run
 * return err (exit status 1). Only the libc's string functions are used. */
#include <stdint.h>
#include <string.h>

#include "wasi_sockets.h"

static const char *const kErrorNames[] = {
    "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
    "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
    "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused",
    "connection-reset", "connection-aborted", "datagram-too-large", "name-unresolvable",
    "temporary-resolver-failure", "permanent-resolver-failure",
};
enum { ERR_WOULD_BLOCK = 8 };

static int32_t g_stdout;
static char g_line[4096];
static uint32_t g_line_len;

/* --- output ------------------------------------------------------------- */

static void put(const char *s, uint32_t n) {
  while (n > 0 && g_line_len < sizeof g_line) {
    g_line[g_line_len++] = *s++;
    --n;
  }
}
static void puts_(const char *s) { put(s, (uint32_t)strlen(s)); }
static void put_u(uint64_t v) {
  char buf[24];
  int i = (int)sizeof buf;
  do buf[--i] = (char)('0' + v % 10); while ((v /= 10) != 0);
  put(buf + i, (uint32_t)(sizeof buf - (size_t)i));
}
static void put_hex(uint32_t v) {
  char buf[8];
  int i = (int)sizeof buf;
  do buf[--i] = "0123456789abcdef"[v & 15]; while ((v >>= 4) != 0);
  put(buf + i, (uint32_t)(sizeof buf - (size_t)i));
}
static void flush_line(void) {
  put("\n", 1);
  res_stream_unit r;
  output_stream_blocking_write_and_flush(g_stdout, g_line, g_line_len, &r);
  g_line_len = 0;
}
static void say(const char *s) {
  puts_(s);
  flush_line();
}
static const char *err_name(uint8_t code) {
  return code < sizeof kErrorNames / sizeof kErrorNames[0] ? kErrorNames[code] : "?";
}
/* Prints "WHAT: ok" or "WHAT: error CODE"; returns the result's is_err. */
static int report(const char *what, uint8_t is_err, uint8_t code) {
  puts_(what);
  if (is_err) {
    puts_(": error ");
    puts_(err_name(code));
  } else {
    puts_(": ok");
  }
  flush_line();
  return is_err;
}

/* --- arguments ---------------------------------------------------------- */

static string_list g_args;
static const char *arg_str(uint32_t i, uint32_t *len) {
  if (i >= g_args.len) { *len = 0; return ""; }
  *len = g_args.ptr[i].len;
  return g_args.ptr[i].ptr;
}
static uint32_t arg_u32(uint32_t i) {
  uint32_t n, v = 0;
  const char *s = arg_str(i, &n);
  for (uint32_t k = 0; k < n && s[k] >= '0' && s[k] <= '9'; ++k) v = v * 10 + (uint32_t)(s[k] - '0');
  return v;
}
static int arg_is(uint32_t i, const char *want) {
  uint32_t n;
  const char *s = arg_str(i, &n);
  return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* --- addresses ---------------------------------------------------------- */

#define LOOPBACK_V4(port) 0, (int32_t)(port), 127, 0, 0, 1, 0, 0, 0, 0, 0, 0

static void put_socket_address(const ip_socket_address *a) {
  if (a->tag == 0) {
    for (int i = 0; i < 4; ++i) {
      if (i) put(".", 1);
      put_u(a->u.v4.addr[i]);
    }
  } else {
    put("[", 1);
    for (int i = 0; i < 8; ++i) {
      if (i) put(":", 1);
      put_hex(a->u.v6.addr[i]);
    }
    put("]", 1);
  }
}

/* Waits on a fresh pollable from `subscribe(handle)`. */
static void wait_on(int32_t pollable) {
  pollable_block(pollable);
  pollable_drop(pollable);
}

/* Reads until the peer closes; prints the bytes after `label`. */
static void print_all_input(int32_t in, const char *label) {
  puts_(label);
  for (;;) {
    res_bytes r;
    input_stream_blocking_read(in, 4096, &r);
    if (r.is_err) break; /* closed (or failed): the end of the data */
    put((const char *)r.v.ok.ptr, r.v.ok.len);
  }
  flush_line();
}

static int write_all(int32_t out, const char *s, uint32_t n) {
  res_stream_unit r;
  output_stream_blocking_write_and_flush(out, s, n, &r);
  if (r.is_err) say("write: failed");
  return r.is_err;
}

/* --- modes -------------------------------------------------------------- */

static int tcp_client(int32_t net) {
  uint32_t port = arg_u32(2), msg_len;
  const char *msg = arg_str(3, &msg_len);
  res_handle sock;
  create_tcp_socket(0, &sock);
  if (report("create-tcp-socket", sock.is_err, sock.v.code)) return 1;
  int32_t s = sock.v.handle;
  res_unit u;
  tcp_start_connect(s, net, LOOPBACK_V4(port), &u);
  if (report("start-connect", u.is_err, u.code)) return 1;
  res_streams st;
  for (;;) {
    tcp_finish_connect(s, &st);
    if (!st.is_err || st.v.code != ERR_WOULD_BLOCK) break;
    wait_on(tcp_subscribe(s));
  }
  if (report("finish-connect", st.is_err, st.v.code)) return 1;
  res_addr ra;
  tcp_remote_address(s, &ra);
  puts_("remote-address: ");
  put_socket_address(&ra.v.ok);
  put(":", 1);
  put_u(ra.v.ok.u.v4.port);
  flush_line();
  if (write_all(st.v.ok.out, msg, msg_len)) return 1;
  tcp_shutdown(s, 1 /* send */, &u);
  report("shutdown send", u.is_err, u.code);
  print_all_input(st.v.ok.in, "reply: ");
  input_stream_drop(st.v.ok.in);
  output_stream_drop(st.v.ok.out);
  tcp_socket_drop(s);
  return 0;
}

static int tcp_server(int32_t net) {
  uint32_t port = arg_u32(2);
  res_handle sock;
  create_tcp_socket(0, &sock);
  if (report("create-tcp-socket", sock.is_err, sock.v.code)) return 1;
  int32_t s = sock.v.handle;
  res_unit u;
  tcp_start_bind(s, net, LOOPBACK_V4(port), &u);
  if (report("start-bind", u.is_err, u.code)) return 1;
  tcp_finish_bind(s, &u);
  if (report("finish-bind", u.is_err, u.code)) return 1;
  tcp_start_listen(s, &u);
  if (report("start-listen", u.is_err, u.code)) return 1;
  tcp_finish_listen(s, &u);
  if (report("finish-listen", u.is_err, u.code)) return 1;
  puts_("is-listening: ");
  puts_(tcp_is_listening(s) ? "yes" : "no");
  flush_line();
  res_accept acc;
  for (;;) {
    tcp_accept(s, &acc);
    if (!acc.is_err || acc.v.code != ERR_WOULD_BLOCK) break;
    wait_on(tcp_subscribe(s));
  }
  if (report("accept", acc.is_err, acc.v.code)) return 1;
  res_addr la;
  tcp_local_address(acc.v.ok.sock, &la);
  puts_("connection local-address: ");
  put_socket_address(&la.v.ok);
  put(":", 1);
  put_u(la.v.ok.u.v4.port);
  flush_line();
  print_all_input(acc.v.ok.in, "received: ");
  static const char reply[] = "hello from the wasm server";
  if (write_all(acc.v.ok.out, reply, sizeof reply - 1)) return 1;
  tcp_shutdown(acc.v.ok.sock, 2 /* both */, &u);
  report("shutdown both", u.is_err, u.code);
  input_stream_drop(acc.v.ok.in);
  output_stream_drop(acc.v.ok.out);
  tcp_socket_drop(acc.v.ok.sock);
  tcp_socket_drop(s);
  return 0;
}

static int udp_round_trip(int32_t net) {
  uint32_t port = arg_u32(2), msg_len;
  const char *msg = arg_str(3, &msg_len);
  res_handle sock;
  create_udp_socket(0, &sock);
  if (report("create-udp-socket", sock.is_err, sock.v.code)) return 1;
  int32_t s = sock.v.handle;
  res_unit u;
  udp_start_bind(s, net, LOOPBACK_V4(0), &u);
  if (report("start-bind", u.is_err, u.code)) return 1;
  udp_finish_bind(s, &u);
  if (report("finish-bind", u.is_err, u.code)) return 1;
  res_streams st;
  udp_stream(s, 0 /* none: unconnected */, LOOPBACK_V4(0), &st);
  if (report("stream", st.is_err, st.v.code)) return 1;
  res_u64 permit;
  for (;;) {
    outgoing_check_send(st.v.ok.out, &permit);
    if (permit.is_err || permit.v.n > 0) break;
    wait_on(outgoing_subscribe(st.v.ok.out));
  }
  if (report("check-send", permit.is_err, permit.v.code)) return 1;
  outgoing_datagram d = {(const uint8_t *)msg, msg_len, 1, {0}, {0}};
  d.remote.tag = 0;
  d.remote.u.v4.port = (uint16_t)port;
  d.remote.u.v4.addr[0] = 127;
  d.remote.u.v4.addr[3] = 1;
  res_u64 sent;
  outgoing_send(st.v.ok.out, &d, 1, &sent);
  if (report("send", sent.is_err, sent.v.code)) return 1;
  puts_("datagrams sent: ");
  put_u(sent.v.n);
  flush_line();
  res_datagrams got;
  for (;;) {
    incoming_receive(st.v.ok.in, 4, &got);
    if (got.is_err || got.v.ok.len > 0) break;
    wait_on(incoming_subscribe(st.v.ok.in));
  }
  if (report("receive", got.is_err, got.v.code)) return 1;
  for (uint32_t i = 0; i < got.v.ok.len; ++i) {
    incoming_datagram *g = &got.v.ok.ptr[i];
    puts_("datagram from ");
    put_socket_address(&g->remote);
    put(":", 1);
    put_u(g->remote.u.v4.port);
    puts_(": ");
    put((const char *)g->data, g->len);
    flush_line();
  }
  incoming_drop(st.v.ok.in);
  outgoing_drop(st.v.ok.out);
  udp_socket_drop(s);
  return 0;
}

static int lookup(int32_t net) {
  uint32_t n;
  const char *name = arg_str(2, &n);
  res_handle rs;
  resolve_addresses(net, name, n, &rs);
  if (report("resolve-addresses", rs.is_err, rs.v.code)) return 1;
  for (;;) {
    res_next_address a;
    resolve_next_address(rs.v.handle, &a);
    if (a.is_err && a.some_or_code == ERR_WOULD_BLOCK) {
      wait_on(resolve_subscribe(rs.v.handle));
      continue;
    }
    if (a.is_err) return report("resolve-next-address", 1, a.some_or_code);
    if (!a.some_or_code) break;
    puts_("address: ");
    if (a.family == 0) {
      for (int i = 0; i < 4; ++i) {
        if (i) put(".", 1);
        put_u(a.addr.v4[i]);
      }
    } else {
      for (int i = 0; i < 8; ++i) {
        if (i) put(":", 1);
        put_hex(a.addr.v6[i]);
      }
    }
    flush_line();
  }
  resolve_stream_drop(rs.v.handle);
  say("lookup done");
  return 0;
}

/* Calls in the wrong state must give the WIT's error codes; options round-trip. */
static int states(int32_t net) {
  res_handle sock;
  create_tcp_socket(0, &sock);
  if (report("create-tcp-socket", sock.is_err, sock.v.code)) return 1;
  int32_t s = sock.v.handle;
  res_unit u;
  tcp_finish_bind(s, &u);
  report("finish-bind before start-bind", u.is_err, u.code);
  tcp_start_listen(s, &u);
  report("start-listen unbound", u.is_err, u.code);
  res_streams st;
  tcp_finish_connect(s, &st);
  report("finish-connect before start-connect", st.is_err, st.v.code);
  res_accept acc;
  tcp_accept(s, &acc);
  report("accept unbound", acc.is_err, acc.v.code);
  res_addr a;
  tcp_local_address(s, &a);
  report("local-address unbound", a.is_err, a.v.code);
  tcp_start_connect(s, net, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, &u);
  report("start-connect port 0", u.is_err, u.code);
  tcp_start_bind(s, net, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, &u);
  report("start-bind ipv6 address on ipv4 socket", u.is_err, u.code);
  tcp_set_listen_backlog_size(s, 0, &u);
  report("set-listen-backlog-size 0", u.is_err, u.code);
  tcp_set_listen_backlog_size(s, 16, &u);
  report("set-listen-backlog-size 16", u.is_err, u.code);
  tcp_set_keep_alive_enabled(s, 1, &u);
  report("set-keep-alive-enabled", u.is_err, u.code);
  res_u8 b;
  tcp_keep_alive_enabled(s, &b);
  puts_("keep-alive-enabled: ");
  put_u(b.v);
  flush_line();
  tcp_set_keep_alive_idle_time(s, 0, &u);
  report("set-keep-alive-idle-time 0", u.is_err, u.code);
  tcp_set_keep_alive_idle_time(s, 30000000000ull, &u);
  report("set-keep-alive-idle-time 30s", u.is_err, u.code);
  res_u64 d;
  tcp_keep_alive_idle_time(s, &d);
  puts_("keep-alive-idle-time s: ");
  put_u(d.v.n / 1000000000ull);
  flush_line();
  tcp_set_keep_alive_count(s, 5, &u);
  report("set-keep-alive-count", u.is_err, u.code);
  res_u32 c;
  tcp_keep_alive_count(s, &c);
  puts_("keep-alive-count: ");
  put_u(c.v.n);
  flush_line();
  tcp_set_hop_limit(s, 0, &u);
  report("set-hop-limit 0", u.is_err, u.code);
  tcp_set_hop_limit(s, 42, &u);
  report("set-hop-limit 42", u.is_err, u.code);
  tcp_hop_limit(s, &b);
  puts_("hop-limit: ");
  put_u(b.v);
  flush_line();
  tcp_set_receive_buffer_size(s, 0, &u);
  report("set-receive-buffer-size 0", u.is_err, u.code);
  puts_("address-family: ");
  put_u((uint64_t)tcp_address_family(s));
  flush_line();
  tcp_shutdown(s, 2, &u);
  report("shutdown unconnected", u.is_err, u.code);
  tcp_socket_drop(s);
  return 0;
}

/* wasi:cli/run#run: 0 = ok, 1 = err. */
__attribute__((export_name("run"))) int32_t run(void) {
  g_stdout = get_stdout();
  get_arguments(&g_args);
  int32_t net = instance_network();
  int rc;
  if (arg_is(1, "tcp-client")) rc = tcp_client(net);
  else if (arg_is(1, "tcp-server")) rc = tcp_server(net);
  else if (arg_is(1, "udp")) rc = udp_round_trip(net);
  else if (arg_is(1, "lookup")) rc = lookup(net);
  else if (arg_is(1, "states")) rc = states(net);
  else {
    say("usage: sockets_guest tcp-client PORT MSG | tcp-server PORT | udp PORT MSG | lookup NAME | states");
    rc = 1;
  }
  network_drop(net);
  output_stream_drop(g_stdout);
  return rc;
}

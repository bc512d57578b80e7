#include "wasi/http/client.h"

#include "wasi/http/curl_api.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <mutex>

#include <fmt/format.h>

#include "util/chunks.h"
#include "util/trap.h"

namespace wasmrr::wasi {
namespace {

CURL* easy(void* h) { return static_cast<CURL*>(h); }
CURLM* multi(void* h) { return static_cast<CURLM*>(h); }

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Arms a CLOCK_MONOTONIC timerfd at an absolute time, or disarms it.
void arm_timer(int fd, std::optional<uint64_t> at_ns) {
  itimerspec spec{};
  if (at_ns) {
    uint64_t at = std::max<uint64_t>(*at_ns, 1);  // zero would disarm
    spec.it_value.tv_sec = static_cast<time_t>(at / 1'000'000'000u);
    spec.it_value.tv_nsec = static_cast<long>(at % 1'000'000'000u);
  }
  timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr);
}

// Empties an eventfd or an expired timerfd (both read 8 bytes).
void drain(int fd) {
  uint64_t n;
  while (::read(fd, &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_field(const FieldList& fields, std::string_view name) {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
}

}  // namespace

// The C callbacks curl calls; they must not throw through curl's frames.
struct CurlCallbacks {
  static int on_socket(CURL*, curl_socket_t fd, int what, void* client, void* socket_data) {
    static_cast<HttpClient*>(client)->watch_socket(fd, what, socket_data != nullptr);
    return 0;
  }
  static int on_timer(CURLM*, long timeout_ms, void* client) {
    auto* c = static_cast<HttpClient*>(client);
    arm_timer(c->curl_timer_fd_, timeout_ms < 0 ? std::nullopt
                                                : std::optional<uint64_t>(now_ns() + uint64_t(timeout_ms) * 1'000'000u));
    return 0;
  }
  static size_t header(char* data, size_t size, size_t n, void* self) {
    try {
      static_cast<HttpTransfer*>(self)->header_line(std::string_view(data, size * n));
      return size * n;
    } catch (...) {
      return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
    }
  }
  static size_t write(char* data, size_t size, size_t n, void* self) {
    try {
      return static_cast<HttpTransfer*>(self)->on_body(data, size * n);
    } catch (...) {
      return 0;
    }
  }
  static size_t read(char* dest, size_t size, size_t n, void* self) {
    try {
      return static_cast<HttpTransfer*>(self)->on_upload(dest, size * n);
    } catch (...) {
      return CURL_READFUNC_ABORT;
    }
  }
  static int trailers(curl_slist** list, void* self) {
    for (const auto& [name, value] : static_cast<HttpTransfer*>(self)->spec_.body->trailers) {
      curl_slist* grown = curl_api().slist_append(*list, fmt::format("{}: {}", name, value).c_str());
      if (!grown) return CURL_TRAILERFUNC_ABORT;
      *list = grown;
    }
    return CURL_TRAILERFUNC_OK;
  }
};

// --- RequestBody -------------------------------------------------------------

void RequestBody::append(std::string bytes) {
  written += bytes.size();
  if (discard || bytes.empty()) return;
  pending += bytes.size();
  chunks.push_back(std::move(bytes));
}

size_t RequestBody::take(char* dest, size_t max) {
  size_t n = take_from_chunks(chunks, dest, max);
  pending -= n;
  return n;
}

void RequestBody::notify() const {
  if (auto t = transfer.lock()) t->resume_upload();
}

std::optional<HttpErrorCode> RequestBody::length_error() const {
  if (!declared_length || written == *declared_length) return std::nullopt;
  HttpErrorCode e = HttpErrorCode::of(HttpErrorCode::Case::http_request_body_size, "body length differs from content-length");
  e.size = written;
  return e;
}

// --- HttpClient --------------------------------------------------------------

std::shared_ptr<HttpClient> HttpClient::create() {
  std::shared_ptr<HttpClient> c(new HttpClient());
  c->init();
  return c;
}

void HttpClient::init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_api().global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_api().multi_init();
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  curl_timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  deadline_timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  progress_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!multi_ || epoll_fd_ < 0 || curl_timer_fd_ < 0 || deadline_timer_fd_ < 0 || progress_fd_ < 0)
    throw Trap(fmt::format("cannot set up the HTTP client: {}", std::strerror(errno)));
  for (int fd : {curl_timer_fd_, deadline_timer_fd_, progress_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  curl_api().multi_setopt(multi(multi_), CURLMOPT_SOCKETFUNCTION, &CurlCallbacks::on_socket);
  curl_api().multi_setopt(multi(multi_), CURLMOPT_SOCKETDATA, this);
  curl_api().multi_setopt(multi(multi_), CURLMOPT_TIMERFUNCTION, &CurlCallbacks::on_timer);
  curl_api().multi_setopt(multi(multi_), CURLMOPT_TIMERDATA, this);
}

HttpClient::~HttpClient() {
  // Every transfer holds the client, so none is left in the multi handle.
  if (multi_) curl_api().multi_cleanup(multi(multi_));
  for (int fd : {epoll_fd_, curl_timer_fd_, deadline_timer_fd_, progress_fd_})
    if (fd >= 0) ::close(fd);
}

void HttpClient::watch_socket(int fd, int what, bool known) {
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    curl_api().multi_assign(multi(multi_), fd, nullptr);
    return;
  }
  epoll_event ev{};
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0)
    epoll_ctl(epoll_fd_, known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);  // fd number reused
  if (!known) curl_api().multi_assign(multi(multi_), fd, this);
}

void HttpClient::note_progress() {
  uint64_t one = 1;
  (void)!::write(progress_fd_, &one, sizeof one);
}

std::shared_ptr<HttpTransfer> HttpClient::start(HttpRequestSpec spec) {
  auto body = spec.body;
  auto t = std::make_shared<HttpTransfer>(shared_from_this(), std::move(spec));
  if (!t->setup()) return t;
  if (curl_api().multi_add_handle(multi(multi_), easy(t->easy_)) != CURLM_OK) {
    t->fail(HttpErrorCode::internal("cannot add the request to the HTTP client"));
    return t;
  }
  t->in_multi_ = true;
  active_.insert(t.get());
  if (body) body->transfer = t;
  drive();  // start connecting now
  return t;
}

void HttpClient::drive() {
  if (driving_) return;
  driving_ = true;
  drain(progress_fd_);
  epoll_event events[32];
  int n = epoll_wait(epoll_fd_, events, 32, 0);
  int running = 0;
  for (int i = 0; i < n; ++i) {
    int fd = events[i].data.fd;
    if (fd == curl_timer_fd_) {
      drain(fd);
      curl_api().multi_socket_action(multi(multi_), CURL_SOCKET_TIMEOUT, 0, &running);
    } else if (fd == deadline_timer_fd_ || fd == progress_fd_) {
      drain(fd);
    } else {
      uint32_t e = events[i].events;
      int mask = ((e & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((e & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                 ((e & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
      curl_api().multi_socket_action(multi(multi_), fd, mask, &running);
    }
  }
  collect_done();
  enforce_deadlines();
  arm_deadline_timer();
  driving_ = false;
}

std::shared_ptr<Pollable> HttpClient::pollable(std::function<bool()> condition) {
  return Pollable::on_check(epoll_fd_, [self = shared_from_this(), condition = std::move(condition)] {
    self->drive();
    return condition();
  });
}

void HttpClient::collect_done() {
  int left = 0;
  while (CURLMsg* m = curl_api().multi_info_read(multi(multi_), &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    HttpTransfer* t = nullptr;
    curl_api().easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
    if (t) t->finish(m->data.result);
  }
}

void HttpClient::enforce_deadlines() {
  uint64_t now = now_ns();
  std::vector<HttpTransfer*> expired;
  for (HttpTransfer* t : active_)
    if (auto d = t->deadline(); d && now >= *d) expired.push_back(t);
  for (HttpTransfer* t : expired)
    t->fail(HttpErrorCode::of(HttpErrorCode::Case::connection_read_timeout,
                              t->has_head_ ? "no response bytes within between-bytes-timeout"
                                           : "no response within first-byte-timeout"));
}

void HttpClient::arm_deadline_timer() {
  std::optional<uint64_t> nearest;
  for (HttpTransfer* t : active_)
    if (auto d = t->deadline()) nearest = std::min(nearest.value_or(*d), *d);
  arm_timer(deadline_timer_fd_, nearest);
}

void HttpClient::detach(HttpTransfer* t) {
  if (!t->in_multi_) return;
  curl_api().multi_remove_handle(multi(multi_), easy(t->easy_));
  t->in_multi_ = false;
  active_.erase(t);
}

// --- HttpTransfer ------------------------------------------------------------

HttpTransfer::HttpTransfer(std::shared_ptr<HttpClient> client, HttpRequestSpec spec)
    : client_(std::move(client)), spec_(std::move(spec)), started_ns_(now_ns()) {}

HttpTransfer::~HttpTransfer() {
  client_->detach(this);
  if (easy_) curl_api().easy_cleanup(easy(easy_));
  if (header_list_) curl_api().slist_free_all(static_cast<curl_slist*>(header_list_));
}

bool HttpTransfer::setup() {
  CURL* h = curl_api().easy_init();
  if (!h) {
    fail(HttpErrorCode::internal("cannot create an HTTP transfer"));
    return false;
  }
  easy_ = h;
  curl_api().easy_setopt(h, CURLOPT_URL, spec_.url.c_str());
  curl_api().easy_setopt(h, CURLOPT_PRIVATE, this);
  curl_api().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_api().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_api().easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_api().easy_setopt(h, CURLOPT_BUFFERSIZE, 64L * 1024);
  curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlCallbacks::header);
  curl_api().easy_setopt(h, CURLOPT_HEADERDATA, this);
  curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlCallbacks::write);
  curl_api().easy_setopt(h, CURLOPT_WRITEDATA, this);
  if (spec_.connect_timeout_ns)
    curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::max<long>(1, long(*spec_.connect_timeout_ns / 1'000'000u)));
  configure_body();
  configure_method();
  curl_slist* list = nullptr;
  auto add = [&list](const std::string& line) {
    if (curl_slist* grown = curl_api().slist_append(list, line.c_str())) list = grown;
  };
  for (const auto& [name, value] : spec_.headers) {
    if (name == "content-length") continue;  // curl sends the body's own length
    // "name;" is curl's way to send a header with an empty value.
    add(value.empty() ? name + ";" : name + ": " + value);
  }
  // No headers the guest did not ask for: curl's defaults are switched off.
  if (!has_field(spec_.headers, "accept")) add("Accept:");
  if (!has_field(spec_.headers, "expect")) add("Expect:");
  header_list_ = list;
  curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, list);
  return true;
}

void HttpTransfer::configure_body() {
  CURL* h = easy(easy_);
  const RequestBody* b = spec_.body.get();
  bool empty = !b || (b->finished && b->written == 0 && !b->declared_length);
  const std::string& m = spec_.method;
  if (empty && m != "POST" && m != "PUT" && m != "PATCH") {
    spec_.body.reset();  // nothing to send: no body at all
    return;
  }
  curl_api().easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_api().easy_setopt(h, CURLOPT_READFUNCTION, &CurlCallbacks::read);
  curl_api().easy_setopt(h, CURLOPT_READDATA, this);
  curl_off_t size = -1;  // unknown: chunked transfer coding
  if (empty) size = 0;
  else if (b->declared_length) size = static_cast<curl_off_t>(*b->declared_length);
  else if (b->finished) size = static_cast<curl_off_t>(b->written);
  curl_api().easy_setopt(h, CURLOPT_INFILESIZE_LARGE, size);
  if (size < 0) {
    curl_api().easy_setopt(h, CURLOPT_TRAILERFUNCTION, &CurlCallbacks::trailers);
    curl_api().easy_setopt(h, CURLOPT_TRAILERDATA, this);
  }
}

void HttpTransfer::configure_method() {
  CURL* h = easy(easy_);
  const std::string& m = spec_.method;
  if (m == "HEAD") curl_api().easy_setopt(h, CURLOPT_NOBODY, 1L);
  // With an upload curl would say PUT: name the method whenever it is not
  // curl's own choice.
  if ((m != "GET" && m != "HEAD") || spec_.body) curl_api().easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
}

void HttpTransfer::fail(HttpErrorCode e) {
  if (done_) return;
  error_ = std::move(e);
  client_->detach(this);
  done_ = true;
  client_->note_progress();
}

void HttpTransfer::finish(int curl_code) {
  client_->detach(this);
  if (curl_code == CURLE_OK && !has_head_)
    error_ = HttpErrorCode::of(HttpErrorCode::Case::http_protocol_error, "the response had no header section");
  else if (curl_code != CURLE_OK && !error_) {
    long os_errno = 0;
    curl_off_t connect_us = 0;
    curl_api().easy_getinfo(easy(easy_), CURLINFO_OS_ERRNO, &os_errno);
    curl_api().easy_getinfo(easy(easy_), CURLINFO_CONNECT_TIME_T, &connect_us);
    error_ = http_error_from_curl(curl_code, os_errno, connect_us > 0 || has_head_);
  }
  done_ = true;
  client_->note_progress();
}

void HttpTransfer::set_pause(bool recv, bool send) {
  recv_paused_ = recv;
  send_paused_ = send;
  if (in_multi_) curl_api().easy_pause(easy(easy_), (recv ? CURLPAUSE_RECV : 0) | (send ? CURLPAUSE_SEND : 0));
}

void HttpTransfer::header_line(std::string_view line) {
  line = trim(line);
  if (line.starts_with("HTTP/")) {  // a status line: a new header section begins
    size_t sp = line.find(' ');
    std::string_view code = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1, 3);
    status_ = 0;
    std::from_chars(code.data(), code.data() + code.size(), status_);
    headers_.clear();
    in_head_ = true;
    return;
  }
  if (line.empty()) {
    // The end of a section; an informational (1xx) one is followed by another.
    if (in_head_ && !(status_ >= 100 && status_ < 200)) {
      has_head_ = true;
      last_byte_ns_ = now_ns();
      client_->note_progress();
    }
    in_head_ = false;
    return;
  }
  FieldList& target = has_head_ ? trailers_ : headers_;
  if ((line.front() == ' ' || line.front() == '\t') && !target.empty()) {  // obsolete line folding
    target.back().second += " " + std::string(trim(line));
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  target.emplace_back(lowercase(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
}

size_t HttpTransfer::on_body(const char* data, size_t len) {
  last_byte_ns_ = now_ns();
  if (discard_) return len;
  if (buffered_ >= kResponseBufferHigh) {
    recv_paused_ = true;  // curl keeps the chunk and offers it again on resume
    return CURL_WRITEFUNC_PAUSE;
  }
  body_.emplace_back(data, len);
  buffered_ += len;
  client_->note_progress();
  return len;
}

size_t HttpTransfer::on_upload(char* dest, size_t max) {
  RequestBody* b = spec_.body.get();
  if (!b) return 0;
  if (b->aborted) {
    error_ = HttpErrorCode::of(HttpErrorCode::Case::http_request_body_size,
                               "the request body was dropped or finished with a wrong length");
    return CURL_READFUNC_ABORT;
  }
  size_t n = b->take(dest, max);
  if (n > 0) {
    client_->note_progress();  // room in the body buffer: its writer may continue
    return n;
  }
  if (b->finished) return 0;
  send_paused_ = true;
  return CURL_READFUNC_PAUSE;
}

std::string HttpTransfer::take_body(size_t max) {
  std::string out;
  while (!body_.empty() && out.size() < max) {
    std::string& front = body_.front();
    size_t k = std::min(max - out.size(), front.size());
    if (k < front.size()) {
      out.append(front, 0, k);
      front.erase(0, k);
      break;
    }
    if (out.empty()) out = std::move(front);
    else out += front;
    body_.pop_front();
  }
  buffered_ -= out.size();
  if (recv_paused_ && buffered_ < kResponseBufferHigh) {
    last_byte_ns_ = now_ns();
    set_pause(false, send_paused_);
  }
  return out;
}

void HttpTransfer::discard_body() {
  discard_ = true;
  body_.clear();
  buffered_ = 0;
  if (recv_paused_) set_pause(false, send_paused_);
}

void HttpTransfer::resume_upload() {
  if (send_paused_) set_pause(recv_paused_, false);
}

std::optional<uint64_t> HttpTransfer::deadline() const {
  if (done_) return std::nullopt;
  if (!has_head_) {
    if (spec_.first_byte_timeout_ns) return started_ns_ + *spec_.first_byte_timeout_ns;
    return std::nullopt;
  }
  // A transfer paused because the guest does not read is not the server's delay.
  if (spec_.between_bytes_timeout_ns && !recv_paused_) return last_byte_ns_ + *spec_.between_bytes_timeout_ns;
  return std::nullopt;
}

}  // namespace wasmrr::wasi

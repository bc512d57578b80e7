#include "cli/serve/reply_stream.h"

#include "util/chunks.h"

namespace wasmrr::cli {

void ReplyStream::start(uint16_t status, const wasi::FieldList& headers, std::optional<uint64_t> length) {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  head_.status = status;
  head_.headers = headers;
  head_.length = length;
  changed_.notify_all();
}

void ReplyStream::write(std::string_view bytes) {
  std::unique_lock lock(mutex_);
  if (bytes.empty()) return;
  changed_.wait(lock, [&] { return reader_gone_ || pending_ < kWindow; });
  if (reader_gone_ || ended_) return;
  chunks_.emplace_back(bytes);
  pending_ += bytes.size();
  changed_.notify_all();
}

void ReplyStream::finish(const wasi::FieldList& trailers) {
  std::lock_guard lock(mutex_);
  if (ended_) return;
  trailers_ = trailers;
  ended_ = true;
  changed_.notify_all();
}

bool ReplyStream::answer_or_cut(unsigned status, wasi::FieldList headers, std::string body) {
  std::lock_guard lock(mutex_);
  if (ended_) return cut_;
  if (head_taken_) {
    cut_ = ended_ = true;
  } else {  // nothing of the guest's response reached the client: this one replaces it
    started_ = ended_ = true;
    head_ = Head{status, std::move(headers), body.size(), false, {}};
    chunks_.clear();
    pending_ = body.size();
    chunks_.push_back(std::move(body));
  }
  changed_.notify_all();
  return cut_;
}

void ReplyStream::handler_returned() {
  std::lock_guard lock(mutex_);
  ended_ = true;
  changed_.notify_all();
}

ReplyStream::Head ReplyStream::wait_head() {
  std::unique_lock lock(mutex_);
  // The head waits for the body's first bytes (or its end): until then a
  // handler that fails can still be answered with a whole 500.
  changed_.wait(lock, [&] { return ended_ || (started_ && pending_ > 0); });
  if (!started_) return Head{500, {{"content-type", "text/plain"}}, std::nullopt, true, "no response was set\n"};
  head_taken_ = true;
  Head h = head_;
  if (ended_ && !cut_) {  // all of it is here: sent at once, with its length
    h.complete = true;
    for (auto& c : chunks_) h.body += c;
    chunks_.clear();
    pending_ = 0;
    changed_.notify_all();
  }
  return h;
}

long ReplyStream::read(char* dest, size_t max) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return pending_ > 0 || ended_; });
  if (pending_ == 0) return cut_ ? kCut : kEnd;
  size_t n = take_from_chunks(chunks_, dest, max);
  pending_ -= n;
  changed_.notify_all();
  return static_cast<long>(n);
}

wasi::FieldList ReplyStream::trailers() const {
  std::lock_guard lock(mutex_);
  return trailers_;
}

void ReplyStream::reader_gone() {
  std::lock_guard lock(mutex_);
  reader_gone_ = true;
  chunks_.clear();
  pending_ = 0;
  changed_.notify_all();
}

}  // namespace wasmrr::cli

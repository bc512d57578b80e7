#include "trace/raw_input.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wasmrr::trace {

namespace {

class FdInput final : public RawInput {
 public:
  FdInput(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdInput() override {
    if (owned_) ::close(fd_);
  }
  FdInput(const FdInput&) = delete;
  FdInput& operator=(const FdInput&) = delete;

  ssize_t read(char* buf, size_t n) override {
    while (true) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return got;
      if (errno != EINTR) {
        error_ = std::strerror(errno);
        return -1;
      }
    }
  }
  std::string error() const override { return error_; }

 private:
  int fd_;
  bool owned_;
  std::string error_;
};

}  // namespace

std::unique_ptr<RawInput> fd_input(int fd, bool owned) { return std::make_unique<FdInput>(fd, owned); }

}  // namespace wasmrr::trace

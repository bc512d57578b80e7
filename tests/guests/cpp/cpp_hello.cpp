// C++ guest (clang++-14 + libc++ for wasm32-wasi, wrapped by jco new): the
// standard library containers, iostreams, <random> and <chrono> over WASI.
#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  std::map<std::string, int> counts;
  for (const auto& a : args) counts[a]++;
  std::cout << "hello from C++ with " << args.size() << " args\n";
  for (const auto& [k, v] : counts) std::cout << k << ": " << v << "\n";
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::cout << "random: " << gen() << "\n";
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::cout << "plausible time: " << (std::chrono::duration_cast<std::chrono::seconds>(now).count() > 1700000000 ? "yes" : "no") << "\n";
  return 0;
}

#include "collector/web/api_token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gs::collector::web {

namespace {

constexpr std::size_t kMinTokenLength = 16;

Result<std::string> NewToken() {
  std::array<unsigned char, 32> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(std::string("getrandom: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 15]);
  }
  return token;
}

// Creates the file only if it does not exist yet (O_EXCL), readable by its owner only.
Result<std::string> CreateToken(const std::filesystem::path& path) {
  auto token = NewToken();
  if (!token) return token;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(path.string() + ": cannot create: " + std::strerror(errno));
  const std::string line = *token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const int code = errno;
  ::close(fd);
  if (!ok) return Fail(path.string() + ": cannot write: " + std::strerror(code));
  return token;
}

}  // namespace

Result<std::string> LoadOrCreateToken(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto created = CreateToken(path);
    // Lost a race with another creator: read theirs.
    if (created || !std::filesystem::exists(path, ec)) return created;
  }
  std::ifstream in(path);
  if (!in) return Fail(path.string() + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  if (token.size() < kMinTokenLength) {
    return Fail(path.string() + ": the token must be at least " + std::to_string(kMinTokenLength) +
                " characters");
  }
  return token;
}

}  // namespace gs::collector::web

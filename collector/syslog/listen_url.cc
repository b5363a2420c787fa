#include "collector/syslog/listen_url.h"

#include <charconv>

namespace gs::collector::syslog {

Result<ListenUrl> ParseListenUrl(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  ListenUrl url;
  url.text = std::string(text);
  std::string_view rest = text;
  if (rest.starts_with("udp://")) {
    url.transport = ListenUrl::Transport::kUdp;
  } else if (rest.starts_with("tcp://")) {
    url.transport = ListenUrl::Transport::kTcp;
  } else if (rest.starts_with("tls://")) {
    url.transport = ListenUrl::Transport::kTls;
  } else {
    return Fail(quoted + ": must start with udp://, tcp:// or tls://");
  }
  rest.remove_prefix(6);
  std::string_view host;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return Fail(quoted + ": expected [IPv6]:PORT");
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return Fail(quoted + ": missing :PORT");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return Fail(quoted + ": bad port \"" + std::string(port) + "\"");
  }
  url.port = static_cast<std::uint16_t>(value);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code bad;
  url.address = boost::asio::ip::make_address(std::string(host), bad);
  if (bad) return Fail(quoted + ": \"" + std::string(host) + "\" is not an IP address");
  return url;
}

}  // namespace gs::collector::syslog

// ListenUrl: a syslog listener address from the config, "udp://127.0.0.1:5514",
// "tcp://[::1]:601", "tls://0.0.0.0:6514". Pure functions; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/result.h"

namespace gs::collector::syslog {

struct ListenUrl {
  enum class Transport : std::uint8_t { kUdp, kTcp, kTls };
  Transport transport = Transport::kUdp;
  boost::asio::ip::address address;
  std::uint16_t port = 0;  // 0: any free port (tests)
  std::string text;        // as written in the config; the `listener` label on /metrics
};

// Accepts udp://, tcp:// and tls:// with an IPv4 address, a bracketed IPv6 address, or
// "localhost" (127.0.0.1), and a port. Host names are refused: no DNS at start-up.
[[nodiscard]] Result<ListenUrl> ParseListenUrl(std::string_view text);

}  // namespace gs::collector::syslog

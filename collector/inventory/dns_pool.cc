// ResolvePool with c-ares: one channel per call, A and AAAA queries in flight together, driven
// by an ares_getsock + poll loop on the calling thread until both are answered or the overall
// deadline passes.
//
// poll rather than ares_fds + select: the daemon holds many descriptors, and a socket numbered
// FD_SETSIZE (1024) or more would overflow an fd_set.
#include "collector/inventory/dns_pool.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

namespace gs::collector::inventory {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A DNS message is at most 64 KiB (over TCP) and the smallest A record in it takes 16 bytes,
// so 4096 address slots always hold every record of a reply: nothing is silently dropped.
constexpr int kMaxRecords = 4096;

int LibraryInitStatus() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  return status;
}

// One query (A or AAAA) and what its callback found. Lives on ResolvePool's stack, declared
// before the channel, so it outlives every callback (ares_destroy runs pending ones).
struct Query {
  const char* type = "A";
  int dns_type = 1;  // ns_t_a; 28 is ns_t_aaaa
  bool done = false;
  int status = ARES_SUCCESS;  // ARES_SUCCESS also for NXDOMAIN and "no such record"
  std::vector<std::string> addresses{};
  std::chrono::seconds min_ttl{-1};  // -1: no record seen
};

void AddRecord(Query& query, const void* address, int family, int ttl) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (::inet_ntop(family, address, text.data(), text.size()) == nullptr) return;
  query.addresses.emplace_back(text.data());
  // RFC 2181 8: a TTL with the top bit set counts as 0; c-ares hands it over as negative.
  const std::chrono::seconds seconds(std::max(ttl, 0));
  if (query.min_ttl.count() < 0 || seconds < query.min_ttl) query.min_ttl = seconds;
}

// Parses a successful reply into `query`; returns the c-ares status of the parse.
int ParseReply(Query& query, const unsigned char* abuf, int alen) {
  int count = kMaxRecords;
  int status = ARES_SUCCESS;
  if (query.dns_type == 1) {
    std::vector<ares_addrttl> records(kMaxRecords);
    status = ares_parse_a_reply(abuf, alen, nullptr, records.data(), &count);
    for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
      AddRecord(query, &records[static_cast<std::size_t>(i)].ipaddr, AF_INET,
                records[static_cast<std::size_t>(i)].ttl);
    }
  } else {
    std::vector<ares_addr6ttl> records(kMaxRecords);
    status = ares_parse_aaaa_reply(abuf, alen, nullptr, records.data(), &count);
    for (int i = 0; status == ARES_SUCCESS && i < count; ++i) {
      AddRecord(query, &records[static_cast<std::size_t>(i)].ip6addr, AF_INET6,
                records[static_cast<std::size_t>(i)].ttl);
    }
  }
  return status == ARES_ENODATA ? ARES_SUCCESS : status;
}

// The ares_callback. Nothing may propagate out of it into c-ares.
void OnReply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) noexcept {
  auto& query = *static_cast<Query*>(arg);
  query.done = true;
  if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {  // NXDOMAIN, NOERROR without data
    query.status = ARES_SUCCESS;
    return;
  }
  query.status = status;
  if (status != ARES_SUCCESS) return;
  try {
    query.status = ParseReply(query, abuf, alen);
  } catch (...) {  // std::bad_alloc from the vectors
    query.status = ARES_ENOMEM;
  }
}

class Channel {
 public:
  Channel() = default;
  ~Channel() {
    if (channel_ != nullptr) ares_destroy(channel_);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ares_channel* out() { return &channel_; }
  [[nodiscard]] ares_channel get() const { return channel_; }

 private:
  ares_channel channel_ = nullptr;
};

// The servers c-ares will ask, "10.0.0.1:53, [fd00::1]:53", for messages about the system
// resolver.
std::string ServerList(ares_channel channel) {
  ares_addr_port_node* servers = nullptr;
  if (ares_get_servers_ports(channel, &servers) != ARES_SUCCESS) return "?";
  std::string list;
  for (const ares_addr_port_node* s = servers; s != nullptr; s = s->next) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    ::inet_ntop(s->family, &s->addr, text.data(), text.size());
    const std::string port = std::to_string(s->udp_port == 0 ? 53 : s->udp_port);
    if (!list.empty()) list += ", ";
    list += s->family == AF_INET6 ? "[" + std::string(text.data()) + "]:" + port
                                  : std::string(text.data()) + ":" + port;
  }
  ares_free_data(servers);
  return list.empty() ? "no servers" : list;
}

// `server` ("10.0.0.2", "10.0.0.2:5353", "::1", "[::1]", "[::1]:5353") as c-ares' CSV form
// "ADDRESS:PORT" / "[ADDRESS]:PORT", or nullopt when it is not one of those. Checked here
// because ares_set_servers_ports_csv takes ports modulo 65536 and also takes lists.
std::optional<std::string> ServerCsv(const std::string& server) {
  std::string host = server;
  std::string port = "53";
  const bool bracketed = server.starts_with('[');
  const std::size_t close = server.find(']');
  if (bracketed) {
    if (close == std::string::npos) return std::nullopt;
    host = server.substr(1, close - 1);
    if (close + 1 < server.size()) {
      if (server[close + 1] != ':') return std::nullopt;
      port = server.substr(close + 2);
    }
  } else if (const std::size_t colon = server.find(':');
             colon != std::string::npos && server.find(':', colon + 1) == std::string::npos) {
    host = server.substr(0, colon);  // exactly one colon: IPv4:PORT
    port = server.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
      std::stoi(port) > 65535) {
    return std::nullopt;
  }
  std::array<unsigned char, sizeof(in6_addr)> buffer{};
  if (host.find(':') == std::string::npos && !bracketed &&
      ::inet_pton(AF_INET, host.c_str(), buffer.data()) == 1) {
    return host + ":" + port;
  }
  if (::inet_pton(AF_INET6, host.c_str(), buffer.data()) == 1) return "[" + host + "]:" + port;
  return std::nullopt;
}

// Creates the channel. The first try waits a third of the budget, leaving room for a retry
// (c-ares lengthens later tries; the overall deadline in Run cuts them short). With one
// explicit server there is no other server to fail over to, so NOCHECKRESP hands SERVFAIL and
// REFUSED to the callback as themselves instead of "Could not contact DNS servers".
Result<void> OpenChannel(const DnsPoolOptions& options, Channel& channel) {
  ares_options opts{};
  opts.timeout = static_cast<int>(std::max<milliseconds::rep>(options.timeout.count() / 3, 1));
  opts.tries = 2;
  opts.flags = options.server.empty() ? 0 : ARES_FLAG_NOCHECKRESP;
  const int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
  int status = ares_init_options(channel.out(), &opts, mask);
  if (status != ARES_SUCCESS) {
    return Fail("DNS pool " + options.name + ": cannot set up c-ares: " + ares_strerror(status));
  }
  if (options.server.empty()) return {};
  const std::optional<std::string> csv = ServerCsv(options.server);
  status = csv ? ares_set_servers_ports_csv(channel.get(), csv->c_str()) : ARES_EBADSTR;
  if (status != ARES_SUCCESS) {
    return Fail("DNS pool " + options.name + ": bad DNS server \"" + options.server +
                "\" (want IPV4, IPV4:PORT, IPV6 or [IPV6]:PORT): " + ares_strerror(status));
  }
  return {};
}

bool AllDone(const std::vector<Query>& queries) {
  return std::all_of(queries.begin(), queries.end(), [](const Query& q) { return q.done; });
}

// One wait for socket activity or c-ares' next timeout, bounded by `deadline`, and its
// processing. False with errno set when poll fails.
bool Step(ares_channel channel, Clock::time_point deadline) {
  std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> sockets{};
  const int bits = ares_getsock(channel, sockets.data(), ARES_GETSOCK_MAXNUM);
  std::vector<pollfd> fds;
  for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
    short events = 0;
    if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
    if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
    if (events != 0) fds.push_back({sockets[static_cast<std::size_t>(i)], events, 0});
  }
  const auto left = std::chrono::ceil<std::chrono::microseconds>(deadline - Clock::now());
  timeval max_wait{};
  max_wait.tv_sec = static_cast<time_t>(std::max<std::int64_t>(left.count(), 0) / 1000000);
  max_wait.tv_usec = static_cast<suseconds_t>(std::max<std::int64_t>(left.count(), 0) % 1000000);
  timeval wait{};
  const timeval* until = ares_timeout(channel, &max_wait, &wait);
  const auto wait_ms = static_cast<int>(until->tv_sec * 1000 + (until->tv_usec + 999) / 1000);
  const int ready = ::poll(fds.data(), fds.size(), wait_ms);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) {  // c-ares' own timeouts: retries, next server
    ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    return true;
  }
  for (const pollfd& fd : fds) {
    if (fd.revents == 0) continue;
    const bool readable = (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    const bool writable = (fd.revents & POLLOUT) != 0;
    ares_process_fd(channel, readable ? fd.fd : ARES_SOCKET_BAD,
                    writable ? fd.fd : ARES_SOCKET_BAD);
  }
  return true;
}

// Drives the channel until every query is done. At the deadline the rest are cancelled and
// marked ARES_ETIMEOUT; a poll failure marks them ARES_ECONNREFUSED.
void Run(ares_channel channel, std::vector<Query>& queries, Clock::time_point deadline) {
  int give_up = ARES_SUCCESS;
  while (!AllDone(queries)) {
    if (Clock::now() >= deadline) {
      give_up = ARES_ETIMEOUT;
    } else if (!Step(channel, deadline)) {
      give_up = ARES_ECONNREFUSED;
    }
    if (give_up == ARES_SUCCESS) continue;
    ares_cancel(channel);  // runs the pending callbacks with ARES_ECANCELLED
    for (Query& query : queries) {
      if (query.status == ARES_ECANCELLED) query.status = give_up;
    }
    return;
  }
}

}  // namespace

Result<DnsAnswer> ResolvePool(const DnsPoolOptions& options) {
  const std::string pool = "DNS pool " + options.name;
  if (options.name.empty() || options.name.find('\0') != std::string::npos) {
    return Fail(pool + ": the name is empty or holds a NUL byte");
  }
  if (!options.ipv4 && !options.ipv6) return Fail(pool + ": neither A nor AAAA records wanted");
  if (options.timeout.count() <= 0) return Fail(pool + ": the timeout must be positive");
  if (const int status = LibraryInitStatus(); status != ARES_SUCCESS) {
    return Fail(pool + ": cannot initialise c-ares: " + ares_strerror(status));
  }
  const auto deadline = Clock::now() + options.timeout;
  std::vector<Query> queries;  // before the channel: outlives its callbacks
  if (options.ipv4) queries.push_back(Query{.type = "A", .dns_type = 1});
  if (options.ipv6) queries.push_back(Query{.type = "AAAA", .dns_type = 28});
  Channel channel;
  if (auto opened = OpenChannel(options, channel); !opened) return tl::unexpected(opened.error());
  for (Query& query : queries) {
    ares_query(channel.get(), options.name.c_str(), 1 /* ns_c_in */, query.dns_type, OnReply,
               &query);
  }
  Run(channel.get(), queries, deadline);

  DnsAnswer answer;
  std::chrono::seconds min_ttl{-1};
  for (const Query& query : queries) {
    if (query.status != ARES_SUCCESS) {
      const std::string server = options.server.empty()
                                     ? "the system resolver (" + ServerList(channel.get()) + ")"
                                     : options.server;
      std::string reason = ares_strerror(query.status);
      if (query.status == ARES_ETIMEOUT) {
        reason += " (no reply within " + std::to_string(options.timeout.count()) + " ms)";
      }
      return Fail(pool + ": " + query.type + " query to " + server + " failed: " + reason);
    }
    answer.addresses.insert(answer.addresses.end(), query.addresses.begin(), query.addresses.end());
    if (query.min_ttl.count() >= 0 && (min_ttl.count() < 0 || query.min_ttl < min_ttl)) {
      min_ttl = query.min_ttl;
    }
  }
  std::sort(answer.addresses.begin(), answer.addresses.end());
  answer.addresses.erase(std::unique(answer.addresses.begin(), answer.addresses.end()),
                         answer.addresses.end());
  answer.min_ttl = std::max(min_ttl, std::chrono::seconds(0));
  return answer;
}

std::vector<DiscoveredNode> PoolNodes(const std::string& pool, const DnsAnswer& answer,
                                      const probes::Tags& tags) {
  std::vector<DiscoveredNode> nodes;
  nodes.reserve(answer.addresses.size());
  for (const std::string& address : answer.addresses) {
    DiscoveredNode node{{pool + "[" + address + "]", address, tags}, Lifecycle::kRunning};
    node.tags.insert_or_assign("pool", pool);
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace gs::collector::inventory

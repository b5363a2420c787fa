// DNS pools: a round-robin DNS name (A and/or AAAA records) whose addresses are the members of
// a pool of nodes, resolved with c-ares against the system resolver or a given server.
//
// Thread-safety: ResolvePool blocks (up to options.timeout) and is meant for the discovery
// worker thread, never the io_context. Each call owns its own c-ares channel, so concurrent
// calls from several threads are safe. PoolNodes is a pure function.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "collector/inventory/node.h"
#include "probes/result.h"
#include "probes/target.h"

namespace gs::collector::inventory {

struct DnsPoolOptions {
  std::string name{};    // the pool's DNS name, e.g. www.example.com
  std::string server{};  // "" = the system resolver (/etc/resolv.conf); else one server:
                         // "127.0.0.1:5353", "[::1]:53", "10.0.0.2", "::1", "[::1]" (port 53)
  bool ipv4 = true;      // A records
  bool ipv6 = true;      // AAAA records
  std::chrono::milliseconds timeout{3000};  // for the whole call, both queries and all retries
};

struct DnsAnswer {
  std::vector<std::string> addresses{};  // sorted, unique, textual (inet_ntop)
  std::chrono::seconds min_ttl{0};       // smallest TTL seen (0 when none)
  friend bool operator==(const DnsAnswer&, const DnsAnswer&) = default;
};

// Queries A and/or AAAA for options.name (both in flight at once; the name is taken as
// absolute: no search domains).
// Success: the addresses of the wanted families. NXDOMAIN, or no record of a wanted family,
// gives an empty answer for that family (not an error): a pool scaled to zero is a valid pool.
// Failure: timeouts (options.timeout for the whole call), SERVFAIL, REFUSED, connection errors,
// a malformed reply, an unusable `server`, neither family wanted, or a non-positive timeout.
// The message names the server, the name, the record type and c-ares' reason. A failure of
// one family fails the whole call: a half answer would retire the other family's members.
[[nodiscard]] Result<DnsAnswer> ResolvePool(const DnsPoolOptions& options);

// The pool's members as nodes, in the answer's order: name "POOL[ADDRESS]" (for example
// "www.example.com[10.0.0.5]"), address ADDRESS, tags `tags` plus pool=POOL (replacing a
// "pool" tag of `tags`), lifecycle kRunning.
[[nodiscard]] std::vector<DiscoveredNode> PoolNodes(const std::string& pool,
                                                    const DnsAnswer& answer,
                                                    const probes::Tags& tags);

}  // namespace gs::collector::inventory

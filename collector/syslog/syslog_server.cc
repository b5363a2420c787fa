#include "collector/syslog/syslog_server.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <openssl/x509v3.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <functional>

#include "collector/syslog/framing.h"
#include "collector/syslog/log_archive.h"
#include "collector/syslog/syslog_parse.h"

namespace gs::collector::syslog {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using asio::ip::udp;
using std::chrono::system_clock;

namespace {

constexpr std::size_t kReadBuffer = 64 * 1024;
constexpr int kUdpBatch = 64;                                   // datagrams per recvmmsg call
constexpr auto kUdpPause = std::chrono::milliseconds(1);        // see ReadUdp
constexpr auto kUdpStopCheck = std::chrono::milliseconds(200);  // see ReadUdp
constexpr int kUdpRounds = 16;                                  // recvmmsg calls before yielding
constexpr auto kPauseStep = std::chrono::milliseconds(5);
constexpr auto kStreamPause = std::chrono::milliseconds(1);  // see ReadStream
constexpr auto kShutdownPatience = std::chrono::seconds(3);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

std::string ErrorText(const ListenUrl& url, const boost::system::error_code& ec) {
  return url.text + ": " + ec.message();
}

// True when two sender addresses have the same IP (the port does not matter: the source
// recorded is the address alone).
bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

// Datagrams the kernel dropped on socket `fd` because its receive buffer was full: the
// socket's sk_drops, the same counter SO_RXQ_OVFL would attach to every datagram as a
// control message. Read once per wake-up with SO_MEMINFO instead, as a control message per
// datagram costs the kernel about 7% of the reader's time.
std::uint32_t KernelDrops(int fd) {
  std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
  socklen_t len = sizeof(info);
  if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info.data(), &len) != 0) return 0;
  return info[SK_MEMINFO_DROPS];
}

// The records of one read, in the archive's chunks. Chunks come back from the archive once
// written and are parsed into again (ParseSyslog overwrites every field and the strings keep
// their capacity), so parsing a message normally allocates nothing. The listener's counters
// are added up here and published once per read, not once per message.
struct Batch {
  Batch(ListenerStats& s, LogArchive& a) : stats(s), archive(a) {}

  ListenerStats& stats;
  LogArchive& archive;
  std::vector<std::vector<LogRecord>> chunks;  // full ones, then the one being filled
  std::size_t used = 0;                        // records parsed into chunks.back()
  std::uint64_t received = 0;
  std::uint64_t parsed = 0;
  std::uint64_t unparsed = 0;
  std::uint64_t truncated = 0;
  std::uint64_t bytes = 0;

  [[nodiscard]] std::size_t size() const {
    return chunks.empty() ? 0 : (chunks.size() - 1) * LogArchive::kChunkRecords + used;
  }

  LogRecord& Next() {
    if (chunks.empty() || used == chunks.back().size()) {
      std::vector<LogRecord>& chunk = chunks.emplace_back();
      archive.TakeSpare(chunk);
      chunk.resize(LogArchive::kChunkRecords);
      used = 0;
    }
    return chunks.back()[used++];
  }

  // Forgets the records parsed (the archive refused them); keeps one chunk for the next read.
  void Clear() {
    if (chunks.size() > 1) chunks.resize(1);
    used = 0;
  }

  void PublishCounts() {
    if (received != 0) {
      stats.received += received;
      stats.parsed += parsed;
      stats.unparsed += unparsed;
      stats.truncated += truncated;
      received = parsed = unparsed = truncated = 0;
    }
    if (bytes != 0) {
      stats.bytes += bytes;
      bytes = 0;
    }
  }
};

}  // namespace

struct SyslogServer::Impl {
  asio::io_context io{1};
  std::optional<asio::ssl::context> tls;
  std::vector<std::string> allowed_subjects;
  std::size_t max_message = kDefaultMaxMessage;
  int max_connections = 4096;
  LogArchive* archive = nullptr;
  std::function<std::shared_ptr<const NodeIndex>()> nodes;
  bool stopping = false;  // io thread only
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::function<void()>> closers;  // io thread only
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<int> udp_fds;  // closed by ~Impl

  ~Impl() {
    for (int fd : udp_fds) ::close(fd);
  }

  // Parses one message into the batch.
  void Emit(std::string_view frame, bool truncated, system_clock::time_point received,
            const std::string& source, const NodeIndex* index, Batch& batch) {
    LogRecord& r = batch.Next();
    ParseSyslog(frame, ParseContext{received, source}, r);
    r.truncated = truncated;
    r.node.clear();
    if (index != nullptr && !index->empty()) {
      if (auto it = index->find(source); it != index->end()) r.node = it->second;
    }
    ++batch.received;
    if (r.format == Format::kUnparsed) {
      ++batch.unparsed;
    } else {
      ++batch.parsed;
    }
    if (truncated) ++batch.truncated;
  }

  // Hands the batch's records to the archive; false when its queue is full.
  bool TryPush(Batch& batch) {
    batch.PublishCounts();
    if (batch.size() == 0) return true;
    if (!archive->TryPush(batch.chunks, batch.used)) return false;
    batch.used = 0;
    return true;
  }

  // Hands `batch` to the archive, waiting while its queue is full (the reader is paused).
  awaitable<void> Push(Batch& batch, ListenerStats& stats) {
    if (TryPush(batch)) co_return;
    ++stats.paused;
    asio::steady_timer timer(io);
    const auto give_up = std::chrono::steady_clock::now() + kShutdownPatience;
    while (!TryPush(batch)) {
      if (stopping && std::chrono::steady_clock::now() > give_up) {
        stats.dropped_shutdown += batch.size();
        batch.Clear();
        co_return;
      }
      timer.expires_after(kPauseStep);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }

  // One TCP or TLS connection. A read that empties the socket is followed by a pause of
  // kStreamPause before the next, so a busy sender's bytes are read in a few large reads
  // (the socket buffer holds them meanwhile) instead of one read and one thread switch per
  // segment; a quiet sender's message waits at most that long.
  template <typename Stream>
  awaitable<void> ReadStream(Stream& stream, const std::string& source, ListenerStats& stats) {
    FrameDecoder decoder(max_message);
    std::vector<char> buffer(kReadBuffer);
    Batch batch(stats, *archive);
    asio::steady_timer pause(io);
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = co_await stream.async_read_some(
          asio::buffer(buffer), asio::redirect_error(use_awaitable, ec));
      if (n > 0) {
        batch.bytes += n;
        const auto received = system_clock::now();
        const auto index = nodes();
        const bool ok = decoder.Feed(
            std::string_view(buffer.data(), n),
            [&](std::string_view f, bool t) { Emit(f, t, received, source, index.get(), batch); });
        if (!ok) {
          ++stats.framing_errors;
          co_await Push(batch, stats);
          co_return;
        }
      }
      if (ec) {
        const auto index = nodes();
        decoder.Finish([&](std::string_view f, bool t) {
          Emit(f, t, system_clock::now(), source, index.get(), batch);
        });
        co_await Push(batch, stats);
        co_return;
      }
      co_await Push(batch, stats);
      if (n < buffer.size() && !stopping) {
        pause.expires_after(kStreamPause);
        co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      }
    }
  }

  // True when the client's certificate names one of allowed_subjects (CN or SAN DNS).
  bool ClientAllowed(SSL* ssl) const {
    if (allowed_subjects.empty()) return true;
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return false;
    // X509_check_host looks at the SAN DNS names (the CN only when there are none), so the
    // subject's CN is compared as well.
    std::array<char, 256> cn{};
    const int cn_length = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName,
                                                    cn.data(), static_cast<int>(cn.size()));
    const std::string_view subject =
        cn_length > 0 ? std::string_view(cn.data(), static_cast<std::size_t>(cn_length)) : "";
    bool allowed = false;
    for (const std::string& name : allowed_subjects) {
      if (X509_check_host(cert, name.data(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                          nullptr) == 1 ||
          (!subject.empty() && strncasecmp(subject.data(), name.c_str(), subject.size()) == 0 &&
           subject.size() == name.size())) {
        allowed = true;
        break;
      }
    }
    X509_free(cert);
    return allowed;
  }

  awaitable<void> Session(tcp::socket socket, Listener& listener, bool use_tls) {
    ListenerStats& stats = listener.stats;
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const std::string source = ec ? std::string() : peer.address().to_string();
    socket.set_option(asio::socket_base::keep_alive(true), ec);
    const std::uint64_t id = next_id++;
    ++stats.connections_open;
    if (!use_tls) {
      closers[id] = [&socket] {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_receive, ignored);
        socket.close(ignored);
      };
      co_await ReadStream(socket, source, stats);
    } else {
      asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
      closers[id] = [&stream] {
        boost::system::error_code ignored;
        stream.lowest_layer().close(ignored);
      };
      asio::steady_timer deadline(io);
      deadline.expires_after(kHandshakeTimeout);
      deadline.async_wait([&stream](boost::system::error_code e) {
        if (!e) {
          boost::system::error_code ignored;
          stream.lowest_layer().close(ignored);
        }
      });
      co_await stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(use_awaitable, ec));
      deadline.cancel();
      if (ec || !ClientAllowed(stream.native_handle())) {
        ++stats.tls_failures;
      } else {
        co_await ReadStream(stream, source, stats);
      }
    }
    closers.erase(id);
    --stats.connections_open;
  }

  awaitable<void> Accept(tcp::acceptor& acceptor, Listener& listener) {
    const bool use_tls = listener.url.transport == ListenUrl::Transport::kTls;
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (stopping || ec == asio::error::operation_aborted) co_return;
      if (ec) {  // EMFILE and the like: back off a little instead of spinning
        asio::steady_timer wait(io, std::chrono::milliseconds(50));
        co_await wait.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      ++listener.stats.connections;
      if (listener.stats.connections_open.load() >= max_connections) {
        ++listener.stats.connections_rejected;
        socket.close(ec);
        continue;
      }
      asio::co_spawn(io, Session(std::move(socket), listener, use_tls), asio::detached);
    }
  }

  // One UDP listener, on a thread of its own: recvmmsg batches, never blocking the
  // io_context. Under load it reads what has arrived, then sleeps kUdpPause so the next read
  // finds hundreds of datagrams (an epoll-driven reader would be woken by every single
  // datagram: a thread switch each). When a read finds nothing it blocks in recvmmsg until
  // the next datagram (MSG_WAITFORONE), waking every kUdpStopCheck to see whether to stop.
  void ReadUdp(int fd, Listener& listener) {
    ListenerStats& stats = listener.stats;
    const std::size_t slot = std::min<std::size_t>(max_message, 65535) + 1;
    std::vector<char> data(slot * kUdpBatch);
    std::array<mmsghdr, kUdpBatch> msgs{};
    std::array<iovec, kUdpBatch> iovs{};
    std::array<sockaddr_storage, kUdpBatch> addrs{};
    Batch batch(stats, *archive);
    sockaddr_storage last_addr{};
    std::string source;
    bool block = true;  // the last read found nothing: wait in recvmmsg for the next datagram
    while (!udp_stop.load(std::memory_order_relaxed)) {
      std::shared_ptr<const NodeIndex> index;  // taken once datagrams are there: a reload
                                               // may replace it while recvmmsg blocks
      std::size_t read = 0;
      bool drained = false;  // the last recvmmsg emptied the socket
      for (int round = 0; round < kUdpRounds; ++round) {
        for (int i = 0; i < kUdpBatch; ++i) {
          iovs[i] = {data.data() + static_cast<std::size_t>(i) * slot, slot};
          msgs[i].msg_hdr = {};
          msgs[i].msg_hdr.msg_name = &addrs[i];
          msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
          msgs[i].msg_hdr.msg_iov = &iovs[i];
          msgs[i].msg_hdr.msg_iovlen = 1;
        }
        const int flags = block && round == 0 ? MSG_WAITFORONE : MSG_DONTWAIT;
        const int n = ::recvmmsg(fd, msgs.data(), kUdpBatch, flags, nullptr);
        drained = n < kUdpBatch;
        if (n <= 0) break;  // EAGAIN, or the SO_RCVTIMEO tick while blocking
        read += static_cast<std::size_t>(n);
        if (!index) index = nodes();
        const auto received = system_clock::now();
        for (int i = 0; i < n; ++i) {
          const msghdr& h = msgs[i].msg_hdr;
          if (!SameAddress(addrs[i], last_addr)) {  // the text is formatted once per sender run
            last_addr = addrs[i];
            udp::endpoint from;
            std::memcpy(from.data(), &addrs[i],
                        std::min<std::size_t>(h.msg_namelen, from.capacity()));
            source = from.address().to_string();
          }
          std::size_t len = msgs[i].msg_len;
          bool truncated = (h.msg_flags & MSG_TRUNC) != 0;
          if (len > max_message) {
            len = max_message;
            truncated = true;
          }
          batch.bytes += msgs[i].msg_len;
          Emit(std::string_view(static_cast<const char*>(iovs[i].iov_base), len), truncated,
               received, source, index.get(), batch);
        }
        if (drained) break;
      }
      if (!TryPush(batch)) {
        stats.dropped_queue += batch.size();
        batch.Clear();
      }
      if (read > 0) stats.dropped_kernel = KernelDrops(fd);
      block = read == 0;
      if (drained && !block) std::this_thread::sleep_for(kUdpPause);
    }
  }

  std::atomic<bool> udp_stop{false};
  std::vector<std::thread> udp_threads;
};

SyslogServer::SyslogServer(const SyslogSection& config, LogArchive& archive)
    : config_(config), archive_(archive), impl_(std::make_shared<Impl>()) {}

SyslogServer::~SyslogServer() { Stop(); }

void SyslogServer::SetNodes(std::shared_ptr<const NodeIndex> nodes) {
  std::lock_guard lock(nodes_mu_);
  nodes_ = std::move(nodes);
}

std::shared_ptr<const NodeIndex> SyslogServer::nodes() const {
  std::lock_guard lock(nodes_mu_);
  return nodes_;
}

Result<void> SyslogServer::Start() {
  Impl& impl = *impl_;
  impl.archive = &archive_;
  impl.max_message = static_cast<std::size_t>(config_.max_message_size);
  impl.max_connections = config_.max_connections;
  impl.nodes = [this] { return nodes(); };
  impl.allowed_subjects = config_.tls.allowed_subjects;
  for (const std::string& text : config_.listen) {
    auto url = ParseListenUrl(text);
    if (!url) return tl::unexpected(url.error());
    auto listener = std::make_unique<Listener>();
    listener->url = *url;
    listeners_.push_back(std::move(listener));
  }
  boost::system::error_code ec;
  for (auto& l : listeners_) {
    if (l->url.transport != ListenUrl::Transport::kTls || impl.tls) continue;
    impl.tls.emplace(asio::ssl::context::tls_server);
    auto& ctx = *impl.tls;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    ctx.use_certificate_chain_file(config_.tls.cert_file, ec);
    if (ec) return Fail("syslog.tls.cert_file " + config_.tls.cert_file + ": " + ec.message());
    ctx.use_private_key_file(config_.tls.key_file, asio::ssl::context::pem, ec);
    if (ec) return Fail("syslog.tls.key_file " + config_.tls.key_file + ": " + ec.message());
    if (!config_.tls.ca_file.empty()) {
      ctx.load_verify_file(config_.tls.ca_file, ec);
      if (ec) return Fail("syslog.tls.ca_file " + config_.tls.ca_file + ": " + ec.message());
    }
    if (config_.tls.require_client_cert) {
      ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  for (auto& l : listeners_) {
    const ListenUrl& url = l->url;
    if (url.transport == ListenUrl::Transport::kUdp) {
      // A plain descriptor, not an asio socket: the io_context's epoll must not be woken by
      // every datagram (the reader is a thread of its own, see ReadUdp).
      const udp::endpoint endpoint(url.address, url.port);
      const int fd = ::socket(endpoint.protocol().family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return Fail(url.text + ": " + std::strerror(errno));
      impl.udp_fds.push_back(fd);
      const int wanted =
          static_cast<int>(std::min<std::uint64_t>(config_.udp_receive_buffer, INT32_MAX / 2));
      // Root may exceed net.core.rmem_max; others get what the kernel allows.
      if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &wanted, sizeof(wanted)) != 0) {
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &wanted, sizeof(wanted));
      }
      int granted = 0;
      socklen_t len = sizeof(granted);
      ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &len);
      l->stats.receive_buffer = granted;
      const timeval tick{
          0, static_cast<suseconds_t>(std::chrono::microseconds(kUdpStopCheck).count())};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
      if (::bind(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
        return Fail(url.text + ": " + std::strerror(errno));
      }
      udp::endpoint bound;
      socklen_t bound_len = static_cast<socklen_t>(bound.capacity());
      ::getsockname(fd, bound.data(), &bound_len);
      bound.resize(bound_len);
      l->port = bound.port();
    } else {
      auto acceptor = std::make_unique<tcp::acceptor>(impl.io);
      const tcp::endpoint endpoint(url.address, url.port);
      acceptor->open(endpoint.protocol(), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor->bind(endpoint, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Fail(ErrorText(url, ec));
      l->port = acceptor->local_endpoint(ec).port();
      impl.acceptors.push_back(std::move(acceptor));
    }
  }
  std::size_t u = 0;
  std::size_t a = 0;
  for (auto& l : listeners_) {
    if (l->url.transport == ListenUrl::Transport::kUdp) {
      const int fd = impl.udp_fds[u++];
      Listener* listener = l.get();
      impl.udp_threads.emplace_back([impl = impl_, fd, listener] {
        pthread_setname_np(pthread_self(), "gs-syslog-udp");
        impl->ReadUdp(fd, *listener);
      });
    } else {
      asio::co_spawn(impl.io, impl.Accept(*impl.acceptors[a++], *l), asio::detached);
    }
  }
  thread_ = std::thread([impl = impl_] {
    pthread_setname_np(pthread_self(), "gs-syslog");
    impl->io.run();
  });
  return {};
}

void SyslogServer::Stop() {
  if (!thread_.joinable()) return;
  // UDP readers hand over what they read, notice the flag within kUdpStopCheck, and end.
  impl_->udp_stop = true;
  for (std::thread& t : impl_->udp_threads) t.join();
  impl_->udp_threads.clear();
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->stopping = true;
    boost::system::error_code ignored;
    for (auto& a : impl->acceptors) a->close(ignored);
    auto closers = impl->closers;  // a closer's session may erase itself meanwhile
    for (auto& [id, close] : closers) close();
  });
  thread_.join();
}

}  // namespace gs::collector::syslog

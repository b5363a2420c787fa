#include "probes/tcp_probe.h"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "probes/http_regex.h"
#include "probes/perfdata.h"
#include "probes/run_to_completion.h"
#include "probes/tls_inspect.h"

namespace gs::probes {

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;

constexpr std::size_t kMaxListedFailures = 8;  // addresses named in a failed-connect text

auto Await(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

std::string Seconds(double seconds) {
  char text[32];
  const auto r = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed, 3);
  return {text, r.ptr};
}

std::string Bytes(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

bool IsAddress(const std::string& name) {
  error_code ec;
  (void)asio::ip::make_address(name, ec);
  return !ec;
}

std::string DaysRange(const std::optional<int>& days) {
  return days ? std::to_string(*days) + ":" : std::string();
}

// One stage's contribution to the result: its state and the text it appends.
struct Step {
  State state = State::kOk;
  std::string text;
};

// One check from start to callback. Every member is used on the strand only.
class TcpCheck : public std::enable_shared_from_this<TcpCheck> {
 public:
  TcpCheck(asio::io_context& io, TcpCheckSpec spec, std::function<void(CheckResult)> done)
      : strand_(asio::make_strand(io)),
        spec_(std::move(spec)),
        done_(std::move(done)),
        deadline_(strand_),
        resolver_(strand_),
        socket_(strand_) {}

  void Start() {
    asio::post(strand_, [self = shared_from_this()] { self->Begin(); });
  }

 private:
  void Begin() {
    started_ = std::chrono::system_clock::now();
    start_ = Clock::now();
    auto self = shared_from_this();
    deadline_.expires_after(spec_.timeout);
    deadline_.async_wait([self](error_code ec) {
      if (!ec) self->OnDeadline();
    });
    asio::co_spawn(strand_, Run(self),
                   asio::bind_executor(strand_, [self](const std::exception_ptr& e, CheckResult r) {
                     self->Finish(e, std::move(r));
                   }));
  }

  // The coroutine's frame owns `self`, so the check outlives every operation it awaits.
  static awaitable<CheckResult> Run(std::shared_ptr<TcpCheck> self) {
    co_return co_await self->Probe();
  }

  void OnDeadline() {
    timed_out_ = true;
    resolver_.cancel();
    error_code ignored;
    socket_.close(ignored);  // aborts a pending connect, handshake, write or read
  }

  void Finish(const std::exception_ptr& failure, CheckResult result) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    error_code ignored;
    socket_.close(ignored);
    if (failure) result = Unknown("TCP check failed: " + Describe(failure));
    result.started = started_;
    result.duration = Clock::now() - start_;
    auto done = std::move(done_);
    done(std::move(result));
  }

  static std::string Describe(const std::exception_ptr& failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return "unknown exception";
    }
  }

  awaitable<CheckResult> Probe() {
    if (auto problem = Prepare(); !problem) co_return Unknown(problem.error().message);
    auto endpoints = co_await Resolve();
    if (!endpoints) co_return Report(State::kCritical, endpoints.error().message);
    if (auto failed = co_await Connect(*endpoints)) co_return Report(State::kCritical, *failed);
    connected_ = true;
    time_connect_ = Elapsed(start_);
    if (!spec_.tls) {
      const Step step = co_await Exchange(socket_);
      co_return Report(step.state,
                       Endpoint() + " connected in " + Seconds(time_connect_) + " s" + step.text);
    }
    co_return co_await ProbeTls();
  }

  // The checks that make a result UNKNOWN: the probe cannot run as configured.
  Result<bool> Prepare() {
    if (spec_.host.empty()) return Fail("no host given");
    if (spec_.port < 1 || spec_.port > 65535) {
      return Fail("port " + std::to_string(spec_.port) + " is not in 1..65535");
    }
    if (spec_.timeout.count() <= 0) return Fail("the timeout must be positive");
    if (!spec_.expect_regex.empty()) {
      auto regex = BodyRegex::Compile(spec_.expect_regex);
      if (!regex) return tl::unexpected(regex.error());
      regex_ = std::move(*regex);
    }
    if (!spec_.tls) return true;
    if (spec_.client_cert.empty() && !spec_.client_key.empty()) {
      return Fail("a client key needs a client certificate");
    }
    auto ctx =
        TlsContextCache::Shared().Get({spec_.verify_chain, spec_.verify_chain ? spec_.ca_file : "",
                                       spec_.client_cert, spec_.client_key});
    if (!ctx) return tl::unexpected(ctx.error());
    ctx_ = std::move(*ctx);
    return true;
  }

  awaitable<Result<tcp::resolver::results_type>> Resolve() {
    phase_ = "resolving";
    error_code ec;
    auto results = co_await resolver_.async_resolve(spec_.host, std::to_string(spec_.port),
                                                    tcp::resolver::numeric_service, Await(ec));
    if (timed_out_) co_return Fail(TimeoutText());
    if (ec) co_return Fail("cannot resolve " + spec_.host + ": " + ec.message());
    if (results.empty()) co_return Fail("cannot resolve " + spec_.host + ": no address");
    co_return results;
  }

  // Tries each address in turn; nullopt once one accepts, else why none did.
  awaitable<std::optional<std::string>> Connect(const tcp::resolver::results_type& endpoints) {
    phase_ = "connecting to";
    const bool literal = IsAddress(spec_.host);
    std::string failures;
    std::size_t listed = 0;
    for (const auto& entry : endpoints) {
      error_code ec;
      socket_.close(ec);  // a failed attempt leaves the socket open, maybe for another family
      co_await socket_.async_connect(entry.endpoint(), Await(ec));
      if (timed_out_) co_return TimeoutText();
      if (!ec) co_return std::nullopt;
      if (listed++ == kMaxListedFailures) failures += "; ...";
      if (listed > kMaxListedFailures) continue;
      if (!failures.empty()) failures += "; ";
      if (!literal) failures += entry.endpoint().address().to_string() + ": ";
      failures += ec.message();
    }
    co_return "connect to " + Endpoint() + ": " + failures;
  }

  awaitable<CheckResult> ProbeTls() {
    asio::ssl::stream<tcp::socket&> stream(socket_, *ctx_);
    const std::string name = spec_.sni.empty() ? spec_.host : spec_.sni;
    // RFC 6066: SNI carries host names only, never address literals.
    if (!IsAddress(name)) SSL_set_tlsext_host_name(stream.native_handle(), name.c_str());
    phase_ = "in the TLS handshake with";
    const auto begin = Clock::now();
    error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::client, Await(ec));
    if (timed_out_) co_return Report(State::kCritical, TimeoutText());
    if (ec) {
      co_return Report(State::kCritical,
                       "TLS handshake with " + Endpoint() + " failed: " + HandshakeError(ec));
    }
    handshaken_ = true;
    time_tls_ = Elapsed(begin);
    const TlsSession session = InspectSession(stream.native_handle(), name, spec_.verify_hostname);
    verdict_ = EvaluateTls(
        session,
        {spec_.verify_chain, spec_.verify_hostname, spec_.cert_warn_days, spec_.cert_crit_days},
        std::chrono::system_clock::now());
    std::string text = Endpoint() + " " + session.version + " handshake in " + Seconds(time_tls_) +
                       " s, " + verdict_->certificate_text;
    const Step step = co_await Exchange(stream);
    text += step.text;
    for (const std::string& problem : verdict_->problems) text += " - " + problem;
    CheckResult result = Report(Worst(step.state, verdict_->state), std::move(text));
    result.long_text = DescribeChain(session.chain);
    co_return result;
  }

  static std::string HandshakeError(const error_code& ec) {
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      return "connection closed by the server";
    }
    return ec.message();
  }

  // Sends spec_.send, then waits for spec_.expect_regex; either may be absent.
  template <typename Stream>
  awaitable<Step> Exchange(Stream& stream) {
    if (spec_.send.empty() && !regex_) co_return Step{};
    exchanged_ = true;
    if (!spec_.send.empty()) {
      phase_ = "sending to";
      error_code ec;
      co_await asio::async_write(stream, asio::buffer(spec_.send), Await(ec));
      if (timed_out_) co_return Step{State::kCritical, " - " + TimeoutText()};
      if (ec) co_return Step{State::kCritical, " - send failed: " + ec.message()};
      if (!regex_) co_return Step{State::kOk, ", sent " + Bytes(spec_.send.size())};
    }
    co_return co_await Expect(stream);
  }

  template <typename Stream>
  awaitable<Step> Expect(Stream& stream) {
    phase_ = "waiting for a reply from";
    std::string received;
    std::array<char, 4096> buffer;
    while (true) {
      error_code ec;
      const std::size_t room = std::min(buffer.size(), kMaxExpectBytes - received.size());
      const std::size_t n =
          co_await stream.async_read_some(asio::buffer(buffer.data(), room), Await(ec));
      received.append(buffer.data(), n);
      received_ = received.size();
      if (n > 0) {
        const Result<bool> matched = regex_->Matches(received);
        if (!matched) co_return Step{State::kUnknown, " - " + matched.error().message};
        if (*matched) {
          co_return Step{State::kOk,
                         ", '" + spec_.expect_regex + "' matched in " + Bytes(received.size())};
        }
      }
      if (timed_out_) co_return NotMatched(received, TimeoutText());
      if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        co_return NotMatched(received, "closed by the server");
      }
      if (ec) co_return NotMatched(received, "read failed: " + ec.message());
      if (received.size() >= kMaxExpectBytes) co_return NotMatched(received, "read limit");
    }
  }

  Step NotMatched(const std::string& received, const std::string& why) const {
    std::string text = " - '" + spec_.expect_regex + "' not matched";
    if (received.empty()) return {State::kCritical, text + ", nothing received (" + why + ")"};
    return {State::kCritical,
            text + " in " + Bytes(received.size()) + " (" + why + "): " + QuoteBytes(received)};
  }

  std::string Endpoint() const {
    const std::string port = std::to_string(spec_.port);
    if (spec_.host.find(':') != std::string::npos) return "[" + spec_.host + "]:" + port;
    return spec_.host + ":" + port;
  }

  std::string TimeoutText() const {
    const double seconds = static_cast<double>(spec_.timeout.count()) / 1000.0;
    return "timeout after " + FormatNumber(seconds) + " s " + phase_ + " " +
           (phase_ == "resolving" ? spec_.host : Endpoint());
  }

  static double Elapsed(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  }

  static CheckResult Unknown(std::string text) {
    CheckResult result;
    result.state = State::kUnknown;
    result.text = std::move(text);
    return result;
  }

  // The result with the perfdata of every stage reached; the connect time thresholds apply
  // once connected.
  CheckResult Report(State state, std::string text) const {
    CheckResult result;
    result.state = state;
    result.text = std::move(text);
    if (!connected_) return result;
    if (spec_.crit_time.Alerts(time_connect_)) {
      result.state = Worst(result.state, State::kCritical);
    } else if (spec_.warn_time.Alerts(time_connect_)) {
      result.state = Worst(result.state, State::kWarning);
    }
    auto& perf = result.perfdata;
    perf.emplace_back("time_connect", time_connect_, "s", spec_.warn_time.text(),
                      spec_.crit_time.text(), 0.0, std::nullopt);
    if (handshaken_) perf.emplace_back("time_tls", time_tls_, "s", "", "", 0.0, std::nullopt);
    if (verdict_ && verdict_->days_left) {
      perf.emplace_back("days_left", static_cast<double>(*verdict_->days_left), "",
                        DaysRange(spec_.cert_warn_days), DaysRange(spec_.cert_crit_days),
                        std::nullopt, std::nullopt);
    }
    if (exchanged_) {
      perf.emplace_back("bytes_received", static_cast<double>(received_), "B", "", "", 0.0,
                        std::nullopt);
    }
    return result;
  }

  Strand strand_;
  TcpCheckSpec spec_;
  std::function<void(CheckResult)> done_;
  asio::steady_timer deadline_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::unique_ptr<BodyRegex> regex_;
  std::shared_ptr<asio::ssl::context> ctx_;
  std::chrono::system_clock::time_point started_{};
  Clock::time_point start_{};
  std::string phase_;
  bool timed_out_ = false;
  bool finished_ = false;
  bool connected_ = false;
  bool handshaken_ = false;
  bool exchanged_ = false;
  double time_connect_ = 0;
  double time_tls_ = 0;
  std::size_t received_ = 0;
  std::optional<TlsVerdict> verdict_;
};

}  // namespace

void StartTcpCheck(asio::io_context& io, TcpCheckSpec spec, std::function<void(CheckResult)> done) {
  std::make_shared<TcpCheck>(io, std::move(spec), std::move(done))->Start();
}

CheckResult RunTcpCheck(const TcpCheckSpec& spec) {
  return RunToCompletion([&spec](asio::io_context& io, std::function<void(CheckResult)> done) {
    StartTcpCheck(io, spec, std::move(done));
  });
}

std::string InterpretEscapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (text[i] != '\\' || (next != 'n' && next != 'r' && next != 't' && next != '\\')) {
      out += text[i];
      continue;
    }
    out += next == 'n' ? '\n' : next == 'r' ? '\r' : next == 't' ? '\t' : '\\';
    ++i;
  }
  return out;
}

std::string QuoteBytes(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text.substr(0, max_bytes)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\r' || c == '\n' || c == '\t') {
      out += c == '\r' ? "\\r" : c == '\n' ? "\\n" : "\\t";
    } else if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
  if (text.size() > max_bytes) out += "...";
  return out;
}

}  // namespace gs::probes

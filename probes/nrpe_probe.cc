#include "probes/nrpe_probe.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "probes/nagios_output.h"
#include "probes/nrpe_packet.h"
#include "probes/nrpe_tls.h"
#include "probes/perfdata.h"
#include "probes/run_to_completion.h"

namespace gs::probes {

namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using Tls = NrpeCheckSpec::Tls;

constexpr auto kAwait = asio::use_awaitable;

// Where an attempt stands or failed; decides the state and whether to retry with v2.
enum class Stage { kResolve, kConnect, kHandshake, kExchange, kClosed, kProtocol, kTimeout };

struct Failure {
  Stage stage;
  std::string text;
  std::string detail{};  // long text
};

using Outcome = tl::expected<NrpeResponse, Failure>;

// One check's network objects, shared with its deadline timer. Everything runs on the
// check's strand, so the timer's handler and the coroutine never overlap.
struct Session {
  Session(const asio::any_io_executor& executor, const NrpeCheckSpec& check)
      : spec(check),
        where(check.host + ":" + std::to_string(check.port)),
        resolver(executor),
        socket(executor),
        timer(executor) {}

  const NrpeCheckSpec& spec;
  const std::string where;  // "host:port" for messages
  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer timer;
  Stage stage = Stage::kResolve;
  bool timed_out = false;

  [[nodiscard]] Failure Timeout() const {
    const double seconds = static_cast<double>(spec.timeout.count()) / 1000;
    return {Stage::kTimeout,
            "Socket timeout after " + FormatNumber(seconds) + " seconds (" + Doing() + ")"};
  }

  [[nodiscard]] std::string Doing() const {
    if (stage == Stage::kResolve) return "resolving " + spec.host;
    if (stage == Stage::kConnect) return "connecting to " + where;
    if (stage == Stage::kHandshake) return "in the TLS handshake with " + where;
    return "waiting for the response of " + where;
  }
};

// What to look at when an agent drops a connection before sending a byte.
std::string Hint(Tls tls, Stage stage) {
  if (stage == Stage::kClosed) return " (see its log: arguments, packet version, allowed_hosts)";
  if (tls == Tls::kNone) return "; does the agent use TLS (is nrpe running without -n)?";
  return tls == Tls::kCertificate ? "; did the agent reject the client certificate?" : "";
}

// A read or write that failed: timeout, the agent hanging up, or a network or TLS error.
Failure Lost(const Session& s, const error_code& ec, const char* doing, std::size_t received) {
  if (s.timed_out) return s.Timeout();
  Failure failure{Stage::kExchange,
                  std::string("error ") + doing + " " + s.where + ": " + ec.message()};
  if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
    failure.stage = Stage::kClosed;
    failure.text = "the agent at " + s.where + " closed the connection " +
                   (received == 0 ? std::string("without answering")
                                  : "after " + std::to_string(received) + " bytes of its response");
  }
  if (received == 0) failure.text += Hint(s.spec.tls, failure.stage);
  return failure;
}

// Sends the query and reads one response packet, framed by NrpeBytesNeeded (so never more
// than the header plus kMaxNrpeBuffer bytes).
template <typename Stream>
awaitable<Outcome> Exchange(Stream& stream, const std::string& query, Session& s) {
  s.stage = Stage::kExchange;
  error_code ec;
  co_await asio::async_write(stream, asio::buffer(query), asio::redirect_error(kAwait, ec));
  if (ec) co_return tl::unexpected(Lost(s, ec, "sending the query to", 0));
  std::string packet;
  for (;;) {
    auto needed = NrpeBytesNeeded(packet);
    if (!needed) co_return tl::unexpected(Failure{Stage::kProtocol, needed.error().message});
    if (*needed == 0) break;
    const std::size_t have = packet.size();
    packet.resize(have + *needed);
    const std::size_t n = co_await asio::async_read(
        stream, asio::buffer(packet.data() + have, *needed), asio::redirect_error(kAwait, ec));
    packet.resize(have + n);
    if (ec) co_return tl::unexpected(Lost(s, ec, "reading the response from", packet.size()));
  }
  auto response = DecodeResponse(packet);
  if (!response) co_return tl::unexpected(Failure{Stage::kProtocol, response.error().message});
  co_return *response;
}

Failure HandshakeFailure(const Session& s, SSL* ssl, const error_code& ec) {
  if (s.timed_out) return s.Timeout();
  std::string reason = ec.message();
  const long verify = SSL_get_verify_result(ssl);
  if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0 && verify != X509_V_OK) {
    reason = std::string("the agent's certificate failed verification: ") +
             X509_verify_cert_error_string(verify);
  }
  const bool anonymous = s.spec.tls == Tls::kAnonymousDh;
  return {Stage::kHandshake,
          "TLS handshake with " + s.where + " failed (" +
              (anonymous ? "anonymous DH" : "certificates") + "): " + reason +
              (anonymous ? "; is the agent running without TLS (-n) or requiring certificates?"
                         : "; check the certificate, key and CA, or is the agent running "
                           "without TLS (-n)?")};
}

// One connection: connect, TLS handshake when configured, query, response.
awaitable<Outcome> Attempt(Session& s, const tcp::resolver::results_type& endpoints,
                           ssl::context* tls, const std::string& query) {
  s.stage = Stage::kConnect;
  error_code ec;
  co_await asio::async_connect(s.socket, endpoints, asio::redirect_error(kAwait, ec));
  if (ec) {
    if (s.timed_out) co_return tl::unexpected(s.Timeout());
    co_return tl::unexpected(
        Failure{Stage::kConnect, "connect to " + s.where + ": " + ec.message()});
  }
  Outcome outcome;
  if (tls == nullptr) {
    outcome = co_await Exchange(s.socket, query, s);
  } else {
    ssl::stream<tcp::socket&> stream(s.socket, *tls);
    s.stage = Stage::kHandshake;
    // Anonymous DH only: its key exchange is what a resumption saves, and nrpe, asking for a
    // client certificate, fails a resumed certificate-mode handshake ("internal error"). The
    // context is part of the key: one made anew starts without a session.
    const bool resume = s.spec.tls == Tls::kAnonymousDh;
    const std::string session_key =
        s.where + '\0' + std::to_string(reinterpret_cast<std::uintptr_t>(tls));
    if (resume) NrpeTlsSessions().Offer(session_key, stream.native_handle());
    co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(kAwait, ec));
    if (ec) {
      if (resume) NrpeTlsSessions().Forget(session_key);
      outcome = tl::unexpected(HandshakeFailure(s, stream.native_handle(), ec));
    } else {
      outcome = co_await Exchange(stream, query, s);
      if (outcome && resume) {
        // The agent answered and closes; no close_notify is owed. Marking the connection as
        // shut down keeps OpenSSL from flagging the session unresumable when it is freed.
        SSL_set_shutdown(stream.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        NrpeTlsSessions().Keep(session_key, stream.native_handle());
      }
    }
  }
  s.socket.close(ec);
  co_return outcome;
}

CheckResult FromFailure(const NrpeCheckSpec& spec, Failure failure) {
  CheckResult result;
  const bool own_fault = failure.stage == Stage::kClosed || failure.stage == Stage::kProtocol;
  result.state = own_fault || spec.timeout_unknown ? State::kUnknown : State::kCritical;
  result.text = std::move(failure.text);
  result.long_text = std::move(failure.detail);
  return result;
}

CheckResult Unknown(std::string text) {
  CheckResult result;
  result.state = State::kUnknown;
  result.text = std::move(text);
  return result;
}

std::optional<std::string> Invalid(const NrpeCheckSpec& spec) {
  if (spec.host.empty()) return "no host given";
  if (spec.port < 1 || spec.port > 65535) {
    return "port " + std::to_string(spec.port) + " is outside 1..65535";
  }
  if (spec.version != 0 && (spec.version < 2 || spec.version > 4)) {
    return "packet version " + std::to_string(spec.version) + " is not 2, 3 or 4";
  }
  if (spec.timeout.count() <= 0) return "the timeout must be positive";
  if (spec.tls == Tls::kCertificate) {
    if (spec.cert_file.empty() != spec.key_file.empty()) {
      return "a client certificate needs both a certificate file and a key file";
    }
    if (spec.cert_file.empty() && spec.ca_file.empty()) {
      return "certificate mode needs a client certificate and key, a CA file, or both";
    }
  }
  return std::nullopt;
}

// What a check sends and over which TLS context; built before any I/O.
struct Plan {
  std::string line;                   // "command!args"
  std::string query;                  // the first packet
  std::shared_ptr<ssl::context> tls;  // null: plain TCP
};

Result<Plan> MakePlan(const NrpeCheckSpec& spec) {
  if (auto invalid = Invalid(spec)) return Fail(*invalid);
  Plan plan;
  plan.line = NrpeCommandLine(spec.command.empty() ? std::string(kNrpeHelloCommand) : spec.command,
                              spec.args);
  auto query = EncodeQuery(spec.version == 0 ? 4 : spec.version, plan.line);
  if (!query) return tl::unexpected(query.error());
  plan.query = std::move(*query);
  if (spec.tls != Tls::kNone) {
    auto context = NrpeTlsContext(spec);
    if (!context) return tl::unexpected(context.error());
    plan.tls = std::move(*context);
  }
  return plan;
}

// On expiry, aborts whatever the session waits for; its operations then fail and see
// timed_out. The handler keeps the session alive until it has run.
void ArmDeadline(const std::shared_ptr<Session>& s) {
  s->timer.expires_after(s->spec.timeout);
  s->timer.async_wait([s](const error_code& ec) {
    if (ec) return;
    s->timed_out = true;
    s->resolver.cancel();
    error_code ignored;
    s->socket.close(ignored);
  });
}

// check_nrpe's fallback: an agent that does not speak v4 drops the connection or answers
// garbage, so an unforced check asks once more with v2 on a new connection (same deadline).
bool WorthV2(const NrpeCheckSpec& spec, const Outcome& outcome) {
  if (outcome || spec.version != 0) return false;
  const Stage stage = outcome.error().stage;
  return stage == Stage::kClosed || stage == Stage::kExchange || stage == Stage::kProtocol;
}

awaitable<CheckResult> Check(const NrpeCheckSpec& spec) {
  auto plan = MakePlan(spec);
  if (!plan) co_return Unknown(plan.error().message);
  auto s = std::make_shared<Session>(co_await asio::this_coro::executor, spec);
  ArmDeadline(s);
  error_code ec;
  const auto endpoints = co_await s->resolver.async_resolve(spec.host, std::to_string(spec.port),
                                                            asio::redirect_error(kAwait, ec));
  Outcome outcome;
  if (ec) {
    outcome = tl::unexpected(s->timed_out
                                 ? s->Timeout()
                                 : Failure{Stage::kResolve, "could not resolve host " + spec.host +
                                                                ": " + ec.message()});
  } else {
    outcome = co_await Attempt(*s, endpoints, plan->tls.get(), plan->query);
  }
  if (auto v2 = EncodeQuery(2, plan->line); v2 && WorthV2(spec, outcome)) {
    const Failure first = outcome.error();
    outcome = co_await Attempt(*s, endpoints, plan->tls.get(), *v2);
    if (!outcome) {
      outcome.error().detail = first.text == outcome.error().text
                                   ? "The same happened with packet v4 before this v2 retry."
                                   : "Before this v2 retry, packet v4 failed: " + first.text;
    }
  }
  s->timer.cancel();
  co_return outcome ? ParsePluginOutput(outcome->output, outcome->result_code)
                    : FromFailure(spec, outcome.error());
}

awaitable<CheckResult> Run(NrpeCheckSpec spec) {
  const auto started = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  CheckResult result = co_await Check(spec);
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - start;
  co_return result;
}

}  // namespace

void StartNrpeCheck(asio::io_context& io, NrpeCheckSpec spec,
                    std::function<void(CheckResult)> done) {
  asio::co_spawn(asio::make_strand(io), Run(std::move(spec)),
                 [done = std::move(done)](const std::exception_ptr& error, CheckResult result) {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       result = Unknown(std::string("NRPE probe failed: ") + e.what());
                     } catch (...) {
                       result = Unknown("NRPE probe failed: unknown exception");
                     }
                   }
                   done(std::move(result));
                 });
}

CheckResult RunNrpeCheck(const NrpeCheckSpec& spec) {
  return RunToCompletion([&spec](asio::io_context& io, std::function<void(CheckResult)> done) {
    StartNrpeCheck(io, spec, std::move(done));
  });
}

}  // namespace gs::probes

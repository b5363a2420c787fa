// HttpProbe and RunHttpCheck against a real nginx on 127.0.0.1.
#include "probes/http_probe.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "probes/nagios_output.h"
#include "tests/support/peers.h"

namespace gs::probes {
namespace {

using gs::test::HangServer;
using gs::test::Nginx;
using namespace std::chrono_literals;

const Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

HttpCheckSpec Spec(std::string url) {
  HttpCheckSpec spec;
  spec.url = std::move(url);
  spec.timeout = 5s;
  return spec;
}

// Collects results delivered on the probe's worker thread.
class Results {
 public:
  HttpProbe::Callback Callback() {
    return [this](CheckResult r) {
      std::lock_guard lock(mu_);
      results_.push_back(std::move(r));
      cv_.notify_all();
    };
  }
  std::vector<CheckResult> WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 30s, [&] { return results_.size() >= n; });
    return results_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CheckResult> results_;
};

class HttpProbeTest : public test::NginxTest {};

TEST_F(HttpProbeTest, RunHttpCheckReportsOkWithAllPerfdata) {
  const CheckResult r = RunHttpCheck(Spec(nginx_->Url("/")));
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_EQ(r.text.substr(0, 10), "200 OK in ");
  for (const char* label :
       {"time_total", "time_dns", "time_connect", "time_tls", "time_ttfb", "size"}) {
    EXPECT_NE(Find(r, label), nullptr) << label;
  }
  EXPECT_EQ(Find(r, "size")->value, 6);  // "hello\n"
  EXPECT_EQ(Find(r, "cert_days_left"), nullptr);
  EXPECT_GT(r.duration.count(), 0);
}

TEST_F(HttpProbeTest, StatusCodesMapLikeCheckHttp) {
  EXPECT_EQ(RunHttpCheck(Spec(nginx_->Url("/notfound"))).state, State::kWarning);
  EXPECT_EQ(RunHttpCheck(Spec(nginx_->Url("/fail"))).state, State::kCritical);
  HttpCheckSpec spec = Spec(nginx_->Url("/notfound"));
  spec.expect_status = {{404, 404}};
  EXPECT_EQ(RunHttpCheck(spec).state, State::kOk);
}

TEST_F(HttpProbeTest, RegexIsMatchedAgainstTheBody) {
  HttpCheckSpec spec = Spec(nginx_->Url("/"));
  spec.body_regex = "^hel+o$";
  EXPECT_EQ(RunHttpCheck(spec).state, State::kOk);
  spec.body_regex = "goodbye";
  const CheckResult miss = RunHttpCheck(spec);
  EXPECT_EQ(miss.state, State::kCritical);
  EXPECT_NE(miss.text.find("pattern not found"), std::string::npos);
  spec.body_regex = "(";
  EXPECT_EQ(RunHttpCheck(spec).state, State::kUnknown);
}

TEST_F(HttpProbeTest, RedirectsAreFollowedOnlyWhenAsked) {
  HttpCheckSpec spec = Spec(nginx_->Url("/redirect"));
  EXPECT_EQ(RunHttpCheck(spec).text.substr(0, 3), "302");
  spec.follow_redirects = true;
  spec.body_regex = "ok";
  const CheckResult r = RunHttpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_EQ(r.text.substr(0, 3), "200");
}

TEST_F(HttpProbeTest, TlsReportsCertificateDaysAndVerifiesByDefault) {
  HttpCheckSpec spec = Spec(nginx_->TlsUrl("/"));
  const CheckResult verified = RunHttpCheck(spec);
  EXPECT_EQ(verified.state, State::kCritical) << "self-signed must fail verification";
  spec.verify_tls = false;
  spec.cert_warn_days = 40;
  spec.cert_crit_days = 10;
  const CheckResult r = RunHttpCheck(spec);
  EXPECT_EQ(r.state, State::kWarning) << r.text;
  EXPECT_NE(r.text.find("certificate expires in 29 days"), std::string::npos) << r.text;
  const Perfdata* days = Find(r, "cert_days_left");
  ASSERT_NE(days, nullptr);
  EXPECT_EQ(days->value, 29);
  EXPECT_GT(Find(r, "time_tls")->value, 0);
}

TEST_F(HttpProbeTest, SniNameIsUsedForTheHandshakeWhileConnectingToTheUrlHost) {
  // The certificate is for "localhost"; connecting by IP with sni=localhost verifies against
  // a CA bundle... self-signed, so check with verification off that the request still lands.
  HttpCheckSpec spec = Spec(nginx_->TlsUrl("/health"));
  spec.sni = "localhost";
  spec.verify_tls = false;
  const CheckResult r = RunHttpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  spec.sni = "no-such-host.invalid";
  EXPECT_EQ(RunHttpCheck(spec).state, State::kOk) << "connection must go to the URL's host";
}

TEST_F(HttpProbeTest, HostHeaderAndMethodAreSent) {
  HttpCheckSpec spec = Spec(nginx_->Url("/health"));
  spec.host_header = "example.test";
  spec.method = "HEAD";
  const CheckResult r = RunHttpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_EQ(Find(r, "size")->value, 0);
  spec.method = "POST";
  spec.body = "x=1";
  spec.headers = {"X-Test: 1"};
  EXPECT_EQ(RunHttpCheck(spec).state, State::kOk);
}

TEST_F(HttpProbeTest, NginxRestartsOnTheSamePort) {
  const int port = nginx_->port();
  nginx_->Stop();
  const CheckResult down = RunHttpCheck(Spec(nginx_->Url("/health")));
  EXPECT_EQ(down.state, State::kCritical);
  EXPECT_NE(down.text.find("Couldn't connect to server"), std::string::npos) << down.text;
  ASSERT_TRUE(nginx_->Start()) << nginx_->error();
  EXPECT_EQ(nginx_->port(), port);
  EXPECT_EQ(RunHttpCheck(Spec(nginx_->Url("/health"))).state, State::kOk);
}

TEST_F(HttpProbeTest, TheMultiEngineRunsManyChecksConcurrently) {
  Results results;
  constexpr std::size_t kChecks = 300;
  {
    HttpProbe probe(HttpProbe::Options{.queue_capacity = 1000, .max_in_flight = 50});
    for (std::size_t i = 0; i < kChecks; ++i) {
      HttpCheckSpec spec = Spec(nginx_->Url(i % 3 == 0 ? "/fail" : "/"));
      if (i % 2 == 0) spec.body_regex = "hello";
      ASSERT_TRUE(probe.Submit(std::move(spec), results.Callback()));
    }
    const auto all = results.WaitFor(kChecks);
    ASSERT_EQ(all.size(), kChecks);
    EXPECT_EQ(probe.stats().submitted.load(), kChecks);
    EXPECT_EQ(probe.stats().completed.load(), kChecks);
    EXPECT_EQ(probe.stats().in_flight.load(), 0);
    EXPECT_EQ(probe.stats().queued.load(), 0);
  }
  std::size_t ok = 0, critical = 0;
  for (const CheckResult& r : results.WaitFor(kChecks)) {
    ok += r.state == State::kOk;
    critical += r.state == State::kCritical;
  }
  EXPECT_EQ(ok, 200u);
  EXPECT_EQ(critical, 100u);
}

TEST_F(HttpProbeTest, AReusedTransferCarriesNothingOverFromThePreviousCheck) {
  // One slot, so every check runs on the same easy handle, whose plain GETs skip the reset.
  HttpProbe probe(HttpProbe::Options{.queue_capacity = 10, .max_in_flight = 1});
  Results results;
  std::size_t submitted = 0;
  auto run = [&](HttpCheckSpec spec) {
    EXPECT_TRUE(probe.Submit(std::move(spec), results.Callback()));
    return results.WaitFor(++submitted).back();
  };
  HttpCheckSpec head = Spec(nginx_->Url("/health"));
  head.method = "HEAD";
  head.headers = {"X-Test: 1"};
  EXPECT_EQ(Find(run(head), "size")->value, 0);
  EXPECT_EQ(Find(run(Spec(nginx_->Url("/health"))), "size")->value, 3) << "HEAD leaked";
  HttpCheckSpec follow = Spec(nginx_->Url("/redirect"));
  follow.follow_redirects = true;
  EXPECT_EQ(run(follow).text.substr(0, 6), "200 OK");
  EXPECT_EQ(run(Spec(nginx_->Url("/redirect"))).text.substr(0, 4), "302 ");
  EXPECT_EQ(run(Spec(nginx_->Url("/redirect"))).text.substr(0, 4), "302 ");
  HttpCheckSpec post = Spec(nginx_->Url("/health"));
  post.method = "POST";
  post.body = "x=1";
  EXPECT_EQ(run(post).state, State::kOk);
  const CheckResult get = run(Spec(nginx_->Url("/notfound")));
  EXPECT_EQ(get.state, State::kWarning) << get.text;
  EXPECT_EQ(Find(get, "size")->value, 5);
}

// curl words a timeout by the phase it hit ("Operation timed out after ...", or on a
// loaded box even "Failed to resolve host ... with timeout after ...").
bool MentionsTimeout(const std::string& text) {
  return text.find("timed out") != std::string::npos || text.find("timeout") != std::string::npos;
}

TEST(HttpProbeEngineTest, TimeoutsAreCriticalWithCurlsMessage) {
  HangServer hang;
  HttpCheckSpec spec = Spec(hang.Url("/"));
  spec.timeout = 1s;
  const CheckResult r = RunHttpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(MentionsTimeout(r.text)) << r.text;
  Results results;
  HttpProbe probe;
  ASSERT_TRUE(probe.Submit(spec, results.Callback()));
  const auto all = results.WaitFor(1);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, State::kCritical);
  EXPECT_TRUE(MentionsTimeout(all[0].text)) << all[0].text;
}

TEST(HttpProbeEngineTest, AFullQueueRejectsAndCounts) {
  HangServer hang;
  Results results;
  {
    HttpProbe probe(HttpProbe::Options{.queue_capacity = 2, .max_in_flight = 1});
    std::size_t accepted = 0;
    for (int i = 0; i < 20; ++i) accepted += probe.Submit(Spec(hang.Url("/")), results.Callback());
    EXPECT_LT(accepted, 20u);
    EXPECT_EQ(probe.stats().rejected.load(), 20 - accepted);
    EXPECT_EQ(probe.stats().submitted.load(), accepted);
  }
}

TEST(HttpProbeEngineTest, DestructionCompletesEveryAcceptedCheckWithUnknown) {
  HangServer hang;
  Results results;
  std::size_t accepted = 0;
  {
    HttpProbe probe(HttpProbe::Options{.queue_capacity = 100, .max_in_flight = 3});
    for (int i = 0; i < 10; ++i) accepted += probe.Submit(Spec(hang.Url("/")), results.Callback());
  }
  const auto all = results.WaitFor(accepted);
  ASSERT_EQ(all.size(), accepted);
  for (const CheckResult& r : all) {
    EXPECT_EQ(r.state, State::kUnknown);
    EXPECT_EQ(r.text, "shutting down");
  }
}

TEST(HttpProbeEngineTest, ABadUrlIsCritical) {
  const CheckResult r = RunHttpCheck(Spec("ftp://127.0.0.1/"));
  EXPECT_EQ(r.state, State::kCritical) << r.text;
  EXPECT_FALSE(r.text.empty());
}

}  // namespace
}  // namespace gs::probes

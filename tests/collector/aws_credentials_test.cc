// CredentialProvider: the shared credentials file, the order of the sources, and IMDSv2 against
// tests/support/imds_rx.py (a fake metadata service that insists on the session token).
#include "collector/inventory/aws_credentials.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/python_peer.h"

namespace gs::collector::inventory {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;
using test::FreePort;
using test::Process;
using test::PythonPeer;
using test::ReadFile;
using test::StartPythonPeer;
using test::TempDir;
using test::WaitUntil;
using test::WriteFile;

// Sets (or with nullptr unsets) environment variables for one test and restores them after.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, const char*>& vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old == nullptr ? std::nullopt : std::optional<std::string>(old);
      Set(name, value);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) Set(name, value ? value->c_str() : nullptr);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  static void Set(const std::string& name, const char* value) {
    if (value == nullptr) {
      ::unsetenv(name.c_str());
    } else {
      ::setenv(name.c_str(), value, 1);
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

// imds_rx.py on a free port; retries with another port when the first was taken meanwhile.
class FakeImds {
 public:
  explicit FakeImds(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {dir_.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    peer_ = StartPythonPeer("imds_rx.py", args, dir_.path());
  }
  [[nodiscard]] bool ready() const { return peer_.process != nullptr; }
  [[nodiscard]] std::string endpoint() const { return peer_.Url(); }
  [[nodiscard]] std::string log() const { return ReadFile(dir_ / "requests.log"); }
  [[nodiscard]] std::string stderr_text() const { return ReadFile(dir_ / "stderr.log"); }
  void Stop() { peer_.process.reset(); }

 private:
  TempDir dir_;
  PythonPeer peer_;
};

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

constexpr std::string_view kFile = R"(# shared credentials, as the AWS CLI writes them
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = default-secret

; a comment line the ; way
  [prod]
aws_access_key_id=AKIAPROD
	aws_secret_access_key	=   prod/secret+with=equals
aws_session_token = prod-token
# aws_access_key_id = AKIACOMMENTED

[no-secret]
aws_access_key_id = AKIAHALF
)";

// Every test starts from an environment without AWS variables, and IMDS disabled.
class CredentialsTest : public ::testing::Test {
 protected:
  CredentialOptions Options() const {
    CredentialOptions options;
    options.credentials_file = (dir_ / "credentials").string();
    options.imds_endpoint = "";
    return options;
  }
  TempDir dir_;
  ScopedEnv env_{{{"AWS_ACCESS_KEY_ID", nullptr},
                  {"AWS_SECRET_ACCESS_KEY", nullptr},
                  {"AWS_SESSION_TOKEN", nullptr},
                  {"AWS_PROFILE", nullptr},
                  {"AWS_SHARED_CREDENTIALS_FILE", nullptr}}};
};

TEST(CredentialsFileTest, ReadsTheAskedProfileIgnoringCommentsAndWhitespace) {
  const Result<AwsCredentials> def = ParseCredentialsFile(kFile, "default");
  ASSERT_TRUE(def) << def.error().message;
  EXPECT_EQ(def->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(def->secret_access_key, "default-secret");
  EXPECT_EQ(def->session_token, "");
  const Result<AwsCredentials> prod = ParseCredentialsFile(kFile, "prod");
  ASSERT_TRUE(prod) << prod.error().message;
  EXPECT_EQ(prod->access_key_id, "AKIAPROD");
  EXPECT_EQ(prod->secret_access_key, "prod/secret+with=equals");
  EXPECT_EQ(prod->session_token, "prod-token");
  EXPECT_FALSE(prod->expiration);
}

TEST(CredentialsFileTest, AMissingProfileOrKeyIsAnErrorNamingIt) {
  const Result<AwsCredentials> missing = ParseCredentialsFile(kFile, "staging");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no profile [staging]");
  const Result<AwsCredentials> half = ParseCredentialsFile(kFile, "no-secret");
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().message, "profile [no-secret] has no aws_secret_access_key");
  EXPECT_FALSE(ParseCredentialsFile("", "default"));
  EXPECT_FALSE(ParseCredentialsFile("[default]\n# aws_access_key_id = x\n", "default"));
}

TEST(ImdsDocumentTest, ParsesTheSecurityCredentialsDocumentAndRejectsBadOnes) {
  const Result<AwsCredentials> ok = ParseImdsCredentials(
      R"({"Code":"Success","AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t",)"
      R"("Expiration":"2026-11-22T22:44:00Z"})");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->session_token, "t");
  EXPECT_EQ(ok->expiration, ParseRfc3339("2026-11-22T23:44:00+01:00"));
  EXPECT_FALSE(ParseImdsCredentials("not json"));
  EXPECT_FALSE(ParseImdsCredentials("[1, 2]"));
  EXPECT_FALSE(
      ParseImdsCredentials(R"({"Code":"Failure","AccessKeyId":"a","SecretAccessKey":"s"})"));
  EXPECT_FALSE(ParseImdsCredentials(R"({"AccessKeyId":1,"SecretAccessKey":"s","Expiration":"x"})"));
  EXPECT_FALSE(ParseImdsCredentials(R"({"AccessKeyId":"a","SecretAccessKey":"s"})"));
}

TEST(ImdsDocumentTest, Rfc3339TimesWithFractionsAndOffsetsAreParsed) {
  const auto base = ParseRfc3339("2026-11-22T22:44:00Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(base->time_since_epoch()).count(),
            1795387440);
  EXPECT_EQ(ParseRfc3339("2026-11-22T22:44:00.123Z"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-22T20:14:00-02:30"), base);
  for (const char* bad : {"", "2026-11-22", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-22T22:44:00", "2026-11-22T22:44:00+0100", "2026-11-22 22:44Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

TEST_F(CredentialsTest, ConfigKeysComeFirst) {
  ScopedEnv env({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}});
  CredentialOptions options = Options();
  options.access_key_id = "AKIACONFIG";
  options.secret_access_key = "config-secret";
  CredentialProvider provider(options);
  const Result<AwsCredentials> got = provider.Get(system_clock::now());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIACONFIG");
  EXPECT_EQ(provider.source(), "config");
}

TEST_F(CredentialsTest, TheEnvironmentComesBeforeTheFile) {
  ASSERT_TRUE(WriteFile(dir_ / "credentials", std::string(kFile)));
  ScopedEnv env({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                 {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                 {"AWS_SESSION_TOKEN", "env-token"}});
  CredentialProvider provider(Options());
  const Result<AwsCredentials> got = provider.Get(system_clock::now());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIAENV");
  EXPECT_EQ(got->session_token, "env-token");
  EXPECT_EQ(provider.source(), "environment");
}

TEST_F(CredentialsTest, TheFileProfileComesFromAwsProfileAndTheFileFromTheEnvironment) {
  ASSERT_TRUE(WriteFile(dir_ / "other", std::string(kFile)));
  const std::string other = (dir_ / "other").string();
  ScopedEnv env({{"AWS_PROFILE", "prod"}, {"AWS_SHARED_CREDENTIALS_FILE", other.c_str()}});
  CredentialOptions options = Options();
  options.credentials_file = "";
  CredentialProvider provider(options);
  const Result<AwsCredentials> got = provider.Get(system_clock::now());
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIAPROD");
  EXPECT_EQ(provider.source(), "file:prod");

  options.profile = "default";  // the config's profile wins over $AWS_PROFILE
  CredentialProvider by_config(options);
  ASSERT_TRUE(by_config.Get(system_clock::now()));
  EXPECT_EQ(by_config.source(), "file:default");
}

TEST_F(CredentialsTest, OnlyARegularFileOfAtMostOneMebibyteIsRead) {
  std::filesystem::create_directory(dir_ / "credentials");
  const Result<AwsCredentials> directory = CredentialProvider(Options()).Get(system_clock::now());
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message.find("not a regular file"), std::string::npos)
      << directory.error().message;

  CredentialOptions options = Options();
  options.credentials_file = (dir_ / "big").string();
  ASSERT_TRUE(WriteFile(dir_ / "big", std::string(kFile) + std::string(1 << 20, '#')));
  const Result<AwsCredentials> big = CredentialProvider(options).Get(system_clock::now());
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("larger than 1 MiB"), std::string::npos)
      << big.error().message;
}

TEST_F(CredentialsTest, WithoutCredentialsTheErrorSaysWhatEachSourceSaid) {
  CredentialOptions options = Options();
  options.access_key_id = "AKIAHALF";
  options.imds_endpoint = "http://127.0.0.1:" + std::to_string(FreePort());
  options.timeout = 5s;
  const Result<AwsCredentials> got = CredentialProvider(options).Get(system_clock::now());
  ASSERT_FALSE(got);
  const std::string& message = got.error().message;
  EXPECT_TRUE(message.starts_with("no AWS credentials (")) << message;
  for (const std::string& part :
       std::vector<std::string>{"config: access_key_id without secret_access_key",
                                "environment: AWS_ACCESS_KEY_ID not set",
                                "credentials file: " + options.credentials_file + ": cannot open",
                                "IMDS " + options.imds_endpoint + ": token request: "}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " not in: " << message;
  }
}

TEST_F(CredentialsTest, ImdsV2GivesRoleCredentialsWithTheSessionToken) {
  FakeImds imds;
  ASSERT_TRUE(imds.ready()) << imds.stderr_text();
  CredentialOptions options = Options();
  options.imds_endpoint = imds.endpoint();
  CredentialProvider provider(options);
  const auto now = system_clock::now();
  const Result<AwsCredentials> got = provider.Get(now);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIAIMDS1");
  EXPECT_EQ(got->secret_access_key, "imds-secret-1");
  EXPECT_EQ(got->session_token, "imds-token-1");
  ASSERT_TRUE(got->expiration);
  EXPECT_GT(*got->expiration, now + 50min);
  EXPECT_EQ(provider.source(), "imds:gs-role");
  EXPECT_EQ(imds.log(),
            "PUT /latest/api/token 200\n"
            "GET /latest/meta-data/iam/security-credentials/ 200\n"
            "GET /latest/meta-data/iam/security-credentials/gs-role 200\n");
}

TEST_F(CredentialsTest, TheFakeImdsRefusesRequestsWithoutTheToken) {
  FakeImds imds;
  ASSERT_TRUE(imds.ready()) << imds.stderr_text();
  const test::HttpResponse answer =
      test::HttpGet(imds.endpoint() + "/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(answer.status, 401);
}

TEST_F(CredentialsTest, ImdsCredentialsAreCachedAndRefreshedFiveMinutesBeforeExpiration) {
  FakeImds imds;
  ASSERT_TRUE(imds.ready()) << imds.stderr_text();
  CredentialOptions options = Options();
  options.imds_endpoint = imds.endpoint();
  CredentialProvider provider(options);
  const auto now = system_clock::now();
  ASSERT_EQ(provider.Get(now).value().access_key_id, "ASIAIMDS1");
  ASSERT_EQ(provider.Get(now + 30min).value().access_key_id, "ASIAIMDS1");
  EXPECT_EQ(Count(imds.log(), "/api/token"), 1U);  // the second Get asked nobody
  const Result<AwsCredentials> refreshed = provider.Get(now + 56min);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(refreshed->access_key_id, "ASIAIMDS2");
  EXPECT_EQ(Count(imds.log(), "/api/token"), 2U);
}

TEST_F(CredentialsTest, AFailedRefreshKeepsCredentialsUntilTheyExpire) {
  FakeImds imds;
  ASSERT_TRUE(imds.ready()) << imds.stderr_text();
  CredentialOptions options = Options();
  options.imds_endpoint = imds.endpoint();
  CredentialProvider provider(options);
  const auto now = system_clock::now();
  const AwsCredentials first = provider.Get(now).value();
  imds.Stop();
  const Result<AwsCredentials> kept = provider.Get(*first.expiration - 1min);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->access_key_id, "ASIAIMDS1");
  const Result<AwsCredentials> expired = provider.Get(*first.expiration + 1s);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("token request"), std::string::npos)
      << expired.error().message;
}

}  // namespace
}  // namespace gs::collector::inventory

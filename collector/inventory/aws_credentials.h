// CredentialProvider: the AWS credential chain for EC2 discovery (config, environment, the
// shared credentials file, the EC2 instance metadata service v2), plus the blocking libcurl
// request that it and Ec2Client share.
//
// Thread-safety: a CredentialProvider is thread-compatible (the discovery worker thread owns
// it); it blocks on IMDS for up to the configured timeout per request. The free functions are
// safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/inventory/sigv4.h"
#include "probes/result.h"

namespace gs::collector::inventory {

struct CredentialOptions {
  std::string access_key_id;  // from config; with secret_access_key: used first
  std::string secret_access_key;
  std::string profile;           // empty: $AWS_PROFILE or "default"
  std::string credentials_file;  // empty: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
  std::string imds_endpoint = "http://169.254.169.254";  // "" disables IMDS
  std::chrono::milliseconds timeout{2000};               // per IMDS request
};

// Config, then $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY/$AWS_SESSION_TOKEN, then the shared
// credentials file (INI: [profile], aws_access_key_id, aws_secret_access_key,
// aws_session_token; comment lines # and ;), then IMDSv2: PUT /latest/api/token with
// X-aws-ec2-metadata-token-ttl-seconds: 21600, GET /latest/meta-data/iam/security-credentials/
// (the role name, first line) and GET .../ROLE with X-aws-ec2-metadata-token (JSON:
// AccessKeyId, SecretAccessKey, Token, Expiration RFC 3339).
class CredentialProvider {
 public:
  explicit CredentialProvider(CredentialOptions options);

  // The first source that gives credentials, cached. Credentials with an expiration are
  // fetched again once `now` is within 5 minutes of it; if that fails, the old ones are kept
  // until they expire. Fails listing what each source said when none gives credentials.
  Result<AwsCredentials> Get(std::chrono::system_clock::time_point now);

  // Where the cached credentials came from: "config", "environment", "file:PROFILE",
  // "imds:ROLE"; "" before the first success.
  std::string_view source() const { return source_; }

 private:
  Result<AwsCredentials> Resolve();

  CredentialOptions options_;
  std::optional<AwsCredentials> cached_;
  std::string source_;
};

// The shared credentials file's profile `profile` (the text of the whole file). Fails naming
// the profile when it is missing or lacks a key.
Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view profile);

// IMDS's security-credentials document. Fails when it is not JSON, its Code is not "Success",
// a key is missing or Expiration is not RFC 3339.
Result<AwsCredentials> ParseImdsCredentials(std::string_view json);

// "2026-11-22T22:44:00Z", with optional fractional seconds and a numeric offset instead of Z.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

// One blocking HTTP request over libcurl easy (CURLOPT_NOSIGNAL, http and https only, no
// redirects), for IMDS and the EC2 Query API. The answer's body is capped at `max_body`
// bytes: a longer one is an error, as is a transport failure; any HTTP status is a success.
struct AwsHttpRequest {
  std::string method = "GET";  // GET, PUT or POST (PUT and POST send `body`)
  std::string url;
  std::vector<std::string> headers;  // whole lines, "Name: value"
  std::string body;
  std::chrono::milliseconds timeout{10000};
  bool verify_tls = true;
  bool use_proxy = true;  // false: ignore the *_proxy environment (IMDS is link-local)
  std::size_t max_body = 64U << 20;
};
struct AwsHttpResponse {
  long status = 0;
  std::string body;
};
Result<AwsHttpResponse> AwsHttp(const AwsHttpRequest& request);

}  // namespace gs::collector::inventory

#include "collector/inventory/aws_credentials.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <utility>

namespace gs::collector::inventory {
namespace {

using std::chrono::system_clock;

constexpr std::size_t kMaxCredentialsFile = 1U << 20;
constexpr std::size_t kMaxImdsAnswer = 64U << 10;
constexpr auto kRefreshBefore = std::chrono::minutes(5);

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

// The file's contents if it is a regular file of at most kMaxCredentialsFile bytes.
Result<std::string> ReadCredentialsFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // a FIFO never blocks
  if (fd < 0) return Fail(path + ": cannot open");
  const FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return Fail(path + ": not a regular file");
  std::string text;
  std::array<char, 4096> chunk{};
  while (text.size() <= kMaxCredentialsFile) {  // the file may grow while it is read
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) return Fail(path + ": read error");
    if (n == 0) return text;
    text.append(chunk.data(), static_cast<std::size_t>(n));
  }
  return Fail(path + ": larger than 1 MiB");
}

// Digits at text[pos, pos+n) as a number; -1 when they are not all digits.
int Digits(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::string JsonString(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Excerpt(std::string_view body) {
  std::string out(Trim(body.substr(0, 200)));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

// One IMDS request; the body of a 200 answer, else a Fail naming `what`.
Result<std::string> ImdsCall(const CredentialOptions& options, std::string method,
                             const std::string& path, std::string header, std::string_view what) {
  AwsHttpRequest request;
  request.method = std::move(method);
  request.url = options.imds_endpoint + path;
  request.headers = {std::move(header)};
  request.timeout = options.timeout;
  request.use_proxy = false;
  request.max_body = kMaxImdsAnswer;
  Result<AwsHttpResponse> answer = AwsHttp(request);
  if (!answer) return Fail(std::string(what) + ": " + answer.error().message);
  if (answer->status != 200) {
    return Fail(std::string(what) + ": HTTP " + std::to_string(answer->status) + " " +
                Excerpt(answer->body));
  }
  return std::move(answer->body);
}

struct Found {
  AwsCredentials credentials;
  std::string source;
};

Result<Found> FromImds(const CredentialOptions& options) {
  const Result<std::string> token =
      ImdsCall(options, "PUT", "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds: 21600",
               "token request");
  if (!token) return Fail(token.error().message);
  const std::string token_header = "X-aws-ec2-metadata-token: " + std::string(Trim(*token));
  const std::string base = "/latest/meta-data/iam/security-credentials/";
  const Result<std::string> roles = ImdsCall(options, "GET", base, token_header, "role list");
  if (!roles) return Fail(roles.error().message);
  const std::string role(Trim(std::string_view(*roles).substr(0, roles->find('\n'))));
  if (role.empty()) return Fail("no IAM role attached to this instance");
  const Result<std::string> document =
      ImdsCall(options, "GET", base + role, token_header, "credentials of role " + role);
  if (!document) return Fail(document.error().message);
  Result<AwsCredentials> credentials = ParseImdsCredentials(*document);
  if (!credentials) return Fail("role " + role + ": " + credentials.error().message);
  return Found{std::move(*credentials), "imds:" + role};
}

Result<Found> FromFile(const CredentialOptions& options) {
  std::string path = options.credentials_file;
  if (path.empty()) path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty()) path = Env("HOME") + "/.aws/credentials";
  std::string profile = options.profile;
  if (profile.empty()) profile = Env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  const Result<std::string> text = ReadCredentialsFile(path);
  if (!text) return Fail(text.error().message);
  Result<AwsCredentials> credentials = ParseCredentialsFile(*text, profile);
  if (!credentials) return Fail(path + ": " + credentials.error().message);
  return Found{std::move(*credentials), "file:" + profile};
}

Result<Found> FromEnvironment() {
  AwsCredentials credentials{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                             Env("AWS_SESSION_TOKEN"), std::nullopt};
  if (credentials.access_key_id.empty()) return Fail("AWS_ACCESS_KEY_ID not set");
  if (credentials.secret_access_key.empty()) return Fail("AWS_SECRET_ACCESS_KEY not set");
  return Found{std::move(credentials), "environment"};
}

// libcurl's write callback: appends up to the cap. Never throws (C callback); returning less
// than `n` makes curl abort the transfer.
struct Sink {
  std::string data;
  std::size_t cap = 0;
  bool too_large = false;
};

std::size_t Collect(char* data, std::size_t size, std::size_t nmemb, void* user) noexcept {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * nmemb;
  if (sink->data.size() + n > sink->cap) {
    sink->too_large = true;
    return 0;
  }
  try {
    sink->data.append(data, n);
  } catch (const std::bad_alloc&) {
    return 0;
  }
  return n;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void SetOptions(CURL* e, const AwsHttpRequest& request, curl_slist* headers, Sink& sink,
                char* error) {
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (!request.use_proxy) curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }
}

}  // namespace

CredentialProvider::CredentialProvider(CredentialOptions options) : options_(std::move(options)) {}

Result<AwsCredentials> CredentialProvider::Get(system_clock::time_point now) {
  if (cached_ && (!cached_->expiration || now < *cached_->expiration - kRefreshBefore)) {
    return *cached_;
  }
  Result<AwsCredentials> fresh = Resolve();
  if (fresh) {
    cached_ = *fresh;
    return fresh;
  }
  if (cached_ && now < *cached_->expiration) return *cached_;  // still valid: keep them
  return fresh;
}

Result<AwsCredentials> CredentialProvider::Resolve() {
  std::string failures;
  const auto use = [&](Result<Found> found, std::string_view name) -> bool {
    if (found) {
      cached_ = std::move(found->credentials);
      source_ = std::move(found->source);
      return true;
    }
    failures += (failures.empty() ? "" : "; ") + std::string(name) + ": " + found.error().message;
    return false;
  };
  const bool has_id = !options_.access_key_id.empty();
  if (has_id && !options_.secret_access_key.empty()) {
    use(Found{{options_.access_key_id, options_.secret_access_key, "", std::nullopt}, "config"},
        "config");
    return *cached_;
  }
  if (has_id == options_.secret_access_key.empty()) {
    failures = has_id ? "config: access_key_id without secret_access_key"
                      : "config: secret_access_key without access_key_id";
  } else {
    failures = "config: no keys";
  }
  if (use(FromEnvironment(), "environment") || use(FromFile(options_), "credentials file")) {
    return *cached_;
  }
  if (options_.imds_endpoint.empty()) {
    failures += "; IMDS: disabled";
  } else if (use(FromImds(options_), "IMDS " + options_.imds_endpoint)) {
    return *cached_;
  }
  return Fail("no AWS credentials (" + failures + ")");
}

Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view profile) {
  AwsCredentials out;
  bool found = false;
  bool in_profile = false;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      if (name.starts_with("profile ")) name = Trim(name.substr(8));
      in_profile = name == profile;
      found = found || in_profile;
      continue;
    }
    const std::size_t eq = line.find('=');
    if (!in_profile || eq == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, eq));
    const std::string value(Trim(line.substr(eq + 1)));
    if (key == "aws_access_key_id") out.access_key_id = value;
    if (key == "aws_secret_access_key") out.secret_access_key = value;
    if (key == "aws_session_token") out.session_token = value;
  }
  const std::string name = "profile [" + std::string(profile) + "]";
  if (!found) return Fail("no " + name);
  if (out.access_key_id.empty()) return Fail(name + " has no aws_access_key_id");
  if (out.secret_access_key.empty()) return Fail(name + " has no aws_secret_access_key");
  return out;
}

Result<AwsCredentials> ParseImdsCredentials(std::string_view json) {
  const nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (!document.is_object()) return Fail("credentials document is not a JSON object");
  const std::string code = JsonString(document, "Code");
  if (!code.empty() && code != "Success") return Fail("credentials Code is " + code);
  AwsCredentials out{JsonString(document, "AccessKeyId"), JsonString(document, "SecretAccessKey"),
                     JsonString(document, "Token"), std::nullopt};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return Fail("credentials document lacks AccessKeyId or SecretAccessKey");
  }
  const std::string expiration = JsonString(document, "Expiration");
  out.expiration = ParseRfc3339(expiration);
  if (!out.expiration) return Fail("credentials Expiration is not RFC 3339: " + expiration);
  return out;
}

std::optional<system_clock::time_point> ParseRfc3339(std::string_view text) {
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || text[4] != '-' ||
      text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':' || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    do ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9');
  }
  auto at = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
            std::chrono::seconds(second);
  const std::string_view zone = text.substr(std::min(pos, text.size()));
  if (zone == "Z" || zone == "z") return system_clock::time_point(at);
  const int offset_hours = Digits(zone, 1, 2), offset_minutes = Digits(zone, 4, 2);
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
      offset_hours < 0 || offset_minutes < 0) {
    return std::nullopt;
  }
  const auto offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
  return system_clock::time_point(zone[0] == '+' ? at - offset : at + offset);
}

Result<AwsHttpResponse> AwsHttp(const AwsHttpRequest& request) {
  InitCurlOnce();
  const std::unique_ptr<CURL, void (*)(CURL*)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return Fail("curl_easy_init failed");
  // "Expect:" turns off the 100-continue round trip for larger bodies.
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(curl_slist_append(nullptr, "Expect:"),
                                                             &curl_slist_free_all);
  for (const std::string& line : request.headers) {
    curl_slist* head = curl_slist_append(headers.get(), line.c_str());
    if (head == nullptr) return Fail("out of memory building headers");
    (void)headers.release();  // the same list, or a new one when it was empty
    headers.reset(head);
  }
  Sink sink{{}, request.max_body, false};
  std::array<char, CURL_ERROR_SIZE> error{};
  SetOptions(easy.get(), request, headers.get(), sink, error.data());
  const CURLcode rc = curl_easy_perform(easy.get());
  if (sink.too_large) {
    return Fail("answer larger than " + std::to_string(request.max_body) + " bytes");
  }
  if (rc != CURLE_OK) {
    return Fail(error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(rc));
  }
  AwsHttpResponse out;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &out.status);
  out.body = std::move(sink.data);
  return out;
}

}  // namespace gs::collector::inventory

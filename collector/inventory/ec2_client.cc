#include "collector/inventory/ec2_client.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>

#include "collector/inventory/sigv4.h"

namespace gs::collector::inventory {
namespace {

constexpr int kMaxPages = 1000;
constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";

std::string Param(std::string_view name, std::string_view value) {
  return "&" + UriEncode(name, false) + "=" + UriEncode(value, false);
}

// One line of printable text from an answer body, for an error message.
std::string Excerpt(std::string_view body) {
  std::string out(body.substr(0, 200));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

Lifecycle LifecycleOf(std::string_view state) {
  if (state == "running") return Lifecycle::kRunning;
  if (state == "stopping") return Lifecycle::kStopping;
  if (state == "stopped") return Lifecycle::kStopped;
  if (state == "shutting-down" || state == "terminated") return Lifecycle::kTerminated;
  return Lifecycle::kPending;  // "pending", and states this code does not know yet
}

std::string BaseName(const Ec2Instance& instance, const Ec2Options& options) {
  if (options.name_tag.empty()) return instance.id;
  const auto it = instance.tags.find(options.name_tag);
  return it == instance.tags.end() || it->second.empty() ? instance.id : it->second;
}

struct Endpoint {
  std::string url, host, path;
};

// "https://host:port/path" -> host "host:port", path "/path"; a missing path is "/".
Endpoint ParseEndpoint(const std::string& endpoint) {
  const std::size_t scheme = endpoint.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t path = endpoint.find('/', authority);
  if (path == std::string::npos) return {endpoint + "/", endpoint.substr(authority), "/"};
  return {endpoint, endpoint.substr(authority, path - authority), endpoint.substr(path)};
}

}  // namespace

Ec2Client::Ec2Client(Ec2Options options)
    : options_(std::move(options)), credentials_(options_.credentials) {
  const std::string endpoint = options_.endpoint.empty()
                                   ? "https://ec2." + options_.region + ".amazonaws.com"
                                   : options_.endpoint;
  Endpoint parsed = ParseEndpoint(endpoint);
  url_ = std::move(parsed.url);
  host_ = std::move(parsed.host);
  path_ = std::move(parsed.path);
}

std::string Ec2Client::FormBody(const Ec2Options& options, const std::string& next_token) {
  std::string body = "Action=DescribeInstances&Version=2016-11-15";
  body += Param("MaxResults", std::to_string(std::clamp(options.page_size, 5, 1000)));
  if (!next_token.empty()) body += Param("NextToken", next_token);
  int n = 0;
  for (const auto& [name, values] : options.filters) {
    const std::string prefix = "Filter." + std::to_string(++n);
    body += Param(prefix + ".Name", name);
    int v = 0;
    for (const std::string& value : values) {
      body += Param(prefix + ".Value." + std::to_string(++v), value);
    }
  }
  return body;
}

Result<std::vector<Ec2Instance>> Ec2Client::DescribeAll() {
  const std::string where = "EC2 source " + options_.name + " (" + options_.region + ")";
  const Result<AwsCredentials> credentials = credentials_.Get(std::chrono::system_clock::now());
  if (!credentials) return Fail(where + ": " + credentials.error().message);
  std::vector<Ec2Instance> instances;
  std::string token;
  for (int page = 1; page <= kMaxPages; ++page) {
    Result<Ec2Page> answer = FetchPage(*credentials, token, page);
    if (!answer) return Fail(where + ": " + answer.error().message);
    std::move(answer->instances.begin(), answer->instances.end(), std::back_inserter(instances));
    if (answer->next_token.empty()) return instances;
    token = std::move(answer->next_token);
  }
  return Fail(where + ": DescribeInstances has more than " + std::to_string(kMaxPages) +
              " pages; giving up");
}

AwsHttpRequest Ec2Client::SignedRequest(const AwsCredentials& credentials,
                                        const std::string& next_token) const {
  const auto now = std::chrono::system_clock::now();
  SigV4Request signed_part{"POST", host_, path_, "", {}, FormBody(options_, next_token)};
  signed_part.headers = {
      {"Content-Type", std::string(kContentType)}, {"Host", host_}, {"X-Amz-Date", AmzDate(now)}};
  if (!credentials.session_token.empty()) {
    signed_part.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  const SigV4Signature signature = SignV4(signed_part, credentials, options_.region, "ec2", now);
  AwsHttpRequest request{
      "POST", url_, {}, std::move(signed_part.payload), options_.timeout, options_.verify_tls};
  for (const auto& [name, value] : signed_part.headers) {
    request.headers.push_back(name + ": " + value);
  }
  request.headers.push_back("Authorization: " + signature.authorization);
  return request;
}

Result<Ec2Page> Ec2Client::FetchPage(const AwsCredentials& credentials,
                                     const std::string& next_token, int page) {
  const std::string what = "DescribeInstances page " + std::to_string(page);
  const Result<AwsHttpResponse> answer = AwsHttp(SignedRequest(credentials, next_token));
  if (!answer) return Fail(what + ": " + answer.error().message);
  if (answer->status != 200) {
    const std::optional<Ec2Error> error = ParseEc2Error(answer->body);
    std::string message = what + ": HTTP " + std::to_string(answer->status);
    if (!error) return Fail(message + ": " + Excerpt(answer->body));
    message += " " + error->code + ": " + error->message;
    if (error->code == "RequestLimitExceeded" || error->code == "Throttling") {
      message += " (throttled)";
    }
    return Fail(std::move(message));
  }
  Result<Ec2Page> parsed = ParseDescribeInstances(answer->body);
  if (!parsed) return Fail(what + ": " + parsed.error().message);
  return parsed;
}

std::vector<DiscoveredNode> Ec2Client::ToNodes(std::vector<Ec2Instance> instances,
                                               const Ec2Options& options) {
  std::map<std::string, int, std::less<>> uses;
  for (const Ec2Instance& instance : instances) ++uses[BaseName(instance, options)];
  std::vector<DiscoveredNode> nodes;
  nodes.reserve(instances.size());
  for (Ec2Instance& instance : instances) {
    DiscoveredNode node;
    node.name = BaseName(instance, options);
    if (uses[node.name] > 1) node.name += "-" + instance.id;
    node.address = options.public_address ? instance.public_ip : instance.private_ip;
    node.tags = std::move(instance.tags);
    for (const auto& [key, value] : options.tags) node.tags.insert_or_assign(key, value);
    node.tags.insert_or_assign("instance_id", instance.id);
    node.tags.insert_or_assign("instance_type", instance.type);
    node.tags.insert_or_assign("availability_zone", instance.availability_zone);
    node.tags.insert_or_assign("instance_state", instance.state);
    node.lifecycle = LifecycleOf(instance.state);
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace gs::collector::inventory

#include "alerts/webhook_notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "alerts/message_template.h"

namespace gs::alerts {
namespace {

// The Slack text when no template is configured: the headline in bold, then each alert.
constexpr const char kDefaultSlackText[] = "*{{headline}}*\n{{alerts}}{{note}}";

}  // namespace

WebhookNotifier::WebhookNotifier(Options options) : options_(std::move(options)) {}

std::string WebhookNotifier::Body(const Notification& n) const {
  if (options_.format == Format::kJson) return ToWebhookJson(n);
  const std::string& tmpl =
      options_.text_template.empty() ? std::string(kDefaultSlackText) : options_.text_template;
  const nlohmann::json body = {{"text", RenderTemplate(tmpl, n)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SendResult WebhookNotifier::Send(const Notification& n) {
  HttpPost::Request request;
  request.url = options_.url;
  request.timeout = options_.timeout;
  request.body = Body(n);
  request.headers.push_back("Idempotency-Key: " + n.id);
  if (options_.hmac_secret) {
    request.headers.push_back("X-Groundstation-Signature: " +
                              WebhookSignature(*options_.hmac_secret, request.body));
  }
  if (options_.bearer_token) {
    request.headers.push_back("Authorization: Bearer " + *options_.bearer_token);
  }
  for (const auto& [name, value] : options_.headers) request.headers.push_back(name + ": " + value);
  return post_.Send(request);
}

std::string WebhookSignature(const std::string& secret, const std::string& body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xf]);
  }
  return out;
}

}  // namespace gs::alerts

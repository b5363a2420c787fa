// Fuzzes FromStoredJson (an outbox payload read back from state.db, possibly written by
// another version) and checks, on what it accepts, the contract of alerts/notification.h:
//  - what FromStoredJson returns is a notification as ToStoredJson writes it: it has an id
//    and at least one alert, and ToStoredJson + FromStoredJson gives back an equal value and
//    the same text when stored again;
//  - the renderings a notifier makes of it do not crash: ToWebhookJson (which must be JSON),
//    Headline and PlainText.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "alerts/notification.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::alerts;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const gs::Result<Notification> n = FromStoredJson(text);
  if (!n) {
    if (n.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (n->id.empty() || n->alerts.empty()) __builtin_trap();

  const std::string stored = ToStoredJson(*n);
  const gs::Result<Notification> again = FromStoredJson(stored);
  if (!again || *again != *n) __builtin_trap();
  if (ToStoredJson(*again) != stored) __builtin_trap();

  const nlohmann::json webhook =
      nlohmann::json::parse(ToWebhookJson(*n), nullptr, /*allow_exceptions=*/false);
  if (!webhook.is_object()) __builtin_trap();
  const std::string headline = Headline(*n);
  const std::string plain = PlainText(*n);
  if (!plain.starts_with(headline)) __builtin_trap();
  return 0;
}

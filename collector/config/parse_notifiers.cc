// The notifiers: and routes: sections. The registry of notifier kinds is kNotifierKinds.
#include <cctype>
#include <fstream>
#include <set>

#include "collector/config/parse.h"

namespace gs::collector::config_parse {
namespace {

using std::chrono::milliseconds;

struct NotifierKind {
  std::string_view name;
  std::vector<std::string_view> keys;  // besides name and kind
  void (*parse)(YamlWalker& w, const YAML::Node& n, const std::string& key, NotifierConfig& out);
};

const YAML::Node& At(const YAML::Node& parent, const YAML::Node& child) {
  return child.IsDefined() ? child : parent;
}

std::string Required(YamlWalker& w, const YAML::Node& n, const std::string& key,
                     std::string_view name) {
  auto value = w.String(n, name, key);
  if (!value && !n[std::string(name)].IsDefined()) w.Error(n, KeyPath(key, name), "is required");
  return value.value_or("");
}

std::string HttpUrl(YamlWalker& w, const YAML::Node& n, const std::string& key,
                    std::string_view name) {
  std::string url = Required(w, n, key, name);
  if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
    w.Error(n[std::string(name)], KeyPath(key, name), "an http:// or https:// URL is required");
  }
  return url;
}

std::vector<std::string> Recipients(YamlWalker& w, const YAML::Node& n, const std::string& key) {
  auto to = w.StringList(n, "to", key).value_or(std::vector<std::string>{});
  if (to.empty()) w.Error(At(n, n["to"]), KeyPath(key, "to"), "names no recipient");
  return to;
}

std::optional<std::string> BasicAuth(YamlWalker& w, const YAML::Node& n, const std::string& key) {
  auto user = w.String(n, "username", key);
  auto password = Secret(w, n, key, "password");
  if (!user) return std::nullopt;
  return *user + ":" + password.value_or("");
}

void ParseWebhookLike(YamlWalker& w, const YAML::Node& n, const std::string& key,
                      NotifierConfig& out, alerts::WebhookNotifier::Format format) {
  alerts::WebhookNotifier::Options o;
  o.format = format;
  o.url = HttpUrl(w, n, key, "url");
  o.timeout = w.Duration(n, "timeout", key).value_or(o.timeout);
  o.headers = w.StringMap(n, "headers", key).value_or(o.headers);
  o.bearer_token = Secret(w, n, key, "bearer_token");
  o.hmac_secret = Secret(w, n, key, "hmac_secret");
  o.text_template = w.String(n, "text", key).value_or("");
  out.options = std::move(o);
}

void ParseWebhook(YamlWalker& w, const YAML::Node& n, const std::string& key, NotifierConfig& out) {
  ParseWebhookLike(w, n, key, out, alerts::WebhookNotifier::Format::kJson);
}

void ParseSlack(YamlWalker& w, const YAML::Node& n, const std::string& key, NotifierConfig& out) {
  ParseWebhookLike(w, n, key, out, alerts::WebhookNotifier::Format::kSlack);
}

void ParseAlertmanager(YamlWalker& w, const YAML::Node& n, const std::string& key,
                       NotifierConfig& out) {
  alerts::AlertmanagerNotifier::Options o;
  o.url = HttpUrl(w, n, key, "url");
  o.timeout = w.Duration(n, "timeout", key).value_or(o.timeout);
  o.headers = w.StringMap(n, "headers", key).value_or(o.headers);
  o.basic_auth = BasicAuth(w, n, key);
  o.generator_url = w.String(n, "generator_url", key).value_or("");
  o.resolve_timeout = w.Duration(n, "resolve_timeout", key).value_or(o.resolve_timeout);
  out.options = std::move(o);
}

std::size_t MaxChars(YamlWalker& w, const YAML::Node& n, const std::string& key) {
  return static_cast<std::size_t>(w.Int(n, "max_chars", key, 20, 1600).value_or(160));
}

void ParseTwilio(YamlWalker& w, const YAML::Node& n, const std::string& key, NotifierConfig& out) {
  alerts::TwilioSmsNotifier::Options o;
  o.account_sid = Required(w, n, key, "account_sid");
  auto token = Secret(w, n, key, "auth_token");
  if (!token) w.Error(n, KeyPath(key, "auth_token"), "is required (or auth_token_file)");
  o.auth_token = token.value_or("");
  o.from = Required(w, n, key, "from");
  o.to = Recipients(w, n, key);
  o.api_base = w.String(n, "api_base", key).value_or(o.api_base);
  o.text_template = w.String(n, "text", key).value_or("");
  o.max_chars = MaxChars(w, n, key);
  o.timeout = w.Duration(n, "timeout", key).value_or(o.timeout);
  out.options = std::move(o);
}

void ParseSmsGateway(YamlWalker& w, const YAML::Node& n, const std::string& key,
                     NotifierConfig& out) {
  alerts::GatewaySmsNotifier::Options o;
  o.url = HttpUrl(w, n, key, "url");
  o.body = w.String(n, "body", key).value_or("");
  o.content_type = w.String(n, "content_type", key).value_or(o.content_type);
  o.headers = w.StringMap(n, "headers", key).value_or(o.headers);
  o.basic_auth = BasicAuth(w, n, key);
  o.to = Recipients(w, n, key);
  o.text_template = w.String(n, "text", key).value_or("");
  o.max_chars = MaxChars(w, n, key);
  o.timeout = w.Duration(n, "timeout", key).value_or(o.timeout);
  out.options = std::move(o);
}

void ParseEmail(YamlWalker& w, const YAML::Node& n, const std::string& key, NotifierConfig& out) {
  alerts::EmailNotifier::Options o;
  o.smarthost = Required(w, n, key, "smarthost");
  if (!o.smarthost.empty() && !o.smarthost.starts_with("smtp://") &&
      !o.smarthost.starts_with("smtps://")) {
    w.Error(n["smarthost"], KeyPath(key, "smarthost"), "an smtp:// or smtps:// URL is required");
  }
  o.starttls = w.Bool(n, "starttls", key).value_or(false);
  o.username = w.String(n, "username", key);
  o.password = Secret(w, n, key, "password");
  o.tls_verify = w.Bool(n, "tls_verify", key).value_or(true);
  o.ca_file = w.String(n, "ca_file", key).value_or("");
  o.from = Required(w, n, key, "from");
  o.to = Recipients(w, n, key);
  o.subject_template = w.String(n, "subject", key).value_or("");
  o.body_template = w.String(n, "body", key).value_or("");
  o.timeout = w.Duration(n, "timeout", key).value_or(o.timeout);
  out.options = std::move(o);
}

const std::vector<NotifierKind>& Kinds() {
  static const std::vector<NotifierKind> kinds = {
      {"webhook",
       {"url", "timeout", "headers", "bearer_token", "bearer_token_file", "hmac_secret",
        "hmac_secret_file"},
       &ParseWebhook},
      {"slack",
       {"url", "timeout", "headers", "bearer_token", "bearer_token_file", "hmac_secret",
        "hmac_secret_file", "text"},
       &ParseSlack},
      {"alertmanager",
       {"url", "timeout", "headers", "username", "password", "password_file", "generator_url",
        "resolve_timeout"},
       &ParseAlertmanager},
      {"twilio",
       {"account_sid", "auth_token", "auth_token_file", "from", "to", "api_base", "text",
        "max_chars", "timeout"},
       &ParseTwilio},
      {"sms_gateway",
       {"url", "body", "content_type", "headers", "username", "password", "password_file", "to",
        "text", "max_chars", "timeout"},
       &ParseSmsGateway},
      {"email",
       {"smarthost", "starttls", "username", "password", "password_file", "tls_verify", "ca_file",
        "from", "to", "subject", "body", "timeout"},
       &ParseEmail},
  };
  return kinds;
}

std::string KindNames() {
  std::string out;
  for (const NotifierKind& k : Kinds()) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

std::optional<probes::State> ParseRouteState(const std::string& text) {
  std::string upper;
  for (char c : text)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  auto state = probes::ParseState(upper);
  if (state == probes::State::kOk) return std::nullopt;  // OK is a recovery, never a route state
  return state;
}

void CheckNotifierNames(YamlWalker& w, const YAML::Node& list, const std::string& key,
                        const std::vector<std::string>& names,
                        const std::set<std::string>& notifiers) {
  for (std::size_t j = 0; j < names.size(); ++j) {
    if (notifiers.count(names[j]) != 0) continue;
    const YAML::Node at = list.IsSequence() ? list[j] : list;
    w.Error(at, KeyPath(key, j), "unknown notifier \"" + names[j] + "\"");
  }
}

void ParseEscalations(YamlWalker& w, const YAML::Node& r, const std::string& key,
                      const std::set<std::string>& notifiers, alerts::Route& route) {
  const YAML::Node list = r["escalate"];
  if (!list.IsDefined()) return;
  const std::string ekey = KeyPath(key, "escalate");
  if (!w.ExpectSequence(list, ekey)) return;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string skey = KeyPath(ekey, i);
    if (!w.ExpectMap(list[i], skey, {"after", "notify"})) continue;
    alerts::Escalation step;
    auto after = w.Duration(list[i], "after", skey);
    if (!after && !list[i]["after"].IsDefined())
      w.Error(list[i], KeyPath(skey, "after"), "is required");
    step.after = after.value_or(milliseconds(0));
    step.notify = w.StringList(list[i], "notify", skey).value_or(step.notify);
    if (step.notify.empty()) w.Error(list[i], KeyPath(skey, "notify"), "names no notifier");
    CheckNotifierNames(w, list[i]["notify"], KeyPath(skey, "notify"), step.notify, notifiers);
    if (!route.escalate.empty() && step.after <= route.escalate.back().after) {
      w.Error(list[i]["after"], KeyPath(skey, "after"), "must be later than the step before");
    }
    route.escalate.push_back(std::move(step));
  }
}

}  // namespace

void ParseNotifiers(YamlWalker& w, const YAML::Node& list, Config& config) {
  if (!w.ExpectSequence(list, "notifiers")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("notifiers", i);
    const YAML::Node n = list[i];
    const std::string kind_name = n.IsMap() && n["kind"].IsScalar() ? n["kind"].Scalar() : "";
    const NotifierKind* kind = nullptr;
    for (const NotifierKind& k : Kinds()) {
      if (k.name == kind_name) kind = &k;
    }
    std::vector<std::string_view> allowed = {"name", "kind"};
    if (kind != nullptr) allowed.insert(allowed.end(), kind->keys.begin(), kind->keys.end());
    if (!w.ExpectMap(n, key, allowed)) continue;
    NotifierConfig notifier;
    notifier.spec = YAML::Dump(n);
    auto name = ParseName(w, n, key, seen);
    notifier.kind = kind_name;
    if (kind == nullptr) {
      w.Error(
          At(n, n["kind"]), KeyPath(key, "kind"),
          (kind_name.empty() ? "is required (" : "unknown notifier kind \"" + kind_name + "\" (") +
              KindNames() + ")");
      continue;
    }
    kind->parse(w, n, key, notifier);
    if (name) {
      notifier.name = *name;
      config.notifiers.push_back(std::move(notifier));
    }
  }
}

void ParseRoutes(YamlWalker& w, const YAML::Node& list, Config& config) {
  if (!w.ExpectSequence(list, "routes")) return;
  std::set<std::string> notifiers;
  for (const auto& n : config.notifiers) notifiers.insert(n.name);
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("routes", i);
    const YAML::Node r = list[i];
    if (!w.ExpectMap(r, key,
                     {"name", "match", "states", "notify", "continue", "group_by", "group_wait",
                      "group_interval", "repeat_interval", "send_resolved", "escalate"})) {
      continue;
    }
    alerts::Route route;
    if (r["name"].IsDefined()) route.name = ParseName(w, r, key, names).value_or("");
    route.match = ParseSelector(w, r["match"], KeyPath(key, "match")).value_or(probes::Selector{});
    for (const std::string& s :
         w.StringList(r, "states", key).value_or(std::vector<std::string>{})) {
      if (auto state = ParseRouteState(s)) {
        route.states.push_back(*state);
      } else {
        w.Error(r["states"], KeyPath(key, "states"),
                "\"" + s + "\" is not a problem state (WARNING, CRITICAL, UNKNOWN)");
      }
    }
    route.notify = w.StringList(r, "notify", key).value_or(route.notify);
    if (route.notify.empty()) w.Error(r, KeyPath(key, "notify"), "names no notifier");
    CheckNotifierNames(w, r["notify"], KeyPath(key, "notify"), route.notify, notifiers);
    route.continue_matching = w.Bool(r, "continue", key).value_or(true);
    route.group_by = w.StringList(r, "group_by", key).value_or(route.group_by);
    route.group_wait = w.Duration(r, "group_wait", key).value_or(route.group_wait);
    route.group_interval = w.Duration(r, "group_interval", key).value_or(route.group_interval);
    route.repeat_interval = w.Duration(r, "repeat_interval", key).value_or(route.repeat_interval);
    route.send_resolved = w.Bool(r, "send_resolved", key).value_or(true);
    ParseEscalations(w, r, key, notifiers, route);
    config.routes.push_back(std::move(route));
  }
}

}  // namespace gs::collector::config_parse

// The inventory: section: the nodes file, EC2 sources, DNS pools and self-registration
// (collector/inventory/).
#include <cctype>
#include <set>

#include "collector/config/parse.h"

namespace gs::collector::config_parse {
namespace {

// A refresh or timeout between `min` and `max`.
void Bounded(YamlWalker& w, const YAML::Node& n, const std::string& key, std::string_view name,
             milliseconds& out, milliseconds min, milliseconds max, std::string_view range) {
  out = w.Duration(n, name, key).value_or(out);
  if (out < min || out > max) {
    w.Error(n[std::string(name)], KeyPath(key, name), "must be between " + std::string(range));
  }
}

probes::Tags Tags(YamlWalker& w, const YAML::Node& n, const std::string& key) {
  probes::Tags tags;
  if (auto map = w.StringMap(n, "tags", key)) tags.insert(map->begin(), map->end());
  return tags;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool ValidHostName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  if (name.back() == '.') name.remove_suffix(1);
  std::size_t label = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(name[i]);
    if (std::isalnum(c) == 0 && c != '-' && c != '_') return false;
    ++label;
  }
  return true;
}

void ParseFilters(YamlWalker& w, const YAML::Node& n, const std::string& key,
                  Ec2SourceConfig& out) {
  const YAML::Node f = n["filters"];
  if (!f.IsDefined() || f.IsNull()) return;
  const std::string fkey = KeyPath(key, "filters");
  if (!f.IsMap()) {
    w.Error(f, fkey, "must be a map of filter name to value or list of values");
    return;
  }
  for (const auto& item : f) {
    auto name = w.Scalar(item.first, fkey);
    if (!name) continue;
    auto values = w.StringList(f, *name, fkey);
    if (!values) continue;
    if (values->empty()) {
      w.Error(item.second, KeyPath(fkey, *name), "needs at least one value");
      continue;
    }
    out.filters.emplace_back(*name, std::move(*values));
  }
}

void ParseEc2(YamlWalker& w, const YAML::Node& list, InventoryConfig& out) {
  if (!w.ExpectSequence(list, "inventory.ec2")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("inventory.ec2", i);
    const YAML::Node n = list[i];
    if (!w.ExpectMap(n, key,
                     {"name", "region", "endpoint", "filters", "address", "name_tag", "tags",
                      "refresh", "timeout", "verify_tls", "access_key_id", "secret_access_key",
                      "secret_access_key_file", "profile", "credentials_file", "imds_endpoint"}))
      continue;
    Ec2SourceConfig s;
    auto name = ParseName(w, n, key, seen);
    s.region = w.String(n, "region", key).value_or(s.region);
    if (s.region.empty()) w.Error(n["region"], KeyPath(key, "region"), "must not be empty");
    s.endpoint = w.String(n, "endpoint", key).value_or("");
    if (!s.endpoint.empty() && !s.endpoint.starts_with("http://") &&
        !s.endpoint.starts_with("https://")) {
      w.Error(n["endpoint"], KeyPath(key, "endpoint"), "needs an http:// or https:// URL");
    }
    ParseFilters(w, n, key, s);
    const std::string address = w.String(n, "address", key).value_or("private");
    if (address != "private" && address != "public") {
      w.Error(n["address"], KeyPath(key, "address"), "must be private or public");
    }
    s.public_address = address == "public";
    s.name_tag = w.String(n, "name_tag", key).value_or(s.name_tag);
    s.tags = Tags(w, n, key);
    Bounded(w, n, key, "refresh", s.refresh, std::chrono::seconds(1), std::chrono::hours(24),
            "1s and 24h");
    Bounded(w, n, key, "timeout", s.timeout, std::chrono::milliseconds(100),
            std::chrono::minutes(5), "100ms and 5m");
    s.verify_tls = w.Bool(n, "verify_tls", key).value_or(true);
    s.access_key_id = w.String(n, "access_key_id", key).value_or("");
    s.secret_access_key = Secret(w, n, key, "secret_access_key").value_or("");
    if (s.access_key_id.empty() != s.secret_access_key.empty()) {
      w.Error(n, KeyPath(key, "access_key_id"),
              "access_key_id and secret_access_key (or secret_access_key_file) go together");
    }
    s.profile = w.String(n, "profile", key).value_or("");
    s.credentials_file = w.String(n, "credentials_file", key).value_or("");
    s.imds_endpoint = w.String(n, "imds_endpoint", key).value_or(s.imds_endpoint);
    if (name) {
      s.name = *name;
      out.ec2.push_back(std::move(s));
    }
  }
}

void ParseDns(YamlWalker& w, const YAML::Node& list, InventoryConfig& out) {
  if (!w.ExpectSequence(list, "inventory.dns")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("inventory.dns", i);
    const YAML::Node n = list[i];
    if (!w.ExpectMap(n, key, {"name", "server", "ipv4", "ipv6", "tags", "refresh", "timeout"}))
      continue;
    DnsPoolConfig p;
    auto name = w.String(n, "name", key);
    if (!name) {
      if (!n["name"].IsDefined()) w.Error(n, KeyPath(key, "name"), "is required (a DNS name)");
      continue;
    }
    if (!ValidHostName(*name)) {
      w.Error(n["name"], KeyPath(key, "name"), "\"" + *name + "\" is not a DNS host name");
    } else if (!seen.insert(*name).second) {
      w.Error(n["name"], KeyPath(key, "name"), "duplicate pool \"" + *name + "\"");
    }
    p.server = w.String(n, "server", key).value_or("");
    p.ipv4 = w.Bool(n, "ipv4", key).value_or(true);
    p.ipv6 = w.Bool(n, "ipv6", key).value_or(true);
    if (!p.ipv4 && !p.ipv6) w.Error(n, KeyPath(key, "ipv4"), "ipv4 and ipv6 are both off");
    p.tags = Tags(w, n, key);
    if (p.tags.count("pool") != 0) {
      w.Error(n["tags"], KeyPath(key, "tags.pool"), "is set by the pool itself (pool=NAME)");
    }
    Bounded(w, n, key, "refresh", p.refresh, std::chrono::seconds(1), std::chrono::hours(24),
            "1s and 24h");
    Bounded(w, n, key, "timeout", p.timeout, std::chrono::milliseconds(100),
            std::chrono::seconds(60), "100ms and 60s");
    p.name = *name;
    out.dns.push_back(std::move(p));
  }
}

void ParseRegister(YamlWalker& w, const YAML::Node& n, RegisterConfig& out) {
  const std::string key = "inventory.register";
  out.enabled = true;
  if (n.IsNull()) return;  // `register:` alone turns it on with the defaults
  if (!w.ExpectMap(n, key, {"expire_after", "max_nodes", "tags"})) return;
  Bounded(w, n, key, "expire_after", out.expire_after, std::chrono::seconds(10),
          std::chrono::hours(24 * 30), "10s and 30d");
  out.max_nodes = static_cast<std::size_t>(
      w.Int(n, "max_nodes", key, 1, 1'000'000).value_or(static_cast<int>(out.max_nodes)));
  out.tags = Tags(w, n, key);
}

}  // namespace

void ParseInventory(YamlWalker& w, const YAML::Node& node, Config& config) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!w.ExpectMap(node, "inventory", {"file", "file_check", "ec2", "dns", "register"})) return;
  InventoryConfig& out = config.inventory;
  out.file = w.String(node, "file", "inventory").value_or("");
  Bounded(w, node, "inventory", "file_check", out.file_check, std::chrono::milliseconds(100),
          std::chrono::hours(1), "100ms and 1h");
  if (node["ec2"].IsDefined()) ParseEc2(w, node["ec2"], out);
  if (node["dns"].IsDefined()) ParseDns(w, node["dns"], out);
  if (node["register"].IsDefined()) ParseRegister(w, node["register"], out.registration);
}

}  // namespace gs::collector::config_parse

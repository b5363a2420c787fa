// The Daemon's inventory: the node set merged from every discovery source, the jobs it
// yields, the discovery health checks, self-registration and the inventory API (kept apart
// from daemon.cc so each file stays about one thing). Runs on the io_context thread unless a
// function says otherwise.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "alerts/json_fields.h"
#include "collector/config/loader.h"
#include "collector/daemon.h"
#include "collector/inventory/dns_pool.h"
#include "collector/inventory/ec2_client.h"
#include "collector/inventory/explain.h"
#include "collector/inventory/plan.h"
#include "collector/inventory/registration.h"
#include "collector/web/passive_handlers.h"

namespace gs::collector {
namespace {

using inventory::DiscoveredNode;
using inventory::Discovery;
using inventory::Lifecycle;
using nlohmann::json;

// Precedence when two sources name the same node (lower wins); see inventory.h.
constexpr int kFilePrecedence = 0;
constexpr int kEc2Precedence = 1;
constexpr int kDnsPrecedence = 2;
constexpr int kRegisterPrecedence = 3;
constexpr char kConfigSource[] = "config";
constexpr char kRegisterSource[] = "register";
// The node the discovery checks belong to: the ground box itself.
constexpr char kGroundNode[] = "groundstation";

std::vector<DiscoveredNode> ConfigNodes(const Config& config) {
  std::vector<DiscoveredNode> out;
  out.reserve(config.nodes.size());
  for (const NodeConfig& n : config.nodes) out.push_back({{n.name, n.address, n.tags}, {}});
  return out;
}

std::string FileSourceId(const std::string& path) { return "file:" + path; }

// The nodes file, re-read only when its modification time or size changed.
Discovery::Source NodesFileSource(const InventoryConfig& inv) {
  struct Cache {
    struct timespec mtime {};
    off_t size = -1;
    std::vector<DiscoveredNode> nodes;
  };
  auto cache = std::make_shared<Cache>();
  const std::string path = inv.file;
  auto fetch = [cache, path]() -> Discovery::Answer {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Fail(path + ": cannot stat");
    if (cache->size == st.st_size && cache->mtime.tv_sec == st.st_mtim.tv_sec &&
        cache->mtime.tv_nsec == st.st_mtim.tv_nsec) {
      return cache->nodes;
    }
    auto loaded = LoadNodesFile(path);
    if (!loaded) {
      std::string message;
      for (const ConfigError& e : loaded.error()) {
        message += (message.empty() ? "" : "; ") + e.ToString();
      }
      return Fail(message);
    }
    std::vector<DiscoveredNode> nodes;
    for (NodeConfig& n : *loaded) {
      nodes.push_back({{std::move(n.name), std::move(n.address), std::move(n.tags)}, {}});
    }
    cache->mtime = st.st_mtim;
    cache->size = st.st_size;
    cache->nodes = nodes;
    return nodes;
  };
  return {FileSourceId(path), inv.file_check, std::move(fetch)};
}

inventory::Ec2Options Ec2OptionsOf(const Ec2SourceConfig& c) {
  inventory::Ec2Options o;
  o.name = c.name;
  o.region = c.region;
  o.endpoint = c.endpoint;
  o.filters = c.filters;
  o.public_address = c.public_address;
  o.name_tag = c.name_tag;
  o.tags = c.tags;
  o.timeout = c.timeout;
  o.verify_tls = c.verify_tls;
  o.credentials.access_key_id = c.access_key_id;
  o.credentials.secret_access_key = c.secret_access_key;
  o.credentials.profile = c.profile;
  o.credentials.credentials_file = c.credentials_file;
  o.credentials.imds_endpoint = c.imds_endpoint;
  return o;
}

Discovery::Source Ec2Source(const Ec2SourceConfig& c) {
  const inventory::Ec2Options options = Ec2OptionsOf(c);
  auto client = std::make_shared<inventory::Ec2Client>(options);
  auto fetch = [client, options]() -> Discovery::Answer {
    auto instances = client->DescribeAll();
    if (!instances) return tl::unexpected(instances.error());
    return inventory::Ec2Client::ToNodes(std::move(*instances), options);
  };
  return {"ec2:" + c.name, c.refresh, std::move(fetch)};
}

Discovery::Source DnsSource(const DnsPoolConfig& c) {
  inventory::DnsPoolOptions options;
  options.name = c.name;
  options.server = c.server;
  options.ipv4 = c.ipv4;
  options.ipv6 = c.ipv6;
  options.timeout = c.timeout;
  auto fetch = [options, tags = c.tags]() -> Discovery::Answer {
    auto answer = inventory::ResolvePool(options);
    if (!answer) return tl::unexpected(answer.error());
    return inventory::PoolNodes(options.name, *answer, tags);
  };
  return {"dns:" + c.name, c.refresh, std::move(fetch)};
}

json NodeJson(const inventory::InventoryEntry& e) {
  return {{"name", e.node->name},
          {"address", e.node->address},
          {"tags", alerts::json_fields::TagsToJson(e.node->tags)},
          {"source", e.source},
          {"lifecycle", std::string(inventory::LifecycleName(e.node->lifecycle))},
          {"shadowed", e.shadowed}};
}

json SourceJson(const inventory::SourceStatus& s) {
  auto time = [](std::chrono::system_clock::time_point t) {
    return t.time_since_epoch().count() == 0 ? json(nullptr) : json(alerts::FormatRfc3339(t));
  };
  return {{"id", s.spec.id},
          {"nodes", s.nodes.size()},
          {"ok", s.answered && !s.failing},
          {"failing", s.failing},
          {"last_error", s.last_error.empty() ? json(nullptr) : json(s.last_error)},
          {"last_refresh", time(s.last_refresh)},
          {"last_success", time(s.last_success)},
          {"refreshes", s.refreshes},
          {"failures", s.failures}};
}

}  // namespace

std::vector<inventory::SourceSpec> Daemon::InventorySources(const Config& config) {
  std::vector<inventory::SourceSpec> specs;
  specs.push_back({kConfigSource, kFilePrecedence, true});
  if (!config.inventory.file.empty()) {
    specs.push_back({FileSourceId(config.inventory.file), kFilePrecedence, false});
  }
  for (const Ec2SourceConfig& c : config.inventory.ec2) {
    specs.push_back({"ec2:" + c.name, kEc2Precedence, false});
  }
  for (const DnsPoolConfig& c : config.inventory.dns) {
    specs.push_back({"dns:" + c.name, kDnsPrecedence, false});
  }
  if (config.inventory.registration.enabled) {
    specs.push_back({kRegisterSource, kRegisterPrecedence, true});
  }
  return specs;
}

// Declares the sources of `config`, applies the ones known here (config nodes, registered
// nodes) and (re)starts discovery when its settings changed. Jobs follow in ApplyNodes.
void Daemon::ApplyInventory(const Config& config) {
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard lock(registrations_mu_);
    register_settings_ = config.inventory.registration;
  }
  inventory_.SetSources(InventorySources(config));
  inventory_.Update(kConfigSource, ConfigNodes(config), now);
  if (config.inventory.registration.enabled) {
    inventory_.Update(kRegisterSource, RegisteredNodes(), now);
  }
  // Answers saved before a restart stand in until each source answers.
  for (auto& [id, nodes] : restored_discovery_) inventory_.Restore(id, std::move(nodes));
  restored_discovery_.clear();
  if (discovery_ && config.inventory == discovery_config_) return;
  discovery_config_ = config.inventory;
  std::vector<std::string> ids;
  for (const inventory::SourceSpec& spec : InventorySources(config)) {
    if (!spec.authoritative) ids.push_back(spec.id);
  }
  alert_worker_->Post([this, ids = std::move(ids)] {
    if (auto ok = db_->RemoveDiscoveredExcept(ids); !ok) {
      std::fprintf(stderr, "groundstation: state.db: %s\n", ok.error().message.c_str());
    }
  });
  std::vector<Discovery::Source> sources;
  if (!config.inventory.file.empty()) sources.push_back(NodesFileSource(config.inventory));
  for (const Ec2SourceConfig& c : config.inventory.ec2) sources.push_back(Ec2Source(c));
  for (const DnsPoolConfig& c : config.inventory.dns) sources.push_back(DnsSource(c));
  if (!discovery_) {
    // Answers arrive on the discovery thread and are applied on the io_context.
    discovery_ = std::make_unique<Discovery>([this](const std::string& id, Discovery::Answer a) {
      boost::asio::post(io_,
                        [this, id, a = std::move(a)]() mutable { OnDiscovery(id, std::move(a)); });
    });
  }
  discovery_->SetSources(std::move(sources));
}

void Daemon::OnDiscovery(const std::string& id, inventory::Discovery::Answer answer) {
  if (stopping_) return;
  const auto now = std::chrono::system_clock::now();
  const auto outcome = inventory_.Update(id, std::move(answer), now);
  const inventory::SourceStatus* s = inventory_.source(id);
  if (s == nullptr) return;
  ReportDiscovery(*s);
  if (outcome != inventory::Inventory::Outcome::kChanged) return;
  ApplyNodes();
  // The new answer is kept for a restart (encoded and written on the alert worker).
  alert_worker_->Post([this, id, nodes = s->nodes, now] {
    if (auto ok = db_->SaveDiscovered(id, inventory::EncodeNodes(nodes), now); !ok) {
      std::fprintf(stderr, "groundstation: state.db: %s\n", ok.error().message.c_str());
    }
  });
}

// Each discovery source is the check "discovery:<source>" on the node "groundstation": CRITICAL
// while it fails (one alert, routed like any other), OK with the node count otherwise.
void Daemon::ReportDiscovery(const inventory::SourceStatus& s) {
  auto& check = discovery_checks_[s.spec.id];
  if (!check) {
    auto c = std::make_shared<CheckConfig>();
    c->name = "discovery:" + s.spec.id;
    c->kind = "discovery";
    c->max_attempts = 1;
    check = std::move(c);
  }
  probes::CheckResult result;
  result.started = std::chrono::system_clock::now();
  const std::string count = std::to_string(s.nodes.size());
  if (s.failing) {
    result.state = probes::State::kCritical;
    result.text = "discovery " + s.spec.id + " failing: " + s.last_error +
                  (s.nodes.empty() ? "; no nodes from it yet"
                                   : "; keeping its last good answer (" + count + " nodes)");
  } else {
    result.state = probes::State::kOk;
    result.text = "discovery " + s.spec.id + ": " + count + " nodes";
  }
  probes::Perfdata nodes;
  nodes.label = "nodes";
  nodes.value = static_cast<double>(s.nodes.size());
  nodes.min = 0;
  result.perfdata.push_back(std::move(nodes));
  engine_->OnResult(
      JobSpec{std::make_shared<const probes::Target>(probes::Target{kGroundNode, "127.0.0.1", {}}),
              check},
      result);
}

// Makes the scheduled jobs follow the inventory: jobs of running nodes only; a node that left
// (or left the running state) has its checks retired quietly.
void Daemon::ApplyNodes() {
  std::vector<JobSpec> jobs = BuildJobs(*config_);
  std::set<JobKey> wanted;
  for (const JobSpec& j : jobs) wanted.emplace(j.target->name, j.check->name);
  std::set<std::string> kept;  // statuses of log rules and live discovery sources
  for (const LogRuleConfig& r : config_->syslog.rules)
    kept.insert(syslog::LogRuleCheckName(r.name));
  for (const inventory::SourceStatus& s : inventory_.sources())
    kept.insert("discovery:" + s.spec.id);
  for (const ForecastConfig& f : config_->forecasts) kept.insert(ForecastCheckName(f.name));
  std::vector<JobKey> stale;
  for (const auto& [key, entry] : engine_->entries()) {
    if (wanted.count(key) == 0 && kept.count(key.second) == 0) stale.push_back(key);
  }
  scheduler_->Apply(std::move(jobs));
  // Until every source has answered once, a node missing from the inventory may just not be
  // discovered yet (a restart): its status stays, and is retired if the answer lacks it.
  const bool complete = std::all_of(inventory_.sources().begin(), inventory_.sources().end(),
                                    [](const inventory::SourceStatus& s) { return s.answered; });
  for (const JobKey& key : stale) {
    if (engine_->entries().count(key) == 0) continue;
    if (!complete && inventory_.nodes().count(key.first) == 0) continue;
    engine_->OnRemoved(key, RetireReason(key));
  }
  if (syslog_) syslog_->SetNodes(BuildNodeIndex());
  if (log_rules_) log_rules_->SetNodes(BuildNodeTags());
}

// Why the job `key` stopped, for the quiet resolution of its alerts.
std::string Daemon::RetireReason(const JobKey& key) const {
  const auto it = inventory_.nodes().find(key.first);
  if (it == inventory_.nodes().end()) return "node retired";
  switch (it->second.node->lifecycle) {
    case Lifecycle::kTerminated:
      return "node retired";
    case Lifecycle::kStopping:
    case Lifecycle::kStopped:
    case Lifecycle::kPending:
      return "node " + std::string(inventory::LifecycleName(it->second.node->lifecycle));
    case Lifecycle::kRunning:
      break;
  }
  const bool configured = std::any_of(config_->checks.begin(), config_->checks.end(),
                                      [&](const CheckConfig& c) { return c.name == key.second; });
  return configured ? "check no longer applies to the node" : "check removed";
}

std::vector<JobSpec> Daemon::BuildJobs(const Config& config) const {
  return inventory::PlanJobs(config.checks, inventory_.nodes());
}

std::shared_ptr<const syslog::NodeIndex> Daemon::BuildNodeIndex() const {
  auto index = std::make_shared<syslog::NodeIndex>();
  for (const auto& [name, entry] : inventory_.nodes()) {
    if (!entry.node->address.empty()) index->emplace(entry.node->address, name);
  }
  return index;
}

std::shared_ptr<const syslog::NodeTags> Daemon::BuildNodeTags() const {
  auto tags = std::make_shared<syslog::NodeTags>();
  for (const auto& [name, entry] : inventory_.nodes()) {
    (*tags)[name] = std::shared_ptr<const probes::Tags>(entry.node, &entry.node->tags);
  }
  return tags;
}

// ---- self-registration -------------------------------------------------------------------

// At start: the registrations state.db kept, minus those that expired meanwhile, and the
// last good answer of each discovery source.
Result<void> Daemon::LoadRegistrations() {
  auto discovered = db_->LoadDiscovered();
  if (!discovered) return Fail("state.db: " + discovered.error().message);
  for (const auto& [id, text] : *discovered) restored_discovery_[id] = inventory::DecodeNodes(text);
  if (auto expired = db_->ExpireRegistrations(std::chrono::system_clock::now()); !expired) {
    return Fail("state.db: " + expired.error().message);
  }
  auto loaded = db_->LoadRegistrations();
  if (!loaded) return Fail("state.db: " + loaded.error().message);
  std::lock_guard lock(registrations_mu_);
  for (StoredRegistration& r : *loaded) registrations_[r.name] = std::move(r);
  return {};
}

// Any thread.
std::vector<DiscoveredNode> Daemon::RegisteredNodes() const {
  std::lock_guard lock(registrations_mu_);
  std::vector<DiscoveredNode> out;
  out.reserve(registrations_.size());
  for (const auto& [name, r] : registrations_) out.push_back({{r.name, r.address, r.tags}, {}});
  return out;
}

void Daemon::RegisteredChanged() {
  if (!config_->inventory.registration.enabled) return;
  const auto outcome =
      inventory_.Update(kRegisterSource, RegisteredNodes(), std::chrono::system_clock::now());
  if (outcome == inventory::Inventory::Outcome::kChanged) ApplyNodes();
}

// POST /api/v1/register, on a blocking worker: validated, stored durably, then applied.
web::Response Daemon::Register(const web::Request& request) {
  RegisterConfig settings;
  std::string token;
  {
    std::lock_guard lock(registrations_mu_);
    settings = register_settings_;
    token = register_token_;
  }
  if (auto denied = web::RequireToken(token, request)) return *denied;
  if (!settings.enabled) {
    return web::JsonError(404, "self-registration is off (inventory.register in the config)");
  }
  auto parsed = inventory::ParseRegistration(request.body);
  if (!parsed) {
    ++registration_errors_;
    return web::JsonError(400, parsed.error().message);
  }
  const auto now = std::chrono::system_clock::now();
  auto lifetime = settings.expire_after;
  if (parsed->ttl) lifetime = std::min<std::chrono::milliseconds>(lifetime, *parsed->ttl);
  StoredRegistration r{parsed->name, parsed->address, parsed->tags, now, now + lifetime};
  for (const auto& [key, value] : settings.tags) r.tags.try_emplace(key, value);
  bool renewal = false;
  {
    std::lock_guard lock(registrations_mu_);
    renewal = registrations_.count(r.name) != 0;
    if (!renewal && registrations_.size() >= settings.max_nodes) {
      return web::JsonError(429, "too many registered nodes (inventory.register.max_nodes " +
                                     std::to_string(settings.max_nodes) + ")");
    }
  }
  if (auto ok = db_->SaveRegistration(r); !ok) {
    return web::JsonError(503, "state.db: " + ok.error().message);
  }
  {
    std::lock_guard lock(registrations_mu_);
    registrations_[r.name] = r;
  }
  boost::asio::post(io_, [this] { RegisteredChanged(); });
  json body{{"name", r.name},
            {"address", r.address},
            {"tags", alerts::json_fields::TagsToJson(r.tags)},
            {"expires", alerts::FormatRfc3339(r.expires)},
            {"renewed", renewal}};
  return web::Response{renewal ? 200 : 201, "application/json", body.dump() + "\n", {}};
}

// DELETE /api/v1/register/<name>: the node leaves now (its checks retire quietly).
web::Response Daemon::Unregister(const web::Request& request) {
  if (auto denied = web::RequireToken(api_token_, request)) return *denied;
  const std::string name = request.path.substr(std::string_view("/api/v1/register/").size());
  {
    std::lock_guard lock(registrations_mu_);
    if (registrations_.erase(name) == 0) {
      return web::JsonError(404, "no registered node \"" + name + "\"");
    }
  }
  alert_worker_->Post([this, name] {
    if (auto ok = db_->RemoveRegistration(name); !ok) {
      std::fprintf(stderr, "groundstation: state.db: %s\n", ok.error().message.c_str());
    }
  });
  RegisteredChanged();
  return web::Response{200, "application/json", json{{"removed", name}}.dump() + "\n", {}};
}

// From the alert tick: registrations not renewed in time leave the inventory.
void Daemon::ExpireRegistrations(std::chrono::system_clock::time_point now) {
  std::vector<std::string> expired;
  {
    std::lock_guard lock(registrations_mu_);
    for (auto it = registrations_.begin(); it != registrations_.end();) {
      if (it->second.expires <= now) {
        expired.push_back(it->first);
        it = registrations_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (expired.empty()) return;
  registrations_expired_ += expired.size();
  alert_worker_->Post([this, now] {
    if (auto ok = db_->ExpireRegistrations(now); !ok) {
      std::fprintf(stderr, "groundstation: state.db: %s\n", ok.error().message.c_str());
    }
  });
  RegisteredChanged();
}

// ---- the inventory API ---------------------------------------------------------------------

json Daemon::InventoryJson() const {
  json nodes = json::array();
  for (const auto& [name, entry] : inventory_.nodes()) nodes.push_back(NodeJson(entry));
  json sources = json::array();
  for (const inventory::SourceStatus& s : inventory_.sources()) sources.push_back(SourceJson(s));
  return {{"nodes", std::move(nodes)}, {"sources", std::move(sources)}};
}

// GET /api/v1/inventory/<name>: the node and, for every check, whether it applies and why.
web::Response Daemon::ExplainNode(const web::Request& request) const {
  const std::string name = request.path.substr(std::string_view("/api/v1/inventory/").size());
  const auto it = inventory_.nodes().find(name);
  if (it == inventory_.nodes().end()) {
    return web::JsonError(404, "no node \"" + name + "\" in the inventory");
  }
  const DiscoveredNode& node = *it->second.node;
  json checks = json::array();
  for (const CheckConfig& check : config_->checks) {
    const inventory::SelectorExplanation why = inventory::ExplainSelector(check.select, node.tags);
    const bool running = node.lifecycle == Lifecycle::kRunning;
    json reasons = why.reasons;
    if (why.matches && !running) {
      reasons.push_back("the node is " + std::string(inventory::LifecycleName(node.lifecycle)) +
                        ": only running nodes are checked");
    } else if (why.matches && node.address.empty()) {
      reasons.push_back("the node has no address: it is not checked");
    }
    const auto entry = engine_->entries().find(JobKey{node.name, check.name});
    checks.push_back(
        {{"check", check.name},
         {"kind", check.kind},
         {"applies", why.matches && running && !node.address.empty()},
         {"reasons", std::move(reasons)},
         {"state", entry == engine_->entries().end()
                       ? json(nullptr)
                       : json(std::string(probes::ToString(entry->second.status.state)))}});
  }
  json body = NodeJson(it->second);
  body["checks"] = std::move(checks);
  return web::Response{
      200, "application/json", body.dump(2, ' ', false, json::error_handler_t::replace) + "\n", {}};
}

void Daemon::RouteInventoryApi() {
  http_->Route("GET", "/api/v1/inventory", [this](const web::Request&) {
    return web::Response{
        200,
        "application/json",
        InventoryJson().dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
        {}};
  });
  http_->RoutePrefix("GET", "/api/v1/inventory/",
                     [this](const web::Request& r) { return ExplainNode(r); });
  http_->RouteBlocking("POST", "/api/v1/register",
                       [this](const web::Request& r) { return Register(r); });
  http_->RoutePrefix("DELETE", "/api/v1/register/",
                     [this](const web::Request& r) { return Unregister(r); });
}

}  // namespace gs::collector

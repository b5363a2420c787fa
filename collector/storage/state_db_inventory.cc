// StateDb: the registered_node table (self-registration, collector/inventory/).
#include <sqlite3.h>

#include <algorithm>

#include "collector/storage/sqlite_util.h"
#include "collector/storage/state_db.h"

namespace gs::collector {
namespace {

using sql::Bind;
using sql::FromMs;
using sql::Int64;
using sql::ResetOnExit;
using sql::Text;
using sql::ToMs;

constexpr const char kSave[] =
    "INSERT OR REPLACE INTO registered_node (name, address, tags, registered_ms, expires_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kRemove[] = "DELETE FROM registered_node WHERE name = ?1";
constexpr const char kExpired[] =
    "DELETE FROM registered_node WHERE expires_ms <= ?1 RETURNING name";
constexpr const char kLoad[] =
    "SELECT name, address, tags, registered_ms, expires_ms FROM registered_node ORDER BY name";

constexpr const char kSaveDiscovered[] =
    "INSERT OR REPLACE INTO discovered (source, data, saved_ms) VALUES (?1, ?2, ?3)";
constexpr const char kLoadDiscovered[] = "SELECT source, data FROM discovered";
constexpr const char kSourcesDiscovered[] = "SELECT source FROM discovered";
constexpr const char kRemoveDiscovered[] = "DELETE FROM discovered WHERE source = ?1";

}  // namespace

Result<void> StateDb::SaveDiscovered(const std::string& source, const std::string& data,
                                     std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kSaveDiscovered);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, source);
  Bind(*s, 2, data);
  Bind(*s, 3, ToMs(now));
  return StepDone(*s, "saving the nodes of " + source);
}

Result<std::map<std::string, std::string>> StateDb::LoadDiscovered() {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoadDiscovered);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  std::map<std::string, std::string> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) out[Text(*s, 0)] = Text(*s, 1);
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading discovered nodes"));
  return out;
}

// Forgets the answers of sources no longer configured.
Result<void> StateDb::RemoveDiscoveredExcept(const std::vector<std::string>& sources) {
  std::lock_guard lock(mu_);
  std::vector<std::string> stale;
  {
    auto s = Prepare(kSourcesDiscovered);
    if (!s) return tl::unexpected(s.error());
    ResetOnExit reset(*s);
    int rc;
    while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
      std::string source = Text(*s, 0);
      if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
        stale.push_back(std::move(source));
      }
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError("listing discovered nodes"));
  }
  for (const std::string& source : stale) {
    auto s = Prepare(kRemoveDiscovered);
    if (!s) return tl::unexpected(s.error());
    ResetOnExit reset(*s);
    Bind(*s, 1, source);
    if (auto r = StepDone(*s, "forgetting the nodes of " + source); !r) return r;
  }
  return {};
}

Result<void> StateDb::SaveRegistration(const StoredRegistration& r) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kSave);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, r.name);
  Bind(*s, 2, r.address);
  Bind(*s, 3, alerts::json_fields::Dump(alerts::json_fields::TagsToJson(r.tags)));
  Bind(*s, 4, ToMs(r.registered));
  Bind(*s, 5, ToMs(r.expires));
  return StepDone(*s, "saving registered node " + r.name);
}

Result<bool> StateDb::RemoveRegistration(const std::string& name) {
  return DeleteByKey(kRemove, name, "removing registered node " + name);
}

Result<std::vector<std::string>> StateDb::ExpireRegistrations(
    std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kExpired);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, ToMs(now));
  std::vector<std::string> names;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) names.push_back(Text(*s, 0));
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("expiring registered nodes"));
  return names;
}

Result<std::vector<StoredRegistration>> StateDb::LoadRegistrations() {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoad);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  std::vector<StoredRegistration> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    StoredRegistration r;
    r.name = Text(*s, 0);
    r.address = Text(*s, 1);
    const auto tags = nlohmann::json::parse(Text(*s, 2), nullptr, false);
    if (tags.is_object()) r.tags = alerts::json_fields::TagsFromJson(tags);
    r.registered = FromMs(Int64(*s, 3));
    r.expires = FromMs(Int64(*s, 4));
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading registered nodes"));
  return out;
}

}  // namespace gs::collector

#include "tests/support/daemon_test.h"

namespace gs::test {

using nlohmann::json;

void DaemonTest::Start(const std::string& body) {
  const int port = FreePort();
  api_ = CollectorApi(port);
  const std::string d = dir_.path().string();
  const std::string config =
      "data_dir: " + d + "/var\nhttp: {listen: \"127.0.0.1:" + std::to_string(port) +
      "\", token_file: " + d + "/api-token}\nnotifiers:\n  - {name: ops, kind: webhook, url: \"" +
      hooks_.url("/hook") + "\"}\nroutes:\n  - {notify: [ops]}\n" + body;
  daemon_ = StartCollector(dir_, config, api_);
  ASSERT_TRUE(daemon_) << ReadFile(dir_ / "gs.err");
  token_ = ReadFile(dir_ / "api-token");
  while (!token_.empty() && token_.back() == '\n') token_.pop_back();
}

json DaemonTest::Inventory() const {
  return json::parse(HttpGet(api_.Url("/api/v1/inventory")).body, nullptr, false);
}

json DaemonTest::Node(const std::string& name) const {
  const json inv = Inventory();
  if (!inv.is_object()) return nullptr;
  for (const json& n : inv["nodes"]) {
    if (n["name"] == name) return n;
  }
  return nullptr;
}

std::string DaemonTest::State(const std::string& node, const std::string& check) const {
  const json status = json::parse(HttpGet(api_.Url("/api/v1/status")).body, nullptr, false);
  if (!status.is_object()) return "";
  for (const json& c : status["checks"]) {
    if (c["node"] == node && c["check"] == check) return c["state"];
  }
  return "";
}

bool DaemonTest::Runs(const std::string& node, const std::string& check) const {
  const json body{{"node", node}, {"check", check}, {"state", "OK"}, {"output", "probe"}};
  return HttpPost(api_.Url("/api/v1/results"), body.dump(), token_).status == 200;
}

void DaemonTest::Submit(const std::string& node, const std::string& check,
                        const std::string& state) {
  const json body{{"node", node}, {"check", check}, {"state", state}, {"output", state}};
  const HttpResponse r = HttpPost(api_.Url("/api/v1/results"), body.dump(), token_);
  ASSERT_EQ(r.status, 200) << r.body;
}

std::vector<json> DaemonTest::Hooks() const {
  std::vector<json> out;
  for (const ReceivedRequest& r : hooks_.Requests()) {
    if (r.path == "/hook") out.push_back(json::parse(r.body, nullptr, false));
  }
  return out;
}

json DaemonTest::WaitForHook(const std::string& node, const std::string& status) const {
  json found;
  WaitUntil(
      [&] {
        for (const json& h : Hooks()) {
          if (h.is_object() && h["node"] == node && h["status"] == status) {
            found = h;
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(30));
  return found;
}

}  // namespace gs::test

#include "collector/daemon.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>

#include "collector/config/loader.h"

namespace gs::collector {

namespace {

constexpr std::size_t kAlertQueue = 100'000;
// Engine outputs committed in one state.db transaction at most.
constexpr std::size_t kAlertBatch = 1'000;
constexpr auto kDrainDeadline = std::chrono::seconds(5);

// The registry of notifier kinds lives in config/parse_notifiers.cc; each kind's options
// select its class here.
std::map<std::string, std::unique_ptr<alerts::Notifier>> BuildNotifiers(const Config& config) {
  std::map<std::string, std::unique_ptr<alerts::Notifier>> out;
  for (const NotifierConfig& n : config.notifiers) {
    out[n.name] = std::visit(
        [](const auto& options) -> std::unique_ptr<alerts::Notifier> {
          using O = std::decay_t<decltype(options)>;
          if constexpr (std::is_same_v<O, alerts::WebhookNotifier::Options>) {
            return std::make_unique<alerts::WebhookNotifier>(options);
          } else if constexpr (std::is_same_v<O, alerts::AlertmanagerNotifier::Options>) {
            return std::make_unique<alerts::AlertmanagerNotifier>(options);
          } else if constexpr (std::is_same_v<O, alerts::TwilioSmsNotifier::Options>) {
            return std::make_unique<alerts::TwilioSmsNotifier>(options);
          } else if constexpr (std::is_same_v<O, alerts::GatewaySmsNotifier::Options>) {
            return std::make_unique<alerts::GatewaySmsNotifier>(options);
          } else {
            return std::make_unique<alerts::EmailNotifier>(options);
          }
        },
        n.options);
  }
  return out;
}

// How long the alert history is kept.
constexpr auto kHistoryRetention = std::chrono::hours(24 * 400);

std::chrono::seconds RrdStep(const CheckConfig& check) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(check.interval);
  return std::max(s, std::chrono::seconds(1));
}

}  // namespace

Daemon::Daemon(Config config, std::filesystem::path config_path)
    : config_(std::make_shared<const Config>(std::move(config))),
      config_path_(std::move(config_path)),
      signals_(io_, SIGINT, SIGTERM, SIGHUP) {}

Daemon::~Daemon() = default;

Result<void> Daemon::Open() {
  const std::filesystem::path data_dir = config_->data_dir;
  std::error_code ec;
  std::filesystem::create_directories(data_dir / "rrd", ec);
  if (!ec) std::filesystem::create_directories(data_dir / "logs", ec);
  if (ec) return Fail("data_dir " + data_dir.string() + ": " + ec.message());
  auto db = StateDb::Open(data_dir / "state.db");
  if (!db) return tl::unexpected(db.error());
  db_ = std::move(*db);
  state_writer_ = std::make_unique<StateWriter>(*db_);
  RrdWriter::Options rrd;
  rrd.root = data_dir / "rrd";
  rrd.daemon = config_->rrd.daemon;
  rrd.cache_timeout = std::chrono::duration_cast<std::chrono::seconds>(config_->rrd.cache_timeout);
  rrd_ = std::make_unique<RrdWriter>(std::move(rrd));
  alert_worker_ = std::make_unique<Worker>("gs-alerts", kAlertQueue, [this] { FlushAlerts(); });
  ReplaceDispatcher(*config_);
  if (auto ok = LoadApiToken(); !ok) return ok;
  probes_ = std::make_unique<ProbeRegistry>([this](const JobKey& key) {
    const auto& entries = engine_->entries();
    auto it = entries.find(key);
    return it == entries.end() ? nullptr : &it->second.status;
  });
  engine_ = std::make_unique<CheckEngine>(CheckEngine::Sinks{
      [this](const JobKey& k, const alerts::CheckStatus& s) {
        state_writer_->Save(k.first, k.second, s);
      },
      [this](const JobKey& k) { state_writer_->Forget(k.first, k.second); },
      [this](const JobSpec& job, const probes::CheckResult& r) { Record(job, r); },
      [this](alerts::AlertEngine::Output out) {
        // A full queue (100,000 batches) drops and counts; see /metrics.
        alert_worker_->Post(
            [this, out = std::move(out)]() mutable { GatherAlerts(std::move(out)); });
      },
      // After the results already queued: a burst shares one pass over every alert.
      [this] { boost::asio::post(io_, [this] { engine_->FlushAlerts(); }); }});
  auto states = db_->LoadCheckStates();
  if (!states) return Fail("state.db: " + states.error().message);
  engine_->Restore(std::move(*states));
  std::vector<std::string> skipped;
  auto records = db_->LoadAlertRecords(&skipped);
  if (!records) return Fail("state.db: " + records.error().message);
  for (const std::string& s : skipped) {
    std::fprintf(stderr, "groundstation: state.db: alert record skipped: %s\n", s.c_str());
  }
  engine_->RestoreAlerts(std::move(*records));
  auto ground = db_->LoadGroundState();
  if (!ground) return Fail("state.db: " + ground.error().message);
  if (*ground) engine_->RestoreGround(std::move(**ground));
  auto downtimes = db_->LoadDowntimes();
  if (!downtimes) return Fail("state.db: " + downtimes.error().message);
  downtimes_ = std::move(*downtimes);
  engine_->SetDowntimes(downtimes_);
  (void)db_->PruneHistory(std::chrono::system_clock::now() - kHistoryRetention);
  if (auto ok = LoadRegistrations(); !ok) return ok;
  scheduler_ = std::make_unique<Scheduler>(
      io_, *probes_,
      [this](const JobSpec& job, const probes::CheckResult& r) {
        return engine_->OnResult(job, r);
      },
      [this](const JobKey& key) { engine_->OnRemoved(key, RetireReason(key)); });
  return {};
}

// Started as root (to bind port 514): hand data_dir to `user` and become it. Not root: the
// setting has nothing to do, and says so.
Result<void> Daemon::DropPrivileges() const {
  const std::string& user = config_->user;
  if (user.empty()) return {};
  if (::geteuid() != 0) {
    std::fprintf(stderr, "groundstation: user: %s ignored (not started as root)\n", user.c_str());
    return {};
  }
  const passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) return Fail("user: no such user \"" + user + "\"");
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  std::error_code ec;
  const std::filesystem::path root = config_->data_dir;
  if (::lchown(root.c_str(), uid, gid) != 0) return Fail("chown " + root.string() + " failed");
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (::lchown(it->path().c_str(), uid, gid) != 0) {
      return Fail("chown " + it->path().string() + " failed");
    }
  }
  if (::initgroups(user.c_str(), gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
    return Fail("cannot switch to user \"" + user + "\"");
  }
  std::printf("groundstation: running as %s\n", user.c_str());
  return {};
}

void Daemon::ReplaceDispatcher(const Config& config) {
  // Publish the new dispatcher first: an Enqueue that reaches it before Start() only writes
  // the outbox, and Start() then loads it with everything the old one left behind.
  auto fresh = std::make_shared<alerts::Dispatcher>(*db_, BuildNotifiers(config));
  std::shared_ptr<alerts::Dispatcher> old;
  {
    std::lock_guard lock(dispatcher_mu_);
    old = std::exchange(dispatcher_, fresh);
  }
  if (old) old->Stop(kDrainDeadline);  // what it did not deliver stays in the outbox
  if (auto ok = fresh->Start(); !ok) {
    std::fprintf(stderr, "groundstation: alert outbox: %s\n", ok.error().message.c_str());
  }
}

// On the alert worker: engine outputs gather while more are queued and are committed together
// once the queue is empty (or the batch is full), so a burst costs one fsync, not one each.
void Daemon::GatherAlerts(alerts::AlertEngine::Output out) {
  if (!alert_inbox_) {
    alert_inbox_ = std::move(out);
  } else {
    alert_inbox_->Absorb(std::move(out));
  }
  if (++alert_inbox_steps_ >= kAlertBatch) FlushAlerts();
}

void Daemon::FlushAlerts() {
  if (!alert_inbox_) return;
  alerts::AlertEngine::Output out = std::move(*alert_inbox_);
  alert_inbox_.reset();
  alert_inbox_steps_ = 0;
  PersistAlerts(out);
}

void Daemon::PersistAlerts(const alerts::AlertEngine::Output& out) {
  std::shared_ptr<alerts::Dispatcher> d;
  {
    std::lock_guard lock(dispatcher_mu_);
    d = dispatcher_;
  }
  if (out.messages.empty()) {
    if (auto ok = db_->ApplyAlertRecords(out.records, out.ground); !ok) {
      std::fprintf(stderr, "groundstation: %s\n", ok.error().message.c_str());
    }
  } else {
    // The messages and the records that say they were sent, in one transaction.
    auto write = [&](const std::vector<alerts::Notification>& stored) {
      return db_->AddAllWithRecords(stored, out.records, out.ground);
    };
    if (auto queued = d->EnqueueAll(out.messages, write); !queued) {
      std::fprintf(stderr, "groundstation: %zu notifications and their records not stored: %s\n",
                   out.messages.size(), queued.error().message.c_str());
    }
  }
  if (auto ok = db_->AppendHistory(out.history); !ok) {
    std::fprintf(stderr, "groundstation: %s\n", ok.error().message.c_str());
  }
}

void Daemon::ScheduleAlertTick() {
  alert_tick_->expires_after(std::chrono::seconds(1));
  alert_tick_->async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    const auto now = std::chrono::system_clock::now();
    engine_->Tick(now);
    ExpireRegistrations(now);
    last_tick_ns_ = std::chrono::steady_clock::now().time_since_epoch().count();
    ScheduleAlertTick();
  });
}

void Daemon::ApplyWatchdog(const WatchdogConfig& config) {
  if (config == watchdog_config_ && (watchdog_ != nullptr) == !config.url.empty()) return;
  watchdog_.reset();  // waits for a ping in progress (at most its timeout)
  watchdog_config_ = config;
  if (config.url.empty()) return;
  alerts::Watchdog::Options o;
  o.url = config.url;
  o.method = config.method;
  o.interval = config.interval;
  o.timeout = config.timeout;
  for (const auto& [name, value] : config.headers) o.headers.push_back(name + ": " + value);
  // The loop ticks every second; a minute without a tick means it is wedged.
  o.health = [this]() -> std::string {
    const std::int64_t last = last_tick_ns_;
    const auto age = std::chrono::steady_clock::now().time_since_epoch() -
                     std::chrono::steady_clock::duration(last);
    return last != 0 && age > std::chrono::minutes(1) ? "the event loop has not run for a minute"
                                                      : "";
  };
  watchdog_ = std::make_shared<alerts::Watchdog>(std::move(o));
  watchdog_->Start();
}

void Daemon::Record(const JobSpec& job, const probes::CheckResult& result) {
  if (result.perfdata.empty()) return;
  const auto time = result.started.time_since_epoch().count() != 0
                        ? result.started
                        : std::chrono::system_clock::now();
  rrd_->Submit(RrdWriter::Sample{job.target->name, job.check->name, RrdStep(*job.check), time,
                                 result.perfdata});
}

void Daemon::ApplyConfig(std::shared_ptr<const Config> config) {
  config_ = std::move(config);
  engine_->SetRoutes(config_->routes);
  engine_->SetGround(config_->uplink);
  ApplyWatchdog(config_->watchdog);
  ApplyInventory(*config_);
  ApplyNodes();
}

void Daemon::Reload() {
  ConfigResult loaded = config_path_.empty()
                            ? LoadConfigText(DefaultConfigText(), std::string(kDefaultConfigSource))
                            : LoadConfigFile(config_path_);
  if (!loaded) {
    ++reload_failures_;
    std::fprintf(stderr, "groundstation: reload refused, keeping the running config:\n");
    for (const ConfigError& e : loaded.error())
      std::fprintf(stderr, "  %s\n", e.ToString().c_str());
    return;
  }
  Config next = std::move(*loaded);
  SyslogSection next_syslog = next.syslog;
  next_syslog.rules = config_->syslog.rules;  // rules reload; the rest of syslog: does not
  if (next.data_dir != config_->data_dir || next.http.listen != config_->http.listen ||
      next.rrd != config_->rrd || next_syslog != config_->syslog || next.user != config_->user) {
    std::fprintf(stderr,
                 "groundstation: data_dir, user, http.listen, rrd and syslog change only on "
                 "restart\n");
    next.data_dir = config_->data_dir;
    next.user = config_->user;
    next.http.listen = config_->http.listen;
    next.rrd = config_->rrd;
    auto rules = std::move(next.syslog.rules);
    next.syslog = config_->syslog;
    next.syslog.rules = std::move(rules);
  }
  if (next.syslog.rules != config_->syslog.rules) {
    if (auto ok = ApplyLogRules(next); !ok) {
      ++reload_failures_;
      std::fprintf(stderr, "groundstation: reload refused: %s\n", ok.error().message.c_str());
      return;
    }
  }
  const bool notifiers_changed = next.notifiers != config_->notifiers;
  auto shared = std::make_shared<const Config>(std::move(next));
  if (notifiers_changed) {
    alert_worker_->Post([this, shared] {
      FlushAlerts();  // what the old dispatcher's engine steps produced goes to it first
      ReplaceDispatcher(*shared);
    });
  }
  if (auto ok = LoadApiToken(); !ok) {
    std::fprintf(stderr, "groundstation: keeping the current API token: %s\n",
                 ok.error().message.c_str());
  }
  ApplyConfig(shared);
  if (discovery_) discovery_->RefreshAll();  // SIGHUP re-reads every source too
  ++reloads_;
  std::fprintf(stderr, "groundstation: reloaded %s: %zu jobs\n", shared->source.c_str(),
               scheduler_->size());
}

void Daemon::OnSignal(int signal) {
  if (signal == SIGHUP) {
    Reload();
    signals_.async_wait([this](boost::system::error_code ec, int s) {
      if (!ec) OnSignal(s);
    });
    return;
  }
  Shutdown();
}

void Daemon::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  if (http_) http_->Stop();
  scheduler_->Stop();
  if (alert_tick_) alert_tick_->cancel();
  if (forecast_timer_) forecast_timer_->cancel();
  signals_.cancel();
  io_.stop();
}

int Daemon::Run() {
  if (auto ok = Open(); !ok) {
    std::fprintf(stderr, "groundstation: %s\n", ok.error().message.c_str());
    return 1;
  }
  if (auto ok = StartSyslog(); !ok) {
    std::fprintf(stderr, "groundstation: syslog: %s\n", ok.error().message.c_str());
    return 1;
  }
  StartHttp();
  if (!http_) return 1;
  if (auto ok = DropPrivileges(); !ok) {
    std::fprintf(stderr, "groundstation: %s\n", ok.error().message.c_str());
    return 1;
  }
  ApplyConfig(config_);
  alert_tick_ = std::make_unique<boost::asio::steady_timer>(io_);
  ScheduleAlertTick();
  StartForecasts();
  signals_.async_wait([this](boost::system::error_code ec, int s) {
    if (!ec) OnSignal(s);
  });
  std::printf("groundstation: %zu jobs from %s, data in %s\n", scheduler_->size(),
              config_->source.c_str(), config_->data_dir.c_str());
  if (syslog_) {
    for (const auto& l : syslog_->listeners()) {
      std::printf("groundstation: syslog on %s (port %u)\n", l->url.text.c_str(),
                  static_cast<unsigned>(l->port));
    }
  }
  std::printf("groundstation: dashboard at http://127.0.0.1:%u/\n",
              static_cast<unsigned>(http_->port()));
  if (!config_->http.token_file.empty()) {
    std::printf("groundstation: API token for POST /api/v1/... in %s\n",
                config_->http.token_file.c_str());
  }
  std::fflush(stdout);
  io_.run();
  discovery_.reset();        // waits for a fetch in progress (at most its timeout)
  watchdog_.reset();         // a stopping daemon stops vouching for itself
  forecast_worker_.reset();  // finishes a forecast in progress; its results are dropped
  // Pipeline order: listeners hand over what they read, the archive writes it; probes finish
  // (results dropped), state and alerts drain, RRD flushes.
  if (syslog_) syslog_->Stop();
  archive_->Stop();
  probes_.reset();
  engine_->FlushAlerts();  // a flush still waiting on the stopped io_context
  engine_->SaveAll();
  state_writer_->Flush();
  alert_worker_->Post([this] {
    FlushAlerts();
    std::lock_guard lock(dispatcher_mu_);
    dispatcher_->Stop(kDrainDeadline);
  });
  alert_worker_->Stop();
  rrd_->Stop();
  state_writer_.reset();
  std::printf("groundstation: stopped\n");
  return 0;
}

}  // namespace gs::collector

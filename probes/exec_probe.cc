#include "probes/exec_probe.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "probes/run_to_completion.h"

extern char** environ;

namespace gs::probes {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How often the exit is polled where pidfd_open(2) is missing (kernels before 5.3).
constexpr std::chrono::milliseconds kExitPoll{20};
// Malformed perfdata items named in long_text; the rest are counted.
constexpr std::size_t kMaxPerfdataErrors = 10;

std::string Errno(int code) { return std::strerror(code); }

// Closes a descriptor it owns; for the pipe ends the parent hands to the child.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The child's signal dispositions: ones the daemon ignores (SIGPIPE) or handles would
// otherwise leak into the plugin (an ignored SIGPIPE survives exec).
sigset_t DefaultSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig :
       {SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGXFSZ}) {
    sigaddset(&set, sig);
  }
  return set;
}

// Spawns argv in a new process group with stdin from /dev/null, stdout and stderr to the
// given pipe ends, and no other descriptor of the daemon.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  if (argv.empty() || argv[0].empty()) return Fail("no command to run");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  const sigset_t defaults = DefaultSignals();
  posix_spawnattr_setsigdefault(&attr, &defaults);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Fail("cannot run " + argv[0] + ": " + Errno(rc));
  return pid;
}

// One plugin run: owns the child until it has exited and been reaped.
class ExecRun : public std::enable_shared_from_this<ExecRun> {
 public:
  ExecRun(asio::io_context& io, ExecSpec spec, std::function<void(CheckResult)> done)
      : spec_(std::move(spec)), done_(std::move(done)), out_(io), err_(io), exit_(io), timer_(io) {}

  ExecRun(const ExecRun&) = delete;
  ExecRun& operator=(const ExecRun&) = delete;

  // Only when the io_context goes away with the plugin still running (daemon shutdown):
  // nothing may outlive it, so the group is killed and the child reaped here.
  ~ExecRun() {
    if (pid_ > 0 && !exited_) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  void Start() {
    outcome_.started = std::chrono::system_clock::now();
    t0_ = Clock::now();
    std::array<int, 2> out{-1, -1};
    std::array<int, 2> err{-1, -1};
    if (::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(err.data(), O_CLOEXEC) != 0) {
      const int code = errno;
      for (int fd : {out[0], out[1], err[0], err[1]}) {
        if (fd >= 0) ::close(fd);
      }
      return Finish("cannot run " + spec_.argv.at(0) + ": pipe: " + Errno(code));
    }
    out_.assign(out[0]);
    err_.assign(err[0]);
    const Fd out_write(out[1]);
    const Fd err_write(err[1]);
    auto pid = Spawn(spec_.argv, out_write.fd, err_write.fd);
    if (!pid) return Finish(pid.error().message);
    pid_ = *pid;
    out_open_ = err_open_ = true;
    Read(out_, out_buf_, true);
    Read(err_, err_buf_, false);
    WatchExit();
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->OnTimeout();
    });
  }

 private:
  using Buffer = std::array<char, 16384>;

  void Read(asio::posix::stream_descriptor& pipe, Buffer& buf, bool is_out) {
    pipe.async_read_some(asio::buffer(buf), [this, self = shared_from_this(), &pipe, &buf, is_out](
                                                boost::system::error_code ec, std::size_t n) {
      Keep(is_out, std::string_view(buf.data(), n));
      if (ec) {
        boost::system::error_code ignored;
        pipe.close(ignored);
        (is_out ? out_open_ : err_open_) = false;
        return MaybeFinish();
      }
      Read(pipe, buf, is_out);
    });
  }

  // Stores what fits; counts the rest of stdout as dropped.
  void Keep(bool is_out, std::string_view data) {
    std::string& to = is_out ? outcome_.out : outcome_.err;
    const std::size_t cap = is_out ? spec_.max_output : kMaxStderr;
    const std::size_t room = cap > to.size() ? cap - to.size() : 0;
    to.append(data.substr(0, room));
    if (is_out && data.size() > room) outcome_.dropped += data.size() - room;
  }

  void WatchExit() {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
      exit_.assign(pidfd);
      exit_.async_wait(asio::posix::stream_descriptor::wait_read,
                       [self = shared_from_this()](boost::system::error_code) { self->Reap(); });
      return;
    }
    PollExit();
  }

  void PollExit() {
    if (Reap()) return;
    poll_timer_ = std::make_unique<asio::steady_timer>(timer_.get_executor(), kExitPoll);
    poll_timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->PollExit();
    });
  }

  // Collects the exit status once the child has exited; true when it had.
  bool Reap() {
    int status = 0;
    pid_t got = 0;
    do {
      got = ::waitpid(pid_, &status, WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got == 0) {
      // A pidfd wakes only on exit; a spurious wake-up re-arms the wait.
      if (exit_.is_open()) WatchPidfdAgain();
      return false;
    }
    exited_ = true;
    if (got > 0 && WIFEXITED(status)) outcome_.exit_code = WEXITSTATUS(status);
    if (got > 0 && WIFSIGNALED(status)) outcome_.signal = WTERMSIG(status);
    boost::system::error_code ignored;
    exit_.close(ignored);
    MaybeFinish();
    return true;
  }

  void WatchPidfdAgain() {
    exit_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](boost::system::error_code) { self->Reap(); });
  }

  // The deadline: a running plugin is killed with its whole process group; one that exited
  // but left a child holding its output open only loses that child.
  void OnTimeout() {
    if (!exited_) outcome_.timed_out = true;
    ::kill(-pid_, SIGKILL);
    boost::system::error_code ignored;
    out_.cancel(ignored);
    err_.cancel(ignored);
  }

  void MaybeFinish() {
    if (!exited_ || out_open_ || err_open_) return;
    timer_.cancel();
    Finish({});
  }

  void Finish(std::string spawn_error) {
    if (finished_) return;
    finished_ = true;
    outcome_.spawn_error = std::move(spawn_error);
    outcome_.duration = Clock::now() - t0_;
    if (done_) done_(InterpretExec(spec_, outcome_));
  }

  ExecSpec spec_;
  std::function<void(CheckResult)> done_;
  asio::posix::stream_descriptor out_;
  asio::posix::stream_descriptor err_;
  asio::posix::stream_descriptor exit_;
  asio::steady_timer timer_;
  std::unique_ptr<asio::steady_timer> poll_timer_;
  Buffer out_buf_{};
  Buffer err_buf_{};
  ExecOutcome outcome_;
  Clock::time_point t0_{};
  pid_t pid_ = -1;
  bool exited_ = false;
  bool out_open_ = false;
  bool err_open_ = false;
  bool finished_ = false;
};

void AppendLine(std::string& to, std::string_view line) {
  if (!to.empty()) to += '\n';
  to += line;
}

std::string FirstLine(std::string_view text) {
  const std::size_t nl = text.find('\n');
  return std::string(text.substr(0, nl));
}

std::string Seconds(std::chrono::milliseconds d) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%g", static_cast<double>(d.count()) / 1000.0);
  return buf.data();
}

// A result the plugin's output could not supply: timeout, signal, failed spawn.
CheckResult Failure(State state, std::string text, const ExecOutcome& outcome) {
  CheckResult r;
  r.state = state;
  r.text = std::move(text);
  if (!outcome.out.empty()) r.long_text = "partial output: " + FirstLine(outcome.out);
  if (!outcome.err.empty()) AppendLine(r.long_text, "stderr: " + FirstLine(outcome.err));
  return r;
}

}  // namespace

CheckResult InterpretExec(const ExecSpec& spec, const ExecOutcome& outcome) {
  const std::string name = spec.argv.empty() ? std::string("plugin") : spec.argv[0];
  CheckResult r;
  if (!outcome.spawn_error.empty()) {
    r = Failure(State::kUnknown, outcome.spawn_error, outcome);
  } else if (outcome.timed_out) {
    r = Failure(State::kCritical, name + " timed out after " + Seconds(spec.timeout) + " s",
                outcome);
  } else if (outcome.signal != 0) {
    r = Failure(State::kUnknown,
                name + " was killed by signal " + std::to_string(outcome.signal) + " (" +
                    ::strsignal(outcome.signal) + ")",
                outcome);
  } else {
    std::vector<std::string> errors;
    r = ParsePluginOutput(outcome.out, outcome.exit_code, &errors);
    if (outcome.out.find_first_not_of(" \t\r\n") == std::string::npos && !outcome.err.empty()) {
      r.text = "(No output on stdout) stderr: " + FirstLine(outcome.err);
    }
    for (std::size_t i = 0; i < errors.size() && i < kMaxPerfdataErrors; ++i) {
      AppendLine(r.long_text, "(perfdata ignored: " + errors[i] + ")");
    }
    if (errors.size() > kMaxPerfdataErrors) {
      AppendLine(r.long_text, "(" + std::to_string(errors.size() - kMaxPerfdataErrors) +
                                  " more malformed perfdata items ignored)");
    }
    if (outcome.dropped > 0) {
      AppendLine(r.long_text, "(output truncated: " + std::to_string(outcome.dropped) +
                                  " bytes over the " + std::to_string(spec.max_output) +
                                  "-byte limit dropped)");
    }
  }
  r.started = outcome.started;
  r.duration = outcome.duration;
  return r;
}

void StartExec(asio::io_context& io, ExecSpec spec, std::function<void(CheckResult)> done) {
  auto run = std::make_shared<ExecRun>(io, std::move(spec), std::move(done));
  asio::post(io, [run] { run->Start(); });
}

CheckResult RunExecCheck(const ExecSpec& spec) {
  return RunToCompletion([&spec](asio::io_context& io, std::function<void(CheckResult)> done) {
    StartExec(io, spec, std::move(done));
  });
}

}  // namespace gs::probes

#include "probes/curl_event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "probes/http_transfer.h"

namespace gs::probes {

namespace {

CURLM* NewMulti() {
  EnsureCurlInitialized();
  return curl_multi_init();
}

// Any non-null value: marks a socket curl has told us about, i.e. one in the epoll set.
char kRegistered;

std::uint32_t EpollMask(int what) {
  switch (what) {
    case CURL_POLL_IN:
      return EPOLLIN;
    case CURL_POLL_OUT:
      return EPOLLOUT;
    default:
      return EPOLLIN | EPOLLOUT;
  }
}

}  // namespace

CurlEventLoop::CurlEventLoop()
    : multi_(NewMulti()),
      epoll_(epoll_create1(EPOLL_CLOEXEC)),
      wake_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!ok()) return;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlEventLoop::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlEventLoop::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlEventLoop::~CurlEventLoop() {
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  if (wake_ >= 0) close(wake_);
  if (epoll_ >= 0) close(epoll_);
}

bool CurlEventLoop::Add(CURL* easy) {
  return ok() && curl_multi_add_handle(multi_, easy) == CURLM_OK;
}

void CurlEventLoop::Remove(CURL* easy) { curl_multi_remove_handle(multi_, easy); }

std::optional<CurlEventLoop::Done> CurlEventLoop::NextDone() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg == CURLMSG_DONE) return Done{msg->easy_handle, msg->data.result};
  }
  return std::nullopt;
}

void CurlEventLoop::Wakeup() {
  const std::uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: a wake-up is pending anyway.
  [[maybe_unused]] const ssize_t n = write(wake_, &one, sizeof one);
}

int CurlEventLoop::WaitMilliseconds(std::chrono::milliseconds max_wait) const {
  auto wait = max_wait;
  if (deadline_) {
    // Rounded up: waking a little after curl's deadline is fine, waking before it spins.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now());
    wait = std::min(wait, std::max(left, std::chrono::milliseconds(0)));
  }
  return static_cast<int>(std::max<std::int64_t>(0, wait.count()));
}

void CurlEventLoop::RunOnce(std::chrono::milliseconds max_wait) {
  foreign_count_ = 0;
  if (!ok()) return;
  const int n = epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()),
                           WaitMilliseconds(max_wait));
  int running = 0;
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = events_[static_cast<std::size_t>(i)];
    if ((ev.data.u64 & kForeignTag) != 0) {
      foreign_[foreign_count_++] = ev;
      continue;
    }
    if (ev.data.fd == wake_) {
      std::uint64_t count = 0;
      [[maybe_unused]] const ssize_t r = read(wake_, &count, sizeof count);
      continue;
    }
    int flags = 0;
    if ((ev.events & EPOLLIN) != 0) flags |= CURL_CSELECT_IN;
    if ((ev.events & EPOLLOUT) != 0) flags |= CURL_CSELECT_OUT;
    if ((ev.events & (EPOLLERR | EPOLLHUP)) != 0) flags |= CURL_CSELECT_ERR;
    curl_multi_socket_action(multi_, ev.data.fd, flags, &running);
  }
  if (deadline_ && Clock::now() >= *deadline_) {
    // curl re-arms (or clears) the timer from inside this call through OnTimer.
    deadline_.reset();
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  }
}

int CurlEventLoop::OnSocket(CURL* /*easy*/, curl_socket_t s, int what, void* self, void* socketp) {
  auto* loop = static_cast<CurlEventLoop*>(self);
  if (what == CURL_POLL_REMOVE) {
    // curl calls this before it closes the socket, so `s` is still ours to remove.
    epoll_ctl(loop->epoll_, EPOLL_CTL_DEL, s, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.events = EpollMask(what);
  ev.data.fd = s;
  // socketp tells whether the socket is already in the set; should the two ever disagree,
  // the other operation still gets it right.
  const int op = socketp == nullptr ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(loop->epoll_, op, s, &ev) != 0) {
    epoll_ctl(loop->epoll_, op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev);
  }
  if (socketp == nullptr) curl_multi_assign(loop->multi_, s, &kRegistered);
  return 0;
}

int CurlEventLoop::OnTimer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto* loop = static_cast<CurlEventLoop*>(self);
  if (timeout_ms < 0) {
    loop->deadline_.reset();
  } else {
    loop->deadline_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

}  // namespace gs::probes

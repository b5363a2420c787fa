// udp_receive_bench: the kernel's share of receiving syslog over UDP, i.e. the floor under any
// UDP receiver's CPU per message on this box. It receives datagrams exactly as groundstation's
// UDP listener does (recvmmsg of 64 into 64 KiB slots with the sender's address, a 1 ms pause
// after a read that emptied the socket, a 32 MiB receive buffer) and then discards them: no
// parsing, no rules, no archive. bench/syslog_ingest.sh runs it with the same loggen load as
// the receivers ("kernel floor" in its output).
//
//   udp_receive_bench PORT [IDLE_SECONDS] [MAX_SECONDS]
//
// Listens on 127.0.0.1:PORT; stops IDLE_SECONDS (default 2) after the last datagram, or after
// MAX_SECONDS (default 120) in all. Prints one line: "udp_receive datagrams=N bytes=B
// cpu_us_per_datagram=C rcvbuf=R" (CPU: utime+stime of the process from its first datagram
// on; rcvbuf: SO_RCVBUF as granted).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "bench/cpu_seconds.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: udp_receive_bench PORT [IDLE_SECONDS] [MAX_SECONDS]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const auto idle = std::chrono::seconds(argc > 2 ? std::atoi(argv[2]) : 2);
  const auto max = std::chrono::seconds(argc > 3 ? std::atoi(argv[3]) : 120);
  constexpr int kBatch = 64;
  constexpr std::size_t kSlot = 65536;

  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int buffer = 32 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)) != 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  }
  timeval tick{0, 200000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("udp_receive_bench: bind");
    return 1;
  }

  std::vector<char> data(kSlot * kBatch);
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iovs{};
  std::array<sockaddr_storage, kBatch> addrs{};
  unsigned long long datagrams = 0;
  unsigned long long bytes = 0;
  double cpu_start = 0;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  bool block = true;
  while (std::chrono::steady_clock::now() - start < max &&
         (datagrams == 0 || std::chrono::steady_clock::now() - last < idle)) {
    std::size_t read = 0;
    bool drained = false;
    for (int round = 0; round < 16; ++round) {
      for (int i = 0; i < kBatch; ++i) {
        iovs[i] = {data.data() + static_cast<std::size_t>(i) * kSlot, kSlot};
        msgs[i].msg_hdr = {};
        msgs[i].msg_hdr.msg_name = &addrs[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      const int n = ::recvmmsg(fd, msgs.data(), kBatch,
                               block && round == 0 ? MSG_WAITFORONE : MSG_DONTWAIT, nullptr);
      drained = n < kBatch;
      if (n <= 0) break;
      if (datagrams == 0) cpu_start = gs::bench::CpuSeconds();
      read += static_cast<std::size_t>(n);
      for (int i = 0; i < n; ++i) bytes += msgs[i].msg_len;
      if (drained) break;
    }
    datagrams += read;
    if (read > 0) last = std::chrono::steady_clock::now();
    block = read == 0;
    if (drained && !block) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double cpu = gs::bench::CpuSeconds() - cpu_start;
  int granted = 0;
  socklen_t length = sizeof(granted);
  ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length);
  ::close(fd);
  std::printf("udp_receive datagrams=%llu bytes=%llu cpu_us_per_datagram=%.3f rcvbuf=%d\n",
              datagrams, bytes, datagrams > 0 ? cpu * 1e6 / static_cast<double>(datagrams) : 0.0,
              granted);
  return 0;
}

// CPU time (user + system) of this process so far, in seconds, for the benchmark binaries;
// with `children`, also that of the child processes it has waited for (plugins it spawned).
#pragma once

#include <sys/resource.h>

namespace gs::bench {

inline double CpuSeconds(bool children = false) {
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    if (who == RUSAGE_CHILDREN && !children) break;
    rusage u{};
    getrusage(who, &u);
    total += seconds(u.ru_utime) + seconds(u.ru_stime);
  }
  return total;
}

}  // namespace gs::bench

#include "tests/support/python_peer.h"

#include "tests/support/syslog_peers.h"

namespace gs::test {

PythonPeer StartPythonPeer(const std::string& script, const std::vector<std::string>& args,
                           const std::filesystem::path& log_dir) {
  PythonPeer peer;
  for (int attempt = 0; attempt < 5; ++attempt) {
    peer.port = FreePort();
    // -B: the peers import tests/support/peer_server.py; no __pycache__ in the source tree.
    std::vector<std::string> argv = {"/usr/bin/python3", "-B",
                                     std::string(GS_SOURCE_DIR) + "/tests/support/" + script,
                                     std::to_string(peer.port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.process = std::make_unique<Process>(
        argv,
        Process::Options{{}, (log_dir / "stdout.log").string(), (log_dir / "stderr.log").string()});
    const bool up = peer.process->started() &&
                    WaitUntil([&] { return TcpAccepts(peer.port) || !peer.process->Running(); },
                              std::chrono::seconds(10)) &&
                    peer.process->Running();
    if (up) return peer;
  }
  peer.process.reset();
  return peer;
}

}  // namespace gs::test

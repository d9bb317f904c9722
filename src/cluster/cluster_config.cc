#include "cluster/cluster_config.h"

#include <netdb.h>
#include <sys/socket.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/errors.h"

namespace accelbench::cluster {
namespace {

constexpr int64_t kMaxPerHost = 4096;  // ranks or devices on one host

[[noreturn]] void Fail(const std::string& origin, const YAML::Node& n, const std::string& what) {
  throw UsageError(origin + ":" + std::to_string(n.Mark().line + 1) + ": " + what);
}

std::string Str(const std::string& origin, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) Fail(origin, n, key + " must be a string");
  return n.as<std::string>();
}

int64_t Int(const std::string& origin, const YAML::Node& n, const std::string& key) {
  try {
    if (n.IsScalar()) return n.as<int64_t>();
  } catch (const YAML::Exception&) {
  }
  Fail(origin, n,
       key + " must be an integer, got '" + (n.IsScalar() ? n.as<std::string>() : "") + "'");
}

void CheckKeys(const std::string& origin, const YAML::Node& n, const std::set<std::string>& valid,
               const std::string& where) {
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    if (!valid.contains(key)) {
      std::string list;
      for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
      Fail(origin, kv.first, "unknown key '" + key + "' in " + where + "; valid keys: " + list);
    }
  }
}

Launcher ParseLauncher(const std::string& origin, const YAML::Node& n) {
  const auto s = Str(origin, n, "launcher");
  if (s == "mpirun") return Launcher::kMpirun;
  if (s == "slurm" || s == "srun") return Launcher::kSlurm;
  if (s == "slurm-array") return Launcher::kSlurmArray;
  Fail(origin, n, "unknown launcher '" + s + "'; valid: mpirun, slurm, slurm-array");
}

}  // namespace

int64_t ClusterConfig::Slots() const {
  int64_t n = 0;
  for (const auto& h : hosts) n += h.ranks;
  return n;
}

ClusterConfig ParseClusterConfig(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UsageError(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) throw UsageError(origin + ": expected a mapping (hosts:, launcher:, ...)");
  CheckKeys(
      origin, root,
      {"name", "launcher", "hosts", "world_size", "run_id", "db", "args", "accelbench", "slurm"},
      "the cluster file");
  ClusterConfig c;
  if (root["name"]) c.name = Str(origin, root["name"], "name");
  if (root["launcher"]) c.launcher = ParseLauncher(origin, root["launcher"]);
  if (root["run_id"]) c.run_id = Str(origin, root["run_id"], "run_id");
  if (root["db"]) c.db = Str(origin, root["db"], "db");
  if (root["args"]) c.args = Str(origin, root["args"], "args");
  if (root["accelbench"]) c.accelbench = Str(origin, root["accelbench"], "accelbench");
  if (auto s = root["slurm"]) {
    if (!s.IsMap()) Fail(origin, s, "slurm must be a mapping (partition, time, account)");
    CheckKeys(origin, s, {"partition", "time", "account"}, "slurm");
    if (s["partition"]) c.partition = Str(origin, s["partition"], "slurm.partition");
    if (s["time"]) c.time = Str(origin, s["time"], "slurm.time");
    if (s["account"]) c.account = Str(origin, s["account"], "slurm.account");
  }
  const auto hosts = root["hosts"];
  if (!hosts || !hosts.IsSequence() || hosts.size() == 0)
    throw UsageError(origin + ": hosts: a non-empty list of hosts is required");
  std::set<std::string> seen;
  for (const auto& h : hosts) {
    HostSpec hs;
    if (h.IsScalar()) {
      hs.name = h.as<std::string>();
    } else if (h.IsMap()) {
      CheckKeys(origin, h, {"name", "devices", "ranks"}, "a host");
      if (!h["name"]) Fail(origin, h, "a host needs a name");
      hs.name = Str(origin, h["name"], "name");
      if (h["devices"]) hs.devices = Int(origin, h["devices"], "devices");
      hs.ranks = h["ranks"] ? Int(origin, h["ranks"], "ranks") : std::max<int64_t>(hs.devices, 1);
      // Upper bounds: the plan lists every rank (a hostfile line each), so an absurd count
      // would run out of memory instead of failing.
      if (hs.devices < 0 || hs.devices > kMaxPerHost)
        Fail(origin, h["devices"], "devices must be between 0 and " + std::to_string(kMaxPerHost));
      if (hs.ranks < 1 || hs.ranks > kMaxPerHost)
        Fail(origin, h["ranks"], "ranks must be between 1 and " + std::to_string(kMaxPerHost));
      if (hs.devices > 0 && hs.ranks > hs.devices)
        Fail(origin, h["ranks"],
             "host " + hs.name + ": " + std::to_string(hs.ranks) + " ranks but only " +
                 std::to_string(hs.devices) + " devices (one device per rank)");
    } else {
      Fail(origin, h, "a host is a name or a mapping {name, devices, ranks}");
    }
    if (hs.name.empty()) Fail(origin, h, "empty host name");
    if (!seen.insert(hs.name).second) Fail(origin, h, "host " + hs.name + " listed twice");
    c.hosts.push_back(hs);
  }
  if (root["world_size"]) {
    c.world_size = Int(origin, root["world_size"], "world_size");
    if (c.world_size < 1) Fail(origin, root["world_size"], "world_size must be >= 1");
    if (c.world_size > c.Slots())
      Fail(origin, root["world_size"],
           "world size " + std::to_string(c.world_size) + " is larger than the hosts allow (" +
               std::to_string(c.Slots()) + " ranks over " + std::to_string(c.hosts.size()) +
               " hosts)");
  }
  if (c.world_size == 0) c.world_size = c.Slots();
  return c;
}

ClusterConfig LoadClusterConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read cluster file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseClusterConfig(ss.str(), path);
}

Resolver SystemResolver() {
  return [](const std::string& host) -> std::optional<std::string> {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (res) freeaddrinfo(res);
    if (rc == 0) return std::nullopt;
    return std::string(gai_strerror(rc));
  };
}

void CheckHostsResolve(const ClusterConfig& c, const Resolver& resolve) {
  for (const auto& h : c.hosts)
    if (auto why = resolve(h.name))
      throw UsageError("host " + h.name + " is unreachable: its name does not resolve (" + *why +
                       ")");
}

}  // namespace accelbench::cluster

// RankJob <-> JSON (the job a spawned rank reads on stdin).
#include <nlohmann/json.hpp>

#include "cluster/distributed.h"

namespace accelbench::cluster {

using nlohmann::json;

std::string ToJson(const RankJob& j) {
  return json{{"family", j.family},
              {"preset", j.preset},
              {"sets", j.sets},
              {"batch", j.batch},
              {"seq_len", j.seq_len},
              {"threads", j.threads},
              {"rank", j.rank},
              {"world", j.world},
              {"rendezvous", j.rendezvous},
              {"gloo_host", j.gloo_host},
              {"lr", j.lr},
              {"warmup_steps", j.warmup_steps},
              {"min_iterations", j.min_iterations},
              {"max_iterations", j.max_iterations},
              {"min_time_s", j.min_time_s},
              {"budget_s", j.budget_s},
              {"timeout_s", j.timeout_s},
              {"dump_params", j.dump_params}}
      .dump();
}

RankJob RankJobFromJson(const std::string& text) {
  const json j = json::parse(text);
  RankJob r;
  r.family = j.at("family");
  r.preset = j.value("preset", "");
  r.sets = j.value("sets", std::vector<std::string>{});
  r.batch = j.value("batch", int64_t{1});
  r.seq_len = j.value("seq_len", int64_t{128});
  r.threads = j.value("threads", 1);
  r.rank = j.value("rank", 0);
  r.world = j.value("world", 1);
  r.rendezvous = j.value("rendezvous", "");
  r.gloo_host = j.value("gloo_host", "127.0.0.1");
  r.lr = j.value("lr", 1e-4);
  r.warmup_steps = j.value("warmup_steps", int64_t{2});
  r.min_iterations = j.value("min_iterations", int64_t{5});
  r.max_iterations = j.value("max_iterations", int64_t{1000});
  r.min_time_s = j.value("min_time_s", 1.0);
  r.budget_s = j.value("budget_s", 20.0);
  r.timeout_s = j.value("timeout_s", 120.0);
  r.dump_params = j.value("dump_params", "");
  return r;
}

}  // namespace accelbench::cluster

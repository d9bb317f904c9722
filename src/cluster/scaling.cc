// The data-parallel scaling series: for each model/batch/sequence and world size, W ranks are
// spawned on loopback (or, under mpirun/srun, this process is one rank of the launcher's world),
// rank 0's step times become the result, and the efficiency is taken against one process.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cluster/distributed.h"
#include "cluster/shard.h"
#include "core/build_info.h"
#include "core/errors.h"
#include "core/host.h"
#include "hardware/hardware.h"
#include "models/family.h"
#include "models/lowering/meta_ops.h"
#include "report/reporter.h"
#include "runner/child_process.h"
#include "stats/stats.h"
#include "store/database.h"

namespace accelbench::cluster {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Point {
  std::string model, preset;
  int64_t batch = 1, seq_len = 128;
};

std::string ConfigKey(const Point& p, const std::vector<std::string>& sets, int64_t world) {
  std::string k = "dp-train|" + p.model + "|" + p.preset + "|";
  for (const auto& s : sets) k += s + ";";
  return k + "|b" + std::to_string(p.batch) + "|s" + std::to_string(p.seq_len) + "|w" +
         std::to_string(world);
}

// Spawns `world` ranks of `base` on loopback; returns each rank's JSON line (or an error).
std::vector<json> SpawnRanks(RankJob base, int world, double time_limit_s) {
  const fs::path dir = fs::temp_directory_path() /
                       ("accelbench-dp-" + std::to_string(getpid()) + "-" + store::NewUuid());
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{dir};
  base.world = world;
  base.rendezvous = "file:" + (dir / "store").string();
  std::vector<std::unique_ptr<runner::ChildProcess>> children;
  for (int r = 0; r < world; ++r) {
    base.rank = r;
    children.push_back(std::make_unique<runner::ChildProcess>(
        std::vector<std::string>{"/proc/self/exe", "cluster", "rank"}, 0));
    children.back()->WriteStdinAndClose(ToJson(base));
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(time_limit_s * 1000));
  std::vector<json> out(world);
  for (int r = 0; r < world; ++r) {
    std::string line;
    const auto rd = children[r]->ReadLine(line, deadline);
    if (rd == runner::ChildProcess::Read::kLine) {
      out[r] = json::parse(line, nullptr, false);
      if (out[r].is_discarded()) out[r] = {{"ok", false}, {"error", "unreadable rank output"}};
    } else {
      const bool timeout = rd == runner::ChildProcess::Read::kTimeout;
      // A dead rank leaves the others blocked in the all-reduce: stop the whole group.
      for (auto& c : children) c->Kill();
      out[r] = {
          {"ok", false},
          {"error", timeout ? "time limit " + std::to_string(time_limit_s) + " s exceeded"
                            : "rank " + std::to_string(r) + " " + children[r]->Wait().Describe()}};
    }
  }
  for (auto& c : children) c->Wait();
  return out;
}

ResultRecord MakeRecord(const Point& p, const ScalingOptions& opt, int64_t world,
                        const std::string& topology) {
  ResultRecord r;
  r.config_key = ConfigKey(p, opt.request.sets, world);
  r.model = p.model;
  r.preset = p.preset;
  const auto& family = models::FindFamily(p.model);
  models::Config cfg = family.FindPreset(p.preset).config;
  for (const auto& a : opt.request.sets) cfg.Override(a);
  r.config_json = cfg.ToJson();
  models::Workload w;
  w.batch = p.batch;
  w.seq_len = p.seq_len;
  const auto stats = models::Analyze(family, cfg, w, Mode::kTraining);
  r.params = stats.params;
  r.flops_per_step = stats.flops;  // per rank
  r.platform = "cpu";
  r.platform_kind = "cpu";
  r.runtime = "libtorch";
  r.precision = "fp32";
  r.mode = "training";
  r.batch = p.batch;
  r.seq_len = p.seq_len;
  r.world_size = world;
  r.topology = topology;
  r.throughput_unit = "samples/s";
  return r;
}

void Fill(ResultRecord& r, const json& rank0, int64_t world, std::vector<double>& samples) {
  samples = rank0.at("step_ms").get<std::vector<double>>();
  const auto comm = rank0.at("comm_ms").get<std::vector<double>>();
  const auto s = stats::Summarize(samples);
  r.iterations = static_cast<int64_t>(samples.size());
  r.warmup_iterations = static_cast<int64_t>(rank0.at("warmup_ms").size());
  r.load_ms = rank0.value("load_ms", 0.0);
  if (!rank0.at("warmup_ms").empty()) r.first_inference_ms = rank0.at("warmup_ms")[0].get<double>();
  r.lat_min_ms = s.min;
  r.lat_mean_ms = s.mean;
  r.lat_stddev_ms = s.stddev;
  r.lat_cv = s.cv;
  r.lat_p50_ms = s.p50;
  r.lat_p90_ms = s.p90;
  r.lat_p95_ms = s.p95;
  r.lat_p99_ms = s.p99;
  r.lat_p999_ms = s.p999;
  if (s.median_ci) {
    r.lat_p50_ci_low_ms = s.median_ci->low;
    r.lat_p50_ci_high_ms = s.median_ci->high;
  }
  const double global_items =
      static_cast<double>(rank0.value("items_per_step", int64_t{1}) * world);
  r.throughput = global_items / (s.p50 / 1000.0);
  double sum_step = 0, sum_comm = 0;
  for (double v : samples) sum_step += v;
  for (double v : comm) sum_comm += v;
  r.comm_ms = stats::Median(comm);
  r.comm_fraction = sum_step > 0 ? sum_comm / sum_step : 0.0;
  r.allreduce_bytes = static_cast<double>(rank0.value("allreduce_bytes", int64_t{0}));
  r.comm_backend = rank0.value("comm_backend", "");
  r.threads = rank0.value("threads", 0);
  r.runtime_version = rank0.value("runtime_version", "");
  if (r.flops_per_step && *r.flops_per_step > 0)
    r.achieved_tflops = *r.flops_per_step * static_cast<double>(world) / (s.p50 / 1000.0) / 1e12;
  r.options_json = json{{"world_size", world},
                        {"threads_per_rank", r.threads},
                        {"global_batch", rank0.value("items_per_step", int64_t{1}) * world},
                        {"batch_is", "per rank"},
                        {"comm", "flattened gradients, one all-reduce after backward, no overlap"}}
                       .dump();
  r.status = ResultStatus::kOk;
}

RankJob BaseJob(const Point& p, const ScalingOptions& opt) {
  RankJob j;
  j.family = p.model;
  j.preset = p.preset;
  j.sets = opt.request.sets;
  j.batch = p.batch;
  j.seq_len = p.seq_len;
  j.warmup_steps = std::max<int64_t>(1, opt.harness.warmup_min);
  j.min_iterations = opt.harness.min_iterations;
  j.min_time_s = opt.harness.min_time_s;
  j.budget_s = opt.harness.budget_s;
  j.timeout_s = opt.time_limit_s;
  if (auto it = opt.request.backend_options.find("lr"); it != opt.request.backend_options.end())
    j.lr = std::stod(it->second);
  return j;
}

}  // namespace

int RunScalingSeries(const ScalingOptions& opt) {
  const auto& req = opt.request;
  for (const auto& m : req.modes)
    if (m != "training")
      throw UsageError("--world-size runs data-parallel training: use --mode training (got " + m +
                       ")");
  for (const auto& p : req.platforms)
    if (p != "cpu")
      throw UsageError(
          "--world-size: data-parallel training runs on platform cpu here (gloo); "
          "got " +
          p);
  for (const auto& p : req.precisions)
    if (p != "fp32") throw UsageError("--world-size: data-parallel training runs fp32; got " + p);
  if (!req.runtime.empty() && req.runtime != "libtorch")
    throw UsageError("--world-size: runtime libtorch only, got " + req.runtime);
  if (opt.world_sizes.empty()) throw UsageError("--world-size needs at least one size");
  for (auto w : opt.world_sizes)
    if (w < 1 || w > 64) throw UsageError("--world-size: sizes 1..64, got " + std::to_string(w));
  if (req.models.empty()) throw UsageError("--world-size: give --models");
  runner::ValidateHarness(opt.harness);

  // Under a launcher this process is one rank of the launcher's world.
  const auto launcher = DetectLauncherShard(ProcessEnv());
  const bool launched = launcher && launcher->Sharded();
  if (launched && (opt.world_sizes.size() != 1 || opt.world_sizes[0] != launcher->count))
    throw UsageError("under " + launcher->source + " (" + std::to_string(launcher->count) +
                     " processes) --world-size must be " + std::to_string(launcher->count));

  std::vector<Point> points;
  const auto batches = req.batches.empty() ? std::vector<int64_t>{1} : req.batches;
  const auto seqs = req.seq_lens.empty() ? std::vector<int64_t>{128} : req.seq_lens;
  for (const auto& m : req.models) {
    const auto& family = models::FindFamily(m);  // unknown: UsageError listing the families
    const std::string preset = req.preset.empty() ? family.Presets().front().name : req.preset;
    family.FindPreset(preset);
    for (auto b : batches)
      for (auto s : seqs) points.push_back({m, preset, b, s});
  }
  std::vector<int64_t> worlds = opt.world_sizes;
  std::sort(worlds.begin(), worlds.end());
  worlds.erase(std::unique(worlds.begin(), worlds.end()), worlds.end());

  const std::string host = HostName();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::optional<store::Database> db;
  std::string run_id;
  if (!launched || launcher->index == 0) {
    db.emplace(store::Database::Open(opt.db_path, {false, opt.lock_timeout_s}));
    store::RunRecord run;
    run.run_id = store::NewUuid();
    run.tags = opt.tags;
    run.command = opt.command_line;
    run.requested_settings_json = runner::ToJson(req);
    run.settings_json = json{{"scaling", {{"world_sizes", worlds}}},
                             {"harness", json::parse(runner::ToJson(opt.harness))}}
                            .dump();
    run.environment_json = hardware::Detect().ToJson().dump();
    run.host = host;
    for (const auto& p : points)
      for (auto w : worlds) run.planned_config_keys.push_back(ConfigKey(p, req.sets, w));
    db->InsertRun(run);
    run_id = run.run_id;
    std::cerr << "run " << run_id << ": data-parallel scaling series, " << points.size()
              << " configuration(s) x world sizes";
    for (auto w : worlds) std::cerr << " " << w;
    std::cerr << " into " << opt.db_path << "\n";
  }

  std::vector<ResultRecord> records;
  for (const auto& p : points) {
    std::optional<double> single_throughput;
    for (auto w : worlds) {
      RankJob job = BaseJob(p, opt);
      const int64_t threads = req.threads > 0 ? req.threads : std::max<int64_t>(1, cores / w);
      job.threads = static_cast<int>(threads);
      std::string topology;
      json rank0;
      std::string error;
      if (launched) {
        job.rank = static_cast<int>(launcher->index);
        job.world = static_cast<int>(w);
        job.gloo_host = host;
        job.rendezvous =
            "file:" + (fs::current_path() / (".accelbench-rdzv-" + launcher->job_id + "-" +
                                             p.model + "-b" + std::to_string(p.batch)))
                          .string();
        topology = launcher->source + ": " + std::to_string(w) + " ranks (FileStore rendezvous)";
        try {
          rank0 = RunRank(job);
        } catch (const std::exception& e) {
          error = e.what();
        }
        if (launcher->index != 0) {
          if (!error.empty()) std::cerr << "rank " << launcher->index << ": " << error << "\n";
          continue;
        }
      } else {
        topology = "1 host x " + std::to_string(w) + " ranks (loopback, spawned)";
        std::cerr << "  " << p.model << " batch " << p.batch << " world " << w << " (" << threads
                  << " thread(s) per rank)...\n";
        const auto ranks = SpawnRanks(job, static_cast<int>(w), opt.time_limit_s);
        for (const auto& r : ranks)
          if (!r.value("ok", false) && error.empty()) error = r.value("error", "rank failed");
        rank0 = ranks.front();
      }
      ResultRecord r = MakeRecord(p, opt, w, topology);
      r.run_id = run_id;
      r.host = host;
      r.result_id = store::NewUuid();
      r.started_utc = store::NowUtc();
      std::vector<double> samples;
      if (!error.empty()) {
        r.status = ResultStatus::kFailed;
        r.reason = error;
      } else {
        Fill(r, rank0, w, samples);
        if (w == 1) single_throughput = r.throughput;
        if (single_throughput && *single_throughput > 0)
          r.scaling_efficiency = *r.throughput / (static_cast<double>(w) * *single_throughput);
        if (static_cast<int64_t>(w) > static_cast<int64_t>(cores))
          r.reason = "oversubscribed: " + std::to_string(w) + " ranks on " + std::to_string(cores) +
                     " cores";
      }
      db->InsertResult(r, samples);
      records.push_back(r);
    }
  }
  if (!db) return 0;  // ranks other than 0 under a launcher
  db->FinishRun(run_id, "finished");
  report::MakeReporter(opt.format)->Report(records, std::cout);
  WriteScalingTable(records, std::cout);
  std::cerr << "results: " << opt.db_path << " (run " << run_id << ", " << records.size()
            << " results)\n";
  return 0;
}

}  // namespace accelbench::cluster

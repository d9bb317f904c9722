#include "backends/browser/mel_browser.h"

#include <cmath>
#include <cstring>
#include <numbers>
#include <random>

#include "backends/browser/page_run.h"
#include "backends/browser/webopt_codec.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
using nlohmann::json;

MelJob MelJobFor(const std::string& model, int64_t batch, double seconds) {
  MelJob j;
  j.batch = batch;
  auto& o = j.mel;
  if (model == "whisper") {
    o = {16000, 400, 160, 80, 0.0, 8000.0};
  } else if (model == "clap") {
    o = {48000, 1024, 480, 64, 50.0, 14000.0};
  } else if (model == "wav2vec2") {
    o = {16000, 400, 160, 80, 0.0, 8000.0};  // unused: Wav2Vec2 takes the raw wave
    j.front = "normalize";
  } else {
    throw UsageError("audio front end for '" + model + "': expected whisper, clap or wav2vec2");
  }
  j.samples = std::max<int64_t>(o.n_fft, static_cast<int64_t>(seconds * o.sample_rate));
  // A seeded test signal: two tones per row plus noise (well above the dB floor everywhere).
  std::mt19937 gen(1234);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  j.wave.resize(static_cast<size_t>(batch * j.samples));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < j.samples; ++i) {
      const double t = static_cast<double>(i) / o.sample_rate;
      j.wave[b * j.samples + i] =
          static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * (440.0 + 110 * b) * t) +
                             0.25 * std::sin(2 * std::numbers::pi * 3000.0 * t)) +
          noise(gen);
    }
  return j;
}

MelRunResult RunMelInBrowser(const MelJob& job) {
  if (job.front != "log_mel" && job.front != "normalize")
    throw UsageError("audio front end '" + job.front + "': expected log_mel or normalize");
  if (static_cast<int64_t>(job.wave.size()) != job.batch * job.samples)
    throw UsageError("audio front end: wave has the wrong length");
  for (const auto& f : job.frontends)
    if (f != "webgpu" && f != "wasm")
      throw UsageError("audio_frontend=" + f + ": expected webgpu or wasm");
  PageRequest req;
  req.content = HarnessContent();
  req.page = "/harness/webopt_page.html";
  req.timeout = job.timeout;
  std::string bytes(job.wave.size() * 4, '\0');
  std::memcpy(bytes.data(), job.wave.data(), bytes.size());
  req.content.inline_content["/input/wave.bin"] = {std::move(bytes), "application/octet-stream"};
  const auto& o = job.mel;
  req.job = {{"kind", "mel"},
             {"front", job.front},
             {"mel",
              {{"sample_rate", o.sample_rate},
               {"n_fft", o.n_fft},
               {"hop_length", o.hop_length},
               {"n_mels", o.n_mels},
               {"f_min", o.f_min},
               {"f_max", o.f_max}}},
             {"batch", job.batch},
             {"samples", job.samples},
             {"wave_url", "/input/wave.bin"},
             {"frontends", job.frontends},
             {"workgroup", job.workgroup},
             {"shapes", job.shapes},
             {"iters", job.iters}};
  const PageResult page = RunPage(req);
  if (!page.ok) throw RuntimeError("browser audio front end failed: " + page.error);
  MelRunResult r;
  r.meta = page.body.value("meta", json::object());
  for (const auto& [name, fe] : page.body.at("frontends").items()) {
    MelFrontEndResult x;
    x.median_ms = fe.at("median_ms").get<double>();
    x.samples_ms = fe.at("samples_ms").get<std::vector<double>>();
    x.output = webopt::FloatsFromBase64(fe.at("data_base64").get<std::string>());
    x.workgroup = fe.value("workgroup", std::string());
    if (fe.contains("autotune") && fe.at("autotune").is_object()) {
      const auto& at = fe.at("autotune");
      r.best_workgroup = at.at("best").get<std::string>();
      for (const auto& t : at.at("trials")) {
        MelAutotuneTrial tr;
        tr.workgroup = t.at("workgroup").get<std::string>();
        if (t.contains("median_ms")) tr.median_ms = t.at("median_ms").get<double>();
        tr.error = t.value("error", std::string());
        r.trials.push_back(tr);
      }
    }
    r.frontends[name] = std::move(x);
  }
  return r;
}

}  // namespace accelbench::backends::browser

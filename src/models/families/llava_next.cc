// LLaVA-Next / LLaVA-1.6 (LlavaNextForConditionalGeneration). Reference preset:
// llava-v1.6-mistral-7b (llava-hf shapes).
//
// Parameter count of the reference preset:
//   vision tower (CLIP ViT-L/14-336, as llava.cc)                               =   303,507,456
//   projector (1024 -> 4096 -> 4096, biases)                                    =    20,979,712
//   language model (Mistral-7B, vocab 32064): embed 131,334,144 + 32 layers x
//     (q,o 2*4096^2 + k,v 2*1024*4096 + MLP 3*4096*14336 + 2 norms 8,192 = 218,112,000)
//     + norm 4,096 + lm_head 131,334,144                                        = 7,242,256,384
//   image_newline                                                               =         4,096
//   total                                                                       = 7,566,747,648
//
// Any-resolution tiling, in the graph: the input image has the resolution of the grid pinpoint
// (image_grid_rows x image_grid_cols views of image_size; the default 2x2 is the 672x672
// pinpoint). It becomes a base view (the whole image area-averaged down to image_size) plus the
// row-major tiles, all through the vision tower and projector. The tile features are laid out
// as one (rows*g) x (cols*g) feature grid (g = image_size / patch) with image_newline appended to
// every row, after the base view's features: N = g^2 + rows*g*(cols*g + 1) image tokens. The
// image already has the pinpoint's aspect ratio, so HF's unpadding step removes nothing.
// (HF resizes the base view with bicubic interpolation in the image processor; area averaging
// is this benchmark's in-graph equivalent.)
#include <climits>
#include <cmath>

#include "core/errors.h"
#include "models/families/factories.h"
#include "models/families/llava_base.h"

namespace accelbench::models {
namespace {

class LlavaNext final : public LlavaBase {
 public:
  using LlavaBase::LlavaBase;

 protected:
  std::vector<int64_t> ImageShape(const Config& cfg) const override {
    const int64_t s = cfg.Int("image_size");
    auto [rows, cols] = Grid(cfg);
    return {0, 3, rows * s, cols * s};
  }

  Tensor ImageFeatures(Ops& ops, const Config& cfg, const Tensor& pixels) const override {
    const int64_t s = cfg.Int("image_size");
    const int64_t hidden = cfg.Int("hidden_size");
    const int64_t g = s / VisionGeometry(cfg).patch_size;
    auto [rows, cols] = Grid(cfg);
    const int64_t views = 1 + rows * cols;
    // Base view: area average over rows x cols blocks -> [B, 3, s, s].
    Tensor base = ops.Mean(ops.Reshape(pixels, {0, 0, s, rows, s, cols}), {3, 5}, false);
    std::vector<Tensor> parts{ops.Unsqueeze(base, 1)};
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        Tensor tile = ops.Slice(ops.Slice(pixels, 2, r * s, (r + 1) * s), 3, c * s, (c + 1) * s);
        parts.push_back(ops.Unsqueeze(tile, 1));
      }
    Tensor all = ops.Reshape(ops.Concat(parts, 1), {-1, 3, s, s});  // [B*views, 3, s, s]
    Tensor f = ops.Reshape(ProjectedPatches(ops, cfg, all), {-1, views, g * g, hidden});
    Tensor base_f = ops.Reshape(ops.Slice(f, 1, 0, 1), {-1, g * g, hidden});
    // Tiles -> one feature grid [B, rows*g, cols*g, hidden].
    Tensor grid = ops.Reshape(ops.Slice(f, 1, 1, INT64_MAX), {-1, rows, cols, g, g, hidden});
    grid = ops.Reshape(ops.Transpose(grid, {0, 1, 3, 2, 4, 5}), {-1, rows * g, cols * g, hidden});
    // image_newline at the end of every feature row ([B, rows*g, 1, hidden], built from a
    // zeroed column so it broadcasts over the dynamic batch).
    Tensor newline = ops.Param("model.image_newline", {hidden},
                               WeightInit::Normal(1.0f / std::sqrt(static_cast<float>(hidden))));
    Tensor column = ops.Add(ops.Scale(ops.Slice(grid, 2, 0, 1), 0.0f), newline);
    grid = ops.Reshape(ops.Concat({grid, column}, 2), {-1, rows * g * (cols * g + 1), hidden});
    return ops.Concat({base_f, grid}, 1);
  }

  int64_t ImageTokens(const Config& cfg) const override {
    const int64_t g = cfg.Int("image_size") / VisionGeometry(cfg).patch_size;
    auto [rows, cols] = Grid(cfg);
    return g * g + rows * g * (cols * g + 1);
  }

 private:
  static std::pair<int64_t, int64_t> Grid(const Config& cfg) {
    const int64_t rows = cfg.Int("image_grid_rows"), cols = cfg.Int("image_grid_cols");
    if (rows <= 0 || cols <= 0)
      throw UsageError("image_grid_rows and image_grid_cols must be positive, got " +
                       std::to_string(rows) + "x" + std::to_string(cols));
    return {rows, cols};
  }
};

Config WithGrid(Config cfg, int64_t rows, int64_t cols) {
  cfg.Set("image_grid_rows", rows);
  cfg.Set("image_grid_cols", cols);
  return cfg;
}

}  // namespace

std::unique_ptr<Family> MakeLlavaNext() {
  FamilyInfo info{"llava_next",
                  "LLaVA-Next: any-resolution tiling (base view + grid tiles) through a CLIP ViT, "
                  "MLP projector, image_newline, Mistral decoder",
                  Modality::kMultimodal,
                  Architecture::kMultimodal,
                  /*generative=*/true,
                  "LlavaNextForConditionalGeneration"};
  std::vector<Preset> presets{
      {"tiny",
       "vision 2 layers hidden 32 (28px views, 2x2 grid), decoder 2 layers hidden 64, 4 heads / 2 "
       "KV heads, vocab 512 (tests)",
       WithGrid(LlavaConfig(512, 64, 128, 2, 4, 2, 1000000.0, 32, 64, 2, 2, 7, 28), 2, 2), false},
      {"llava-v1.6-mistral-7b",
       "llava-v1.6-mistral-7b shapes: CLIP ViT-L/14-336 (2x2 grid = 672x672 pinpoint) + "
       "projector + Mistral-7B (vocab 32064)",
       WithGrid(LlavaConfig(32064, 4096, 14336, 32, 32, 8, 1000000.0, 1024, 4096, 24, 16, 14, 336),
                2, 2),
       true},
  };
  return std::make_unique<LlavaNext>(std::move(info), std::move(presets));
}

}  // namespace accelbench::models

// Group-wise int4 packing, quantization and precision plans (src/quant).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "quant/int4.h"
#include "quant/precision_plan.h"

namespace accelbench::quant {
namespace {

TEST(Int4, PackNibblesKnownValues) {
  const std::vector<uint8_t> v{1, 2, 15, 0, 7};
  const auto packed = PackNibbles(v);
  ASSERT_EQ(packed.size(), 3u);
  EXPECT_EQ(packed[0], 0x21);  // even index in the low nibble
  EXPECT_EQ(packed[1], 0x0F);
  EXPECT_EQ(packed[2], 0x07);
  EXPECT_EQ(UnpackNibbles(packed, v.size()), v);
  EXPECT_THROW(UnpackNibbles(packed, 7), UsageError);
}

TEST(Int4, SymmetricKnownValues) {
  // One row, group 4: max |w| = 7 -> scale 1, zero point 8; q = w + 8.
  const std::vector<float> w{-7, -1, 0, 3, 7, 2, 1, 0};
  const auto m = QuantizeInt4(w, 1, 8, 4, true);
  ASSERT_EQ(m.Blocks(), 2);
  EXPECT_FLOAT_EQ(m.scales[0], 1.f);
  EXPECT_FLOAT_EQ(m.scales[1], 1.f);
  EXPECT_EQ(m.packed.size(), 4u);
  EXPECT_EQ(m.packed[0], 0x71);  // q = 1, 7
  EXPECT_EQ(m.packed[1], 0xB8);  // q = 8, 11
  EXPECT_EQ(Int4At(m, 0, 4), 15);
  EXPECT_EQ(DequantizeInt4(m), w);  // exactly representable
}

TEST(Int4, RoundTripErrorWithinHalfStep) {
  const int64_t rows = 5, cols = 70;  // 70 = one full group of 64 + a padded one
  std::vector<float> w(rows * cols);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(0.37f * i) * (1 + i % 3);
  for (bool sym : {true, false}) {
    const auto m = QuantizeInt4(w, rows, cols, 64, sym);
    EXPECT_EQ(m.packed.size(), static_cast<size_t>(rows * 2 * 32));
    const auto d = DequantizeInt4(m);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        const float s = m.scales[r * 2 + c / 64];
        EXPECT_LE(std::fabs(d[r * cols + c] - w[r * cols + c]), 0.5f * s + 1e-6f)
            << "sym=" << sym << " r=" << r << " c=" << c;
      }
  }
}

TEST(Int4, AsymmetricZeroPointsAndStorage) {
  const std::vector<float> w{0, 1, 2, 3, 15, 14, 13, 12};  // all non-negative
  const auto m = QuantizeInt4(w, 2, 4, 4, false);
  EXPECT_EQ(m.zero_points[0], 0);
  EXPECT_FLOAT_EQ(m.scales[1], 1.f);
  EXPECT_EQ(DequantizeInt4(m), w);
  EXPECT_EQ(PackZeroPoints(m), (std::vector<uint8_t>{0, 0}));
  // 8 nibbles = 4 bytes, 2 fp16 scales = 4 bytes, zero points 2 rows x 1 byte.
  EXPECT_EQ(m.StorageBytes(2), 10u);
  EXPECT_THROW(QuantizeInt4(w, 2, 4, 3, true), UsageError);
}

TEST(PrecisionPlan, ParseSerializeJson) {
  auto plan = PrecisionPlan::Parse("attention=int8, mlp=int4,default=fp32");
  EXPECT_EQ(plan.For("attention"), Precision::kInt8);
  EXPECT_EQ(plan.For("mlp"), Precision::kInt4);
  EXPECT_EQ(plan.For("lm_head"), Precision::kFp32);
  EXPECT_EQ(plan.ToString(), "default=fp32,attention=int8,mlp=int4");
  EXPECT_TRUE(plan.Uses(Precision::kInt4));
  EXPECT_EQ(PrecisionPlan::FromJson(plan.ToJson()), plan);
  EXPECT_THROW(PrecisionPlan::Parse("ffn=int8"), UsageError);
  EXPECT_THROW(PrecisionPlan::Parse("mlp"), UsageError);
  EXPECT_THROW(PrecisionPlan::Parse("mlp=int3"), UsageError);
}

TEST(PrecisionPlan, GroupsFromParameterNames) {
  EXPECT_EQ(GroupOfParam("model.layers.0.self_attn.q_proj.weight"), "attention");
  EXPECT_EQ(GroupOfParam("model.layers.0.mlp.down_proj.weight"), "mlp");
  EXPECT_EQ(GroupOfParam("lm_head.weight"), "lm_head");
  EXPECT_EQ(GroupOfParam("model.embed_tokens.weight", true), "lm_head");  // tied head
  EXPECT_EQ(GroupOfParam("model.embed_tokens.weight", false), "embeddings");
  EXPECT_EQ(GroupOfParam("encoder.layer.1.attention.output.dense.weight"), "attention");
  EXPECT_EQ(GroupOfParam("encoder.layer.1.output.dense.weight"), "mlp");
  EXPECT_EQ(GroupOfParam("encoder.layer.1.intermediate.dense.weight"), "mlp");
  EXPECT_EQ(GroupOfParam("pooler.dense.weight"), "other");
}

}  // namespace
}  // namespace accelbench::quant

#include "models/config.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace accelbench::models {
namespace {

TEST(Config, OverrideKeepsTypes) {
  Config c{{"hidden_size", int64_t{768}}, {"eps", 1e-12}, {"tied", true}, {"act", std::string("gelu")}};
  c.Override("hidden_size=1024");
  c.Override("eps=1e-5");
  c.Override("tied=false");
  c.Override("act=relu");
  EXPECT_EQ(c.Int("hidden_size"), 1024);
  EXPECT_DOUBLE_EQ(c.Real("eps"), 1e-5);
  EXPECT_FALSE(c.Bool("tied"));
  EXPECT_EQ(c.Str("act"), "relu");
}

TEST(Config, RejectsUnknownFieldsAndBadValues) {
  Config c{{"hidden_size", int64_t{768}}, {"num_layers", int64_t{12}}};
  EXPECT_THROW(c.Override("hiden_size=3"), UsageError);
  EXPECT_THROW(c.Override("hidden_size=abc"), UsageError);
  EXPECT_THROW(c.Override("hidden_size=12x"), UsageError);
  EXPECT_THROW(c.Override("novalue"), UsageError);
  try {
    c.Override("x=1");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("valid fields are: hidden_size, num_layers"),
              std::string::npos);
  }
  EXPECT_EQ(c.Int("hidden_size"), 768);
}

}  // namespace
}  // namespace accelbench::models

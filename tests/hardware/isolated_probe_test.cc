// The fork-per-probe runner: results, crashes, exits, exceptions, hangs (also with a grandchild
// holding the pipe), and probes in parallel.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "hardware/hardware.h"
#include "hardware/isolated_probe.h"

namespace accelbench::hardware {
namespace {

using std::chrono::milliseconds;

TEST(RunIsolated, ReturnsTheChildsJson) {
  auto out = RunIsolated({[] {
                           return nlohmann::json{{"pid", getpid()}, {"x", 42}};
                         }},
                         milliseconds(5000));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].result.has_value()) << out[0].failure;
  EXPECT_EQ((*out[0].result)["x"], 42);
  EXPECT_NE((*out[0].result)["pid"].get<int>(), getpid());  // really ran in another process
}

TEST(RunIsolated, CrashBecomesAReason) {
  auto out = RunIsolated({[]() -> nlohmann::json { std::abort(); }}, milliseconds(5000));
  ASSERT_FALSE(out[0].result.has_value());
  EXPECT_NE(out[0].failure.find("crashed with signal 6"), std::string::npos) << out[0].failure;
}

TEST(RunIsolated, NonZeroExit) {
  auto out = RunIsolated({[]() -> nlohmann::json { _exit(3); }}, milliseconds(5000));
  ASSERT_FALSE(out[0].result.has_value());
  EXPECT_EQ(out[0].failure, "probe exited with status 3");
}

TEST(RunIsolated, ExceptionBecomesAFailedResult) {
  auto out = RunIsolated({[]() -> nlohmann::json { throw std::runtime_error("boom"); }},
                         milliseconds(5000));
  ASSERT_TRUE(out[0].result.has_value());
  EXPECT_FALSE((*out[0].result)["ok"].get<bool>());
  EXPECT_EQ((*out[0].result)["reason"], "probe threw: boom");
}

TEST(RunIsolated, HangingGrandchildIsKilledWithTheGroup) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  auto out = RunIsolated({[&]() -> nlohmann::json {
                           close(p[0]);
                           pid_t g = fork();
                           if (g == 0) {
                             for (;;) pause();  // holds the result pipe open
                           }
                           std::string pid = std::to_string(g);
                           (void)!write(p[1], pid.data(), pid.size());
                           close(p[1]);
                           return {{"ok", true}};
                         }},
                         milliseconds(2000));
  close(p[1]);
  char buf[32] = {};
  ASSERT_GT(read(p[0], buf, sizeof buf - 1), 0);
  close(p[0]);
  pid_t grandchild = std::atoi(buf);
  ASSERT_FALSE(out[0].result.has_value());
  EXPECT_NE(out[0].failure.find("timed out after 2000 ms"), std::string::npos) << out[0].failure;
  // The grandchild was killed with the probe's process group (it may linger briefly as a zombie
  // until init reaps it, so allow that state).
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::string stat;
    FILE* f = std::fopen(("/proc/" + std::to_string(grandchild) + "/stat").c_str(), "r");
    if (!f) {
      gone = true;
      break;
    }
    char s[512] = {};
    size_t n = std::fread(s, 1, sizeof s - 1, f);
    std::fclose(f);
    stat.assign(s, n);
    auto close_paren = stat.rfind(')');
    if (close_paren != std::string::npos && stat.size() > close_paren + 2 &&
        stat[close_paren + 2] == 'Z')
      gone = true;
    else
      usleep(10000);
  }
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " still running";
}

TEST(RunIsolated, ChildStdoutDoesNotReachTheCaller) {
  ::testing::internal::CaptureStdout();
  auto out = RunIsolated({[]() -> nlohmann::json {
                           std::printf("vendor library chatter\n");
                           std::fflush(stdout);
                           return {{"ok", true}};
                         }},
                         milliseconds(5000));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  ASSERT_TRUE(out[0].result.has_value()) << out[0].failure;
}

// Generous timeouts: the healthy probes must finish even on a loaded machine.
TEST(RunIsolated, ParallelProbesKeepTheirOrder) {
  auto out = RunIsolated({[]() -> nlohmann::json {
                            for (;;) pause();
                          },
                          [] {
                            return nlohmann::json{{"n", 2}};
                          },
                          [] {
                            return nlohmann::json{{"n", 3}};
                          }},
                         milliseconds(2000));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].result.has_value());
  ASSERT_TRUE(out[1].result.has_value());
  EXPECT_EQ((*out[1].result)["n"], 2);
  ASSERT_TRUE(out[2].result.has_value());
  EXPECT_EQ((*out[2].result)["n"], 3);
}

// Loading the reference BLAS (in a child, to keep this process clean) triggers the warning.
TEST(NetlibBlas, WarningWhenLoaded) {
  const char* netlib = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
  if (!std::filesystem::exists(netlib)) GTEST_SKIP() << "netlib BLAS not installed";
  auto out = RunIsolated({[netlib]() -> nlohmann::json {
                           nlohmann::json j;
                           j["loaded"] = dlopen(netlib, RTLD_NOW | RTLD_LOCAL) != nullptr;
                           auto w = NetlibBlasWarning();
                           j["warning"] = w ? *w : "";
                           return j;
                         }},
                         milliseconds(5000));
  ASSERT_TRUE(out[0].result.has_value()) << out[0].failure;
  if (!(*out[0].result)["loaded"].get<bool>()) GTEST_SKIP() << "cannot load netlib BLAS";
  const std::string w = (*out[0].result)["warning"];
  EXPECT_NE(w.find("reference (netlib) BLAS"), std::string::npos) << w;
}

}  // namespace
}  // namespace accelbench::hardware

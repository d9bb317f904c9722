#pragma once
// The JSON side of own-clock runtimes (issue 6): the harness protocol as the page / Node child
// reads it (web/harness/protocol.mjs), their answer turned into a backends::OwnClockMeasurement,
// and operator placement parsed from ONNX Runtime's verbose session log ("Node placements").
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "backends/backend.h"

namespace accelbench::backends::browser {

nlohmann::json ProtocolJson(const OwnClockProtocol& p);

struct Placement {
  int64_t ep_nodes = 0;            // nodes on the requested execution provider
  int64_t cpu_fallback_nodes = 0;  // nodes on the CPU EP although another EP was requested
  int64_t other_nodes = 0;         // nodes on any other EP
};
// `log` holds ORT's "All nodes placed on [X]. Number of nodes: N" / "Node(s) placed on [X].
// Number of nodes: N" lines; `ep` is "wasm", "webgpu", "webnn" or "cpu". nullopt when the log has
// no placement lines.
std::optional<Placement> ParsePlacement(const std::string& log, const std::string& ep);

// The answer { first_ms, warmup_ms, steady_index, samples_ms, stop, timings: { fetch_ms,
// session_create_ms, ... } } -> measurement (load = fetch + session creation). Throws
// RuntimeError when a required key is missing.
OwnClockMeasurement OwnClockFromAnswer(const nlohmann::json& answer);

}  // namespace accelbench::backends::browser

// The core's single error type. Everything user-facing (config, checkpoint,
// sizes, divergence) throws nope::Error with a message that names the
// problem; the CLI prints it on one line, the wasm facade returns it as a value.
#pragma once
#include <stdexcept>
#include <string>

namespace nope {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace nope

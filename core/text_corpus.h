// The public-domain text behind the character-level `lm` task, compiled into
// the binary so the wasm module needs no file system.
#pragma once
#include <cstddef>

namespace nope {

const char* text_corpus();
size_t text_corpus_size();

}  // namespace nope

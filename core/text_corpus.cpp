// William Shakespeare, Sonnets I-LX (1609), public domain: the text behind
// the character-level `lm` task, as printed by Project Gutenberg (etext 1041)
// with the curly quotes made ASCII, an em dash written "--" and three of its
// typos mended (repose, debarr'd, privilege). The text is data/sonnets.txt,
// compiled in as bytes by cmake/text_corpus.cmake.
#include "text_corpus.h"

namespace nope {

extern const char kTextCorpus[];   // generated: text_corpus_data.cpp
extern const size_t kTextCorpusSize;

const char* text_corpus() { return kTextCorpus; }
size_t text_corpus_size() { return kTextCorpusSize; }

}  // namespace nope

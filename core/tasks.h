// Synthetic tasks that need position, plus character-level language modelling
// on a public-domain text shipped in the repo. Each task turns a length n
// (items) into examples of fixed sequence length task_seq_len(n); loss and
// accuracy count only target positions (prompt positions carry target -1).
// Formats are documented in docs/tasks.md.
#pragma once
#include <string>
#include <vector>

#include "config.h"
#include "rng.h"

namespace nope {

struct Batch {
  int B = 0, T = 0;
  std::vector<int> tokens;   // (B, T) model input ids
  std::vector<int> targets;  // (B, T) next-token ids; -1 = no loss here
};

// Vocabulary the model needs for this task at every length up to test_len.
int task_vocab(const TaskConfig& t);
// Model sequence length T for examples with n items.
int task_seq_len(const TaskConfig& t, int n);
// Which part of the lm text windows come from: the first 90% (training and
// every default use) or the last 10%, which training never sees (held-out
// loss, Haviv et al.'s perplexity comparison). Other tasks ignore it.
enum class TextSplit { train, heldout };
// Characters of the text in each split (train + heldout = the corpus).
size_t text_split_chars(TextSplit s);

// Fills `out` with B fresh examples of length n (resizing only if needed).
void task_batch(Batch& out, const TaskConfig& t, int n, int B, Rng& rng, TextSplit split = TextSplit::train);
// One-line human description of the example format.
std::string task_format(TaskKind k);
// Readable token names (for the UI and CLI samples).
std::string task_token_name(const TaskConfig& t, int id);

}  // namespace nope

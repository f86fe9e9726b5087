#include "eval_prefix.h"

#include <vector>

#include "rng.h"
#include "tasks.h"

namespace nope {

EvalResult evaluate_prefix(Model& m, const TaskConfig& task, uint64_t seed, int n, int examples) {
  EvalResult r;
  r.length = n;
  r.seq_len = task_seq_len(task, n);
  // The stream and chunks of evaluate(): the same examples, in the same order.
  Rng rng = rng_stream(seed * 1000003ull + (uint64_t)n, kStreamEvalData);
  Batch batch;
  constexpr int kChunk = 64;
  double loss_sum = 0;
  long tok_ok = 0, tok_n = 0, seq_ok = 0, seq_n = 0;
  std::vector<int> tokens, targets;
  int done = 0;
  while (done < examples) {
    const int B = examples - done < kChunk ? examples - done : kChunk;
    task_batch(batch, task, n, B, rng);
    const int T = batch.T;
    std::vector<char> all_right(B, 1), any(B, 0);
    for (int L = 1; L <= T; L++) {  // the prefix ending at position p = L - 1
      bool scored = false;
      for (int b = 0; b < B; b++) scored |= batch.targets[(size_t)b * T + L - 1] >= 0;
      if (!scored) continue;
      tokens.resize((size_t)B * L);
      targets.assign((size_t)B * L, -1);
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < L; t++) tokens[(size_t)b * L + t] = batch.tokens[(size_t)b * T + t];
        targets[(size_t)b * L + L - 1] = batch.targets[(size_t)b * T + L - 1];
      }
      model_forward(m, tokens.data(), targets.data(), B, L);
      for (int b = 0; b < B; b++) {
        const int i = b * L + L - 1, target = targets[i];
        if (target < 0) continue;
        // argmax as accuracy_of_last_forward takes it (first maximum)
        const real* l = m.logits + (size_t)i * m.V;
        int best = 0;
        for (int v = 1; v < m.V; v++)
          if (l[v] > l[best]) best = v;
        loss_sum += double(m.losses[i]);
        tok_n++;
        any[b] = 1;
        if (best == target) tok_ok++;
        else all_right[b] = 0;
      }
    }
    for (int b = 0; b < B; b++)
      if (any[b]) {
        seq_n++;
        seq_ok += all_right[b];
      }
    done += B;
  }
  r.examples = done;
  r.loss = tok_n ? loss_sum / tok_n : 0;
  r.token_acc = tok_n ? double(tok_ok) / tok_n : 0;
  r.seq_acc = seq_n ? double(seq_ok) / seq_n : 0;
  return r;
}

}  // namespace nope

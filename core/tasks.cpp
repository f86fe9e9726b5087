#include "tasks.h"

#include <algorithm>
#include <array>
#include <string>

#include "error.h"
#include "text_corpus.h"

namespace nope {

// Token ids of the symbolic tasks:
//   [0, S)                 symbols (S = task.vocab_size; add, add_lsd use digits 0-9)
//   S + 0                  <bos>
//   S + 1                  separator ("|", "+" in add)
//   S + 2                  query ("?", "=" in add)
//   S + 3 + k, k in [0, test_len]   label "#k" (position, count, kth index)
namespace {

constexpr int kDigits = 10;

bool is_addition(TaskKind k) { return k == TaskKind::add || k == TaskKind::add_lsd; }
int symbols(const TaskConfig& t) { return is_addition(t.name) ? kDigits : t.vocab_size; }
int bos(const TaskConfig& t) { return symbols(t); }
int sep(const TaskConfig& t) { return symbols(t) + 1; }
int query(const TaskConfig& t) { return symbols(t) + 2; }
int label(const TaskConfig& t, int k) { return symbols(t) + 3 + k; }
bool uses_labels(TaskKind k) {
  return k == TaskKind::position || k == TaskKind::kth || k == TaskKind::count;
}

// The lm vocabulary: distinct bytes of the corpus, in byte order.
struct CorpusVocab {
  std::array<int, 256> id_of{};
  std::string chars;
  CorpusVocab() {
    id_of.fill(-1);
    const char* text = text_corpus();
    bool seen[256] = {false};
    for (size_t i = 0; i < text_corpus_size(); i++) seen[(unsigned char)text[i]] = true;
    for (int c = 0; c < 256; c++)
      if (seen[c]) {
        id_of[c] = (int)chars.size();
        chars.push_back((char)c);
      }
  }
};

const CorpusVocab& corpus_vocab() {
  static const CorpusVocab v;
  return v;
}

}  // namespace

int task_vocab(const TaskConfig& t) {
  if (t.name == TaskKind::lm) return (int)corpus_vocab().chars.size();
  return symbols(t) + 3 + (uses_labels(t.name) ? t.test_len + 1 : 0);
}

int task_seq_len(const TaskConfig& t, int n) {
  switch (t.name) {
    case TaskKind::copy:
    case TaskKind::reverse:
    case TaskKind::sort: return 2 * n + 1;
    case TaskKind::position: return n + 1;
    case TaskKind::count:
    case TaskKind::parity:
    case TaskKind::lm: return n;
    case TaskKind::kth: return n + 3;
    case TaskKind::add:
    case TaskKind::add_lsd: return 3 * n + 3;
  }
  return n;
}

std::string task_format(TaskKind k) {
  switch (k) {
    case TaskKind::copy: return "<bos> x1..xn | x1..xn  (loss on the copy)";
    case TaskKind::reverse: return "<bos> x1..xn | xn..x1  (loss on the reversed copy)";
    case TaskKind::sort: return "<bos> x1..xn | sorted(x)  (loss on the sorted copy)";
    case TaskKind::position: return "<bos> x1..xn -> #1..#n  (predict each token's 1-based index)";
    case TaskKind::kth: return "<bos> x1..xn ? #k -> xk  (retrieve the token at position k)";
    case TaskKind::count: return "x1..xn -> #c_t  (running count of symbol a, id 0, up to t)";
    case TaskKind::parity: return "b1..bn -> p_t  (running parity of the bits so far, as 0/1; vocab_size 2)";
    case TaskKind::add: return "<bos> a1..an + b1..bn = s0..sn  (digits, sum least significant first)";
    case TaskKind::add_lsd: return "<bos> a0..an-1 + b0..bn-1 = s0..sn  (digits, every number least significant first)";
    case TaskKind::lm: return "c1..cn -> c2..cn+1  (next character of the shipped text)";
  }
  return "";
}

std::string task_token_name(const TaskConfig& t, int id) {
  if (t.name == TaskKind::lm) {
    const std::string& chars = corpus_vocab().chars;
    if (id < 0 || id >= (int)chars.size()) return "?";
    const char c = chars[id];
    if (c == '\n') return "\\n";
    return std::string(1, c);
  }
  const int S = symbols(t);
  if (id >= 0 && id < S) {
    if (is_addition(t.name) || t.name == TaskKind::parity || S > 26) return std::to_string(id);
    return std::string(1, char('a' + id));
  }
  if (id == bos(t)) return "<bos>";
  if (id == sep(t)) return is_addition(t.name) ? "+" : "|";
  if (id == query(t)) return is_addition(t.name) ? "=" : "?";
  if (id > query(t) && id < task_vocab(t)) return "#" + std::to_string(id - label(t, 0));
  return "?";
}

size_t text_split_chars(TextSplit s) {
  const size_t train = text_corpus_size() - text_corpus_size() / 10;
  return s == TextSplit::train ? train : text_corpus_size() - train;
}

void task_batch(Batch& out, const TaskConfig& t, int n, int B, Rng& rng, TextSplit split) {
  if (n < 1) throw Error("task length " + std::to_string(n) + " must be at least 1");
  if (uses_labels(t.name) && n > t.test_len)
    throw Error("task length " + std::to_string(n) + " exceeds task.test_len = " + std::to_string(t.test_len) +
                " (the vocabulary has labels only up to it)");
  if (t.name == TaskKind::lm && (size_t)n >= text_split_chars(split))
    throw Error("task length " + std::to_string(n) + " needs windows of " + std::to_string(n + 1) +
                " characters, longer than the text corpus's " +
                (split == TextSplit::train ? "training part (" : "held-out part (") +
                std::to_string(text_split_chars(split)) + ")");
  if (B < 1) throw Error("batch size " + std::to_string(B) + " must be at least 1");
  if (t.name != TaskKind::lm && symbols(t) < 2)
    throw Error("task.vocab_size = " + std::to_string(t.vocab_size) + " must be at least 2");
  const int T = task_seq_len(t, n);
  out.B = B;
  out.T = T;
  // assign() keeps the capacity, so a warm call (same or smaller size) never
  // allocates; examples are written in place, with no scratch buffers.
  if (out.tokens.size() != (size_t)B * T) {
    out.tokens.assign((size_t)B * T, 0);
    out.targets.assign((size_t)B * T, -1);
  }
  const int S = symbols(t);
  for (int b = 0; b < B; b++) {
    int* tok = out.tokens.data() + (size_t)b * T;  // (T,)
    int* tgt = out.targets.data() + (size_t)b * T;  // (T,)
    std::fill(tgt, tgt + T, -1);
    switch (t.name) {
      case TaskKind::copy:
      case TaskKind::reverse:
      case TaskKind::sort: {
        // seq = <bos> x1..xn | y1..yn; tokens = seq[0..2n], targets = seq[1..2n+1].
        // Position p predicts seq[p + 1], so the answers y sit at n+1..2n.
        tok[0] = bos(t);
        for (int i = 0; i < n; i++) tok[1 + i] = (int)rng_below(rng, S);
        tok[n + 1] = sep(t);
        int* y = tgt + n + 1;
        for (int i = 0; i < n; i++) y[i] = t.name == TaskKind::reverse ? tok[n - i] : tok[1 + i];
        if (t.name == TaskKind::sort) std::sort(y, y + n);
        for (int i = 0; i < n - 1; i++) tok[n + 2 + i] = y[i];  // teacher forcing
        break;
      }
      case TaskKind::position:
        // <bos> x1..xn: attending to <bos> with weight 1/t is how a causal
        // model without positional encoding can count its predecessors.
        tok[0] = bos(t);
        for (int i = 0; i < n; i++) {
          tok[1 + i] = (int)rng_below(rng, S);
          tgt[1 + i] = label(t, i + 1);
        }
        break;
      case TaskKind::kth: {
        tok[0] = bos(t);
        for (int i = 0; i < n; i++) tok[1 + i] = (int)rng_below(rng, S);
        const int k = 1 + (int)rng_below(rng, n);
        tok[n + 1] = query(t);
        tok[n + 2] = label(t, k);
        tgt[n + 2] = tok[k];
        break;
      }
      case TaskKind::count: {
        // Symbol 0 is drawn a third of the time so counts vary at any S.
        int c = 0;
        for (int i = 0; i < n; i++) {
          const int s = rng_below(rng, 3) == 0 || S == 1 ? 0 : 1 + (int)rng_below(rng, S - 1);
          tok[i] = s;
          c += s == 0;
          tgt[i] = label(t, c);
        }
        break;
      }
      case TaskKind::parity: {
        int p = 0;
        for (int i = 0; i < n; i++) {
          tok[i] = (int)rng_below(rng, 2);
          p ^= tok[i];
          tgt[i] = p;
        }
        break;
      }
      case TaskKind::add:
      case TaskKind::add_lsd: {
        // The sum is written least significant digit first so each answer
        // digit depends only on one digit pair plus the carry of the digit
        // just written (learnable left to right). add writes a and b most
        // significant digit first, so answer digit i reads the pair i places
        // before each operand's end, mirrored about "+" and "=" as in
        // reverse; add_lsd writes them least significant first too, so it
        // reads the pair i places after each operand's start, as in copy.
        const bool lsd = t.name == TaskKind::add_lsd;
        tok[0] = bos(t);
        for (int i = 0; i < n; i++) tok[1 + i] = (int)rng_below(rng, kDigits);
        tok[n + 1] = sep(t);
        for (int i = 0; i < n; i++) tok[n + 2 + i] = (int)rng_below(rng, kDigits);
        tok[2 * n + 2] = query(t);
        // Digit i (units first) of a and b.
        auto a = [&](int i) { return tok[1 + (lsd ? i : n - 1 - i)]; };
        auto b = [&](int i) { return tok[n + 2 + (lsd ? i : n - 1 - i)]; };
        int carry = 0;
        for (int i = 0; i <= n; i++) {
          const int s = (i < n ? a(i) + b(i) : 0) + carry;
          carry = s / 10;
          // Answer digit i is the target at the position just before it.
          tgt[2 * n + 2 + i] = s % 10;
          if (i < n) tok[2 * n + 3 + i] = s % 10;
        }
        break;
      }
      case TaskKind::lm: {
        // A window of n+1 characters wholly inside the split's part of the text.
        const CorpusVocab& v = corpus_vocab();
        const size_t base = split == TextSplit::train ? 0 : text_split_chars(TextSplit::train);
        const char* text = text_corpus() + base + rng_below(rng, (uint32_t)(text_split_chars(split) - n));
        for (int i = 0; i < n; i++) {
          tok[i] = v.id_of[(unsigned char)text[i]];
          tgt[i] = v.id_of[(unsigned char)text[i + 1]];
        }
        break;
      }
    }
  }
}

}  // namespace nope

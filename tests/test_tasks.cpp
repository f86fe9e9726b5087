// Every task generator: exact formats decoded and checked on fixed seeds,
// targets only on answer positions, ids in range, determinism, errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "config.h"
#include "error.h"
#include "tasks.h"
#include "text_corpus.h"

using namespace nope;

static TaskConfig task(TaskKind k, int train = 5, int test = 9, int vocab = 6) {
  TaskConfig t;
  t.name = k;
  t.train_len = train;
  t.test_len = test;
  t.vocab_size = vocab;
  return t;
}

static Batch sample(const TaskConfig& t, int n, int B = 20, uint64_t seed = 3) {
  Batch b;
  Rng r = rng_seed(seed);
  task_batch(b, t, n, B, r);
  return b;
}

static void check_ranges(const TaskConfig& t, const Batch& b) {
  const int V = task_vocab(t);
  for (int x : b.tokens) REQUIRE((x >= 0 && x < V));
  for (int y : b.targets) REQUIRE((y >= -1 && y < V));
}

TEST_CASE("copy, reverse and sort: <bos> x | y with loss on y only", "[tasks]") {
  for (TaskKind k : {TaskKind::copy, TaskKind::reverse, TaskKind::sort}) {
    const TaskConfig t = task(k);
    const int n = 5, S = t.vocab_size;
    const Batch b = sample(t, n);
    REQUIRE(b.T == 2 * n + 1);
    check_ranges(t, b);
    for (int e = 0; e < b.B; e++) {
      const int* tok = &b.tokens[e * b.T];
      const int* tgt = &b.targets[e * b.T];
      CHECK(tok[0] == S);      // <bos>
      CHECK(tok[n + 1] == S + 1);  // separator
      std::vector<int> x(tok + 1, tok + 1 + n), y(tgt + n + 1, tgt + 2 * n + 1);
      if (k == TaskKind::reverse) std::reverse(x.begin(), x.end());
      if (k == TaskKind::sort) std::sort(x.begin(), x.end());
      CHECK(y == x);
      for (int p = 0; p <= n; p++) CHECK(tgt[p] == -1);
      // Teacher forcing: the answer so far is in the input.
      for (int i = 0; i + 1 < n; i++) CHECK(tok[n + 2 + i] == y[i]);
    }
  }
}

TEST_CASE("position: the target of each token is its 1-based index", "[tasks]") {
  const TaskConfig t = task(TaskKind::position);
  const Batch b = sample(t, 7);
  REQUIRE(b.T == 8);
  check_ranges(t, b);
  for (int e = 0; e < b.B; e++) {
    CHECK(task_token_name(t, b.tokens[e * 8]) == "<bos>");
    CHECK(b.targets[e * 8] == -1);
    for (int i = 1; i <= 7; i++) {
      CHECK(b.tokens[e * 8 + i] < t.vocab_size);
      CHECK(task_token_name(t, b.targets[e * 8 + i]) == "#" + std::to_string(i));
    }
  }
}

TEST_CASE("kth: the answer is the token at the queried position", "[tasks]") {
  const TaskConfig t = task(TaskKind::kth);
  const int n = 6;
  const Batch b = sample(t, n, 50);
  REQUIRE(b.T == n + 3);
  check_ranges(t, b);
  std::vector<int> ks;
  for (int e = 0; e < b.B; e++) {
    const int* tok = &b.tokens[e * b.T];
    const int* tgt = &b.targets[e * b.T];
    CHECK(task_token_name(t, tok[n + 1]) == "?");
    const int k = std::stoi(task_token_name(t, tok[n + 2]).substr(1));
    REQUIRE((k >= 1 && k <= n));
    ks.push_back(k);
    CHECK(tgt[n + 2] == tok[k]);
    for (int p = 0; p < n + 2; p++) CHECK(tgt[p] == -1);
  }
  // Every index gets queried across 50 examples.
  std::sort(ks.begin(), ks.end());
  CHECK(std::unique(ks.begin(), ks.end()) - ks.begin() == n);
}

TEST_CASE("count: running count of symbol 0", "[tasks]") {
  const TaskConfig t = task(TaskKind::count);
  const Batch b = sample(t, 9);
  check_ranges(t, b);
  for (int e = 0; e < b.B; e++) {
    int c = 0;
    for (int i = 0; i < 9; i++) {
      c += b.tokens[e * 9 + i] == 0;
      CHECK(task_token_name(t, b.targets[e * 9 + i]) == "#" + std::to_string(c));
    }
  }
}

TEST_CASE("parity: running parity of the bits", "[tasks]") {
  const TaskConfig t = task(TaskKind::parity, 5, 9, 2);
  const Batch b = sample(t, 8);
  check_ranges(t, b);
  for (int e = 0; e < b.B; e++) {
    int p = 0;
    for (int i = 0; i < 8; i++) {
      REQUIRE(b.tokens[e * 8 + i] < 2);
      p ^= b.tokens[e * 8 + i];
      CHECK(b.targets[e * 8 + i] == p);
    }
  }
}

// One addition batch read back: "+" and "=" in place, loss on the n+1 sum
// digits only, each answer digit fed back as the next input, and the sum
// (units first) equal to a + b with the operands read in the task's digit
// order (add: most significant first; add_lsd: units first). Returns how
// many sums carry out of the top place.
static int check_addition(const TaskConfig& t, int n, int B, uint64_t seed) {
  const bool units_first = t.name == TaskKind::add_lsd;
  const Batch b = sample(t, n, B, seed);
  REQUIRE(b.T == 3 * n + 3);
  check_ranges(t, b);
  int carries_out = 0;
  for (int e = 0; e < b.B; e++) {
    const int* tok = &b.tokens[e * b.T];
    const int* tgt = &b.targets[e * b.T];
    CHECK(task_token_name(t, tok[n + 1]) == "+");
    CHECK(task_token_name(t, tok[2 * n + 2]) == "=");
    long long a = 0, c = 0, sum = 0, place = 1;
    for (int i = 0; i < n; i++, place *= 10) {  // digit i, units first
      const int k = units_first ? i : n - 1 - i;
      a += tok[1 + k] * place;
      c += tok[n + 2 + k] * place;
    }
    place = 1;
    for (int i = 0; i <= n; i++, place *= 10) sum += tgt[2 * n + 2 + i] * place;
    CHECK(sum == a + c);
    for (int i = 0; i < n; i++) CHECK(tok[2 * n + 3 + i] == tgt[2 * n + 2 + i]);
    for (int p = 0; p < 2 * n + 2; p++) CHECK(tgt[p] == -1);
    carries_out += tgt[3 * n + 2] == 1;
  }
  return carries_out;
}

TEST_CASE("add: operands most significant digit first, the sum units first, loss on the sum", "[tasks]") {
  check_addition(task(TaskKind::add, 3, 4, 6), 3, 30, 3);
  // At n 9 the leading digit (a carry out of the top place) comes about
  // half the time.
  const int carries_out = check_addition(task(TaskKind::add, 9, 9), 9, 200, 5);
  CHECK(carries_out > 60);
  CHECK(carries_out < 140);
}

TEST_CASE("add_lsd: operands and sum all units first, loss on the sum", "[tasks]") {
  check_addition(task(TaskKind::add_lsd, 3, 4, 6), 3, 30, 3);
  const int carries_out = check_addition(task(TaskKind::add_lsd, 9, 9), 9, 200, 5);
  CHECK(carries_out > 60);
  CHECK(carries_out < 140);
}

TEST_CASE("lm: next character of the shipped text", "[tasks]") {
  const TaskConfig t = task(TaskKind::lm, 16, 32);
  CHECK(task_vocab(t) > 30);
  const Batch b = sample(t, 16);
  check_ranges(t, b);
  for (int e = 0; e < b.B; e++)
    for (int i = 0; i + 1 < 16; i++) CHECK(b.targets[e * 16 + i] == b.tokens[e * 16 + i + 1]);
}

TEST_CASE("generators are deterministic per seed and reject bad lengths", "[tasks]") {
  for (int k = 0; k <= (int)TaskKind::lm; k++) {
    const TaskConfig t = task(TaskKind(k), 5, 9, k == (int)TaskKind::parity ? 2 : 6);
    INFO(to_string(t.name));
    const Batch a = sample(t, 4), b = sample(t, 4), c = sample(t, 4, 20, 4);
    CHECK(a.tokens == b.tokens);
    CHECK(a.targets == b.targets);
    CHECK(a.tokens != c.tokens);
    for (int n = 1; n < 9; n++) CHECK(task_seq_len(t, n) < task_seq_len(t, n + 1));
    Batch out;
    Rng r = rng_seed(1);
    CHECK_THROWS_AS(task_batch(out, t, 0, 4, r), Error);
  }
  Batch out;
  Rng r = rng_seed(1);
  CHECK_THROWS_WITH(task_batch(out, task(TaskKind::position), 10, 4, r), Catch::Contains("exceeds task.test_len"));
}

// ------------------------------------------------- every task, every length

static const TaskKind kAllTasks[] = {TaskKind::copy,  TaskKind::reverse, TaskKind::sort,
                                     TaskKind::position, TaskKind::kth, TaskKind::count,
                                     TaskKind::parity, TaskKind::add,   TaskKind::add_lsd, TaskKind::lm};

// The loss positions of each format, written out from docs/tasks.md rather
// than taken from the generator.
static bool is_answer(TaskKind k, int n, int p) {
  switch (k) {
    case TaskKind::copy:
    case TaskKind::reverse:
    case TaskKind::sort: return p >= n + 1 && p <= 2 * n;
    case TaskKind::position: return p >= 1;
    case TaskKind::kth: return p == n + 2;
    case TaskKind::add:
    case TaskKind::add_lsd: return p >= 2 * n + 2;
    case TaskKind::count:
    case TaskKind::parity:
    case TaskKind::lm: return true;
  }
  return false;
}

// Tasks whose answers are fed back as the next input (teacher forcing).
static bool answer_is_next_input(TaskKind k) {
  return k == TaskKind::copy || k == TaskKind::reverse || k == TaskKind::sort || k == TaskKind::add ||
         k == TaskKind::add_lsd || k == TaskKind::lm;
}

static std::string render(const TaskConfig& t, const std::vector<int>& v, int from, int T) {
  std::string s;
  for (int i = 0; i < T; i++) {
    if (i) s += ' ';
    s += v[from + i] < 0 ? "-" : task_token_name(t, v[from + i]);
  }
  return s;
}

TEST_CASE("every task at every length: ids in range, loss exactly on the answers", "[tasks]") {
  for (TaskKind k : kAllTasks)
    for (int vocab : {2, 3, 30}) {
      if (k == TaskKind::parity && vocab != 2) continue;
      const TaskConfig t = task(k, 6, 12, vocab);
      Rng r = rng_seed(21);
      Batch b;
      for (int n = 1; n <= t.test_len; n++) {
        INFO(to_string(k) << " vocab " << vocab << " n " << n);
        task_batch(b, t, n, 16, r);
        REQUIRE(b.B == 16);
        REQUIRE(b.T == task_seq_len(t, n));
        REQUIRE(b.tokens.size() == (size_t)16 * b.T);
        REQUIRE(b.targets.size() == (size_t)16 * b.T);
        check_ranges(t, b);
        for (int e = 0; e < b.B; e++)
          for (int p = 0; p < b.T; p++) {
            const int y = b.targets[e * b.T + p];
            REQUIRE((y >= 0) == is_answer(k, n, p));
            if (y >= 0 && p + 1 < b.T && answer_is_next_input(k)) REQUIRE(b.tokens[e * b.T + p + 1] == y);
          }
      }
    }
}

TEST_CASE("one example of each task is pinned for a seed (docs/tasks.md)", "[tasks]") {
  // tokens / targets as token names, '-' = no loss. These are the worked
  // examples in docs/tasks.md; a change here changes every saved experiment.
  struct Pin {
    TaskKind k;
    const char* tokens;
    const char* targets;
  };
  const Pin pins[] = {
      {TaskKind::copy, "<bos> c b d d | c b d", "- - - - - c b d d"},
      {TaskKind::reverse, "<bos> c b d d | d d b", "- - - - - d d b c"},
      {TaskKind::sort, "<bos> c b d d | b c d", "- - - - - b c d d"},
      {TaskKind::position, "<bos> c b d d", "- #1 #2 #3 #4"},
      {TaskKind::kth, "<bos> c b d d ? #4", "- - - - - - d"},
      {TaskKind::count, "b d d a", "#0 #0 #0 #1"},
      {TaskKind::parity, "1 0 1 1", "1 1 0 1"},
      {TaskKind::add, "<bos> 7 2 8 9 + 9 8 0 1 = 0 9 0 7", "- - - - - - - - - - 0 9 0 7 1"},
      // The same draws read units first: 9827 + 1089 = 10916.
      {TaskKind::add_lsd, "<bos> 7 2 8 9 + 9 8 0 1 = 6 1 9 0", "- - - - - - - - - - 6 1 9 0 1"},
      {TaskKind::lm, "h i m   b r i n g   f o", "i m   b r i n g   f o r"},
  };
  for (const Pin& pin : pins) {
    INFO(to_string(pin.k));
    const TaskConfig t = task(pin.k, 4, 8, pin.k == TaskKind::parity ? 2 : 4);
    const Batch b = sample(t, pin.k == TaskKind::lm ? 12 : 4, 1, 7);
    CHECK(render(t, b.tokens, 0, b.T) == pin.tokens);
    CHECK(render(t, b.targets, 0, b.T) == pin.targets);
    CHECK(!task_format(pin.k).empty());
  }
}


TEST_CASE("lm: the vocabulary is the text's characters and windows are slices of it", "[tasks]") {
  const std::string text(text_corpus(), text_corpus_size());
  CHECK(text.size() > 30000);
  CHECK(text.size() < 60000);
  const TaskConfig t = task(TaskKind::lm, 64, 128);
  std::set<char> chars(text.begin(), text.end());
  REQUIRE(task_vocab(t) == (int)chars.size());
  // The vocabulary does not depend on vocab_size.
  CHECK(task_vocab(task(TaskKind::lm, 64, 128, 2)) == task_vocab(t));
  const Batch b = sample(t, 64, 50, 9);
  for (int e = 0; e < b.B; e++) {
    std::string window;
    for (int i = 0; i < 64; i++) {
      const std::string name = task_token_name(t, b.tokens[e * 64 + i]);
      window += name == "\\n" ? "\n" : name;
    }
    const std::string last = task_token_name(t, b.targets[e * 64 + 63]);
    window += last == "\\n" ? "\n" : last;
    CHECK(text.find(window) != std::string::npos);
  }
}

TEST_CASE("a warm task_batch writes in place", "[tasks]") {
  for (TaskKind k : kAllTasks) {
    INFO(to_string(k));
    const TaskConfig t = task(k, 6, 9, k == TaskKind::parity ? 2 : 6);
    Rng r = rng_seed(2);
    Batch b;
    task_batch(b, t, 6, 8, r);
    const int* tokens = b.tokens.data();
    const int* targets = b.targets.data();
    // Same size (every training step), then shorter and back (vary_length):
    // the buffers are reused, never reallocated.
    for (int n : {6, 3, 1, 6}) {
      task_batch(b, t, n, 8, r);
      CHECK(b.tokens.data() == tokens);
      CHECK(b.targets.data() == targets);
    }
  }
}

TEST_CASE("bad lengths and batch sizes throw, naming the value", "[tasks]") {
  for (TaskKind k : kAllTasks) {
    INFO(to_string(k));
    const TaskConfig t = task(k, 5, 9, k == TaskKind::parity ? 2 : 6);
    Batch out;
    Rng r = rng_seed(1);
    CHECK_THROWS_WITH(task_batch(out, t, 0, 4, r), Catch::Contains("task length 0"));
    CHECK_THROWS_WITH(task_batch(out, t, -3, 4, r), Catch::Contains("task length -3"));
    CHECK_THROWS_WITH(task_batch(out, t, 4, 0, r), Catch::Contains("batch size 0"));
    CHECK_NOTHROW(task_batch(out, t, t.test_len, 4, r));
    const bool labelled = k == TaskKind::position || k == TaskKind::kth || k == TaskKind::count;
    if (labelled) {
      CHECK_THROWS_WITH(task_batch(out, t, t.test_len + 1, 4, r), Catch::Contains("task.test_len = 9"));
    } else {
      CHECK_NOTHROW(task_batch(out, t, t.test_len + 1, 4, r));
    }
  }
  Batch out;
  Rng r = rng_seed(1);
  const int too_long = (int)text_split_chars(TextSplit::train);
  CHECK_THROWS_WITH(task_batch(out, task(TaskKind::lm), too_long, 1, r), Catch::Contains("longer than the text"));
  CHECK_NOTHROW(task_batch(out, task(TaskKind::lm), too_long - 1, 1, r));
  // vocab_size is validated by the config parser; the generator still
  // refuses a value that would put ids out of range.
  CHECK_THROWS_WITH(task_batch(out, task(TaskKind::count, 5, 9, 0), 3, 1, r),
                    Catch::Contains("task.vocab_size = 0"));
  CHECK_NOTHROW(task_batch(out, task(TaskKind::add, 5, 9, 0), 3, 1, r));
}

TEST_CASE("sequence lengths grow with n and fit at the longest test length", "[tasks]") {
  for (TaskKind k : kAllTasks) {
    INFO(to_string(k));
    const TaskConfig t = task(k, 16, Limits::max_len, k == TaskKind::parity ? 2 : Limits::max_vocab);
    CHECK(task_seq_len(t, 1) >= 1);
    for (int n = 1; n < Limits::max_len; n++) REQUIRE(task_seq_len(t, n) < task_seq_len(t, n + 1));
    CHECK(task_seq_len(t, Limits::max_len) <= 1024);
    // Labels up to test_len fit in the vocabulary at the largest settings.
    Batch b;
    Rng r = rng_seed(4);
    task_batch(b, t, Limits::max_len, 2, r);
    check_ranges(t, b);
  }
}

TEST_CASE("token names are distinct and readable", "[tasks]") {
  for (TaskKind k : kAllTasks)
    for (int vocab : {2, 6, 30}) {
      if (k == TaskKind::parity && vocab != 2) continue;
      const TaskConfig t = task(k, 5, 9, vocab);
      INFO(to_string(k) << " vocab " << vocab);
      std::set<std::string> names;
      for (int id = 0; id < task_vocab(t); id++) {
        const std::string name = task_token_name(t, id);
        CHECK(!name.empty());
        names.insert(name);
      }
      CHECK((int)names.size() == task_vocab(t));
      CHECK(task_token_name(t, task_vocab(t)) == "?");
      CHECK(task_token_name(t, -1) == "?");
    }
  const TaskConfig copy = task(TaskKind::copy);
  CHECK(task_token_name(copy, 0) == "a");
  CHECK(task_token_name(copy, 6) == "<bos>");
  CHECK(task_token_name(copy, 7) == "|");
  CHECK(task_token_name(task(TaskKind::copy, 5, 9, 30), 29) == "29");
  CHECK(task_token_name(task(TaskKind::count), 9) == "#0");
  CHECK(task_token_name(task(TaskKind::add), 10) == "<bos>");
  CHECK(task_token_name(task(TaskKind::add), 11) == "+");
  CHECK(task_token_name(task(TaskKind::add), 12) == "=");
}

TEST_CASE("lm: training windows never reach the held-out tenth of the text", "[tasks]") {
  TaskConfig t;
  t.name = TaskKind::lm;
  const size_t train = text_split_chars(TextSplit::train), held = text_split_chars(TextSplit::heldout);
  CHECK(train + held == text_corpus_size());
  CHECK(held == text_corpus_size() / 10);
  // Each window's characters as ids; a window of the held-out part starts at
  // or after `train`, a training one ends before it. Compare with the text.
  const std::string text(text_corpus(), text_corpus_size());
  // Ids are the corpus's distinct bytes in byte order.
  std::string chars;
  for (int c = 0; c < 256; c++)
    if (text.find((char)c) != std::string::npos) chars.push_back((char)c);
  auto decode = [&](const Batch& b, int k) {
    std::string s;
    for (int i = 0; i < b.T; i++) s += chars[b.tokens[(size_t)k * b.T + i]];
    return s;
  };
  Rng rng = rng_seed(3);
  Batch b;
  for (TextSplit split : {TextSplit::train, TextSplit::heldout}) {
    task_batch(b, t, 32, 64, rng, split);
    for (int k = 0; k < b.B; k++) {
      const std::string w = decode(b, k);
      const size_t at = split == TextSplit::train ? text.find(w) : text.find(w, train);
      REQUIRE(at != std::string::npos);
      if (split == TextSplit::train) CHECK(at + 32 < train);  // its next-character target too
      else CHECK(at >= train);
    }
  }
  CHECK_THROWS_WITH(task_batch(b, t, (int)held, 4, rng, TextSplit::heldout), Catch::Contains("held-out part"));
}

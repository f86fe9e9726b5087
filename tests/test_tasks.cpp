// Every task generator: exact formats decoded and checked on fixed seeds,
// targets only on answer positions, ids in range, determinism, errors.
#include <catch2/catch.hpp>

#include <algorithm>

#include "error.h"
#include "tasks.h"

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

TEST_CASE("add: sum digits least significant first, loss on the answer", "[tasks]") {
  const TaskConfig t = task(TaskKind::add, 3, 4, 6);
  const int n = 3;
  const Batch b = sample(t, n, 30);
  REQUIRE(b.T == 3 * n + 3);
  check_ranges(t, b);
  for (int e = 0; e < b.B; e++) {
    const int* tok = &b.tokens[e * b.T];
    const int* tgt = &b.targets[e * b.T];
    CHECK(task_token_name(t, tok[n + 1]) == "+");
    CHECK(task_token_name(t, tok[2 * n + 2]) == "=");
    int a = 0, c = 0;
    for (int i = 0; i < n; i++) {
      a = a * 10 + tok[1 + i];
      c = c * 10 + tok[n + 2 + i];
    }
    int sum = 0;
    for (int i = n; i >= 0; i--) sum = sum * 10 + tgt[2 * n + 2 + i];
    CHECK(sum == a + c);
    for (int p = 0; p < 2 * n + 2; p++) CHECK(tgt[p] == -1);
  }
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

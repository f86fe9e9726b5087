# What the CLI test scripts share (sourced): a scratch folder $work removed
# on exit, pass/fail counters, the checks of a command's exit and of a
# one-line error, the comparison of two sweep results apart from their
# timings, and the closing count (`summary NAME`, the script's status).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

expect_ok() {  # description, command...
  local what=$1; shift
  if "$@" >"$work/out" 2>"$work/err"; then ok; else fail "$what (exit $?): $(head -c 300 "$work/err")"; fi
}
expect_error() {  # description, expected substring, command...
  local what=$1 needle=$2; shift 2
  if "$@" >"$work/out" 2>"$work/err"; then fail "$what: expected failure"; return; fi
  if grep -qF -- "$needle" "$work/err" && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "^nopelab: error: " "$work/err"; then ok
  else fail "$what: wanted one line with '$needle', got: $(cat "$work/err")"; fi
}

# A sweep result without the fields allowed to differ (timing, per-run seconds).
untimed() {
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
           delete r.timing; for (const x of r.runs) delete x.seconds; console.log(JSON.stringify(r));' "$1"
}
same_result() {  # description, a.json, b.json
  if [ "$(untimed "$2")" == "$(untimed "$3")" ]; then ok; else fail "$1: $2 and $3 differ"; fi
}

summary() {  # name
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

#!/usr/bin/env bash
# Runs the web app's tests: component tests (Vitest, jsdom) and end-to-end tests (Vitest driving Debian's Chromium
# through playwright-core against a real `flowforge serve`). Installs Chromium (apt) and the npm packages when missing.
# Writes "PASSED FAILED" to the file named by $1 (when given); the exit code is non-zero when a test failed or did not run.
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
totals_file="${1:-}"
cd "$web"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "web: installing Debian's chromium for the browser tests" >&2
  as_root env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "web: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p test-results
rm -f test-results/unit.json test-results/e2e.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json || status=$?
npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=test-results/e2e.json || status=$?

# count FILE: "passed failed" from a Vitest JSON report; a missing report counts as one failure.
count() {
  if [ ! -f "$1" ]; then echo "0 1"; return; fi
  node -e 'const r=require(process.argv[1]); console.log(`${r.numPassedTests} ${r.numFailedTests + (r.success || r.numFailedTests ? 0 : 1)}`)' "$PWD/$1"
}
read -r up uf < <(count test-results/unit.json)
read -r ep ef < <(count test-results/e2e.json)
passed=$((up + ep))
failed=$((uf + ef))
echo "web: $passed passed, $failed failed (component $up/$((up + uf)), end-to-end $ep/$((ep + ef)))"
[ -n "$totals_file" ] && echo "$passed $failed" > "$totals_file"
if ((failed > 0 || status != 0)); then exit 1; fi

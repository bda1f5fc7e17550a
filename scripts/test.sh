#!/usr/bin/env bash
# Every test Lathe has: set-up, typecheck, lint, unit + integration + renderer + e2e (vitest),
# and the Python resources' own tests (pytest). Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1
. scripts/tools-path.sh

out=test-output
mkdir -p "$out"
status=0
failed_steps=0
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

step "typecheck"
npx --no-install tsc -p tsconfig.node.json --noEmit && npx --no-install tsc -p tsconfig.web.json --noEmit || { status=1; failed_steps=$((failed_steps + 1)); }

step "lint"
npx --no-install eslint --max-warnings=0 . || { status=1; failed_steps=$((failed_steps + 1)); }

step "vitest: unit, renderer, integration, e2e"
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json" || status=1

step "pytest: resources/python"
/usr/bin/python3 -m pytest -q -p no:cacheprovider resources/python/tests --junitxml="$out/pytest.xml" || status=1

# Typecheck and lint count as one failed check each in the closing line.
node scripts/summary.mjs "$out/vitest.json" "$out/pytest.xml" "$failed_steps" || status=1
exit $status

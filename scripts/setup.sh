#!/usr/bin/env bash
# Idempotent set-up for a Debian or Ubuntu machine: apt packages, npm packages, the renderer build.
#   scripts/setup.sh run    what `lathe` needs to run
#   scripts/setup.sh test   plus what the tests need (Chromium, boto3, pytest, venv)
# Installs only what is missing, so a second run takes seconds.
set -euo pipefail
mode="${1:-run}"
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v apt-get >/dev/null || die "this set-up script supports Debian and Ubuntu (apt-get not found); see README.md for the packages to install by hand"

run_pkgs=(python3 python3-numpy python3-pandas python3-sklearn python3-xgboost python3-scipy jupyter-server python3-ipykernel)
test_pkgs=(chromium python3-boto3 python3-pytest python3-venv python3-pil xvfb)
pkgs=("${run_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing apt packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "apt packages present"
fi

if ! command -v node >/dev/null; then
  die "Node.js 20.19+ is needed: install it (e.g. from your distribution or nodejs.org) and run this again"
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node -v) is too old: Lathe needs 20.19 or newer"

# npm ci when node_modules is missing or older than the lock file. Electron's binary comes from
# GitHub, which may be unreachable: skip its download (npm start falls back to browser mode).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
else
  say "node_modules up to date"
fi

say "building the renderer and Electron bundles"
npx --no-install electron-vite build >/dev/null
say "ready"

#!/usr/bin/env bash
# Idempotent set-up for a Debian or Ubuntu machine: apt packages, npm packages, the renderer build.
#   scripts/setup.sh run    what `lathe` needs to run
#   scripts/setup.sh test   plus what the tests and the bench need (Chromium, boto3, pytest, venv, Flask, gunicorn)
# Installs only what is missing, so a second run takes seconds.
set -euo pipefail
mode="${1:-run}"
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v apt-get >/dev/null || die "this set-up script supports Debian and Ubuntu (apt-get not found); see README.md for the packages to install by hand"

# python3-matplotlib(-inline): inline plots in notebook kernels (ipykernel's backend_inline); the
# notebook tests draw one.
run_pkgs=(python3 python3-numpy python3-pandas python3-sklearn python3-xgboost python3-scipy jupyter-server python3-ipykernel python3-matplotlib python3-matplotlib-inline)
# python3-flask and gunicorn: the bench's comparison model server (bench/endpointsFlask.py).
test_pkgs=(chromium fonts-dejavu-core python3-boto3 python3-pytest python3-venv python3-pil xvfb python3-flask gunicorn)
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

# Node.js 20.19+ and npm 10+. Debian 12 and Ubuntu 24.04 ship Node 18, so where no recent Node is
# found, bootstrap one from the npm registry (node-linux-<arch> carries the official binary and its
# headers) into .tools/, using the distribution's node and npm only to fetch it.
NODE_VERSION=20.20.2
NPM_VERSION=11.19.1
# The same rule as package.json's engines: 20.19+ on the 20 line, or 22 and later.
node_ok() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit((a===20&&b>=19)||a>=22?0:1)' &&
    npm_major=$(npm -v 2>/dev/null | cut -d. -f1) && [ "${npm_major:-0}" -ge 10 ] 2>/dev/null
}
. scripts/tools-path.sh
if ! node_ok; then
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) die "no Node.js build for $(uname -m): install Node.js 20.19+ by hand" ;; esac
  say "Node.js 20.19+ not found: bootstrapping Node $NODE_VERSION and npm $NPM_VERSION into .tools/"
  rm -rf .tools && mkdir -p .tools/node .tools/npm .tools/bin && hash -r
  command -v npm >/dev/null || { as_root apt-get update -q; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; }
  ( cd .tools && npm pack --silent "node-linux-$arch@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null ) ||
    die "could not fetch Node $NODE_VERSION from the npm registry (see npm's error above); install Node.js 20.19+ by hand"
  tar -xzf .tools/node-linux-"$arch"-"$NODE_VERSION".tgz -C .tools/node --strip-components=1
  tar -xzf .tools/npm-"$NPM_VERSION".tgz -C .tools/npm --strip-components=1
  rm -f .tools/*.tgz
  ln -sf ../node/bin/node .tools/bin/node
  # Wrappers relative to themselves, so a moved checkout keeps working.
  printf '#!/bin/sh\nhere=$(dirname "$0")\nexec "$here/node" "$here/../npm/bin/npm-cli.js" "$@"\n' > .tools/bin/npm
  printf '#!/bin/sh\nhere=$(dirname "$0")\nexec "$here/node" "$here/../npm/bin/npx-cli.js" "$@"\n' > .tools/bin/npx
  chmod +x .tools/bin/npm .tools/bin/npx
  . scripts/tools-path.sh
  node_ok || die "the bootstrapped Node.js in .tools/ does not run; install Node.js 20.19+ by hand"
fi

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
# The Docker engine (dockerd --bridge=none) and the local image lathe-python:local for the
# Docker backend's tests; a person who does not use Docker never needs them.
if [ "$mode" = test ]; then bash scripts/docker.sh; fi
say "ready"

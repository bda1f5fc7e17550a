#!/usr/bin/env bash
# Start Lathe: set-up if needed, then the Electron app where its binary is installed, otherwise
# browser mode in a Chromium/Chrome --app window, otherwise print the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
. scripts/tools-path.sh
exec node scripts/start.mjs "$@"

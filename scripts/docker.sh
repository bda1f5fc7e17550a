#!/usr/bin/env bash
# Idempotent set-up of what Lathe's Docker backend needs on a Debian or Ubuntu machine:
#   1. docker.io (and debootstrap) from apt, when dockerd is missing;
#   2. the engine, when `docker info` does not answer: dockerd with no bridge and no iptables, so
#      containers get network none or host only (no registry or bridge is reachable here anyway);
#   3. the image lathe-python:local (Debian bookworm minbase + Python 3 with numpy, pandas,
#      scikit-learn, xgboost, and a `train` command that runs Lathe's toolkit), built locally with
#      debootstrap from this machine's Debian mirror and `docker import`, because no registry is
#      reachable. Rebuilt only when its recipe (below) changes.
# A second run takes about a second. Environment:
#   LATHE_DEBIAN_MIRROR   the Debian mirror to bootstrap from (default: the apt sources' bookworm
#                         entry, else http://deb.debian.org/debian)
#   LATHE_DOCKERD_LOG     where dockerd writes its log (default /var/log/lathe-dockerd.log)
#   LATHE_DOCKER_REBUILD  set to 1 to rebuild the image even when its recipe has not changed
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[docker]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[docker] %s\033[0m\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v apt-get >/dev/null || die "this script supports Debian and Ubuntu (apt-get not found); install Docker by hand"

IMAGE=lathe-python:local
SUITE=bookworm
PACKAGES=python3,python3-numpy,python3-pandas,python3-sklearn,python3-xgboost
DOCKERD_LOG="${LATHE_DOCKERD_LOG:-/var/log/lathe-dockerd.log}"
# The image's `train`: SageMaker runs `docker run <image> train`; Lathe mounts resources/python at
# /opt/lathe/python.
TRAIN_SCRIPT='#!/bin/sh
export PYTHONPATH=/opt/lathe/python${PYTHONPATH:+:$PYTHONPATH}
exec python3 -m lathe.toolkit train "$@"
'
IMPORT_CHANGES=(-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'ENV LANG=C.UTF-8')
# Everything that shapes the image; bump RECIPE_VERSION when the clean-up below changes.
RECIPE_VERSION=1
RECIPE_HASH=$(printf '%s\n' "$RECIPE_VERSION" "$SUITE" "$PACKAGES" "$TRAIN_SCRIPT" "${IMPORT_CHANGES[@]}" | sha256sum | cut -c1-16)

elapsed() { echo "$(($(date +%s) - $1)) s"; }

# --- 1. packages --------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
# Ubuntu's debootstrap needs Debian's archive key to verify a bookworm mirror.
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing apt packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "docker.io and debootstrap present"
fi

# --- 2. the engine ------------------------------------------------------------------------------
# Root's view decides whether the engine runs: a user outside the docker group cannot reach the
# socket, and starting a second dockerd would not help.
engine_up() { docker info >/dev/null 2>&1 || as_root docker info >/dev/null 2>&1; }
if engine_up; then
  say "Docker engine running"
else
  say "starting dockerd (no bridge, no iptables); log: $DOCKERD_LOG"
  # A session of its own: the engine outlives this script and whatever process group ran it.
  as_root setsid sh -c 'exec dockerd --bridge=none --iptables=false --ip-forward=false >>"$1" 2>&1 </dev/null' sh "$DOCKERD_LOG" &
  start=$(date +%s)
  until engine_up; do
    if [ $(($(date +%s) - start)) -ge 60 ]; then
      as_root tail -n 30 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer within 60 s; its log is above (full log: $DOCKERD_LOG)"
    fi
    sleep 0.5
  done
  say "Docker engine answered after $(elapsed "$start")"
fi
if docker info >/dev/null 2>&1; then
  dk() { docker "$@"; }
else
  say "note: $(id -un) cannot reach the Docker socket, and Lathe will not either; run: sudo usermod -aG docker $(id -un), then log in again"
  dk() { as_root docker "$@"; }
fi

# --- 3. the image -------------------------------------------------------------------------------
current=$(dk image inspect -f '{{ index .Config.Labels "lathe.recipe" }}' "$IMAGE" 2>/dev/null || true)
if [ "$current" = "$RECIPE_HASH" ] && [ -z "${LATHE_DOCKER_REBUILD:-}" ]; then
  say "$IMAGE is up to date (recipe $RECIPE_HASH)"
  exit 0
fi
if [ "$current" = "$RECIPE_HASH" ]; then say "rebuilding $IMAGE (LATHE_DOCKER_REBUILD is set)"
elif [ -n "$current" ]; then say "$IMAGE was built from another recipe ($current); rebuilding"
fi

# The mirror: the first enabled apt source that serves $SUITE (one-line .list or deb822 .sources).
find_mirror() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v suite="$SUITE" '
      /^[[:space:]]*deb[[:space:]]/ {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit }
      }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$SUITE" '
      function flush() {
        if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ") && uri != "") { print uri; found = 1 }
        types = ""; suites = ""; uri = ""; enabled = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); if (found) exit; next }
      tolower($1) == "types:"   { $1 = ""; types = $0 }
      tolower($1) == "uris:"    { uri = $2 }
      tolower($1) == "suites:"  { $1 = ""; suites = $0; gsub(/^[[:space:]]+|[[:space:]]+$/, "", suites); gsub(/[[:space:]]+/, " ", suites) }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { if (!found) flush() }' "$file"
  done
}
mirror="${LATHE_DEBIAN_MIRROR:-$(find_mirror | head -n 1)}"
case "$mirror" in
  # Debian's cloud images list their mirrors in a file (apt's mirror method); debootstrap needs one URL.
  mirror+file:*) list=${mirror#mirror+file:}; list=${list#//}; mirror=$(grep -Eom1 '^https?://[^[:space:]]+' "$list" 2>/dev/null || true) ;;
  http://* | https://* | file:/*) ;;
  *) mirror="" ;;
esac
mirror="${mirror:-http://deb.debian.org/debian}"

rootfs=$(as_root mktemp -d /var/tmp/lathe-rootfs.XXXXXX)
cleanup() { as_root rm -rf --one-file-system "$rootfs" || true; }
trap cleanup EXIT

say "building $IMAGE: debootstrap $SUITE from $mirror (2 to 6 minutes; packages: $PACKAGES)"
start=$(date +%s)
bootlog="$rootfs.log"
# Per-package lines go to the log; the phases are shown.
set +e
as_root debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$mirror" 2>&1 |
  as_root tee "$bootlog" | awk '
    function count(what, n) { if (n % 50 == 0) { print "I: " what " " n " packages"; fflush() } }
    /^I: Retrieving [a-z0-9]/ { count("fetched", ++fetched); next }
    /^I: Unpacking [a-z0-9][^ ]*$/ { count("unpacked", ++unpacked); next }
    /^I: Configuring [a-z0-9][^ ]*$/ { count("configured", ++configured); next }
    /^I: (Validating|Extracting) [a-z0-9]/ { next }
    /^[IEW]: / { print; fflush() }'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  as_root tail -n 30 "$bootlog" >&2 || true
  die "debootstrap failed with status $status (full log: $bootlog)"
fi
as_root rm -f "$bootlog"
say "debootstrap done in $(elapsed "$start")"

# Slimmer: no apt caches, lists, docs, man pages or translations (the .pyc files stay: they make
# Python start fast).
as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
  "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*
printf '%s' "$TRAIN_SCRIPT" | as_root tee "$rootfs/usr/local/bin/train" >/dev/null
as_root chmod 0755 "$rootfs/usr/local/bin/train"

say "importing $rootfs into Docker as $IMAGE"
start=$(date +%s)
old=$(dk image inspect -f '{{ .Id }}' "$IMAGE" 2>/dev/null || true)
as_root tar --numeric-owner -C "$rootfs" -c . |
  dk import "${IMPORT_CHANGES[@]}" -c "LABEL lathe.recipe=$RECIPE_HASH" - "$IMAGE" >/dev/null
# The image this one replaces, unless a container still uses it.
[ -n "$old" ] && [ "$old" != "$(dk image inspect -f '{{ .Id }}' "$IMAGE")" ] && dk image rm "$old" >/dev/null 2>&1 || true
size=$(dk image inspect -f '{{ .Size }}' "$IMAGE")
say "imported in $(elapsed "$start"): $IMAGE, $((size / 1000000)) MB, recipe $RECIPE_HASH"
dk run --rm --network none "$IMAGE" python3 -c 'import numpy, pandas, sklearn, xgboost; print("python", __import__("sys").version.split()[0], "numpy", numpy.__version__, "pandas", pandas.__version__, "scikit-learn", sklearn.__version__, "xgboost", xgboost.__version__)' ||
  die "$IMAGE was built but its Python does not import numpy, pandas, scikit-learn and xgboost"

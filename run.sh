#!/usr/bin/env bash
# Sets up everything Keydesk needs to build and launches it.
#
#   ./run.sh               install what is missing, build, and open Keydesk
#   ./run.sh --setup-only  only install what is missing (used by tests/run)
#   ./run.sh -- ARGS       pass ARGS to the app (e.g. -- --data-dir /tmp/desk2)
#
# On Debian and Ubuntu the missing system packages are installed with apt-get (as root, or
# through sudo). On macOS and Windows install the prerequisites named in the README first.
set -euo pipefail
cd "$(dirname "$0")"

setup_only=0
app_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --setup-only) setup_only=1 ;;
    --) shift; app_args=("$@"); break ;;
    *) echo "unknown option $1 (see the top of run.sh)" >&2; exit 2 ;;
  esac
  shift
done

need() { command -v "$1" >/dev/null 2>&1 || { echo "Keydesk needs $1: $2" >&2; exit 1; }; }

if [ -r /etc/debian_version ]; then
  packages=(libwebkit2gtk-4.1-dev libayatana-appindicator3-dev build-essential pkg-config libxdo-dev librsvg2-dev nodejs npm)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  # Node from another source (nvm, NodeSource) is fine too.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
  fi
  read -ra missing <<<"${missing[*]}"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      "${sudo_cmd[@]}" apt-get update -qq
      "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  fi
fi
need cargo "install Rust from https://rustup.rs"
need npm "install Node.js 20 or later"

# `npm install`, not `npm ci`: the lockfile pins other platforms' optional binaries that the
# registry may not serve at those exact versions.
if [ ! -d ui/node_modules ] || [ ui/package.json -nt ui/node_modules ]; then
  (cd ui && npm install --no-audit --no-fund --loglevel=error)
fi
[ "$setup_only" -eq 1 ] && exit 0

(cd ui && npm run --silent build)
cargo run --release -p keydesk-app --features custom-protocol -- "${app_args[@]}"

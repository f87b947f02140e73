#!/usr/bin/env bash
# Machine setup for CI and developers; safe to run again (idempotent):
#   1. the Debian packages the tests need, installed only when missing (apt-get update only then);
#   2. npm ci (the exact dependency tree of package-lock.json).
#
# Debian packages:
#   binutils-aarch64-linux-gnu, gcc-aarch64-linux-gnu  guest code for the integration tests
#                                                       (test/guests/assemble.ts)
#   qemu-system-arm                                     qemu-system-aarch64, for the differential
#                                                       tests against QEMU
# Needs root (or sudo) only when something is missing. Non-interactive (no TTY needed).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(
  binutils-aarch64-linux-gnu
  gcc-aarch64-linux-gnu
  qemu-system-arm
)

log() { printf '[ci-setup %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  log "Debian packages present: ${APT_PACKAGES[*]}"
else
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo=(sudo -n)
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

for tool in aarch64-linux-gnu-as aarch64-linux-gnu-ld aarch64-linux-gnu-objcopy qemu-system-aarch64; do
  command -v "$tool" >/dev/null || { log "missing after install: $tool"; exit 1; }
done

log "node $(node --version), npm $(npm --version)"
log "npm ci"
npm ci --no-audit --no-fund
log "done"

#!/usr/bin/env bash
# Nightly-style differential run: many more random instruction sequences than CI runs
# (test/integration/random-diff.test.ts, generator test/guests/random-sequences.ts) through the
# gRPC service and through qemu-system-aarch64, comparing registers, flags, exceptions and memory.
# Every mismatch is printed with the sequence, its inputs, the differing registers/memory and the
# command that reproduces it alone.
#
#   scripts/nightly-diff.sh [--seed N] [--count N] [--lse-count N] [--pack N] [--only LIST] [--no-build]
#
#   --seed N       run seed (default: today's date as YYYYMMDD, printed, so a report can be rerun)
#   --count N      sequences without LSE atomics (default 100000; QEMU -cpu cortex-a57)
#   --lse-count N  sequences with LSE atomics (default 20000; QEMU -cpu max)
#   --pack N       sequences per guest program (default 1000)
#   --only LIST    just these sequences, e.g. "17,203,lse:5" (what a report's reproduce line says)
#   --no-build     use the existing build (default: build first)
#   --dist DIR     build into and run from DIR instead of dist/ (tsc --outDir), e.g. to leave a
#                  dist/ that something else is using alone
#
# Environment: RANDOM_DIFF_SEED / RANDOM_DIFF_ONLY are honoured as defaults of --seed / --only,
# so a report's "reproduce: RANDOM_DIFF_SEED=... RANDOM_DIFF_ONLY=... scripts/nightly-diff.sh"
# line works as printed. Needs the toolchain and QEMU of scripts/ci-setup.sh.
# Exit status: 0 when every sequence matched, 1 otherwise.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seed="${RANDOM_DIFF_SEED:-$(date +%Y%m%d)}"
count=100000
lse_count=20000
pack=1000
only="${RANDOM_DIFF_ONLY:-}"
build=1
dist=dist

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

while (($#)); do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --lse-count) lse_count="$2"; shift 2 ;;
    --pack) pack="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --dist) dist="${2%/}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

for n in "$seed" "$count" "$lse_count" "$pack"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
for tool in qemu-system-aarch64 aarch64-linux-gnu-gcc; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/ci-setup.sh" >&2; exit 2; }
done

log() { printf '[nightly-diff %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

if ((build)); then
  if [[ "$dist" == dist ]]; then
    log "npm run build"
    npm run build --silent
  else
    log "tsc --outDir $dist"
    npx tsc -p tsconfig.json --outDir "$dist"
  fi
fi

if [[ -n "$only" ]]; then
  log "seed $seed, only sequences $only"
else
  log "seed $seed: $count sequences (cortex-a57) + $lse_count with LSE (max), $pack per guest program"
fi

out="$(mktemp -t nightly-diff.XXXXXX.log)"
status=0
RANDOM_DIFF_SEED="$seed" RANDOM_DIFF_COUNT="$count" RANDOM_DIFF_LSE_COUNT="$lse_count" RANDOM_DIFF_PACK="$pack" \
  RANDOM_DIFF_ONLY="$only" RANDOM_DIFF_PLANTED=0 RANDOM_DIFF_VERBOSE=1 \
  node --enable-source-maps node_modules/uvu/bin.js "$dist/test/integration" 'random-diff\.test\.js$' 2>&1 | tee "$out" || status=$?

mismatches=$(grep -c '^MISMATCH ' "$out" || true)
if ((status == 0)); then
  log "seed $seed: no mismatches"
else
  log "seed $seed: FAILED ($mismatches mismatch reports above; full log: $out)"
  grep -h 'reproduce:' "$out" | sort -u || true
  exit 1
fi
rm -f "$out"

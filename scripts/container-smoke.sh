#!/usr/bin/env bash
# Builds the Dockerfile with podman and smoke-tests the image, with the container kit in
# ../shared/tools/container (beside the repository; CONTAINER_TOOLS overrides):
#   1. make-base-image.sh: the local node:20-bookworm-slim stand-in (no registry here; fast
#      when it exists);
#   2. smoke.sh: build (--format docker, so HEALTHCHECK is kept), start the image's
#      ENTRYPOINT/CMD, wait for the gRPC port, run the checks below, stop it with SIGTERM and
#      require a graceful exit (STRICT_STOP=1).
# The checks (this script run as CHECK_CMD with --check, inside smoke.sh):
#   - the image: HEALTHCHECK present, user node, tini as entrypoint, both ports exposed;
#   - inside the container: the HEALTHCHECK command as it is (default target), the whole
#     server and a kvm.v1 service SERVING at 127.0.0.1:50051, a non-root uid, no devDependencies;
#   - from the host: GET /metrics on 9464 answers with Prometheus text.
# The container shares the host's network: ports 50051 and 9464 must be free.
# Extra arguments go to `podman build` (after --format docker). The image is
# ${SMOKE_IMAGE:-localhost/kvm-arm64-grpc:smoke} and is kept. Needs root.
set -euo pipefail

GRPC_PORT=50051
METRICS_PORT=9464

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '[container-smoke %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }

# ---- --check: run by smoke.sh as CHECK_CMD, with HOST, PORT, IMAGE and CONTAINER set ----
if [[ ${1:-} == --check ]]; then
  : "${CONTAINER:?} ${IMAGE:?} ${PORT:?}"
  in_ctr() { buildah run --isolation=chroot "$CONTAINER" -- "$@"; }

  log "image config"
  healthcheck=$(podman image inspect --format '{{json .HealthCheck}}' "$IMAGE")
  [[ $healthcheck == *healthcheck.js* ]] || die "HEALTHCHECK missing from the image (built without --format docker?): $healthcheck"
  user=$(podman image inspect --format '{{.User}}' "$IMAGE")
  [[ $user == node ]] || die "image user is '$user', expected node"
  entrypoint=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")
  [[ $entrypoint == '["/usr/bin/tini","--"]' ]] || die "entrypoint is $entrypoint, expected tini"
  exposed=$(podman image inspect --format '{{json .Config.ExposedPorts}}' "$IMAGE")
  for p in "$GRPC_PORT" "$METRICS_PORT"; do
    [[ $exposed == *"\"$p/tcp\""* ]] || die "port $p not exposed: $exposed"
  done
  log "  HEALTHCHECK $healthcheck, user $user, entrypoint $entrypoint, exposed $exposed"

  log "HEALTHCHECK command, as the image runs it"
  in_ctr node dist/server/healthcheck.js
  log "health of the whole server and of kvm.v1.VcpuService at 127.0.0.1:$PORT"
  in_ctr node dist/server/healthcheck.js "127.0.0.1:$PORT"
  in_ctr node dist/server/healthcheck.js "127.0.0.1:$PORT" kvm.v1.VcpuService
  log "an unknown service is reported as not serving (exit 1)"
  if out=$(in_ctr node dist/server/healthcheck.js "127.0.0.1:$PORT" kvm.v1.NoSuchService 2>&1); then
    die "healthcheck.js said SERVING for an unknown service: $out"
  fi
  grep '^healthcheck:' <<<"$out" || die "no message from healthcheck.js: $out"

  uid=$(in_ctr id -u)
  [[ $uid != 0 ]] || die "the container runs as root"
  log "runs as uid $uid"
  in_ctr sh -c '! test -e node_modules/typescript && ! test -e node_modules/uvu && ! test -e dist/test' \
    || die "devDependencies or compiled tests in the runtime image"
  log "no devDependencies, no compiled tests in the image"

  log "GET http://127.0.0.1:$METRICS_PORT/metrics from the host"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    fetch(process.argv[1]).then(async (r) => {
      const text = await r.text();
      if (r.status !== 200 || !/^# TYPE /m.test(text)) throw new Error(`status ${r.status}: ${text.slice(0, 200)}`);
      console.log(`  ${text.split("\n").filter((l) => l.startsWith("# TYPE ")).length} metric families`);
    }).catch((e) => { console.error(`  /metrics: ${e.message}`); process.exit(1); });
  ' "http://127.0.0.1:$METRICS_PORT/metrics"
  log "checks passed"
  exit 0
fi

# ---- the smoke test ----
tools=${CONTAINER_TOOLS:-$repo/../shared/tools/container}
[[ -x $tools/smoke.sh && -x $tools/make-base-image.sh ]] \
  || die "container kit not found in $tools (expected shared/ beside the repository; or set CONTAINER_TOOLS)"
tools=$(cd "$tools" && pwd)

# smoke.sh checks the gRPC port; the metrics port must be free too, or the server cannot start.
for p in "$GRPC_PORT" "$METRICS_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    die "something already listens on port $p; stop it first (the container uses the host's network)"
  fi
done

log "base image"
"$tools/make-base-image.sh"

image=${SMOKE_IMAGE:-localhost/kvm-arm64-grpc:smoke}
log "build and smoke test of $image"
# tini is not PID 1 under `buildah run` (no PID namespace): let it reap as a subreaper there.
PORT=$GRPC_PORT \
  STRICT_STOP=1 \
  RUN_ENV="TINI_SUBREAPER=1" \
  CHECK_CMD="$(printf '%q' "$repo/scripts/container-smoke.sh") --check" \
  "$tools/smoke.sh" "$repo" "$image" -- --format docker "$@"

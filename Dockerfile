# kvm-arm64-grpc: the KVM arm64 API as a gRPC service (gRPC :50051, Prometheus /metrics :9464).
#
#   podman build --format docker -t kvm-arm64-grpc .     # or: docker build -t kvm-arm64-grpc .
#   docker run --rm -p 50051:50051 -p 9464:9464 kvm-arm64-grpc
#
# Configuration is by environment (KVM_*; `docker run IMAGE node dist/server/main.js --help`).
# --format docker keeps HEALTHCHECK with podman/buildah (the OCI format has no such field).
# No heredocs and no COPY --link: podman 4.3 / buildah 1.28 (Debian bookworm) reject them.

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so source edits reuse the npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
# Only what the server is built from; tsconfig's other folders (test, bench, scripts, clients)
# are not in the build context (.dockerignore), and tsc skips missing ones.
COPY vmcore ./vmcore
COPY devices ./devices
COPY proto ./proto
COPY server ./server
RUN npm run build

# ---- runtime: production dependencies, compiled JS and the .proto files only ----
FROM node:20-bookworm-slim AS runtime
# tini as PID 1: forwards SIGTERM to node (graceful shutdown) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
# Owned by root and not writable by the server's user: the image's code is immutable at run time.
COPY --from=build /app/dist ./dist
COPY proto ./proto
USER node
EXPOSE 50051 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "dist/server/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server/main.js"]

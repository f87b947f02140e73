#!/usr/bin/env bash
# Validates deploy/ offline (deploy/validate-manifests.mjs --self-test), first fetching what it
# needs when the machine lacks it:
#   - kubernetes-models and yaml from the npm registry, into a cache directory, unless the
#     project already has them (as devDependencies);
#   - promtool, extracted from Debian's prometheus package (apt-get download: nothing is
#     installed, no service is started), unless promtool is in PATH or PROMTOOL is set.
# The cache directory is ${MANIFEST_CACHE:-${TMPDIR:-/tmp}/kvm-arm64-grpc-manifest-tools}.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Pinned: the versions validation was written and tested against.
KUBERNETES_MODELS_VERSION=5.1.0
YAML_VERSION=2.9.1

cache=${MANIFEST_CACHE:-${TMPDIR:-/tmp}/kvm-arm64-grpc-manifest-tools}
log() { printf '[validate %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

pkg_version() { # pkg_version NODE_MODULES_DIR PACKAGE
  node -e 'try { console.log(require(require("path").resolve(process.argv[1])).version) } catch { console.log("") }' "$1/$2/package.json"
}

if [[ -n $(pkg_version node_modules kubernetes-models) && -n $(pkg_version node_modules yaml) ]]; then
  log "kubernetes-models $(pkg_version node_modules kubernetes-models), yaml $(pkg_version node_modules yaml) from the project"
else
  tools=$cache/npm
  if [[ $(pkg_version "$tools/node_modules" kubernetes-models) != "$KUBERNETES_MODELS_VERSION" ||
        $(pkg_version "$tools/node_modules" yaml) != "$YAML_VERSION" ]]; then
    log "installing kubernetes-models@$KUBERNETES_MODELS_VERSION yaml@$YAML_VERSION into $tools"
    rm -rf "$tools"
    mkdir -p "$tools"
    printf '{"private":true}\n' >"$tools/package.json"
    npm install --prefix "$tools" --no-audit --no-fund --no-package-lock --loglevel=error \
      "kubernetes-models@$KUBERNETES_MODELS_VERSION" "yaml@$YAML_VERSION"
  fi
  log "kubernetes-models and yaml from $tools (not devDependencies of the project)"
  export MANIFEST_TOOLS_DIR=$tools/node_modules
fi

if [[ -z ${PROMTOOL:-} ]] && ! command -v promtool >/dev/null; then
  dir=$cache/promtool
  if [[ ! -x $dir/usr/bin/promtool ]]; then
    log "extracting promtool from Debian's prometheus package"
    rm -rf "$dir"
    mkdir -p "$dir"
    (
      cd "$dir"
      apt-get download -qq -o APT::Sandbox::User=root prometheus
      dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool
      rm -f prometheus_*.deb
    )
  fi
  export PROMTOOL=$dir/usr/bin/promtool
fi

node deploy/validate-manifests.mjs --self-test

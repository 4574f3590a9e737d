#!/usr/bin/env bash
# deploy/validate.sh — offline checks of the Kubernetes manifests:
#   1. yamllint on every YAML file under deploy/ (installs yamllint with apt if missing);
#   2. render base and both overlays with `kubectl kustomize` when kubectl is installed
#      (no cluster needed); without kubectl the standalone resource files are checked instead;
#   3. check every object against the Kubernetes schemas and TypeScript types of the npm
#      package kubernetes-models (installed once into a cache directory; skipped without npm).
# Exit status 0 only if every step that ran passed.
set -euo pipefail
DEPLOY=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
CACHE=${GONGTONG_VALIDATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gongtong-deploy-validate}
NPM_PACKAGES=(kubernetes-models@4.5.1 yaml@2.9.1 typescript@5.9.3)
say() { printf 'validate: %s\n' "$*" >&2; }

if ! command -v yamllint >/dev/null; then
  say "installing yamllint with apt"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q yamllint >/dev/null 2>&1 \
    || { "${sudo[@]}" apt-get update -q >/dev/null \
      && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q yamllint >/dev/null; }
fi
say "yamllint"
yamllint -s -c "$DEPLOY/.yamllint.yaml" "$DEPLOY"

OUT=$(mktemp -d)
trap 'rm -rf -- "$OUT"' EXIT
inputs=()
if command -v kubectl >/dev/null; then
  "$DEPLOY/k8s/overlays/dev/gen-secrets.sh" 2>/dev/null
  for k in base overlays/dev overlays/production; do
    say "kubectl kustomize deploy/k8s/$k"
    kubectl kustomize "$DEPLOY/k8s/$k" >"$OUT/${k//\//-}.yaml"
    inputs+=("$OUT/${k//\//-}.yaml")
  done
else
  say "kubectl not found: checking the standalone resource files (overlay patches unchecked)"
  inputs=("$DEPLOY"/k8s/base/{registry,scheduling,booking,assessment}.yaml
    "$DEPLOY"/k8s/overlays/dev/{namespace,postgres,redis}.yaml
    "$DEPLOY"/k8s/overlays/production/namespace.yaml)
fi

if ! command -v npm >/dev/null; then
  say "npm not found: schema/type checks skipped"
  exit 0
fi
if [[ ! -x $CACHE/node_modules/.bin/tsc || ! -f $CACHE/.installed-${NPM_PACKAGES[*]// /_} ]]; then
  say "installing ${NPM_PACKAGES[*]} into $CACHE"
  mkdir -p -- "$CACHE"
  (cd "$CACHE" && { [[ -f package.json ]] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --silent "${NPM_PACKAGES[@]}" >/dev/null)
  touch "$CACHE/.installed-${NPM_PACKAGES[*]// /_}"
fi
say "kubernetes-models schema + TypeScript checks"
(cd "$CACHE" && node "$DEPLOY/tools/check-manifests.mjs" "${inputs[@]}")

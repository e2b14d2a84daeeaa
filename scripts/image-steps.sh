#!/usr/bin/env bash
# Performs the Dockerfile's steps without a container engine, in a temporary folder, then smoke-tests
# the result the way the image runs it. Each step line below mirrors one Dockerfile instruction, in
# order, with the same text after the keyword; test/image/dockerfile.test.ts checks they match:
#
#   stage NAME                  FROM <image> AS NAME    (a fresh empty folder stands for the stage's /app)
#   workdir /app                WORKDIR /app
#   copy SRC... DEST            COPY SRC... DEST        (from the build context: this repository)
#   copy_from STAGE /app/P DEST COPY --from=STAGE /app/P DEST
#   run CMD...                  RUN CMD                 (executed in the stage folder)
#   image_only CMD...           RUN CMD that changes the base image itself (recorded, not executed)
#   env K=V                     ENV K=V                 (exported for the smoke run)
#   user UID:GID                USER UID:GID            (the smoke run uses this identity when root)
#   expose PORTS...             EXPOSE PORTS...
#   entrypoint ARGS...          ENTRYPOINT ["ARGS", ...]
#
# Usage: scripts/image-steps.sh [--keep]   (prints timings; --keep leaves the folder for inspection)
set -euo pipefail
context="$(cd "$(dirname "$0")/.." && pwd)"
root="$(mktemp -d "${TMPDIR:-/tmp}/image-steps.XXXXXX")"
chmod 755 "$root" # like the image's /app: readable by the non-root user
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$root"' EXIT
started=$(date +%s)
current=''
declare -A exposed_env=()
run_user=''
entry=()

stage() { current="$root/$1"; mkdir -p "$current"; chmod 755 "$current"; echo "== stage $1"; }
workdir() { [ "$1" = /app ] || { echo "only WORKDIR /app is mirrored" >&2; exit 1; }; }
copy() { # Docker COPY semantics: a folder's contents go into DEST; files go into DEST/ or become DEST
  local args=("$@") dest="${*: -1}"
  for src in "${args[@]:0:$#-1}"; do
    if [ -d "$context/$src" ]; then
      mkdir -p "$current/$dest" && cp -R "$context/$src/." "$current/$dest/"
    elif [[ "$dest" == */ ]]; then
      mkdir -p "$current/$dest" && cp "$context/$src" "$current/$dest"
    else
      mkdir -p "$(dirname "$current/$dest")" && cp "$context/$src" "$current/$dest"
    fi
  done
}
copy_from() { mkdir -p "$current/$3" && cp -R "$root/$1/${2#/app/}/." "$current/$3/"; }
run() { echo "   RUN $*"; (cd "$current" && "$@"); }
image_only() { echo "   (image only) RUN $*"; }
env() { exposed_env["${1%%=*}"]="${1#*=}"; }
user() { run_user="$1"; }
expose() { :; }
entrypoint() { entry=("$@"); }

# ---- the Dockerfile, step by step ----
stage build
workdir /app
copy package.json package-lock.json .npmrc ./
run npm ci --no-audit --no-fund
copy tsconfig.json tsconfig.build.json ./
copy controller ./controller
copy simulator ./simulator
run npm run build

stage prod-deps
workdir /app
copy package.json package-lock.json .npmrc ./
run npm ci --omit=dev --no-audit --no-fund

stage runtime
image_only rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
workdir /app
env NODE_ENV=production
copy package.json ./
copy_from prod-deps /app/node_modules ./node_modules
copy_from build /app/dist ./dist
user 65532:65532
expose 8443 8081
entrypoint node dist/controller/main.js
# ---- end of the Dockerfile ----

echo "== built in $(($(date +%s) - started)) s; runtime stage: $(du -sh "$root/runtime" | cut -f1)"
cd "$root/runtime"

# The runtime stage holds no dev tooling.
for dev in typescript jest eslint tsx @swc/core @aws-cdk/lambda-layer-kubectl-v33; do
  [ ! -e "node_modules/$dev" ] || { echo "FAIL: dev dependency $dev in the runtime stage" >&2; exit 1; }
done
[ "${entry[0]}" = node ] || { echo "FAIL: the entry point must start node directly" >&2; exit 1; }

# Run as the image does: the ENV, and the USER when this script can switch to it.
as_user=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  as_user=("$(command -v setpriv)" --reuid "${run_user%%:*}" --regid "${run_user##*:}" --clear-groups)
fi
start_entry() { exec env NODE_ENV="${exposed_env[NODE_ENV]}" PATH="$(dirname "$(command -v node)")" "${as_user[@]}" "${entry[@]}" "$@"; }

# 1. Every module loads (ESM imports are resolved before main runs); a bad flag exits 2.
set +e
out="$(start_entry --no-such-flag 2>&1)"
code=$?
set -e
[ "$code" = 2 ] || { echo "FAIL: bad flag exited $code, want 2: $out" >&2; exit 1; }
echo "== bad flag: exit 2 ($(echo "$out" | head -n1))"

# 2. A short run: the health endpoint answers, and SIGTERM ends the process with exit 0.
cat >"$root/kubeconfig" <<'KUBECONFIG'
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: smoke}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
KUBECONFIG
chmod 644 "$root/kubeconfig"
health_port=$((20000 + RANDOM % 20000))
start_entry --kubeconfig="$root/kubeconfig" --health-probe-bind-address="127.0.0.1:$health_port" \
  --metrics-bind-address=0 >"$root/smoke.log" 2>&1 &
pid=$!
healthy=''
for _ in $(seq 1 100); do
  if node -e "fetch('http://127.0.0.1:$health_port/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    healthy=yes
    break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$healthy" ] || { echo "FAIL: /healthz never answered" >&2; cat "$root/smoke.log" >&2; exit 1; }
kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" = 0 ] || { echo "FAIL: SIGTERM exited $code, want 0" >&2; cat "$root/smoke.log" >&2; exit 1; }
who="uid $(id -u) (this script could not switch users)"
[ ${#as_user[@]} -eq 0 ] || who="uid $run_user"
echo "== smoke run as $who: /healthz 200, SIGTERM → exit 0"
echo "== image steps OK in $(($(date +%s) - started)) s"

# syntax=docker/dockerfile:1
# The controller image: docker build -t mixpanel-dataflow-controller:0.1.0 .
# scripts/image-steps.sh performs these same steps without Docker (CI runs it), and
# test/image/dockerfile.test.ts fails when the two disagree. Keep one instruction per step there.

# 1. Compile TypeScript with the full (dev) dependency tree.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY controller ./controller
# Local mode and `plan --simulator` embed the simulator, so it is part of the build.
COPY simulator ./simulator
RUN npm run build

# 2. Production dependencies only, installed clean from the lockfile (no dev tools, no compiler).
FROM node:20.20.2-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# 3. The runtime: node, the compiled JavaScript and production node_modules. npm, npx and yarn
#    are never run here, so they are removed (smaller image, less to patch).
FROM node:20.20.2-bookworm-slim AS runtime
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Numeric, so the kubelet can verify runAsNonRoot (the chart runs as the same UID).
USER 65532:65532
EXPOSE 8443 8081
# Exec form: node is PID 1 and receives SIGTERM itself; controller/main.ts handles SIGTERM and
# SIGINT (drain, release the Lease, exit 0). The controller starts no child processes, so no
# zombies need reaping and tini would add nothing.
ENTRYPOINT ["node", "dist/controller/main.js"]

# syntax=docker/dockerfile:1
#
# Headless ModelDesk (issue 19 §3): the prediction server, registry, A/B engine and web UI,
# run from built JavaScript (npm run build:server), as the unprivileged `node` user, with its
# data (SQLite database, model files, serving.json, exports/) in the /data volume.
#
#   docker build -t modeldesk .
#   docker run -d --name modeldesk -p 8765:8765 -v modeldesk-data:/data \
#     -e MODELDESK_ADMIN_TOKEN="$(openssl rand -base64 24)" modeldesk \
#     serve --host 0.0.0.0 --port 8765 --data /data --allow-host "$(hostname)"
#
# Bound to 0.0.0.0, ModelDesk serves the LAN (issue 17): HTTPS with a certificate from its own
# local CA (made once in /data/tls/; clients trust /data/tls/ca.pem, also served at
# /api/v1/access/ca.pem), and an API key or the admin token on every route but health.
# `--allow-host NAME` adds the name clients dial (the Docker host's) to the certificate and the
# Host check. Behind a proxy that terminates TLS, run with `--insecure-http` instead and make the
# HEALTHCHECK below use http:// (README, "Container image").
#
# Verified without a container engine (README, "Container image"): the start command below,
# run outside a container by src-main/cli/built-server.test.ts; the file checked with
# dockerfile-utils and dockerfilelint (npm). Building and running the image itself was not.

# Production dependencies only: better-sqlite3 and onnxruntime-node are native addons, loaded
# from node_modules by the built server exactly as under tsx (they are never bundled).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# The web UI (out/renderer) and the server bundle (dist/server/main.js), with the dev tools.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui && npm run build:server

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY db/migrations ./db/migrations
COPY models ./models
COPY proto ./proto
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/out/renderer ./out/renderer
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8765
# the first check runs 30 s after the start, long after the models have loaded (a few seconds);
# /healthz needs no credential, and the check trusts the local CA the server made in /data/tls
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["env", "NODE_EXTRA_CA_CERTS=/data/tls/ca.pem", "node", "-e", "fetch('https://127.0.0.1:8765/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/server/main.js"]
# --host 0.0.0.0: the container's port must be reachable from outside it, which is LAN mode:
# HTTPS with the local CA's certificate (or your own: --tls-cert/--tls-key, files in /data), and
# a credential on every route but /healthz. Add --allow-host <the name clients dial>.
# Open Inference v2 over gRPC is off; add "--grpc-port", "8081" (and publish it) to serve it:
# it takes the same credentials, over TLS with the same certificate.
CMD ["serve", "--host", "0.0.0.0", "--port", "8765", "--data", "/data"]

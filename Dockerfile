# syntax=docker/dockerfile:1
#
# Headless ModelDesk (issue 19 §3): the prediction server, registry, A/B engine and web UI,
# run from built JavaScript (npm run build:server), as the unprivileged `node` user, with its
# data (SQLite database, model files, serving.json, exports/) in the /data volume.
#
#   docker build -t modeldesk .
#   docker run -d --name modeldesk -p 127.0.0.1:8765:8765 -v modeldesk-data:/data \
#     -e MODELDESK_ADMIN_TOKEN="$(openssl rand -base64 24)" modeldesk
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
# the first check runs 30 s after the start, long after the models have loaded (a few seconds)
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8765/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/server/main.js"]
# --host 0.0.0.0: the container's port must be reachable from outside it. Today any interface but
# loopback makes ModelDesk require the admin token on every route but /healthz. When LAN mode
# (issue 17) lands, binding 0.0.0.0 also requires API keys and TLS: put a certificate in /data
# (see its README section), or add --insecure-http here when a TLS-terminating proxy sits in front;
# the HEALTHCHECK above then needs https:// or stays on http:// accordingly.
# Open Inference v2 over gRPC is off; add "--grpc-port", "8081" (and publish it) to serve it.
CMD ["serve", "--host", "0.0.0.0", "--port", "8765", "--data", "/data"]

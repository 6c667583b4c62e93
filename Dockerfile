# Paperboy as a container image. No image is published: build it yourself,
#   docker build -t paperboy .
#   docker run -d --name paperboy --env-file .env -v paperboy-data:/data -p 9464:9464 paperboy
# Slack or Discord settings come from the environment (.env); logs are JSON lines on stdout (docker logs);
# the database (papers included) and the index cache live in the /data volume; /healthz, /readyz and /metrics on port 9464.
#
# Three stages: `build` compiles dist/ with the dev dependencies, `dependencies` installs production ones
# only, and the image holds Node, those and dist/, running as the unprivileged `node` user.
# test/service/production-install.test.ts runs the same install outside a container.

FROM node:20-slim AS build
# better-sqlite3 compiles itself when no prebuilt binary can be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json main.ts bot.ts ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
COPY adapters ./adapters
COPY data/bundled-papers.jsonl ./data/
RUN npm run build

FROM node:20-slim AS dependencies
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production DATA_DIR=/data HEALTH_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HEALTH_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]

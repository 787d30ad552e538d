# accesslake as a container: the whole CLI, `accesslake serve` (the ingest server) by default.
#   docker build -t accesslake .
#   docker run -p 127.0.0.1:8080:8080 -e ACCESSLAKE_TOKENS=change-me-please -v accesslake-lake:/data accesslake
#   docker run … -e ACCESSLAKE_LAKE=s3://my-bucket -e AWS_REGION=eu-west-1 accesslake
#   docker run … accesslake agent --file /var/log/nginx/access.log --endpoint http://ingest:8080 …
# Every `accesslake serve` flag works as an argument or as its ACCESSLAKE_* variable (docs/runtimes.md).

# --- deps: the locked production dependencies only -------------------------------------------------
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts stay off: esbuild (for tsx) and DuckDB bring their binaries as platform packages.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: Node, the sources, the dependencies; runs as the unprivileged `node` user ------------
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ACCESSLAKE_HOST=0.0.0.0 \
    ACCESSLAKE_PORT=8080 \
    ACCESSLAKE_LAKE=/data/lake
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# .dockerignore keeps tests, benches, docs, the CDK app and local state out of the image.
COPY . .
# The file-storage lake lives on a volume owned by `node`.
RUN mkdir -p /data/lake && chown -R node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
# The slim image has no curl: Node's fetch does the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ACCESSLAKE_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# docker stop sends SIGTERM; serve closes its listener and lets in-flight batches finish.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/accesslake.mjs"]
CMD ["serve"]

# One image for every role. Runs as an unprivileged user, so the embedded PostgreSQL (used when
# DATABASE_URL is unset) needs no extra system user.
FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    CHATFLOW_DATA_DIR=/data \
    PORT=3000
WORKDIR /app

# ffmpeg/ffprobe: video posters and media durations (without them uploads still work, unannotated).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY app ./app
COPY admin ./admin
COPY migrations ./migrations
COPY docs ./docs
COPY tsconfig.json ./
COPY scripts ./scripts
# Compiled once here: the container starts plain JavaScript.
RUN node scripts/build-server.mjs

RUN useradd --system --uid 10001 --home /app chatflow \
 && mkdir -p /data && chown chatflow /data
USER chatflow
VOLUME /data
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

CMD ["node", "--enable-source-maps", "dist/app/server/main.js"]

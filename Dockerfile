# Pharos server image. Build: docker build -t pharos .
# Not built on the machine it was written on (no Docker there): see docs/deploy/scale-out.md.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/server/package.json packages/server/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json tsconfig.json ./
COPY packages/server packages/server
RUN npm run build --workspace packages/server && npm prune --omit=dev --workspaces

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PHAROS_HOST=0.0.0.0 \
    PHAROS_DATA_DIR=/var/lib/pharos
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/server/package.json packages/server/package.json
COPY --from=build /app/packages/server/bin packages/server/bin
COPY --from=build /app/packages/server/dist packages/server/dist
RUN mkdir -p /var/lib/pharos && chown node:node /var/lib/pharos
USER node
EXPOSE 4400 4317 4318
VOLUME /var/lib/pharos
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4400/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "packages/server/bin/pharos.js", "start"]

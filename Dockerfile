# syntax=docker/dockerfile:1
# Build stage: all dependencies, compile TypeScript to dist/.
FROM node:24.21.0-bookworm-slim AS build
# The commit the image is built from (no .git in the context): docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD)
ARG GIT_COMMIT=unknown
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY openapi ./openapi
RUN npm run build

# Runtime stage: production dependencies, the built code and the contract; runs as the image's
# unprivileged `node` user.
FROM node:24.21.0-bookworm-slim
ARG GIT_COMMIT=unknown
LABEL org.opencontainers.image.title="redshift-namespace-gateway" \
      org.opencontainers.image.description="REST gateway for Amazon Redshift namespace registration" \
      org.opencontainers.image.version="0.3.0" \
      org.opencontainers.image.revision="${GIT_COMMIT}" \
      org.opencontainers.image.licenses="UNLICENSED"
ENV NODE_ENV=production
# The V8 heap settings, as in `npm start`, chosen by measurement on this Node.js (docs/performance.md);
# override with -e NODE_OPTIONS=...
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8"
WORKDIR /app
COPY package.json package-lock.json ./
# swagger-ui-dist keeps its entry point, licences and the three files /docs loads (src/http/docs.ts).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && find node_modules/swagger-ui-dist -maxdepth 1 -type f ! -name package.json ! -name index.js \
     ! -name absolute-path.js ! -name LICENSE ! -name NOTICE ! -name swagger-ui-bundle.js.LICENSE.txt \
     ! -name swagger-ui.css ! -name swagger-ui-bundle.js ! -name favicon-32x32.png -delete
COPY --from=build /app/dist ./dist
COPY openapi/gateway.yaml ./openapi/gateway.yaml
USER node
EXPOSE 8080
# The slim image has no curl: Node's own fetch asks /livez.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

# Multi-stage: compile TypeScript with the dev dependencies, run the compiled JavaScript with the
# production ones only, as a non-root user.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The dashboard map's browser files (plain JavaScript and CSS, nothing to compile) beside the code that serves them.
COPY src/features/dashboard/web/browser ./dist/features/dashboard/web/browser
COPY locales ./locales
# The understanding's corpus: the classifier is built from it at start-up.
COPY data/understanding ./data/understanding
COPY scripts/seed-data ./scripts/seed-data
# The base image's unprivileged `node` user, by number so the host can resolve it.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--role", "all"]

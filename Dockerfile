# stripe-elt container image. Runs on Node 22 (the project supports Node >= 20).
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY schemas ./schemas
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production
# A young generation of 2 × 4 MB instead of V8's 2 × 16 MB: a sync allocates fast and keeps little, so
# the larger nursery mostly holds garbage in resident memory. On the `large` bench ~20 MB less resident
# memory for ~6% more CPU (README, Performance). scripts/bench.ts runs the extractor with the same.
ENV NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=build /app /app
RUN ln -s /app/bin/stripe-elt.js /usr/local/bin/stripe-elt
USER node
ENTRYPOINT ["stripe-elt"]
# The scheduled `serve` mode arrives with the engine; until then the image runs the emulator.
CMD ["emulator", "--host", "0.0.0.0", "--seed", "small"]

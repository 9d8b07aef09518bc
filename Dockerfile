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
WORKDIR /app
COPY --from=build /app /app
RUN ln -s /app/bin/stripe-elt.js /usr/local/bin/stripe-elt
USER node
ENTRYPOINT ["stripe-elt"]
# The scheduled `serve` mode arrives with the engine; until then the image runs the emulator.
CMD ["emulator", "--host", "0.0.0.0", "--seed", "small"]

// Only `prisma dev` (a local Prisma Postgres server) loads @prisma/streams-local. This project
// never runs it, and the real package needs Node >= 22; see docs/dependency-review.md.
exports.startLocalDurableStreamsServer = async function startLocalDurableStreamsServer() {
  throw new Error(
    "`prisma dev` is not available in Taste Clusters: @prisma/streams-local is replaced by a stub (package.json overrides). " +
      "Use `npm start`, which runs an embedded PostgreSQL.",
  );
};

// Config for Prisma 6.19's JS schema engine (devDependency `prisma6`), which
// diffs schemas to SQL offline. Used only by scripts/db-diff.ts and the drift
// test; the app itself runs on Prisma 7 (prisma.config.ts).
import { PrismaPg } from "prisma6-adapter-pg";

export default {
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    // The engine connects even for schema-to-schema diffs; it only reads.
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
};

import { createDb } from "@/lib/db/client";
import { readCatalogInfo } from "@/lib/catalog/store";

export const dynamic = "force-dynamic";

export default async function Home() {
  const db = createDb(process.env.DATABASE_URL!);
  const info = await readCatalogInfo(db);
  return <main className="p-8">Taste Clusters: {info?.clusters.length ?? 0} clusters</main>;
}

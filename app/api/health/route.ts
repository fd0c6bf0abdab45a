import { NextResponse } from "next/server";
import { readCatalogInfo } from "@/lib/catalog/store";
import { getDb } from "@/lib/db/server";

export const dynamic = "force-dynamic";

/** Liveness and readiness: the database answers and whether a catalog is seeded. */
export async function GET() {
  try {
    const catalog = await readCatalogInfo(await getDb());
    return NextResponse.json({ ok: true, catalogSeeded: catalog !== null, tracks: catalog?.model.rowsKept ?? 0 });
  } catch {
    return NextResponse.json({ ok: false, error: "database unavailable" }, { status: 503 });
  }
}

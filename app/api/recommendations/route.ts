import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/server";
import { admissionGate } from "@/lib/http/admission";
import { roundedJson } from "@/lib/http/json";
import { readBodyWithLimit } from "@/lib/http/read-body";
import { describeIssues, recommendationRequestSchema } from "@/lib/recommend/request";
import { CatalogNotSeededError, recommend } from "@/lib/recommend/service";

export const dynamic = "force-dynamic";

/** Above this many requests in progress, answer 503 at once rather than queue (measured: docs/benchmarks.md). */
const gate = admissionGate(64);

/** Refuse bodies larger than any valid request (1,000 ids) could be. */
const MAX_BODY_BYTES = 64 * 1024;

function problem(status: number, error: string) {
  return NextResponse.json({ error }, { status });
}

/** POST /api/recommendations {"trackIds": [...], "limit"?, "minPopularity"?, "mode"?, ...} */
export async function POST(request: Request) {
  if (!gate.tryEnter()) {
    return NextResponse.json({ error: "Too many requests in progress; retry in a second." }, { status: 503, headers: { "Retry-After": "1" } });
  }
  try {
    return await answer(request);
  } finally {
    gate.leave();
  }
}

async function answer(request: Request): Promise<Response> {
  if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
    return problem(415, "Send a JSON body with Content-Type: application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? 0);
  const text = declared > MAX_BODY_BYTES ? null : await readBodyWithLimit(request, MAX_BODY_BYTES);
  if (text === null) return problem(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, "The body is not valid JSON.");
  }
  const parsed = recommendationRequestSchema.safeParse(body);
  if (!parsed.success) return problem(400, describeIssues(parsed.error));

  try {
    const result = await recommend(await getDb(), parsed.data);
    return new Response(roundedJson(result), { headers: { "Content-Type": "application/json" } });
  } catch (error) {
    if (error instanceof CatalogNotSeededError) return problem(503, error.message);
    console.error("POST /api/recommendations failed:", error instanceof Error ? error.message : error);
    return problem(503, "The recommendation service is unavailable right now; try again shortly.");
  }
}

/** Any other method: a JSON 405 naming the one this route takes (the README promises JSON errors). */
function methodNotAllowed() {
  return NextResponse.json(
    { error: "Use POST with a JSON body: {\"trackIds\": [...]}." },
    { status: 405, headers: { Allow: "POST" } },
  );
}
export const GET = methodNotAllowed;
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;

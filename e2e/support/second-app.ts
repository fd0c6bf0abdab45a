import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { APP_PORT } from "../../playwright.config";
import { stopChild } from "../../scripts/stack";

/** The second app process of the multi-process tests: next to the first, unless told otherwise. */
export const SECOND_APP_PORT = Number(process.env.E2E_SECOND_APP_PORT ?? APP_PORT + 1);

export interface SecondApp {
  url: string;
  stop(): Promise<void>;
}

/**
 * A second `next start` of the same build on the same database and the same
 * fake Spotify as the one global-setup started: two app processes behind one
 * deployment. The session secret is the first one's (scripts/stack.ts's demo
 * secret unless NEXTAUTH_SECRET is set), so a session cookie works in both, as
 * behind a reverse proxy. Its output is kept and shown only if it dies.
 */
export async function startSecondApp(): Promise<SecondApp> {
  const fakeUrl = process.env.FAKE_SPOTIFY_URL!;
  const url = `http://127.0.0.1:${SECOND_APP_PORT}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.E2E_DATABASE_URL,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? fs.readFileSync(path.resolve(".data/demo-secret"), "utf8").trim(),
    SPOTIFY_CLIENT_ID: "fake-client-id",
    SPOTIFY_CLIENT_SECRET: "fake-client-secret",
    SPOTIFY_ACCOUNTS_URL: `${fakeUrl}/accounts`,
    SPOTIFY_API_URL: `${fakeUrl}/v1`,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const child = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(SECOND_APP_PORT)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  await waitForHealth(`${url}/api/health`, child, () => output);
  return { url, stop: () => stopChild(child) };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the second next start exited with code ${child.exitCode}:\n${output()}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  child.kill("SIGKILL");
  throw new Error(`the second app did not answer ${url} within 60 s:\n${output()}`);
}

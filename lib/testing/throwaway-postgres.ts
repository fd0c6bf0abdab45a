import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedServer } from "../db/embedded";
import { freePort } from "../net/free-port";

/**
 * A PostgreSQL cluster for one test run: initialised in a fresh temporary
 * folder, on a port the OS says is free, and deleted when stopped. Nothing is
 * shared with a previous run or another checkout running its tests beside us.
 */
export async function startThrowawayPostgres(log?: (line: string) => void): Promise<EmbeddedServer> {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), "taste-clusters-pg-"));
  await fs.chmod(parent, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  const remove = () => fs.rm(parent, { recursive: true, force: true });
  // A free port can be taken between asking and binding; try another then.
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await startEmbeddedPostgres({ dataDir: path.join(parent, "data"), port: await freePort(), unsafeFast: true, log });
      return {
        ...server,
        stop: async () => {
          await server.stop();
          await remove();
          // Run as root with a temp folder the `postgres` user cannot enter, the data was kept elsewhere.
          if (server.dataDir && !server.dataDir.startsWith(parent)) await fs.rm(server.dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (attempt < 3 && /address already in use/i.test((error as Error).message)) continue;
      await remove();
      throw error;
    }
  }
}

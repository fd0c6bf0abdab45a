import fs from "node:fs";
import path from "node:path";

/**
 * The app server's stdout and stderr during an e2e run (written by the global set-up, read by the
 * tests and by the server-log reporter). Negative tests make the server log errors on purpose: they
 * land here, where those tests assert them, instead of in the terminal of a passing run.
 */
export const SERVER_LOG_FILE = path.resolve("e2e-logs/app-server.log");

/** E2E_SERVER_LOG=1 also prints the server's output to the terminal, as it comes. */
export const ECHO_SERVER_LOG = process.env.E2E_SERVER_LOG === "1";

function logSize(): number {
  try {
    return fs.statSync(SERVER_LOG_FILE).size;
  } catch {
    return 0;
  }
}

/** The server's output from byte `start` on. */
export function serverLogFrom(start: number): string {
  let fd: number;
  try {
    fd = fs.openSync(SERVER_LOG_FILE, "r");
  } catch {
    return "";
  }
  try {
    const length = Math.max(0, fs.fstatSync(fd).size - start);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, start);
    return buffer.toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A mark in the server's log: `text()` is what the server printed since. Poll it
 * (`expect.poll(() => mark.text())`): the server writes its lines a moment after it answers.
 */
export function markServerLog(): { start: number; text: () => string } {
  const start = logSize();
  return { start, text: () => serverLogFrom(start) };
}

import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seedWorkspace } from "../testing/seed-workspace";
import { seedCatalog } from "./seed";
import { TRACK_COLUMNS } from "./types";

const ID = (n: number) => `${"A".repeat(21)}${n}`;
const ARTIST_ID = (n: number) => `${"B".repeat(21)}${n}`;
const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** A tracks.csv (600k format) row: the given name and artists (a Python list literal), fixed features. */
function row(n: number, name: string, artistsLiteral: string, artistCount: number): string {
  const idArtists = `[${Array.from({ length: artistCount }, (_, i) => `'${ARTIST_ID(i)}'`).join(", ")}]`;
  return [ID(n), csvCell(name), "40", "200000", "0", csvCell(artistsLiteral), csvCell(idArtists), "2001-02-03",
    `0.${n}`, "0.5", "1", "-7", "1", "0.1", "0.2", "0", "0.1", "0.5", `${100 + n}`, "4"].join(",");
}

describe("the COPY load", () => {
  const workspace = seedWorkspace("seedcopy");

  it("stores names and artists with tabs, backslashes, quotes, newlines, braces and \\N exactly as read", async () => {
    const file = path.join(workspace.work, "tricky.csv");
    const rows = [
      row(1, 'Tab\tand "quotes"', `['Back\\\\slash', "It's {braces}, commas"]`, 2),
      row(2, "Line one\nline two", "['Ünïcödé NULL']", 1),
      row(3, "\\N", "['NULL']", 1),
    ];
    await fs.writeFile(file, `${TRACK_COLUMNS.join(",")}\n${rows.join("\n")}\n`);
    const summary = await seedCatalog(workspace.db, { file, k: 2 });
    expect(summary.tracksKept).toBe(3);
    const stored = await workspace.db.track.findMany({
      select: { id: true, name: true, artists: true, primaryArtist: true, releaseYear: true, explicit: true, tempo: true },
      orderBy: { id: "asc" },
    });
    expect(stored).toEqual([
      { id: ID(1), name: 'Tab\tand "quotes"', artists: ["Back\\slash", "It's {braces}, commas"], primaryArtist: "Back\\slash", releaseYear: 2001, explicit: false, tempo: 101 },
      { id: ID(2), name: "Line one\nline two", artists: ["Ünïcödé NULL"], primaryArtist: "Ünïcödé NULL", releaseYear: 2001, explicit: false, tempo: 102 },
      { id: ID(3), name: "\\N", artists: ["NULL"], primaryArtist: "NULL", releaseYear: 2001, explicit: false, tempo: 103 },
    ]);
  });
});

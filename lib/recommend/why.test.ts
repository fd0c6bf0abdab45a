import { describe, expect, it } from "vitest";
import { whyThisSong } from "./why";

describe("why this song", () => {
  it("names the liked artist, the shared genre and the closest liked song with its artist, in that order", () => {
    expect(
      whyThisSong({
        likedArtist: { name: "Drake", likedSongs: 3 },
        sharedGenre: { genre: "rap", share: 0.456 },
        becauseOf: { id: "x", name: "Carry Me to the Valley", primaryArtist: "Mia Lind" },
      }),
    ).toEqual(["Drake is on 3 of your songs", "rap, like 46% of your songs", "sounds like “Carry Me to the Valley” by Mia Lind"]);
    expect(whyThisSong({ likedArtist: { name: "A", likedSongs: 1 }, sharedGenre: null, becauseOf: null })).toEqual([
      "A is on 1 of your songs",
    ]);
    expect(whyThisSong({ likedArtist: null, sharedGenre: null, becauseOf: null })).toEqual([]);
    // A genre only a few of the user's songs have is not a reason.
    expect(whyThisSong({ likedArtist: null, sharedGenre: { genre: "rap", share: 0.04 }, becauseOf: null })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { clusterLegend, emptyListMessage, playlistName, songName, spotifyEmbedUrl, spotifyTrackUrl } from "./present";

const ID = "3NLmedROfZ3jqzShanxI2E";

describe("how the recommendations page names things", () => {
  it("links a song to Spotify and frames only Spotify's embed player for it; anything but an id is refused", () => {
    expect(spotifyTrackUrl(ID)).toBe(`https://open.spotify.com/track/${ID}`);
    expect(spotifyEmbedUrl(ID)).toBe(`https://open.spotify.com/embed/track/${ID}`);
    expect(() => spotifyEmbedUrl("../../evil")).toThrow(/not a Spotify track id/);
  });

  it("names a song with its title and every artist", () => {
    expect(songName({ name: "Hey Ya!", artists: ["OutKast", "André 3000"] })).toBe("“Hey Ya!” by OutKast, André 3000");
  });

  it("names the playlist and the empty list after the mode", () => {
    expect(playlistName("dominant", "rap · fast")).toBe("Taste Clusters: rap · fast");
    expect(playlistName("mix", "rap · fast")).toBe("Taste Clusters: your taste mix");
    expect(playlistName("dominant", "x".repeat(200))).toHaveLength(100);
    expect(emptyListMessage("mix")).toMatch(/^No song in your clusters passes/);
    expect(emptyListMessage("dominant")).toMatch(/^No song in this cluster passes/);
  });

  it("lists the user's clusters first, biggest share first, then the others by id", () => {
    const clusters = [0, 1, 2, 3].map((id) => ({ id, label: `c${id}` }));
    expect(clusterLegend(clusters, [{ clusterId: 2, share: 0.7 }, { clusterId: 0, share: 0.3 }])).toEqual([
      { clusterId: 2, label: "c2", share: 0.7 },
      { clusterId: 0, label: "c0", share: 0.3 },
      { clusterId: 1, label: "c1", share: null },
      { clusterId: 3, label: "c3", share: null },
    ]);
  });
});

import type { Recommendation } from "./rank";

const MIN_SHARE_TO_MENTION = 0.15;

type Why = Pick<Recommendation, "becauseOf" | "sharedGenre" | "likedArtist">;

/**
 * "Why this song", in words, strongest reason first: an artist the user likes, a genre they like,
 * the liked song it sounds closest to (named with its artist: titles repeat across artists).
 */
export function whyThisSong({ likedArtist, sharedGenre, becauseOf }: Why): string[] {
  const reasons: string[] = [];
  if (likedArtist) {
    const songs = likedArtist.likedSongs === 1 ? "1 of your songs" : `${likedArtist.likedSongs} of your songs`;
    reasons.push(`${likedArtist.name} is on ${songs}`);
  }
  // A genre few of the user's songs have did not drive the choice: it goes unsaid.
  if (sharedGenre && sharedGenre.share >= MIN_SHARE_TO_MENTION) {
    reasons.push(`${sharedGenre.genre}, like ${Math.round(sharedGenre.share * 100)}% of your songs`);
  }
  if (becauseOf) reasons.push(`sounds like “${becauseOf.name}” by ${becauseOf.primaryArtist}`);
  return reasons;
}

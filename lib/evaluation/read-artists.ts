// The artists.csv reader moved to lib/catalog/artists.ts (the seed uses it for genres); the
// evaluation keeps importing it from here.
export {
  ArtistsFileError, artistColumns, parseArtistRow, readArtistGenres, type ArtistColumns, type ArtistGenres,
} from "../catalog/artists";

// Deterministic sample catalog (Kaggle tracks.csv / artists.csv format) and a demo user's liked songs.
// Pure: builds data and file contents; scripts/make-sample.ts writes them to prisma/sample/.
import { matchKey } from "./parse";
import { NO_PLAYLISTS, NO_STRINGS, TRACK_COLUMNS, type CatalogTrack, type ClusterFeature, type TrackColumn } from "./types";

export const SAMPLE_SEED = 20_240_601;

/** Normal distribution of one feature within a group, before clipping to the feature's range. */
export interface Spread {
  mean: number;
  sd: number;
}

/** A taste group: the sound, the artists and the words its tracks are made of. */
export interface TasteGroup {
  name: string;
  genres: string[];
  features: Record<ClusterFeature | "loudness" | "liveness", Spread>;
  durationSeconds: Spread;
  explicitShare: number;
  majorModeShare: number;
  tripleMeterShare: number;
  /** Share of titles written all lowercase, a bedroom-pop habit. */
  lowercaseTitleShare: number;
  releaseYears: [from: number, to: number];
  artists: string[];
  titleAdjectives: string[];
  titleNouns: string[];
  /** `{A}` is an adjective, `{N}` and `{M}` are two different nouns. */
  titlePatterns: string[];
}

export const TASTE_GROUPS: readonly TasteGroup[] = [
  {
    name: "acoustic folk",
    genres: ["folk", "indie folk", "singer-songwriter", "acoustic", "stomp and holler"],
    features: {
      danceability: { mean: 0.5, sd: 0.1 },
      energy: { mean: 0.28, sd: 0.09 },
      valence: { mean: 0.42, sd: 0.15 },
      acousticness: { mean: 0.86, sd: 0.08 },
      instrumentalness: { mean: 0.03, sd: 0.05 },
      speechiness: { mean: 0.035, sd: 0.01 },
      tempo: { mean: 108, sd: 22 },
      loudness: { mean: -12.5, sd: 2.5 },
      liveness: { mean: 0.13, sd: 0.06 },
    },
    durationSeconds: { mean: 215, sd: 45 },
    explicitShare: 0.02,
    majorModeShare: 0.72,
    tripleMeterShare: 0.12,
    lowercaseTitleShare: 0,
    releaseYears: [1965, 2021],
    artists: [
      "Rosie O'Hara", "Fern, The Wanderer", "Zoé Lacroix", "The Miller's Daughters", "Hazel Whitaker",
      "Silas Bramble", "Wren & the Willows", "June Calloway", "Elias Fenwick", "The Lonesome Sparrows",
      "Maren Lindqvist", "Cedar & Thistle", "Abel Hartley", "Iris Rowe", "Old Harbor Band", "Tobias Marsh",
      "Clara Ashby", "Jonah Hollis", "Björn Ekdahl", "Nell & the Night Herons",
    ],
    titleAdjectives: [
      "Quiet", "Golden", "Lonesome", "Wild", "Old", "Gentle", "Silver", "Hollow", "Northern", "Wandering",
      "Faded", "Little", "Blue", "Evergreen", "Rolling", "Distant", "Humble", "Simple",
    ],
    titleNouns: [
      "River", "Willow", "Meadow", "Lantern", "Harbor", "Sparrow", "Cedar", "Orchard", "Valley", "Highway",
      "Cabin", "Ember", "Morning", "Prairie", "Heron", "Hillside", "Creek", "Fiddle", "Porch", "Thistle", "Café",
      "Rivière",
    ],
    titlePatterns: [
      "{A} {N}", "The {N} Song", "Down by the {N}", "{N} and {M}", "Oh, {A} {N}", "Song for the {N}",
      "{A} {N} Blues", "Carry Me to the {N}", "Home to the {N}",
    ],
  },
  {
    name: "EDM / dance",
    genres: ["edm", "house", "electro house", "dance pop", "progressive house", "big room"],
    features: {
      danceability: { mean: 0.72, sd: 0.07 },
      energy: { mean: 0.86, sd: 0.07 },
      valence: { mean: 0.45, sd: 0.15 },
      acousticness: { mean: 0.03, sd: 0.03 },
      instrumentalness: { mean: 0.3, sd: 0.25 },
      speechiness: { mean: 0.06, sd: 0.03 },
      tempo: { mean: 126, sd: 4 },
      loudness: { mean: -5, sd: 1.5 },
      liveness: { mean: 0.15, sd: 0.08 },
    },
    durationSeconds: { mean: 200, sd: 40 },
    explicitShare: 0.08,
    majorModeShare: 0.5,
    tripleMeterShare: 0,
    lowercaseTitleShare: 0,
    releaseYears: [2008, 2021],
    artists: [
      "Kairo", "Lumen", "Solenne", "DJ Orbit", "Axel Nordström", "Nova & Kade", "Miss Kilowatt", "Vektor",
      "Pulsewave", "Aurelia Sky", "Hexagon Club", "Marlo Vance", "Tessellate", "Oskar Brandt", "Neon Atlas",
      "Zara Vell", "Luxe Theory", "Deepfield", "Sunset Protocol", "Ilya K", "Kilohertz Kids",
    ],
    titleAdjectives: [
      "Electric", "Neon", "Midnight", "Infinite", "Hyper", "Golden", "Solar", "Deep", "Crystal", "Euphoric",
      "Lunar", "Digital", "Higher", "Wild",
    ],
    titleNouns: [
      "Pulse", "Lights", "Skyline", "Rush", "Horizon", "Voltage", "Signal", "Motion", "Gravity", "Frequency",
      "Paradise", "Heartbeat", "Echo", "Fever", "Sunrise", "Bassline", "Control",
    ],
    titlePatterns: ["{A} {N}", "{N}", "Feel the {N}", "{N} Anthem", "All Night {N}", "Lose Your {N}", "{N} & {M}"],
  },
  {
    name: "classical / ambient",
    genres: ["classical", "ambient", "neo-classical", "compositional ambient", "minimalism", "chamber music"],
    features: {
      danceability: { mean: 0.28, sd: 0.1 },
      energy: { mean: 0.12, sd: 0.07 },
      valence: { mean: 0.16, sd: 0.08 },
      acousticness: { mean: 0.94, sd: 0.05 },
      instrumentalness: { mean: 0.88, sd: 0.08 },
      speechiness: { mean: 0.045, sd: 0.01 },
      tempo: { mean: 95, sd: 28 },
      loudness: { mean: -23, sd: 4.5 },
      liveness: { mean: 0.1, sd: 0.04 },
    },
    durationSeconds: { mean: 330, sd: 120 },
    explicitShare: 0,
    majorModeShare: 0.55,
    tripleMeterShare: 0.2,
    lowercaseTitleShare: 0,
    releaseYears: [1950, 2021],
    artists: [
      "Aurora String Quartet", "Helena Voss", "Ensemble Lumière", "Tomás Ferreira", "Northern Chamber Orchestra",
      "Ingrid Solberg", "Quiet Machines", "Matthias Kühn", "Anaïs Delorme", "The Glass Orchard", "Kenji Arata",
      "Sofia Brandão", "Orchestre de la Brume", "Elegy Collective", "Jonas Wieck", "Lior Adler",
      "Harbour Light Trio", "Mira Castellane", "Stillwater Drones",
    ],
    titleAdjectives: ["Still", "Pale", "Slow", "Distant", "Silent", "Frozen", "Luminous", "Endless", "Soft", "Grey"],
    titleNouns: [
      "Water", "Light", "Drift", "Aurora", "Haze", "Tides", "Horizon", "Snowfall", "Dusk", "Reverie", "Glacier",
      "Cathedral", "Mist", "Nocturne", "Étude", "Elegy", "Prelude",
    ],
    titlePatterns: [
      "{A} {N}", "{N}", "{N} for Strings", "{N} in E-flat Major", "{N} in F♯ Minor", "{N} No. 3",
      "Sonata in C Minor: II. Adagio", "{N}: I. Andante", "{A} {N}, Op. 12",
    ],
  },
  {
    name: "hip hop / rap",
    genres: ["hip hop", "rap", "trap", "underground hip hop", "pop rap"],
    features: {
      danceability: { mean: 0.8, sd: 0.07 },
      energy: { mean: 0.64, sd: 0.1 },
      valence: { mean: 0.5, sd: 0.16 },
      acousticness: { mean: 0.12, sd: 0.1 },
      instrumentalness: { mean: 0.002, sd: 0.005 },
      speechiness: { mean: 0.28, sd: 0.09 },
      tempo: { mean: 96, sd: 18 },
      loudness: { mean: -6.5, sd: 1.8 },
      liveness: { mean: 0.16, sd: 0.08 },
    },
    durationSeconds: { mean: 205, sd: 40 },
    explicitShare: 0.75,
    majorModeShare: 0.55,
    tripleMeterShare: 0,
    lowercaseTitleShare: 0.05,
    releaseYears: [1990, 2021],
    artists: [
      "Marcus, The Architect", "Lil' Kestrel", "Young Ledger", "Dre Cassidy", "Big Sable", "Kid Meridian",
      "Rhyme Theory", "Tay Money", "MC Vantage", "Jaylen Cross", "Nia Blaze", "Grim Pacific", "Saint Rook",
      "Ty Dollar", "OG Harlow", "Kenzo Rae", "Lux Malone", "Deuce Avenue", "Queen Solace", "Rico Vale",
    ],
    titleAdjectives: ["Real", "Big", "Cold", "Heavy", "Late Night", "Top", "Fast", "Certified", "Lowkey", "Golden"],
    titleNouns: [
      "Money", "Hustle", "Block", "Crown", "Legacy", "Drip", "Motion", "Vibes", "Grind", "Stacks", "Empire",
      "Streets", "Pressure", "Ice", "Dreams", "Paper",
    ],
    titlePatterns: [
      "{A} {N}", "{N} Talk", "Count the {N}", "{N} on Me", "All About the {N}", "No {N}", "{N} Freestyle",
    ],
  },
  {
    name: "hard rock / metal",
    genres: ["metal", "hard rock", "thrash metal", "alternative metal", "heavy metal"],
    features: {
      danceability: { mean: 0.4, sd: 0.09 },
      energy: { mean: 0.94, sd: 0.04 },
      valence: { mean: 0.36, sd: 0.15 },
      acousticness: { mean: 0.01, sd: 0.015 },
      instrumentalness: { mean: 0.05, sd: 0.08 },
      speechiness: { mean: 0.09, sd: 0.04 },
      tempo: { mean: 138, sd: 24 },
      loudness: { mean: -4.5, sd: 1.3 },
      liveness: { mean: 0.22, sd: 0.12 },
    },
    durationSeconds: { mean: 250, sd: 55 },
    explicitShare: 0.2,
    majorModeShare: 0.45,
    tripleMeterShare: 0.04,
    lowercaseTitleShare: 0,
    releaseYears: [1975, 2021],
    artists: [
      "Motörgrind", "Iron Vesper", "Black Anvil Choir", "Steel Cathedral", "Ravenous", "Thunder & Rust",
      "Skullforge", "The Howling Pines", "Grave Serpent", "Volt Reaper", "Crimson Hollow", "Obsidian Gate",
      "Wolfsbane Riot", "Dead Horizon", "Ashen Throne", "Mötley Wrath", "Hellbent Saints", "Northern Fury",
      "Blacktooth", "Rage Engine", "Sons of the Anvil", "Hex Marauder",
    ],
    titleAdjectives: ["Black", "Iron", "Burning", "Eternal", "Savage", "Frozen", "Broken", "Fallen", "Blood", "Dead"],
    titleNouns: [
      "Throne", "Storm", "Crown", "Abyss", "Fire", "Serpent", "Winter", "Hammer", "Void", "Requiem", "Legion",
      "Kingdom", "Chains", "Thunder", "Engine",
    ],
    titlePatterns: ["{A} {N}", "Rise of the {N}", "{N} of {M}", "Into the {N}", "Beneath the {A} {N}", "Ride the {N}"],
  },
  {
    name: "latin / reggaeton",
    genres: ["reggaeton", "latin", "latin pop", "urbano latino", "trap latino"],
    features: {
      danceability: { mean: 0.78, sd: 0.06 },
      energy: { mean: 0.75, sd: 0.08 },
      valence: { mean: 0.78, sd: 0.1 },
      acousticness: { mean: 0.18, sd: 0.12 },
      instrumentalness: { mean: 0.002, sd: 0.005 },
      speechiness: { mean: 0.1, sd: 0.04 },
      tempo: { mean: 96, sd: 10 },
      loudness: { mean: -5.2, sd: 1.5 },
      liveness: { mean: 0.14, sd: 0.07 },
    },
    durationSeconds: { mean: 215, sd: 30 },
    explicitShare: 0.35,
    majorModeShare: 0.5,
    tripleMeterShare: 0,
    lowercaseTitleShare: 0,
    releaseYears: [2005, 2021],
    artists: [
      "Niña Estrella", "José Ángel Ruiz", "El Fuego", "Daddy Candela", "Valentina Ríos", "Los Primos del Barrio",
      "Karol Sol", "Nicky Brisa", "J Mora", "Camila Duarte", "Bad Santos", "La Perla Negra", "Mateo Luna",
      "Tito Calor", "Luz María", "Rey Pirata", "Sofía Marín", "Bruno & Leo", "Yami Costa", "Don Alegría",
    ],
    titleAdjectives: ["Loca", "Bonita", "Caliente", "Perfecta", "Prohibida", "Eterna", "Dulce", "Tropical"],
    titleNouns: [
      "Corazón", "Noche", "Playa", "Fuego", "Canción", "Mirada", "Luna", "Vida", "Ritmo", "Verano", "Mamá",
      "Perreo", "Besos", "Fiesta", "Bailando",
    ],
    titlePatterns: ["{N} {A}", "Mi {N}", "Baila {N}", "{N} de Verano", "Tu {N}", "Sin {N}", "{N} y {M}"],
  },
  {
    name: "jazz",
    genres: ["jazz", "cool jazz", "bebop", "contemporary jazz", "vocal jazz"],
    features: {
      danceability: { mean: 0.55, sd: 0.1 },
      energy: { mean: 0.34, sd: 0.1 },
      valence: { mean: 0.58, sd: 0.15 },
      acousticness: { mean: 0.78, sd: 0.12 },
      instrumentalness: { mean: 0.5, sd: 0.3 },
      speechiness: { mean: 0.05, sd: 0.02 },
      tempo: { mean: 120, sd: 30 },
      loudness: { mean: -13, sd: 3 },
      liveness: { mean: 0.18, sd: 0.1 },
    },
    durationSeconds: { mean: 300, sd: 90 },
    explicitShare: 0,
    majorModeShare: 0.6,
    tripleMeterShare: 0.1,
    lowercaseTitleShare: 0,
    releaseYears: [1950, 2020],
    artists: [
      `Earl "Fingers" O'Malley`, "Lou Sterling Trio", "Ida Mae Coleman", "The Blue Lantern Quintet",
      "Miles Harrow", "Nina Beaumont", "Chet Lowery", "Sonny Graves", "Dizzy Marlowe", "Ella Whitfield",
      "Art Delacroix Sextet", "Thelonia Brooks", "Ray Fontaine", "Billie Ashford", "Coleman Reyes Quartet",
      "Stan Okafor", "Dexter Vaughn", "Sarah Lind", "Horace Bellamy", "Cannonball Jones",
    ],
    titleAdjectives: ["Blue", "Midnight", "Smoky", "Velvet", "Autumn", "Lazy", "Sweet", "Moonlit", "Harlem"],
    titleNouns: [
      "Serenade", "Strut", "Waltz", "Sunday", "Bossa", "Lullaby", "Rendezvous", "Stomp", "Groove", "Reverie",
      "Avenue", "Cocktail", "Reflections", "Shuffle",
    ],
    titlePatterns: ["{A} {N}", "{N} for Two", "A {N} in Paris", "{N} Blues", "'Round {A} {N}", "{N}, {M} and You"],
  },
  {
    name: "sad indie",
    genres: ["indie", "bedroom pop", "indie pop", "slowcore", "indie folk"],
    features: {
      danceability: { mean: 0.45, sd: 0.1 },
      energy: { mean: 0.45, sd: 0.1 },
      valence: { mean: 0.14, sd: 0.07 },
      acousticness: { mean: 0.38, sd: 0.18 },
      instrumentalness: { mean: 0.1, sd: 0.12 },
      speechiness: { mean: 0.04, sd: 0.01 },
      tempo: { mean: 112, sd: 25 },
      loudness: { mean: -9.5, sd: 2.5 },
      liveness: { mean: 0.12, sd: 0.06 },
    },
    durationSeconds: { mean: 235, sd: 45 },
    explicitShare: 0.1,
    majorModeShare: 0.45,
    tripleMeterShare: 0.06,
    lowercaseTitleShare: 0.3,
    releaseYears: [2008, 2021],
    artists: [
      "phoebe in the attic", "Gray Lake", "Mild Fever", "Sleepwalker's Club", "Elliot Haze", "Soft Static",
      "Lucy Vale", "The Empty Rooms", "Faye Winters", "Boy Harbor", "Paper Moons", "Quiet Year", "Hollow Coast",
      "Ivy Marsh", "Ghost Orchard", "Daisy Hart", "Low Tide Hours", "Sam Ortega", "Cold Window", "Mareike Sand",
    ],
    titleAdjectives: ["Empty", "Paper", "Slow", "Quiet", "Tired", "Faded", "Pale", "Lonely", "Late", "Cold"],
    titleNouns: [
      "Rooms", "Hearts", "Winter", "Sunday", "Ghosts", "Bedroom", "Window", "Static", "Letters", "Summer", "Rain",
      "Phone Calls", "Mornings", "Hallways",
    ],
    titlePatterns: [
      "{A} {N}", "I Miss the {N}", "{N} Without You", "Everything Is {A}", "Sorry About the {N}", "{N} (Demo)",
      "{N}, Again",
    ],
  },
];

export const DOMINANT_GROUP = "acoustic folk";
export const SECONDARY_GROUP = "hip hop / rap";

const TRACKS_PER_GROUP = 372;
const RE_RELEASES_PER_GROUP = 3;
const HIGH_POPULARITY_SHARE = 0.28;
const SECOND_ARTIST_SHARE = 0.12;

// --- Seeded randomness -------------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough for sample data; never Math.random, so output is reproducible. */
class Random {
  private state: number;

  constructor(seed: number, stream: string) {
    // Separate streams per purpose, so changing one part of the sample leaves the others unchanged.
    let state = seed >>> 0;
    for (const char of stream) state = Math.imul(state ^ char.charCodeAt(0), 0x9e3779b1) >>> 0;
    this.state = state;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  }

  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  normal({ mean, sd }: Spread): number {
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    return mean + sd * radius * Math.cos(2 * Math.PI * this.next());
  }

  shuffle<T>(items: readonly T[]): T[] {
    const shuffled = [...items];
    for (let last = shuffled.length - 1; last > 0; last--) {
      const other = this.integer(0, last);
      [shuffled[last], shuffled[other]] = [shuffled[other], shuffled[last]];
    }
    return shuffled;
  }

  /** A 22-character base62 id, like Spotify's. */
  spotifyId(): string {
    let id = "";
    for (let length = 0; length < 22; length++) id += BASE62[Math.floor(this.next() * 62)];
    return id;
  }
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Rounds like the dataset: 3 decimals, or 3 significant digits below 0.01 (instrumentalness 6.68e-05). */
function roundLikeDataset(value: number): number {
  if (value !== 0 && Math.abs(value) < 0.01) return Number(value.toPrecision(3));
  return Math.round(value * 1000) / 1000;
}

// --- Catalog -----------------------------------------------------------------------------------

export interface SampleArtist {
  id: string;
  name: string;
  group: string;
  genres: string[];
  followers: number;
  popularity: number;
}

/** A track with every column of the 600k format's tracks.csv (none of its optional facts missing). */
export interface FullTrack extends CatalogTrack {
  explicit: boolean;
  idArtists: string[];
  releaseDate: string;
  releaseYear: number;
  timeSignature: number;
}

/** A catalog track plus the group it was drawn from (ground truth for clustering tests). */
export interface SampleTrack extends FullTrack {
  group: string;
}

function drawFeature(random: Random, spread: Spread, min: number, max: number): number {
  return roundLikeDataset(clamp(isSkewed(spread) ? drawLogNormal(random, spread) : random.normal(spread), min, max));
}

/** A quality mostly absent (instrumentalness of a rap song): a bell curve would pile up at 0. */
function isSkewed({ mean, sd }: Spread): boolean {
  return mean < 0.15 && sd > mean / 2;
}

/** Log-normal with the given mean and sd; gives the dataset's tiny values such as 6.68e-05. */
function drawLogNormal(random: Random, { mean, sd }: Spread): number {
  const logVariance = Math.log(1 + (sd * sd) / (mean * mean));
  return Math.exp(random.normal({ mean: Math.log(mean) - logVariance / 2, sd: Math.sqrt(logVariance) }));
}

function drawPopularity(random: Random): number {
  return random.chance(HIGH_POPULARITY_SHARE) ? random.integer(71, 95) : Math.round(70 * random.next() ** 1.3);
}

function drawReleaseDate(random: Random, [from, to]: [number, number]): string {
  const year = String(random.integer(from, to));
  const month = String(random.integer(1, 12)).padStart(2, "0");
  const day = String(random.integer(1, 28)).padStart(2, "0");
  const precision = random.next();
  if (precision < 0.25) return year;
  if (precision < 0.35) return `${year}-${month}`;
  return `${year}-${month}-${day}`;
}

function drawTitle(random: Random, group: TasteGroup): string {
  const noun = random.pick(group.titleNouns);
  let otherNoun = random.pick(group.titleNouns);
  while (otherNoun === noun) otherNoun = random.pick(group.titleNouns);
  return random
    .pick(group.titlePatterns)
    .replace("{A}", random.pick(group.titleAdjectives))
    .replace("{N}", noun)
    .replace("{M}", otherNoun);
}

function drawTrack(random: Random, group: TasteGroup, id: string, artists: SampleArtist[], name: string): SampleTrack {
  const { features } = group;
  const releaseDate = drawReleaseDate(random, group.releaseYears);
  return {
    id,
    name,
    popularity: drawPopularity(random),
    durationMs: Math.round(clamp(random.normal(group.durationSeconds), 60, 1200) * 1000) + random.integer(0, 999),
    explicit: random.chance(group.explicitShare),
    artists: artists.map((artist) => artist.name),
    idArtists: artists.map((artist) => artist.id),
    releaseDate,
    releaseYear: Number(releaseDate.slice(0, 4)),
    danceability: drawFeature(random, features.danceability, 0, 1),
    energy: drawFeature(random, features.energy, 0, 1),
    key: random.integer(0, 11),
    loudness: roundLikeDataset(clamp(random.normal(features.loudness), -60, 0)),
    mode: random.chance(group.majorModeShare) ? 1 : 0,
    speechiness: drawFeature(random, features.speechiness, 0, 1),
    acousticness: drawFeature(random, features.acousticness, 0, 1),
    instrumentalness: drawFeature(random, features.instrumentalness, 0, 1),
    liveness: drawFeature(random, features.liveness, 0, 1),
    valence: drawFeature(random, features.valence, 0, 1),
    tempo: roundLikeDataset(clamp(random.normal(features.tempo), 40, 220)),
    timeSignature: random.chance(group.tripleMeterShare) ? 3 : random.chance(0.01) ? 5 : 4,
    // tracks.csv has no genres: the sample's genres are its artists' (artists.csv).
    genres: NO_STRINGS,
    subgenres: NO_STRINGS,
    playlists: NO_PLAYLISTS,
    group: group.name,
  };
}

/** Zipf-like: a few artists of a group are prolific, most have a handful of tracks. */
function pickArtist(random: Random, artists: readonly SampleArtist[]): SampleArtist {
  return artists[Math.floor(artists.length * random.next() ** 1.6)];
}

function drawArtists(random: Random, group: TasteGroup): SampleArtist[] {
  const related = TASTE_GROUPS.filter((other) => other !== group);
  return group.artists.map((name) => {
    const genres = random.shuffle(group.genres).slice(0, random.integer(1, 3));
    // Some artists straddle two scenes (a folk act tagged "indie"), as in the real artists.csv.
    if (random.chance(0.15)) genres.push(random.pick(random.pick(related).genres));
    const popularity = random.integer(15, 85);
    return {
      id: random.spotifyId(),
      name,
      group: group.name,
      genres: [...new Set(genres)],
      followers: Math.round(10 ** (2 + popularity / 16 + random.next())),
      popularity,
    };
  });
}

/** A second release of a track under a new id: a remaster, a live take or a radio edit. */
function reRelease(random: Random, original: SampleTrack, id: string): SampleTrack {
  const nudge = (value: number) => roundLikeDataset(clamp(value + (random.next() - 0.5) * 0.04, 0, 1));
  const copy: SampleTrack = {
    ...original,
    id,
    popularity: clamp(original.popularity + random.integer(-20, 10), 0, 95),
    danceability: nudge(original.danceability),
    energy: nudge(original.energy),
    valence: nudge(original.valence),
  };
  if (original.releaseYear <= 2005) {
    const year = random.integer(Math.max(original.releaseYear + 10, 2009), 2021);
    const suffix = random.chance(0.5) ? ` - Remastered ${year}` : ` - ${year} Remaster`;
    return {
      ...copy,
      name: original.name + suffix,
      releaseDate: `${year}-${random.integer(1, 12).toString().padStart(2, "0")}-15`,
      releaseYear: year,
      loudness: roundLikeDataset(clamp(original.loudness + 2, -60, 0)), // remasters are louder
    };
  }
  if (random.chance(0.5)) {
    return { ...copy, name: `${original.name} - Live`, liveness: roundLikeDataset(0.7 + random.next() * 0.25) };
  }
  return { ...copy, name: `${original.name} - Radio Edit`, durationMs: Math.round(original.durationMs * 0.8) };
}

function generateCatalog(seed: number): { tracks: SampleTrack[]; artists: SampleArtist[] } {
  const random = new Random(seed, "catalog");
  const tracks: SampleTrack[] = [];
  const artists: SampleArtist[] = [];
  const usedKeys = new Set<string>();
  for (const group of TASTE_GROUPS) {
    const groupArtists = drawArtists(random, group);
    artists.push(...groupArtists);
    const groupTracks: SampleTrack[] = [];
    while (groupTracks.length < TRACKS_PER_GROUP) {
      const credited = [pickArtist(random, groupArtists)];
      const guest = random.chance(SECOND_ARTIST_SHARE) ? pickArtist(random, groupArtists) : undefined;
      let title = drawTitle(random, group);
      if (random.chance(group.lowercaseTitleShare)) title = title.toLowerCase();
      if (guest !== undefined && guest !== credited[0]) {
        credited.push(guest);
        if (random.chance(0.5)) title += ` (feat. ${guest.name})`;
      }
      const key = matchKey(title, credited[0].name);
      if (usedKeys.has(key)) continue; // one song per title and artist; re-releases are added on purpose below
      usedKeys.add(key);
      groupTracks.push(drawTrack(random, group, random.spotifyId(), credited, title));
    }
    const reissued = random.shuffle(groupTracks).slice(0, RE_RELEASES_PER_GROUP);
    tracks.push(...groupTracks, ...reissued.map((original) => reRelease(random, original, random.spotifyId())));
  }
  return { tracks: random.shuffle(tracks), artists };
}

// --- Demo user ---------------------------------------------------------------------------------

export interface DemoSavedTrack {
  id: string | null;
  name: string;
  artists: string[];
  durationMs: number;
  addedAt: string;
  isLocal?: true;
}

export interface DemoUser {
  userId: string;
  displayName: string;
  dominantGroup: string;
  secondaryGroup: string;
  savedTracks: DemoSavedTrack[];
}

const SAVED_FROM_DOMINANT = 81;
const SAVED_FROM_SECONDARY = 24;
const LATEST_ADDED_AT = Date.UTC(2024, 10, 1, 18, 30, 0);

/** How a liked song differs from the catalog's copy while being the same recording. */
type Rename = (song: { name: string; artists: string[] }) => { name: string; artists: string[] };
const RENAMES_OF_DOMINANT: readonly Rename[] = [
  ({ name, artists }) => ({ name: `${name} - Remastered 2011`, artists }),
  ({ name, artists }) => ({ name: `${name} - 2011 Remaster`, artists }),
  ({ name, artists }) => ({ name: `${name} (Remastered)`, artists }),
  ({ name, artists }) => ({ name: `${name} - Live`, artists }),
  ({ name, artists }) => ({ name: `${name} [feat. Marta Quist]`, artists: [...artists, "Marta Quist"] }),
];
const RENAMES_OF_SECONDARY: readonly Rename[] = [
  ({ name, artists }) => ({ name: `${name} - Radio Edit`, artists }),
  ({ name, artists }) => ({ name: name.toUpperCase(), artists }),
];
const stripAccents = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").normalize("NFC");
const ACCENTS_DROPPED: Rename = ({ name, artists }) => ({ name: `${stripAccents(name)} - Single Version`, artists });

/** Songs nobody put in the catalog: the user's Spotify has them, the dataset does not. */
const UNKNOWN_SONGS: readonly { name: string; artists: string[] }[] = [
  { name: "Tram Lines at Dawn", artists: ["Oda Kristiansen"] },
  { name: "Kitchen Radio", artists: ["The Late Bloomers"] },
  { name: "Canción para Nadie", artists: ["Inés Albar"] },
  { name: "Ferry Song", artists: ["Hollis & Finch", "Marta Quist"] },
];
const LOCAL_FILES: readonly { name: string; artists: string[] }[] = [
  { name: "Campfire Jam (home recording)", artists: ["Demo Listener"] },
  { name: "voice memo 2019-08-14", artists: ["Demo Listener"] },
];

/** Weighted draw without replacement (exponential race): people like popular songs more often. */
function pickLiked(random: Random, tracks: readonly SampleTrack[], count: number): SampleTrack[] {
  const raced = tracks.map((track) => ({ track, finish: -Math.log(1 - random.next()) / (track.popularity + 10) }));
  return raced.sort((a, b) => a.finish - b.finish).slice(0, count).map(({ track }) => track);
}

function generateDemoUser(seed: number, catalog: readonly SampleTrack[]): DemoUser {
  const random = new Random(seed, "demo-user");
  const catalogIds = new Set(catalog.map((track) => track.id));
  const releasesOfKey = new Map<string, number>();
  for (const track of catalog) {
    const key = matchKey(track.name, track.artists[0]);
    releasesOfKey.set(key, (releasesOfKey.get(key) ?? 0) + 1);
  }
  // Renamed songs come from tracks with a single release, so each resolves to exactly one catalog track.
  const singleReleases = (group: string) =>
    catalog.filter((track) => track.group === group && releasesOfKey.get(matchKey(track.name, track.artists[0])) === 1);
  const newId = () => {
    let id = random.spotifyId();
    while (catalogIds.has(id)) id = random.spotifyId();
    return id;
  };

  const dominantPool = singleReleases(DOMINANT_GROUP);
  const accented = random.pick(dominantPool.filter((track) => stripAccents(track.name) !== track.name));
  const dominant = pickLiked(
    random,
    dominantPool.filter((track) => track !== accented),
    SAVED_FROM_DOMINANT + RENAMES_OF_DOMINANT.length,
  );
  const secondary = pickLiked(
    random,
    singleReleases(SECONDARY_GROUP),
    SAVED_FROM_SECONDARY + RENAMES_OF_SECONDARY.length,
  );
  const renamed: { track: SampleTrack; rename: Rename }[] = [
    ...dominant.slice(SAVED_FROM_DOMINANT).map((track, at) => ({ track, rename: RENAMES_OF_DOMINANT[at] })),
    ...secondary.slice(SAVED_FROM_SECONDARY).map((track, at) => ({ track, rename: RENAMES_OF_SECONDARY[at] })),
    { track: accented, rename: ACCENTS_DROPPED },
  ];

  type Song = Omit<DemoSavedTrack, "addedAt">;
  const songs: Song[] = [
    ...[...dominant.slice(0, SAVED_FROM_DOMINANT), ...secondary.slice(0, SAVED_FROM_SECONDARY)].map((track) => ({
      id: track.id,
      name: track.name,
      artists: track.artists,
      durationMs: track.durationMs,
    })),
    ...renamed.map(({ track, rename }) => ({
      id: newId(),
      ...rename(track),
      durationMs: track.durationMs + random.integer(-1500, 1500),
    })),
    ...UNKNOWN_SONGS.map((song) => ({ id: newId(), ...song, durationMs: random.integer(150_000, 300_000) })),
    ...LOCAL_FILES.map((song) => ({
      id: null,
      ...song,
      durationMs: random.integer(60_000, 400_000),
      isLocal: true as const,
    })),
  ];
  let addedAt = LATEST_ADDED_AT;
  const savedTracks = random.shuffle(songs).map(({ isLocal, ...song }) => {
    const saved: DemoSavedTrack = { ...song, addedAt: new Date(addedAt).toISOString().replace(".000Z", "Z") };
    if (isLocal) saved.isLocal = isLocal; // only on local files, and last, as in the fake Spotify's fixtures
    addedAt -= random.integer(20 * 60, 4 * 24 * 3600) * 1000; // newest first, like Spotify's saved tracks
    return saved;
  });
  return {
    userId: "demo",
    displayName: "Demo Listener",
    dominantGroup: DOMINANT_GROUP,
    secondaryGroup: SECONDARY_GROUP,
    savedTracks,
  };
}

// --- Whole sample and its files ----------------------------------------------------------------

export interface Sample {
  tracks: SampleTrack[];
  artists: SampleArtist[];
  demoUser: DemoUser;
}

export function generateSample(seed: number = SAMPLE_SEED): Sample {
  const { tracks, artists } = generateCatalog(seed);
  return { tracks, artists, demoUser: generateDemoUser(seed, tracks) };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Python's repr() of a string: single quotes unless the text has one and no double quote. */
function pythonString(text: string): string {
  const escaped = text.replaceAll("\\", "\\\\");
  if (text.includes("'") && !text.includes('"')) return `"${escaped}"`;
  return `'${escaped.replaceAll("'", "\\'")}'`;
}

function pythonList(items: readonly string[]): string {
  return `[${items.map(pythonString).join(", ")}]`;
}

/** Python's repr() of a float, as pandas writes it: 1.0, 0.645, 6.68e-05. */
function pythonFloat(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  if (Math.abs(value) < 1e-4) return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return String(value);
}

const TRACK_CSV_VALUE: Record<TrackColumn, (track: FullTrack) => string> = {
  id: (track) => track.id,
  name: (track) => track.name,
  popularity: (track) => String(track.popularity),
  duration_ms: (track) => String(track.durationMs),
  explicit: (track) => (track.explicit ? "1" : "0"),
  artists: (track) => pythonList(track.artists),
  id_artists: (track) => pythonList(track.idArtists),
  release_date: (track) => track.releaseDate,
  danceability: (track) => pythonFloat(track.danceability),
  energy: (track) => pythonFloat(track.energy),
  key: (track) => String(track.key),
  loudness: (track) => pythonFloat(track.loudness),
  mode: (track) => String(track.mode),
  speechiness: (track) => pythonFloat(track.speechiness),
  acousticness: (track) => pythonFloat(track.acousticness),
  instrumentalness: (track) => pythonFloat(track.instrumentalness),
  liveness: (track) => pythonFloat(track.liveness),
  valence: (track) => pythonFloat(track.valence),
  tempo: (track) => pythonFloat(track.tempo),
  time_signature: (track) => String(track.timeSignature),
};

/** tracks.csv in the Kaggle format: header, then one line per track, LF line ends. */
export function tracksCsv(tracks: readonly FullTrack[]): string {
  const lines = tracks.map((track) =>
    TRACK_COLUMNS.map((column) => csvField(TRACK_CSV_VALUE[column](track))).join(","),
  );
  return [TRACK_COLUMNS.join(","), ...lines, ""].join("\n");
}

/** artists.csv in the Kaggle format: id,followers,genres,name,popularity (followers written as a float). */
export function artistsCsv(artists: readonly SampleArtist[]): string {
  const lines = artists.map((artist) =>
    [artist.id, `${artist.followers}.0`, pythonList(artist.genres), artist.name, String(artist.popularity)]
      .map(csvField)
      .join(","),
  );
  return ["id,followers,genres,name,popularity", ...lines, ""].join("\n");
}

export function demoUserJson(user: DemoUser): string {
  return `${JSON.stringify(user, null, 2)}\n`;
}

/** The fake Spotify (Accounts service + Web API) for development, the demo and tests. */
export { startFakeSpotify, type FakeSpotifyServer } from "./server";
export {
  DEFAULT_CLIENT,
  FakeSpotifyState,
  sampleLibraryPathIfPresent,
  type FakeClient,
  type FakeSpotifyOptions,
  type RequestLogEntry,
  type UserSeed,
} from "./state";
export { type FaultSettings, type FaultSettingsInput, type FailRule } from "./faults";
export { REMOVED_ENDPOINTS } from "./removed-endpoints";
export { NOT_ALLOWLISTED_MESSAGE, INSUFFICIENT_SCOPE_MESSAGE } from "./web-api";
export { SPOTIFY_SCOPES } from "./accounts";

/** What every route handler gets. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RenderContext } from "./spotify-objects";
import type { FakeSpotifyState, RequestLogEntry } from "./state";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** Path parameters captured by the route pattern, in order. */
  params: string[];
  state: FakeSpotifyState;
  render: RenderContext;
  bodyText: string;
  /** Null for control requests, which are not logged. */
  log: RequestLogEntry | null;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(ctx: RequestContext): void | Promise<void>;
}

/**
 * Checks requests and responses against the Spotify Web API OpenAPI description in
 * shared/spotify (the project's contract). Used by the fake's contract test, and by
 * other tests to validate the requests the app really sent (see the fake's request log).
 *
 *   assertRequestMatchesSpec("GET", "/v1/me/tracks", { limit: "50", offset: "0" });
 *   assertRequestMatchesSpec("POST", "/v1/me/playlists", {}, { name: "Mix", public: false });
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { findRemovedEndpoint, templateToRegExp } from "./removed-endpoints";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SPOTIFY_OPENAPI_PATH =
  process.env.SPOTIFY_OPENAPI_PATH ?? path.resolve(REPO_ROOT, "..", "shared", "spotify", "spotify-web-api.openapi.yml");

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;
const SPEC_ID = "spotify-openapi";

type JsonObject = Record<string, unknown>;

interface ParameterObject {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: JsonObject;
}

interface OperationObject {
  operationId?: string;
  deprecated?: boolean;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> };
  responses?: Record<string, JsonObject>;
}

interface PathEntry {
  template: string;
  pattern: RegExp;
  literalSegments: number;
  item: JsonObject;
}

export interface MatchedOperation {
  template: string;
  method: string;
  operation: OperationObject;
  pathParams: Record<string, string>;
}

export type QueryInput =
  | URLSearchParams
  | Record<string, string | number | boolean | readonly string[] | null | undefined>
  | undefined;

export interface RequestCheckOptions {
  /** Deprecated operations are reported unless allowed (most are gone for Development Mode apps). */
  allowDeprecated?: boolean;
}

/**
 * Where real Spotify answers differ from the published schema. Applied only when
 * validating responses, and only these fields: local files (is_local: true) come back
 * with null ids, hrefs, URIs and album fields, which the README says clients must handle.
 */
export const KNOWN_RESPONSE_DEVIATIONS: ReadonlyArray<{ schema: string; properties: string[]; why: string }> = [
  { schema: "TrackObject", properties: ["id", "href"], why: "local files have no catalog id" },
  { schema: "SimplifiedArtistObject", properties: ["id", "href", "uri"], why: "artists of local files" },
  {
    schema: "AlbumBase",
    properties: ["album_type", "href", "id", "release_date", "release_date_precision", "uri"],
    why: "albums of local files",
  },
];

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

function formatAjvErrors(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).slice(0, 15).map((e) => {
    const params = Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : "";
    return `${where}${e.instancePath || "/"} ${e.message ?? "is invalid"}${params}`;
  });
}

function makeAjv(doc: JsonObject): Ajv {
  // strict: false because OpenAPI adds keywords JSON Schema does not know (example, x-*, discriminator).
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, SPEC_ID);
  return ajv;
}

function withKnownDeviations(doc: JsonObject): JsonObject {
  const patched = structuredClone(doc);
  const schemas = (patched.components as JsonObject).schemas as Record<string, JsonObject>;
  for (const deviation of KNOWN_RESPONSE_DEVIATIONS) {
    const properties = schemas[deviation.schema]?.properties as Record<string, JsonObject> | undefined;
    for (const name of deviation.properties) {
      const property = properties?.[name];
      if (!property) throw new Error(`Spec changed: ${deviation.schema}.${name} no longer exists`);
      property.nullable = true;
      if (Array.isArray(property.enum)) property.enum = [...(property.enum as unknown[]), null];
    }
  }
  return patched;
}

export class SpotifyOpenApi {
  private readonly paths: PathEntry[];
  private readonly strictAjv: Ajv;
  private readonly lenientAjv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: JsonObject) {
    const paths = doc.paths as Record<string, JsonObject>;
    this.paths = Object.entries(paths)
      .map(([template, item]) => ({
        template,
        pattern: templateToRegExp(template),
        literalSegments: template.split("/").filter((s) => s && !s.startsWith("{")).length,
        item,
      }))
      // "/me/tracks/contains" must win over a templated sibling: most literal segments first.
      .sort((a, b) => b.literalSegments - a.literalSegments);
    this.strictAjv = makeAjv(doc);
    this.lenientAjv = makeAjv(withKnownDeviations(doc));
  }

  static load(specPath = SPOTIFY_OPENAPI_PATH): SpotifyOpenApi {
    return new SpotifyOpenApi(parseYaml(readFileSync(specPath, "utf8")) as JsonObject);
  }

  /** Accepts "/v1/me", "/me", a full URL, and a path with a query string. */
  static splitPath(pathOrUrl: string): { path: string; search: URLSearchParams } {
    const url = new URL(pathOrUrl, "https://api.spotify.com");
    let pathname = url.pathname.replace(/\/+$/, "") || "/";
    if (pathname === "/v1" || pathname.startsWith("/v1/")) pathname = pathname.slice(3) || "/";
    return { path: pathname, search: url.searchParams };
  }

  findOperation(method: string, pathOrUrl: string): MatchedOperation | { problem: string } {
    const { path: apiPath } = SpotifyOpenApi.splitPath(pathOrUrl);
    const lower = method.toLowerCase();
    const candidates = this.paths.filter((p) => p.pattern.test(apiPath));
    if (candidates.length === 0) return { problem: `no path in the spec matches ${apiPath}` };
    for (const candidate of candidates) {
      const operation = candidate.item[lower] as OperationObject | undefined;
      if (!operation) continue;
      const names = [...candidate.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const values = candidate.pattern.exec(apiPath)?.slice(1) ?? [];
      const pathParams = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i] ?? "")]));
      return { template: candidate.template, method: lower, operation, pathParams };
    }
    return { problem: `${method.toUpperCase()} is not an operation of ${candidates.map((c) => c.template).join(", ")}` };
  }

  private resolve<T>(value: T | { $ref: string }): T {
    let current: unknown = value;
    for (let depth = 0; depth < 10 && typeof current === "object" && current !== null && "$ref" in current; depth++) {
      const ref = (current as { $ref: string }).$ref;
      current = ref
        .replace(/^#\//, "")
        .split("/")
        .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
        .reduce<unknown>((node, key) => (node as JsonObject)[key], this.doc);
    }
    return current as T;
  }

  private validator(pointer: string, lenient: boolean): ValidateFunction {
    const key = `${lenient ? "lenient" : "strict"}:${pointer}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = (lenient ? this.lenientAjv : this.strictAjv).compile({ $ref: `${SPEC_ID}${pointer}` });
      this.validators.set(key, validate);
    }
    return validate;
  }

  private parameters(match: MatchedOperation): ParameterObject[] {
    const pathItem = this.paths.find((p) => p.template === match.template)?.item ?? {};
    const shared = (pathItem.parameters as OperationObject["parameters"]) ?? [];
    return [...shared, ...(match.operation.parameters ?? [])].map((p) => this.resolve<ParameterObject>(p));
  }

  private checkParameterValue(parameter: ParameterObject, raw: string): string[] {
    const schema = parameter.schema ?? {};
    const where = `${parameter.in} parameter "${parameter.name}"`;
    let value: unknown = raw;
    if (schema.type === "integer" || schema.type === "number") {
      const pattern = schema.type === "integer" ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
      if (!pattern.test(raw)) return [`${where} must be ${schema.type === "integer" ? "an integer" : "a number"}, got "${raw}"`];
      value = Number(raw);
    } else if (schema.type === "boolean") {
      if (raw !== "true" && raw !== "false") return [`${where} must be true or false, got "${raw}"`];
      value = raw === "true";
    }
    let validate = this.validators.get(`param:${JSON.stringify(schema)}`);
    if (!validate) {
      validate = this.strictAjv.compile(schema);
      this.validators.set(`param:${JSON.stringify(schema)}`, validate);
    }
    return validate(value) ? [] : formatAjvErrors(validate.errors, `${where}=${raw}: `);
  }

  /** Every way the request departs from the spec (and from the README's rules); empty when it conforms. */
  checkRequest(method: string, pathOrUrl: string, query?: QueryInput, body?: unknown, options: RequestCheckOptions = {}): string[] {
    const { path: apiPath, search } = SpotifyOpenApi.splitPath(pathOrUrl);
    const label = `${method.toUpperCase()} ${apiPath}`;
    const problems: string[] = [];

    const removed = findRemovedEndpoint(method, apiPath);
    if (removed) problems.push(`${label}: ${removed.template} is ${removed.reason}`);

    const match = this.findOperation(method, apiPath);
    if ("problem" in match) return [...problems, `${label}: ${match.problem}`];
    if (match.operation.deprecated && !options.allowDeprecated && !removed) {
      problems.push(`${label}: ${match.operation.operationId ?? match.template} is deprecated`);
    }

    const parameters = this.parameters(match);
    for (const [name, value] of Object.entries(match.pathParams)) {
      const parameter = parameters.find((p) => p.in === "path" && p.name === name);
      if (value === "") problems.push(`${label}: path parameter "${name}" is empty`);
      else if (parameter) problems.push(...this.checkParameterValue(parameter, value).map((p) => `${label}: ${p}`));
    }

    const queryValues = new Map<string, string[]>();
    const addQuery = (key: string, value: string) => queryValues.set(key, [...(queryValues.get(key) ?? []), value]);
    for (const [key, value] of search) addQuery(key, value);
    if (query instanceof URLSearchParams) {
      for (const [key, value] of query) addQuery(key, value);
    } else if (query) {
      for (const [key, value] of Object.entries(query)) {
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) value.forEach((v) => addQuery(key, String(v)));
        else addQuery(key, String(value));
      }
    }
    for (const [name, values] of queryValues) {
      const parameter = parameters.find((p) => p.in === "query" && p.name === name);
      if (!parameter) {
        problems.push(`${label}: unknown query parameter "${name}"`);
        continue;
      }
      if (values.length > 1) problems.push(`${label}: query parameter "${name}" given ${values.length} times`);
      problems.push(...this.checkParameterValue(parameter, values[0]).map((p) => `${label}: ${p}`));
    }
    for (const parameter of parameters) {
      if (parameter.in === "query" && parameter.required && !queryValues.has(parameter.name)) {
        problems.push(`${label}: required query parameter "${parameter.name}" is missing`);
      }
    }

    const hasBody = body !== undefined && body !== null && body !== "";
    const requestBody = match.operation.requestBody ? this.resolve(match.operation.requestBody) : undefined;
    const bodySchema = requestBody?.content?.["application/json"]?.schema;
    if (!requestBody) {
      if (hasBody) problems.push(`${label}: the operation takes no request body`);
    } else if (!hasBody) {
      const requiredFields = (this.resolve(bodySchema ?? {}) as JsonObject).required;
      if (requestBody.required || (Array.isArray(requiredFields) && requiredFields.length > 0)) {
        problems.push(`${label}: a JSON request body is required`);
      }
    } else if (bodySchema) {
      const pointer = `#/paths/${escapePointer(match.template)}/${match.method}/requestBody/content/application~1json/schema`;
      const validate = this.validator(pointer, false);
      if (!validate(body)) problems.push(...formatAjvErrors(validate.errors, `${label}: body`));
    }

    problems.push(...readmeRules(match, queryValues, hasBody ? body : undefined).map((p) => `${label}: ${p}`));
    return problems;
  }

  /**
   * Status and JSON body against the operation's documented response. Errors the spec
   * does not list for an operation (400, 404, 5xx happen everywhere) are checked
   * against the common error shape. Local-file nulls are accepted unless `strict`.
   */
  checkResponse(method: string, pathOrUrl: string, status: number, body: unknown, options: { strict?: boolean } = {}): string[] {
    const { path: apiPath } = SpotifyOpenApi.splitPath(pathOrUrl);
    const label = `${method.toUpperCase()} ${apiPath} -> ${status}`;
    const match = this.findOperation(method, apiPath);
    if ("problem" in match) {
      // Unknown paths still have to answer with Spotify's error shape.
      return status >= 400 ? this.checkBody(label, "#/components/responses/NotFound", body, true) : [`${label}: ${match.problem}`];
    }
    const responses = match.operation.responses ?? {};
    const declared = responses[String(status)];
    let pointer: string;
    if (declared && typeof declared.$ref === "string") {
      pointer = declared.$ref;
    } else if (declared) {
      pointer = `#/paths/${escapePointer(match.template)}/${match.method}/responses/${status}`;
    } else if (status >= 400) {
      pointer = "#/components/responses/BadRequest";
    } else {
      return [`${label}: status ${status} is not documented (documented: ${Object.keys(responses).join(", ")})`];
    }
    return this.checkBody(label, pointer, body, !options.strict);
  }

  private checkBody(label: string, responsePointer: string, body: unknown, lenient: boolean): string[] {
    const response = this.resolve<JsonObject>({ $ref: responsePointer });
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    if (!content?.["application/json"]?.schema) {
      return body === undefined || body === "" ? [] : [`${label}: no body is documented, got one`];
    }
    const validate = this.validator(`${responsePointer}/content/application~1json/schema`, lenient);
    return validate(body) ? [] : formatAjvErrors(validate.errors, `${label}: body`);
  }
}

const SPOTIFY_URI = /^spotify:(track|episode):[0-9A-Za-z]{22}$/;

/** Limits the README states that the schema cannot express. */
function readmeRules(match: MatchedOperation, query: Map<string, string[]>, body: unknown): string[] {
  const problems: string[] = [];
  if (match.template === "/playlists/{playlist_id}/items" && (match.method === "post" || match.method === "put")) {
    const fromQuery = query.get("uris")?.[0]?.split(",");
    const fromBody = typeof body === "object" && body !== null ? (body as { uris?: unknown }).uris : undefined;
    const uris = fromQuery ?? (Array.isArray(fromBody) ? fromBody : undefined);
    if (match.method === "post" && !uris) problems.push("no uris given (body.uris or ?uris=)");
    if (uris && uris.length > 100) problems.push(`${uris.length} uris: at most 100 per request`);
    if (uris && uris.length === 0 && match.method === "post") problems.push("uris is empty");
    for (const uri of uris ?? []) {
      if (typeof uri !== "string" || !SPOTIFY_URI.test(uri)) problems.push(`invalid Spotify URI ${JSON.stringify(uri)}`);
    }
  }
  const offset = query.get("offset")?.[0];
  if (offset !== undefined && /^\d+$/.test(offset) && Number(offset) > 100_000) {
    problems.push(`offset ${offset} is above Spotify's maximum of 100,000`);
  }
  return problems;
}

let cachedSpec: SpotifyOpenApi | null = null;

/** The spec from shared/spotify, parsed once per process. */
export function spotifyOpenApi(): SpotifyOpenApi {
  cachedSpec ??= SpotifyOpenApi.load();
  return cachedSpec;
}

export function checkRequestAgainstSpec(
  method: string,
  pathOrUrl: string,
  query?: QueryInput,
  body?: unknown,
  options?: RequestCheckOptions,
): string[] {
  return spotifyOpenApi().checkRequest(method, pathOrUrl, query, body, options);
}

/**
 * Throws, listing every problem, unless the request is one the spec allows: the path
 * template exists for that method, query parameters are known and in range (limit ≤ 50),
 * the JSON body matches the requestBody schema, and no removed or deprecated endpoint is used.
 */
export function assertRequestMatchesSpec(
  method: string,
  pathOrUrl: string,
  query?: QueryInput,
  body?: unknown,
  options?: RequestCheckOptions,
): void {
  const problems = checkRequestAgainstSpec(method, pathOrUrl, query, body, options);
  if (problems.length > 0) throw new Error(`Request does not match the Spotify OpenAPI spec:\n- ${problems.join("\n- ")}`);
}

export function checkResponseAgainstSpec(
  method: string,
  pathOrUrl: string,
  status: number,
  body: unknown,
  options?: { strict?: boolean },
): string[] {
  return spotifyOpenApi().checkResponse(method, pathOrUrl, status, body, options);
}

export function assertResponseMatchesSpec(
  method: string,
  pathOrUrl: string,
  status: number,
  body: unknown,
  options?: { strict?: boolean },
): void {
  const problems = checkResponseAgainstSpec(method, pathOrUrl, status, body, options);
  if (problems.length > 0) throw new Error(`Response does not match the Spotify OpenAPI spec:\n- ${problems.join("\n- ")}`);
}

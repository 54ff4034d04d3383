/**
 * Production sign-in: the caller brings a JWT from the organisations' identity provider
 * (`Authorization: Bearer <JWT>`); we verify it with jose against the keys the issuer
 * publishes and map its claims to a Principal.
 *
 * Outcomes, so the HTTP layer can tell them apart:
 * - a token that is not valid for us (bad signature, wrong issuer or audience, expired,
 *   not yet valid, no exp, unknown key, malformed, no subject) -> null (answer 401);
 * - the issuer's discovery document or key set cannot be fetched -> UnavailableError
 *   (answer 503): the token may be fine, so the client should not drop it;
 * - wrong settings (issuer not a URL, plain http to a remote host, discovery naming
 *   another issuer) -> OidcConfigurationError, at construction or first use.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWSAlgorithm, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { systemClock, type Clock } from '../clock.js';
import { UnavailableError } from '../errors.js';
import { knownRoles, type Authenticator } from './authenticator.js';
import type { Principal, Role } from './principal.js';

export class OidcConfigurationError extends Error {}

export interface OidcClaimNames {
  /** The user id (default `sub`). */
  id: string;
  /** Tried in order; the first non-empty string is the display name (default name, preferred_username). */
  name: string[];
  /** Default `roles`. Dotted names reach nested claims, e.g. `realm_access.roles`. */
  roles: string;
  /** Default `organisation`. */
  organisation: string;
  /** Default `groups`. */
  groups: string;
}

export const DEFAULT_CLAIMS: OidcClaimNames = {
  id: 'sub',
  name: ['name', 'preferred_username'],
  roles: 'roles',
  organisation: 'organisation',
  groups: 'groups',
};

export interface OidcVerifierOptions {
  /** SAMENSPEL_OIDC_ISSUER. */
  issuer: string;
  /** Expected `aud`; when absent the audience is not checked. */
  audience?: string | string[];
  /** Skip discovery and take the keys from here. */
  jwksUri?: string;
  /** Leeway for exp/nbf between our clock and the issuer's (default 30 s). */
  clockToleranceSeconds?: number;
  /** Accepted signature algorithms (default: asymmetric ones only, never HS* or none). */
  algorithms?: JWSAlgorithm[];
  claims?: Partial<OidcClaimNames>;
  /** Role names of the identity provider -> Samenspel roles; unmapped names are taken as they are. */
  roleMapping?: Record<string, Role>;
  /** Timeout of each discovery and key-set fetch (default 5 s). */
  fetchTimeoutMs?: number;
  clock?: Clock;
}

const ASYMMETRIC: JWSAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** After a failed discovery, requests within this time fail fast instead of each hitting the issuer. */
const RETRY_AFTER_FAILURE_MS = 10_000;

interface KeySource {
  issuer: string;
  keys: JWTVerifyGetKey;
  reload: () => Promise<void>;
}

/** Raised inside the key function when the key set cannot be fetched (not the token's fault). */
class KeySourceUnavailable extends Error {}

export class OidcVerifier implements Authenticator {
  private readonly issuer: URL;
  private readonly options: OidcVerifierOptions;
  private readonly claims: OidcClaimNames;
  private readonly clock: Clock;
  private source: Promise<KeySource> | undefined;
  private failedAt = 0;
  private lastFailure: Error | undefined;

  constructor(options: OidcVerifierOptions) {
    this.options = options;
    this.issuer = checkedUrl(options.issuer, 'issuer');
    if (options.jwksUri !== undefined) checkedUrl(options.jwksUri, 'jwksUri');
    this.claims = { ...DEFAULT_CLAIMS, ...options.claims };
    this.clock = options.clock ?? systemClock;
  }

  /** Fetches discovery and keys now, so that main.ts can report a bad issuer at start. */
  async ready(): Promise<void> {
    const source = await this.keySource();
    await source.reload().catch(() => {
      throw new UnavailableError('oidc_unavailable', 'The identity provider\'s keys cannot be fetched');
    });
  }

  /** Same as verify: lets the HTTP layer take either this or the SessionService. */
  authenticate(token: string): Promise<Principal | null> {
    return this.verify(token);
  }

  async verify(token: string): Promise<Principal | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 16 * 1024) return null;
    const source = await this.keySource();
    try {
      const { payload } = await jwtVerify(token, source.keys, {
        issuer: source.issuer,
        ...(this.options.audience === undefined ? {} : { audience: this.options.audience }),
        algorithms: this.options.algorithms ?? ASYMMETRIC,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        currentDate: this.clock.now(),
        // A token without exp would never expire.
        requiredClaims: ['exp'],
      });
      return this.principal(payload);
    } catch (error) {
      if (error instanceof KeySourceUnavailable) {
        throw new UnavailableError('oidc_unavailable', 'The identity provider\'s keys cannot be fetched');
      }
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }

  private principal(payload: JWTPayload): Principal | null {
    const id = text(claim(payload, this.claims.id));
    if (!id) return null;
    const name = this.claims.name.map((n) => text(claim(payload, n))).find((n) => n !== null) ?? id;
    const mapping = this.options.roleMapping ?? {};
    const roles = knownRoles(list(claim(payload, this.claims.roles)).map((role) => (Object.hasOwn(mapping, role) ? mapping[role] : role)));
    const organisationClaim = claim(payload, this.claims.organisation);
    const organisation = text(Array.isArray(organisationClaim) && organisationClaim.length === 1 ? organisationClaim[0] : organisationClaim);
    const groups = [...new Set(list(claim(payload, this.claims.groups)))];
    return { id, name, roles, organisation, groups };
  }

  private keySource(): Promise<KeySource> {
    if (!this.source && this.lastFailure && this.clock.now().getTime() - this.failedAt < RETRY_AFTER_FAILURE_MS) {
      return Promise.reject(this.lastFailure);
    }
    this.source ??= this.discover().catch((error: Error) => {
      this.source = undefined;
      this.failedAt = this.clock.now().getTime();
      this.lastFailure = error;
      throw error;
    });
    return this.source;
  }

  private async discover(): Promise<KeySource> {
    const timeoutDuration = this.options.fetchTimeoutMs ?? 5000;
    let issuer = this.options.issuer;
    let jwksUri = this.options.jwksUri;
    if (jwksUri === undefined) {
      const base = this.issuer.href.replace(/\/+$/, '');
      const document = await fetchJson(`${base}/.well-known/openid-configuration`, timeoutDuration);
      // OIDC Discovery 1.0 §4.3: the document must name the issuer we asked; a trailing
      // slash is forgiven, and tokens are then checked against the document's spelling.
      if (typeof document.issuer !== 'string' || document.issuer.replace(/\/+$/, '') !== this.options.issuer.replace(/\/+$/, '')) {
        throw new OidcConfigurationError(`the discovery document of ${this.options.issuer} names another issuer (${String(document.issuer)})`);
      }
      if (typeof document.jwks_uri !== 'string') {
        throw new OidcConfigurationError(`the discovery document of ${this.options.issuer} has no jwks_uri`);
      }
      issuer = document.issuer;
      jwksUri = document.jwks_uri;
    }
    const remote = createRemoteJWKSet(checkedUrl(jwksUri, 'jwks_uri'), { timeoutDuration });
    const keys: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // An unknown kid is the token's problem; anything else is about fetching the set.
        if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) throw error;
        throw new KeySourceUnavailable(error instanceof Error ? error.message : String(error));
      }
    };
    return { issuer, keys, reload: () => remote.reload() };
  }
}

async function fetchJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
  } catch {
    throw new UnavailableError('oidc_unavailable', 'The identity provider cannot be reached');
  }
  if (response.status !== 200) throw new UnavailableError('oidc_unavailable', `The identity provider answered ${response.status} for its discovery document`);
  const body: unknown = await response.json().catch(() => null);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new UnavailableError('oidc_unavailable', 'The identity provider\'s discovery document is not JSON');
  }
  return body as Record<string, unknown>;
}

/** https only, except to this machine (a local identity provider, tests). */
function checkedUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcConfigurationError(`the OIDC ${what} "${value}" is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new OidcConfigurationError(`the OIDC ${what} "${value}" must use https`);
  }
  return url;
}

/** A claim by its exact name, else by a dotted path into nested objects. */
function claim(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Arrays of strings, or one string separated by spaces or commas. */
function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return items.map(text).filter((item): item is string => item !== null);
}

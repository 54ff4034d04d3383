import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { OidcConfigurationError, OidcVerifier, type OidcVerifierOptions } from '../../../src/access/oidc-verifier.js';
import { ManualClock } from '../../../src/clock.js';
import { UnavailableError } from '../../../src/errors.js';

const NOW = new Date('2026-03-02T08:00:00.000Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

/** A tiny identity provider on 127.0.0.1: discovery document and key set. */
class LocalIssuer {
  server!: Server;
  base = '';
  requests: string[] = [];
  discoveryIssuer: string | null = null;

  constructor(private readonly jwks: () => unknown) {}

  get issuer(): string {
    return `${this.base}/realms/samenspel`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push(request.url ?? '');
      if (request.url === '/realms/samenspel/.well-known/openid-configuration') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ issuer: this.discoveryIssuer ?? this.issuer, jwks_uri: `${this.issuer}/protocol/openid-connect/certs` }));
      } else if (request.url === '/realms/samenspel/protocol/openid-connect/certs') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(this.jwks()));
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('OidcVerifier', () => {
  let key: { privateKey: CryptoKey; publicKey: CryptoKey };
  let otherKey: { privateKey: CryptoKey; publicKey: CryptoKey };
  let idp: LocalIssuer;
  const clock = new ManualClock(NOW);

  before(async () => {
    key = await generateKeyPair('ES256', { extractable: true });
    otherKey = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = { ...(await exportJWK(key.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    idp = new LocalIssuer(() => ({ keys: [publicJwk] }));
    await idp.start();
  });

  after(() => idp.stop());

  beforeEach(() => {
    idp.requests = [];
    idp.discoveryIssuer = null;
  });

  function verifier(options: Partial<OidcVerifierOptions> = {}): OidcVerifier {
    return new OidcVerifier({ issuer: idp.issuer, clock, ...options });
  }

  const claims: JWTPayload = {
    sub: 'u-123',
    name: 'Rechercheur Jansen',
    preferred_username: 'rjansen',
    roles: ['case-worker'],
    organisation: 'politie',
    groups: ['politie-hgkm'],
  };

  async function token(
    payload: JWTPayload = claims,
    options: { issuer?: string; exp?: number; nbf?: number; kid?: string; signWith?: CryptoKey; audience?: string } = {},
  ): Promise<string> {
    const jwt = new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'key-1' })
      .setIssuer(options.issuer ?? idp.issuer)
      .setIssuedAt(nowSeconds - 60)
      .setExpirationTime(options.exp ?? nowSeconds + 300);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    if (options.audience !== undefined) jwt.setAudience(options.audience);
    return jwt.sign(options.signWith ?? key.privateKey);
  }

  it('should map a valid token to a Principal', async () => {
    expect(await verifier().verify(await token())).to.deep.equal({
      id: 'u-123',
      name: 'Rechercheur Jansen',
      roles: ['case-worker'],
      organisation: 'politie',
      groups: ['politie-hgkm'],
    });
  });

  it('should find the keys through the discovery document once, then reuse them', async () => {
    const oidc = verifier();
    await oidc.verify(await token());
    await oidc.verify(await token());

    expect(idp.requests).to.deep.equal([
      '/realms/samenspel/.well-known/openid-configuration',
      '/realms/samenspel/protocol/openid-connect/certs',
    ]);
  });

  it('should take the keys from an explicit JWKS URL without discovery', async () => {
    const oidc = verifier({ jwksUri: `${idp.issuer}/protocol/openid-connect/certs` });

    expect(await oidc.verify(await token())).to.not.equal(null);
    expect(idp.requests).to.deep.equal(['/realms/samenspel/protocol/openid-connect/certs']);
  });

  it('should answer null for a token of another issuer', async () => {
    expect(await verifier().verify(await token(claims, { issuer: 'https://evil.example/realms/samenspel' }))).to.equal(null);
  });

  it('should answer null for an expired token, allowing a small clock difference', async () => {
    const oidc = verifier({ clockToleranceSeconds: 30 });

    expect(await oidc.verify(await token(claims, { exp: nowSeconds - 10 }))).to.not.equal(null);
    expect(await oidc.verify(await token(claims, { exp: nowSeconds - 31 }))).to.equal(null);
  });

  it('should answer null for a token that is not valid yet', async () => {
    expect(await verifier().verify(await token(claims, { nbf: nowSeconds + 120 }))).to.equal(null);
  });

  it('should answer null for a token signed with another key under the published key id', async () => {
    expect(await verifier().verify(await token(claims, { signWith: otherKey.privateKey }))).to.equal(null);
  });

  it('should answer null for a token whose key id the issuer does not publish', async () => {
    expect(await verifier().verify(await token(claims, { kid: 'key-2', signWith: otherKey.privateKey }))).to.equal(null);
  });

  it('should answer null for unsigned, symmetric-key and malformed tokens', async () => {
    const oidc = verifier();
    const header = (object: object) => Buffer.from(JSON.stringify(object)).toString('base64url');
    const body = header({ ...claims, iss: idp.issuer, exp: nowSeconds + 300 });
    const unsigned = `${header({ alg: 'none' })}.${body}.`;
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(idp.issuer)
      .setExpirationTime(nowSeconds + 300)
      .sign(new TextEncoder().encode('a shared secret of at least 32 bytes!'));

    for (const bad of [unsigned, hs256, 'garbage', 'a.b.c', '']) {
      expect(await oidc.verify(bad), bad).to.equal(null);
    }
  });

  it('should answer null for a token without subject or without expiry', async () => {
    const { sub: _sub, ...withoutSub } = claims;
    expect(await verifier().verify(await token(withoutSub))).to.equal(null);

    const noExp = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'key-1' }).setIssuer(idp.issuer).sign(key.privateKey);
    expect(await verifier().verify(noExp)).to.equal(null);
  });

  it('should check the audience when one is configured', async () => {
    const oidc = verifier({ audience: 'samenspel' });

    expect(await oidc.verify(await token(claims, { audience: 'samenspel' }))).to.not.equal(null);
    expect(await oidc.verify(await token(claims, { audience: 'another-app' }))).to.equal(null);
    expect(await oidc.verify(await token(claims))).to.equal(null);
  });

  it('should drop roles it does not know', async () => {
    const principal = await verifier().verify(await token({ ...claims, roles: ['case-worker', 'superuser', 'offline_access', 'auditor'] }));

    expect(principal!.roles).to.deep.equal(['case-worker', 'auditor']);
  });

  it('should accept roles and groups as space- or comma-separated strings', async () => {
    const principal = await verifier().verify(
      await token({ ...claims, roles: 'case-worker administrator', groups: 'politie-hgkm, politie-basisteam,politie-hgkm' }),
    );

    expect(principal!.roles).to.deep.equal(['case-worker', 'administrator']);
    expect(principal!.groups).to.deep.equal(['politie-hgkm', 'politie-basisteam']);
  });

  it('should fall back to preferred_username and then the subject for the name', async () => {
    const { name: _name, ...noName } = claims;
    expect((await verifier().verify(await token(noName)))!.name).to.equal('rjansen');

    const { preferred_username: _username, ...noNames } = noName;
    expect((await verifier().verify(await token(noNames)))!.name).to.equal('u-123');
  });

  it('should read configured claim names, nested claims and mapped role names', async () => {
    const oidc = verifier({
      claims: { id: 'employee_id', roles: 'realm_access.roles', organisation: 'org', groups: 'samenspel_groups', name: ['display'] },
      roleMapping: { 'samenspel-beheer': 'administrator', 'samenspel-medewerker': 'case-worker' },
    });
    const principal = await oidc.verify(
      await token({
        sub: 'ignored',
        employee_id: 'E-77',
        display: 'Beheerder',
        realm_access: { roles: ['samenspel-beheer', 'samenspel-medewerker', 'uma_authorization'] },
        org: 'om',
        samenspel_groups: ['om-officier'],
      }),
    );

    expect(principal).to.deep.equal({
      id: 'E-77',
      name: 'Beheerder',
      roles: ['administrator', 'case-worker'],
      organisation: 'om',
      groups: ['om-officier'],
    });
  });

  it('should give no organisation and no groups when the claims are missing', async () => {
    const principal = await verifier().verify(await token({ sub: 'u-9', roles: ['auditor'] }));

    expect(principal).to.deep.equal({ id: 'u-9', name: 'u-9', roles: ['auditor'], organisation: null, groups: [] });
  });

  it('should throw UnavailableError, not answer null, when the issuer cannot be reached', async () => {
    const down = new OidcVerifier({ issuer: 'http://127.0.0.1:9/realms/none', clock, fetchTimeoutMs: 2000 });
    let error: unknown;
    try {
      await down.verify(await token());
    } catch (caught) {
      error = caught;
    }

    expect(error).to.be.instanceOf(UnavailableError);
  });

  it('should throw UnavailableError when the key set cannot be fetched', async () => {
    const oidc = verifier({ jwksUri: `${idp.issuer}/no-such-keys` });
    let error: unknown;
    try {
      await oidc.verify(await token());
    } catch (caught) {
      error = caught;
    }

    expect(error).to.be.instanceOf(UnavailableError);
  });

  it('should refuse a discovery document that names another issuer', async () => {
    idp.discoveryIssuer = 'https://evil.example/realms/samenspel';
    let error: unknown;
    try {
      await verifier().verify(await token());
    } catch (caught) {
      error = caught;
    }

    expect(error).to.be.instanceOf(OidcConfigurationError);
  });

  it('should refuse an issuer that is not a URL or uses plain http to another host', () => {
    expect(() => new OidcVerifier({ issuer: 'not a url' })).to.throw(OidcConfigurationError);
    expect(() => new OidcVerifier({ issuer: 'http://idp.example/realms/samenspel' })).to.throw(OidcConfigurationError);
    expect(() => new OidcVerifier({ issuer: 'https://idp.example/realms/samenspel' })).to.not.throw();
  });

  it('should load discovery and keys on ready()', async () => {
    await verifier().ready();

    expect(idp.requests).to.have.length(2);
  });
});

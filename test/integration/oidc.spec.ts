import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { errorCode, startTestServer, START_TIME, type TestServer } from './support/integration-kit.js';

/** A minimal identity provider: discovery document and key set on 127.0.0.1. */
async function startIdentityProvider(publicJwk: Record<string, unknown>): Promise<{ issuer: string; server: Server }> {
  let issuer = '';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [publicJwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, server };
}

describe('integration: OIDC bearer tokens (production sign-in)', () => {
  let t: TestServer;
  let idp: { issuer: string; server: Server };
  let key: CryptoKey;
  let strangerKey: CryptoKey;

  const jwt = (claims: Record<string, unknown>, signWith: CryptoKey = key) => {
    const now = Math.floor(Date.parse(START_TIME) / 1000);
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(idp.issuer).setIssuedAt(now).setExpirationTime(now + 600).sign(signWith);
  };

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    idp = await startIdentityProvider({ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' });
    t = await startTestServer({ env: { SAMENSPEL_OIDC_ISSUER: idp.issuer, SAMENSPEL_DEMO_USERS: 'off' }, files: {} });
  });
  after(async () => {
    await t?.close();
    await new Promise<void>((resolve) => idp.server.close(() => resolve()));
  });

  it('should take the caller from a token of the issuer: roles, organisation and groups from its claims', async () => {
    const token = await jwt({ sub: 'u-1234', name: 'Triagist via IdP', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-triage'] });
    const me = await t.call('GET', '/api/me', { as: { token } });
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.equal({ id: 'u-1234', name: 'Triagist via IdP', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-triage'] });
    expect((await t.call('GET', '/api/tasks', { as: { token } })).status).to.equal(200);
  });

  it('should answer 401 to a token signed by another key, and 403 where its roles grant nothing', async () => {
    const forged = await jwt({ sub: 'u-1', roles: ['administrator'] }, strangerKey);
    expect((await t.call('GET', '/api/me', { as: { token: forged } })).status).to.equal(401);
    const nobody = await jwt({ sub: 'u-2', roles: ['superuser'] });
    const answer = await t.call('GET', '/api/instances', { as: { token: nobody } });
    expect(answer.status).to.equal(403);
  });

  it('should switch local sign-in off', async () => {
    const answer = await t.call('POST', '/api/session', { as: false, json: { username: 'admin', password: 'admin' } });
    expect([answer.status, errorCode(answer)]).to.deep.equal([401, 'local_sign_in_disabled']);
  });

  it('should refuse to start with an issuer that is not https', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SAMENSPEL_DATA_DIR: `${t.dataDir}-bad`, SAMENSPEL_OIDC_ISSUER: 'http://idp.example.org' });
    let error: unknown;
    try {
      await startServer(config, { logger: (await import('pino')).pino({ level: 'silent' }) });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(/^configuration: SAMENSPEL_OIDC_ISSUER .*https/);
  });
});

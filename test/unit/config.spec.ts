import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('should fall back to the embedded defaults', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.dataDir).to.equal(path.resolve('./data'));
    expect(config.demoUsers).to.equal(true);
    expect(config.oidc).to.equal(null);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.trustProxy).to.equal(false);
    expect(config.workers).to.equal(os.availableParallelism());
  });

  it('should run as many worker processes as SAMENSPEL_WORKERS says', () => {
    expect(loadConfig({ SAMENSPEL_WORKERS: '1' }).workers).to.equal(1);
    expect(loadConfig({ SAMENSPEL_WORKERS: '4' }).workers).to.equal(4);
  });

  it('should read the proxy trust as a switch, a hop count or addresses', () => {
    expect(loadConfig({ SAMENSPEL_TRUST_PROXY: 'on' }).trustProxy).to.equal(true);
    expect(loadConfig({ SAMENSPEL_TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ SAMENSPEL_TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy).to.equal('10.0.0.1, 10.0.0.2');
    expect(() => loadConfig({ SAMENSPEL_TRUST_PROXY: 'yes please' })).to.throw(ConfigError, 'SAMENSPEL_TRUST_PROXY');
  });

  it('should read and convert the variables it knows', () => {
    const config = loadConfig({
      PORT: '8080',
      SAMENSPEL_DATA_DIR: '/var/lib/samenspel',
      SAMENSPEL_DEMO_USERS: 'off',
      SAMENSPEL_EXTRA_HOLIDAYS: '2026-12-24, 2026-12-31',
      SAMENSPEL_WEBHOOKS: '{"politie":{"url":"https://politie.example/hook","secret":"0123456789abcdef"}}',
      SAMENSPEL_OIDC_ISSUER: 'https://login.example/realm',
    });
    expect(config.port).to.equal(8080);
    expect(config.dataDir).to.equal('/var/lib/samenspel');
    expect(config.demoUsers).to.equal(false);
    expect(config.extraHolidays).to.deep.equal(['2026-12-24', '2026-12-31']);
    expect(config.webhooks.politie.url).to.equal('https://politie.example/hook');
    expect(config.oidc?.issuer).to.equal('https://login.example/realm');
    expect(config.oidc?.claims.roles).to.equal('roles');
  });

  const bad: [string, Record<string, string>][] = [
    ['PORT', { PORT: 'drieduizend' }],
    ['PORT', { PORT: '70000' }],
    ['SAMENSPEL_DEMO_USERS', { SAMENSPEL_DEMO_USERS: 'maybe' }],
    ['SAMENSPEL_EXTRA_HOLIDAYS', { SAMENSPEL_EXTRA_HOLIDAYS: '24-12-2026' }],
    ['SAMENSPEL_WEBHOOKS', { SAMENSPEL_WEBHOOKS: '{not json' }],
    ['SAMENSPEL_WEBHOOKS', { SAMENSPEL_WEBHOOKS: '{"om":{"url":"ftp://x","secret":"0123456789abcdef"}}' }],
    ['SAMENSPEL_OIDC_ISSUER', { SAMENSPEL_OIDC_ISSUER: 'not a url' }],
    ['MONGODB_URI', { MONGODB_URI: 'postgres://db' }],
    ['SAMENSPEL_WORKERS', { SAMENSPEL_WORKERS: '0' }],
    ['SAMENSPEL_WORKERS', { SAMENSPEL_WORKERS: 'two' }],
  ];
  for (const [variable, env] of bad) {
    it(`should stop with a message naming ${variable} for ${JSON.stringify(Object.values(env)[0])}`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, variable);
    });
  }
});

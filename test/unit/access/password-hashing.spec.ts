import { expect } from 'chai';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, TEST_SCRYPT, verifyPassword } from '../../../src/access/password-hashing.js';

describe('password hashing', () => {
  it('should store scrypt with its parameters, salt and hash as scrypt$N$r$p$salt$hash', async () => {
    const stored = await hashPassword('geheim', { N: 1024, r: 8, p: 1 });

    const parts = stored.split('$');
    expect(parts).to.have.length(6);
    expect(parts.slice(0, 4)).to.deep.equal(['scrypt', '1024', '8', '1']);
    expect(Buffer.from(parts[4], 'base64')).to.have.length(16);
    expect(Buffer.from(parts[5], 'base64')).to.have.length(32);
  });

  it('should hash and verify at the default cost, above Node\'s default scrypt memory limit', async () => {
    const stored = await hashPassword('geheim');

    expect(stored.startsWith(`scrypt$${DEFAULT_SCRYPT.N}$${DEFAULT_SCRYPT.r}$${DEFAULT_SCRYPT.p}$`)).to.equal(true);
    expect(await verifyPassword('geheim', stored)).to.equal(true);
  });

  it('should use a fresh random salt for every hash of the same password', async () => {
    const [a, b] = await Promise.all([hashPassword('geheim', TEST_SCRYPT), hashPassword('geheim', TEST_SCRYPT)]);

    expect(a).to.not.equal(b);
    expect(await verifyPassword('geheim', a)).to.equal(true);
    expect(await verifyPassword('geheim', b)).to.equal(true);
  });

  it('should accept the right password and refuse any other', async () => {
    const stored = await hashPassword('vt-triagist', TEST_SCRYPT);

    expect(await verifyPassword('vt-triagist', stored)).to.equal(true);
    expect(await verifyPassword('vt-triagist ', stored)).to.equal(false);
    expect(await verifyPassword('VT-triagist', stored)).to.equal(false);
    expect(await verifyPassword('', stored)).to.equal(false);
  });

  it('should verify with the parameters written in the stored string, not the current defaults', async () => {
    const older = await hashPassword('geheim', { N: 256, r: 4, p: 2 });

    expect(await verifyPassword('geheim', older)).to.equal(true);
    expect(needsRehash(older, TEST_SCRYPT)).to.equal(true);
    expect(needsRehash(await hashPassword('geheim', TEST_SCRYPT), TEST_SCRYPT)).to.equal(false);
  });

  it('should treat the same password in composed and decomposed Unicode as equal', async () => {
    const stored = await hashPassword('caf\u00e9', TEST_SCRYPT);

    expect(await verifyPassword('cafe\u0301', stored)).to.equal(true);
  });

  it('should answer no match, never throw, for malformed or abusive stored strings', async () => {
    const good = await hashPassword('geheim', TEST_SCRYPT);
    const [, , , , salt, hash] = good.split('$');
    const broken = [
      '',
      'geheim',
      'bcrypt$16$8$1$' + salt + '$' + hash,
      'scrypt$16$8$1$' + salt,
      'scrypt$15$8$1$' + salt + '$' + hash, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, // would need gigabytes
      'scrypt$16$8$1$***$' + hash,
      'scrypt$16$8$1$' + salt + '$',
    ];

    for (const stored of broken) {
      expect(await verifyPassword('geheim', stored), stored).to.equal(false);
    }
  });

  it('should refuse to hash with invalid parameters', async () => {
    let error: unknown;
    try {
      await hashPassword('geheim', { N: 1000, r: 8, p: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(Error);
  });
});

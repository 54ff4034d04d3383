import { expect } from 'chai';
import { knownRoles, parseBearer, principalFromUser } from '../../../src/access/authenticator.js';

describe('authenticator helpers', () => {
  it('should take the token from an Authorization: Bearer header', () => {
    expect(parseBearer('Bearer abc.DEF-ghi_jkl')).to.equal('abc.DEF-ghi_jkl');
    expect(parseBearer('bearer abc')).to.equal('abc');
  });

  it('should answer null for a missing, other-scheme, empty or oversized header', () => {
    for (const header of [undefined, null, '', 'Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer ', 'Bearer a b', `Bearer ${'a'.repeat(17_000)}`]) {
      expect(parseBearer(header), String(header).slice(0, 30)).to.equal(null);
    }
  });

  it('should keep only known roles, once each', () => {
    expect(knownRoles(['auditor', 'root', 'auditor', 7, 'case-worker'])).to.deep.equal(['auditor', 'case-worker']);
  });

  it('should turn a user record into a Principal without its password hash', () => {
    const principal = principalFromUser({
      id: 'agent',
      name: 'Agent',
      passwordHash: 'scrypt$...',
      roles: ['case-worker'],
      organisation: 'politie',
      groups: ['politie-basisteam'],
      disabled: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    });

    expect(principal).to.deep.equal({ id: 'agent', name: 'Agent', roles: ['case-worker'], organisation: 'politie', groups: ['politie-basisteam'] });
  });
});

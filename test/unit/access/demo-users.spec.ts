import { expect } from 'chai';
import {
  DEMO_USERS,
  disableDemoUsers,
  GROUP_ORGANISATION,
  ORGANISATIONS,
  seedDemoUsers,
} from '../../../src/access/demo-users.js';
import { hashPassword, TEST_SCRYPT, verifyPassword } from '../../../src/access/password-hashing.js';
import { ManualClock } from '../../../src/clock.js';
import { FakeUserStore } from './fakes.js';

describe('demo users', () => {
  it('should list one demo user per group of DOMAIN.md with the right organisation', () => {
    const byId = Object.fromEntries(DEMO_USERS.map((user) => [user.id, user]));
    const expected: [string, string, string][] = [
      ['vt-frontoffice', 'veilig-thuis', 'vt-frontoffice'],
      ['vt-triagist', 'veilig-thuis', 'vt-triage'],
      ['vt-onderzoeker', 'veilig-thuis', 'vt-onderzoek'],
      ['vt-teamleider', 'veilig-thuis', 'vt-teamleider'],
      ['agent', 'politie', 'politie-basisteam'],
      ['rechercheur', 'politie', 'politie-hgkm'],
      ['hulpofficier', 'politie', 'politie-hulpofficier'],
      ['officier', 'om', 'om-officier'],
      ['raadsonderzoeker', 'rvdk', 'rvdk-onderzoek'],
      ['reclasseerder', 'reclassering', 'reclassering-advies'],
      ['burgemeester', 'gemeente', 'gemeente-burgemeester'],
    ];
    for (const [id, organisation, group] of expected) {
      expect(byId[id], id).to.deep.include({ roles: ['case-worker'], organisation, groups: [group] });
    }
    expect(byId.eigenaar).to.deep.include({ roles: ['process-owner'], organisation: null, groups: [] });
    expect(byId.admin).to.deep.include({ roles: ['administrator'], organisation: null, groups: [] });
    expect(byId.auditor).to.deep.include({ roles: ['auditor'], organisation: null, groups: [] });
    expect(DEMO_USERS).to.have.length(14);
  });

  it('should map every group to an organisation of the organisation list', () => {
    const ids = ORGANISATIONS.map((organisation) => organisation.id);
    expect(ids).to.deep.equal(['veilig-thuis', 'politie', 'om', 'rvdk', 'reclassering', 'gemeente']);
    for (const [group, organisation] of Object.entries(GROUP_ORGANISATION)) expect(ids, group).to.include(organisation);
    for (const user of DEMO_USERS) {
      for (const group of user.groups) expect(GROUP_ORGANISATION[group], group).to.equal(user.organisation);
    }
    for (const organisation of ORGANISATIONS) {
      expect(organisation.nameNl).to.be.a('string').and.not.empty;
      expect(organisation.nameEn).to.be.a('string').and.not.empty;
    }
  });

  it('should seed the missing demo users with their user name as password', async () => {
    const users = new FakeUserStore();
    const clock = new ManualClock('2026-03-02T08:00:00.000Z');

    const created = await seedDemoUsers(users, clock, { scrypt: TEST_SCRYPT });

    expect(created).to.have.length(14);
    const triagist = await users.getUser('vt-triagist');
    expect(triagist).to.deep.include({ disabled: false, createdAt: '2026-03-02T08:00:00.000Z', organisation: 'veilig-thuis' });
    expect(await verifyPassword('vt-triagist', triagist!.passwordHash!)).to.equal(true);
    expect(await verifyPassword('admin', (await users.getUser('admin'))!.passwordHash!)).to.equal(true);
  });

  it('should leave existing users alone when seeding again', async () => {
    const users = new FakeUserStore();
    const clock = new ManualClock();
    await seedDemoUsers(users, clock, { scrypt: TEST_SCRYPT });
    const admin = (await users.getUser('admin'))!;
    await users.putUser({ ...admin, passwordHash: await hashPassword('a better password', TEST_SCRYPT) });
    await users.users.delete('agent');

    const created = await seedDemoUsers(users, clock, { scrypt: TEST_SCRYPT });

    expect(created).to.deep.equal(['agent']);
    expect(await verifyPassword('a better password', (await users.getUser('admin'))!.passwordHash!)).to.equal(true);
  });

  it('should disable, when demo users are switched off, only those that still have their public password', async () => {
    const users = new FakeUserStore();
    await seedDemoUsers(users, new ManualClock(), { scrypt: TEST_SCRYPT });
    const admin = (await users.getUser('admin'))!;
    await users.putUser({ ...admin, passwordHash: await hashPassword('a better password', TEST_SCRYPT) });

    const disabled = await disableDemoUsers(users);

    expect(disabled).to.have.length(13).and.not.include('admin');
    expect((await users.getUser('agent'))!.disabled).to.equal(true);
    expect((await users.getUser('admin'))!.disabled).to.equal(false);
  });
});

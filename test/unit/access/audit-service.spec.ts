import { expect } from 'chai';
import { auditHash, AuditService, canonicalJson } from '../../../src/access/audit-service.js';
import type { Principal } from '../../../src/access/principal.js';
import { ManualClock } from '../../../src/clock.js';
import type { AuditEntryInput } from '../../../src/store/port.js';
import { FakeAuditStore } from './fakes.js';

const triagist: Principal = { id: 'vt-triagist', name: 'T', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-triage'] };

function entry(n: number): AuditEntryInput {
  return {
    at: `2026-03-02T08:00:${String(n % 60).padStart(2, '0')}.000Z`,
    actor: n % 2 ? 'vt-triagist' : 'agent',
    role: 'case-worker',
    organisation: n % 2 ? 'veilig-thuis' : 'politie',
    action: 'instance.read',
    resource: `instance/case-${n}`,
    instanceId: `case-${n}`,
    outcome: 'allowed',
    details: { taskId: `t-${n}` },
  };
}

describe('AuditService', () => {
  let store: FakeAuditStore;
  let audit: AuditService;
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');

  beforeEach(() => {
    store = new FakeAuditStore();
    audit = new AuditService(store, clock);
  });

  async function fill(count: number): Promise<void> {
    for (let n = 1; n <= count; n++) await audit.record(entry(n));
  }

  describe('record', () => {
    it('should chain entries: genesis prevHash is empty, each next prevHash is the previous hash', async () => {
      await fill(3);

      const [first, second, third] = store.entries;
      expect(first).to.deep.include({ seq: 1, prevHash: '' });
      expect(second.prevHash).to.equal(first.hash);
      expect(third.prevHash).to.equal(second.hash);
      expect(first.hash).to.match(/^[0-9a-f]{64}$/);
    });

    it('should hash the previous hash, the seq and the canonical JSON of the entry', () => {
      const a = auditHash('', 1, entry(1));

      expect(a).to.equal(auditHash('', 1, { ...entry(1) }));
      expect(auditHash('', 2, entry(1))).to.not.equal(a);
      expect(auditHash('x', 1, entry(1))).to.not.equal(a);
      expect(auditHash('', 1, { ...entry(1), outcome: 'denied' })).to.not.equal(a);
    });

    it('should not depend on the order of keys', () => {
      const reversed = Object.fromEntries(Object.entries(entry(1)).reverse()) as unknown as AuditEntryInput;

      expect(auditHash('', 1, reversed)).to.equal(auditHash('', 1, entry(1)));
      expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).to.equal('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    });

    it('should record what a caller did, with actor, roles, organisation and the current time', async () => {
      const stored = await audit.recordFor(triagist, { action: 'task.complete', resource: 'task/t-1', instanceId: 'case-1', outcome: 'allowed' });

      expect(stored).to.deep.include({
        at: '2026-03-02T08:00:00.000Z',
        actor: 'vt-triagist',
        role: 'case-worker',
        organisation: 'veilig-thuis',
        action: 'task.complete',
        resource: 'task/t-1',
        instanceId: 'case-1',
        outcome: 'allowed',
        seq: 1,
      });
    });

    it('should refuse details that could carry case data: nested values and long texts', async () => {
      const attempts: Record<string, unknown>[] = [
        { variables: { melder: { naam: 'A. de Vries' } } },
        { names: ['A', 'B'] },
        { note: 'x'.repeat(201) },
      ];
      for (const details of attempts) {
        let error: unknown;
        try {
          await audit.record({ ...entry(1), details: details as AuditEntryInput['details'] });
        } catch (caught) {
          error = caught;
        }
        expect(error, JSON.stringify(details)).to.be.instanceOf(Error);
      }
      expect(store.entries).to.have.length(0);
    });

    it('should store only the fields of an audit entry', async () => {
      await audit.record({ ...entry(1), variables: { secret: 1 } } as AuditEntryInput);

      expect(store.entries[0]).to.not.have.property('variables');
    });
  });

  describe('verify', () => {
    it('should report an intact chain as valid, with the number of entries', async () => {
      await fill(5);

      expect(await audit.verify()).to.deep.equal({ valid: true, entries: 5, lastHash: store.entries[4].hash });
    });

    it('should report an empty log as valid', async () => {
      expect(await audit.verify()).to.deep.equal({ valid: true, entries: 0, lastHash: '' });
    });

    it('should scan a chain longer than one page', async () => {
      await fill(1203);

      expect(await audit.verify()).to.deep.include({ valid: true, entries: 1203 });
    });

    const fields: [string, (e: Record<string, unknown>) => void][] = [
      ['at', (e) => (e.at = '2026-03-03T00:00:00.000Z')],
      ['actor', (e) => (e.actor = 'admin')],
      ['role', (e) => (e.role = 'administrator')],
      ['organisation', (e) => (e.organisation = 'om')],
      ['action', (e) => (e.action = 'instance.cancel')],
      ['resource', (e) => (e.resource = 'instance/other')],
      ['instanceId', (e) => (e.instanceId = 'other')],
      ['outcome', (e) => (e.outcome = 'denied')],
      ['details', (e) => (e.details = { taskId: 't-999' })],
      ['details removed', (e) => delete e.details],
      ['prevHash', (e) => (e.prevHash = 'f'.repeat(64))],
      ['hash', (e) => (e.hash = '0'.repeat(64))],
    ];
    for (const [field, tamper] of fields) {
      it(`should detect a changed ${field} at that entry`, async () => {
        await fill(5);
        tamper(store.entries[2] as unknown as Record<string, unknown>);

        expect(await audit.verify()).to.deep.include({ valid: false, firstBrokenAt: 3 });
      });
    }

    it('should detect a changed entry whose hash was recomputed, at the next entry', async () => {
      await fill(5);
      const third = store.entries[2];
      third.outcome = 'denied';
      third.hash = auditHash(third.prevHash, third.seq, third);

      expect(await audit.verify()).to.deep.include({ valid: false, firstBrokenAt: 4 });
    });

    it('should detect a deleted entry', async () => {
      await fill(5);
      store.entries.splice(2, 1);

      expect(await audit.verify()).to.deep.include({ valid: false, entries: 4, firstBrokenAt: 4 });
    });

    it('should detect a deleted entry whose successors were renumbered', async () => {
      await fill(5);
      store.entries.splice(2, 1);
      store.entries.forEach((e, index) => (e.seq = index + 1));

      expect(await audit.verify()).to.deep.include({ valid: false, firstBrokenAt: 3 });
    });

    it('should detect two entries that swapped places', async () => {
      await fill(5);
      const [third, fourth] = [store.entries[2], store.entries[3]];
      [third.seq, fourth.seq] = [fourth.seq, third.seq];

      expect(await audit.verify()).to.deep.include({ valid: false, firstBrokenAt: 3 });
    });

    it('should report the first break when there are several', async () => {
      await fill(6);
      store.entries[4].actor = 'x';
      store.entries[1].actor = 'y';

      expect(await audit.verify()).to.deep.include({ valid: false, entries: 6, firstBrokenAt: 2 });
    });
  });
});

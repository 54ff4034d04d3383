import { expect } from 'chai';
import { DEMO_USERS } from '../../../src/access/demo-users.js';
import {
  authorize,
  can,
  decide,
  mayStart,
  readableDefinitions,
  seesCase,
  taskQueryScope,
  type CaseContext,
  type PolicyAction,
  type TaskLike,
} from '../../../src/access/policy.js';
import type { Principal } from '../../../src/access/principal.js';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '../../../src/errors.js';

function user(id: string): Principal {
  const demo = DEMO_USERS.find((candidate) => candidate.id === id)!;
  return { id: demo.id, name: demo.name, roles: [...demo.roles], organisation: demo.organisation, groups: [...demo.groups] };
}

const triagist = user('vt-triagist');
const frontoffice = user('vt-frontoffice');
const agent = user('agent');
const officier = user('officier');
const admin = user('admin');
const owner = user('eigenaar');
const auditor = user('auditor');

function task(overrides: Partial<TaskLike> = {}): TaskLike {
  return { id: 't-1', state: 'open', assignee: null, candidateGroups: ['vt-triage'], candidateUsers: [], ...overrides };
}

/** A Veilig Thuis case: registration done by the front office, triage open. */
const vtCase: CaseContext = {
  instanceId: 'case-1',
  tasks: [
    task({ id: 't-reg', state: 'completed', candidateGroups: ['vt-frontoffice'], assignee: 'vt-frontoffice' }),
    task({ id: 't-triage', candidateGroups: ['vt-triage'] }),
  ],
};

const zorgmelding = { key: 'melding-veilig-thuis', settings: { starterGroups: ['vt-frontoffice', 'politie-basisteam'] } };

/** The error a refused action throws. */
function refusal(thrower: () => void): Error {
  try {
    thrower();
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected a refusal');
}

describe('policy', () => {
  describe('definitions, drafts and deployments', () => {
    it('should let process owners read definitions, manage drafts and validate, but not deploy', () => {
      expect(can(owner, 'definition.list')).to.equal(true);
      expect(can(owner, 'definition.read', { definition: zorgmelding })).to.equal(true);
      expect(can(owner, 'draft.read')).to.equal(true);
      expect(can(owner, 'draft.write')).to.equal(true);
      expect(can(owner, 'definition.validate')).to.equal(true);
      expect(refusal(() => authorize(owner, 'definition.deploy'))).to.be.instanceOf(ForbiddenError);
    });

    it('should let administrators deploy, validate and read drafts, but leave writing drafts to process owners', () => {
      expect(can(admin, 'definition.deploy')).to.equal(true);
      expect(can(admin, 'definition.validate')).to.equal(true);
      expect(can(admin, 'draft.read')).to.equal(true);
      expect(can(admin, 'draft.write')).to.equal(false);
    });

    it('should let case workers read only the definitions they may start', () => {
      expect(can(frontoffice, 'definition.read', { definition: zorgmelding })).to.equal(true);
      expect(can(triagist, 'definition.read', { definition: zorgmelding })).to.equal(false);
      expect(can(triagist, 'draft.read')).to.equal(false);
      expect(can(triagist, 'definition.deploy')).to.equal(false);

      const other = { key: 'reclasseringsadvies', settings: { starterGroups: [] } };
      expect(readableDefinitions(agent, [zorgmelding, other])).to.deep.equal([zorgmelding]);
      expect(readableDefinitions(owner, [zorgmelding, other])).to.deep.equal([zorgmelding, other]);
      expect(readableDefinitions(auditor, [zorgmelding, other])).to.deep.equal([]);
    });

    it('should let everyone but auditors read form schemas', () => {
      expect([owner, admin, triagist].map((p) => can(p, 'form.read'))).to.deep.equal([true, true, true]);
      expect(can(auditor, 'form.read')).to.equal(false);
    });
  });

  describe('starting instances', () => {
    it('should let administrators start any process', () => {
      expect(can(admin, 'instance.start', { definition: { key: 'x', settings: {} } })).to.equal(true);
    });

    it('should let case workers start a process only when they hold one of its starter groups', () => {
      expect(can(frontoffice, 'instance.start', { definition: zorgmelding })).to.equal(true);
      expect(can(agent, 'instance.start', { definition: zorgmelding })).to.equal(true);
      const error = refusal(() => authorize(triagist, 'instance.start', { definition: zorgmelding }));
      expect(error).to.be.instanceOf(ForbiddenError);
    });

    it('should refuse to start when the process names no starter groups or malformed ones', () => {
      expect(mayStart(frontoffice, { key: 'x', settings: {} })).to.equal(false);
      expect(mayStart(frontoffice, { key: 'x', settings: { starterGroups: 'vt-frontoffice' } })).to.equal(false);
      expect(mayStart(owner, zorgmelding)).to.equal(false);
      expect(mayStart(auditor, zorgmelding)).to.equal(false);
    });
  });

  describe('reading cases', () => {
    it('should let a case worker read a case while they have an open task in it', () => {
      expect(can(triagist, 'instance.read', vtCase)).to.equal(true);
    });

    it('should let a case worker read a case in which they had a task that is done', () => {
      expect(can(frontoffice, 'instance.read', vtCase)).to.equal(true);
    });

    it('should let a case worker read a case where they are candidate user or assignee only', () => {
      const personal: CaseContext = { instanceId: 'case-2', tasks: [task({ candidateGroups: ['om-officier'], candidateUsers: ['agent'] })] };
      const assigned: CaseContext = { instanceId: 'case-3', tasks: [task({ candidateGroups: ['om-officier'], assignee: 'agent' })] };

      expect(can(agent, 'instance.read', personal)).to.equal(true);
      expect(can(agent, 'instance.read', assigned)).to.equal(true);
    });

    it('should answer NotFound, like a missing case, to a case worker without a task in the case', () => {
      const error = refusal(() => authorize(officier, 'instance.read', vtCase));

      expect(error).to.be.instanceOf(NotFoundError);
      expect(error).to.deep.include({ code: 'instance_not_found', message: 'no instance "case-1"' });
    });

    it('should answer NotFound for a case without tasks to everyone but administrators', () => {
      const fresh: CaseContext = { instanceId: 'case-4', tasks: [] };

      expect(can(admin, 'instance.read', fresh)).to.equal(true);
      expect(refusal(() => authorize(frontoffice, 'instance.read', fresh))).to.be.instanceOf(NotFoundError);
    });

    it('should show no case data to auditors and process owners (NotFound)', () => {
      expect(refusal(() => authorize(auditor, 'instance.read', vtCase))).to.be.instanceOf(NotFoundError);
      expect(refusal(() => authorize(owner, 'instance.read', vtCase))).to.be.instanceOf(NotFoundError);
      expect(refusal(() => authorize(auditor, 'comment.read', vtCase))).to.be.instanceOf(NotFoundError);
    });

    it('should let the same people read and add comments as read the case', () => {
      expect(can(frontoffice, 'comment.read', vtCase)).to.equal(true);
      expect(can(frontoffice, 'comment.add', vtCase)).to.equal(true);
      expect(can(officier, 'comment.add', vtCase)).to.equal(false);
    });

    it('should keep the instance list for administrators', () => {
      expect(can(admin, 'instance.list')).to.equal(true);
      expect(refusal(() => authorize(triagist, 'instance.list'))).to.be.instanceOf(ForbiddenError);
    });
  });

  describe('administering cases', () => {
    const adminActions: PolicyAction[] = ['instance.cancel', 'instance.migrate', 'instance.modify', 'incident.retry'];

    it('should let administrators cancel, migrate, modify and retry', () => {
      for (const action of adminActions) expect(decide(admin, action as 'instance.cancel', vtCase).allowed, action).to.equal(true);
    });

    it('should answer Forbidden to a case worker who can see the case', () => {
      for (const action of adminActions) {
        expect(refusal(() => authorize(triagist, action as 'instance.cancel', vtCase)), action).to.be.instanceOf(ForbiddenError);
      }
    });

    it('should answer NotFound to a case worker who cannot see the case', () => {
      for (const action of adminActions) {
        expect(refusal(() => authorize(officier, action as 'instance.cancel', vtCase)), action).to.be.instanceOf(NotFoundError);
      }
    });
  });

  describe('tasks', () => {
    it('should let case workers see tasks of their groups, as candidate user or as assignee', () => {
      expect(can(triagist, 'task.read', { task: task() })).to.equal(true);
      expect(can(agent, 'task.read', { task: task({ candidateUsers: ['agent'] }) })).to.equal(true);
      expect(can(agent, 'task.read', { task: task({ assignee: 'agent' }) })).to.equal(true);
      expect(can(admin, 'task.read', { task: task() })).to.equal(true);
    });

    it('should answer NotFound, like a missing task, for a task the caller may not see', () => {
      for (const who of [agent, owner, auditor]) {
        const error = refusal(() => authorize(who, 'task.read', { task: task() }));
        expect(error, who.id).to.be.instanceOf(NotFoundError);
        expect(error).to.deep.include({ code: 'task_not_found', message: 'no task "t-1"' });
      }
      expect(refusal(() => authorize(agent, 'task.complete', { task: task() }))).to.be.instanceOf(NotFoundError);
    });

    it('should give case workers the store filter of the tasks they may see', () => {
      expect(taskQueryScope(triagist)).to.deep.equal({ visibleTo: { userId: 'vt-triagist', groups: ['vt-triage'] } });
      expect(taskQueryScope(admin)).to.deep.equal({});
      expect(taskQueryScope(auditor)).to.equal(null);
      expect(taskQueryScope(owner)).to.equal(null);
    });

    it('should let a candidate claim and complete an unassigned task', () => {
      expect(can(triagist, 'task.claim', { task: task() })).to.equal(true);
      expect(can(triagist, 'task.complete', { task: task() })).to.equal(true);
    });

    it('should let the assignee complete the task', () => {
      expect(can(triagist, 'task.complete', { task: task({ assignee: 'vt-triagist' }) })).to.equal(true);
      expect(can(agent, 'task.complete', { task: task({ assignee: 'agent' }) })).to.equal(true);
    });

    it('should refuse with Conflict when a candidate completes a task assigned to someone else', () => {
      const error = refusal(() => authorize(triagist, 'task.complete', { task: task({ assignee: 'collega' }) }));

      expect(error).to.be.instanceOf(ConflictError);
      expect((error as ConflictError).code).to.equal('task_claimed');
    });

    it('should answer Forbidden to an administrator who is not a candidate and completes or claims a task', () => {
      expect(refusal(() => authorize(admin, 'task.complete', { task: task() }))).to.be.instanceOf(ForbiddenError);
      expect(refusal(() => authorize(admin, 'task.claim', { task: task() }))).to.be.instanceOf(ForbiddenError);
    });

    it('should let the assignee and administrators unclaim, but not another candidate', () => {
      const held = task({ assignee: 'collega' });

      expect(can(triagist, 'task.unclaim', { task: task({ assignee: 'vt-triagist' }) })).to.equal(true);
      expect(can(admin, 'task.unclaim', { task: held })).to.equal(true);
      expect(refusal(() => authorize(triagist, 'task.unclaim', { task: held }))).to.be.instanceOf(ForbiddenError);
    });

    describe('delegate', () => {
      const colleague = { id: 'collega', roles: ['case-worker'], groups: ['vt-triage'] };

      it('should let a candidate hand an unassigned task to a colleague in a candidate group', () => {
        expect(can(triagist, 'task.delegate', { task: task(), target: colleague })).to.equal(true);
      });

      it('should let the assignee and administrators delegate', () => {
        expect(can(triagist, 'task.delegate', { task: task({ assignee: 'vt-triagist' }), target: colleague })).to.equal(true);
        expect(can(admin, 'task.delegate', { task: task({ assignee: 'someone' }), target: colleague })).to.equal(true);
      });

      it('should refuse with Invalid when the target holds none of the candidate groups', () => {
        const outsider = { id: 'agent', roles: ['case-worker'], groups: ['politie-basisteam'] };
        const error = refusal(() => authorize(triagist, 'task.delegate', { task: task(), target: outsider }));

        expect(error).to.be.instanceOf(InvalidError);
        expect(error).to.deep.include({ code: 'delegate_not_candidate' });
        expect((error as InvalidError).details).to.deep.equal([{ path: 'userId', message: 'not a candidate of this task' }]);
      });

      it('should refuse with Invalid when the target is unknown, disabled or not a case worker', () => {
        for (const target of [null, { ...colleague, disabled: true }, { ...colleague, roles: ['auditor'] }]) {
          expect(refusal(() => authorize(triagist, 'task.delegate', { task: task(), target }))).to.be.instanceOf(InvalidError);
        }
      });

      it('should refuse with Conflict when a candidate delegates a task someone else holds', () => {
        expect(refusal(() => authorize(triagist, 'task.delegate', { task: task({ assignee: 'x' }), target: colleague }))).to.be.instanceOf(
          ConflictError,
        );
      });

      it('should check who delegates before checking the target (NotFound first)', () => {
        expect(refusal(() => authorize(agent, 'task.delegate', { task: task(), target: null }))).to.be.instanceOf(NotFoundError);
      });
    });
  });

  describe('audit and messages', () => {
    it('should let auditors and administrators read the audit log', () => {
      expect(can(auditor, 'audit.read')).to.equal(true);
      expect(can(admin, 'audit.read')).to.equal(true);
      expect(refusal(() => authorize(triagist, 'audit.read'))).to.be.instanceOf(ForbiddenError);
      expect(can(owner, 'audit.read')).to.equal(false);
    });

    it('should let only auditors verify the audit chain', () => {
      expect(can(auditor, 'audit.verify')).to.equal(true);
      expect(refusal(() => authorize(admin, 'audit.verify'))).to.be.instanceOf(ForbiddenError);
    });

    it('should let only administrators send messages from outside', () => {
      expect(can(admin, 'message.send')).to.equal(true);
      expect(can(agent, 'message.send')).to.equal(false);
    });

    it('should let only administrators list the hand-overs cases sent', () => {
      expect(can(admin, 'message.list')).to.equal(true);
      expect(can(agent, 'message.list')).to.equal(false);
      expect(can(auditor, 'message.list')).to.equal(false);
    });
  });

  describe('several roles', () => {
    it('should grant the union of the roles a principal holds', () => {
      const both: Principal = { ...triagist, roles: ['case-worker', 'auditor'] };

      expect(can(both, 'audit.verify')).to.equal(true);
      expect(can(both, 'task.complete', { task: task() })).to.equal(true);
      expect(seesCase(both, vtCase.tasks)).to.equal(true);
    });

    it('should grant nothing to a principal without known roles', () => {
      const nobody: Principal = { ...triagist, roles: [] };

      expect(can(nobody, 'task.read', { task: task() })).to.equal(false);
      expect(can(nobody, 'definition.list')).to.equal(false);
    });
  });
});

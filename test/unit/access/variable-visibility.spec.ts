import { expect } from 'chai';
import type { Principal } from '../../../src/access/principal.js';
import {
  commentAudience,
  mayReadComment,
  parseOrganisationList,
  visibilityFromProperties,
  visibilityRules,
  visibleComments,
  visibleVariables,
} from '../../../src/access/variable-visibility.js';

const worker = (organisation: string | null, id = `${organisation}-user`): Principal => ({
  id,
  name: id,
  roles: ['case-worker'],
  organisation,
  groups: [],
});
const politie = worker('politie');
const vt = worker('veilig-thuis');
const om = worker('om');
const admin: Principal = { id: 'admin', name: 'admin', roles: ['administrator'], organisation: null, groups: [] };
const auditor: Principal = { id: 'auditor', name: 'auditor', roles: ['auditor'], organisation: null, groups: [] };
const owner: Principal = { id: 'eigenaar', name: 'eigenaar', roles: ['process-owner'], organisation: null, groups: [] };

const variables = {
  registratienummer: 'PL0900-2026-123',
  kinderenAanwezig: true,
  antecedenten: ['2024: mishandeling'],
  melder: { naam: 'A. de Vries', telefoon: '0612345678', rol: 'buurvrouw' },
  betrokkenen: [
    { naam: 'K', bsn: '123456782' },
    { naam: 'L', bsn: '987654321' },
  ],
};

describe('variable visibility', () => {
  describe('visibleVariables', () => {
    const rules = { antecedenten: ['politie', 'om'], 'melder.telefoon': ['veilig-thuis'], 'betrokkenen.bsn': ['veilig-thuis', 'politie'] };

    it('should show variables without a rule to every organisation in the case', () => {
      for (const who of [politie, vt, om]) {
        const seen = visibleVariables(who, variables, rules);
        expect(seen.registratienummer, who.id).to.equal('PL0900-2026-123');
        expect(seen.kinderenAanwezig, who.id).to.equal(true);
      }
    });

    it('should hide a ruled variable from organisations not on its list', () => {
      expect(visibleVariables(politie, variables, rules)).to.have.property('antecedenten');
      expect(visibleVariables(om, variables, rules)).to.have.property('antecedenten');
      expect(visibleVariables(vt, variables, rules)).to.not.have.property('antecedenten');
    });

    it('should hide only the named key for a nested path, and the whole object for a rule on the object', () => {
      expect(visibleVariables(politie, variables, rules).melder).to.deep.equal({ naam: 'A. de Vries', rol: 'buurvrouw' });
      expect(visibleVariables(vt, variables, rules).melder).to.deep.equal(variables.melder);

      const whole = visibleVariables(politie, variables, { melder: ['veilig-thuis'] });
      expect(whole).to.not.have.property('melder');
    });

    it('should apply a rule inside a list to every item', () => {
      expect(visibleVariables(om, variables, rules).betrokkenen).to.deep.equal([{ naam: 'K' }, { naam: 'L' }]);
      expect(visibleVariables(politie, variables, rules).betrokkenen).to.deep.equal(variables.betrokkenen);
    });

    it('should let an outer rule win over a more open inner rule', () => {
      const seen = visibleVariables(politie, variables, { melder: ['veilig-thuis'], 'melder.rol': ['politie'] });

      expect(seen).to.not.have.property('melder');
    });

    it('should show ruled variables to nobody when the list is empty, and hide them from case workers without organisation', () => {
      expect(visibleVariables(politie, variables, { kinderenAanwezig: [] })).to.not.have.property('kinderenAanwezig');
      const loner = worker(null, 'loner');
      expect(visibleVariables(loner, variables, rules)).to.not.have.property('antecedenten');
      expect(visibleVariables(loner, variables, rules)).to.have.property('registratienummer');
    });

    it('should show administrators everything and auditors and process owners nothing', () => {
      expect(visibleVariables(admin, variables, rules)).to.deep.equal(variables);
      expect(visibleVariables(auditor, variables, rules)).to.deep.equal({});
      expect(visibleVariables(owner, variables, rules)).to.deep.equal({});
    });

    it('should return a copy and leave the input untouched', () => {
      const before = structuredClone(variables);
      const seen = visibleVariables(politie, variables, rules);
      (seen.melder as Record<string, unknown>).naam = 'changed';

      expect(variables).to.deep.equal(before);
      expect(visibleVariables(admin, variables, rules)).to.not.equal(variables);
    });

    it('should ignore rules on paths that do not exist or run through non-objects', () => {
      const seen = visibleVariables(vt, variables, { 'registratienummer.deel': ['om'], onbekend: ['om'] });

      expect(seen).to.deep.equal(variables);
    });
  });

  describe('visibilityRules', () => {
    it('should read settings.visibility from the deployed version', () => {
      const rules = visibilityRules({ starterGroups: [], visibility: { antecedenten: ['politie', 'om'], 'melder.telefoon': 'veilig-thuis' } });

      expect(rules).to.deep.equal({ antecedenten: ['om', 'politie'], 'melder.telefoon': ['veilig-thuis'] });
    });

    it('should read properties.visibleTo of form fields, with the binding paths of groups', () => {
      const form = {
        id: 'zorgmelding',
        type: 'default',
        components: [
          { type: 'textfield', key: 'registratienummer' },
          { type: 'textarea', key: 'antecedenten', properties: { visibleTo: 'politie,om' } },
          {
            type: 'group',
            path: 'melder',
            components: [
              { type: 'textfield', key: 'naam' },
              { type: 'textfield', key: 'telefoon', properties: { visibleTo: 'veilig-thuis' } },
            ],
          },
          {
            type: 'group',
            properties: { visibleTo: 'politie' },
            components: [{ type: 'checkbox', key: 'wapens' }],
          },
          { type: 'dynamiclist', path: 'betrokkenen', components: [{ type: 'textfield', key: 'bsn', properties: { visibleTo: 'veilig-thuis' } }] },
          { type: 'group', path: 'dossier', properties: { visibleTo: 'om' }, components: [{ type: 'textfield', key: 'parketnummer' }] },
        ],
      };

      expect(visibilityRules({}, [form])).to.deep.equal({
        antecedenten: ['om', 'politie'],
        'melder.telefoon': ['veilig-thuis'],
        wapens: ['politie'],
        'betrokkenen.bsn': ['veilig-thuis'],
        dossier: ['om'],
        'dossier.parketnummer': ['om'],
      });
    });

    it('should keep only organisations on every list when settings and forms rule the same variable', () => {
      const form = { components: [{ type: 'textarea', key: 'antecedenten', properties: { visibleTo: 'politie' } }] };

      expect(visibilityRules({ visibility: { antecedenten: ['politie', 'om'] } }, [form])).to.deep.equal({ antecedenten: ['politie'] });
    });

    it('should fail closed on a malformed list and skip malformed paths and forms', () => {
      const rules = visibilityRules({ visibility: { antecedenten: 42, 'not a path': ['om'], __proto__x: ['om'] } }, [null, 'x', { components: 'no' }]);

      expect(rules).to.deep.equal({ antecedenten: [], __proto__x: ['om'] });
    });

    it('should give no rules for a version without visibility settings', () => {
      expect(visibilityRules({ starterGroups: ['vt-frontoffice'] })).to.deep.equal({});
    });
  });

  describe('visibilityFromProperties (deploy)', () => {
    it('should turn samenspel.visibleTo.<variable> properties into settings.visibility', () => {
      const rules = visibilityFromProperties([
        { name: 'samenspel.starterGroups', value: 'vt-frontoffice' },
        { name: 'samenspel.visibleTo.antecedenten', value: 'politie, om' },
        { name: 'samenspel.visibleTo.melder.telefoon', value: 'Veilig-Thuis' },
        { name: 'samenspel.visibleTo.', value: 'om' },
      ]);

      expect(rules).to.deep.equal({ antecedenten: ['om', 'politie'], 'melder.telefoon': ['veilig-thuis'] });
    });

    it('should parse organisation lists with spaces, duplicates and empty items', () => {
      expect(parseOrganisationList(' politie,,om , politie ')).to.deep.equal(['om', 'politie']);
      expect(parseOrganisationList(undefined)).to.deep.equal([]);
    });
  });

  describe('comments', () => {
    const comment = (visibleTo: string[] | null, author = 'someone') => ({ author, visibleTo });

    it('should show a comment without a list to everyone who reads the case', () => {
      expect(mayReadComment(om, comment(null))).to.equal(true);
    });

    it('should show a comment with a list only to those organisations, administrators and its author', () => {
      const restricted = comment(['politie'], 'vt-user');

      expect(mayReadComment(politie, restricted)).to.equal(true);
      expect(mayReadComment(om, restricted)).to.equal(false);
      expect(mayReadComment(admin, restricted)).to.equal(true);
      expect(mayReadComment(worker('veilig-thuis', 'vt-user'), restricted)).to.equal(true);
      expect(mayReadComment(auditor, comment(null))).to.equal(false);
    });

    it('should filter a list of comments', () => {
      const comments = [comment(null), comment(['om']), comment(['politie', 'om'])];

      expect(visibleComments(politie, comments)).to.deep.equal([comments[0], comments[2]]);
    });

    it('should add the author\'s organisation to a restricted comment so colleagues read it too', () => {
      expect(commentAudience(vt, ['politie'])).to.deep.equal(['politie', 'veilig-thuis']);
      expect(commentAudience(vt, null)).to.equal(null);
      expect(commentAudience(vt, undefined)).to.equal(null);
    });
  });
});

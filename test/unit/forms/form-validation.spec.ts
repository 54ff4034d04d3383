import { expect } from 'chai';
import { InvalidError, type ErrorDetail } from '../../../src/errors.js';
import { parseFormSchema, type FormDefinition } from '../../../src/forms/form-schema.js';
import { validateSubmission } from '../../../src/forms/form-validation.js';

function form(components: unknown[]): FormDefinition {
  return parseFormSchema({ id: 'f', type: 'default', components });
}

function field(component: Record<string, unknown>): FormDefinition {
  return form([component]);
}

/** The details of the InvalidError a submission raises, as `path: message` lines. */
function problems(
  definition: FormDefinition,
  data: unknown,
  context: Record<string, unknown> = {},
  options: Parameters<typeof validateSubmission>[3] = {},
): string[] {
  return details(definition, data, context, options).map((detail) => (detail.path === undefined ? detail.message : `${detail.path}: ${detail.message}`));
}

function details(
  definition: FormDefinition,
  data: unknown,
  context: Record<string, unknown> = {},
  options: Parameters<typeof validateSubmission>[3] = {},
): ErrorDetail[] {
  try {
    validateSubmission(definition, data, context, options);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidError);
    expect((error as InvalidError).code).to.equal('form_invalid');
    return (error as InvalidError).details;
  }
  return expect.fail('expected the submission to be rejected');
}

/** The Veilig Thuis triage form of the form editor. */
const triage = form([
  { type: 'text', text: '# Triage melding' },
  {
    type: 'select',
    key: 'urgentie',
    label: 'Urgentie',
    values: [
      { label: 'Acuut', value: 'acuut' },
      { label: 'Niet acuut', value: 'niet-acuut' },
    ],
    validate: { required: true },
  },
  { type: 'textarea', key: 'toelichting', label: 'Toelichting', validate: { minLength: 10 } },
  { type: 'checkbox', key: 'politieBetrokken', label: 'Politie betrokken' },
  { type: 'datetime', key: 'datumMelding', subtype: 'date', validate: { required: true } },
  { type: 'number', key: 'aantalKinderen', label: 'Aantal kinderen', decimalDigits: 0, validate: { min: 0, max: 15 } },
  { type: 'button', action: 'submit', label: 'Versturen' },
]);

describe('validateSubmission', () => {
  describe('a realistic triage form', () => {
    it('should accept a complete submission and return it', () => {
      const data = {
        urgentie: 'acuut',
        toelichting: 'Buren horen geschreeuw en een kind dat huilt.',
        politieBetrokken: true,
        datumMelding: '2026-03-02',
        aantalKinderen: 2,
      };

      expect(validateSubmission(triage, data, {})).to.deep.equal(data);
    });

    it('should accept the empty values form-js submits for untouched optional fields', () => {
      const data = { urgentie: 'niet-acuut', toelichting: '', politieBetrokken: false, datumMelding: '2026-03-02', aantalKinderen: null };

      expect(validateSubmission(triage, data, {})).to.deep.equal(data);
    });

    it('should accept a submission that leaves optional fields out', () => {
      expect(validateSubmission(triage, { urgentie: 'acuut', datumMelding: '2026-03-02' }, {})).to.deep.equal({
        urgentie: 'acuut',
        datumMelding: '2026-03-02',
      });
    });

    it('should list every failing field, not just the first', () => {
      const result = problems(triage, {
        urgentie: 'misschien',
        toelichting: 'kort',
        politieBetrokken: 'ja',
        datumMelding: '02-03-2026',
        aantalKinderen: 16,
        extra: 1,
      });

      expect(result).to.deep.equal([
        'urgentie: must be one of: acuut, niet-acuut',
        'toelichting: must be at least 10 characters',
        'politieBetrokken: must be true or false',
        'datumMelding: must be a date (YYYY-MM-DD)',
        'aantalKinderen: must be at most 15',
        'extra: is not a field of this form',
      ]);
    });

    it('should report missing required fields', () => {
      expect(problems(triage, {})).to.deep.equal(['urgentie: is required', 'datumMelding: is required']);
    });

    it('should name the rule that failed in each detail', () => {
      expect(details(triage, { urgentie: '', datumMelding: '2026-03-02', aantalKinderen: 2.5 })).to.deep.equal([
        { path: 'urgentie', rule: 'required', message: 'is required' },
        { path: 'aantalKinderen', rule: 'decimalDigits', message: 'must be a whole number' },
      ]);
    });

    it('should reject data that is not an object', () => {
      expect(problems(triage, ['acuut'])).to.deep.equal(['must be an object']);
      expect(problems(triage, null)).to.deep.equal(['must be an object']);
    });
  });

  describe('unknown keys', () => {
    it('should reject keys that are no field of the form, one detail per key', () => {
      expect(problems(field({ type: 'textfield', key: 'naam' }), { naam: 'Jan', rol: 'admin', isAdmin: true })).to.deep.equal([
        'rol: is not a field of this form',
        'isAdmin: is not a field of this form',
      ]);
    });

    it('should reject keys of components that hold no value', () => {
      const definition = form([
        { type: 'text', text: 'Uitleg' },
        { type: 'button', action: 'submit' },
        { type: 'textfield', key: 'naam' },
      ]);

      expect(problems(definition, { naam: 'Jan', Button_1: true })).to.deep.equal(['Button_1: is not a field of this form']);
    });

    it('should reject a __proto__ key', () => {
      const data = JSON.parse('{"naam": "Jan", "__proto__": {"polluted": true}}');

      expect(problems(field({ type: 'textfield', key: 'naam' }), data)).to.deep.equal(['__proto__: is not a field of this form']);
    });
  });

  describe('textfield and textarea', () => {
    it('should require a non-empty string when required', () => {
      const definition = field({ type: 'textfield', key: 'naam', validate: { required: true } });

      expect(validateSubmission(definition, { naam: 'Jan' }, {})).to.deep.equal({ naam: 'Jan' });
      expect(problems(definition, { naam: '' })).to.deep.equal(['naam: is required']);
      expect(problems(definition, { naam: null })).to.deep.equal(['naam: is required']);
      expect(problems(definition, {})).to.deep.equal(['naam: is required']);
    });

    it('should accept whitespace as a value for required, as form-js does', () => {
      const definition = field({ type: 'textfield', key: 'naam', validate: { required: true } });

      expect(validateSubmission(definition, { naam: '  ' }, {})).to.deep.equal({ naam: '  ' });
    });

    it('should reject values that are not text', () => {
      expect(problems(field({ type: 'textarea', key: 'tekst' }), { tekst: 42 })).to.deep.equal(['tekst: must be text']);
    });

    it('should measure minLength and maxLength on the trimmed value', () => {
      const definition = field({ type: 'textfield', key: 'code', validate: { minLength: 3, maxLength: 5 } });

      expect(validateSubmission(definition, { code: '  abc  ' }, {})).to.deep.equal({ code: '  abc  ' });
      expect(problems(definition, { code: '  ab    ' })).to.deep.equal(['code: must be at least 3 characters']);
      expect(problems(definition, { code: 'abcdef' })).to.deep.equal(['code: must be at most 5 characters']);
      expect(problems(definition, { code: '     ' })).to.deep.equal(['code: must be at least 3 characters']);
    });

    it('should not apply minLength to an empty optional value', () => {
      const definition = field({ type: 'textfield', key: 'code', validate: { minLength: 3 } });

      expect(validateSubmission(definition, { code: '' }, {})).to.deep.equal({ code: '' });
    });

    it('should say "character" for a limit of one', () => {
      const definition = field({ type: 'textfield', key: 'letter', validate: { maxLength: 1 } });

      expect(problems(definition, { letter: 'ab' })).to.deep.equal(['letter: must be at most 1 character']);
    });

    it('should test pattern unanchored, as form-js does', () => {
      const definition = field({ type: 'textfield', key: 'postcode', validate: { pattern: '[0-9]{4} ?[A-Z]{2}' } });

      expect(validateSubmission(definition, { postcode: 'Postcode: 1234 AB, Utrecht' }, {})).to.deep.equal({
        postcode: 'Postcode: 1234 AB, Utrecht',
      });
      expect(problems(definition, { postcode: '1234' })).to.deep.equal(['postcode: must match the pattern [0-9]{4} ?[A-Z]{2}']);
    });

    it('should honour anchors written in the pattern', () => {
      const definition = field({ type: 'textfield', key: 'bsn', validate: { pattern: '^[0-9]{9}$' } });

      expect(validateSubmission(definition, { bsn: '123456782' }, {})).to.deep.equal({ bsn: '123456782' });
      expect(problems(definition, { bsn: 'x123456782' })).to.deep.equal(['bsn: must match the pattern ^[0-9]{9}$']);
    });

    it('should check email addresses with form-js\' pattern', () => {
      const definition = field({ type: 'textfield', key: 'email', validate: { validationType: 'email' } });

      expect(validateSubmission(definition, { email: 'melder@veiligthuis.nl' }, {})).to.deep.equal({ email: 'melder@veiligthuis.nl' });
      expect(problems(definition, { email: 'melder@' })).to.deep.equal(['email: must be a valid email address']);
      expect(problems(definition, { email: 'mel der@veiligthuis.nl' })).to.deep.equal(['email: must be a valid email address']);
    });

    it('should check phone numbers with form-js\' international pattern', () => {
      const definition = field({ type: 'textfield', key: 'telefoon', validate: { validationType: 'phone' } });

      expect(validateSubmission(definition, { telefoon: '+31612345678' }, {})).to.deep.equal({ telefoon: '+31612345678' });
      expect(validateSubmission(definition, { telefoon: '0031201234567' }, {})).to.deep.equal({ telefoon: '0031201234567' });
      expect(problems(definition, { telefoon: '0612345678' })).to.deep.equal([
        'telefoon: must be a valid international phone number (e.g. +4930664040900)',
      ]);
    });

    it('should report every rule a value breaks', () => {
      const definition = field({ type: 'textfield', key: 'code', validate: { pattern: '^[0-9]+$', maxLength: 3 } });

      expect(problems(definition, { code: 'abcd' })).to.deep.equal(['code: must match the pattern ^[0-9]+$', 'code: must be at most 3 characters']);
    });
  });

  describe('number', () => {
    it('should accept numbers within min and max, both inclusive', () => {
      const definition = field({ type: 'number', key: 'n', validate: { min: 1, max: 10 } });

      expect(validateSubmission(definition, { n: 1 }, {})).to.deep.equal({ n: 1 });
      expect(validateSubmission(definition, { n: 10 }, {})).to.deep.equal({ n: 10 });
      expect(problems(definition, { n: 0 })).to.deep.equal(['n: must be at least 1']);
      expect(problems(definition, { n: 10.5 })).to.deep.equal(['n: must be at most 10']);
    });

    it('should reject text, and accept null as empty', () => {
      const definition = field({ type: 'number', key: 'n' });

      expect(problems(definition, { n: '5' })).to.deep.equal(['n: must be a number']);
      expect(validateSubmission(definition, { n: null }, {})).to.deep.equal({ n: null });
    });

    it('should require a value when required, accepting 0', () => {
      const definition = field({ type: 'number', key: 'n', validate: { required: true } });

      expect(validateSubmission(definition, { n: 0 }, {})).to.deep.equal({ n: 0 });
      expect(problems(definition, { n: null })).to.deep.equal(['n: is required']);
    });

    it('should limit decimal digits', () => {
      const definition = field({ type: 'number', key: 'bedrag', decimalDigits: 2 });

      expect(validateSubmission(definition, { bedrag: 12.34 }, {})).to.deep.equal({ bedrag: 12.34 });
      expect(validateSubmission(definition, { bedrag: 1e-2 }, {})).to.deep.equal({ bedrag: 0.01 });
      expect(problems(definition, { bedrag: 12.345 })).to.deep.equal(['bedrag: must have at most 2 decimal digits']);
      expect(problems(definition, { bedrag: 1e-7 })).to.deep.equal(['bedrag: must have at most 2 decimal digits']);
    });

    it('should require multiples of increment, exactly, naming the nearest valid values', () => {
      const definition = field({ type: 'number', key: 'uren', increment: '0.25' });

      expect(validateSubmission(definition, { uren: 1.75 }, {})).to.deep.equal({ uren: 1.75 });
      expect(validateSubmission(definition, { uren: 0.3 + 0.45 }, {})).to.deep.equal({ uren: 0.75 });
      expect(problems(definition, { uren: 1.3 })).to.deep.equal(['uren: must be a multiple of 0.25 (nearest valid values: 1.25 and 1.5)']);
    });

    it('should take a string when serializeToString is set', () => {
      const definition = field({ type: 'number', key: 'bedrag', serializeToString: true, decimalDigits: 2, validate: { max: 1000 } });

      expect(validateSubmission(definition, { bedrag: '999.99' }, {})).to.deep.equal({ bedrag: '999.99' });
      expect(problems(definition, { bedrag: 999.99 })).to.deep.equal(['bedrag: must be a number written as text']);
      expect(problems(definition, { bedrag: 'NaN' })).to.deep.equal(['bedrag: must be a number']);
      expect(problems(definition, { bedrag: '1000.001' })).to.deep.equal([
        'bedrag: must have at most 2 decimal digits',
        'bedrag: must be at most 1000',
      ]);
    });

    it('should evaluate FEEL-valued min and max against the variables and the submission', () => {
      const definition = form([
        { type: 'number', key: 'ondergrens' },
        { type: 'number', key: 'waarde', validate: { min: '=ondergrens', max: '=plafond * 2' } },
      ]);

      expect(validateSubmission(definition, { ondergrens: 5, waarde: 8 }, { plafond: 5 })).to.deep.equal({ ondergrens: 5, waarde: 8 });
      expect(problems(definition, { ondergrens: 5, waarde: 4 }, { plafond: 5 })).to.deep.equal(['waarde: must be at least 5']);
      expect(problems(definition, { ondergrens: 5, waarde: 11 }, { plafond: 5 })).to.deep.equal(['waarde: must be at most 10']);
    });

    it('should skip a FEEL-valued limit that evaluates to nothing', () => {
      const definition = field({ type: 'number', key: 'waarde', validate: { max: '=onbekend' } });

      expect(validateSubmission(definition, { waarde: 1e9 }, {})).to.deep.equal({ waarde: 1e9 });
    });
  });

  describe('checkbox', () => {
    it('should take true or false', () => {
      const definition = field({ type: 'checkbox', key: 'akkoord' });

      expect(validateSubmission(definition, { akkoord: false }, {})).to.deep.equal({ akkoord: false });
      expect(problems(definition, { akkoord: 'true' })).to.deep.equal(['akkoord: must be true or false']);
    });

    it('should require true when required', () => {
      const definition = field({ type: 'checkbox', key: 'akkoord', validate: { required: true } });

      expect(validateSubmission(definition, { akkoord: true }, {})).to.deep.equal({ akkoord: true });
      expect(problems(definition, { akkoord: false })).to.deep.equal(['akkoord: is required']);
    });
  });

  describe('select and radio', () => {
    it('should accept only one of the static values', () => {
      const definition = field({
        type: 'radio',
        key: 'kleur',
        values: [
          { label: 'Rood', value: 'rood' },
          { label: 'Groen', value: 'groen' },
        ],
      });

      expect(validateSubmission(definition, { kleur: 'groen' }, {})).to.deep.equal({ kleur: 'groen' });
      expect(validateSubmission(definition, { kleur: null }, {})).to.deep.equal({ kleur: null });
      expect(problems(definition, { kleur: 'Groen' })).to.deep.equal(['kleur: must be one of: rood, groen']);
      expect(problems(definition, { kleur: ['rood'] })).to.deep.equal(['kleur: must be one of: rood, groen']);
    });

    it('should compare values by type', () => {
      const definition = field({ type: 'select', key: 'aantal', values: [{ label: 'Eén', value: 1 }, { label: 'Twee', value: 2 }] });

      expect(validateSubmission(definition, { aantal: 2 }, {})).to.deep.equal({ aantal: 2 });
      expect(problems(definition, { aantal: '2' })).to.deep.equal(['aantal: must be one of: 1, 2']);
    });

    it('should validate against the variable named by valuesKey when the task has it', () => {
      const definition = field({ type: 'select', key: 'team', valuesKey: 'teams' });
      const context = { teams: [{ label: 'Team Noord', value: 'noord' }, 'zuid', { value: { id: 7 }, label: 'Team 7' }] };

      expect(validateSubmission(definition, { team: 'zuid' }, context)).to.deep.equal({ team: 'zuid' });
      expect(validateSubmission(definition, { team: { id: 7 } }, context)).to.deep.equal({ team: { id: 7 } });
      expect(problems(definition, { team: 'west' }, context)).to.deep.equal(['team: must be one of: noord, zuid, {"id":7}']);
    });

    it('should not check the options when the task has no valuesKey variable', () => {
      const definition = field({ type: 'select', key: 'team', valuesKey: 'teams' });

      expect(validateSubmission(definition, { team: 'west' }, {})).to.deep.equal({ team: 'west' });
      expect(problems(definition, { team: ['west'] }, {})).to.deep.equal(['team: must be a single value']);
    });

    it('should not let the submission supply its own option list', () => {
      const definition = field({ type: 'select', key: 'team', valuesKey: 'teams' });

      expect(problems(definition, { team: 'west', teams: ['west'] }, { teams: ['noord'] })).to.deep.equal([
        'team: must be one of: noord',
        'teams: is not a field of this form',
      ]);
    });

    it('should evaluate valuesExpression for the options', () => {
      const definition = field({ type: 'select', key: 'niveau', valuesExpression: '=for n in 1..maxNiveau return n' });

      expect(validateSubmission(definition, { niveau: 3 }, { maxNiveau: 3 })).to.deep.equal({ niveau: 3 });
      expect(problems(definition, { niveau: 4 }, { maxNiveau: 3 })).to.deep.equal(['niveau: must be one of: 1, 2, 3']);
    });

    it('should require a choice when required', () => {
      const definition = field({ type: 'select', key: 'kleur', values: [{ label: 'Rood', value: 'rood' }], validate: { required: true } });

      expect(problems(definition, { kleur: null })).to.deep.equal(['kleur: is required']);
    });
  });

  describe('checklist and taglist', () => {
    const checklist = field({
      type: 'checklist',
      key: 'signalen',
      values: [
        { label: 'Verwaarlozing', value: 'verwaarlozing' },
        { label: 'Geweld', value: 'geweld' },
      ],
      validate: { required: true },
    });

    it('should accept a list of allowed values', () => {
      expect(validateSubmission(checklist, { signalen: ['geweld', 'verwaarlozing'] }, {})).to.deep.equal({
        signalen: ['geweld', 'verwaarlozing'],
      });
    });

    it('should reject values that are not options, and non-lists', () => {
      expect(problems(checklist, { signalen: ['geweld', 'pesten'] })).to.deep.equal([
        'signalen: must only contain values from: verwaarlozing, geweld',
      ]);
      expect(problems(checklist, { signalen: 'geweld' })).to.deep.equal(['signalen: must be a list']);
    });

    it('should require at least one value when required', () => {
      expect(problems(checklist, { signalen: [] })).to.deep.equal(['signalen: is required']);
    });

    it('should take a taglist\'s options from valuesKey', () => {
      const definition = field({ type: 'taglist', key: 'labels', valuesKey: 'beschikbareLabels' });

      expect(validateSubmission(definition, { labels: ['a'] }, { beschikbareLabels: ['a', 'b'] })).to.deep.equal({ labels: ['a'] });
      expect(problems(definition, { labels: ['c'] }, { beschikbareLabels: ['a', 'b'] })).to.deep.equal([
        'labels: must only contain values from: a, b',
      ]);
    });
  });

  describe('datetime', () => {
    it('should take a date as YYYY-MM-DD, a real calendar date', () => {
      const definition = field({ type: 'datetime', key: 'd', subtype: 'date' });

      expect(validateSubmission(definition, { d: '2024-02-29' }, {})).to.deep.equal({ d: '2024-02-29' });
      expect(problems(definition, { d: '2025-02-29' })).to.deep.equal(['d: must be a date (YYYY-MM-DD)']);
      expect(problems(definition, { d: '2025-02-03T10:00' })).to.deep.equal(['d: must be a date (YYYY-MM-DD)']);
      expect(problems(definition, { d: 20250203 })).to.deep.equal(['d: must be a date (YYYY-MM-DD)']);
    });

    it('should take a time as HH:mm with an optional Z or offset', () => {
      const definition = field({ type: 'datetime', key: 't', subtype: 'time' });

      for (const time of ['09:30', '23:59Z', '09:30+01:00', '09:30-05:00']) {
        expect(validateSubmission(definition, { t: time }, {})).to.deep.equal({ t: time });
      }
      for (const time of ['9:30', '24:00', '09:60', '09:30+1', '09:30:00']) {
        expect(problems(definition, { t: time })).to.deep.equal(['t: must be a time (HH:mm, optionally followed by Z or ±hh:mm)']);
      }
    });

    it('should take a date and time in ISO form', () => {
      const definition = field({ type: 'datetime', key: 'dt', subtype: 'datetime' });

      for (const value of ['2026-03-02T09:30', '2026-03-02T09:30Z', '2026-03-02T09:30+01:00', '2026-03-02T09:30:15.250Z']) {
        expect(validateSubmission(definition, { dt: value }, {})).to.deep.equal({ dt: value });
      }
      for (const value of ['2026-03-02', '2026-02-30T09:30', '2026-03-02 09:30']) {
        expect(problems(definition, { dt: value })).to.have.length(1);
      }
    });

    it('should reject passed dates when disallowPassedDates is set, judged by the given now', () => {
      const definition = field({ type: 'datetime', key: 'afspraak', subtype: 'date', disallowPassedDates: true });
      const now = new Date('2026-03-02T12:00:00Z');

      expect(validateSubmission(definition, { afspraak: '2026-03-02' }, {}, { now })).to.deep.equal({ afspraak: '2026-03-02' });
      expect(problems(definition, { afspraak: '2026-03-01' }, {}, { now })).to.deep.equal(['afspraak: must not be in the past']);
    });

    it('should require a value when required', () => {
      const definition = field({ type: 'datetime', key: 'd', subtype: 'date', validate: { required: true } });

      expect(problems(definition, { d: null })).to.deep.equal(['d: is required']);
      expect(problems(definition, { d: '' })).to.deep.equal(['d: is required']);
    });
  });

  describe('disabled and read-only fields', () => {
    it('should reject a value for a disabled field, which form-js never submits', () => {
      const definition = form([
        { type: 'textfield', key: 'dossiernummer', disabled: true },
        { type: 'textfield', key: 'naam' },
      ]);

      expect(validateSubmission(definition, { naam: 'Jan' }, {})).to.deep.equal({ naam: 'Jan' });
      expect(problems(definition, { naam: 'Jan', dossiernummer: 'VT-1' })).to.deep.equal([
        'dossiernummer: is disabled and must not be submitted',
      ]);
    });

    it('should not require a disabled field marked required', () => {
      const definition = field({ type: 'textfield', key: 'x', disabled: true, validate: { required: true } });

      expect(validateSubmission(definition, {}, {})).to.deep.equal({});
    });

    it('should accept a read-only field submitted unchanged and leave it out of the result', () => {
      const definition = form([
        { type: 'textfield', key: 'dossiernummer', readonly: true },
        { type: 'textfield', key: 'naam' },
      ]);

      expect(validateSubmission(definition, { dossiernummer: 'VT-1', naam: 'Jan' }, { dossiernummer: 'VT-1' })).to.deep.equal({
        naam: 'Jan',
      });
      expect(validateSubmission(definition, { dossiernummer: '', naam: 'Jan' }, {})).to.deep.equal({ naam: 'Jan' });
    });

    it('should reject a changed read-only field', () => {
      const definition = field({ type: 'textfield', key: 'dossiernummer', readonly: true });

      expect(problems(definition, { dossiernummer: 'VT-2' }, { dossiernummer: 'VT-1' })).to.deep.equal([
        'dossiernummer: is read-only and must not be changed',
      ]);
    });

    it('should evaluate a FEEL read-only condition', () => {
      const definition = form([
        { type: 'checkbox', key: 'afgesloten' },
        { type: 'textfield', key: 'besluit', readonly: '=afgesloten' },
      ]);

      expect(validateSubmission(definition, { afgesloten: false, besluit: 'nieuw' }, { besluit: 'oud' })).to.deep.equal({
        afgesloten: false,
        besluit: 'nieuw',
      });
      expect(problems(definition, { afgesloten: true, besluit: 'nieuw' }, { besluit: 'oud' })).to.deep.equal([
        'besluit: is read-only and must not be changed',
      ]);
    });
  });

  describe('hidden fields', () => {
    const definition = form([
      {
        type: 'select',
        key: 'urgentie',
        values: [
          { label: 'Acuut', value: 'acuut' },
          { label: 'Niet acuut', value: 'niet-acuut' },
        ],
        validate: { required: true },
      },
      {
        type: 'textfield',
        key: 'veiligheidsplan',
        conditional: { hide: '=urgentie != "acuut"' },
        validate: { required: true },
      },
    ]);

    it('should require a visible field', () => {
      expect(problems(definition, { urgentie: 'acuut' })).to.deep.equal(['veiligheidsplan: is required']);
    });

    it('should skip a field its condition hides, even when required', () => {
      expect(validateSubmission(definition, { urgentie: 'niet-acuut' }, {})).to.deep.equal({ urgentie: 'niet-acuut' });
    });

    it('should reject a value for a hidden field', () => {
      expect(problems(definition, { urgentie: 'niet-acuut', veiligheidsplan: 'x' })).to.deep.equal([
        'veiligheidsplan: is hidden and must not be submitted',
      ]);
    });

    it('should evaluate the condition against the variables when the submission lacks the value', () => {
      const byVariable = field({ type: 'textfield', key: 'toelichting', conditional: { hide: '=fase = "afgerond"' }, validate: { required: true } });

      expect(validateSubmission(byVariable, {}, { fase: 'afgerond' })).to.deep.equal({});
      expect(problems(byVariable, {}, { fase: 'onderzoek' })).to.deep.equal(['toelichting: is required']);
    });

    it('should hide a field whose condition names a missing variable, as form-js\' unary test does', () => {
      const definition = field({ type: 'textfield', key: 'x', conditional: { hide: '=verberg' }, validate: { required: true } });

      expect(validateSubmission(definition, {}, {})).to.deep.equal({});
      expect(problems(definition, {}, { verberg: false })).to.deep.equal(['x: is required']);
    });

    it('should let the submission win over the variables in conditions', () => {
      expect(validateSubmission(definition, { urgentie: 'niet-acuut' }, { urgentie: 'acuut' })).to.deep.equal({ urgentie: 'niet-acuut' });
    });

    it('should hide every field of a hidden group', () => {
      const grouped = form([
        { type: 'checkbox', key: 'anoniem' },
        {
          type: 'group',
          conditional: { hide: '=anoniem' },
          components: [{ type: 'textfield', key: 'naamMelder', validate: { required: true } }],
        },
      ]);

      expect(validateSubmission(grouped, { anoniem: true }, {})).to.deep.equal({ anoniem: true });
      expect(problems(grouped, { anoniem: false })).to.deep.equal(['naamMelder: is required']);
    });

    it('should treat a condition that fails to evaluate as visible, as form-js does', () => {

      const broken = parseFormSchema(
        { id: 'f', type: 'default', components: [{ type: 'textfield', key: 'x', conditional: { hide: '=a > (' }, validate: { required: true } }] },
        { checkFeel: () => null },
      );

      expect(problems(broken, {})).to.deep.equal(['x: is required']);
    });
  });

  describe('groups', () => {
    it('should flatten the fields of a group without path into its parent', () => {
      const definition = form([{ type: 'group', components: [{ type: 'textfield', key: 'naam', validate: { required: true } }] }]);

      expect(validateSubmission(definition, { naam: 'Jan' }, {})).to.deep.equal({ naam: 'Jan' });
      expect(problems(definition, { naam: '' })).to.deep.equal(['naam: is required']);
    });

    it('should nest the fields of a group with path, and of dotted keys', () => {
      const definition = form([
        {
          type: 'group',
          path: 'melder',
          components: [
            { type: 'textfield', key: 'naam', validate: { required: true } },
            { type: 'textfield', key: 'adres.postcode', validate: { pattern: '^[0-9]{4}[A-Z]{2}$' } },
          ],
        },
      ]);

      const data = { melder: { naam: 'Jan', adres: { postcode: '3511AB' } } };
      expect(validateSubmission(definition, data, {})).to.deep.equal(data);
      expect(problems(definition, { melder: { naam: '', adres: { postcode: 'x', huisnummer: 3 }, leeftijd: 40 } })).to.deep.equal([
        'melder.naam: is required',
        'melder.adres.postcode: must match the pattern ^[0-9]{4}[A-Z]{2}$',
        'melder.adres.huisnummer: is not a field of this form',
        'melder.leeftijd: is not a field of this form',
      ]);
    });

    it('should report required fields of a group whose object is missing', () => {
      const definition = form([{ type: 'group', path: 'melder', components: [{ type: 'textfield', key: 'naam', validate: { required: true } }] }]);

      expect(problems(definition, {})).to.deep.equal(['melder.naam: is required']);
      expect(problems(definition, { melder: 'Jan' })).to.deep.equal(['melder: must be an object']);
    });
  });

  describe('dynamic lists', () => {
    const definition = form([
      {
        type: 'dynamiclist',
        path: 'kinderen',
        components: [
          { type: 'textfield', key: 'naam', validate: { required: true } },
          { type: 'number', key: 'leeftijd', validate: { min: 0, max: 17 } },
          { type: 'textfield', key: 'school', conditional: { hide: '=this.leeftijd < 4' } },
        ],
      },
    ]);

    it('should validate each item', () => {
      const data = { kinderen: [{ naam: 'Sam', leeftijd: 6, school: 'De Regenboog' }, { naam: 'Noor', leeftijd: 2 }] };

      expect(validateSubmission(definition, data, {})).to.deep.equal(data);
    });

    it('should report problems per item with its index', () => {
      expect(problems(definition, { kinderen: [{ naam: 'Sam', leeftijd: 18 }, { naam: '', broer: true }] })).to.deep.equal([
        'kinderen[0].leeftijd: must be at most 17',
        'kinderen[1].naam: is required',
        'kinderen[1].broer: is not a field of this form',
      ]);
    });

    it('should evaluate conditions in each item\'s own scope', () => {
      expect(problems(definition, { kinderen: [{ naam: 'Noor', leeftijd: 2, school: 'x' }, { naam: 'Sam', leeftijd: 6, school: 'y' }] })).to.deep.equal([
        'kinderen[0].school: is hidden and must not be submitted',
      ]);
    });

    it('should reject items that are not objects and lists that are not lists', () => {
      expect(problems(definition, { kinderen: ['Sam'] })).to.deep.equal(['kinderen[0]: must be an object']);
      expect(problems(definition, { kinderen: { naam: 'Sam' } })).to.deep.equal(['kinderen: must be a list']);
    });

    it('should validate items of a list in a form without FEEL, too', () => {
      const plain = form([{ type: 'dynamiclist', path: 'namen', components: [{ type: 'textfield', key: 'naam', validate: { required: true } }] }]);

      expect(validateSubmission(plain, { namen: [{ naam: 'a' }] }, {})).to.deep.equal({ namen: [{ naam: 'a' }] });
      expect(problems(plain, { namen: [{ naam: 'a' }, {}] })).to.deep.equal(['namen[1].naam: is required']);
    });
  });

  describe('expression fields', () => {
    it('should compute the value on the server, ignoring the submitted one', () => {
      const definition = form([
        { type: 'number', key: 'uren' },
        { type: 'expression', key: 'kosten', expression: '=uren * tarief' },
      ]);

      expect(validateSubmission(definition, { uren: 3, kosten: 1 }, { tarief: 50 })).to.deep.equal({ uren: 3, kosten: 150 });
      expect(validateSubmission(definition, { uren: 3 }, { tarief: 50 })).to.deep.equal({ uren: 3, kosten: 150 });
    });
  });

  describe('filepicker', () => {
    it('should take a file reference and require one when required', () => {
      const definition = field({ type: 'filepicker', key: 'bijlage', validate: { required: true } });

      expect(validateSubmission(definition, { bijlage: 'files::abc' }, {})).to.deep.equal({ bijlage: 'files::abc' });
      expect(problems(definition, {})).to.deep.equal(['bijlage: is required']);
      expect(problems(definition, { bijlage: 5 })).to.deep.equal(['bijlage: must be a file reference']);
    });
  });

  describe('limits', () => {
    it('should list at most 100 details and say how many more there were', () => {
      const data = Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`onbekend${index}`, index]));

      const result = details(field({ type: 'textfield', key: 'naam' }), data);

      expect(result).to.have.length(101);
      expect(result[100]).to.deep.equal({ rule: 'truncated', message: 'and 50 more problems' });
    });
  });

  describe('caching', () => {
    it('should give the same answers when a form without FEEL is validated again', () => {
      expect(problems(triage, { urgentie: 'x', datumMelding: '2026-03-02' })).to.deep.equal(['urgentie: must be one of: acuut, niet-acuut']);
      expect(problems(triage, { urgentie: 'x', datumMelding: '2026-03-02' })).to.deep.equal(['urgentie: must be one of: acuut, niet-acuut']);
      expect(validateSubmission(triage, { urgentie: 'acuut', datumMelding: '2026-03-02' }, {})).to.deep.equal({
        urgentie: 'acuut',
        datumMelding: '2026-03-02',
      });
    });

    it('should evaluate conditions afresh for every submission', () => {
      const definition = field({ type: 'textfield', key: 'x', conditional: { hide: '=verberg' }, validate: { required: true } });

      expect(validateSubmission(definition, {}, { verberg: true })).to.deep.equal({});
      expect(problems(definition, {}, { verberg: false })).to.deep.equal(['x: is required']);
    });
  });
});

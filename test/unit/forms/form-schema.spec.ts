import { expect } from 'chai';
import { InvalidError, type ErrorDetail } from '../../../src/errors.js';
import {
  MAX_FORM_COMPONENTS,
  MAX_FORM_DEPTH,
  checkFeelSyntax,
  formFieldKeys,
  parseFormSchema,
  type FeelKind,
} from '../../../src/forms/form-schema.js';

/** A Veilig Thuis triage form as the form editor writes it. */
const triageForm = {
  id: 'vt-triage',
  type: 'default',
  schemaVersion: 16,
  executionPlatform: 'Camunda Cloud',
  exporter: { name: 'Camunda Modeler', version: '5.30.0' },
  components: [
    { type: 'text', id: 'Text_intro', text: '# Triage melding' },
    {
      type: 'select',
      id: 'Field_urgentie',
      key: 'urgentie',
      label: 'Urgentie',
      values: [
        { label: 'Acuut', value: 'acuut' },
        { label: 'Niet acuut', value: 'niet-acuut' },
      ],
      validate: { required: true },
    },
    { type: 'textarea', id: 'Field_toelichting', key: 'toelichting', label: 'Toelichting', validate: { minLength: 10 } },
    { type: 'checkbox', id: 'Field_politie', key: 'politieBetrokken', label: 'Politie betrokken' },
    { type: 'datetime', id: 'Field_datum', key: 'datumMelding', subtype: 'date', dateLabel: 'Datum melding' },
    { type: 'number', id: 'Field_kinderen', key: 'aantalKinderen', label: 'Aantal kinderen', validate: { min: 0, max: 15 } },
    {
      type: 'group',
      id: 'Group_melder',
      label: 'Melder',
      path: 'melder',
      components: [
        { type: 'textfield', id: 'Field_naam', key: 'naam', label: 'Naam' },
        { type: 'textfield', id: 'Field_email', key: 'email', label: 'E-mail', validate: { validationType: 'email' } },
      ],
    },
    { type: 'button', id: 'Button_submit', action: 'submit', label: 'Versturen' },
  ],
};

function form(components: unknown[], extra: Record<string, unknown> = {}) {
  return { id: 'f', type: 'default', components, ...extra };
}

function problemsOf(json: unknown, options?: Parameters<typeof parseFormSchema>[1]): ErrorDetail[] {
  try {
    parseFormSchema(json, options);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidError);
    expect((error as InvalidError).code).to.equal('form_schema_invalid');
    return (error as InvalidError).details;
  }
  expect.fail('expected the form to be rejected');
}

function messages(details: ErrorDetail[]): string[] {
  return details.map((detail) => detail.message);
}

function nested(depth: number): unknown {
  let component: Record<string, unknown> = { type: 'textfield', key: 'diep', id: 'Field_diep' };
  for (let level = 1; level < depth; level += 1) {
    component = { type: 'group', id: `Group_${level}`, components: [component] };
  }
  return form([component]);
}

describe('parseFormSchema', () => {
  describe('accepting', () => {
    it('should accept a realistic triage form and return it unchanged', () => {
      const parsed = parseFormSchema(triageForm);

      expect(parsed).to.deep.equal(triageForm);
    });

    it('should return a frozen copy, so it can be cached by identity', () => {
      const parsed = parseFormSchema(triageForm);

      expect(parsed).not.to.equal(triageForm);
      expect(Object.isFrozen(parsed)).to.equal(true);
      expect(Object.isFrozen(parsed.components[1].values)).to.equal(true);
    });

    it('should accept every component type of form-js 1.23', () => {
      const parsed = parseFormSchema(
        form([
          { type: 'textfield', key: 'a' },
          { type: 'textarea', key: 'b' },
          { type: 'number', key: 'c', decimalDigits: 2, increment: '0.5', serializeToString: true },
          { type: 'checkbox', key: 'd' },
          { type: 'checklist', key: 'e', values: [{ label: 'X', value: 'x' }] },
          { type: 'radio', key: 'f', valuesKey: 'fOpties' },
          { type: 'select', key: 'g', valuesExpression: '=["a", "b"]' },
          { type: 'taglist', key: 'h', values: [{ label: 'Y', value: 'y' }] },
          { type: 'datetime', key: 'i', subtype: 'datetime', timeSerializingFormat: 'utc_offset' },
          { type: 'expression', key: 'j', expression: '=c * 2', computeOn: 'change' },
          { type: 'filepicker', key: 'k', multiple: true },
          { type: 'text', text: '=a' },
          { type: 'html', content: '<b>x</b>' },
          { type: 'image', source: '=plaatje' },
          { type: 'spacer', height: 60 },
          { type: 'separator' },
          { type: 'iframe', url: 'https://example.org', height: 300 },
          { type: 'table', dataSource: '=rijen', columnsExpression: '=kolommen' },
          { type: 'button', action: 'reset' },
          { type: 'documentPreview', dataSource: '=documenten' },
          { type: 'group', components: [] },
          { type: 'dynamiclist', path: 'lijst', components: [{ type: 'textfield', key: 'l' }] },
        ]),
      );

      expect(parsed.components).to.have.length(22);
    });

    it('should accept nesting exactly 20 levels deep', () => {
      expect(() => parseFormSchema(nested(MAX_FORM_DEPTH))).not.to.throw();
    });

    it('should accept exactly 2,000 components', () => {
      const components = Array.from({ length: MAX_FORM_COMPONENTS }, (_, index) => ({ type: 'textfield', key: `veld${index}` }));

      expect(() => parseFormSchema(form(components))).not.to.throw();
    });

    it('should accept the same key in groups with different paths', () => {
      expect(() =>
        parseFormSchema(
          form([
            { type: 'group', path: 'moeder', components: [{ type: 'textfield', key: 'naam' }] },
            { type: 'group', path: 'vader', components: [{ type: 'textfield', key: 'naam' }] },
          ]),
        ),
      ).not.to.throw();
    });

    it('should accept dotted keys that share a parent object and groups sharing a path', () => {
      expect(() =>
        parseFormSchema(
          form([
            { type: 'textfield', key: 'adres.straat' },
            { type: 'textfield', key: 'adres.plaats' },
            { type: 'group', path: 'adres', components: [{ type: 'textfield', key: 'postcode' }] },
          ]),
        ),
      ).not.to.throw();
    });

    it('should accept a key repeated inside a dynamic list and beside it', () => {
      expect(() =>
        parseFormSchema(
          form([
            { type: 'textfield', key: 'naam' },
            { type: 'dynamiclist', path: 'kinderen', components: [{ type: 'textfield', key: 'naam' }] },
          ]),
        ),
      ).not.to.throw();
    });
  });

  describe('rejecting the form itself', () => {
    it('should reject a value that is not an object', () => {
      expect(messages(problemsOf([]))).to.deep.equal(['A form must be a JSON object']);
      expect(messages(problemsOf('form'))).to.deep.equal(['A form must be a JSON object']);
    });

    it('should reject a form without id, with another type and without components, listing all three', () => {
      const details = problemsOf({ type: 'custom' });

      expect(details.map((detail) => detail.path)).to.deep.equal(['id', 'type', 'components']);
    });

    it('should reject components nested deeper than 20 levels, naming the group', () => {
      const details = problemsOf(nested(MAX_FORM_DEPTH + 1));

      expect(details).to.have.length(1);
      expect(details[0].elementId).to.equal('Group_1');
      expect(details[0].message).to.match(/deeper than 20 levels/);
    });

    it('should reject more than 2,000 components', () => {
      const components = Array.from({ length: MAX_FORM_COMPONENTS + 1 }, (_, index) => ({ type: 'spacer', id: `S${index}` }));

      expect(messages(problemsOf(form(components)))).to.deep.equal(['The form has more than 2000 components']);
    });

    it('should count components inside groups towards the limit', () => {
      const inner = Array.from({ length: MAX_FORM_COMPONENTS }, (_, index) => ({ type: 'spacer', id: `S${index}` }));

      expect(messages(problemsOf(form([{ type: 'group', components: inner }])))).to.deep.equal([
        'The form has more than 2000 components',
      ]);
    });

    it('should reject JSON nested absurdly deep anywhere in the file', () => {
      let deep: unknown = 'x';
      for (let level = 0; level < 10_000; level += 1) deep = [deep];

      expect(messages(problemsOf(form([], { properties: deep })))[0]).to.match(/nests JSON values deeper than/);
    });
  });

  describe('rejecting components', () => {
    it('should reject an unknown component type, naming the component', () => {
      const details = problemsOf(form([{ type: 'signature', id: 'Field_1', key: 'handtekening' }]));

      expect(details).to.deep.equal([
        {
          path: 'components[0]',
          elementId: 'Field_1',
          rule: 'type',
          message: 'signature "handtekening": unknown component type "signature"',
        },
      ]);
    });

    it('should reject an input field without a key', () => {
      const details = problemsOf(form([{ type: 'textfield', id: 'Field_naam', label: 'Naam' }]));

      expect(details[0]).to.include({ elementId: 'Field_naam', rule: 'key' });
      expect(details[0].message).to.equal('textfield "Field_naam": an input field needs a "key"');
    });

    it('should reject two input fields with the same key, naming the key', () => {
      const details = problemsOf(
        form([
          { type: 'textfield', id: 'A', key: 'naam' },
          { type: 'textarea', id: 'B', key: 'naam' },
        ]),
      );

      expect(details).to.have.length(1);
      expect(details[0]).to.include({ path: 'components[1]', elementId: 'B', rule: 'path' });
      expect(details[0].message).to.equal('textarea "naam": the key "naam" binds "naam", which textfield "naam" (A) already uses');
    });

    it('should reject keys that collide through a group path', () => {
      const details = problemsOf(
        form([
          { type: 'textfield', key: 'melder.naam' },
          { type: 'group', path: 'melder', components: [{ type: 'textfield', key: 'naam' }] },
        ]),
      );

      expect(details).to.have.length(1);
      expect(details[0].path).to.equal('components[1].components[0]');
      expect(details[0].message).to.equal('textfield "naam": the key "naam" binds "melder.naam", which textfield "melder.naam" already uses');
    });

    it('should reject a key nested inside another field\'s value', () => {
      const details = problemsOf(
        form([
          { type: 'textfield', key: 'adres' },
          { type: 'textfield', key: 'adres.straat' },
        ]),
      );

      expect(details[0].message).to.match(/the key "adres.straat" binds "adres.straat" inside the value of textfield "adres"/);
    });

    it('should reject a field outside a dynamic list that binds into the list', () => {
      const details = problemsOf(
        form([
          { type: 'dynamiclist', path: 'kinderen', components: [{ type: 'textfield', key: 'naam' }] },
          { type: 'textfield', key: 'kinderen.leeftijd' },
        ]),
      );

      expect(details[0].message).to.equal(
        'textfield "kinderen.leeftijd": the key "kinderen.leeftijd" binds "kinderen.leeftijd" inside the items of dynamiclist "kinderen" but is not part of that list',
      );
    });

    it('should reject keys that are not variable names or dot-separated paths', () => {
      const details = problemsOf(
        form([
          { type: 'textfield', key: 'voor naam' },
          { type: 'textfield', key: 'items.0' },
          { type: 'textfield', key: '__proto__.x' },
        ]),
      );

      expect(messages(details)).to.deep.equal([
        'textfield "voor naam": the key "voor naam" must be a variable name or a dot-separated path',
        'textfield "items.0": the key "items.0" must not contain numeric path segments',
        'textfield "__proto__.x": the key "__proto__.x" uses a prohibited name',
      ]);
    });

    it('should reject two components with the same id', () => {
      const details = problemsOf(
        form([
          { type: 'textfield', id: 'Field_1', key: 'a' },
          { type: 'textfield', id: 'Field_1', key: 'b' },
        ]),
      );

      expect(details[0].message).to.equal('textfield "b": the id "Field_1" is used by another component');
    });

    it('should reject a dynamic list without a path', () => {
      const details = problemsOf(form([{ type: 'dynamiclist', id: 'Lijst', components: [] }]));

      expect(details[0].message).to.equal('dynamiclist "Lijst": a dynamic list needs a "path" for its items');
    });

    it('should reject components inside a component that is not a group or dynamic list', () => {
      const details = problemsOf(form([{ type: 'textfield', key: 'a', components: [] }]));

      expect(details[0].message).to.match(/only groups and dynamic lists may contain components/);
    });

    it('should reject a choice field without options', () => {
      const details = problemsOf(form([{ type: 'select', key: 'keuze' }]));

      expect(details[0].message).to.equal('select "keuze": needs options: "values", "valuesKey" or "valuesExpression"');
    });

    it('should reject options without a usable value', () => {
      const details = problemsOf(form([{ type: 'radio', key: 'keuze', values: [{ label: 'Leeg', value: '' }, 'x'] }]));

      expect(messages(details)).to.deep.equal([
        'radio "keuze": option 1 needs a "value" (text, number or true/false)',
        'radio "keuze": option 2 needs a "value" (text, number or true/false)',
      ]);
    });

    it('should reject validation settings of the wrong kind', () => {
      const details = problemsOf(
        form([
          {
            type: 'textfield',
            key: 'code',
            validate: { required: 'yes', minLength: -1, maxLength: 2.5, pattern: '([a-z', validationType: 'iban' },
          },
          { type: 'number', key: 'n', validate: { min: '5' }, decimalDigits: -1, increment: 0 },
        ]),
      );

      expect(messages(details)).to.deep.equal([
        'textfield "code": "validate.required" must be true or false',
        'textfield "code": "validate.minLength" must be a whole number of 0 or more, or FEEL',
        'textfield "code": "validate.maxLength" must be a whole number of 0 or more, or FEEL',
        'textfield "code": "validate.pattern" is not a valid regular expression: ([a-z',
        'textfield "code": "validate.validationType" must be "email" or "phone"',
        'number "n": "validate.min" must be a number or FEEL',
        'number "n": "decimalDigits" must be a whole number of 0 or more',
        'number "n": "increment" must be a number greater than 0',
      ]);
    });

    it('should reject a datetime field without a known subtype', () => {
      const details = problemsOf(form([{ type: 'datetime', key: 'moment' }]));

      expect(details[0].message).to.equal('datetime "moment": "subtype" must be "date", "time" or "datetime"');
    });

    it('should reject an expression field without FEEL', () => {
      const details = problemsOf(form([{ type: 'expression', key: 'som', expression: 'a + b' }]));

      expect(details[0].message).to.match(/needs an "expression" \(FEEL starting with "="\)/);
    });

    it('should reject a hide condition that is not FEEL', () => {
      const details = problemsOf(form([{ type: 'textfield', key: 'a', conditional: { hide: 'b = 1' } }]));

      expect(details[0].message).to.equal('textfield "a": "conditional.hide" must be a FEEL expression (starting with "=")');
    });

    it('should list the problems of every component, not just the first', () => {
      const details = problemsOf(
        form([
          { type: 'textfield' },
          { type: 'unknown' },
          { type: 'group', components: [{ type: 'select', key: 'x' }] },
        ]),
      );

      expect(details.map((detail) => detail.path)).to.deep.equal(['components[0]', 'components[1]', 'components[2].components[0]']);
    });
  });

  describe('checking FEEL', () => {
    it('should pass every FEEL-valued property to checkFeel without its "=", unary tests for hide conditions', () => {
      const seen: Array<[string, FeelKind]> = [];
      parseFormSchema(
        form([
          {
            type: 'number',
            key: 'n',
            label: '=labelTekst',
            conditional: { hide: '=verberg = true' },
            validate: { min: '=ondergrens', max: 10 },
          },
          { type: 'select', key: 's', valuesExpression: '=opties' },
        ]),
        {
          checkFeel: (expression, kind) => {
            seen.push([expression, kind]);
            return null;
          },
        },
      );

      expect(seen).to.deep.equal([
        ['verberg = true', 'unaryTest'],
        ['labelTekst', 'expression'],
        ['ondergrens', 'expression'],
        ['opties', 'expression'],
      ]);
    });

    it('should report the problem checkFeel finds, naming the property', () => {
      const details = problemsOf(form([{ type: 'textfield', key: 'a', validate: { maxLength: '=max(' } }]), {
        checkFeel: () => 'unexpected end',
      });

      expect(details).to.deep.equal([
        { path: 'components[0]', rule: 'feel', message: 'textfield "a": "validate.maxLength" is not valid FEEL: unexpected end' },
      ]);
    });

    it('should check FEEL with feelin\'s parser when no checker is given', () => {
      const details = problemsOf(form([{ type: 'textfield', key: 'a', conditional: { hide: '=b > (' } }]));

      expect(details[0].message).to.match(/"conditional.hide" is not valid FEEL: syntax error at position/);
    });

    it('should find syntax errors with the default checker and pass valid FEEL', () => {
      expect(checkFeelSyntax('urgentie = "acuut" and aantal > 2')).to.equal(null);
      expect(checkFeelSyntax('if a then 1 else')).to.match(/syntax error/);
      expect(checkFeelSyntax('')).to.equal('is empty');
    });
  });
});

describe('formFieldKeys', () => {
  it('should list the input fields with their binding paths through groups and lists', () => {
    const parsed = parseFormSchema(
      form([
        { type: 'text', text: 'Intro' },
        { type: 'textfield', id: 'F1', key: 'naam' },
        { type: 'group', components: [{ type: 'checkbox', key: 'akkoord' }] },
        { type: 'group', path: 'melder', components: [{ type: 'textfield', key: 'adres.plaats' }] },
        {
          type: 'dynamiclist',
          path: 'dossier.kinderen',
          components: [{ type: 'number', key: 'leeftijd' }],
        },
        { type: 'button', action: 'submit' },
      ]),
    );

    expect(formFieldKeys(parsed)).to.deep.equal([
      { key: 'naam', path: ['naam'], variable: 'naam', type: 'textfield', id: 'F1' },
      { key: 'akkoord', path: ['akkoord'], variable: 'akkoord', type: 'checkbox' },
      { key: 'adres.plaats', path: ['melder', 'adres', 'plaats'], variable: 'melder', type: 'textfield' },
      {
        key: 'leeftijd',
        path: ['dossier', 'kinderen', 'leeftijd'],
        variable: 'dossier',
        type: 'number',
        list: ['dossier', 'kinderen'],
      },
    ]);
  });

  it('should list the triage form\'s variables', () => {
    const variables = formFieldKeys(parseFormSchema(triageForm)).map((field) => field.variable);

    expect(variables).to.deep.equal(['urgentie', 'toelichting', 'politieBetrokken', 'datumMelding', 'aantalKinderen', 'melder', 'melder']);
  });
});

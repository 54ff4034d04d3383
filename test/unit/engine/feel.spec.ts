import { expect } from 'chai';
import {
  clearFeelCache,
  evaluateCondition,
  evaluateExpression,
  feelSyntaxError,
  FeelError,
  isFeel,
  resolveValue,
  type FeelEnv,
} from '../../../src/engine/feel.js';
import { createWorkingDayCalendar } from '../../../src/engine/working-days.js';

const env: FeelEnv = { now: new Date('2026-04-24T10:00:00.000Z') }; // Friday 12:00 in Amsterdam

function ev(expression: string, variables: Record<string, unknown> = {}, e: FeelEnv = env): unknown {
  return evaluateExpression(expression, variables, e);
}

function feelErrorOf(f: () => unknown): FeelError {
  try {
    f();
  } catch (err) {
    expect(err).to.be.instanceOf(FeelError);
    return err as FeelError;
  }
  expect.fail('expected a FeelError');
}

describe('feel', () => {
  describe('isFeel', () => {
    it('should recognise a string starting with = as FEEL', () => {
      expect(isFeel('= a > 1')).to.equal(true);
      expect(isFeel('=a')).to.equal(true);
      expect(isFeel('  = a')).to.equal(true);
      expect(isFeel('a = b')).to.equal(false);
      expect(isFeel('vt-triage')).to.equal(false);
      expect(isFeel(42)).to.equal(false);
      expect(isFeel(null)).to.equal(false);
    });
  });

  describe('evaluateCondition', () => {
    it('should evaluate comparisons', () => {
      expect(evaluateCondition('= amount > 1000', { amount: 1500 }, env)).to.equal(true);
      expect(evaluateCondition('= amount > 1000', { amount: 500 }, env)).to.equal(false);
      expect(evaluateCondition('= kind = "subsidie"', { kind: 'subsidie' }, env)).to.equal(true);
      expect(evaluateCondition('= kind != "subsidie"', { kind: 'subsidie' }, env)).to.equal(false);
      expect(evaluateCondition('= age between 18 and 65', { age: 30 }, env)).to.equal(true);
      expect(evaluateCondition('= urgentie in ("acuut", "hoog")', { urgentie: 'hoog' }, env)).to.equal(true);
    });

    it('should evaluate boolean logic and boolean variables', () => {
      expect(evaluateCondition('= a and not(b)', { a: true, b: false }, env)).to.equal(true);
      expect(evaluateCondition('= a or b', { a: false, b: false }, env)).to.equal(false);
      expect(evaluateCondition('= approved', { approved: true }, env)).to.equal(true);
      expect(evaluateCondition('= true', {}, env)).to.equal(true);
    });

    it('should accept a condition without the leading =', () => {
      expect(evaluateCondition('amount > 1000', { amount: 1500 }, env)).to.equal(true);
    });

    it('should read nested values, lists and filters', () => {
      const variables = { applicant: { age: 17, address: { city: 'Utrecht' } }, items: [{ amount: 3 }, { amount: 7 }] };
      expect(evaluateCondition('= applicant.age < 18', variables, env)).to.equal(true);
      expect(evaluateCondition('= applicant.address.city = "Utrecht"', variables, env)).to.equal(true);
      expect(evaluateCondition('= count(items[amount > 5]) = 1', variables, env)).to.equal(true);
      expect(evaluateCondition('= some i in items satisfies i.amount > 5', variables, env)).to.equal(true);
    });

    it('should reject a condition that yields null because a variable is missing, naming the variable', () => {
      const err = feelErrorOf(() => evaluateCondition('= amount > 1000', {}, env));
      expect(err.kind).to.equal('type');
      expect(err.expression).to.equal('= amount > 1000');
      expect(err.message).to.match(/expected a boolean but got null/i);
      expect(err.message).to.contain("'amount'");
    });

    it('should reject a condition that yields null from an explicit null', () => {
      const err = feelErrorOf(() => evaluateCondition('= amount > 1000', { amount: null }, env));
      expect(err.message).to.match(/expected a boolean but got null/i);
    });

    it('should reject a condition that yields a string or number', () => {
      expect(feelErrorOf(() => evaluateCondition('= urgentie', { urgentie: 'acuut' }, env)).message).to.match(
        /expected a boolean but got string "acuut"/i,
      );
      expect(feelErrorOf(() => evaluateCondition('= 1', {}, env)).message).to.match(/got number 1/);
    });

    it('should reject a condition with a syntax error', () => {
      const err = feelErrorOf(() => evaluateCondition('= a >', { a: 1 }, env));
      expect(err.kind).to.equal('syntax');
    });
  });

  describe('evaluateExpression', () => {
    it('should return strings, numbers, booleans and null', () => {
      expect(ev('= "Melding " + id', { id: 'M-1' })).to.equal('Melding M-1');
      expect(ev('= amount * 2 + 1', { amount: 20 })).to.equal(41);
      expect(ev('= 1 / 3')).to.be.closeTo(0.3333, 0.001);
      expect(ev('= a = 1', { a: 1 })).to.equal(true);
      expect(ev('= missing')).to.equal(null);
      expect(ev('= 1 / 0')).to.equal(null);
    });

    it('should return dates as YYYY-MM-DD, date-times as ISO UTC and durations as ISO 8601', () => {
      expect(ev('= date("2026-04-24")')).to.equal('2026-04-24');
      expect(ev('= date("2026-04-24") + duration("P3D")')).to.equal('2026-04-27');
      expect(ev('= date and time("2026-04-24T12:00:00@Europe/Amsterdam")')).to.equal('2026-04-24T10:00:00.000Z');
      expect(ev('= date and time("2026-04-24T12:00:00+02:00")')).to.equal('2026-04-24T10:00:00.000Z');
      expect(ev('= date and time("2026-04-24T10:00:00Z")')).to.equal('2026-04-24T10:00:00.000Z');
      // a date-time without zone is Amsterdam wall-clock time
      expect(ev('= date and time("2026-01-15T09:00:00")')).to.equal('2026-01-15T08:00:00.000Z');
      expect(ev('= duration("P2DT3H")')).to.equal('P2DT3H');
      expect(ev('= date("2026-05-01") - date("2026-04-24")')).to.equal('P7D');
      expect(ev('= time("10:30:00")')).to.equal('10:30:00');
    });

    it('should return contexts as objects and lists as arrays, converting values inside', () => {
      expect(ev('= {naam: n, termijn: date("2026-05-01"), items: [1, 2]}', { n: 'Jan' })).to.deep.equal({
        naam: 'Jan',
        termijn: '2026-05-01',
        items: [1, 2],
      });
      expect(ev('= for x in xs return x * 2', { xs: [1, 2, 3] })).to.deep.equal([2, 4, 6]);
    });

    it('should read string variables as strings, so date arithmetic needs date()', () => {
      expect(ev('= date(d) + duration("P1D")', { d: '2026-04-24' })).to.equal('2026-04-25');
    });

    it('should accept JS Dates in variables as date-times', () => {
      expect(ev('= d + duration("PT1H")', { d: new Date('2026-04-24T10:00:00Z') })).to.equal('2026-04-24T11:00:00.000Z');
      expect(ev('= x.when', { x: { when: new Date('2026-04-24T10:00:00Z') } })).to.equal('2026-04-24T10:00:00.000Z');
    });

    it('should give a FeelError for a function or a range, never a function value', () => {
      expect(feelErrorOf(() => ev('= date')).message).to.match(/gives a function/);
      expect(feelErrorOf(() => ev('= function(x) x + 1')).message).to.match(/gives a function/);
      expect(feelErrorOf(() => ev('= [1..3]')).message).to.match(/gives a range/);
    });

    it('should not mutate the variables', () => {
      const variables = { x: { b: 2 }, list: [3, 1, 2] };
      expect(ev('= context put(x, "a", 1)', variables)).to.deep.equal({ b: 2, a: 1 });
      expect(ev('= sort(list, function(a, b) a < b)', variables)).to.deep.equal([1, 2, 3]);
      expect(variables).to.deep.equal({ x: { b: 2 }, list: [3, 1, 2] });
    });

    it('should ignore a trailing line comment', () => {
      expect(ev('= x + 1 // plus one', { x: 1 })).to.equal(2);
    });

    it('should throw a syntax FeelError with the position in the given expression', () => {
      const err = feelErrorOf(() => ev('= a >', { a: 1 }));
      expect(err.kind).to.equal('syntax');
      expect(err.expression).to.equal('= a >');
      expect(err.position).to.deep.equal({ from: 5, to: 5 });
      expect(err.message).to.contain('position 5');
    });

    it('should turn a failure inside feelin into a FeelError', () => {
      const err = feelErrorOf(() => ev('= date("-2020-01-01")'));
      expect(err.kind).to.equal('evaluation');
      expect(err.message).to.contain('negative date');
    });

    it('should give the same results on a second evaluation (cached) and after clearing the cache', () => {
      const expression = '= if amount > 100 then "groot" else "klein"';
      expect(ev(expression, { amount: 500 })).to.equal('groot');
      expect(ev(expression, { amount: 5 })).to.equal('klein');
      expect(ev(expression, {})).to.equal('klein');
      clearFeelCache();
      expect(ev(expression, { amount: 500 })).to.equal('groot');
    });

    it('should keep working when more distinct expressions are evaluated than the cache holds', () => {
      for (let i = 0; i < 1200; i++) expect(ev(`= x + ${i}`, { x: 1 })).to.equal(1 + i);
      expect(ev('= x + 0', { x: 2 })).to.equal(2);
    });

    it('should not report warnings of one evaluation in the next', () => {
      evaluateCondition('= flag or missing', { flag: true }, env); // warns about 'missing'
      const err = feelErrorOf(() => evaluateCondition('= flag or missing', { flag: null }, env));
      expect(err.message.match(/'missing'/g)).to.have.length(1);
    });
  });

  describe('names', () => {
    it('should read variable names with spaces', () => {
      expect(ev('= due date', { 'due date': '2026-05-01' })).to.equal('2026-05-01');
    });

    it('should read names with operator characters as feelin does, when the variables have them', () => {
      expect(ev('= e-mail', { 'e-mail': 'a@example.nl' })).to.equal('a@example.nl');
      expect(ev('= contact.e-mail', { contact: { 'e-mail': 'a@example.nl' } })).to.equal('a@example.nl');
      expect(ev('= e-mail', { e: 5, mail: 2 })).to.equal(3);
    });

    it('should give the same results on the compiled path and on feelin\'s context-aware path', () => {
      const variables = {
        amount: 1500,
        kind: 'subsidie',
        applicant: { age: 40, name: 'Jan', tags: ['a', 'b'] },
        items: [{ amount: 3 }, { amount: 7 }],
        d: '2026-04-24',
        leeftijd_één: 3,
      };
      const expressions = [
        '= amount > 1000 and kind = "subsidie"',
        '= applicant.name + " (" + string(applicant.age) + ")"',
        '= items[amount > 5]',
        '= items.amount',
        '= sum(items.amount) + amount',
        '= for i in items return i.amount * 2',
        '= {a: amount, b: a + 1}',
        '= add working days(date(d), 5)',
        '= working days between(date(d), date("2026-05-31"))',
        '= missing',
        '= leeftijd_één + 1',
        '= list contains(applicant.tags, "b")',
        '= now()',
      ];
      for (const expression of expressions) {
        const compiled = ev(expression, variables);
        // a variable whose name has an operator sends every evaluation to feelin's evaluate
        const contextual = ev(expression, { ...variables, 'x-y': 0 });
        expect(contextual, expression).to.deep.equal(compiled);
      }
    });

    it('should not let a variable named now or today replace the clock', () => {
      expect(ev('= today()', { today: '1999-01-01', now: 'x' })).to.equal('2026-04-24');
    });
  });

  describe('security', () => {
    it('should give no access to JS globals or prototypes', () => {
      expect(ev('= process')).to.equal(null);
      expect(ev('= constructor')).to.equal(null);
      expect(ev('= __proto__')).to.equal(null);
      expect(ev('= globalThis')).to.equal(null);
      expect(ev('= require')).to.equal(null);
      expect(ev('= x.constructor', { x: {} })).to.equal(null);
      expect(ev('= x.__proto__', { x: {} })).to.equal(null);
      expect(ev('= "abc".constructor')).to.equal(null);
      expect(ev('= (add working days).constructor')).to.equal(null);
      expect(evaluateCondition('= x.toString = null', { x: {} }, env)).to.equal(true);
    });

    it('should never return a JS function', () => {
      for (const expression of ['= now', '= add working days', '= (add working days).fn', '= date.constructor']) {
        let result: unknown;
        try {
          result = ev(expression);
        } catch (err) {
          expect(err, expression).to.be.instanceOf(FeelError);
          continue;
        }
        expect(typeof result, expression).not.to.equal('function');
      }
    });
  });

  describe('now() and today()', () => {
    it('should use env.now, not the system clock', () => {
      expect(ev('= now()', {}, { now: new Date('2030-01-02T03:04:05.678Z') })).to.equal('2030-01-02T03:04:05.678Z');
      expect(ev('= now()', {}, { now: new Date('2026-04-24T10:00:00Z') })).to.equal('2026-04-24T10:00:00.000Z');
    });

    it('should give now() in Europe/Amsterdam and today() as the date there', () => {
      const lateEvening = { now: new Date('2026-04-26T23:30:00Z') }; // 01:30 on 27 April in Amsterdam
      expect(ev('= today()', {}, lateEvening)).to.equal('2026-04-27');
      expect(ev('= now().hour', {}, lateEvening)).to.equal(1);
      expect(ev('= string(date(now()))', {}, lateEvening)).to.equal('2026-04-27');
    });

    it('should give the exact instant in the repeated hour when summer time ends', () => {
      const second = { now: new Date('2026-10-25T01:30:00Z') }; // 02:30 CET, the second 02:30
      expect(ev('= now()', {}, second)).to.equal('2026-10-25T01:30:00.000Z');
      expect(ev('= now()', {}, { now: new Date('2026-10-25T00:30:00Z') })).to.equal('2026-10-25T00:30:00.000Z');
    });

    it('should compare now() with date-times and add durations to it', () => {
      expect(evaluateCondition('= now() > date and time(deadline)', { deadline: '2026-04-24T09:00:00Z' }, env)).to.equal(
        true,
      );
      expect(ev('= now() + duration("P1D")')).to.equal('2026-04-25T10:00:00.000Z');
    });
  });

  describe('working-day functions', () => {
    it('should add working days to a date across King\'s Day and give a date', () => {
      expect(ev('= add working days(date("2026-04-24"), 1)')).to.equal('2026-04-28');
      expect(ev('= string(add working days(date("2026-04-24"), 1))')).to.equal('2026-04-28');
      expect(evaluateCondition('= add working days(date("2026-04-24"), 1) = date("2026-04-28")', {}, env)).to.equal(
        true,
      );
    });

    it('should add working days across Easter 2026', () => {
      // Thursday 2 April + 5: Good Friday counts, Easter Monday does not
      expect(ev('= add working days(date("2026-04-02"), 5)')).to.equal('2026-04-10');
      expect(ev('= add working days(date("2026-04-10"), -5)')).to.equal('2026-04-02');
      expect(ev('= next working day(date("2026-04-03"))')).to.equal('2026-04-07');
      expect(ev('= is working day(date("2026-04-06"))')).to.equal(false);
      expect(ev('= is working day(date("2026-04-07"))')).to.equal(true);
      expect(ev('= working days between(date("2026-04-02"), date("2026-04-10"))')).to.equal(5);
      expect(ev('= working days between(date("2026-04-10"), date("2026-04-02"))')).to.equal(-5);
    });

    it('should use the calendar of the env', () => {
      const calendar = createWorkingDayCalendar({ includeGoodFriday: true, extraHolidays: ['2026-04-08'] });
      // Good Friday and Easter Monday off, Tue 7 (1), [Wed 8 extra], Thu 9 (2), Fri 10 (3), Mon 13 (4), Tue 14 (5)
      expect(ev('= add working days(date("2026-04-02"), 5)', {}, { ...env, calendar })).to.equal('2026-04-14');
    });

    it('should accept ISO strings', () => {
      expect(ev('= add working days("2026-04-24", 1)')).to.equal('2026-04-28');
      expect(ev('= add working days(d, 1)', { d: '2026-04-24' })).to.equal('2026-04-28');
      expect(ev('= add working days(d, 1)', { d: '2026-04-24T10:00:00Z' })).to.equal('2026-04-28T10:00:00.000Z');
      expect(ev('= is working day("2026-04-27")')).to.equal(false);
    });

    it('should add working days to now(), keeping the time of day', () => {
      // Friday 24 April 12:00 CEST + 5: Tue 28 (1) ... Fri 1 May (4), Mon 4 May (5)
      expect(ev('= add working days(now(), 5)')).to.equal('2026-05-04T10:00:00.000Z');
      expect(ev('= add working days(today(), 5)')).to.equal('2026-05-04');
    });

    it('should keep the zone of a date-time and its Amsterdam time of day across DST', () => {
      expect(ev('= string(add working days(date and time("2026-04-24T10:00:00Z"), 1))')).to.equal(
        '2026-04-28T10:00:00Z',
      );
      expect(ev('= add working days(date and time("2026-03-27T11:00:00@Europe/Amsterdam"), 1)')).to.equal(
        '2026-03-30T09:00:00.000Z',
      );
      expect(ev('= string(add working days(date and time("2026-03-27T11:00:00"), 1))')).to.equal('2026-03-30T11:00:00');
    });

    it('should take the Amsterdam calendar day of a date-time', () => {
      expect(ev('= is working day(date and time("2026-04-26T23:30:00Z"))')).to.equal(false);
    });

    it('should give null for missing or invalid arguments, like FEEL built-ins', () => {
      expect(ev('= add working days(missing, 5)')).to.equal(null);
      expect(ev('= add working days(date("2026-04-24"), 1.5)')).to.equal(null);
      expect(ev('= add working days(date("2026-04-24"), 1000000)')).to.equal(null);
      expect(ev('= add working days("morgen", 1)')).to.equal(null);
      expect(ev('= is working day(42)')).to.equal(null);
    });

    it('should accept named arguments', () => {
      expect(ev('= add working days(date: date("2026-04-24"), days: 1)')).to.equal('2026-04-28');
    });
  });

  describe('resolveValue', () => {
    it('should evaluate FEEL and leave a literal alone', () => {
      expect(resolveValue('= groep + "-leiding"', { groep: 'vt' }, env)).to.equal('vt-leiding');
      expect(resolveValue('vt-triage', { groep: 'vt' }, env)).to.equal('vt-triage');
      expect(resolveValue('', {}, env)).to.equal('');
    });
  });

  describe('feelSyntaxError', () => {
    it('should return null for expressions that parse', () => {
      expect(feelSyntaxError('= amount > 1000 and kind = "subsidie"')).to.equal(null);
      expect(feelSyntaxError('amount > 1000')).to.equal(null);
      expect(feelSyntaxError('= add working days(now(), 5)')).to.equal(null);
      expect(feelSyntaxError('= working days between(today(), due)')).to.equal(null);
      expect(feelSyntaxError('= {a: 1, b: [1, 2]}')).to.equal(null);
      expect(feelSyntaxError('= x // comment')).to.equal(null);
    });

    it('should report an incomplete comparison with its position', () => {
      const message = feelSyntaxError('= a >');
      expect(message).to.match(/position 5/);
      expect(message).to.match(/incomplete comparison/);
    });

    it('should report an unclosed parenthesis', () => {
      expect(feelSyntaxError('= (')).to.match(/incomplete parenthesized expression/);
      expect(feelSyntaxError('= add working days(now(), 5')).to.be.a('string');
    });

    it('should report error nodes the parser recovers from without throwing', () => {
      expect(feelSyntaxError('= "abc')).to.be.a('string');
      expect(feelSyntaxError('= a ? b')).to.match(/unexpected "\?"/);
      expect(feelSyntaxError('= )')).to.be.a('string');
      expect(feelSyntaxError('= 1 +')).to.be.a('string');
      expect(feelSyntaxError('= if a then 1')).to.be.a('string');
      expect(feelSyntaxError('= a > 5 and')).to.be.a('string');
    });

    it('should report an empty expression', () => {
      expect(feelSyntaxError('=')).to.match(/empty expression/);
      expect(feelSyntaxError('=   ')).to.match(/empty expression/);
    });
  });
});

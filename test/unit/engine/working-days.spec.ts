import { expect } from 'chai';
import {
  amsterdamDate,
  amsterdamDateTime,
  createWorkingDayCalendar,
  dutchWorkingDays as cal,
  easterSunday,
  fromAmsterdamDateTime,
  MAX_WORKING_DAYS,
} from '../../../src/engine/working-days.js';

function addDays(iso: string, n: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

describe('working-days', () => {
  describe('Easter (Gregorian computus)', () => {
    it('should compute known Easter Sundays', () => {
      expect(easterSunday(2024)).to.equal('2024-03-31');
      expect(easterSunday(2025)).to.equal('2025-04-20');
      expect(easterSunday(2026)).to.equal('2026-04-05');
      expect(easterSunday(2027)).to.equal('2027-03-28');
      expect(easterSunday(2000)).to.equal('2000-04-23');
      expect(easterSunday(2038)).to.equal('2038-04-25'); // latest possible date
      expect(easterSunday(2285)).to.equal('2285-03-22'); // earliest possible date
    });
  });

  describe('holidaysOf', () => {
    it('should list the Dutch national holidays of 2026 with their Dutch names, in date order', () => {
      expect(cal.holidaysOf(2026)).to.deep.equal([
        { date: '2026-01-01', name: 'Nieuwjaarsdag' },
        { date: '2026-04-05', name: 'Eerste Paasdag' },
        { date: '2026-04-06', name: 'Tweede Paasdag' },
        { date: '2026-04-27', name: 'Koningsdag' },
        { date: '2026-05-05', name: 'Bevrijdingsdag' },
        { date: '2026-05-14', name: 'Hemelvaartsdag' },
        { date: '2026-05-24', name: 'Eerste Pinksterdag' },
        { date: '2026-05-25', name: 'Tweede Pinksterdag' },
        { date: '2026-12-25', name: 'Eerste Kerstdag' },
        { date: '2026-12-26', name: 'Tweede Kerstdag' },
      ]);
    });

    it('should move Koningsdag to 26 April when 27 April is a Sunday (2025)', () => {
      const kingsDay = cal.holidaysOf(2025).find((h) => h.name === 'Koningsdag');
      expect(kingsDay?.date).to.equal('2025-04-26');
      expect(cal.holidaysOf(2025).some((h) => h.date === '2025-04-27')).to.equal(false);
    });

    it('should not include Goede Vrijdag by default but include it when asked', () => {
      expect(cal.holidaysOf(2026).some((h) => h.name === 'Goede Vrijdag')).to.equal(false);
      const withGoodFriday = createWorkingDayCalendar({ includeGoodFriday: true });
      expect(withGoodFriday.holidaysOf(2026)[1]).to.deep.equal({ date: '2026-04-03', name: 'Goede Vrijdag' });
    });

    it('should include extra holidays of that year only, with a given or default name', () => {
      const c = createWorkingDayCalendar({
        extraHolidays: ['2026-06-01', { date: '2026-12-31', name: 'Oudejaarsdag' }, '2027-01-02'],
      });
      const list = c.holidaysOf(2026);
      expect(list).to.deep.include({ date: '2026-06-01', name: 'Extra vrije dag' });
      expect(list[list.length - 1]).to.deep.equal({ date: '2026-12-31', name: 'Oudejaarsdag' });
      expect(list.some((h) => h.date === '2027-01-02')).to.equal(false);
    });

    it('should reject a year outside the Gregorian range it supports', () => {
      expect(() => cal.holidaysOf(1500)).to.throw(RangeError);
      expect(() => cal.holidaysOf(2026.5)).to.throw(RangeError);
    });
  });

  describe('isWorkingDay', () => {
    it('should treat Monday to Friday as working days and weekends as not', () => {
      expect(cal.isWorkingDay('2026-03-09')).to.equal(true); // Monday
      expect(cal.isWorkingDay('2026-03-13')).to.equal(true); // Friday
      expect(cal.isWorkingDay('2026-03-14')).to.equal(false); // Saturday
      expect(cal.isWorkingDay('2026-03-15')).to.equal(false); // Sunday
    });

    it("should exclude King's Day 2026 (Monday 27 April)", () => {
      expect(cal.isWorkingDay('2026-04-27')).to.equal(false);
      expect(cal.isWorkingDay('2026-04-28')).to.equal(true);
    });

    it("should exclude King's Day 2025 on Saturday 26 April and not move it to a weekday", () => {
      expect(cal.isWorkingDay('2025-04-26')).to.equal(false);
      expect(cal.isWorkingDay('2025-04-28')).to.equal(true); // the Monday after is a working day
    });

    it('should exclude Easter Monday, Ascension and Whit Monday 2026', () => {
      expect(cal.isWorkingDay('2026-04-06')).to.equal(false);
      expect(cal.isWorkingDay('2026-05-14')).to.equal(false);
      expect(cal.isWorkingDay('2026-05-25')).to.equal(false);
    });

    it('should exclude Christmas, New Year and Liberation Day', () => {
      expect(cal.isWorkingDay('2025-12-25')).to.equal(false);
      expect(cal.isWorkingDay('2025-12-26')).to.equal(false);
      expect(cal.isWorkingDay('2026-01-01')).to.equal(false);
      expect(cal.isWorkingDay('2026-05-05')).to.equal(false); // a Tuesday, counted every year
    });

    it('should count Good Friday as a working day unless the calendar includes it', () => {
      expect(cal.isWorkingDay('2026-04-03')).to.equal(true);
      expect(createWorkingDayCalendar({ includeGoodFriday: true }).isWorkingDay('2026-04-03')).to.equal(false);
    });

    it('should exclude extra holidays', () => {
      const c = createWorkingDayCalendar({ extraHolidays: ['2026-06-01'] });
      expect(c.isWorkingDay('2026-06-01')).to.equal(false);
      expect(cal.isWorkingDay('2026-06-01')).to.equal(true);
    });

    it('should use the calendar date in Europe/Amsterdam for an instant', () => {
      // 2026-04-26T23:30Z is 01:30 on 27 April (Koningsdag) in Amsterdam
      expect(cal.isWorkingDay('2026-04-26T23:30:00Z')).to.equal(false);
      expect(cal.isWorkingDay(new Date('2026-04-26T23:30:00Z'))).to.equal(false);
      // 2026-04-27T22:30Z is already Tuesday 28 April there
      expect(cal.isWorkingDay('2026-04-27T22:30:00Z')).to.equal(true);
      // an offset is honoured; a date-time without offset is Amsterdam wall-clock time
      expect(cal.isWorkingDay('2026-04-27T01:30:00+02:00')).to.equal(false);
      expect(cal.isWorkingDay('2026-04-28T00:30:00')).to.equal(true);
    });

    it('should reject input that is not an ISO date or a valid Date', () => {
      expect(() => cal.isWorkingDay('27-04-2026')).to.throw(RangeError);
      expect(() => cal.isWorkingDay('2026-02-30')).to.throw(RangeError);
      expect(() => cal.isWorkingDay(new Date('nonsense'))).to.throw(RangeError);
    });
  });

  describe('addWorkingDays', () => {
    it('should give the n-th working day after a working day', () => {
      expect(cal.addWorkingDays('2026-03-09', 1)).to.equal('2026-03-10');
      expect(cal.addWorkingDays('2026-03-09', 4)).to.equal('2026-03-13');
    });

    it('should skip a weekend', () => {
      expect(cal.addWorkingDays('2026-03-13', 1)).to.equal('2026-03-16'); // Friday -> Monday
    });

    it('should count a term from a Saturday from the following Monday (Saturday + 5 = next Friday)', () => {
      expect(cal.addWorkingDays('2026-03-14', 5)).to.equal('2026-03-20');
      expect(cal.addWorkingDays('2026-03-15', 5)).to.equal('2026-03-20'); // Sunday too
    });

    it('should run a 5-working-day term across Easter weekend and Easter Monday 2026', () => {
      // Thu 2 Apr: Fri 3 (1), [Sat, Sun, Easter Monday], Tue 7 (2) ... Fri 10 (5)
      expect(cal.addWorkingDays('2026-04-02', 5)).to.equal('2026-04-10');
      // with Good Friday off as well: Tue 7 (1) ... Fri 10 (4), Mon 13 (5)
      expect(createWorkingDayCalendar({ includeGoodFriday: true }).addWorkingDays('2026-04-02', 5)).to.equal(
        '2026-04-13',
      );
    });

    it("should run a 5-working-day term received on Saturday across King's Day 2026", () => {
      // Sat 25 Apr: [Sun, King's Day Mon 27], Tue 28 (1), Wed (2), Thu (3), Fri 1 May (4), Mon 4 May (5)
      expect(cal.addWorkingDays('2026-04-25', 5)).to.equal('2026-05-04');
    });

    it('should skip Liberation Day, Ascension and Whit Monday', () => {
      expect(cal.addWorkingDays('2026-05-04', 1)).to.equal('2026-05-06');
      expect(cal.addWorkingDays('2026-05-13', 1)).to.equal('2026-05-15');
      expect(cal.addWorkingDays('2026-05-22', 1)).to.equal('2026-05-26');
    });

    it('should skip Christmas and New Year', () => {
      // Wed 24 Dec 2025: [25, 26, weekend], Mon 29 (1), Tue 30 (2), Wed 31 (3), [1 Jan], Fri 2 Jan (4)
      expect(cal.addWorkingDays('2025-12-24', 4)).to.equal('2026-01-02');
    });

    it('should go back for negative n: the |n|-th working day before', () => {
      expect(cal.addWorkingDays('2026-04-10', -5)).to.equal('2026-04-02');
      expect(cal.addWorkingDays('2026-04-28', -1)).to.equal('2026-04-24'); // over King's Day and a weekend
      expect(cal.addWorkingDays('2026-03-14', -1)).to.equal('2026-03-13'); // from a Saturday
    });

    it('should give the day itself for n = 0 when it is a working day, otherwise the next working day', () => {
      expect(cal.addWorkingDays('2026-03-10', 0)).to.equal('2026-03-10');
      expect(cal.addWorkingDays('2026-04-25', 0)).to.equal('2026-04-28');
    });

    it('should honour extra holidays', () => {
      const c = createWorkingDayCalendar({ extraHolidays: ['2026-03-10', '2026-03-11'] });
      expect(c.addWorkingDays('2026-03-09', 1)).to.equal('2026-03-12');
    });

    it('should keep the Amsterdam time of day of a date-time and return an ISO UTC string', () => {
      // Friday 24 April 12:00 CEST -> Tuesday 28 April 12:00 CEST
      expect(cal.addWorkingDays('2026-04-24T10:00:00Z', 1)).to.equal('2026-04-28T10:00:00.000Z');
      expect(cal.addWorkingDays(new Date('2026-04-24T10:00:00.250Z'), 1)).to.equal('2026-04-28T10:00:00.250Z');
      // without offset: Amsterdam wall-clock time
      expect(cal.addWorkingDays('2026-04-24T12:00:00', 1)).to.equal('2026-04-28T10:00:00.000Z');
    });

    it('should keep the local time of day across the start of summer time', () => {
      // Friday 27 March 2026 11:00 CET (10:00Z) -> Monday 30 March 11:00 CEST (09:00Z)
      expect(cal.addWorkingDays('2026-03-27T10:00:00Z', 1)).to.equal('2026-03-30T09:00:00.000Z');
    });

    it('should keep the local time of day across the end of summer time, forwards and backwards', () => {
      // Friday 23 October 2026 11:00 CEST (09:00Z) -> Monday 26 October 11:00 CET (10:00Z)
      expect(cal.addWorkingDays('2026-10-23T09:00:00Z', 1)).to.equal('2026-10-26T10:00:00.000Z');
      expect(cal.addWorkingDays('2026-10-26T10:00:00Z', -1)).to.equal('2026-10-23T09:00:00.000Z');
    });

    it('should count from the Amsterdam calendar day of an instant near midnight', () => {
      // 2026-04-23T22:30Z is Friday 24 April 00:30 in Amsterdam; +1 -> Tuesday 28 April 00:30
      expect(cal.addWorkingDays('2026-04-23T22:30:00Z', 1)).to.equal('2026-04-27T22:30:00.000Z');
    });

    it('should reject a non-integer or absurdly large number of days', () => {
      expect(() => cal.addWorkingDays('2026-03-09', 1.5)).to.throw(RangeError);
      expect(() => cal.addWorkingDays('2026-03-09', Number.NaN)).to.throw(RangeError);
      expect(() => cal.addWorkingDays('2026-03-09', MAX_WORKING_DAYS + 1)).to.throw(RangeError);
    });

    it('should always land on a working day and agree with workingDaysBetween', () => {
      for (let i = 0; i < 800; i++) {
        const start = addDays('2025-01-01', i);
        for (const n of [0, 1, 2, 5, 10, 23, -1, -5, -12]) {
          const result = cal.addWorkingDays(start, n);
          expect(cal.isWorkingDay(result), `${start} ${n}`).to.equal(true);
          if (n > 0 || (n < 0 && cal.isWorkingDay(start))) {
            expect(cal.workingDaysBetween(start, result), `${start} ${n}`).to.equal(n);
          }
        }
      }
    });
  });

  describe('nextWorkingDay', () => {
    it('should give the first working day strictly after the day', () => {
      expect(cal.nextWorkingDay('2026-04-03')).to.equal('2026-04-07'); // Good Friday -> after Easter Monday
      expect(cal.nextWorkingDay('2026-03-10')).to.equal('2026-03-11');
      expect(cal.nextWorkingDay('2026-04-24T10:00:00Z')).to.equal('2026-04-28T10:00:00.000Z');
    });
  });

  describe('workingDaysBetween', () => {
    it('should count working days after the first day up to and including the second', () => {
      expect(cal.workingDaysBetween('2026-03-09', '2026-03-09')).to.equal(0);
      expect(cal.workingDaysBetween('2026-03-09', '2026-03-10')).to.equal(1);
      expect(cal.workingDaysBetween('2026-03-09', '2026-03-16')).to.equal(5);
      expect(cal.workingDaysBetween('2026-03-14', '2026-03-15')).to.equal(0);
    });

    it('should leave out the holidays of Easter and May 2026', () => {
      // April 2026: 22 weekdays, minus Easter Monday and King's Day
      expect(cal.workingDaysBetween('2026-03-31', '2026-04-30')).to.equal(20);
      // May 2026: 21 weekdays, minus Liberation Day, Ascension and Whit Monday
      expect(cal.workingDaysBetween('2026-04-30', '2026-05-31')).to.equal(18);
    });

    it('should be negative when the second day is before the first', () => {
      expect(cal.workingDaysBetween('2026-03-16', '2026-03-09')).to.equal(-5);
      expect(cal.workingDaysBetween('2026-04-30', '2026-03-31')).to.equal(-20);
    });

    it('should count a whole year: 2026 has 261 weekdays and 7 holidays on weekdays', () => {
      expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).to.equal(254);
    });

    it('should use Amsterdam calendar days for instants', () => {
      // 22:30Z on Thursday is Friday in Amsterdam: Friday -> Tuesday 28 April = 1 working day
      expect(cal.workingDaysBetween('2026-04-23T22:30:00Z', '2026-04-28')).to.equal(1);
    });

    it('should match a day-by-day count over several years', () => {
      const c = createWorkingDayCalendar({ includeGoodFriday: true, extraHolidays: ['2026-06-01'] });
      let count = 0;
      for (let i = 1; i <= 1200; i++) {
        if (c.isWorkingDay(addDays('2024-11-15', i))) count++;
        if (i % 97 === 0) expect(c.workingDaysBetween('2024-11-15', addDays('2024-11-15', i))).to.equal(count);
      }
    });
  });

  describe('Europe/Amsterdam conversions', () => {
    it('should give the Amsterdam date and wall-clock of an instant', () => {
      expect(amsterdamDate(new Date('2026-04-26T23:30:00Z'))).to.equal('2026-04-27');
      expect(amsterdamDateTime(new Date('2026-01-15T08:00:00.123Z'))).to.equal('2026-01-15T09:00:00.123');
    });

    it('should resolve a wall-clock time in the spring-forward gap forwards and an ambiguous one to the earlier instant', () => {
      expect(fromAmsterdamDateTime('2026-03-29T02:30:00').toISOString()).to.equal('2026-03-29T01:30:00.000Z');
      expect(fromAmsterdamDateTime('2026-10-25T02:30:00').toISOString()).to.equal('2026-10-25T00:30:00.000Z');
      expect(fromAmsterdamDateTime('2026-07-01T12:00').toISOString()).to.equal('2026-07-01T10:00:00.000Z');
    });
  });

  describe('createWorkingDayCalendar', () => {
    it('should reject an extra holiday that is not a YYYY-MM-DD date', () => {
      expect(() => createWorkingDayCalendar({ extraHolidays: ['1 juni 2026'] })).to.throw(RangeError);
      expect(() => createWorkingDayCalendar({ extraHolidays: ['2026-13-01'] })).to.throw(RangeError);
    });
  });
});

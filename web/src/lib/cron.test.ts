import { describe, expect, it } from 'vitest';
import { describeSchedule } from './cron';

describe('describeSchedule', () => {
  it('reads common cron shapes in words', () => {
    expect(describeSchedule('0 */6 * * *')).toBe('every 6 h at :00 UTC');
    expect(describeSchedule('10 * * * *')).toBe('every hour at :10');
    expect(describeSchedule('30 6 * * *')).toBe('daily at 06:30 UTC');
    expect(describeSchedule('*/15 * * * *')).toBe('every 15 min');
  });
  it('passes anything else through', () => {
    expect(describeSchedule('0 6 * * 1')).toBe('cron 0 6 * * 1 (UTC)');
    expect(describeSchedule('hourly')).toBe('hourly');
    expect(describeSchedule(null)).toBe('');
  });
});

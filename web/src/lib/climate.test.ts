import { describe, expect, it } from 'vitest';
import {
  anomalyLimit,
  anomalyText,
  contextLine,
  divergingColour,
  heatwaveLine,
  heatwaveShading,
  ordinal,
  percentileText,
} from './climate';

const sst = { source: 'demo (synthetic)', baseline: [1991, 2020], log10: false };

describe('climate words', () => {
  it('writes ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 97].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '97th',
    ]);
  });
  it('says what the clamped ends of the percentile mean', () => {
    expect(percentileText(97.4)).toBe('97th percentile');
    expect(percentileText(1)).toBe('at or below the 1st percentile');
    expect(percentileText(99)).toBe('at or above the 99th percentile');
  });
  it('writes the card line in the viewer unit', () => {
    expect(contextLine({ anomaly: 1.8, percentile: 97.2, climatology: sst }, '°C', 'C')).toBe(
      '+1.8 °C vs 1991–2020, 97th percentile',
    );
    // A temperature difference in °F has no 32° offset.
    expect(anomalyText(-1, sst, '°F', 'F')).toBe('−1.8 °F vs 1991–2020');
    expect(anomalyText(0.01, sst, '°C', 'C')).toBe('±0.0 °C vs 1991–2020');
  });
  it('reads a log10 anomaly as a ratio', () => {
    const chl = { source: 's', baseline: [2012, 2023], log10: true };
    expect(anomalyText(Math.log10(2), chl, 'mg m⁻³', 'C')).toBe('2.0× typical for 2012–2023');
  });
  it('invents nothing without a climatology', () => {
    expect(contextLine({ anomaly: null, percentile: null, climatology: null }, '°C', 'C')).toBeNull();
    expect(contextLine({ anomaly: 1, percentile: 50 }, '°C', 'C')).toBeNull();
  });
  it('says the heatwave plainly', () => {
    expect(heatwaveLine({ category: 'Strong', day: 12 })).toBe('Strong marine heatwave, day 12');
  });
});

describe('heatwave shading and the anomaly palette', () => {
  it('shades whole UTC days, the end day included', () => {
    const [s] = heatwaveShading([{ date_start: '2026-10-20', date_end: '2026-10-31', category: 'Strong' }]);
    expect(s.from).toBe(Date.UTC(2026, 9, 20) / 1000);
    expect(s.to).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(s.colour).toBe('#ff6900');
  });
  it('is white at zero, blue when cold and red when warm', () => {
    expect(divergingColour(0, 2)).toBe('rgb(247, 247, 247)');
    expect(divergingColour(-2, 2)).toBe('rgb(33, 102, 172)');
    expect(divergingColour(5, 2)).toBe('rgb(178, 24, 43)');
    expect(anomalyLimit([0.2, -1.3])).toBe(1.5);
    expect(anomalyLimit([])).toBe(1);
  });
});

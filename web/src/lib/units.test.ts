import { describe, expect, it } from 'vitest';
import { cToF, converter, displayUnit, formatValue, fToC, isCelsius, prettyUnit, toDisplay } from './units';

describe('temperature conversion', () => {
  it('converts known points', () => {
    expect(cToF(0)).toBe(32);
    expect(cToF(100)).toBe(212);
    expect(cToF(-40)).toBe(-40);
    expect(cToF(14.2)).toBeCloseTo(57.56, 10);
    expect(fToC(cToF(21.37))).toBeCloseTo(21.37, 10);
  });
  it('only converts Celsius quantities', () => {
    expect(isCelsius('°C')).toBe(true);
    expect(isCelsius('PSU')).toBe(false);
    expect(toDisplay(10, '°C', 'F')).toBe(50);
    expect(toDisplay(10, '°C', 'C')).toBe(10);
    expect(toDisplay(35, 'PSU', 'F')).toBe(35);
    expect(converter('m', 'F')(2.5)).toBe(2.5);
    expect(converter('°C', 'F')(20)).toBe(68);
  });
  it('names the unit shown', () => {
    expect(displayUnit('°C', 'F')).toBe('°F');
    expect(displayUnit('°C', 'C')).toBe('°C');
    expect(displayUnit('mg m-3', 'F')).toBe('mg\u2009m⁻³');
    expect(prettyUnit('m s-1')).toBe('m\u2009s⁻¹');
    expect(prettyUnit('PSU')).toBe('PSU');
  });
});

describe('formatValue', () => {
  it('uses per-parameter precision and a real minus sign', () => {
    expect(formatValue(14.234, 'sst')).toBe('14.2');
    expect(formatValue(0.456, 'chlorophyll_a')).toBe('0.46');
    expect(formatValue(-0.123, 'current_u')).toBe('−0.12');
    expect(formatValue(null, 'sst')).toBe('–');
    expect(formatValue(NaN, 'sst')).toBe('–');
    expect(formatValue(123.4, 'unknown')).toBe('123');
  });
});

/** The character rules of src/domain/text.ts, checked against every UTF-16 code unit. */
import { describe, expect, it } from 'vitest';
import { displayName, multiLineProblem, singleLineProblem } from '../../src/domain/text';

const inRanges = (c: number, ranges: [number, number][]) => ranges.some(([a, b]) => c >= a && c <= b);
const SINGLE_LINE_REFUSED: [number, number][] = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0x200e, 0x200f],
  [0x061c, 0x061c],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfeff, 0xfeff],
  [0xd800, 0xdfff], // alone
];
const MULTI_LINE_REFUSED: [number, number][] = [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
  [0x7f, 0x9f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0xd800, 0xdfff],
];

describe('singleLineProblem and multiLineProblem', () => {
  it('refuse exactly the listed code units, and name them', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      const single = singleLineProblem(s);
      expect(single !== undefined, hex).toBe(inRanges(c, SINGLE_LINE_REFUSED));
      if (single) expect(single).toContain(hex);
      const multi = multiLineProblem(s);
      expect(multi !== undefined, hex).toBe(inRanges(c, MULTI_LINE_REFUSED));
      if (multi) expect(multi).toContain(hex);
    }
  });

  it('take whole surrogate pairs (emoji, astral scripts) and refuse halves at either end', () => {
    for (const ok of ['🚀', '𝔘𝔫𝔦', '𠀀', 'a🚀b']) {
      expect(singleLineProblem(ok), ok).toBeUndefined();
      expect(multiLineProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ['\ud83d', '\ude80', 'a\ud83d', '\ude80a', '\ude80\ud83d']) {
      expect(singleLineProblem(bad), JSON.stringify(bad)).toContain('U+D');
      expect(multiLineProblem(bad), JSON.stringify(bad)).toContain('U+D');
    }
  });
});

describe('displayName', () => {
  it('keeps ordinary names exactly', () => {
    for (const name of ['ana@fabrikam.example', 'Álvarez Niño', '株式会社', 'שלום', '🚀 Ana']) expect(displayName(name, 256)).toBe(name);
  });

  it('turns breaks and controls into single spaces, drops invisible characters, trims', () => {
    expect(displayName(' \u2028Ana\r\n\u0085\tLópez\u0000 ', 256)).toBe('Ana López');
    expect(displayName('A\u202en\u2066a\u200b\ufeff', 256)).toBe('Ana');
    expect(displayName('\u200b\u202e', 256)).toBe('');
  });

  it('never outputs a refused character, for any single code unit', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const out = displayName(`x${String.fromCharCode(c)}y`, 256);
      expect(singleLineProblem(out), c.toString(16)).toBeUndefined();
    }
  });

  it('cuts at whole code points', () => {
    expect(displayName(`${'a'.repeat(3)}🚀🚀`, 4)).toBe('aaa🚀');
    expect(displayName(`ab  ${'c'.repeat(10)}`, 3)).toBe('ab');
  });
});

/**
 * Text widths in the PDF's own fonts, and lines broken to a width with them (table.tsx): the tables lay out each
 * column's lines themselves, so where a line breaks must be known before react-pdf sees the text. Widths are the sum
 * of the glyphs' advances (kerning, which only narrows Plex's Latin pairs, is ignored); the lines are written as
 * they are (pdfkit breaks nothing it is not asked to).
 */
import { readFileSync } from "node:fs";
import { create, type Font } from "fontkit";
import { monoFile, sansFile } from "./fonts";

export type Face = "sans" | "mono";

const SEPARATOR = /[,:/._=;@-]/;

const faces = new Map<Face, { font: Font; advance: Map<number, number> }>();

function face(f: Face) {
  let m = faces.get(f);
  if (!m)
    faces.set(f, (m = { font: create(readFileSync(f === "mono" ? monoFile() : sansFile(400))), advance: new Map() }));
  return m;
}

/** How far below the top of a `line`-tall box the baseline of `size`-point text in the middle of it falls. */
export function middleBaseline(f: Face, size: number, line: number): number {
  const { font } = face(f);
  return (line - ((font.ascent - font.descent) * size) / font.unitsPerEm) / 2 + ascent(f, size);
}

/** The face's ascent at `size` points: where pdfkit puts the baseline below the y it is given. */
export function ascent(f: Face, size: number): number {
  const { font } = face(f);
  return (font.ascent * size) / font.unitsPerEm;
}

/** The width of `text` at `size` points, in points. */
export function textWidth(text: string, f: Face, size: number): number {
  const { font, advance } = face(f);
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let a = advance.get(cp);
    if (a === undefined) advance.set(cp, (a = font.glyphForCodePoint(cp).advanceWidth));
    units += a;
  }
  return (units * size) / font.unitsPerEm;
}

/**
 * `text` as lines no wider than `width`: its own line breaks kept, words packed greedily at spaces (as react-pdf
 * wraps), and a token longer than the width — an id, a hash, an address — cut after a separator when one falls in
 * the second half of the line, else at the width (words are never hyphenated: ids must stay copyable).
 */
export function wrapText(text: string, width: number, f: Face, size: number): string[] {
  // a hundredth of a point for the sums' rounding: a line of exactly the width fits
  const max = width + 0.01;
  const space = textWidth(" ", f, size);
  const lines: string[] = [];
  for (const hard of text.split("\n")) {
    let line = "";
    let used = 0;
    for (const word of hard.split(" ").filter(Boolean)) {
      const w = textWidth(word, f, size);
      if (w > max) {
        if (line) lines.push(line);
        const pieces = cut(word, max, f, size);
        line = pieces.pop()!;
        lines.push(...pieces);
        used = textWidth(line, f, size);
      } else if (line && used + space + w > max) {
        lines.push(line);
        line = word;
        used = w;
      } else {
        used += (line ? space : 0) + w;
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

function cut(word: string, max: number, f: Face, size: number): string[] {
  const chars = [...word];
  const out: string[] = [];
  while (chars.length) {
    let used = 0;
    let fit = 0;
    while (fit < chars.length && used + textWidth(chars[fit], f, size) <= max) used += textWidth(chars[fit++], f, size);
    fit = Math.max(1, fit);
    let at = fit;
    if (fit < chars.length)
      for (let i = fit; i >= Math.ceil(fit / 2); i--)
        if (SEPARATOR.test(chars[i - 1])) {
          at = i;
          break;
        }
    out.push(chars.splice(0, at).join(""));
  }
  return out;
}

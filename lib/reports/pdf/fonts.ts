/**
 * The PDF fonts, bundled in the repository (IBM Plex Sans and Mono, SIL Open Font License 1.1, from the @fontsource
 * packages; licence texts beside them in lib/reports/fonts). Read from the working directory, like the migrations, so
 * the standalone build carries them (infra/build/complete-standalone.mjs). Each face is one file holding the Latin,
 * Latin Extended, Cyrillic and (Sans) Greek subsets merged: one family per face, because react-pdf's glyph-by-glyph
 * fallback across families cost ~230 MB more memory and ~13 % more time on the 1,000-vault package. Other scripts
 * (CJK, Arabic, Hebrew, Devanagari, …) print as blanks (docs/evidence.md).
 */
import path from "node:path";
import type { Font as FontApi } from "@react-pdf/renderer";

let registered = false;
const DIR = path.join(process.cwd(), "lib/reports/fonts");

/** The file of a weight of the sans face (page-numbers.tsx stamps with it, measure.ts measures with it). */
export const sansFile = (weight: 400 | 600, dir = DIR) => path.join(dir, `ibm-plex-sans-${weight}-normal.ttf`);
export const monoFile = (dir = DIR) => path.join(dir, "ibm-plex-mono-400-normal.ttf");

export function registerFonts(Font: typeof FontApi, dir = DIR): void {
  if (registered) return;
  Font.register({
    family: "Plex",
    fonts: ([400, 600] as const).map((w) => ({ src: sansFile(w, dir), fontWeight: w })),
  });
  Font.register({ family: "PlexMono", src: monoFile(dir) });
  // words are never hyphenated: ids and hashes must stay copyable
  Font.registerHyphenationCallback((word) => [word]);
  registered = true;
}

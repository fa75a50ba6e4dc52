/**
 * The PDF fonts, bundled in the repository (IBM Plex Sans and Mono, SIL Open Font License 1.1, copied from the
 * @fontsource packages; licence texts beside them in lib/reports/fonts). Read from the working directory, like the
 * migrations, so the standalone build carries them (infra/build/complete-standalone.mjs). Subsets: Latin, Latin
 * Extended, Cyrillic and Greek (Sans), Latin, Latin Extended and Cyrillic (Mono), each its own family; the styles name
 * them in order (SANS, MONO) and the renderer takes each glyph from the first family that has it. Scripts outside
 * them (CJK, Arabic, Hebrew, Devanagari, …) print as blanks (docs/evidence.md).
 */
import path from "node:path";
import type { Font as FontApi } from "@react-pdf/renderer";

let registered = false;

const SANS_SUBSETS = { Plex: "latin", PlexLatinExt: "latin-ext", PlexCyrillic: "cyrillic", PlexGreek: "greek" };
const MONO_SUBSETS = { PlexMono: "latin", PlexMonoLatinExt: "latin-ext", PlexMonoCyrillic: "cyrillic" };

/** The families a style names, in fallback order (react-pdf picks each glyph from the first that has it). */
export const SANS = Object.keys(SANS_SUBSETS);
export const MONO = Object.keys(MONO_SUBSETS);

export function registerFonts(Font: typeof FontApi, dir = path.join(process.cwd(), "lib/reports/fonts")): void {
  if (registered) return;
  for (const [family, subset] of Object.entries(SANS_SUBSETS))
    Font.register({
      family,
      fonts: [400, 600].map((w) => ({
        src: path.join(dir, `ibm-plex-sans-${subset}-${w}-normal.ttf`),
        fontWeight: w,
      })),
    });
  for (const [family, subset] of Object.entries(MONO_SUBSETS))
    Font.register({ family, src: path.join(dir, `ibm-plex-mono-${subset}-400-normal.ttf`) });
  // words are never hyphenated: ids and hashes must stay copyable
  Font.registerHyphenationCallback((word) => [word]);
  registered = true;
}

/**
 * The PDF fonts, bundled in the repository (IBM Plex Sans and Mono, SIL Open Font License 1.1, copied from the
 * @fontsource packages; licence texts beside them in lib/reports/fonts). Read from the working directory, like the
 * migrations, so the standalone build carries them (infra/build/complete-standalone.mjs). Latin subset only:
 * characters outside it print as blanks (docs/evidence.md).
 */
import path from "node:path";
import type { Font as FontApi } from "@react-pdf/renderer";

let registered = false;

export function registerFonts(Font: typeof FontApi, dir = path.join(process.cwd(), "lib/reports/fonts")): void {
  if (registered) return;
  Font.register({
    family: "Plex",
    fonts: [
      { src: path.join(dir, "ibm-plex-sans-latin-400-normal.ttf"), fontWeight: 400 },
      { src: path.join(dir, "ibm-plex-sans-latin-600-normal.ttf"), fontWeight: 600 },
    ],
  });
  Font.register({ family: "PlexMono", src: path.join(dir, "ibm-plex-mono-latin-400-normal.ttf") });
  // words are never hyphenated: ids and hashes must stay copyable
  Font.registerHyphenationCallback((word) => [word]);
  registered = true;
}

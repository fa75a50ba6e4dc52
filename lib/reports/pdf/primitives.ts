/**
 * react-pdf's elements by their element names. @react-pdf/renderer is ESM-only (and one of its packages exports its
 * subpaths for `import` only), so the CommonJS side of the house — tsx scripts, the scheduler — cannot load it with
 * a static import; templates name the elements here and render.ts loads the renderer with a dynamic import().
 */
import type * as R from "@react-pdf/renderer";

export const Document = "DOCUMENT" as unknown as typeof R.Document;
export const Page = "PAGE" as unknown as typeof R.Page;
export const View = "VIEW" as unknown as typeof R.View;
export const Text = "TEXT" as unknown as typeof R.Text;
export const Svg = "SVG" as unknown as typeof R.Svg;
export const Line = "LINE" as unknown as typeof R.Line;
export const Polyline = "POLYLINE" as unknown as typeof R.Polyline;
export type Style = R.Styles[string];

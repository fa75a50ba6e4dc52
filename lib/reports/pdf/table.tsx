import { Text, View } from "./primitives";
import type { ReactNode } from "react";
import { monoFile, sansFile } from "./fonts";
import { ascent, middleBaseline, textWidth, wrapText, type Face } from "./measure";
import { selectFont } from "./pdfkit-font";
import { currentRenderJob } from "./render-store";
import { BAND, INK, RULE, s } from "./styles";

/** The width between an A4 page's paddings (s.page), and a cell's own horizontal padding (s.cell), in points. */
const CONTENT_WIDTH = 595.28 - 2 * 40;
const CELL_PADDING = 6;
/** Every body line of a table is this tall (points), whatever its font: rows are laid out by counting lines. */
export const LINE = 11.5;
/** Rows go out in blocks of at most this many lines; a block is never split between pages. */
const BLOCK_LINES = 8;
const BODY = { sans: 8.5, mono: 7 } as const;

const cellText = (v: unknown) => (v === null || v === undefined || v === "" ? "-" : String(v));

export interface Column<T> {
  title: string;
  /** Relative width. */
  width: number;
  align?: "left" | "right";
  mono?: boolean;
  value: (row: T) => string | number | null | undefined;
  colour?: (row: T) => string | undefined;
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  empty?: string;
}

interface Laid {
  /** Per row, per column: the cell's lines. */
  cells: string[][][];
  /** Per row: its height in lines (its tallest cell). */
  heights: number[];
  colours: (string | undefined)[][];
}

function layOut<T>({ columns, rows }: TableProps<T>): Laid {
  const total = columns.reduce((n, c) => n + c.width, 0);
  const widths = columns.map((c) => (CONTENT_WIDTH * c.width) / total - CELL_PADDING);
  const faces: Face[] = columns.map((c) => (c.mono ? "mono" : "sans"));
  const cells = rows.map((r) =>
    columns.map((c, i) => wrapText(cellText(c.value(r)), widths[i], faces[i], BODY[faces[i]])),
  );
  return {
    cells,
    heights: cells.map((row) => Math.max(...row.map((lines) => lines.length))),
    colours: rows.map((r) => columns.map((c) => c.colour?.(r))),
  };
}

const Canvas = "CANVAS" as unknown as (p: {
  style: Record<string, unknown>;
  wrap?: boolean;
  paint: (painter: Painter, width: number, height: number) => null;
}) => ReactNode;
interface Painter {
  rect(x: number, y: number, w: number, h: number): Painter;
  fill(colour: string): Painter;
  moveTo(x: number, y: number): Painter;
  lineTo(x: number, y: number): Painter;
  lineWidth(w: number): Painter;
  stroke(colour: string): Painter;
  font(src: string): Painter;
  fontSize(size: number): Painter;
  fillColor(colour: string): Painter;
  text(text: string, x: number, y: number, options: Record<string, unknown>): Painter;
}

const FONT_FILE: Record<Face, string> = { sans: sansFile(400), mono: monoFile() };

/**
 * A block of rows, drawn: one Canvas whose painting writes the rows' bands, their cells' lines (already broken, see
 * layOut) and a closing rule with pdfkit directly. react-pdf's cost is per element and per line of text — an element
 * per cell made the tables of the 1,000-vault package most of its render time — while pdfkit writes a line of text
 * for little more than its glyphs (and caches the shaping of words it has seen). Rows are written in reading order,
 * row by row. Rows alternate with a band; a rule closes the table.
 */
function Block<T>({ columns, laid, from, to }: { columns: Column<T>[]; laid: Laid; from: number; to: number }) {
  const total = columns.reduce((n, c) => n + c.width, 0);
  const heights = laid.heights.slice(from, to);
  const lines = heights.reduce((a, b) => a + b, 0);
  return (
    <Canvas
      style={{ width: "100%", height: lines * LINE }}
      wrap={false}
      paint={(p, width) => {
        const doc = currentRenderJob()?.doc;
        // one baseline for every face in a line: the body text's, centred in the line
        const baseline = middleBaseline("sans", BODY.sans, LINE);
        const xs = columns.map((_, i) => (width * columns.slice(0, i).reduce((n, c) => n + c.width, 0)) / total);
        const ws = columns.map((c) => (width * c.width) / total);
        let y = 0;
        for (let r = from; r < to; r++) {
          const h = laid.heights[r] * LINE;
          if (r % 2 === 1) p.rect(0, y, width, h).fill(BAND);
          columns.forEach((c, ci) => {
            const f: Face = c.mono ? "mono" : "sans";
            const size = BODY[f];
            if (doc) selectFont(doc, FONT_FILE[f]);
            else p.font(FONT_FILE[f]);
            p.fontSize(size).fillColor(laid.colours[r][ci] ?? INK);
            laid.cells[r][ci].forEach((line, li) => {
              const x =
                c.align === "right"
                  ? xs[ci] + ws[ci] - CELL_PADDING / 2 - textWidth(line, f, size)
                  : xs[ci] + CELL_PADDING / 2;
              p.text(line, x, y + li * LINE + baseline - ascent(f, size), { lineBreak: false });
            });
          });
          y += h;
        }
        if (to === laid.heights.length) p.moveTo(0, y).lineTo(width, y).lineWidth(0.5).stroke(RULE);
        return null;
      }}
    />
  );
}

/** Row ranges of at most `max` lines each (a taller row is a block of its own). */
function blocks(heights: number[], max: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  let used = 0;
  heights.forEach((h, i) => {
    if (i > start && used + h > max) {
      out.push([start, i]);
      start = i;
      used = 0;
    }
    used += h;
  });
  if (heights.length) out.push([start, heights.length]);
  return out;
}

/**
 * A table that continues across pages: the header row is `fixed`, so it repeats at the top of every page the table
 * runs onto, and rows go out in blocks that are never split between two pages.
 */
export function Table<T>(props: TableProps<T>): ReactNode {
  const { columns, rows, empty } = props;
  const total = columns.reduce((n, c) => n + c.width, 0);
  const laid = layOut(props);
  const ranges = blocks(laid.heights, BLOCK_LINES);
  const firstBlock = ranges.length ? laid.heights.slice(...ranges[0]).reduce((a, b) => a + b, 0) * LINE : 0;
  return (
    <View>
      {/* the header never ends a page without rows under it */}
      <View style={s.headRow} fixed minPresenceAhead={firstBlock}>
        {columns.map((c) => (
          <Text
            key={c.title}
            style={[s.headCell, { width: `${((100 * c.width) / total).toFixed(3)}%`, textAlign: c.align ?? "left" }]}
          >
            {c.title}
          </Text>
        ))}
      </View>
      {rows.length === 0 ? (
        <Text style={[s.note, { marginTop: 4 }]}>{empty ?? "None."}</Text>
      ) : (
        ranges.map(([from, to]) => <Block key={from} columns={columns} laid={laid} from={from} to={to} />)
      )}
    </View>
  );
}

/** The budgets of tablePages are in units of this many points (one line of a row as tuned by the callers' heads). */
const BUDGET_UNIT = 14.6;

/**
 * A long table as page groups, each rendered in a <Page> of its own (SectionPage, EvidenceDocument). react-pdf lays
 * out the whole remaining content of a <Page> again at every page break it makes, so a table of n rows in one Page
 * costs O(n²): 1,000 rows took 14 s and 2,000 rows 55 s to render here; in groups of a page's worth of rows, 6 s and
 * 8 s. `head` goes before the first rows (which get the `first` budget: they share its page), `tail` after the last.
 * Budgets are in units of 14.6 pt; rows are measured exactly (their lines × LINE), so `per` fills most of a page.
 */
export function tablePages<T>(
  table: TableProps<T>,
  { head, tail, first = 34, per = 46 }: { head?: ReactNode; tail?: ReactNode; first?: number; per?: number },
): ReactNode[] {
  const { heights } = layOut(table);
  const groups: T[][] = [[]];
  let used = 0;
  table.rows.forEach((r, i) => {
    const h = heights[i] * LINE;
    const budget = (groups.length === 1 ? first : per) * BUDGET_UNIT;
    if (groups.at(-1)!.length && used + h > budget) {
      groups.push([]);
      used = 0;
    }
    groups.at(-1)!.push(r);
    used += h;
  });
  return groups.map((rows, i) => (
    <View key={i}>
      {i === 0 && head}
      <Table {...table} rows={rows} />
      {i === groups.length - 1 && tail}
    </View>
  ));
}

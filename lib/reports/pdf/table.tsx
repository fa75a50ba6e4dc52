import { Text, View } from "./primitives";
import type { ReactNode } from "react";
import { s } from "./styles";

/** The width between an A4 page's paddings (s.page), and a cell's own horizontal padding (s.cell), in points. */
const CONTENT_WIDTH = 595.28 - 2 * 40;
const CELL_PADDING = 6;
const SEPARATOR = /[,:/._=;@-]/;

/**
 * react-pdf breaks lines only at spaces and words are never hyphenated (fonts.ts), so a token longer than its column —
 * an id, a hash, an address — ran over the next column (zero-width spaces are not break points to it). Such a token is
 * cut into lines that fit: after a separator when one falls in the second half of the line, else at the width; the
 * lines are joined by a line break, as a copy of a wrapped line gives anyway.
 */
export function breakable(text: string, maxChars: number): string {
  return text.replace(/[^\s]+/g, (w) => (w.length <= maxChars ? w : cut(w, maxChars)));
}

function cut(word: string, max: number): string {
  const lines: string[] = [];
  let rest = word;
  while (rest.length > max) {
    let at = max;
    for (let i = max; i >= Math.ceil(max / 2); i--)
      if (SEPARATOR.test(rest[i - 1])) {
        at = i;
        break;
      }
    lines.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  lines.push(rest);
  return lines.join("\n");
}

/** How many characters fit a column with this share of the width: Plex Mono 0.6 em a character, Plex Sans ids ~0.53. */
export function columnChars(share: number, mono = false): number {
  const em = mono ? 7 * 0.6 : 8.5 * 0.55;
  return Math.max(6, Math.floor((CONTENT_WIDTH * share - CELL_PADDING) / em));
}

/** Lines a cell's text takes at `maxChars` a line: its line breaks, then words packed greedily (as react-pdf wraps). */
export function cellLines(text: string, maxChars: number): number {
  let lines = 0;
  for (const hard of breakable(text, maxChars).split("\n")) {
    let used = 0;
    lines++;
    for (const word of hard.split(/\s+/).filter(Boolean)) {
      if (used && used + 1 + word.length > maxChars) {
        lines++;
        used = word.length;
      } else used += (used ? 1 : 0) + word.length;
    }
  }
  return lines;
}

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

/**
 * A table that continues across pages: the header row is `fixed`, so it repeats at the top of every page the table
 * runs onto, and each row is `wrap={false}`, so a row is never split between two pages.
 */
export interface TableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  empty?: string;
}

export function Table<T>({ columns, rows, empty }: TableProps<T>): ReactNode {
  const total = columns.reduce((n, c) => n + c.width, 0);
  const w = (c: Column<T>) => `${((100 * c.width) / total).toFixed(3)}%`;
  const fit = columns.map((c) => columnChars(c.width / total, c.mono));
  return (
    <View>
      <View style={s.headRow} fixed>
        {columns.map((c) => (
          <Text key={c.title} style={[s.headCell, { width: w(c), textAlign: c.align ?? "left" }]}>
            {c.title}
          </Text>
        ))}
      </View>
      {rows.length === 0 ? (
        <Text style={[s.note, { marginTop: 4 }]}>{empty ?? "None."}</Text>
      ) : (
        rows.map((r, i) => (
          <View key={i} style={s.row} wrap={false}>
            {columns.map((c, ci) => {
              const v = c.value(r);
              return (
                <Text
                  key={c.title}
                  style={[
                    s.cell,
                    c.mono ? s.mono : {},
                    { width: w(c), textAlign: c.align ?? "left", color: c.colour?.(r) },
                  ]}
                >
                  {breakable(cellText(v), fit[ci])}
                </Text>
              );
            })}
          </View>
        ))
      )}
    </View>
  );
}

/**
 * A long table as page groups, each rendered in a <Page> of its own (SectionPage, EvidenceDocument). react-pdf lays
 * out the whole remaining content of a <Page> again at every page break it makes, so a table of n rows in one Page
 * costs O(n²): 1,000 rows took 14 s and 2,000 rows 55 s to render here; in groups of a page's worth of rows, 6 s and
 * 8 s. `head` goes before the first rows (which get the `first` budget: they share its page), `tail` after the last.
 * Budgets are in one-line rows; a row counts for its height (its tallest cell's lines, see cellLines), so a group of
 * wrapping rows holds fewer. `per` fills about 85 % of a page, so that the estimate's error does not spill a group's
 * last rows onto a page of their own.
 */
export function tablePages<T>(
  table: TableProps<T>,
  { head, tail, first = 34, per = 42 }: { head?: ReactNode; tail?: ReactNode; first?: number; per?: number },
): ReactNode[] {
  const total = table.columns.reduce((n, c) => n + c.width, 0);
  const fit = table.columns.map((c) => columnChars(c.width / total, c.mono));
  // a one-line row is ~14.6 pt: 4.5 of padding and rule, 10.1 a line
  const units = (r: T) =>
    (4.5 + 10.1 * Math.max(1, ...table.columns.map((c, i) => cellLines(cellText(c.value(r)), fit[i])))) / 14.6;
  const groups: T[][] = [[]];
  let used = 0;
  for (const r of table.rows) {
    const u = units(r);
    const budget = groups.length === 1 ? first : per;
    if (groups.at(-1)!.length && used + u > budget) {
      groups.push([]);
      used = 0;
    }
    groups.at(-1)!.push(r);
    used += u;
  }
  return groups.map((rows, i) => (
    <View key={i}>
      {i === 0 && head}
      <Table {...table} rows={rows} />
      {i === groups.length - 1 && tail}
    </View>
  ));
}

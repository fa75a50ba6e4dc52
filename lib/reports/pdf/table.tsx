import { Text, View } from "./primitives";
import type { ReactNode } from "react";
import { s } from "./styles";

/**
 * Words are never hyphenated (fonts.ts), so long tokens — ids, hashes, JSON — get zero-width break opportunities
 * after separators and every 24 characters; copied text is unchanged apart from those invisible characters.
 */
export function breakable(text: string): string {
  return text.replace(/[^\s]{25,}/g, (w) =>
    w.replace(/([,:/._=;])/g, "$1\u200b").replace(/([^\u200b]{24})(?=[^\u200b])/g, "$1\u200b"),
  );
}

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
            {columns.map((c) => {
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
                  {v === null || v === undefined || v === "" ? "-" : breakable(String(v))}
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
 * 8 s. `head` goes before the first rows (with `first` of them: it shares their page), `tail` after the last; `per`
 * rows fill a page — chosen low enough that a group whose rows wrap onto two lines still fits, since a group that
 * overflows starts a page of its own for its last rows.
 */
export function tablePages<T>(
  table: TableProps<T>,
  { head, tail, first = 25, per = 40 }: { head?: ReactNode; tail?: ReactNode; first?: number; per?: number },
): ReactNode[] {
  const groups: (readonly T[])[] = [table.rows.slice(0, first)];
  for (let i = first; i < table.rows.length; i += per) groups.push(table.rows.slice(i, i + per));
  return groups.map((rows, i) => (
    <View key={i}>
      {i === 0 && head}
      <Table {...table} rows={rows} />
      {i === groups.length - 1 && tail}
    </View>
  ));
}

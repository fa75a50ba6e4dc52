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
export function Table<T>({
  columns,
  rows,
  empty,
}: {
  columns: Column<T>[];
  rows: readonly T[];
  empty?: string;
}): ReactNode {
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

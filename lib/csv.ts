/**
 * CSV cells for spreadsheets: RFC 4180 quoting, and formula-injection neutralisation — a cell that starts
 * with = + - @ (or a tab / carriage return, which some spreadsheet apps strip before evaluating) gets a leading
 * apostrophe so Excel, Sheets and LibreOffice show it as text instead of evaluating it. Finite numbers are written
 * as they are: a number cannot carry a formula, and a quoted "-400" would sort as text.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  let s =
    value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

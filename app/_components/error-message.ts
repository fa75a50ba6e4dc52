/**
 * Cloud error messages are long (Azure appends caller, action, resource and assignment details) and stored cut to a
 * length limit, often mid-word. Shown as: the first sentence as the headline, the rest behind "Full message", and a
 * cut ending marked with "…" at a word boundary instead of a dangling fragment.
 */
export function splitErrorMessage(message: string, headlineMax = 200): { headline: string; rest: string } {
  const text = message.trim().replace(/\s+/g, " ");
  const end = /[.!?](\s|$)/.exec(text);
  let cut = end && end.index < headlineMax ? end.index + 1 : -1;
  if (cut < 0 && text.length > headlineMax) cut = Math.max(text.lastIndexOf(" ", headlineMax), 1);
  if (cut < 0 || cut >= text.length) return { headline: text, rest: "" };
  const rest = text.slice(cut).trim();
  return { headline: text.slice(0, cut).trim(), rest: endsCleanly(rest) ? rest : `${trimFragment(rest)}…` };
}

const endsCleanly = (s: string) => /[.!?)'"\]]$/.test(s);

/** Drops the last partial word ("Assignment: (not fo" → "Assignment: (not"). */
function trimFragment(s: string): string {
  const i = s.lastIndexOf(" ");
  return i > 0 ? s.slice(0, i) : s;
}

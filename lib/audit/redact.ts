/** Keys whose values never enter an audit entry, whatever the caller passes. */
const SENSITIVE_KEY =
  /^(value|values|secret|secrets|secrettext|secretvalue|password|clientsecret|client_secret|privatekey|token|accesstoken|refreshtoken|idtoken|access_token|id_token|authorization|cookie|cookies|apikey|api_key)$/i;

export const REDACTED = "[redacted]";

export function redactDetails(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactDetails(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) ? REDACTED : redactDetails(v, depth + 1);
    return out;
  }
  if (typeof value === "string" && value.length > 2000) return `${value.slice(0, 2000)}…`;
  return value;
}

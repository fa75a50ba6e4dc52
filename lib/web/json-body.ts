import { TransportError } from "./errors";

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * A route's JSON body as an object. A body in any other media type is refused (415) rather than parsed anyway: a form
 * or text/plain body is what a cross-site page can send without a preflight. Malformed JSON, or JSON that is not an
 * object, is a 400 — never an empty input that the schema would fill with defaults. No body at all is an empty input.
 */
export async function readJsonBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.length === 0) return {};
  if (!JSON_TYPE.test(req.headers.get("content-type") ?? "")) {
    throw new TransportError(415, "unsupported_media_type", "Send the request body as application/json.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TransportError(400, "invalid_input", "The request body is not valid JSON.");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new TransportError(400, "invalid_input", "The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}

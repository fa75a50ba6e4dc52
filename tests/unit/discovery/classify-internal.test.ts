// Internal failures (database, programming) are told apart from cloud failures, with a message that quotes nothing.
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { classifyError, HttpError } from "@/lib/cloud";

function pgError(code: string, message: string) {
  return Object.assign(new Error(message), { severity: "ERROR", code, detail: "Key (id)=(secret-ish) exists." });
}

describe("classifyError: internal failures", () => {
  it("a drizzle query error over a PostgreSQL error is internal: SQLSTATE kept, SQL text and parameters not", () => {
    const cause = pgError("23505", 'duplicate key value violates unique constraint "app_registrations_pkey"');
    const e = new DrizzleQueryError('insert into "app_registrations" ("id") values ($1)', ["app-name-value"], cause);
    const c = classifyError(e);
    expect(c.kind).toBe("internal");
    expect(c.code).toBe("23505");
    expect(c.message).not.toMatch(/insert|app_registrations|app-name-value|secret-ish|params/);
  });

  it("a programming error is internal; a fetch failure (TypeError with a network cause) stays network", () => {
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'id')")).kind).toBe("internal");
    const fetchFailed = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) });
    expect(classifyError(fetchFailed).kind).toBe("network");
  });

  it("cloud responses keep their classes, even when the body mentions a database", () => {
    const e = new HttpError(500, "InternalServerError", "database timeout in the service", {});
    expect(classifyError(e).kind).toBe("unknown");
    expect(classifyError(new SyntaxError("Unexpected end of JSON input")).kind).toBe("unknown");
  });
});

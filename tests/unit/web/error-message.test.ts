import { describe, expect, it } from "vitest";
import { splitErrorMessage } from "@/app/_components/error-message";

const CUT =
  "Pagination failed with unexpected statusCode 403 — Caller is not authorized to perform action on resource. If role assignments, deny assignments or role definitions were changed recently, please observe propagation time. Caller: appid=f6af830b;oid=41e355c2 Action: 'Microsoft.KeyVault/vaults/keys/read' Assignment: (not fo";

describe("long cloud error messages", () => {
  it("lead with their first sentence and keep the rest apart", () => {
    const { headline, rest } = splitErrorMessage(CUT);
    expect(headline).toBe(
      "Pagination failed with unexpected statusCode 403 — Caller is not authorized to perform action on resource.",
    );
    expect(rest.startsWith("If role assignments")).toBe(true);
  });

  it("never end in half a word: a cut message ends at a word boundary with an ellipsis", () => {
    const { rest } = splitErrorMessage(CUT);
    expect(rest.endsWith("Assignment: (not…")).toBe(true);
    expect(rest).not.toMatch(/fo$/);
  });

  it("leave a short message whole", () => {
    expect(splitErrorMessage("Vault not found.")).toEqual({ headline: "Vault not found.", rest: "" });
  });
});

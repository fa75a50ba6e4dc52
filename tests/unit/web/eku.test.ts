import { describe, expect, it } from "vitest";
import { ekuName } from "@/app/(console)/inventory/_components/eku";

describe("extended key usages read as names", () => {
  it("names the usages certificate policies carry", () => {
    expect(ekuName("1.3.6.1.5.5.7.3.1")).toBe("Server Authentication");
    expect(ekuName("1.3.6.1.5.5.7.3.2")).toBe("Client Authentication");
    expect(ekuName("1.3.6.1.5.5.7.3.3")).toBe("Code Signing");
    expect(ekuName("1.3.6.1.4.1.311.20.2.2")).toBe("Smart Card Logon");
  });

  it("keeps an unknown OID as it is", () => {
    expect(ekuName("1.2.3.4.5")).toBe("1.2.3.4.5");
  });
});

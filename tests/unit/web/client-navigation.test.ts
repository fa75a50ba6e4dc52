import { describe, expect, it } from "vitest";
import { clientNavigationTarget, type AnchorFacts, type ClickFacts } from "@/lib/web/client-navigation";

const CURRENT = new URL("https://console.example/inventory?status=expired&sort=name");
const plain: ClickFacts = {
  button: 0,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  defaultPrevented: false,
};
const to = (href: string, anchor: Partial<AnchorFacts> = {}, click: Partial<ClickFacts> = {}) =>
  clientNavigationTarget(
    { ...plain, ...click },
    { href: new URL(href, CURRENT).href, target: null, hasDownload: false, ...anchor },
    CURRENT,
  );

describe("clientNavigationTarget (which link clicks navigate client-side)", () => {
  it("takes a plain click on a console page, with its query and fragment", () => {
    expect(to("/inventory/0a02d76f-0edb-4e03-af47-62ea5dd48b5a")).toBe(
      "/inventory/0a02d76f-0edb-4e03-af47-62ea5dd48b5a",
    );
    expect(to("/inventory?tag=env%3Dprod&sort=name")).toBe("/inventory?tag=env%3Dprod&sort=name");
    expect(to("/vaults#posture")).toBe("/vaults#posture");
    expect(to("/")).toBe("/");
    expect(to("/api-keys")).toBe("/api-keys"); // a page whose name merely starts with "api"
  });

  it("leaves new tabs and windows to the browser: modifier keys, other buttons, a target", () => {
    expect(to("/vaults", {}, { ctrlKey: true })).toBeNull();
    expect(to("/vaults", {}, { metaKey: true })).toBeNull();
    expect(to("/vaults", {}, { shiftKey: true })).toBeNull();
    expect(to("/vaults", {}, { altKey: true })).toBeNull();
    expect(to("/vaults", {}, { button: 1 })).toBeNull();
    expect(to("/vaults", { target: "_blank" })).toBeNull();
    expect(to("/vaults", { target: "_self" })).toBe("/vaults");
  });

  it("leaves downloads, route handlers, other sites and in-page jumps to the browser", () => {
    expect(to("/inventory?status=expired", { hasDownload: true })).toBeNull();
    expect(to("/api/inventory/export?status=expired")).toBeNull();
    expect(to("/api")).toBeNull();
    expect(to("https://portal.azure.com/#@tenant/resource/x")).toBeNull();
    expect(to("http://console.example/inventory")).toBeNull(); // another origin (scheme)
    expect(to("mailto:secops@example.com")).toBeNull();
    expect(to("javascript:void(0)")).toBeNull();
    expect(to("#content")).toBeNull(); // the skip link: same page and query, only the fragment
  });

  it("leaves a click some handler already took care of", () => {
    expect(to("/vaults", {}, { defaultPrevented: true })).toBeNull();
  });
});

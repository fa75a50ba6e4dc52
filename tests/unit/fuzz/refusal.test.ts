import { describe, expect, it } from "vitest";
import { mayBeRefusedMethod, replayShowsRefusal, resetIsRefusal } from "../../fuzz/refusal";

const reset = new Error("read ECONNRESET");

describe("a reset seen by the fuzz client", () => {
  it("is a refusal when Node's parser does not know the method and a body was on its way", () => {
    expect(resetIsRefusal({ method: "TRACK", body: "[".repeat(40_000) }, reset)).toBe(true);
    expect(resetIsRefusal({ method: "BREW", body: "x" }, new Error("write EPIPE"))).toBe(true);
  });

  it("is a refusal for a body past the socket buffers, whatever the method", () => {
    expect(resetIsRefusal({ method: "DELETE", body: "x".repeat(1_100_000) }, reset)).toBe(true);
  });

  it("is a failure for a method Node parses with a small body, or with no body at all", () => {
    expect(resetIsRefusal({ method: "POST", body: "[".repeat(40_000) }, reset)).toBe(false);
    expect(resetIsRefusal({ method: "TRACK" }, reset)).toBe(false);
    expect(resetIsRefusal({ method: "GET", body: "" }, reset)).toBe(false);
  });

  it("is a failure when the error is not a reset", () => {
    expect(
      resetIsRefusal({ method: "TRACK", body: "x".repeat(1_100_000) }, new Error("no answer within 20000 ms")),
    ).toBe(false);
  });

  it("is worth a replay without the body when a known method with a small body was reset", () => {
    expect(mayBeRefusedMethod({ method: "DELETE", body: "[".repeat(40_000) }, reset)).toBe(true);
    expect(mayBeRefusedMethod({ method: "DELETE" }, reset)).toBe(false);
    expect(mayBeRefusedMethod({ method: "DELETE", body: "x" }, new Error("no answer within 20000 ms"))).toBe(false);
  });

  it("counts the reset as a refusal only if the replay is refused for its method", () => {
    expect(replayShowsRefusal(405)).toBe(true);
    for (const status of [0, 200, 400, 404, 500, 502]) expect(replayShowsRefusal(status)).toBe(false);
  });
});

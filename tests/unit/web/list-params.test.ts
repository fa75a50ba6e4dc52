import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadList, readListParams } from "@/app/_components/list-params";
import { scanHistoryInput } from "@/lib/discovery";

const schema = z.object({
  status: z.enum(["expired", "healthy"]).optional(),
  q: z.string().trim().max(20).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(10).max(200).default(50),
});

describe("readListParams", () => {
  it("validates the schema's keys, takes the first of repeated values and drops blanks", () => {
    const list = readListParams({ status: ["healthy", "expired"], q: "  ", page: "3", other: "x" }, schema);
    expect(list.values).toEqual({ status: "healthy", page: 3, pageSize: 50 });
    expect(list.params).toEqual({ status: "healthy" });
    expect(list.inputError).toBe(false);
    expect(list.invalidFields).toEqual([]);
  });

  it("keeps the URL's strings (without page) for links", () => {
    const list = readListParams({ q: "db pass", pageSize: "100", page: "2" }, schema);
    expect(list.params).toEqual({ q: "db pass", pageSize: "100" });
    expect(list.values.q).toBe("db pass");
  });

  it("drops an invalid value, keeps the valid ones and says which were dropped", () => {
    const list = readListParams({ status: "bogus", q: "kv", page: "0" }, schema);
    expect(list.inputError).toBe(true);
    expect(list.invalidFields.sort()).toEqual(["page", "status"]);
    expect(list.values).toEqual({ q: "kv", page: 1, pageSize: 50 });
    expect(list.params).toEqual({ q: "kv" });
  });

  it("falls back to the defaults when a rule across fields fails", () => {
    const ranged = schema.refine((v) => v.q !== "both" || v.status === undefined, { message: "not both" });
    const list = readListParams({ q: "both", status: "expired" }, ranged as unknown as typeof schema);
    expect(list.inputError).toBe(true);
    expect(list.values).toEqual({ page: 1, pageSize: 50 });
    expect(list.params).toEqual({});
  });

  it("drops a value with a control character whatever the field's schema, and says so", () => {
    const loose = z.object({
      q: z.string().optional(),
      status: z.string().optional(),
      page: z.coerce.number().default(1),
    });
    const list = readListParams({ q: "db\u0000", status: ["a\u001fb"], page: "2" }, loose);
    expect(list.inputError).toBe(true);
    expect(list.invalidFields.sort()).toEqual(["q", "status"]);
    expect(list.values).toEqual({ page: 2 });
    expect(list.params).toEqual({});
  });

  it("issue 15 item 9: a page number past the scans schema's bound is ignored with the notice, not a 500", () => {
    const list = readListParams({ page: "999999" }, scanHistoryInput);
    expect(list).toMatchObject({ inputError: true, invalidFields: ["page"], values: { page: 1, pageSize: 25 } });
  });

  it("returns the schema's defaults alongside", () => {
    expect(readListParams({}, schema).defaults).toEqual({ page: 1, pageSize: 50 });
  });
});

describe("loadList", () => {
  /** A fake list verb over `total` rows that records the inputs it was called with. */
  const verb = (total: number) => {
    const calls: { page: number; pageSize: number }[] = [];
    const load = async (input: { page: number; pageSize: number }) => {
      calls.push({ page: input.page, pageSize: input.pageSize });
      const from = (input.page - 1) * input.pageSize;
      return {
        total,
        rows: Array.from({ length: Math.max(0, Math.min(input.pageSize, total - from)) }, (_, i) => from + i),
      };
    };
    return { load, calls };
  };

  it("loads an out-of-range page as the last page", async () => {
    const { load, calls } = verb(1_741);
    const view = await loadList(readListParams({ page: "999" }, schema), load);
    expect(view.page).toBe(35);
    expect(view.result.rows[0]).toBe(1_700);
    expect(view.result.rows).toHaveLength(41);
    expect(calls.map((c) => c.page)).toEqual([999, 35]);
  });

  it("loads once when the page is in range", async () => {
    const { load, calls } = verb(120);
    const view = await loadList(readListParams({ page: "2", pageSize: "100" }, schema), load);
    expect(view).toMatchObject({ page: 2, pageSize: 100, total: 120, defaultPageSize: 50, inputError: false });
    expect(calls).toHaveLength(1);
  });

  it("shows the defaults with the notice when the verb still rejects the input", async () => {
    const inputs: unknown[] = [];
    const view = await loadList(readListParams({ status: "expired", q: "kv" }, schema), async (input) => {
      inputs.push(input);
      if (input.status) z.object({ status: z.literal("healthy") }).parse(input);
      return { total: 0 };
    });
    expect(view.inputError).toBe(true);
    expect(view.params).toEqual({});
    expect(inputs[1]).toEqual({ page: 1, pageSize: 50 });
  });

  it("lets other errors through", async () => {
    await expect(
      loadList(readListParams({}, schema), async () => {
        throw new Error("database down");
      }),
    ).rejects.toThrow("database down");
  });
});

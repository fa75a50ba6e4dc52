import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { resetConfigForTests } from "@/lib/config";
import { notFoundRoute, route, routeMethods } from "@/lib/web/route";

beforeAll(() => {
  Object.assign(process.env, {
    APP_ENV: "test",
    SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
    LOG_LEVEL: "silent",
  });
  resetConfigForTests();
});

const seen: unknown[] = [];
const handler = route(
  {
    name: "POST /test/body",
    access: "public",
    input: z.object({ mode: z.enum(["full", "delta"]).default("full"), note: z.string().optional() }),
  },
  async ({ input }) => {
    seen.push(input);
    return { accepted: input };
  },
);

/** A GET route with a route param, as Next.js calls it. */
const getHandler = route(
  {
    name: "GET /test/:id",
    access: "public",
    input: z.object({ id: z.string(), sort: z.enum(["name", "age"]).optional() }),
  },
  async ({ input }) => ({ accepted: input }),
);

async function post(body: string | undefined, contentType?: string, method = "POST") {
  const res = await handler(
    new Request("http://localhost:3000/test/body", {
      method,
      headers: contentType ? { "content-type": contentType } : {},
      body,
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("JSON route bodies", () => {
  it.each([
    ["text/plain", '{"mode":"delta"}'],
    ["text/plain;charset=UTF-8", '{"mode":"delta"}'],
    ["application/xml", "<mode>delta</mode>"],
    ["application/x-www-form-urlencoded", "mode=delta"],
    ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="mode"\r\n\r\ndelta\r\n--x--'],
    ["application/jsonp", '{"mode":"delta"}'],
    [undefined, '{"mode":"delta"}'],
  ])("a %s body → 415 in the public error shape", async (type, body) => {
    const r = await post(body, type);
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ code: "unsupported_media_type", message: expect.any(String) });
    expect(r.body.requestId).toEqual(expect.any(String));
  });

  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON"])(
    "%s is accepted",
    async (type) => {
      const r = await post('{"mode":"delta"}', type);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ accepted: { mode: "delta" } });
    },
  );

  it.each(["{", "[1,2]", '"full"', "null", "42"])("malformed or non-object JSON %j → 400, not defaults", async (b) => {
    const r = await post(b, "application/json");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: "invalid_input" });
  });

  it("no body at all is an empty input (the schema's defaults apply)", async () => {
    expect((await post(undefined)).body).toEqual({ accepted: { mode: "full" } });
    expect((await post("", "application/json")).body).toEqual({ accepted: { mode: "full" } });
  });

  it("applies to PUT and PATCH too", async () => {
    expect((await post('{"mode":"delta"}', "text/plain", "PUT")).status).toBe(415);
    expect((await post('{"mode":"delta"}', "text/plain", "PATCH")).status).toBe(415);
  });
});

describe("control characters, refused once by the transport", () => {
  const get = async (p: string, id = "x") => {
    const res = await getHandler(new Request(`http://localhost:3000${p}`), { params: Promise.resolve({ id }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it.each([
    ["/test/x?sort=%00", "x", "sort"],
    ["/test/x?sort=name&unread=a%1Fb", "x", "unread"],
    ["/test/x?sort=name&sort=%7F", "x", "sort"],
    ["/test/x", "a\u0000", "id"],
  ])("GET %s (id %j) → 400 naming %s", async (p, id, field) => {
    const r = await get(p, id);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      code: "invalid_input",
      requestId: expect.any(String),
      issues: [{ path: field, message: "This value must not contain control characters." }],
    });
  });

  it.each([
    ['{"note":"a\\u0000b"}', "note"],
    ['{"mode":"full","deep":[{"x":"\\u001b[31m"}]}', "deep.0.x"],
    ['{"a\\u0000":1}', "a?"],
  ])("a JSON body %s → 400 naming %s, the handler never runs", async (body, field) => {
    const before = seen.length;
    const r = await post(body, "application/json");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: "invalid_input", issues: [{ path: field }] });
    expect(seen.length).toBe(before);
  });

  it("tabs and line breaks are control characters too; ordinary Unicode is not", async () => {
    expect((await get("/test/x?sort=name%0A")).status).toBe(400);
    expect((await get("/test/x?sort=name&q=%E2%82%AC%20caf%C3%A9")).status).toBe(200);
  });
});

describe("routeMethods", () => {
  it("answers a method the route does not serve with a 405 in the public error shape and an Allow header", async () => {
    const { GET, DELETE, PUT } = routeMethods({ GET: getHandler });
    expect(GET).toBe(getHandler);
    const res = await DELETE(new Request("http://localhost:3000/test/x", { method: "DELETE" }), {
      params: Promise.resolve({ id: "x" }),
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("OPTIONS, GET, HEAD");
    expect(await res.json()).toMatchObject({ code: "method_not_allowed", requestId: expect.any(String) });
    expect(PUT).toBe(DELETE);
  });
});

describe("notFoundRoute", () => {
  it("answers every method on an unknown /api path with a 404 in the public error shape", async () => {
    const handlers = notFoundRoute();
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      const res = await handlers[method](new Request("http://localhost:3000/api/nope", { method }));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: "not_found", requestId: expect.any(String) });
    }
  });
});

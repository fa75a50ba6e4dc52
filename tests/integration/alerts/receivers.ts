/** Real local receivers for the channel tests: an HTTP(S) server that records requests, and an SMTP server on loopback. */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { ensureCa } from "../../cloud";

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: Received[];
  /** the status the next requests get (a function sees the request count so far) */
  respond: (status: number | ((n: number) => number), body?: string, headers?: Record<string, string>) => void;
  close: () => Promise<void>;
}

export async function startHttpReceiver(opts: { tls?: boolean } = {}): Promise<HttpReceiver> {
  const requests: Received[] = [];
  let status: number | ((n: number) => number) = 202;
  let body = '{"status":"success"}';
  let extra: Record<string, string> = {};
  const handler: http.RequestListener = (req, res) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: data });
      const s = typeof status === "function" ? status(requests.length) : status;
      res.writeHead(s, { "content-type": "application/json", ...extra });
      res.end(body);
    });
  };
  const ca = opts.tls ? ensureCa() : undefined;
  const server = ca ? https.createServer({ cert: ca.certPem, key: ca.keyPem }, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${ca ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    respond: (s, b, h) => {
      status = s;
      if (b !== undefined) body = b;
      extra = h ?? {};
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
  secure: boolean;
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  close: () => Promise<void>;
}

/** STARTTLS with the local cloud's certificate; with `auth`, only that user/password may send. */
export async function startSmtp(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const ca = ensureCa();
  const server = new SMTPServer({
    key: ca.keyPem,
    cert: ca.certPem,
    authOptional: !opts.auth,
    disabledCommands: opts.auth ? [] : ["AUTH"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass)
        return cb(null, { user: auth.username });
      cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => (raw += c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
          secure: session.secure,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The decoded text of a quoted-printable MIME part. */
export function decodeQp(s: string): string {
  return Buffer.from(
    s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    "latin1",
  ).toString("utf8");
}

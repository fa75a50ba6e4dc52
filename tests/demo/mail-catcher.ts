/**
 * The demo's mailbox: an SMTP server on loopback that keeps what it receives in memory, and a small web page that
 * lists the messages and shows each one's HTML as the recipient would see it. Demo only (no auth, no TLS).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  id: number;
  at: Date;
  from: string;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
}

function decodeQp(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** The parts of a multipart/alternative message as nodemailer writes it (quoted-printable or base64 bodies). */
export function parseMail(raw: string): { subject: string; html: string | null; text: string | null } {
  const [head] = raw.split(/\r?\n\r?\n/);
  const subject = (/^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(head)?.[1] ?? "").replace(/\r?\n[ \t]/g, " ");
  const decodedSubject = subject.replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_m, q: string) => decodeQp(q.replace(/_/g, " ")));
  const part = (type: string): string | null => {
    const i = raw.indexOf(`Content-Type: ${type}`);
    if (i < 0) return null;
    const rest = raw.slice(i);
    const [headers, ...body] = rest.split(/\r?\n\r?\n/);
    const content = body.join("\n\n").split(/\r?\n--/)[0];
    if (/Content-Transfer-Encoding: base64/i.test(headers)) return Buffer.from(content, "base64").toString("utf8");
    if (/Content-Transfer-Encoding: quoted-printable/i.test(headers)) return decodeQp(content);
    return content;
  };
  return { subject: decodedSubject.trim(), html: part("text/html"), text: part("text/plain") };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export async function startMailCatcher(opts: { smtpPort?: number; webPort?: number } = {}) {
  const mails: CaughtMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, cb) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => (raw += c));
      stream.on("end", () => {
        mails.push({
          id: mails.length + 1,
          at: new Date(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMail(raw),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(opts.smtpPort ?? 0, "127.0.0.1", r));
  const web = http.createServer((req, res) => {
    const m = /^\/mail\/(\d+)$/.exec(req.url ?? "");
    if (m) {
      const mail = mails.find((x) => x.id === Number(m[1]));
      res.writeHead(mail ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
      return res.end(mail?.html ?? `<pre>${esc(mail?.text ?? "not found")}</pre>`);
    }
    const rows = [...mails]
      .reverse()
      .map(
        (x) =>
          `<tr><td>${x.at.toISOString().slice(0, 19).replace("T", " ")}</td><td>${esc(x.to.join(", "))}</td><td><a href="/mail/${x.id}">${esc(x.subject)}</a></td></tr>`,
      )
      .join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo mailbox</title><meta http-equiv="refresh" content="10"><style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.4rem .8rem;text-align:left}</style></head><body><h1>Demo mailbox</h1><p>Everything the demo's alert emails sent to the local SMTP server. Refreshes every 10 s.</p><table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows || '<tr><td colspan="3">No mail yet.</td></tr>'}</tbody></table></body></html>`,
    );
  });
  await new Promise<void>((r) => web.listen(opts.webPort ?? 0, "127.0.0.1", r));
  return {
    smtpPort: (smtp.server.address() as AddressInfo).port,
    url: `http://127.0.0.1:${(web.address() as AddressInfo).port}/`,
    mails,
    stop: async () => {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => web.close(() => r()));
    },
  };
}

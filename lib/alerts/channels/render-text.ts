/** Plain renderings shared by the channels: the email's text and HTML bodies. HTML is escaped field by field. */
import { headline, messagesOf, SEVERITY_COLOR, type AlertMessage, type DeliveryContent } from "../message";

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderText(c: DeliveryContent): string {
  const lines = [headline(c), ""];
  for (const m of messagesOf(c)) {
    lines.push(`${m.action === "resolve" ? "[resolved] " : `[${m.severity}] `}${m.title}`, m.summary);
    for (const f of m.facts) lines.push(`  ${f.name}: ${f.value}`);
    if (m.link) lines.push(`  ${m.link}`);
    lines.push("");
  }
  lines.push("Sent by CertifyClouds. Alerts carry names and metadata only, never secret values.");
  return lines.join("\n");
}

function card(m: AlertMessage): string {
  const color = m.action === "resolve" ? "#067647" : SEVERITY_COLOR[m.severity];
  const badge = m.action === "resolve" ? "resolved" : m.severity;
  const facts = m.facts
    .map(
      (f) =>
        `<tr><td style="padding:2px 12px 2px 0;color:#475467;white-space:nowrap">${esc(f.name)}</td><td style="padding:2px 0;color:#101828">${esc(f.value)}</td></tr>`,
    )
    .join("");
  const link = m.link
    ? `<p style="margin:12px 0 0"><a href="${esc(m.link)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:8px 14px;border-radius:6px;font-weight:600">Open in CertifyClouds</a></p>`
    : "";
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border:1px solid #e4e7ec;border-left:4px solid ${color};border-radius:8px;margin:0 0 16px;background:#ffffff"><tr><td style="padding:16px 20px">
<p style="margin:0 0 6px"><span style="display:inline-block;background:${color};color:#ffffff;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;padding:2px 8px;border-radius:10px">${esc(badge)}</span> <span style="color:#475467;font-size:13px">${esc(m.typeLabel)}</span></p>
<h2 style="margin:0 0 6px;font-size:18px;color:#101828">${esc(m.title)}</h2>
<p style="margin:0 0 10px;color:#344054;font-size:14px">${esc(m.summary)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="font-size:13px">${facts}</table>${link}
</td></tr></table>`;
}

export function renderHtml(c: DeliveryContent): string {
  const body = messagesOf(c).map(card).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(headline(c))}</title></head>
<body style="margin:0;padding:24px;background:#f2f4f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;margin:0 auto"><tr><td>
<p style="margin:0 0 16px;font-size:14px;font-weight:700;color:#1d4ed8">CertifyClouds</p>
<h1 style="margin:0 0 16px;font-size:20px;color:#101828">${esc(headline(c))}</h1>
${body}
<p style="margin:16px 0 0;font-size:12px;color:#667085">Sent by CertifyClouds. Alerts carry names and metadata only, never secret values.</p>
</td></tr></table></body></html>`;
}

/** Turns a classified item into the message channels render; the payload passes its type's strict schema. */
import { getConfig } from "../config";
import type { AlertRule } from "../db/schema";
import { AppError } from "../errors";
import type { Candidate, Classified } from "./families";
import type { AlertMessage } from "./message";
import { alertType } from "./registry";

const OBJECT_LABEL: Record<string, string> = {
  secret: "Secret",
  certificate: "Certificate",
  key: "Key",
  "app-credential": "App credential",
};

function title(item: Candidate, cls: Classified): string {
  if (cls.type === "scan.failed") return "A scan failed";
  if (cls.type === "vault.unreadable") return `Vault ${item.name} can no longer be read`;
  const kind = OBJECT_LABEL[cls.type.split(".")[0]] ?? "Item";
  if (cls.level === "expired") return `${kind} ${item.name} has expired`;
  const days = Number(item.data.daysLeft);
  return `${kind} ${item.name} expires in ${days} day${days === 1 ? "" : "s"}`;
}

function summary(item: Candidate, cls: Classified): string {
  if (cls.type === "scan.failed") return `The scan stopped: ${item.data.error ?? "no reason recorded"}.`;
  if (cls.type === "vault.unreadable")
    return `CertifyClouds could not list this vault's objects (${item.data.reason}). ${item.data.remediation ?? ""}`.trim();
  if (cls.level === "expired") return "Renew or rotate it now; anything that uses it may already be failing.";
  return `It crossed the ${cls.level}-day threshold. Renew or rotate it before it expires.`;
}

export function itemOwner(rule: Pick<AlertRule, "ownerTag">, item: Candidate): string | undefined {
  return (rule.ownerTag ? item.tags[rule.ownerTag] : undefined) ?? item.owner;
}

export function buildMessage(
  rule: Pick<AlertRule, "id" | "ownerTag">,
  item: Candidate,
  cls: Classified,
  now: Date,
): AlertMessage {
  const def = alertType(cls.type);
  if (!def) throw new AppError("internal", `unknown alert type ${cls.type}`);
  const data = def.payload.parse(item.expiresAt ? { ...item.data, threshold: cls.level } : item.data);
  const owner = itemOwner(rule, item);
  const facts: { name: string; value: string }[] = [];
  if (item.vaultName) facts.push({ name: "Vault", value: item.vaultName });
  if (item.subscriptionId) facts.push({ name: "Subscription", value: item.subscriptionId });
  if (item.expiresAt)
    facts.push({
      name: cls.level === "expired" ? "Expired" : "Expires",
      value: item.expiresAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
    });
  if (owner) facts.push({ name: "Owner", value: owner });
  facts.push({ name: "Severity", value: cls.severity });
  return {
    type: cls.type,
    typeLabel: def.label,
    action: "trigger",
    severity: cls.severity,
    title: title(item, cls),
    summary: summary(item, cls),
    facts,
    link: `${getConfig().appUrl.replace(/\/$/, "")}${item.link}`,
    itemKey: item.itemKey,
    dedupKey: `certifyclouds:${rule.id}:${item.itemKey}`,
    ...(owner ? { owner } : {}),
    data,
    at: now.toISOString(),
  };
}

export function resolvedMessage(last: AlertMessage, now: Date): AlertMessage {
  return {
    ...last,
    action: "resolve",
    title: last.title,
    summary: "The condition has cleared.",
    at: now.toISOString(),
  };
}

import type { z } from "zod";
import type { ChannelKind } from "../../db/schema";
import type { DeliveryContent } from "../message";
import type { OutboundResult } from "../outbound";

export interface SendArgs {
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  content: DeliveryContent;
  /** the outbox row id: the idempotency key receivers see (webhook-id, Message-ID) */
  deliveryId: string;
  /** email: where this message goes instead of the channel's own list */
  recipient: string | null;
  now: Date;
}

export interface ChannelDef {
  kind: ChannelKind;
  label: string;
  /** sends "resolved" for an item that recovered (PagerDuty resolve, webhook event) */
  supportsResolve: boolean;
  config: z.ZodType<Record<string, unknown>>;
  /** every field here is sealed at rest and never shown again */
  secrets: z.ZodType<Record<string, string>>;
  secretFields: { name: string; label: string; required: boolean }[];
  send(args: SendArgs): Promise<OutboundResult>;
}

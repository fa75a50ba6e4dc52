/** The channel kinds. */
import type { ChannelKind } from "../../db/schema";
import { AppError } from "../../errors";
import { emailChannel } from "./email";
import { pagerDutyChannel } from "./pagerduty";
import { slackChannel } from "./slack";
import { teamsChannel } from "./teams";
import type { ChannelDef } from "./types";
import { webhookChannel } from "./webhook";

export type { ChannelDef } from "./types";

export const CHANNEL_KINDS: Record<ChannelKind, ChannelDef> = {
  email: emailChannel,
  teams: teamsChannel,
  slack: slackChannel,
  pagerduty: pagerDutyChannel,
  webhook: webhookChannel,
};

export function channelKind(kind: string): ChannelDef {
  const def = CHANNEL_KINDS[kind as ChannelKind];
  if (!def) throw new AppError("invalid_input", "Unknown channel kind.");
  return def;
}

/**
 * What the outbox needs to know of a channel kind, without loading the channel (and nodemailer): the scan's finishing
 * transaction — also inside the scan thread — writes outbox rows but never sends.
 */
import type { ChannelKind } from "../../db/schema";

/** Kinds that send a "resolved" event when an item recovers. */
export const RESOLVING_KINDS: ReadonlySet<ChannelKind> = new Set(["pagerduty", "webhook"]);

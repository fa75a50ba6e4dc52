/** Alerts: public API (the scheduler, discovery's scan end, the console, and modules that raise their own events). */
export { registerAlertType, alertType, alertTypes, type AlertTypeDef } from "./registry";
export { emitAlert, type EmittedEvent } from "./emit";
export { evaluateAlertsAfterScan } from "./after-scan";
export { deliverDue, type DeliveryOptions } from "./deliver";
export { resealStaleChannels } from "./reseal";
export { runDueDigests } from "./digest";
export {
  createChannel,
  createChannelInput,
  deleteChannel,
  getChannel,
  listChannels,
  sendTestAlert,
  updateChannel,
  updateChannelInput,
  type ChannelView,
} from "./channel-verbs";
export {
  alertTypeOptions,
  createRule,
  deleteRule,
  getRule,
  listRules,
  previewRule,
  ruleInput,
  updateRule,
  updateRuleInput,
  type PreviewItem,
} from "./rule-verbs";
export { deliveryHistory, deliveryHistoryInput, DELIVERY_STATUSES } from "./history";
export { CHANNEL_KINDS } from "./channels";
export { SEVERITIES, type Severity } from "./message";

import { SelectFilter } from "@/app/_components/filters";

/** The subscription choice of the inventory and vault filters (`subscription=<id>`). */
export function SubscriptionFilter({
  value,
  subscriptions,
}: {
  value?: string;
  subscriptions: readonly { id: string; name: string }[];
}) {
  return (
    <SelectFilter
      name="subscription"
      label="Subscription"
      value={value}
      any="All subscriptions"
      options={subscriptions.map((s) => ({ value: s.id, label: s.name }))}
    />
  );
}

/**
 * The Defender for Key Vault plan of each subscription, read once per scan (per attempt: a resumed scan reads again)
 * when its first vault is read, in parallel with that vault's calls. A failed read is one scan error for the
 * subscription, and its vaults' Defender fact is null (unknown); the scan goes on.
 */
import { AbortedError, classifyError, getDefenderForKeyVault, type CallOptions } from "../cloud";
import { armRemediation } from "./remediation";
import type { ScanSession } from "./scan-session";

export class DefenderPlans {
  private readonly tiers = new Map<string, Promise<string | null>>();

  constructor(
    private readonly session: ScanSession,
    private readonly o: CallOptions,
  ) {}

  /** The pricing tier (Free | Standard) of the subscription, or null when it could not be read. */
  tierOf(subscriptionId: string): Promise<string | null> {
    let p = this.tiers.get(subscriptionId);
    if (!p) {
      p = this.read(subscriptionId);
      this.tiers.set(subscriptionId, p);
    }
    return p;
  }

  private async read(subscriptionId: string): Promise<string | null> {
    try {
      return (await getDefenderForKeyVault(subscriptionId, this.o)).pricingTier;
    } catch (e) {
      if (this.session.signal.aborted) throw new AbortedError();
      const c = classifyError(e);
      this.session.recordError({
        scope: subscriptionId,
        kind: c.kind,
        code: c.code,
        message: `Defender for Key Vault plan: ${c.message}`,
        remediation: armRemediation(c, `subscription ${subscriptionId}`),
      });
      return null;
    }
  }
}

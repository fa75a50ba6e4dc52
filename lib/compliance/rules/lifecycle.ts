/**
 * The date conditions secrets and keys share in Azure Policy (the *_ExpirationSet, *_Expiry_ByDays, *_ValidityPeriod
 * and *_ActivePeriod definitions are identical for both types but for the type name). Each function is the definition's
 * `if` block: true there means non-compliant. None of these definitions tests `enabled` or `managed`, so disabled
 * objects and the secret/key backing a certificate are in scope exactly as in Azure.
 */
import { addDays, ahead, DAY_MS, daysBetween, fail, notApplicable, pass, unknown, type Outcome } from "../rule";

interface Dated {
  createdOn: Date | null;
  notBefore: Date | null;
  expiresOn: Date | null;
}

/** `attributes.expiresOn exists: false` → non-compliant. */
export function expirationSet(o: Dated): Outcome {
  return o.expiresOn ? pass("has an expiration date") : fail("has no expiration date");
}

/**
 * `expiresOn exists: true` and `expiresOn less addDays(utcNow(), N)` → non-compliant. Strictly less: exactly N days
 * (to the millisecond) left is compliant; already expired is non-compliant. No expiry date: outside the condition.
 */
export function moreThanDaysBeforeExpiry(o: Dated, minimumDays: number, now: Date): Outcome {
  if (!o.expiresOn) return notApplicable("no expiration date");
  const limit = addDays(now, minimumDays);
  const left = daysBetween(now, o.expiresOn);
  if (o.expiresOn.getTime() < limit.getTime())
    return fail(left < 0 ? `expired ${-left} days ago` : `expires in ${left} days (fewer than ${minimumDays})`);
  return pass(`expires in ${left} days`);
}

/**
 * `expiresOn exists: false` OR `expiresOn greater addDays(createdOn, N)` → non-compliant. Exactly N days of validity
 * is compliant. Without a creation time (Azure always has one) the answer is unknown.
 */
export function maximumValidity(o: Dated, maximumDays: number): Outcome {
  if (!o.expiresOn) return fail("has no expiration date, so its validity is unlimited");
  if (!o.createdOn) return unknown("creation time not recorded");
  const days = daysBetween(o.createdOn, o.expiresOn);
  return o.expiresOn.getTime() > addDays(o.createdOn, maximumDays).getTime()
    ? fail(`valid for ${days} days (more than ${maximumDays})`)
    : pass(`valid for ${days} days`);
}

/**
 * `utcNow() greater addDays(notBefore if set else createdOn, N)` → non-compliant. Active for exactly N days is
 * compliant. The definition ignores expiry: an expired object is judged the same way.
 */
export function activePeriod(o: Dated, maximumDays: number, now: Date): Outcome {
  const start = o.notBefore ?? o.createdOn;
  if (!start) return unknown("neither activation nor creation time recorded");
  const days = daysBetween(start, now);
  return now.getTime() > addDays(start, maximumDays).getTime()
    ? fail(`active for ${days} days (more than ${maximumDays})`)
    : pass(`active for ${days} days`);
}

/** When moreThanDaysBeforeExpiry turns to fail: the first instant with expiresOn < now + N, i.e. expiresOn − N + 1 ms. */
export function expiryWindowOpens(o: Dated, minimumDays: number, now: Date): Date | null {
  return o.expiresOn ? ahead(o.expiresOn.getTime() - minimumDays * DAY_MS + 1, now) : null;
}

/** When activePeriod turns to fail: the first instant after start + N. */
export function activePeriodEnds(o: Dated, maximumDays: number, now: Date): Date | null {
  const start = o.notBefore ?? o.createdOn;
  return start ? ahead(start.getTime() + maximumDays * DAY_MS + 1, now) : null;
}

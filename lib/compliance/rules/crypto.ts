/**
 * Key-material conditions shared by the key and certificate definitions (AllowedKeyTypes, RSA_MinimumKeySize,
 * EC_AllowedCurveNames). Each returns unknown when the key parameters were not read.
 */
import { z } from "zod";
import { fail, inList, notApplicable, pass, unknown, type Outcome } from "../rule";

export const KEY_TYPES = ["RSA", "RSA-HSM", "EC", "EC-HSM"] as const;
export const CURVES = ["P-256", "P-256K", "P-384", "P-521"] as const;
export const RSA_SIZES = [2048, 3072, 4096] as const;

export const keyTypesParam = (def: (typeof KEY_TYPES)[number][]) => z.array(z.enum(KEY_TYPES)).default(def);
export const curvesParam = () => z.array(z.enum(CURVES)).default([...CURVES]);
export const rsaSizeParam = () =>
  z
    .union(RSA_SIZES.map((n) => z.literal(n)) as [z.ZodLiteral<2048>, z.ZodLiteral<3072>, z.ZodLiteral<4096>])
    .default(2048);

/** keyType notIn allowed → non-compliant (a key type outside the list, oct-HSM included, fails). */
export function allowedKeyType(keyType: string | null | undefined, allowed: readonly string[]): Outcome {
  if (keyType === undefined) return unknown("key parameters not read");
  if (keyType === null) return fail("no key type recorded");
  return inList(keyType, allowed) ? pass(`key type ${keyType}`) : fail(`key type ${keyType} is not allowed`);
}

/** keyType in (RSA, RSA-HSM) AND keySize < minimum → non-compliant; exactly the minimum passes. */
export function rsaMinimumSize(
  keyType: string | null | undefined,
  size: number | null | undefined,
  min: number,
): Outcome {
  if (keyType === undefined) return unknown("key parameters not read");
  if (!inList(keyType, ["RSA", "RSA-HSM"])) return notApplicable(`not an RSA key (${keyType ?? "no type"})`);
  if (size == null) return unknown("key size not recorded");
  return size < min ? fail(`RSA ${size} bits (fewer than ${min})`) : pass(`RSA ${size} bits`);
}

/** keyType in (EC, EC-HSM) AND curve notIn allowed → non-compliant. An EC key with no curve recorded fails too. */
export function allowedCurve(
  keyType: string | null | undefined,
  curve: string | null | undefined,
  allowed: readonly string[],
): Outcome {
  if (keyType === undefined) return unknown("key parameters not read");
  if (!inList(keyType, ["EC", "EC-HSM"])) return notApplicable(`not an elliptic-curve key (${keyType ?? "no type"})`);
  return inList(curve, allowed) ? pass(`curve ${curve}`) : fail(`curve ${curve ?? "(none)"} is not allowed`);
}

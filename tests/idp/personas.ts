import { createHash } from "node:crypto";

/**
 * Fixed, deterministic test identities for the local OpenID provider.
 * `oid` values are stable GUIDs so tests and seed data can refer to them.
 * `sub` mimics Entra's opaque 43-char base64url subject and is derived from the oid.
 */
export type PersonaKey = "admin" | "operator" | "auditor" | "viewer" | "norole" | "grouponly";

export interface Persona {
  key: PersonaKey;
  /** Entra object id (GUID), stable across runs. */
  oid: string;
  /** OIDC subject (opaque, stable across runs). Equals the provider's accountId. */
  sub: string;
  /** User principal name; emitted as `preferred_username`. */
  upn: string;
  email: string;
  name: string;
  /** App roles. Empty array => the `roles` claim is omitted from the ID token (as Entra does). */
  roles: string[];
  /** Security group object ids, emitted as `groups` when present. */
  groups?: string[];
}

/** A security group that the app can map to a role (e.g. via a group→role mapping setting). */
export const TEST_GROUPS = {
  operators: {
    id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    displayName: "sg-certifyclouds-operators",
  },
} as const;

function entraLikeSub(oid: string): string {
  return createHash("sha256").update(`certifyclouds-local-idp:${oid}`).digest("base64url").slice(0, 43);
}

function persona(p: Omit<Persona, "sub" | "email"> & { email?: string }): Persona {
  return { ...p, email: p.email ?? p.upn, sub: entraLikeSub(p.oid) };
}

export const PERSONAS: readonly Persona[] = Object.freeze([
  persona({
    key: "admin",
    oid: "0a1d9e3c-5b7f-4c21-9e6a-1f0c2b3a4d01",
    upn: "admin@contoso.example",
    name: "Avery Admin",
    roles: ["CertifyClouds.Admin"],
  }),
  persona({
    key: "operator",
    oid: "1b2e8f4d-6c80-4d32-8f7b-2a1d3c4b5e02",
    upn: "operator@contoso.example",
    name: "Oliver Operator",
    roles: ["CertifyClouds.Operator"],
  }),
  persona({
    key: "auditor",
    oid: "2c3f7a5e-7d91-4e43-9a8c-3b2e4d5c6f03",
    upn: "auditor@contoso.example",
    name: "Aditi Auditor",
    roles: ["CertifyClouds.Auditor"],
  }),
  persona({
    key: "viewer",
    oid: "3d4a6b6f-8ea2-4f54-8b9d-4c3f5e6d7a04",
    upn: "viewer@contoso.example",
    name: "Victor Viewer",
    roles: ["CertifyClouds.Viewer"],
  }),
  persona({
    key: "norole",
    oid: "4e5b5c70-9fb3-4065-9cae-5d4a6f7e8b05",
    upn: "norole@contoso.example",
    name: "Nora NoRole",
    roles: [],
  }),
  persona({
    key: "grouponly",
    oid: "5f6c4d81-a0c4-4176-8dbf-6e5b7a8f9c06",
    upn: "grouponly@contoso.example",
    name: "Grace GroupOnly",
    roles: [],
    groups: [TEST_GROUPS.operators.id],
  }),
]);

export const PERSONA_BY_KEY: Readonly<Record<PersonaKey, Persona>> = Object.freeze(
  Object.fromEntries(PERSONAS.map((p) => [p.key, p])) as Record<PersonaKey, Persona>,
);

export function findPersonaBySub(sub: string): Persona | undefined {
  return PERSONAS.find((p) => p.sub === sub);
}

export function isPersonaKey(value: unknown): value is PersonaKey {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(PERSONA_BY_KEY, value);
}

/** The Entra-shaped claims this persona carries (before scope filtering by the provider). */
export function personaClaims(p: Persona, tenantId: string): Record<string, unknown> {
  return {
    sub: p.sub,
    oid: p.oid,
    tid: tenantId,
    ver: "2.0",
    name: p.name,
    preferred_username: p.upn,
    email: p.email,
    ...(p.roles.length > 0 ? { roles: [...p.roles] } : {}),
    ...(p.groups && p.groups.length > 0 ? { groups: [...p.groups] } : {}),
  };
}

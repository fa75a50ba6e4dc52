/** lib/rotation: client-secret and certificate rotation of app registrations (see docs/rotation.md). */
export { listAppLinks } from "./app-links";
export { decideLink } from "./decide-link";
export { matchByHint, type HintResult } from "./match-hint";
export { planRotation, startRotation } from "./plan";
export { retryRotation } from "./retry";
export { getRotation, listRotations, ROTATION_STATES } from "./queries";
export { runDueRotations } from "./worker";
export * from "./links";
export { decideRotation } from "./approval";
export { runAutoRotations, type AutoRunResult } from "./auto";
export { appAutoRotation, listAppAutoOverrides, setAppAutoRotation, type AppAutoRotation } from "./app-policy";
export { rotationWrites } from "./describe";

/** Session administration (Admin): list live sessions, revoke one. Sign-in itself lives in lib/auth and lib/web. */
export { listActiveSessions, type ActiveSession } from "../auth/session-store";
export { revokeSession, revokeSessionInput } from "./revoke-session";

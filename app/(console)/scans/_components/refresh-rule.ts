/**
 * When the live card must refresh the server-rendered page around it: on every status change (queued → running as
 * well as the end), so the history row below never says "Queued" while the card above says "Running".
 */
export function pageIsStale(shown: string, polled: string): boolean {
  return shown !== polled;
}

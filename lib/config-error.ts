/** A missing or invalid setting: the message names the variable, and start-up stops. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

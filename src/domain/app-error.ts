/**
 * The base of every error class of ours. Logs record `err.name` only, never the message (messages
 * may quote residents' words, codes or chat ids, and personal data stays out of logs), so the name
 * is all an operator sees: it must say what went wrong. A subclass that forgets to set `name`
 * would log as plain "Error"; here every subclass gets its own class name, e.g. "SeedError".
 *
 * Throw subclasses, not AppError itself, and branch on the class (`instanceof`), not on messages.
 */
export class AppError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

import type { InboundMessage, Lang, Option, OutboundMessage } from './messages';
import type { ConversationState, UserProfile } from './ports';

/**
 * A part of the bot beyond the tip and mediation flows (officer actions, broadcasts, the FAQ…),
 * plugged into the ConversationService so that every channel gets it without a line of channel
 * code. Features see each message after dedup, flood limits and the emergency check, in the order
 * they were given; the first that answers wins, otherwise the default handling runs.
 */
export interface FeatureContext {
  msg: InboundMessage;
  lang: Lang;
  profile: UserProfile;
  /** The person's unfinished tip or mediation draft in this chat, if any. */
  draft: ConversationState | null;
  /** The main menu, as the service shows it (for a feature's "back to menu"). */
  menu(): OutboundMessage;
}

export interface Feature {
  readonly name: string;
  /** Answers the message, or returns null to let the next feature or the default handling try. */
  handle(ctx: FeatureContext): Promise<OutboundMessage[] | null>;
  /** Last chance for a private text nothing understood (e.g. the FAQ), before "not understood". */
  fallback?(ctx: FeatureContext): Promise<OutboundMessage[] | null>;
  /** Entries this feature adds to the private menu; their ids must be handled by `handle`. */
  menuItems?(lang: Lang): Option[];
}

import type { FeatureContext } from './feature';
import type { OutboundMessage } from './messages';
import { AppError } from '../domain/app-error';

/**
 * Every command the bot understands, from one table: a name has one owner, so adding a command
 * can never silently take another's. A name may be shared only by splitting it on its arguments
 * in the open: one entry with `when` (tried first) and one without. `/hoi TB-2611-0042 …` is the
 * officer's question to a tipster, `/hoi <anything else>` the FAQ's question.
 */
export interface CommandSpec {
  /** Names without the slash, Vietnamese first (what the README teaches), English aliases after. */
  names: readonly string[];
  /** Owner, for the start-up error and the logs. */
  owner: string;
  /** Where the command is answered; a group command of a private-only owner is the owner's to refuse. */
  where: 'private' | 'group' | 'both';
  /** Only for a split name: whether these arguments are this entry's. */
  when?: (args: string) => boolean;
  run(ctx: FeatureContext): Promise<OutboundMessage[]>;
}

export class DuplicateCommandError extends AppError {
  constructor(name: string, owners: string[]) {
    super(`Command /${name} is claimed by ${owners.join(' and ')}`);
  }
}

export class CommandTable {
  private readonly byName = new Map<string, { split?: CommandSpec; plain?: CommandSpec }>();

  /** Throws DuplicateCommandError when two entries claim one name the same way. */
  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      for (const name of spec.names) {
        const entry = this.byName.get(name) ?? {};
        const slot = spec.when ? 'split' : 'plain';
        const taken = entry[slot];
        if (taken) throw new DuplicateCommandError(name, [taken.owner, spec.owner]);
        entry[slot] = spec;
        this.byName.set(name, entry);
      }
    }
  }

  /** The entry that answers `/name args` in this kind of chat, if any. */
  find(name: string, args: string, chatType: 'private' | 'group'): CommandSpec | undefined {
    const entry = this.byName.get(name);
    if (!entry) return undefined;
    const spec = entry.split?.when?.(args) ? entry.split : entry.plain;
    if (!spec) return undefined;
    return spec.where === 'both' || spec.where === chatType ? spec : undefined;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}

/**
 * Runs the handling of one chat's messages one after another. A resident who taps two buttons
 * quickly must not have both answers applied to the same draft at once (the second would
 * overwrite the first). Chats are independent, so different chats still run in parallel.
 */
export class ChatSerialiser {
  private readonly tails = new Map<string, Promise<void>>();

  run(chatKey: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(chatKey) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(chatKey, tail);
    void tail.then(() => {
      if (this.tails.get(chatKey) === tail) this.tails.delete(chatKey);
    });
    return next;
  }

  /** Resolves when every chat's queue is empty (graceful shutdown). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}

/**
 * Telegram-shaped updates POSTed to a bot's webhook, as Telegram delivers them: the benchmarks that
 * run the bot as its own process (`--role bot`, webhook mode) feed it this way. Our bot answers 200
 * once an update is in its inbox (the handling follows), a bare telegraf bot once it has replied.
 */
export const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';

let nextUpdateId = 1;

export const textUpdate = (resident: number, body: string) => ({
  update_id: nextUpdateId++,
  message: {
    message_id: nextUpdateId,
    date: 1_700_000_000,
    chat: { id: resident, type: 'private', first_name: 'Cư dân' },
    from: { id: resident, is_bot: false, first_name: 'Cư dân', language_code: 'vi' },
    text: body,
  },
});

export const pressUpdate = (resident: number, data: string) => ({
  update_id: nextUpdateId++,
  callback_query: {
    id: `cq${nextUpdateId}`,
    from: { id: resident, is_bot: false, first_name: 'Cư dân', language_code: 'vi' },
    message: { message_id: 1, date: 1_700_000_000, chat: { id: resident, type: 'private' } },
    chat_instance: 'ci',
    data,
  },
});

/** A tip up to its summary, without "Send": the 7 updates TelegramDriver.tipDraft sends. */
export const tipDraftUpdates = (resident: number) => [
  textUpdate(resident, '/start tip_KP1TO3'),
  pressUpdate(resident, 'category:theft'),
  textUpdate(resident, `Hai thanh niên bẻ khóa xe máy trước nhà số ${resident % 1000}`),
  textUpdate(resident, 'Hẻm 45 Lê Lợi'),
  pressUpdate(resident, 'when:now'),
  pressUpdate(resident, 'nav:done'),
  pressUpdate(resident, 'identity:anonymous'),
];

/** POSTs one update to the webhook on `port`; true when it was answered 200. */
export async function postUpdate(port: number, update: unknown): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status === 200;
}

/**
 * An officer's words shown to a tipster with links and @mentions made harmless: written as they
 * were, a link (a tracking link would reveal the tipster's IP address when tapped) or an @name
 * (a way to lure them into contacting an account) would be turned into something to tap by the
 * platform's own detection, even in plain text. Defanged the way security reports write them:
 * `hxxps://example[.]com/x`, `t[.]me/name`, `＠name` (a full-width at sign, which no platform links).
 * Numbers with a dot ("123.45") and words with one letter after a dot ("v.v.") are left alone.
 */
export function defang(text: string): string {
  return (
    text
      .replace(/\b(h)(tt)(ps?):\/\//giu, (_m, h: string, _tt: string, s: string) => `${h}xx${s}://`)
      .replace(/\b(ftp|tg|file|intent|javascript):/giu, (m: string) => `${m.slice(0, -1)}[:]`)
      // A dot between a name and two or more letters: a domain as Telegram and Zalo detect them.
      .replace(/([\p{L}\p{N}-])\.(?=[a-z]{2,}\b)/giu, '$1[.]')
      .replace(/@(?=[\p{L}\p{N}_])/gu, '＠')
  );
}

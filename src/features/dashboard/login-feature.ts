import { isStaff } from '../../domain/case-workflow';
import type { CommandSpec } from '../../conversations/command-table';
import type { Feature, FeatureContext } from '../../conversations/feature';
import type { OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { DashboardAudit, DashboardDesk, LoginTokens, Sessions } from './ports';

export interface LoginFeatureDeps {
  t: Translate;
  desk: Pick<DashboardDesk, 'staffByChat'>;
  tokens: LoginTokens;
  sessions: Pick<Sessions, 'endAll'>;
  /** The link's address for a token: the dashboard's public base URL + the login page. */
  loginUrl: (token: string) => string;
  /** With DASHBOARD_TELEGRAM_LOGIN: where Telegram's login button (login_url) points. */
  telegramLoginUrl?: () => string;
  /** How long a link stays valid, for the message. */
  ttlMinutes: number;
  /** Privacy-safe events only. */
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
  audit: Pick<DashboardAudit, 'record'>;
}

/**
 * `/dangnhap` (`/login`): a staff member with an officer record gets a one-time link to the web
 * dashboard in their private chat, on every platform alike; `/dangxuat` (`/logout`) ends all their
 * dashboard sessions. Only in a private chat: a link in a group would log in whoever taps it first.
 */
export class DashboardLoginFeature implements Feature {
  readonly name = 'dashboard';

  constructor(private readonly deps: LoginFeatureDeps) {}

  readonly commands: CommandSpec[] = [
    { names: ['dangnhap', 'login'], owner: this.name, where: 'both', run: (ctx) => this.login(ctx) },
    { names: ['dangxuat', 'logout'], owner: this.name, where: 'both', run: (ctx) => this.logout(ctx) },
  ];

  private async login(ctx: FeatureContext): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    if (ctx.msg.chatType === 'group') return [{ text: t(ctx.lang, 'dashboard.chat.privateOnly') }];
    const staff = await this.deps.desk.staffByChat(ctx.msg.channel, ctx.msg.userId);
    if (!isStaff(staff) || !staff.officerId) {
      this.deps.log('dashboard.login_refused', { channel: ctx.msg.channel });
      return [{ text: t(ctx.lang, 'dashboard.chat.notStaff') }];
    }
    const token = await this.deps.tokens.issue(staff.officerId);
    this.deps.log('dashboard.link_sent', { channel: ctx.msg.channel, officerId: staff.officerId });
    const text = t(ctx.lang, 'dashboard.chat.link', { url: this.deps.loginUrl(token), minutes: this.deps.ttlMinutes });
    // On Telegram, its own login button too (signed by Telegram; the link stays for other devices).
    const telegram = ctx.msg.channel === 'telegram' ? this.deps.telegramLoginUrl?.() : undefined;
    return [telegram ? { text, links: [{ label: t(ctx.lang, 'dashboard.chat.loginButton'), url: telegram, login: true }] } : { text }];
  }

  private async logout(ctx: FeatureContext): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    if (ctx.msg.chatType === 'group') return [{ text: t(ctx.lang, 'dashboard.chat.privateOnly') }];
    const staff = await this.deps.desk.staffByChat(ctx.msg.channel, ctx.msg.userId);
    if (!staff?.officerId) return [{ text: t(ctx.lang, 'dashboard.chat.notStaff') }];
    const ended = await this.deps.sessions.endAll(staff.officerId);
    this.deps.log('dashboard.logout_everywhere', { officerId: staff.officerId, ended });
    await this.deps.audit.record({
      actor: staff.actingAs,
      action: 'logout_everywhere',
      channel: 'chat',
      areaCodes: staff.areaCodes,
      detail: { sessions: ended },
    });
    return [{ text: t(ctx.lang, 'dashboard.chat.loggedOut', { count: ended }) }];
  }
}

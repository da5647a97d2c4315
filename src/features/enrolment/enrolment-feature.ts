import type { CommandSpec } from '../../conversations/command-table';
import type { Feature, FeatureContext } from '../../conversations/feature';
import type { OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { OfficerEnrolment } from './ports';

export interface EnrolmentFeatureDeps {
  t: Translate;
  enrolment: OfficerEnrolment;
  log: (event: string, fields?: Record<string, string>) => void;
}

/**
 * `/dangky CODE` (`/enrol CODE`): an officer records their own chat with the bot from the one-time
 * code an operator gave them (`scripts/admin invite-officer`), so alerts reach them here without
 * anyone copying chat ids by hand. Private chats only: a code typed in a group is one others saw.
 */
export class EnrolmentFeature implements Feature {
  readonly name = 'enrolment';

  constructor(private readonly deps: EnrolmentFeatureDeps) {}

  readonly commands: CommandSpec[] = [
    {
      names: ['dangky', 'enrol'],
      owner: 'enrolment',
      where: 'both',
      run: (ctx) => this.enrol(ctx),
    },
  ];

  private async enrol(ctx: FeatureContext): Promise<OutboundMessage[]> {
    const { msg, lang } = ctx;
    const t = (key: string, params?: Record<string, unknown>) => this.deps.t(lang, key, params);
    if (msg.chatType === 'group') return [{ text: t('enrolment.privateOnly') }];
    const code = msg.command?.args.trim() ?? '';
    if (code === '') return [{ text: t('enrolment.usage') }];
    const enrolled = await this.deps.enrolment.enrol(code, { channel: msg.channel, chatId: msg.chatId });
    if (!enrolled) {
      this.deps.log('officer.enrol_refused', { channel: msg.channel });
      return [{ text: t('enrolment.invalid') }];
    }
    this.deps.log('officer.enrolled', { channel: msg.channel, officerId: enrolled.officerId });
    return [{ text: t('enrolment.done', { name: enrolled.name }) }];
  }
}

import { renderAlert } from '../../src/features/officer-desk/alerts';
import { FLOWS, officerFieldsOf } from '../../src/features/reporting/flows';
import { createTranslator } from '../../src/i18n/translator';

/**
 * What officers read of a case comes from the flows' own declaration (`shownToOfficer`), so a
 * question added to a flow cannot be collected and then never shown to the officer.
 */
describe('what officers are shown of a case', () => {
  it('is the steps the flows mark, in step order, a choice with its labels', () => {
    expect(officerFieldsOf('tip')).toEqual([{ id: 'what' }, { id: 'where' }, { id: 'when', labels: 'when' }, { id: 'whenDetail' }]);
    expect(officerFieldsOf('mediation')).toEqual([
      { id: 'parties' },
      { id: 'description' },
      { id: 'mediatedBefore', labels: 'yesNo' },
      { id: 'reachTime', labels: 'reachTime' },
    ]);
  });

  it('leaves out no answer: every step is marked, or the alert gives it a line of its own', () => {
    // The group code becomes the area line, the category its line, media and the pin follow the
    // text, and the identity choice and the contact are the "reported by" line.
    const ownLine = new Set(['joinCode', 'category', 'media', 'identity', 'contact', 'confirm']);
    const unshown = FLOWS.flatMap((flow) =>
      flow.steps.filter((s) => !s.shownToOfficer && !ownLine.has(s.id)).map((s) => `${flow.id}.${s.id}`),
    );
    expect(unshown).toEqual([]);
  });

  it('puts every marked answer in the alert, a choice by its label', () => {
    const t = createTranslator();
    const [alert] = renderAlert(
      {
        refCode: 'HG-2612-0001',
        kind: 'mediation',
        category: 'noise',
        fields: { parties: 'Nhà số 5 và nhà số 7', description: 'Karaoke đến khuya', mediatedBefore: 'yes', reachTime: 'evening' },
        attachments: [],
        anonymous: false,
        submittedAt: new Date('2026-12-01T12:00:00Z'),
      },
      { t, lang: 'vi', areaName: null, contact: '0912345678' },
    );
    expect(alert.text.split('\n').slice(3, 7)).toEqual([
      'Các bên: Nhà số 5 và nhà số 7',
      'Nội dung mâu thuẫn: Karaoke đến khuya',
      `Đã hòa giải trước đây: ${t('vi', 'yesNo.yes')}`,
      `Thời gian liên hệ: ${t('vi', 'reachTime.evening')}`,
    ]);
  });
});

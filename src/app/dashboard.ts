import type { ConversationService } from '../conversations/conversation-service';
import type { DashboardDesk } from '../features/dashboard/ports';
import type { EvidenceRepository } from '../store/evidence/evidence.repository';
import type { createOfficerDeskFeature } from '../features/officer-desk/wiring';

/**
 * The web dashboard's view of the officer desk (src/features/dashboard/ports.ts): two features may
 * not import each other, so the composition root joins them. Reading, the rules and every action
 * are the officer desk's own code, so the web writes the same history, sends the same notices and
 * refuses what the chat refuses. `service` is asked late: it is made after its features.
 */
export function dashboardDesk(
  officerDesk: ReturnType<typeof createOfficerDeskFeature>,
  service: () => ConversationService,
  evidence: EvidenceRepository,
): DashboardDesk {
  const { desk, messenger, feature } = officerDesk;
  return {
    staffOf: (officerId) => desk.staffOf(officerId),
    staffByChat: (channel, userId) => desk.staff(channel, userId),
    search: (staff, q) => desk.search(staff, q),
    statistics: (staff, q) => desk.statistics(staff, q),
    exportCases: (staff, q) => desk.exportCases(staff, q),
    mapData: (staff, q, limit) => desk.mapData(staff, q, limit),
    areasOf: (staff) => desk.areasOf(staff),
    byRef: (refCode) => desk.byRef(refCode),
    officerName: async (officerId) => (await desk.officer(officerId))?.name,
    contact: (c) => desk.contact(c),
    act: (staff, c, action) =>
      feature.actFromWeb(staff, c, action, (channel, chatId, change) => service().updateChat(channel, chatId, change)),
    colleagues: (c) => desk.colleagues(c),
    evidence: (evidenceId) => evidence.read(evidenceId),
    tellOfficer: (officerId, noticeId, render) => messenger.toOfficer(officerId, noticeId, render),
  };
}

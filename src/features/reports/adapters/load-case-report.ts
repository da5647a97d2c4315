import type { Translate } from '../../../conversations/ports';
import { caseRecordOf } from '../../../store/cases/case.schema';
import type { Store } from '../../../store/models';
import { composeCaseReport, periodBounds, ReportError, type CaseReport, type ReportPeriod } from '../case-report';

/** The report of an area for a period (scripts/report): its cases and those of the areas below it. */
export async function buildCaseReport(store: Store, t: Translate, period: ReportPeriod): Promise<CaseReport> {
  const area = await store.areas.byCode(period.areaCode);
  if (!area) throw new ReportError(`area ${period.areaCode} does not exist (see: scripts/admin list areas)`);
  const { start, end } = periodBounds(period.from, period.to);
  const cases = await store.cases.submittedBetween({ areaCodes: await store.areas.descendantCodes(area.code), from: start, to: end });
  const areaNames = new Map((await store.areas.all()).map((a) => [a.code, a.name]));
  return composeCaseReport({ area, cases: cases.map(caseRecordOf), areaNames }, t, period);
}

import type { Runtime } from '../../app/runtime';
import { StoreOfficerEnrolment } from './adapters/officer-enrolment';
import { EnrolmentFeature } from './enrolment-feature';

/** The bot role's `/dangky`: officers record their own chat from an operator's one-time code. */
export function createEnrolmentFeature(rt: Runtime): EnrolmentFeature {
  return new EnrolmentFeature({
    t: rt.t,
    enrolment: new StoreOfficerEnrolment(rt.store),
    log: (event, fields) => rt.log.info(fields ?? {}, event),
  });
}

import type { Connection, Model, Schema } from 'mongoose';
import { AreaRepository } from './areas/area.repository';
import { areaSchema, type StoredArea } from './areas/area.schema';
import { AuditRepository } from './audit/audit.repository';
import { auditEventSchema, type AuditEvent } from './audit/audit.schema';
import { BroadcastRepository } from './broadcasts/broadcast.repository';
import { broadcastSchema, type Broadcast } from './broadcasts/broadcast.schema';
import { DeliveryRepository } from './broadcasts/delivery.repository';
import { deliverySchema, type BroadcastDelivery } from './broadcasts/delivery.schema';
import { CaseRepository } from './cases/case.repository';
import { caseSchema, type Case } from './cases/case.schema';
import { GroupAdminRepository } from './group-admins/group-admin.repository';
import { groupAdminSchema, type GroupAdmin } from './group-admins/group-admin.schema';
import { GroupRepository, type GroupRepositoryOptions } from './groups/group.repository';
import { groupSchema, type Group } from './groups/group.schema';
import { NotificationRepository } from './notifications/notification.repository';
import { notificationSchema, type Notification } from './notifications/notification.schema';
import { NoticeRepository } from './notices/notice.repository';
import { noticeSchema, type Notice } from './notices/notice.schema';
import { officerSchema, type OfficerRecord } from './officers/officer.schema';
import { OfficerRepository } from './officers/officer.repository';
import { OfficerInviteRepository } from './officer-invites/officer-invite.repository';
import { officerInviteSchema, type OfficerInvite } from './officer-invites/officer-invite.schema';
import { RefCodeRepository } from './ref-codes/ref-code.repository';
import { refCodeSchema, type RefCodeRecord } from './ref-codes/ref-code.schema';

export interface Models {
  area: Model<StoredArea>;
  officer: Model<OfficerRecord>;
  group: Model<Group>;
  case: Model<Case>;
  notification: Model<Notification>;
  broadcast: Model<Broadcast>;
  broadcastDelivery: Model<BroadcastDelivery>;
  groupAdmin: Model<GroupAdmin>;
  notice: Model<Notice>;
  refCode: Model<RefCodeRecord>;
  officerInvite: Model<OfficerInvite>;
  auditEvent: Model<AuditEvent>;
}

/** Everything the rest of the program may do with the database. */
export interface Store {
  areas: AreaRepository;
  officers: OfficerRepository;
  groups: GroupRepository;
  cases: CaseRepository;
  notifications: NotificationRepository;
  broadcasts: BroadcastRepository;
  broadcastDeliveries: DeliveryRepository;
  groupAdmins: GroupAdminRepository;
  notices: NoticeRepository;
  refCodes: RefCodeRepository;
  officerInvites: OfficerInviteRepository;
  /** Who did what on the dashboard and with cases (audit_events). */
  auditEvents: AuditRepository;
}

export interface StoreOptions {
  groups?: GroupRepositoryOptions;
  /**
   * How long areas, officers, groups found by join code and broadcasts' content are remembered by
   * this process (see LookupCache). Off (0) unless given: tools that write and read back want no
   * cache; the bot and worker pass LOOKUP_CACHE_MS.
   */
  lookupCacheMs?: number;
}

/**
 * The models, compiled on this connection (not mongoose's global one, so tests and tools can hold
 * several). Calling it again on the same connection returns the same models.
 */
export function createModels(conn: Connection): Models {
  return {
    area: modelOn<StoredArea>(conn, 'Area', areaSchema),
    officer: modelOn<OfficerRecord>(conn, 'Officer', officerSchema),
    group: modelOn<Group>(conn, 'Group', groupSchema),
    case: modelOn<Case>(conn, 'Case', caseSchema),
    notification: modelOn<Notification>(conn, 'Notification', notificationSchema),
    broadcast: modelOn<Broadcast>(conn, 'Broadcast', broadcastSchema),
    broadcastDelivery: modelOn<BroadcastDelivery>(conn, 'BroadcastDelivery', deliverySchema),
    groupAdmin: modelOn<GroupAdmin>(conn, 'GroupAdmin', groupAdminSchema),
    notice: modelOn<Notice>(conn, 'Notice', noticeSchema),
    refCode: modelOn<RefCodeRecord>(conn, 'RefCode', refCodeSchema),
    officerInvite: modelOn<OfficerInvite>(conn, 'OfficerInvite', officerInviteSchema),
    auditEvent: modelOn<AuditEvent>(conn, 'AuditEvent', auditEventSchema),
  };
}

export function createStore(conn: Connection, options: StoreOptions = {}): Store {
  const models = createModels(conn);
  return {
    areas: new AreaRepository(models.area, options.lookupCacheMs),
    officers: new OfficerRepository(models.officer, options.lookupCacheMs),
    groups: new GroupRepository(models.group, { lookupCacheMs: options.lookupCacheMs, ...options.groups }),
    cases: new CaseRepository(models.case),
    notifications: new NotificationRepository(models.notification),
    broadcasts: new BroadcastRepository(models.broadcast, options.lookupCacheMs),
    broadcastDeliveries: new DeliveryRepository(models.broadcastDelivery),
    groupAdmins: new GroupAdminRepository(models.groupAdmin),
    notices: new NoticeRepository(models.notice),
    refCodes: new RefCodeRepository(models.refCode),
    officerInvites: new OfficerInviteRepository(models.officerInvite),
    auditEvents: new AuditRepository(models.auditEvent),
  };
}

function modelOn<T>(conn: Connection, name: string, schema: Schema<T>): Model<T> {
  const existing = conn.models[name] as Model<T> | undefined;
  return existing ?? conn.model<T>(name, schema);
}

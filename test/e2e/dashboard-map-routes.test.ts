import { newCaseId } from '../../src/app/bot';
import { planChange } from '../../src/domain/case-workflow';
import { hotspotKey } from '../../src/features/officer-desk/adapters/hotspots';
import type { NewCase } from '../../src/store/cases/case.schema';
import { startApp, type AppHarness } from '../support/app-harness';
import { logIn, visitor, type DashboardVisitor } from '../support/dashboard-client';

/**
 * The dashboard's map without a browser (fetch against the real app, real Redis and database): its
 * data by the same rules and filters as the list, for each role of the sample ward; nothing of the
 * tipster in it; the page's text alternative (the areas table); the browser files it loads.
 */
describe('dashboard map routes', () => {
  let app: AppHarness;
  const OFFICER_KP1 = '100000001'; // cskv-sg-01: kp1-to3, kp1-to4
  const OFFICER_KP2 = '100000002'; // cskv-sg-02: kp2-to1
  const SUPERVISOR = '100000003'; // truong-ca-sg: the whole ward
  const MEDIATOR = '100000004'; // hgv-kp1-to3: mediation in kp1-to3
  const RESIDENT = '555000111';
  const WORDS = 'Trộm xe trước nhà số 12';
  const CONTACT = '0903 123 456';
  const codes = {
    tipKp1: 'TB-0212-0901',
    tipKp1Drugs: 'TB-0212-0902',
    tipKp2: 'TB-0212-0903',
    mediationKp1: 'HG-0212-0904',
    resolvedKp1: 'TB-0212-0905',
    unlocatedKp1: 'TB-0212-0906',
  };
  const sealedChat: string[] = [];

  async function addCase(refCode: string, over: Partial<NewCase>): Promise<void> {
    const tip = refCode.startsWith('TB');
    const chatIdEnc = app.rt.box.seal(RESIDENT);
    sealedChat.push(chatIdEnc);
    await app.rt.store.cases.insertIfAbsent({
      caseId: newCaseId(),
      refCode,
      kind: tip ? 'tip' : 'mediation',
      category: tip ? 'theft' : 'noise',
      fields: tip ? { what: WORDS, where: 'Hẻm 45', when: 'now' } : { parties: 'Nhà 5 và nhà 7', description: WORDS },
      attachments: [{ kind: 'photo', ref: 'AgAD-photo-secret' }],
      anonymous: false,
      contactEnc: app.rt.box.seal(CONTACT),
      replyTo: { channel: 'telegram', chatIdEnc },
      lang: 'vi',
      areaCode: 'kp1-to3',
      location: { latitude: 10.7771, longitude: 106.7 },
      submittedAt: new Date(),
      ...over,
    });
  }

  beforeAll(async () => {
    app = await startApp({}, { roles: 'bot' });
    await addCase(codes.tipKp1, {});
    await addCase(codes.tipKp1Drugs, { category: 'drugs', areaCode: 'kp1-to4', location: { latitude: 10.7772, longitude: 106.702 } });
    await addCase(codes.tipKp2, { areaCode: 'kp2-to1', location: { latitude: 10.775, longitude: 106.701 } });
    await addCase(codes.mediationKp1, { location: { latitude: 10.7775, longitude: 106.6995 } });
    await addCase(codes.unlocatedKp1, { location: undefined });
    await addCase(codes.resolvedKp1, {});
    const resolved = (await app.rt.store.cases.byRefCode(codes.resolvedKp1))!;
    const plan = planChange(resolved, { action: 'resolve', by: 'cskv-sg-01', outcome: 'verified_handled' }, new Date());
    if (typeof plan === 'string') throw new Error(`cannot resolve: ${plan}`);
    await app.rt.store.cases.applyPlan(resolved.caseId, resolved, plan);
    // What the worker's hotspot check leaves when it alerts the supervisors: theft tips in kp1-to3.
    await app.rt.redis.set(hotspotKey('kp1-to3', 'tip', 'theft'), 'some-case', 'PX', 60_000);
  });

  afterAll(async () => {
    await app?.close();
  });

  interface MapJson {
    areas: { code: string; name: string; boundary: { type: string } | null; hotspot: boolean; cases: number }[];
    cases: Record<string, unknown>[];
    truncated: boolean;
  }

  async function mapData(v: DashboardVisitor, query = ''): Promise<MapJson & { body: string }> {
    const res = await v.get(`/dashboard/map/data.json${query}`);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    return { ...(JSON.parse(res.body) as MapJson), body: res.body };
  }
  const refs = (d: MapJson) => d.cases.map((c) => c.refCode as string).sort();
  const areaCodes = (d: MapJson) => d.areas.map((a) => a.code).sort();

  it('answers 401 JSON to the data and 401 to the page without a session', async () => {
    const v = visitor(app);
    const data = await v.get('/dashboard/map/data.json');
    expect(data.status).toBe(401);
    expect(String(data.headers['content-type'])).toMatch(/^application\/json/);
    expect(JSON.parse(data.body)).toEqual({ error: 'notSignedIn' });
    expect((await v.get('/dashboard/map')).status).toBe(401);
    v.cookie = `__Host-tnd_session=${'C'.repeat(43)}`;
    expect((await v.get('/dashboard/map/data.json')).status).toBe(401);
  });

  it("gives each role the areas and located cases of its own scope: never another area's, a mediator no tips", async () => {
    const kp2 = await mapData(await logIn(app, OFFICER_KP2));
    expect(areaCodes(kp2)).toEqual(['kp2-to1']);
    expect(refs(kp2)).toEqual([codes.tipKp2]);
    // Asking for another officer's area by the filter widens nothing.
    const kp2Asks = await mapData(await logIn(app, OFFICER_KP2), '?area=kp1-to3&status=all');
    expect(kp2Asks.areas).toEqual([]);
    expect(kp2Asks.cases).toEqual([]);

    const kp1 = await mapData(await logIn(app, OFFICER_KP1));
    expect(areaCodes(kp1)).toEqual(['kp1-to3', 'kp1-to4']);
    expect(refs(kp1)).toEqual([codes.tipKp1, codes.tipKp1Drugs, codes.mediationKp1].sort());
    expect(kp1.areas.find((a) => a.code === 'kp1-to3')).toMatchObject({ hotspot: true, cases: 2, boundary: { type: 'Polygon' } });
    expect(kp1.areas.find((a) => a.code === 'kp1-to4')).toMatchObject({ hotspot: false, cases: 1 });

    const supervisor = await mapData(await logIn(app, SUPERVISOR));
    expect(areaCodes(supervisor)).toEqual(['kp1-to3', 'kp1-to4', 'kp2-to1', 'phuong-sai-gon']);
    expect(refs(supervisor)).toEqual([codes.tipKp1, codes.tipKp1Drugs, codes.tipKp2, codes.mediationKp1].sort());

    // The mediator: mediation requests only, and the theft tips' hotspot is not theirs to see.
    const mediator = await mapData(await logIn(app, MEDIATOR), '?status=all');
    expect(areaCodes(mediator)).toEqual(['kp1-to3']);
    expect(refs(mediator)).toEqual([codes.mediationKp1]);
    expect(mediator.areas[0]).toMatchObject({ hotspot: false, cases: 1 });
    expect(mediator.body).not.toContain('"kind":"tip"');
  });

  it('sends only what a marker needs: no chat id, sealed value, contact, media or words of the tipster', async () => {
    const d = await mapData(await logIn(app, SUPERVISOR), '?status=all');
    expect(d.cases.length).toBeGreaterThan(0);
    for (const c of d.cases) expect(Object.keys(c).sort()).toEqual(['category', 'kind', 'lat', 'lon', 'refCode', 'status', 'submittedAt']);
    for (const secret of [RESIDENT, WORDS, CONTACT, 'AgAD-photo-secret', 'Hẻm 45', ...sealedChat]) expect(d.body).not.toContain(secret);
    const sealedContact = (await app.rt.store.cases.byRefCode(codes.tipKp1))!.contactEnc!;
    expect(d.body).not.toContain(sealedContact);
    expect(d.cases.find((c) => c.refCode === codes.tipKp1)).toMatchObject({ lat: 10.7771, lon: 106.7, status: 'new', kind: 'tip' });
  });

  it('narrows by the list’s filters: status, category, area, period and reference text', async () => {
    const v = await logIn(app, SUPERVISOR);
    expect(refs(await mapData(v, '?status=all'))).toContain(codes.resolvedKp1);
    expect(refs(await mapData(v))).not.toContain(codes.resolvedKp1);
    expect(refs(await mapData(v, '?status=resolved'))).toEqual([codes.resolvedKp1]);
    expect(refs(await mapData(v, '?category=drugs'))).toEqual([codes.tipKp1Drugs]);
    const kp2 = await mapData(v, '?area=kp2-to1');
    expect(refs(kp2)).toEqual([codes.tipKp2]);
    expect(areaCodes(kp2)).toEqual(['kp2-to1']);
    expect(refs(await mapData(v, `?q=${codes.tipKp2.slice(-4)}`))).toEqual([codes.tipKp2]);
    expect(refs(await mapData(v, '?to=2026-01-01'))).toEqual([]);
    // The cases without a location are in the list, not on the map.
    expect(refs(await mapData(v))).not.toContain(codes.unlocatedKp1);
    expect((await v.get('/dashboard/cases')).body).toContain(codes.unlocatedKp1);
  });

  it('caps the cases at the newest and says so (the repository behind the data)', async () => {
    const q = { areaCodes: ['kp1-to3', 'kp1-to4', 'kp2-to1'], statuses: ['new', 'acknowledged'] as const };
    const two = await app.rt.store.cases.located(q, 2);
    expect(two.truncated).toBe(true);
    expect(two.items).toHaveLength(2);
    const all = await app.rt.store.cases.located(q, 100);
    expect(all.truncated).toBe(false);
    expect(all.items.map((c) => c.refCode)).toEqual(expect.arrayContaining([codes.tipKp1, codes.tipKp2]));
    expect(Object.keys(all.items[0]).sort()).toEqual(['areaCode', 'category', 'kind', 'location', 'refCode', 'status', 'submittedAt']);
  });

  it('renders the page: the same filter form, the map element with its settings, and the areas table as its text alternative', async () => {
    const v = await logIn(app, OFFICER_KP1);
    const res = await v.get('/dashboard/map?category=theft&lang=en');
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toContain('<form method="get" action="/dashboard/map"');
    expect(body).toMatch(/<option value="theft"\s+selected>/);
    expect(body).toContain('data-src="/dashboard/map/data.json?category=theft&amp;lang=en"');
    expect(body).toContain('role="region"');
    expect(body).toContain('aria-label="Map of the areas');
    expect(body).toContain('href="/dashboard/cases?category=theft&amp;lang=en">See these cases as a list</a>');
    // Scripts only as the app's files, never inline.
    expect(body).toContain('<script src="/dashboard/assets/map.js" defer></script>');
    expect(body).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(body).not.toContain('data-tiles');
    const table = body.slice(body.indexOf('<table class="areas">'));
    expect(table).toMatch(/Khu phố 1 – Tổ dân phố 3\s*<\/th>\s*<td>1<\/td>\s*<td>Yes<\/td>/);
    expect(table).toMatch(/Khu phố 1 – Tổ dân phố 4\s*<\/th>\s*<td>0<\/td>\s*<td>No<\/td>/);
    expect(table).not.toContain('Tổ dân phố 1');
    expect(body).not.toContain('no boundary on the map yet');
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data:;");
  });

  it('lists an area without a boundary as such, in the table and the data', async () => {
    await app.rt.store.areas.setBoundary('kp1-to4', null);
    const v = await logIn(app, OFFICER_KP1);
    const d = await mapData(v);
    expect(d.areas.find((a) => a.code === 'kp1-to4')!.boundary).toBeNull();
    const body = (await v.get('/dashboard/map')).body;
    expect(body).toMatch(/Khu phố 1 – Tổ dân phố 4 <span class="no-boundary">\(chưa có ranh giới trên bản đồ\)<\/span>/);
    expect(body).toContain('1 khu vực chưa có ranh giới');
    expect(body).not.toMatch(/Tổ dân phố 3 <span class="no-boundary">/);
    expect((await app.rt.store.areas.withCodes(['kp1-to3']))[0].boundary).toMatchObject({ type: 'Polygon' });
  });

  it('serves the map script and the pinned Leaflet and marker-cluster files from the app', async () => {
    const v = visitor(app);
    const script = await v.get('/dashboard/assets/map.js');
    expect(script.status).toBe(200);
    expect(String(script.headers['content-type'])).toMatch(/^text\/javascript/);
    expect(script.body).toContain('markerClusterGroup');
    expect(script.headers['cache-control']).toBe('public, max-age=3600');
    const leaflet = await v.get('/dashboard/assets/vendor/leaflet/leaflet.js');
    expect(leaflet.status).toBe(200);
    expect(leaflet.body).toContain('1.9.4');
    const cluster = await v.get('/dashboard/assets/vendor/leaflet.markercluster/leaflet.markercluster.js');
    expect(cluster.status).toBe(200);
    expect(cluster.body).toContain('MarkerClusterGroup');
    for (const css of [
      'leaflet/leaflet.css',
      'leaflet.markercluster/MarkerCluster.css',
      'leaflet.markercluster/MarkerCluster.Default.css',
    ]) {
      const res = await v.get(`/dashboard/assets/vendor/${css}`);
      expect([res.status, String(res.headers['content-type'])]).toEqual([200, 'text/css; charset=utf-8']);
    }
    expect((await v.get('/dashboard/assets/vendor/leaflet/package.json')).status).toBe(404);
    expect((await v.get('/dashboard/assets/vendor/../../package.json')).status).toBe(404);
  });
});

import type { ActionType, LeadAnswer, LeadStatus, TimeOff, WeeklySchedule } from '@leadflow/contracts';
import { Prisma, type PrismaClient } from '@leadflow/db';
import { languageFromScript, routeLead, slaDeadline, type Candidate, type OrganisationSnapshot, type RoutableLead, type RuleDefinition, type WorkCalendar } from '@leadflow/domain';
import { createHash, randomUUID } from 'node:crypto';
import { DEMO_META_PAGE_ID } from './demo-leads.js';

/** Demo history leads carry this prefix in their platform id: how a re-run knows it is done. */
export const DEMO_HISTORY_PREFIX = 'demo-';

export interface DemoHistoryOptions {
  leads?: number;
  days?: number;
  now?: Date;
  /** Same seed, same people, campaigns and outcomes. */
  seed?: number;
}

// --- The people and the campaigns ------------------------------------------------------------

const ARABIC_FIRST = ['سارة', 'نورة', 'ريم', 'هند', 'لمى', 'أمل', 'فاطمة', 'مريم', 'عبدالله', 'محمد', 'أحمد', 'خالد', 'فهد', 'سلطان', 'عمر', 'يوسف', 'ناصر', 'تركي', 'جواهر', 'منيرة'];
const ARABIC_LAST = ['الحربي', 'القحطاني', 'العتيبي', 'الدوسري', 'الشهري', 'الغامدي', 'الزهراني', 'المطيري', 'الشمري', 'العنزي', 'السبيعي', 'البلوي', 'الكعبي', 'المنصوري'];
const LATIN_FIRST = ['Sara', 'Noura', 'Fatima', 'Mariam', 'Aisha', 'Mohammed', 'Ahmed', 'Khalid', 'Omar', 'Yousef', 'Faisal', 'Hassan', 'Ali', 'Priya', 'Rahul', 'Anna', 'James', 'Layla'];
const LATIN_LAST = ['Al-Harbi', 'Al-Qahtani', 'Hassan', 'Mansour', 'Haddad', 'Khoury', 'Al Shamsi', 'Al Mansoori', 'Farouk', 'Nair', 'Kumar', 'Smith', 'Ibrahim', 'Saleh'];
const CITIES: Record<string, string[]> = { SA: ['Riyadh', 'الرياض', 'Jeddah', 'جدة', 'Dammam', 'الخبر'], AE: ['Dubai', 'Abu Dhabi', 'Sharjah', 'دبي'], EG: ['Cairo', 'القاهرة'], KW: ['Kuwait City'] };

interface Campaign {
  platform: 'meta' | 'tiktok' | 'snapchat';
  id: string;
  name: string;
  product: string;
  /** Most of its audience lives here. */
  country: string;
  adset: string;
  ad: string;
  form: string;
  weight: number;
}

const CAMPAIGNS: Campaign[] = [
  { platform: 'meta', id: '23851000000000101', name: 'Riyadh villas – spring', product: 'Villa', country: 'SA', adset: 'Riyadh 25-45', ad: 'Villa video 1', form: 'Villa enquiry', weight: 5 },
  { platform: 'meta', id: '23851000000000202', name: 'Jeddah apartments – Ramadan', product: 'Apartment', country: 'SA', adset: 'Jeddah families', ad: 'Sea view carousel', form: 'Apartment enquiry', weight: 4 },
  { platform: 'meta', id: '23851000000000303', name: 'Dubai Marina off-plan', product: 'Apartment', country: 'AE', adset: 'UAE investors', ad: 'Marina tower reel', form: 'Off-plan brochure', weight: 2 },
  { platform: 'tiktok', id: '1790000000000011', name: 'TikTok – North Riyadh land', product: 'Land plot', country: 'SA', adset: 'Riyadh 30-55', ad: 'Drone flyover', form: 'Land plot interest', weight: 2 },
  { platform: 'tiktok', id: '1790000000000022', name: 'TikTok – Townhouses launch', product: 'Townhouse', country: 'SA', adset: 'Young families', ad: 'Walkthrough 45s', form: 'Townhouse launch', weight: 3 },
  { platform: 'snapchat', id: '5f1c0000-0000-4000-8000-000000000101', name: 'Snap – Jeddah apartments', product: 'Apartment', country: 'SA', adset: 'Jeddah 20-35', ad: 'Story 3 frames', form: 'Apartment lead form', weight: 3 },
  { platform: 'snapchat', id: '5f1c0000-0000-4000-8000-000000000202', name: 'Snap – Riyadh villas', product: 'Villa', country: 'SA', adset: 'Riyadh 25-40', ad: 'Villa tour snap', form: 'Villa lead form', weight: 2 },
];
const TIKTOK_ADVERTISER = '7012345678901234567';
const SNAP_AD_ACCOUNT = '8b1c6a0e-3f4d-4c2a-9a51-0d2f7e6b9c11';

const NOTES = [
  'Prefers a call after 6 pm.',
  'يفضل التواصل عبر واتساب',
  'Asked about payment plans over 5 years.',
  'طلب زيارة للموقع يوم الخميس',
  'Budget around 1.8M SAR, cash buyer.',
  'Comparing with another developer; follow up next week.',
  'لم يرد على الاتصال الأول، أرسلت رسالة',
  'Wants a corner unit near the metro.',
  'Sent the brochure and the floor plans by email.',
  'يسأل عن التمويل العقاري',
];
const LOST_REASONS = ['No answer after three calls', 'Budget too low', 'Bought elsewhere', 'Looking to rent, not to buy', 'Wrong number', 'لا يرغب حالياً'];
const FAN_OUT: { key: string; type: ActionType }[] = [
  { key: 'odoo-lead', type: 'odoo.sync_lead' },
  { key: 'odoo-activity', type: 'odoo.create_activity' },
  { key: 'whatsapp-welcome', type: 'whatsapp.send_template' },
  { key: 'welcome-email', type: 'email.send' },
  { key: 'sheet-row', type: 'sheets.append_row' },
];

/** A small deterministic generator (mulberry32): the same seed gives the same demo. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(list: readonly T[]): T => list[int(list.length)]!,
    chance: (p: number) => next() < p,
    weighted: <T extends { weight: number }>(list: readonly T[]): T => {
      let roll = next() * list.reduce((sum, item) => sum + item.weight, 0);
      for (const item of list) if ((roll -= item.weight) < 0) return item;
      return list[list.length - 1]!;
    },
    digits: (n: number) => Array.from({ length: n }, () => int(10)).join(''),
  };
}
type Random = ReturnType<typeof generator>;

interface Person {
  fullName: string;
  firstName: string;
  lastName: string;
  phone: string;
  email?: string;
  city: string;
  country: string;
  language?: string;
  contactId: string;
  /** Their latest lead so far (a new one within 30 days is a duplicate of it). */
  lastLead?: { id: string; platform: string; receivedAt: Date };
}

function newPerson(random: Random, country: string, n: number, taken: Set<string>): Person {
  const arabic = country !== 'AE' ? random.chance(0.6) : random.chance(0.3);
  const firstName = arabic ? random.pick(ARABIC_FIRST) : random.pick(LATIN_FIRST);
  const lastName = arabic ? random.pick(ARABIC_LAST) : random.pick(LATIN_LAST);
  let phone: string;
  do
    phone =
      country === 'AE' ? `+9715${random.pick(['0', '2', '5', '6'])}${random.digits(7)}` : country === 'EG' ? `+201${random.pick(['0', '1', '2', '5'])}${random.digits(8)}` : country === 'KW' ? `+965${random.pick(['5', '6', '9'])}${random.digits(7)}` : `+9665${random.pick(['0', '3', '4', '5', '6'])}${random.digits(7)}`;
  while (taken.has(phone));
  taken.add(phone);
  const handle = arabic ? `client${n}` : `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '') + n;
  const email = `${handle}@example.${country === 'AE' ? 'ae' : 'com'}`;
  const withEmail = random.chance(0.65) && !taken.has(email);
  if (withEmail) taken.add(email);
  return {
    fullName: `${firstName} ${lastName}`,
    firstName,
    lastName,
    phone,
    email: withEmail ? email : undefined,
    city: random.pick(CITIES[country] ?? CITIES.SA!),
    country,
    language: languageFromScript(firstName) ?? (random.chance(0.5) ? 'en' : 'ar'),
    contactId: randomUUID(),
  };
}

/** Arrival times over the last `days`: busier in the evening (Gulf time) and on weekends. */
function arrivals(random: Random, count: number, days: number, now: Date): Date[] {
  const hourWeight = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1, 1.5, 2, 2.2, 2.3, 2.2, 2, 2, 2.2, 2.5, 3, 3.5, 4, 4.2, 3.8, 3, 2];
  const hours = hourWeight.map((weight, hour) => ({ hour, weight }));
  const times: Date[] = [];
  while (times.length < count) {
    const daysAgo = random.next() * days;
    const local = new Date(now.getTime() - daysAgo * 86_400_000 + 3 * 3_600_000); // Gulf local (UTC+3) as a UTC date
    const weekday = local.getUTCDay();
    if ((weekday === 5 || weekday === 6) && random.chance(0.25)) continue; // a little quieter on Fri/Sat mornings
    local.setUTCHours(random.weighted(hours).hour, random.int(60), random.int(60), random.int(1000));
    const at = new Date(local.getTime() - 3 * 3_600_000);
    if (at < now) times.push(at);
  }
  return times.sort((a, b) => a.getTime() - b.getTime());
}

/** Where a lead of this age ends up: the pipeline it walked and whether it was lost. */
function outcome(random: Random, ageDays: number): { steps: LeadStatus[]; lost: boolean } {
  const path: LeadStatus[] = ['contacted', 'qualified', 'proposal', 'won'];
  if (ageDays < 1) return random.chance(0.55) ? { steps: [], lost: false } : { steps: path.slice(0, 1 + random.int(2)), lost: false };
  if (ageDays < 7) {
    if (random.chance(0.04)) return { steps: [], lost: false };
    const reached = 1 + random.int(3);
    return { steps: path.slice(0, reached), lost: random.chance(0.2) };
  }
  const roll = random.next();
  if (roll < 0.12) return { steps: path, lost: false };
  if (roll < 0.2) return { steps: path.slice(0, 1 + random.int(3)), lost: false };
  return { steps: path.slice(0, random.int(4)), lost: true };
}

/**
 * Bulk insert of typed rows (Prisma field names) as one JSON parameter per chunk: Postgres
 * unpacks it, ten times faster than createMany for tens of thousands of rows. Columns are those
 * the rows name, so every other column keeps its default.
 */
async function insertRows(tx: Prisma.TransactionClient, table: string, rows: object[]): Promise<void> {
  const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const list = columns.map((c) => `"${snake(c)}"`).join(', ');
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [snake(k), v])));
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_populate_recordset(NULL::"${table}", $1::json)`, JSON.stringify(chunk));
  }
}

const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);
const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * A few thousand leads over the last 90 days, as if the service had been running: each one
 * received, normalized, routed by the real routing engine over the seeded organisation and rules
 * (so every explanation is true), fanned out, worked along the pipeline with notes and tags, with
 * SLA breaches where the first call came late, and the notifications that went with them.
 * Written in one transaction; does nothing when demo history already exists. Returns the leads written.
 */
export async function seedDemoHistory(prisma: PrismaClient, options: DemoHistoryOptions = {}): Promise<number> {
  const { leads: count = 3000, days = 90, now = new Date(), seed = 20261121 } = options;
  if (await prisma.lead.count({ where: { platformLeadId: { startsWith: DEMO_HISTORY_PREFIX } } })) return 0;
  const random = generator(seed);

  const [branches, teams, employees, rules, automations, users] = await Promise.all([
    prisma.branch.findMany(),
    prisma.team.findMany(),
    prisma.employee.findMany({ orderBy: { email: 'asc' } }),
    prisma.routingRule.findMany(),
    prisma.automation.findMany(),
    prisma.user.findMany(),
  ]);
  const fanOut = automations.find((a) => a.name.startsWith('Fan out'));
  const tellOwner = automations.find((a) => a.name.startsWith('Tell the owner'));
  if (!fanOut || !tellOwner || branches.length === 0) throw new Error('seed the demo organisation first');

  const calendarOf = new Map<string, WorkCalendar>(branches.map((b) => [b.id, { timezone: b.timezone, schedule: b.workingHours as WeeklySchedule, holidays: b.holidays as string[] }]));
  const teamById = new Map(teams.map((t) => [t.id, t]));
  const candidates: Candidate[] = employees.map((e) => ({
    id: e.id,
    name: e.name,
    teamId: e.teamId,
    active: e.active,
    capacity: e.capacity,
    openLeads: 0,
    weight: e.weight,
    timeOff: e.timeOff as unknown as TimeOff[],
    languages: e.languages,
    products: e.products,
    assignedTotal: 0,
    calendar: calendarOf.get(teamById.get(e.teamId)!.branchId)!,
  }));
  /** When each employee's still-open leads get their first call (Infinity: not yet). */
  const openUntil = new Map<string, number[]>(employees.map((e) => [e.id, []]));
  const org: OrganisationSnapshot = {
    timezoneOfBranch: (id) => calendarOf.get(id)?.timezone ?? 'Asia/Riyadh',
    team: (id) => {
      const t = teamById.get(id);
      return t && { id: t.id, name: t.name, branchId: t.branchId, fallbackTeamId: t.fallbackTeamId ?? undefined };
    },
    teamsOfBranch: (id) => teams.filter((t) => t.branchId === id).map((t) => ({ id: t.id, name: t.name, branchId: t.branchId, fallbackTeamId: t.fallbackTeamId ?? undefined })),
    candidatesOf: (teamIds) => candidates.filter((c) => teamIds.includes(c.teamId)),
  };
  const ruleDefinitions: RuleDefinition[] = rules.map((r) => ({
    id: r.id,
    name: r.name,
    position: r.position,
    enabled: r.enabled,
    isDefault: r.isDefault,
    conditions: r.conditions as unknown as RuleDefinition['conditions'],
    branchId: r.branchId ?? undefined,
    teamId: r.teamId ?? undefined,
    strategy: r.strategy,
    employeeId: r.employeeId ?? undefined,
  }));
  const userOf = new Map(users.filter((u) => u.employeeId).map((u) => [u.employeeId!, u]));
  const admins = users.filter((u) => u.role === 'admin');

  const rows = {
    contacts: [] as Prisma.ContactCreateManyInput[],
    deliveries: [] as Prisma.WebhookDeliveryCreateManyInput[],
    inbound: [] as Prisma.InboundEventCreateManyInput[],
    leads: [] as Prisma.LeadCreateManyInput[],
    events: [] as Prisma.LeadEventCreateManyInput[],
    runs: [] as Prisma.ActionRunCreateManyInput[],
    notifications: [] as Prisma.NotificationCreateManyInput[],
  };
  const people: Person[] = [];
  // Phones and emails of contacts that already exist: a person is unique by either.
  const taken = new Set((await prisma.contact.findMany({ select: { phone: true, email: true } })).flatMap((c) => [c.phone, c.email]).filter((v): v is string => Boolean(v)));

  for (const [index, receivedAt] of arrivals(random, count, days, now).entries()) {
    const campaign = random.weighted(CAMPAIGNS);
    // Some people come back through another ad: the same contact, another lead.
    let person = people.length > 20 && random.chance(0.1) ? random.pick(people) : undefined;
    if (!person) {
      const country = random.chance(0.85) ? campaign.country : random.pick(['SA', 'AE', 'EG', 'KW']);
      person = newPerson(random, country, people.length + 1, taken);
      people.push(person);
      rows.contacts.push({ id: person.contactId, fullName: person.fullName, firstName: person.firstName, lastName: person.lastName, phone: person.phone, email: person.email, city: person.city, country: person.country, language: person.language, createdAt: receivedAt, updatedAt: receivedAt });
    }
    const product = random.chance(0.85) ? campaign.product : random.pick(['Villa', 'Apartment', 'Townhouse', 'Land plot']);
    const answers: LeadAnswer[] = [{ key: 'which_unit_type?', label: 'Which unit type?', value: product }];
    const source = { campaignId: campaign.id, campaignName: campaign.name, adsetName: campaign.adset, adName: campaign.ad, formName: campaign.form };
    const routable: RoutableLead = {
      subject: { platform: campaign.platform, status: 'new', source, contact: { city: person.city, country: person.country, language: person.language }, answers },
      preferences: { language: person.language, answerValues: [product] },
    };

    // Calls made before this lead arrived free their owners' capacity.
    for (const candidate of candidates) {
      const open = openUntil.get(candidate.id)!.filter((until) => until > receivedAt.getTime());
      openUntil.set(candidate.id, open);
      candidate.openLeads = open.length;
    }
    const routedAt = new Date(receivedAt.getTime() + 400 + random.int(1500));
    const decision = routeLead(routable, ruleDefinitions, org, routedAt);

    const leadId = randomUUID();
    const inboundEventId = randomUUID();
    const platformLeadId = `${DEMO_HISTORY_PREFIX}${campaign.platform}-${String(index + 1).padStart(5, '0')}`;
    const events: Prisma.LeadEventCreateManyInput[] = [];
    const event = (type: string, occurredAt: Date, payload: Record<string, unknown>, actor = 'system') => events.push({ leadId, type, actor, occurredAt, payload: json(payload) });

    const body = JSON.stringify({ platform: campaign.platform, lead_id: platformLeadId, campaign_id: campaign.id, created_time: receivedAt.toISOString() });
    const deliveryId = randomUUID();
    rows.deliveries.push({ id: deliveryId, platform: campaign.platform, bodySha256: createHash('sha256').update(body).digest('hex'), rawBody: body, headers: json({ 'content-type': 'application/json' }), receivedAt });
    rows.inbound.push({ id: inboundEventId, platform: campaign.platform, externalId: platformLeadId, deliveryId, payload: json(JSON.parse(body)), status: 'processed', attempts: 1, leadId, receivedAt, processedAt: new Date(receivedAt.getTime() + 300), updatedAt: new Date(receivedAt.getTime() + 300) });
    event('received', receivedAt, { inboundEventId, platform: campaign.platform });
    const original = person.lastLead && receivedAt.getTime() - person.lastLead.receivedAt.getTime() <= 30 * 86_400_000 ? person.lastLead : undefined;
    if (original) event('duplicate_detected', receivedAt, { duplicateOfId: original.id, originalPlatform: original.platform, originalReceivedAt: original.receivedAt, matchedOn: 'phone', windowDays: 30 });
    person.lastLead = { id: leadId, platform: campaign.platform, receivedAt };
    event('normalized', new Date(receivedAt.getTime() + 300), { inboundEventId, replay: 0, phoneValid: true, emailValid: Boolean(person.email) });
    event('routed', routedAt, decision as unknown as Record<string, unknown>);

    const ageDays = (now.getTime() - receivedAt.getTime()) / 86_400_000;
    const lead: Prisma.LeadCreateManyInput = {
      id: leadId,
      platform: campaign.platform,
      platformLeadId,
      contactId: person.contactId,
      fullName: person.fullName,
      firstName: person.firstName,
      lastName: person.lastName,
      phone: person.phone,
      email: person.email,
      city: person.city,
      country: person.country,
      language: person.language,
      channel: campaign.platform === 'meta' ? random.pick(['facebook', 'instagram']) : null,
      campaignId: campaign.id,
      campaignName: campaign.name,
      adsetId: `${campaign.id}-as`,
      adsetName: campaign.adset,
      adId: `${campaign.id}-ad`,
      adName: campaign.ad,
      formId: `${campaign.id}-form`,
      formName: campaign.form,
      pageId: campaign.platform === 'meta' ? DEMO_META_PAGE_ID : null,
      advertiserId: campaign.platform === 'tiktok' ? TIKTOK_ADVERTISER : campaign.platform === 'snapchat' ? SNAP_AD_ACCOUNT : null,
      isOrganic: false,
      duplicateOfId: original?.id,
      answers: json(answers),
      submittedAt: new Date(receivedAt.getTime() - 1000 - random.int(4000)),
      receivedAt,
      createdAt: receivedAt,
      status: 'new',
      routingState: 'unrouted',
      escalationStep: 0,
      tags: [],
    };
    let lastChange = routedAt;

    const assignee = decision.outcome === 'assigned' ? candidates.find((c) => c.id === decision.employeeId) : undefined;
    if (!assignee) {
      // Nobody could take it: it waited in the queue; old ones were closed unanswered.
      Object.assign(lead, { routingState: 'queued', branchId: decision.branchId, teamId: decision.teamId, queuedAt: routedAt });
      event('queued', routedAt, { teamId: decision.teamId, branchId: decision.branchId, reason: decision.explanation });
      if (ageDays > 2) {
        const at = minutes(routedAt, 24 * 60);
        lead.status = 'lost';
        event('status_changed', at, { from: 'new', to: 'lost', reason: 'Nobody free to call in time' }, 'admin');
        lastChange = at;
      }
      lead.updatedAt = lastChange;
      rows.leads.push(lead);
      rows.events.push(...events);
      continue;
    }

    const team = teamById.get(assignee.teamId)!;
    const calendar = calendarOf.get(team.branchId)!;
    const slaDueAt = slaDeadline(calendar, routedAt, team.slaMinutes ?? undefined);
    Object.assign(lead, { routingState: 'assigned', branchId: team.branchId, teamId: team.id, assigneeId: assignee.id, assignedAt: routedAt, slaDueAt });
    event('assigned', routedAt, { ruleId: decision.ruleId, employeeId: assignee.id, employeeName: assignee.name, teamId: team.id, slaDueAt });
    assignee.lastAssignedAt = routedAt;
    assignee.assignedTotal += 1;

    // The fan-out and the owner's notification, seconds after the lead arrived.
    const whatsappFailed = random.chance(0.03);
    for (const [i, action] of [...FAN_OUT.map((a) => ({ ...a, automationId: fanOut.id })), { key: 'tell-owner', type: 'notify.user' as ActionType, automationId: tellOwner.id }].entries()) {
      const runId = randomUUID();
      const startedAt = new Date(routedAt.getTime() + 200 + i * 150);
      const failed = whatsappFailed && action.key === 'whatsapp-welcome';
      const finishedAt = new Date(startedAt.getTime() + (failed ? 5 * 60_000 : 150 + random.int(900)));
      const externalId = failed ? null : action.type === 'odoo.sync_lead' ? String(1000 + index) : action.type === 'whatsapp.send_template' ? `wamid.DEMO${random.digits(12)}` : action.type === 'notify.user' ? randomUUID() : null;
      rows.runs.push({
        id: runId,
        leadId,
        automationId: action.automationId,
        actionKey: action.key,
        actionType: action.type,
        status: failed ? 'dead' : 'done',
        attempts: failed ? 5 : 1,
        maxAttempts: 5,
        lastError: failed ? 'whatsapp.send_template PERMANENT: (#131026) Message undeliverable' : null,
        externalId,
        scheduledAt: routedAt,
        startedAt,
        finishedAt,
        createdAt: routedAt,
        updatedAt: finishedAt,
      });
      if (failed) {
        event('action_dead', finishedAt, { actionRunId: runId, automationId: action.automationId, actionKey: action.key, actionType: action.type, attempts: 5, error: '(#131026) Message undeliverable' });
        for (const admin of admins) {
          rows.notifications.push({ id: randomUUID(), userId: admin.id, category: 'action_failed', title: `WhatsApp welcome failed for ${person.fullName}`, body: '(#131026) Message undeliverable', leadId, actionRunId: runId, dedupeKey: `action-dead:${runId}:${admin.id}`, readAt: ageDays > 3 ? minutes(finishedAt, 60) : null, createdAt: finishedAt });
        }
      } else {
        event('action_done', finishedAt, { actionRunId: runId, automationId: action.automationId, actionKey: action.key, actionType: action.type, externalId: externalId ?? undefined });
        if (action.type === 'whatsapp.send_template') event('message_status', minutes(finishedAt, 1), { channel: 'whatsapp', wamid: externalId, status: random.chance(0.7) ? 'read' : 'delivered' });
        if (action.type === 'notify.user') {
          rows.notifications.push({ id: externalId!, employeeId: assignee.id, category: 'lead_assigned', title: `New ${campaign.platform} lead: ${person.fullName}`, body: `${person.phone} · ${campaign.name} · call within the SLA`, leadId, actionRunId: runId, dedupeKey: `action-run:${runId}:1`, readAt: ageDays > 1 ? minutes(finishedAt, 2 + random.int(30)) : null, createdAt: finishedAt });
        }
      }
      lastChange = finishedAt > lastChange ? finishedAt : lastChange;
    }

    // Working the lead: the first call (late sometimes), then the pipeline.
    const actor = userOf.has(assignee.id) ? `user:${userOf.get(assignee.id)!.id}` : 'admin';
    const plan = outcome(random, ageDays);
    let at = minutes(routedAt, random.chance(0.8) ? 2 + random.int(14) : 20 + random.int(240));
    const maxAt = now.getTime() - 60_000;
    let status: LeadStatus = 'new';
    let contactedAt: Date | undefined;
    for (const next of plan.lost ? [...plan.steps.filter((s) => s !== 'won'), 'lost' as const] : plan.steps) {
      if (at.getTime() > maxAt) break;
      const reason = next === 'lost' ? (status === 'new' ? random.pick(['No answer after three calls', 'Wrong number']) : random.pick(LOST_REASONS)) : undefined;
      event('status_changed', at, { from: status, to: next, reason }, actor);
      // As the service does: leaving `new` (but not for lost) proves contact; milestones stay on the lead.
      if (!contactedAt && next !== 'lost') {
        contactedAt = at;
        event('contacted', at, { evidence: { kind: 'status_change', status: next } }, actor);
      }
      if (next === 'qualified') lead.qualifiedAt = at;
      if (next === 'proposal') lead.proposalAt = at;
      if (next === 'won' || next === 'lost') Object.assign(lead, { closedAt: at, lostReason: reason });
      status = next;
      lastChange = at;
      if (random.chance(0.35)) {
        const noteAt = minutes(at, 3 + random.int(20));
        if (noteAt.getTime() < maxAt) {
          event('note', noteAt, { body: random.pick(NOTES), author: assignee.name }, actor);
          lastChange = noteAt;
        }
      }
      at = minutes(at, 60 * (4 + random.int(24 * Math.min(10, Math.max(1, ageDays / 4)))));
    }
    lead.status = status;
    lead.contactedAt = contactedAt;
    if (slaDueAt && (contactedAt ?? now) > slaDueAt) {
      lead.slaBreachedAt = slaDueAt;
      lead.escalationStep = (team.escalation as unknown[]).length;
      event('sla_breached', slaDueAt, { slaDueAt, assigneeId: assignee.id, teamId: team.id });
    } else if (!contactedAt && slaDueAt) {
      lead.nextSlaCheckAt = slaDueAt; // still within its first-contact window: the live SLA clock takes over
    }
    // Open (counting against capacity) while new and not contacted, as routing counts it.
    openUntil.get(assignee.id)!.push(contactedAt?.getTime() ?? (lead.closedAt as Date | undefined)?.getTime() ?? Infinity);

    const tags = [random.chance(0.06) && 'vip', random.chance(0.1) && 'callback-evening', random.chance(0.05) && 'cash-buyer'].filter(Boolean) as string[];
    if (tags.length && contactedAt) {
      const tagAt = minutes(contactedAt, 5);
      if (tagAt.getTime() < maxAt) {
        lead.tags = tags;
        event('tags_changed', tagAt, { from: [], to: tags }, actor);
        lastChange = tagAt > lastChange ? tagAt : lastChange;
      }
    }
    lead.updatedAt = lastChange;
    rows.leads.push(lead);
    rows.events.push(...events);
  }

  await prisma.$transaction(
    async (tx) => {
      await insertRows(tx, 'contact', rows.contacts);
      await insertRows(tx, 'webhook_delivery', rows.deliveries);
      await insertRows(tx, 'lead', rows.leads);
      await insertRows(tx, 'inbound_event', rows.inbound);
      await insertRows(tx, 'lead_event', rows.events);
      await insertRows(tx, 'action_run', rows.runs);
      await insertRows(tx, 'notification', rows.notifications);
      // Routing goes on where the history stopped: fair shares and round-robin order carry over.
      for (const candidate of candidates) {
        if (candidate.assignedTotal) await tx.employee.update({ where: { id: candidate.id }, data: { lastAssignedAt: candidate.lastAssignedAt, assignedTotal: { increment: candidate.assignedTotal } } });
      }
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return rows.leads.length;
}

import type { AutomationAction, Condition, EscalationStep, WeeklySchedule } from '@leadflow/contracts';
import type { Prisma, PrismaClient } from '@leadflow/db';

const days = (list: string[], start: string, end: string): WeeklySchedule => Object.fromEntries(list.map((d) => [d, [{ start, end }]]));
const SAUDI_WEEK = ['sun', 'mon', 'tue', 'wed', 'thu'];
const EVERY_DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * A small real-estate company for the demo: Riyadh sells villas and land, Jeddah apartments, and a Dubai
 * desk that works around the clock takes UAE leads and whatever nobody else can take. Seeds only
 * an empty organisation, so it never touches data someone entered. Returns false when it did nothing.
 */
export async function seedDemoOrganisation(prisma: PrismaClient): Promise<boolean> {
  if ((await prisma.branch.count()) > 0) return false;
  await prisma.$transaction(async (tx) => {
    const riyadh = await tx.branch.create({ data: { name: 'Riyadh HQ', city: 'Riyadh', country: 'SA', timezone: 'Asia/Riyadh', workingHours: json({ ...days(SAUDI_WEEK, '09:00', '21:00'), sat: [{ start: '12:00', end: '20:00' }] }) } });
    const jeddah = await tx.branch.create({ data: { name: 'Jeddah', city: 'Jeddah', country: 'SA', timezone: 'Asia/Riyadh', workingHours: json(days(SAUDI_WEEK, '10:00', '22:00')) } });
    const dubai = await tx.branch.create({ data: { name: 'Dubai', city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai', workingHours: json(days(EVERY_DAY, '00:00', '24:00')) } });

    const ladder: EscalationStep[] = [
      { afterMinutes: 0, action: 'notify_manager' },
      { afterMinutes: 10, action: 'reassign' },
    ];
    const desk = await tx.team.create({ data: { branchId: dubai.id, odooTeamId: 4, name: 'Online desk', products: ['Villa', 'Apartment', 'Townhouse', 'Land plot'], slaMinutes: 30, escalation: json([ladder[0]]) } });
    const villas = await tx.team.create({ data: { branchId: riyadh.id, odooTeamId: 2, name: 'Villas', products: ['Villa', 'Townhouse'], slaMinutes: 15, escalation: json(ladder), fallbackTeamId: desk.id, queueTimeoutMinutes: 60 } });
    const land = await tx.team.create({ data: { branchId: riyadh.id, odooTeamId: 5, name: 'Land plots', products: ['Land plot'], slaMinutes: 60, escalation: json([ladder[0]]), fallbackTeamId: desk.id, queueTimeoutMinutes: 120 } });
    const apartments = await tx.team.create({ data: { branchId: jeddah.id, odooTeamId: 3, name: 'Apartments', products: ['Apartment'], slaMinutes: 15, escalation: json(ladder), fallbackTeamId: desk.id, queueTimeoutMinutes: 60 } });

    let odooUserId = 3; // the demo Odoo's salespeople
    const person = (teamId: string, name: string, email: string, languages: string[], products: string[], extra: Partial<Prisma.EmployeeCreateManyInput> = {}) => ({ teamId, name, email, languages, products, capacity: 25, odooUserId: odooUserId++, ...extra });
    const nextMonth = new Date(Date.now() + 30 * 86_400_000);
    await tx.employee.createMany({
      data: [
        person(villas.id, 'Sara Al-Harbi', 'sara@demo.leadflow', ['ar', 'en'], ['Villa'], { phone: '+966551000001' }),
        person(villas.id, 'محمد القحطاني', 'mohammed@demo.leadflow', ['ar'], ['Villa', 'Townhouse'], { phone: '+966551000002' }),
        person(villas.id, 'Noura Al-Otaibi', 'noura@demo.leadflow', ['ar', 'en'], [], { capacity: 5, phone: '+966551000003' }),
        person(land.id, 'عبدالله الشمري', 'abdullah@demo.leadflow', ['ar'], ['Land plot'], { capacity: 15 }),
        person(land.id, 'Faisal Al-Zahrani', 'faisal@demo.leadflow', ['ar', 'en'], ['Land plot'], { capacity: 15, timeOff: json([{ from: nextMonth.toISOString(), to: new Date(nextMonth.getTime() + 7 * 86_400_000).toISOString() }]) }),
        person(apartments.id, 'ريم الدوسري', 'reem@demo.leadflow', ['ar'], ['Apartment'], { weight: 2, capacity: 30 }),
        person(apartments.id, 'Omar Farouk', 'omar@demo.leadflow', ['ar', 'en'], ['Apartment']),
        person(apartments.id, 'هند الغامدي', 'hind@demo.leadflow', ['ar', 'en'], ['Apartment'], { capacity: 20 }),
        person(desk.id, 'Lina Haddad', 'lina@demo.leadflow', ['en', 'ar'], []),
        person(desk.id, 'خالد الشامسي', 'khalid@demo.leadflow', ['ar', 'en'], []),
        person(desk.id, 'Priya Nair', 'priya@demo.leadflow', ['en', 'hi'], [], { capacity: 30 }),
      ],
    });
    const managers = await tx.employee.findMany({ where: { email: { in: ['noura@demo.leadflow', 'faisal@demo.leadflow', 'omar@demo.leadflow', 'lina@demo.leadflow'] } } });
    const manager = (email: string) => managers.find((m) => m.email === email)!.id;
    await tx.team.update({ where: { id: villas.id }, data: { managerId: manager('noura@demo.leadflow') } });
    await tx.team.update({ where: { id: land.id }, data: { managerId: manager('faisal@demo.leadflow') } });
    await tx.team.update({ where: { id: apartments.id }, data: { managerId: manager('omar@demo.leadflow') } });
    await tx.team.update({ where: { id: desk.id }, data: { managerId: manager('lina@demo.leadflow') } });

    const rule = (name: string, position: number, conditions: Condition[], target: { teamId?: string; branchId?: string }, strategy: Prisma.RoutingRuleCreateManyInput['strategy'], isDefault = false) => ({
      name,
      position,
      conditions: json(conditions),
      ...target,
      strategy,
      isDefault,
    });
    await tx.routingRule.createMany({
      data: [
        rule('UAE leads to Dubai', 1, [{ field: 'country', op: 'equals', value: 'AE' }], { branchId: dubai.id }, 'least_loaded'),
        rule('Villas and townhouses to Riyadh', 2, [{ field: 'answers', op: 'in', value: ['Villa', 'Townhouse'] }], { teamId: villas.id }, 'round_robin'),
        rule('Apartments to Jeddah', 3, [{ field: 'answers', op: 'in', value: ['Apartment'] }], { teamId: apartments.id }, 'weighted'),
        rule('Land plots to Riyadh', 4, [{ field: 'answers', op: 'in', value: ['Land plot'] }], { teamId: land.id }, 'least_loaded'),
        rule('Everything else to the online desk', 0, [], { teamId: desk.id }, 'round_robin', true),
      ],
    });

    const automation = (name: string, trigger: string, actions: AutomationAction[], enabled = true) => ({ name, trigger, actions: json(actions), enabled });
    await tx.automation.createMany({
      data: [
        automation('Tell the owner about a new lead', 'lead.assigned', [
          { key: 'tell-owner', type: 'notify.user', params: { to: 'assignee', category: 'lead_assigned', title: 'New {{lead.platform}} lead: {{lead.fullName}}', body: '{{lead.phone}} · {{lead.campaignName}} · call within the SLA' } },
        ]),
        automation('Warn the manager about a waiting lead', 'lead.unassigned_timeout', [
          { key: 'warn-manager', type: 'notify.user', params: { to: 'manager', category: 'sla_warning', title: 'A lead is waiting for an owner: {{lead.fullName}}' } },
        ]),
        // The whole fan-out: against the local simulators in the demo, the real services once configured.
        automation('Fan out new leads: Odoo, WhatsApp, email, sheet', 'lead.created', [
          { key: 'odoo-lead', type: 'odoo.sync_lead', params: { priority: '2' } },
          { key: 'odoo-activity', type: 'odoo.create_activity', params: { summary: 'Call the new lead' } },
          { key: 'whatsapp-welcome', type: 'whatsapp.send_template', params: { template: 'lead_welcome' } },
          { key: 'welcome-email', type: 'email.send', params: { template: 'welcome' } },
          { key: 'sheet-row', type: 'sheets.append_row', params: {} },
        ]),
      ],
    });
  });
  return true;
}

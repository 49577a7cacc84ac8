import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { isQuiet } from '#core/journeys/local-time';
import { type ScenarioInput, scenarioSchema } from '#core/simulation/scenario';
import { runSimulation, type SimulationResult, scenarioInput } from '#local/simulation/run';
import { account } from '../support/fixtures.ts';

/**
 * The review programme (issue 15, item 1) on the virtual clock, through the real runner: the dispatcher, the
 * ReviewProgramme state machine as CDK synthesizes it, the executor's restraint and the captured mail.
 */

const simulate = (scenario: ScenarioInput) => runSimulation(scenarioInput(scenarioSchema.parse(scenario)));

const contact = (id: string, role: 'sponsor' | 'champion' | 'admin', timezone: string) => ({
  id,
  email: `${id}@customer.example`,
  name: id,
  role,
  timezone,
});

/** Mails to one address whose subject starts with a review title. */
const invitationsTo = (result: SimulationResult, address: string, title: string) =>
  result.emails.filter((e) => e.to.includes(address) && e.subject.startsWith(title));

function icsOf(email: SimulationResult['emails'][number]): string {
  const ics = email.attachments?.find((a) => a.filename.endsWith('.ics'));
  if (!ics) throw new Error(`no .ics attached to "${email.subject}" (${email.at})`);
  return ics.content;
}

describe('the review programme on the virtual clock', () => {
  it('invites a strategic account four times a year to its quarterly health check, two years before renewal, and never an unsubscribed or bounced contact', async () => {
    // Prepare: Globex renews in 2028; its sponsor works in Los Angeles (09:00 UTC is 01:00 there), its champion in
    // Berlin. Initech's sponsor unsubscribed on day one; its champion did not.
    const strategic = (id: string, contacts: ReturnType<typeof contact>[]) =>
      account(id, {
        name: id === 'globex' ? 'Globex' : 'Initech',
        segment: 'strategic',
        arr: 900_000,
        goLiveDate: '2024-02-01',
        contacts,
        contract: { startDate: '2025-10-01', renewalDate: '2028-01-01', arr: 900_000 },
      });
    const scenario: ScenarioInput = {
      start: '2026-01-05',
      days: 365,
      accounts: [
        strategic('globex', [
          contact('gsponsor', 'sponsor', 'America/Los_Angeles'),
          contact('gchampion', 'champion', 'Europe/Berlin'),
        ]),
        strategic('initech', [
          contact('isponsor', 'sponsor', 'Europe/London'),
          contact('ichampion', 'champion', 'Europe/London'),
        ]),
      ],
      signals: [],
      contactEvents: [
        { accountId: 'initech', contactId: 'isponsor', at: '2026-01-05T12:00:00Z', event: 'unsubscribe' },
        // Initech's champion's address bounces in July: the two later invitations are suppressed.
        { accountId: 'initech', contactId: 'ichampion', at: '2026-07-15T12:00:00Z', event: 'bounce' },
      ],
    };
    // Act
    const result = await simulate(scenario);
    // Assess: four invitations to each Globex contact and to its CSM, each with its .ics.
    expect(result.rejected).toEqual([]);
    const title = 'Health-check review: Globex';
    const sponsor = invitationsTo(result, 'gsponsor@customer.example', title);
    const champion = invitationsTo(result, 'gchampion@customer.example', title);
    expect(sponsor).toHaveLength(4);
    expect(champion).toHaveLength(4);
    expect(invitationsTo(result, 'casey@vendor.example', title)).toHaveLength(4);
    // Quarterly from the contract's start (1 Oct 2025), at 10:00 in the sponsor's time zone (PDT: 17:00 UTC;
    // the review of 1 Jan 2027 is a Friday at 10:00 PST: 18:00 UTC).
    expect(sponsor.map((e) => /DTSTART:(\w+)/.exec(icsOf(e))?.[1])).toEqual([
      '20260401T170000Z',
      '20260701T170000Z',
      '20261001T170000Z',
      '20270101T180000Z',
    ]);
    for (const mail of [...sponsor, ...champion]) {
      expect(icsOf(mail)).toContain('METHOD:REQUEST');
      expect(icsOf(mail)).toContain('ATTENDEE;CN=gsponsor');
    }
    // Each contact reads the time in their own zone.
    expect(sponsor[0]?.text).toContain('Wednesday 2026-04-01 at 10:00 (America/Los_Angeles)');
    expect(champion[0]?.text).toContain('Wednesday 2026-04-01 at 19:00 (Europe/Berlin)');
    // Quiet hours respected: nothing reached a contact between 20:00 and 08:00 or at a weekend, their time; the
    // Los Angeles sponsor's invitation waited for the morning there.
    for (const [mails, zone] of [
      [sponsor, 'America/Los_Angeles'],
      [champion, 'Europe/Berlin'],
    ] as const) {
      for (const mail of mails) expect(isQuiet(new Date(mail.at), zone, defaultConfig.restraint)).toBe(false);
    }
    expect(sponsor[0]?.at).toBe('2026-03-18T15:00:00.000Z'); // 08:00 PDT, the first quarter hour allowed
    expect(champion[0]?.at).toBe('2026-03-18T09:00:00.000Z');

    // The unsubscribed sponsor gets none, and the not-sent ledger says why, once per review.
    expect(result.emails.filter((e) => e.to.includes('isponsor@customer.example'))).toEqual([]);
    const notSent = result.skipped.filter((s) => s.accountId === 'initech' && s.contact === 'isponsor');
    expect(notSent.filter((s) => s.play === 'review_invitation').map((s) => s.reason)).toEqual([
      'unsubscribed',
      'unsubscribed',
      'unsubscribed',
      'unsubscribed',
    ]);
    expect(
      invitationsTo(result, 'ichampion@customer.example', 'Health-check review: Initech').map((e) =>
        e.at.slice(0, 10),
      ),
    ).toEqual(['2026-03-18', '2026-06-17']);
    expect(
      result.skipped
        .filter((s) => s.contact === 'ichampion' && s.play === 'review_invitation')
        .map((s) => `${s.at.slice(0, 10)} ${s.reason}`),
    ).toEqual(['2026-09-17 suppressed', '2026-12-18 suppressed']);
  }, 300_000);

  it('gives every Core account its Annual Customer Review, also after its renewal date moved', async () => {
    // Prepare: three Core accounts; Umbrella's renewal moves from September 2026 to March 2027 in April.
    const core = (id: string, startDate: string, renewalDate: string) =>
      account(id, {
        segment: 'core',
        contacts: [contact(`${id}-sponsor`, 'sponsor', 'Europe/Paris')],
        goLiveDate: '2025-01-10',
        contract: { startDate, renewalDate, arr: 48_000 },
      });
    const scenario: ScenarioInput = {
      start: '2026-01-05',
      days: 365,
      accounts: [
        core('umbrella', '2025-09-15', '2026-09-15'),
        core('hooli', '2025-03-01', '2027-03-01'),
        core('stark', '2026-02-01', '2027-02-01'),
      ],
      signals: [],
      accountUpdates: [
        {
          accountId: 'umbrella',
          at: '2026-04-01T10:00:00Z',
          changes: { contract: { renewalDate: '2027-03-15' } },
        },
      ],
    };
    // Act
    const result = await simulate(scenario);
    // Assess: one ACR per account, eight months into its contract year, its mail captured with the .ics.
    expect(result.rejected).toEqual([]);
    const acr = (id: string) =>
      invitationsTo(result, `${id}-sponsor@customer.example`, `Annual Customer Review: Account ${id}`);
    expect(acr('umbrella')).toHaveLength(1);
    expect(acr('hooli')).toHaveLength(1);
    expect(acr('stark')).toHaveLength(1);
    expect(icsOf(acr('umbrella')[0] as SimulationResult['emails'][number])).toMatch(
      /DTSTART:20260515T080000Z/,
    );
    expect(icsOf(acr('hooli')[0] as SimulationResult['emails'][number])).toMatch(/DTSTART:20261102T090000Z/);
    expect(icsOf(acr('stark')[0] as SimulationResult['emails'][number])).toMatch(/DTSTART:20261001T080000Z/);
    // ... and the mid-year check as well.
    for (const id of ['umbrella', 'hooli', 'stark']) {
      expect(
        invitationsTo(result, `${id}-sponsor@customer.example`, `Health-check review: Account ${id}`),
      ).toHaveLength(1);
    }
  }, 300_000);

  it('never invites a customer to a renewal review and a programme review in the same weeks, whichever is booked first', async () => {
    // Prepare: two strategic accounts, quarterly health checks from 1 October 2025 (the one of 1 July is invited on
    // 17 June); with no data their health is yellow, so each renewal checkpoint from T-120 wants a renewal review.
    // Northwind renews on 1 October: its T-120 review (3 June, for 17 June) comes first. Initech renews on 18
    // October: the health check is booked before its T-120 (20 June, for 4 July).
    const strategic = (id: string, renewalDate: string) =>
      account(id, {
        segment: 'strategic',
        arr: 900_000,
        goLiveDate: '2024-02-01',
        contacts: [contact(`${id}-sponsor`, 'sponsor', 'Europe/London')],
        contract: { startDate: '2025-10-01', renewalDate, arr: 900_000 },
      });
    const scenario: ScenarioInput = {
      start: '2026-05-01',
      days: 100,
      accounts: [strategic('northwind', '2026-10-01'), strategic('initech', '2026-10-18')],
      signals: [],
    };
    // Act
    const result = await simulate(scenario);
    // Assess: each sponsor's review invitations, by the day they went and the day of the meeting.
    const invitations = (id: string) =>
      result.emails
        .filter((e) => e.to.includes(`${id}-sponsor@customer.example`))
        .map((e) => `${e.at.slice(0, 10)} ${e.subject} ${/DTSTART:(\d{8})/.exec(icsOf(e))?.[1]}`);
    // Renewal review first: the health check of 1 July, two weeks after it, is not booked.
    expect(invitations('northwind')).toEqual([
      '2026-06-03 Executive business review: Account northwind 20260617',
    ]);
    const said = (id: string, kind: string) =>
      result.actions.filter((a) => a.accountId === id && a.kind === kind).map((a) => `${a.what} | ${a.why}`);
    expect(said('northwind', 'review_programme')).toEqual([
      'Programme review health_check of 2026-07-01 not booked | ebr T-120-2026-10-01 (scheduled, starting 2026-06-17) covers it',
    ]);
    // Programme review first: T-120 proposes no renewal review; T-90's would start on 3 August, more than
    // coveredWithinDays (30) after the health check, so it is proposed.
    expect(invitations('initech')).toEqual([
      '2026-06-17 Health-check review: Account initech 20260701',
      '2026-07-20 Executive business review: Account initech 20260803',
    ]);
    expect(said('initech', 'renewal_checkpoint')).toContainEqual(
      expect.stringContaining(
        'Renewal checkpoint T-120: no renewal review: health_check cadence.health_check.20260701 (scheduled, starting 2026-07-01) covers it',
      ),
    );
  }, 300_000);

  it('holds a strategic account’s journey EBRs on Day 90 and Day 270 after go-live, as the baseline has them', async () => {
    // Prepare: live on 5 January 2026; health checks from 15 November 2025 (15 Feb, May, Aug), not near the EBRs.
    const scenario: ScenarioInput = {
      start: '2026-01-05',
      days: 290,
      accounts: [
        account('acme', {
          segment: 'strategic',
          arr: 900_000,
          goLiveDate: '2026-01-05',
          contacts: [contact('acme-sponsor', 'sponsor', 'Europe/London')],
          contract: { startDate: '2025-11-15', renewalDate: '2027-11-15', arr: 900_000 },
        }),
      ],
      signals: [],
    };
    // Act
    const result = await simulate(scenario);
    // Assess: Day 90 is Sunday 5 April, so the meeting is Monday 6 April at 10:00 London; Day 270 is Friday 2
    // October (not Day 120 or Day 365, Strategic's own due days for the value milestones).
    const ebrs = invitationsTo(
      result,
      'acme-sponsor@customer.example',
      'Executive business review: Account acme',
    );
    expect(ebrs.map((e) => /DTSTART:(\w+)/.exec(icsOf(e))?.[1])).toEqual([
      '20260406T090000Z',
      '20261002T090000Z',
    ]);
    expect(ebrs.map((e) => e.text)).toEqual([
      expect.stringContaining('Monday 2026-04-06 at 10:00 (Europe/London)'),
      expect.stringContaining('Friday 2026-10-02 at 10:00 (Europe/London)'),
    ]);
  }, 300_000);

  it('records the reviews a CSM reports, those that have started only, through the API a CSM uses', async () => {
    // Prepare: Globex's quarterly health checks fall on 1 April and 1 July 2026 (as in the first case). The CSM
    // reports in March (nothing has started), after the April review (held) and after the July one (missed).
    const globex = account('globex', {
      segment: 'strategic',
      arr: 900_000,
      goLiveDate: '2024-02-01',
      contacts: [contact('gsponsor', 'sponsor', 'Europe/London')],
      contract: { startDate: '2025-10-01', renewalDate: '2028-01-01', arr: 900_000 },
    });
    const report = (at: string, outcome: 'held' | 'missed') => ({
      accountId: 'globex',
      at,
      outcome,
      by: 'Casey',
    });
    const run = (reports: ReturnType<typeof report>[]) =>
      simulate({ start: '2026-03-01', days: 150, accounts: [globex], signals: [], reviewReports: reports });
    // Act
    const [reported, unreported] = await Promise.all([
      run([
        report('2026-03-20T12:00:00Z', 'missed'),
        report('2026-04-03T12:00:00Z', 'held'),
        report('2026-07-03T12:00:00Z', 'missed'),
      ]),
      run([report('2026-03-20T12:00:00Z', 'missed')]),
    ]);
    // Assess: the July review, the latest, was missed; unreported, it waits for an outcome.
    expect(reported.book[0]?.latestReview).toMatchObject({
      status: 'missed',
      at: expect.stringMatching(/^2026-07-01/),
    });
    expect(unreported.book[0]?.latestReview).toMatchObject({
      status: 'scheduled',
      at: expect.stringMatching(/^2026-07-01/),
    });
    const timeline = (result: SimulationResult) =>
      result.actions.filter((a) => a.accountId === 'globex' && /review/i.test(a.what)).map((a) => a.what);
    expect(timeline(reported).filter((what) => /held|missed/.test(what))).toHaveLength(2);
    expect(timeline(unreported).filter((what) => /held|missed/.test(what))).toEqual([]);
  }, 300_000);

  it('asks a Transactional account’s admin for the yearly digital self-review: a mail by its day, no .ics', async () => {
    // Prepare: a contract from 1 September 2025: the self-review is due eight months in, invited 7 days ahead.
    const scenario: ScenarioInput = {
      start: '2026-04-01',
      days: 40,
      accounts: [
        account('tiny', {
          segment: 'transactional',
          arr: 9_000,
          contacts: [contact('tiny-admin', 'admin', 'Europe/Madrid')],
          contract: { startDate: '2025-09-01', renewalDate: '2027-09-01', arr: 9_000 },
        }),
      ],
      signals: [],
    };
    // Act
    const result = await simulate(scenario);
    // Assess
    const [mail, ...more] = invitationsTo(result, 'tiny-admin@customer.example', 'Yearly self-review');
    expect(more).toEqual([]);
    expect(mail?.at.slice(0, 10)).toBe('2026-04-24');
    expect(mail?.text).toContain('Please take it by Friday 2026-05-01');
    expect(mail?.attachments ?? []).toEqual([]);
  }, 300_000);
});

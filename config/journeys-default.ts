import type {
  JourneysConfig,
  MessagingConfig,
  PlaysConfig,
  RestraintConfig,
  TemplatesConfig,
  TipsConfig,
} from './journeys-schema.ts';

/**
 * Default journeys and plays (seed 004's baseline: Day 5 first login, Day 10 configured, Day 90 75% of value,
 * Day 270 100%). Congratulations go to admins and champions when a milestone is reached on time; a nudge with the
 * next best step when it is late; a CSM notice when it is missed past the grace days. Strategic accounts are
 * high-touch: their CSM hears about every late milestone and no automated nudge goes out.
 *
 * Restraint (seed 002: "there is way too much email"): at most 2 messages per contact and 5 per account in any
 * 7 days; nothing between 20:00 and 08:00 or at weekends in the contact's own time zone (deferred, not dropped).
 */
export const defaultPlays: PlaysConfig = {
  congratulate_first_login: {
    kind: 'congratulate',
    channel: 'email',
    priority: 40,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin', 'champion'],
    template: 'congrats_first_login',
  },
  nudge_first_login: {
    kind: 'nudge',
    channel: 'email',
    priority: 50,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin', 'champion'],
    template: 'nudge_first_login',
  },
  congratulate_configured: {
    kind: 'congratulate',
    channel: 'in_app',
    priority: 30,
    holdout: 0,
    silent: false,
    overBudget: 'drop',
    audience: ['admin'],
    template: 'congrats_configured',
  },
  nudge_configured: {
    kind: 'nudge',
    channel: 'email',
    priority: 50,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin', 'champion'],
    template: 'nudge_configured',
  },
  congratulate_value: {
    kind: 'congratulate',
    channel: 'email',
    priority: 40,
    holdout: 0.1,
    // Value milestones are judged from customer-reported numbers: run silent until validated (seed 004).
    silent: true,
    overBudget: 'defer',
    audience: ['sponsor', 'champion'],
    template: 'congrats_value',
  },
  nudge_value: {
    kind: 'nudge',
    channel: 'email',
    priority: 45,
    holdout: 0.1,
    silent: true,
    overBudget: 'defer',
    audience: ['sponsor', 'champion'],
    template: 'nudge_value',
  },
  csm_milestone_missed: {
    kind: 'escalate',
    channel: 'csm_notice',
    priority: 80,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin'],
    template: 'csm_milestone_missed',
  },
  renewal_notice: {
    kind: 'renewal_notice',
    channel: 'email',
    priority: 90,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['sponsor', 'admin'],
    template: 'renewal_notice',
  },
  success_plan_reset: {
    kind: 'outreach',
    channel: 'email',
    priority: 85,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['sponsor'],
    template: 'success_plan_reset',
  },
  ask_new_owner: {
    kind: 'outreach',
    channel: 'email',
    priority: 85,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin', 'champion'],
    template: 'ask_new_owner',
  },
  reengage: {
    kind: 'outreach',
    channel: 'email',
    priority: 60,
    holdout: 0.1,
    silent: false,
    overBudget: 'defer',
    audience: ['admin', 'champion'],
    template: 'reengage',
  },
  review_invitation: {
    kind: 'invitation',
    channel: 'email',
    priority: 95,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['sponsor', 'champion'],
    template: 'review_invitation',
  },
  self_review_invitation: {
    kind: 'invitation',
    channel: 'email',
    priority: 60,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin'],
    template: 'self_review_invitation',
  },
  weekly_tip: {
    kind: 'tip',
    channel: 'email',
    priority: 10,
    holdout: 0.2,
    silent: false,
    overBudget: 'drop',
    audience: ['user', 'admin'],
    template: 'weekly_tip',
  },
};

const lowTouch = {
  graceDays: 5,
  milestones: [
    {
      milestone: 'first_login',
      onAchieved: ['congratulate_first_login'],
      onLate: ['nudge_first_login'],
      onMissed: ['csm_milestone_missed'],
    },
    {
      milestone: 'configured',
      onAchieved: ['congratulate_configured'],
      onLate: ['nudge_configured'],
      onMissed: ['csm_milestone_missed'],
    },
    {
      milestone: 'value_75',
      onAchieved: ['congratulate_value'],
      onLate: ['nudge_value'],
      onMissed: ['csm_milestone_missed'],
    },
    {
      milestone: 'value_100',
      onAchieved: ['congratulate_value'],
      onLate: ['nudge_value'],
      onMissed: ['csm_milestone_missed'],
    },
  ],
};

/**
 * Tips are a digital play for the smallest customers (seed 002: "turn all of those into digital plays for our
 * smallest customers"; seed 004: tech-touch customers get a recommendation rather than a CSM). Only Transactional,
 * the tech-touch segment, gets them: Core and Strategic accounts have a CSM whose own outreach a weekly product
 * mail would crowd. Weekly from day 14, after the first two onboarding milestones and their nudges, for as long as
 * the account is a customer; the play (weekly_tip) is the lowest priority and is dropped, not deferred, when the
 * contact's budget is used.
 */
const weeklyTips = { play: 'weekly_tip', everyDays: 7, startDay: 14, endDay: null };

export const defaultJourneys: JourneysConfig = {
  core: lowTouch,
  transactional: { ...lowTouch, graceDays: 7, tips: weeklyTips },
  strategic: {
    graceDays: 3,
    milestones: lowTouch.milestones.map((m) => ({
      ...m,
      onLate: ['csm_milestone_missed'],
      onMissed: ['csm_milestone_missed'],
    })),
  },
};

export const defaultRestraint: RestraintConfig = {
  weeklyPerContact: 2,
  weeklyPerAccount: 5,
  quietHours: { start: '20:00', end: '08:00' },
  quietDays: ['sat', 'sun'],
  renewalNegotiationDays: 30,
};

export const defaultMessaging: MessagingConfig = {
  from: 'success@churnguard.example',
  publicBaseUrl: 'http://127.0.0.1:3000',
};

/**
 * The button of a template: it opens `brand.appUrl`, and is left out until the brand sets one. The default templates
 * name no brand variable, so the default config is valid and never puts a product name or URL into a customer's
 * email that nobody chose; set `brand` (README, "Configuration") and every template carries it.
 */
const signIn = { label: 'Sign in' };

export const defaultTemplates: TemplatesConfig = {
  congrats_first_login: {
    subject: 'Welcome aboard, {{contactName}}: {{accountName}} is live',
    preheader: 'You logged in on day {{reachedDay}} - ahead of most teams.',
    heading: 'Great start, {{contactName}}!',
    paragraphs: [
      '{{accountName}} logged in for the first time on day {{reachedDay}} after go-live.',
      'Next step: complete the configuration so your team sees its own data by day {{nextDueDay}}.',
    ],
    action: signIn,
  },
  nudge_first_login: {
    subject: '{{contactName}}, your workspace is waiting',
    preheader: 'A first login takes two minutes.',
    heading: 'Your workspace is ready',
    paragraphs: [
      'Most teams log in within {{dueDay}} days of go-live; {{accountName}} has not logged in yet.',
      'Sign in once and invite a colleague: it takes two minutes. Reply to this email if something is in the way - {{csmName}} will help.',
    ],
    action: signIn,
  },
  congrats_configured: {
    subject: 'Configuration complete',
    preheader: '{{accountName}} is configured.',
    heading: 'Configuration complete',
    paragraphs: ['{{accountName}} finished configuration on day {{reachedDay}}. Nicely done.'],
  },
  nudge_configured: {
    subject: 'One step left to finish setting up {{accountName}}',
    preheader: 'Configuration is usually done by day {{dueDay}}.',
    heading: 'Finish your configuration',
    paragraphs: [
      'Teams that finish configuration by day {{dueDay}} get value fastest. {{accountName}} is at day {{daysLive}}.',
      'Need a hand? Reply and {{csmName}} will set up a short call.',
    ],
    action: signIn,
  },
  congrats_value: {
    subject: '{{accountName}} reached {{valuePercent}}% of its target value',
    preheader: 'A milestone worth sharing.',
    heading: 'Milestone reached: {{milestoneLabel}}',
    paragraphs: ['{{accountName}} reached {{milestoneLabel}} on day {{reachedDay}}.'],
  },
  nudge_value: {
    subject: 'Getting {{accountName}} to its target value',
    preheader: 'Ideas from teams like yours.',
    heading: '{{milestoneLabel}}',
    paragraphs: [
      'Teams like yours reach {{milestoneLabel}} by day {{dueDay}}; {{accountName}} is at day {{daysLive}}.',
      '{{csmName}} can share what worked for them.',
    ],
  },
  csm_milestone_missed: {
    subject: '[churnguard] {{accountName}} missed {{milestoneLabel}}',
    preheader: 'Health {{healthScore}} ({{healthBand}}).',
    heading: '{{accountName}} missed {{milestoneLabel}}',
    paragraphs: [
      'Due by day {{dueDay}}; now day {{daysLive}}. Health {{healthScore}} ({{healthBand}}).',
      'Reach out to {{accountName}} this week.',
    ],
  },
  renewal_notice: {
    subject: 'Your renewal on {{renewalDate}}',
    preheader: 'What your team achieved this year.',
    heading: 'Renewal on {{renewalDate}}',
    paragraphs: ['{{accountName}} renews on {{renewalDate}}. {{csmName}} will be in touch.'],
  },
  success_plan_reset: {
    subject: '{{accountName}}: resetting our success plan',
    preheader: '{{csmName}} would like 30 minutes to agree what the next 90 days should bring.',
    heading: 'Let us reset the plan together',
    paragraphs: [
      'Hello {{contactName}}, the goals we set with {{accountName}} are not where either of us wants them to be.',
      '{{csmName}} would like 30 minutes this week or next to agree three outcomes for the next 90 days and who owns each. Reply to this email with a time that suits you.',
    ],
  },
  ask_new_owner: {
    subject: 'Who is our contact at {{accountName}} now?',
    preheader: 'Your sponsor has moved on; tell us who we should talk to.',
    heading: 'Who is the new owner?',
    paragraphs: [
      'Hello {{contactName}}, we understand the person who sponsored our work with {{accountName}} has moved on.',
      'Who should we talk to about your goals and the renewal on {{renewalDate}}? Reply with a name and we will take it from there.',
    ],
  },
  reengage: {
    subject: '{{accountName}}: getting more out of your workspace',
    preheader: 'Three things teams like yours do first.',
    heading: 'A quick way back in',
    paragraphs: [
      'Hello {{contactName}}, use of your workspace at {{accountName}} has dropped lately.',
      'Teams like yours get the most from saved views, alerts and shared dashboards. Reply if something is in the way and we will help.',
    ],
    action: signIn,
  },
  review_invitation: {
    subject: '{{reviewTitle}}',
    preheader: '{{csmName}} proposes {{reviewWhen}}.',
    heading: '{{reviewTitle}}',
    paragraphs: [
      'Hello {{contactName}}, {{csmName}} would like to hold the review with {{accountName}} on {{reviewWhen}} (one hour).',
      'The calendar invitation is attached; reply to propose another time.',
    ],
  },
  self_review_invitation: {
    subject: '{{reviewTitle}}',
    preheader: 'Ten minutes, by {{reviewWhen}}.',
    heading: '{{reviewTitle}}',
    paragraphs: [
      'Hello {{contactName}}, it is time for the yearly self-review of {{accountName}}: how the product serves your goals, and what to change.',
      'Please take it by {{reviewWhen}}; {{csmName}} reads every answer and replies to what needs it.',
    ],
  },
  weekly_tip: {
    subject: 'A tip for {{accountName}}',
    preheader: 'Two minutes, one habit of the teams that get the most out of it.',
    heading: 'Tip of the week',
    paragraphs: [
      'Hello {{contactName}}, save the view you open most often and share it with your team: everyone starts from the same numbers, and nobody rebuilds the filters.',
      'Questions? Reply to this email and {{csmName}} will help.',
    ],
    action: signIn,
  },
  tip_dashboards: {
    subject: '{{accountName}}: one dashboard for the whole team',
    preheader: 'Two minutes to a dashboard everyone can open.',
    heading: 'Tip of the week: dashboards',
    paragraphs: [
      'Hello {{contactName}}, {{accountName}} has not built a dashboard yet. Pin the three charts you check every week to one dashboard and share it: your team sees the same picture without asking for it.',
      'Questions? Reply to this email and {{csmName}} will help.',
    ],
    action: signIn,
  },
  tip_alerts: {
    subject: '{{accountName}}: let the numbers come to you',
    preheader: 'An alert instead of a daily check.',
    heading: 'Tip of the week: alerts',
    paragraphs: [
      'Hello {{contactName}}, nobody at {{accountName}} has set an alert yet. Set one on the figure you check most often, and you hear about it the moment it moves instead of looking every morning.',
      'Questions? Reply to this email and {{csmName}} will help.',
    ],
    action: signIn,
  },
  tip_reports: {
    subject: '{{accountName}}: a report that writes itself',
    preheader: 'Schedule it once; it arrives every Monday.',
    heading: 'Tip of the week: scheduled reports',
    paragraphs: [
      'Hello {{contactName}}, {{accountName}} has not used reports yet. Schedule the weekly numbers as a report and it lands in the inboxes of the people who need it, every Monday, without anyone exporting a thing.',
      'Questions? Reply to this email and {{csmName}} will help.',
    ],
    action: signIn,
  },
  tip_integrations: {
    subject: '{{accountName}}: bring your other tools in',
    preheader: 'Connect the tools your team already uses.',
    heading: 'Tip of the week: integrations',
    paragraphs: [
      'Hello {{contactName}}, {{accountName}} has no integration connected yet. Connecting the tools your team already works in takes a few minutes and saves copying data by hand.',
      'Questions? Reply to this email and {{csmName}} will help.',
    ],
    action: signIn,
  },
  tip_workflows: {
    subject: '{{accountName}}: automate the step you repeat',
    preheader: 'A workflow for the task you do every week.',
    heading: 'Tip of the week: workflows',
    paragraphs: [
      'Hello {{contactName}}, {{accountName}} has not set up a workflow yet. Pick the task your team repeats every week and let a workflow do it: it runs on time, every time.',
      'Questions? Reply to this email and {{csmName}} will help.',
    ],
    action: signIn,
  },
};

/**
 * The features a tip teaches, most valuable first: a tip picks among those the account has not used lately and
 * falls back to the weekly_tip template once it uses them all. Feature names are the `feature` attribute of the
 * product's `feature_used` signals.
 */
export const defaultTips: TipsConfig = {
  features: [
    { feature: 'dashboards', template: 'tip_dashboards' },
    { feature: 'alerts', template: 'tip_alerts' },
    { feature: 'reports', template: 'tip_reports' },
    { feature: 'integrations', template: 'tip_integrations' },
    { feature: 'workflows', template: 'tip_workflows' },
  ],
};

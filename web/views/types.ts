/** The shapes of the API answers the page reads that have no pure type in core/ (they are built in the shells). */

export interface OpenRiskRow {
  riskId: string;
  accountId: string;
  accountName: string;
  segment: string;
  region: string;
  tier: number;
  primaryCause: string;
  secondaryCause: string | null;
  strategy: string;
  openedAt: string;
  daysOpen: number;
  arr: number;
  currency: string;
  score: number | null;
  band: string;
  drivers: { text: string; pointsLost: number }[];
}

export interface AccountAnswer {
  id: string;
  name: string;
  region: string;
  currency: string;
  contract: { renewalDate: string; arr: number };
  csm: { name: string };
  health: null | {
    score: number | null;
    band: string;
    segment: { label: string };
    components: {
      component: string;
      weight: number;
      contribution: number;
      score: number | null;
      status: string;
    }[];
    drivers: { text: string; pointsLost: number }[];
    journey: {
      journeyClass: string;
      judgedBy?: string;
      daysLive: number;
      reasons: string[];
      milestones: {
        milestone: string;
        label: string;
        dueDay: number;
        reachedDay: number | null;
        status: string;
      }[];
    };
  };
}

export interface AccountHistory {
  scores: { at: string; score: number | null; band: string; reason: string; summary: string }[];
  risks: {
    riskId: string;
    status: string;
    tier: number;
    primaryCause: string;
    strategy: string;
    openedAt: string;
    closedAt: string | null;
    reasons: string[];
  }[];
  reviews: { reviewId: string; reviewKind: string; status: string; startsAt: string }[];
  contract: { at: string; cause: string; arr: number; currency: string; outcome?: string }[];
}

export interface TimelineAnswer {
  entries: { at: string; action: string; what: string; why: string }[];
  upcoming: { kind: string; ref: string; dueAt: string }[];
}

export interface NudgesAnswer {
  sent: {
    playId: string;
    recipientId: string;
    channel: string;
    status: string;
    reservedAt: string;
    subject?: string;
  }[];
  notSent: {
    playId: string;
    recipientId: string;
    channel: string;
    at: string;
    outcome: string;
    reason: string;
    detail: string;
  }[];
}

/** GET /v1/accounts/{id}/issues: the account's health issues (seed 000) with the plan steps that are late. */
export interface IssuesAnswer {
  issues: {
    issueId: string;
    category: string;
    summary: string;
    status: string;
    plan: { action: string; owner: string; due: string; status: string }[];
    overdueSteps: { action: string; daysLate: number }[];
  }[];
}

import * as z from 'zod';
import { journeyBaselineFor } from '#core/health/journey-baseline';
import {
  brandVariables,
  isTemplateVariable,
  placeholdersIn,
  TEMPLATE_VARIABLES,
  type TemplateVariable,
} from '#core/journeys/variables';
import { type FieldError, formatPath } from '#core/validation';
import { configSchema } from './schema.ts';

/**
 * Every `{{variable}}` of every template is defined wherever the template is sent, or the config is refused: a
 * message never goes out with a blank ("log in within  days"). Two passes:
 * - on the raw input (runs even when other sections are broken): a name that is no template variable at all;
 * - once the sections it reads are valid (templates, plays, journeys, journey baseline, segments, brand), whatever
 *   else is broken: a variable undefined where the template is sent (a brand setting not set, `reachedDay` in a
 *   nudge, `nextDueDay` for the last milestone, milestone variables in a template no journey sends).
 */

/** The sections that decide where a template is sent and what it may name; the rest of a config is not read. */
const templateSections = z.object(
  configSchema.pick({
    templates: true,
    plays: true,
    journeys: true,
    journeyBaseline: true,
    segments: true,
    brand: true,
  }).shape,
);
type TemplateSections = z.infer<typeof templateSections>;

type Path = (string | number)[];

const templateText = z.looseObject({
  subject: z.unknown(),
  preheader: z.unknown(),
  heading: z.unknown(),
  paragraphs: z.unknown(),
  action: z.unknown(),
});

/** Each text of a template with its path: subject, preheader, heading, paragraphs[i], action.label, action.url. */
function textsOf(id: string, template: unknown): { path: Path; text: string }[] {
  const parsed = templateText.safeParse(template);
  if (!parsed.success) return [];
  const t = parsed.data;
  const out: { path: Path; text: string }[] = [];
  const add = (path: Path, value: unknown) => {
    if (typeof value === 'string') out.push({ path: ['templates', id, ...path], text: value });
  };
  add(['subject'], t.subject);
  add(['preheader'], t.preheader);
  add(['heading'], t.heading);
  if (Array.isArray(t.paragraphs))
    t.paragraphs.forEach((p, i) => {
      add(['paragraphs', i], p);
    });
  if (typeof t.action === 'object' && t.action !== null) {
    add(['action', 'label'], 'label' in t.action ? t.action.label : undefined);
    add(['action', 'url'], 'url' in t.action ? t.action.url : undefined);
  }
  return out;
}

const ALL = Object.keys(TEMPLATE_VARIABLES).join(', ');

function unknownNames(input: unknown): FieldError[] {
  const templates = z
    .record(z.string(), z.unknown())
    .safeParse(
      typeof input === 'object' && input !== null && 'templates' in input ? input.templates : undefined,
    );
  if (!templates.success) return [];
  return Object.entries(templates.data).flatMap(([id, template]) =>
    textsOf(id, template).flatMap(({ path, text }) =>
      [...new Set(placeholdersIn(text))]
        .filter((name) => !isTemplateVariable(name))
        .map((name) => ({
          path: formatPath(path),
          message: `uses {{${name}}}, which is not a template variable; variables: ${ALL}`,
        })),
    ),
  );
}

/** One place a template is sent from, with the variables defined there and why others are not. */
export interface TemplateUse {
  where: string;
  /** The journey step, when a milestone journey sends it. */
  step?: { segment: string; milestone: string; when: 'onAchieved' | 'onLate' | 'onMissed' };
  defined: ReadonlySet<TemplateVariable>;
  missing: (name: TemplateVariable) => string;
}

const ACCOUNT_VARIABLES = (Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[]).filter(
  (name) => TEMPLATE_VARIABLES[name].source === 'account',
);

function brandMissing(name: TemplateVariable): string | undefined {
  return TEMPLATE_VARIABLES[name].source === 'brand'
    ? `which is not set: set ${TEMPLATE_VARIABLES[name].means} in the config`
    : undefined;
}

/** Where each template is sent from: every journey step whose play names it, else "outside any journey". */
export function templateUses(config: TemplateSections): Map<string, TemplateUse[]> {
  const brand = Object.keys(brandVariables(config.brand)) as TemplateVariable[];
  const uses = new Map<string, TemplateUse[]>();
  for (const [segment, journey] of Object.entries(config.journeys)) {
    if (!config.segments[segment]) continue; // refused by the cross-checks
    const baseline = journeyBaselineFor(config, segment).milestones;
    journey.milestones.forEach((entry, index) => {
      const at = baseline.findIndex((m) => m.id === entry.milestone);
      const milestone = baseline[at];
      if (!milestone) return; // refused by the cross-checks
      const hasNext = at + 1 < baseline.length;
      const isValue = milestone.detect.kind === 'value';
      for (const when of ['onAchieved', 'onLate', 'onMissed'] as const) {
        for (const playId of entry[when]) {
          const template = config.plays[playId]?.template;
          if (!template) continue;
          const defined = new Set<TemplateVariable>([
            ...ACCOUNT_VARIABLES,
            ...brand,
            'milestoneLabel',
            'dueDay',
            'daysLive',
            ...(when === 'onAchieved' ? (['reachedDay'] as const) : []),
            ...(hasNext ? (['nextDueDay'] as const) : []),
            ...(isValue ? (['valuePercent'] as const) : []),
          ]);
          const missing = (name: TemplateVariable) =>
            brandMissing(name) ??
            (name === 'reachedDay'
              ? `which only an onAchieved message has (the milestone is not reached ${when === 'onLate' ? 'when it is late' : 'when it is missed'})`
              : name === 'nextDueDay'
                ? `which is undefined: ${milestone.id} is the last milestone of the journey`
                : name === 'valuePercent'
                  ? `which only a value milestone has, and ${milestone.id} is not one`
                  : 'which is undefined here');
          const list = uses.get(template) ?? [];
          list.push({
            where: `journeys.${segment}.milestones[${index}].${when} (play ${playId}, milestone ${milestone.id})`,
            step: { segment, milestone: milestone.id, when },
            defined,
            missing,
          });
          uses.set(template, list);
        }
      }
    });
  }
  for (const id of Object.keys(config.templates)) {
    if (uses.has(id)) continue;
    const invitation = Object.entries(config.plays).find(
      ([, play]) => play.template === id && play.kind === 'invitation',
    );
    uses.set(id, [
      invitation
        ? {
            where: `review invitations (play ${invitation[0]})`,
            defined: new Set([...ACCOUNT_VARIABLES, ...brand, 'reviewTitle', 'reviewWhen']),
            missing: (name) => brandMissing(name) ?? 'which only milestone journey messages have',
          }
        : {
            where: 'no milestone journey (no journey step sends it)',
            defined: new Set([...ACCOUNT_VARIABLES, ...brand]),
            missing: (name) =>
              brandMissing(name) ??
              (TEMPLATE_VARIABLES[name].source === 'review'
                ? 'which only review invitations (plays of kind invitation) have'
                : 'which only milestone journey messages have'),
          },
    ]);
  }
  return uses;
}

function undefinedWhereSent(config: TemplateSections): FieldError[] {
  const uses = templateUses(config);
  return Object.entries(config.templates).flatMap(([id, template]) =>
    textsOf(id, template).flatMap(({ path, text }) =>
      [...new Set(placeholdersIn(text))].filter(isTemplateVariable).flatMap((name) => {
        const use = (uses.get(id) ?? []).find((u) => !u.defined.has(name));
        if (!use) return [];
        const brandReason = brandMissing(name);
        return [
          {
            path: formatPath(path),
            message: brandReason
              ? `uses {{${name}}}, ${brandReason}`
              : `uses {{${name}}}, ${use.missing(name)}; sent from ${use.where}`,
          },
        ];
      }),
    ),
  );
}

/** Every template variable problem of a config: unknown names always, undefined ones once their sections are valid. */
export function templateVariableErrors(input: unknown): FieldError[] {
  const sections = templateSections.safeParse(input);
  return [...unknownNames(input), ...(sections.success ? undefinedWhereSent(sections.data) : [])];
}

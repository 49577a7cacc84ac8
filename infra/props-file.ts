import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { fieldErrors } from '../core/validation.ts';
import type { ChurnGuardProps } from './churnguard.ts';

/**
 * The ChurnGuard construct's props as a JSON file, for the project's own app (`-c propsFile=churnguard.json`):
 * everything an admin would otherwise pass from their own CDK app, checked with every problem named by its path.
 * The playbook `config` stays in its own file (`-c configFile=...`, validated by config/load.ts); `logRetention` is
 * in days, one of the values CloudWatch Logs accepts.
 */
const topic = z.strictObject({
  name: z.string().min(1),
  displayName: z.string().min(1),
  description: z.string(),
  defaultSubscriptionStatus: z.enum(['OPT_IN', 'OPT_OUT']),
});
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
export const propsFileSchema = z.strictObject({
  stage: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'letters, digits and dashes, starting with a letter')
    .optional(),
  production: z.boolean().optional(),
  retainData: z.boolean().optional(),
  publicBaseUrl: z.url({ error: 'must be a URL' }).optional(),
  domain: z
    .strictObject({ name: z.string().min(1), certificateArn: z.string().startsWith('arn:') })
    .optional(),
  throttle: z
    .strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() })
    .optional(),
  logRetention: z
    .number()
    .refine((days) => RETENTION_DAYS.includes(days), `must be one of ${RETENTION_DAYS.join(', ')} (days)`)
    .optional(),
  connectors: z.record(z.string(), z.unknown()).optional(),
  sender: z
    .strictObject({
      domain: z.string().min(1),
      fromAddress: z.email().optional(),
      mailFromDomain: z.string().min(1).optional(),
      createIdentity: z.boolean().optional(),
    })
    .optional(),
  subscriptions: z
    .strictObject({
      topics: z.array(topic).max(20, 'SES allows at most 20 topics in a contact list').optional(),
      contactList: z.boolean().optional(),
      contactListName: z.string().min(1).optional(),
      journeyTopics: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  alarmEmail: z.email().optional(),
  reserveConcurrency: z.boolean().optional(),
  ingestConcurrency: z.number().int().min(2).max(1000).optional(),
});

export type PropsFile = z.infer<typeof propsFileSchema>;

/** Reads and checks a props file; throws one error listing every problem with its path. */
export async function readPropsFile(path: string): Promise<PropsFile> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`propsFile ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = propsFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error)
      .map((e) => `${e.path}: ${e.message}`)
      .join('; ');
    throw new Error(`propsFile ${path} is invalid: ${problems}`);
  }
  return parsed.data;
}

/** The file's props as the construct takes them (logRetention days are CloudWatch's RetentionDays values). */
export function churnguardProps(file: PropsFile, stage: string): ChurnGuardProps {
  const { logRetention, connectors, ...rest } = file;
  return {
    ...rest,
    stage,
    ...(logRetention === undefined ? {} : { logRetention }),
    ...(connectors === undefined ? {} : { connectors: connectors as ChurnGuardProps['connectors'] }),
  } as ChurnGuardProps;
}

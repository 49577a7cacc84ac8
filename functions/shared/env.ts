import * as z from 'zod';

/** The deployment's public base URL (the ChurnGuard construct sets it): overrides `messaging.publicBaseUrl`. */
export const PUBLIC_BASE_URL_ENV = 'PUBLIC_BASE_URL';

/** Every function's configuration, checked once at module init: a missing variable fails with its name. */
const envSchema = z.object({
  TABLE_NAME: z.string().min(1, 'TABLE_NAME is required: the DynamoDB table name'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().optional(),
  [PUBLIC_BASE_URL_ENV]: z.url({ error: 'must be the https URL of the deployment' }).optional(),
});

export type FunctionEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): FunctionEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid function environment: ${problems}`);
  }
  return parsed.data;
}

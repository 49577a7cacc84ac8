import * as z from 'zod';

/** A secret that is present but unusable: retrying will not help. */
export class SecretsConfigError extends Error {
  override name = 'SecretsConfigError';
}

const extensionAnswer = z.looseObject({ SecretString: z.string() });

export interface ExtensionOptions {
  secretId: string;
  /** The extension's port (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT); 2773 by default. */
  port?: number;
  /** The execution environment's session token, which the extension requires as proof of origin. */
  sessionToken?: string;
  fetchFn?: typeof fetch;
  attempts?: number;
}

/**
 * Reads a secret holding a JSON map from Secrets Manager through the AWS Parameters and Secrets Lambda extension
 * (a layer that caches and answers on localhost), which needs no SDK client in the bundle. The function's role must
 * be allowed `secretsmanager:GetSecretValue` on the secret (infra/churnguard.ts). `example` shows the expected
 * shape in the error when the secret is not JSON.
 */
export async function readSecretJson(options: ExtensionOptions, example: string): Promise<unknown> {
  const fetchFn = options.fetchFn ?? fetch;
  const url = `http://localhost:${options.port ?? 2773}/secretsmanager/get?secretId=${encodeURIComponent(options.secretId)}`;
  const attempts = options.attempts ?? 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    try {
      const response = await fetchFn(url, {
        headers: { 'X-Aws-Parameters-Secrets-Token': options.sessionToken ?? '' },
      });
      if (!response.ok) {
        lastError = new Error(`Secrets extension answered ${response.status}: ${await response.text()}`);
        continue;
      }
      const answer = extensionAnswer.safeParse(await response.json());
      if (!answer.success) throw new SecretsConfigError(`secret ${options.secretId} has no SecretString`);
      try {
        return JSON.parse(answer.data.SecretString);
      } catch {
        throw new SecretsConfigError(
          `secret ${options.secretId} is not JSON; it must hold a map like ${example}`,
        );
      }
    } catch (error) {
      if (error instanceof SecretsConfigError) throw error;
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

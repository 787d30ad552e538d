/**
 * Reads the ingest tokens from AWS Secrets Manager once, at cold start. The secret holds the tokens
 * comma- or newline-separated ("new,old" while rotating). Keeping the token out of the Lambda's
 * environment means it never appears in the CloudFormation template or `GetFunctionConfiguration`.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../lib/errors/index.ts';

export interface ReadTokenSecretOptions {
  /** A ready client; otherwise one is created for this call (once per container: cold start only). */
  client?: SecretsManagerClient;
  region?: string | undefined;
}

/**
 * Returns the tokens stored in `secretId` (ARN or name).
 * Throws ConfigError naming the secret when it cannot be read or holds no token.
 */
export async function readTokensFromSecret(
  secretId: string,
  options: ReadTokenSecretOptions = {},
): Promise<string[]> {
  const client = options.client ?? new SecretsManagerClient(options.region ? { region: options.region } : {});
  let text: string | undefined;
  try {
    // GetSecretValue returns SecretString for text secrets (Secrets Manager API reference, GetSecretValue).
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    text = out.SecretString ?? (out.SecretBinary ? new TextDecoder().decode(out.SecretBinary) : undefined);
  } catch (error) {
    const name = (error as { name?: string }).name ?? 'error';
    throw new ConfigError(
      `cannot read the ingest tokens from secret ${secretId}: ${name}: ${(error as Error).message}` +
        ' (the function role needs secretsmanager:GetSecretValue on it)',
      { cause: error },
    );
  }
  const tokens = (text ?? '')
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0) {
    throw new ConfigError(`secret ${secretId} holds no token: put "token1,token2" (comma-separated) in it`);
  }
  return tokens;
}

/** Flow Service client configuration: one zod schema, every default in one place. */
import { z } from 'zod';

/** Scopes Adobe shows for an AEP OAuth Server-to-Server credential (fact sheet §2). */
export const DEFAULT_SCOPES = [
  'openid',
  'AdobeID',
  'read_organizations',
  'additional_info.projectedProductContext',
  'session',
] as const;

/** Adobe OAuth Server-to-Server credentials; clientSecret is a secret and never logged. */
export const CredentialsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  orgId: z.string().min(1),
  scopes: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_SCOPES]),
});

/** Retry/backoff settings (full jitter exponential backoff, bounded by maxRetries). */
export const RetrySettingsSchema = z.object({
  // AWS "full jitter": delay = random(0, min(maxDelayMs, baseDelayMs * 2^attempt)).
  baseDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(0).default(30_000),
  // A Retry-After longer than this is not slept on: the error surfaces and the caller requeues.
  maxRetryAfterMs: z.number().int().min(0).default(60_000),
});

/** Client-wide token bucket, shared by every client of one org in the process. */
export const RateLimitSchema = z.object({
  // Adobe documents no Flow Service rate limit; 10 rps / burst 20 is a conservative choice.
  requestsPerSecond: z.number().positive().default(10),
  burst: z.number().int().min(1).default(20),
});

/**
 * The whole client configuration. Endpoints are controller settings, never CR fields: a CR that
 * could point the client at another host could steal its Adobe token.
 */
export const FlowServiceConfigSchema = z.object({
  imsUrl: z.url().default('https://ims-na1.adobelogin.com'),
  platformUrl: z.url().default('https://platform.adobe.io'),
  credentials: CredentialsSchema,
  // Adobe requires the lowercase sandbox name in x-sandbox-name (fact sheet §1).
  sandbox: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'sandbox names are lowercase')
    .default('prod'),
  requestTimeoutMs: z.number().int().positive().default(30_000),
  maxRetries: z.number().int().min(0).max(20).default(4),
  retry: RetrySettingsSchema.prefault({}),
  rateLimit: RateLimitSchema.prefault({}),
  // Refresh the IMS token this long before expires_in runs out (capped at 10% of its lifetime).
  tokenRefreshMarginMs: z.number().int().min(0).default(300_000),
  // Sockets per base URL in each undici Pool.
  connectionsPerOrigin: z.number().int().min(1).default(16),
  keepAliveTimeoutMs: z.number().int().positive().default(30_000),
  // Largest answer read. Adobe's biggest (a page of 100 runs or flows) is a few hundred KiB; the
  // cap keeps a gateway that streams without end from taking the heap (4 reconciles × 8 MiB).
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
});

/** What callers write (defaults optional). */
export type FlowServiceConfigInput = z.input<typeof FlowServiceConfigSchema>;
/** What the client uses internally (defaults filled in). */
export type FlowServiceConfig = z.output<typeof FlowServiceConfigSchema>;
/** Parsed credentials. */
export type FlowServiceCredentials = z.output<typeof CredentialsSchema>;
/** Credentials as callers write them (scopes optional). */
export type FlowServiceCredentialsInput = z.input<typeof CredentialsSchema>;

/** Validates and fills defaults; zod issues name paths, never the (secret) values. */
export function parseFlowServiceConfig(input: FlowServiceConfigInput): FlowServiceConfig {
  return FlowServiceConfigSchema.parse(input);
}

/**
 * Generated damage to the two Secrets a MixpanelDataflow reads: a key missing, empty or in the
 * wrong case, a binary or UTF-16 value, a trailing newline, a value base64-encoded twice, a very
 * large value, one over the API server's 1 MiB limit, a `data` field that is not base64, or no
 * Secret at all. Each case is what someone can really get into a cluster by hand or by a tool.
 */
import fc from 'fast-check';
import { PLATFORM_SECRET_KEYS, SOURCE_SECRET_KEYS } from '../../controller/api/index.js';

/** Which Secret is damaged. */
export type SecretRole = 'platform' | 'mixpanel';

/** The kinds of damage. */
export const DAMAGES = [
  'absent',
  'missing-key',
  'empty-value',
  'wrong-case-key',
  'binary',
  'utf16',
  'trailing-newline',
  'double-base64',
  'large',
  'over-limit',
  'not-base64',
] as const;
export type Damage = (typeof DAMAGES)[number];

/** One generated case. */
export interface SecretCase {
  role: SecretRole;
  damage: Damage;
  key: string;
  /** Random bytes for `binary`, a length for `large`. */
  bytes: number[];
  size: number;
}

/** Required keys by role. */
export const REQUIRED_KEYS: Record<SecretRole, readonly string[]> = {
  platform: [PLATFORM_SECRET_KEYS.clientId, PLATFORM_SECRET_KEYS.clientSecret, PLATFORM_SECRET_KEYS.orgId],
  mixpanel: [SOURCE_SECRET_KEYS.username, SOURCE_SECRET_KEYS.password],
};

/** Keys whose values are secret (the leak scan looks for them). */
export const SECRET_KEYS = new Set<string>([PLATFORM_SECRET_KEYS.clientSecret, SOURCE_SECRET_KEYS.password]);

/** A case: a role, a damage (this one, or any) and a required key of that role. */
export const secretCaseArb = (damage?: Damage): fc.Arbitrary<SecretCase> =>
  fc
    .record({
      role: fc.constantFrom<SecretRole>('platform', 'mixpanel'),
      damage: damage ? fc.constant(damage) : fc.constantFrom(...DAMAGES),
    })
    .chain(({ role, damage }) =>
      fc.record({
        role: fc.constant(role),
        damage: fc.constant(damage),
        key: fc.constantFrom(...REQUIRED_KEYS[role]),
        // Always one byte that is never valid in UTF-8 (0xff), among random ones.
        bytes: fc
          .array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 48 })
          .map((b) => [...b, 0xff]),
        size: fc.integer({ min: 200_000, max: 700_000 }),
      }),
    );

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64');

/** A Secret's `data` for text values. */
export const encoded = (good: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(good).map(([k, v]) => [k, b64(v)]));

/**
 * The Secret's `data` (base64 values, as the API takes them) for a case applied to `good`; null
 * when the Secret is not created at all.
 */
export function damagedData(c: SecretCase, good: Record<string, string>): Record<string, string> | null {
  const data = encoded(good);
  const value = good[c.key]!;
  switch (c.damage) {
    case 'absent':
      return null;
    case 'missing-key':
      delete data[c.key];
      return data;
    case 'empty-value':
      data[c.key] = '';
      return data;
    case 'wrong-case-key':
      delete data[c.key];
      data[c.key[0]!.toUpperCase() + c.key.slice(1)] = b64(value);
      return data;
    case 'binary':
      data[c.key] = Buffer.from(c.bytes).toString('base64');
      return data;
    case 'utf16':
      data[c.key] = Buffer.from(value, 'utf16le').toString('base64');
      return data;
    case 'trailing-newline':
      data[c.key] = b64(`${value}\n`);
      return data;
    case 'double-base64':
      data[c.key] = b64(b64(value));
      return data;
    case 'large':
      data[c.key] = b64(value + 'x'.repeat(c.size));
      return data;
    case 'over-limit':
      data[c.key] = b64('x'.repeat(1_100_000));
      return data;
    case 'not-base64':
      data[c.key] = '%%% not base64 %%%';
      return data;
  }
}

/** Damage the API server itself refuses: the Secret never exists. */
export const REFUSED_BY_API_SERVER: ReadonlySet<Damage> = new Set(['over-limit', 'not-base64']);
/** Damage that leaves a required key without a value. */
export const KEY_MISSING: ReadonlySet<Damage> = new Set(['missing-key', 'empty-value', 'wrong-case-key']);
/** Damage the controller can see in the value itself (SecretValueInvalid). */
export const VALUE_INVALID: ReadonlySet<Damage> = new Set(['binary', 'utf16', 'trailing-newline', 'large']);

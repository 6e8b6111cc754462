import { createHmac, randomBytes } from 'node:crypto';
import type { SettingsRepository } from '../../models';

const SETTING = 'security.secret_key';

/**
 * The installation's secret key: SECRET_KEY when configured, otherwise one generated on first
 * start and kept in the database, so signed tokens stay valid across restarts and instances.
 */
export async function resolveSecretKey(configured: string | undefined, settings: SettingsRepository): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const stored = await settings.getOrCreate<string>(SETTING, randomBytes(48).toString('base64'));
  return Buffer.from(stored, 'base64');
}

/** A purpose-bound subkey, so one leaked use cannot forge another. */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`ventanilla:${purpose}`).digest();
}

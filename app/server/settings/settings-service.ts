import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from '../commands/audit.ts';
import { invalidInput } from '../errors.ts';
import type { User } from '../models/user.ts';

const MIB = 1024 * 1024;
// "type/subtype" or "type/*", as the upload check compares them against the sniffed type.
const mimePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// A host name (or IPv4 address) for the link preview lists, optionally `*.` for every host below it.
const hostPattern = /^(\*\.)?(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const hostList = (name: string) =>
  z
    .array(z.string().trim().toLowerCase().regex(hostPattern, `${name}: entries are host names such as "wiki.example.com" or "*.example.com"`))
    .max(500, `${name}: at most 500 entries`)
    .transform((hosts) => [...new Set(hosts)]);

/** Every admin setting, each with its own check; stored one row per key in the settings table. */
export const settingsSchema = z.object({
  uploadMaxBytes: z.number().int().min(1, 'uploadMaxBytes: at least 1').max(10 * 1024 * MIB, 'uploadMaxBytes: at most 10 GiB'),
  allowedUploadTypes: z
    .array(z.string().trim().toLowerCase().regex(mimePattern, 'must be a media type such as "image/*" or "application/pdf"'))
    .max(200, 'allowedUploadTypes: at most 200 entries')
    .transform((types) => [...new Set(types)]),
  /** 0 or null keeps messages forever. */
  retentionDays: z.number().int().min(0, 'retentionDays: 0 or more (0 or null keeps messages forever)').max(36_500, 'retentionDays: at most 36500').nullable(),
  /** Who may create an account: nobody (admins do), holders of an invite link, or anyone at registrationDomain. */
  registration: z.enum(['closed', 'invite', 'domain']),
  registrationDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(domainPattern, 'registrationDomain: must be a domain such as "example.com"')
    .nullable(),
  /** With registration "invite": whether every member (not only admins) may create invite links. */
  membersMayInvite: z.boolean(),
  /** Lifetime of new sign-ins in days; null uses CHATFLOW_SESSION_DAYS. */
  sessionDays: z.number().int().min(1, 'sessionDays: at least 1').max(365, 'sessionDays: at most 365').nullable(),
  /** How long authors may edit or delete their own messages; null: no limit. */
  editWindowMinutes: z.number().int().min(1, 'editWindowMinutes: at least 1 (null allows editing at any time)').max(525_600).nullable(),
  /** Email-and-password sign-in (and sign-up) for everyone; when false only administrators keep it. */
  builtInAccounts: z.boolean(),
  /** The server fetches a card (title, description, image) for the first link of a message. */
  linkPreviews: z.boolean(),
  /** Hosts previews may fetch even at private addresses (an intranet); ports still apply. */
  linkPreviewAllowHosts: hostList('linkPreviewAllowHosts'),
  /** Hosts never fetched for a preview. */
  linkPreviewDenyHosts: hostList('linkPreviewDenyHosts'),
  /** Ports previews may use besides 80 (http) and 443 (https). */
  linkPreviewPorts: z
    .array(z.number().int().min(1, 'linkPreviewPorts: ports from 1 to 65535').max(65535, 'linkPreviewPorts: ports from 1 to 65535'))
    .max(50, 'linkPreviewPorts: at most 50 ports')
    .transform((ports) => [...new Set(ports)]),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsPatch = Partial<Settings>;

/** What the PATCH body may hold: any non-empty subset, nothing unknown. */
export const settingsPatchSchema = settingsSchema
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to change');

export const DEFAULT_SETTINGS: Settings = {
  uploadMaxBytes: 25 * MIB,
  allowedUploadTypes: [
    'image/*',
    'video/*',
    'audio/*',
    'application/pdf',
    'text/plain',
    'text/csv',
    'application/zip',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.oasis.opendocument.presentation',
  ],
  retentionDays: null,
  registration: 'closed',
  registrationDomain: null,
  membersMayInvite: false,
  sessionDays: null,
  editWindowMinutes: null,
  builtInAccounts: true,
  linkPreviews: true,
  linkPreviewAllowHosts: [],
  linkPreviewDenyHosts: [],
  linkPreviewPorts: [],
};

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];
// Rows live beside other server state (the session secret), so admin keys carry a prefix.
const rowKey = (key: keyof Settings) => `admin.${key}`;
// A write here is seen at once, and announced to the other replicas; were that announcement lost,
// their caches still expire within this long.
const CACHE_MS = 5_000;

/**
 * The admin settings as the rest of the server reads them (upload limits, retention,
 * registration, session lifetime): cached in memory, invalidated by every write on any replica
 * (`announce` tells the others, which call `invalidate`), and refreshed after CACHE_MS anyway.
 */
export class SettingsService {
  private cached?: { settings: Settings; at: number };

  constructor(
    private readonly knex: Knex,
    private readonly announce: () => void = () => {},
  ) {}

  /** Drops the cache: another replica changed a setting. */
  invalidate(): void {
    this.cached = undefined;
  }

  async get(): Promise<Settings> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.settings;
    const rows = (await this.knex('settings').whereIn('key', KEYS.map(rowKey)).select('key', 'value')) as { key: string; value: unknown }[];
    const stored = new Map(rows.map((row) => [row.key, row.value]));
    const settings = { ...DEFAULT_SETTINGS };
    for (const key of KEYS) {
      // A value an older version stored that no longer passes its check falls back to the default.
      const parsed = settingsSchema.shape[key].safeParse(stored.get(rowKey(key)));
      if (parsed.success) Object.assign(settings, { [key]: parsed.data });
    }
    this.cached = { settings, at: Date.now() };
    return settings;
  }

  /** Writes the given settings and their audit entry in one transaction; returns all settings. */
  async update(actor: User, patch: SettingsPatch, ip?: string): Promise<Settings> {
    this.cached = undefined;
    const merged = { ...(await this.get()), ...patch };
    if (merged.registration === 'domain' && !merged.registrationDomain) {
      throw invalidInput('registrationDomain: needed when registration is "domain"');
    }
    const entries = KEYS.filter((key) => patch[key] !== undefined).map((key) => ({ key: rowKey(key), value: JSON.stringify(patch[key]), updatedAt: new Date() }));
    await this.knex.transaction(async (trx) => {
      await trx('settings').insert(entries).onConflict('key').merge(['value', 'updatedAt']);
      await audit(trx, { actorId: actor.id, action: 'settings.update', targetType: 'settings', details: { ...patch }, ip });
    });
    this.cached = undefined;
    this.announce();
    return this.get();
  }
}

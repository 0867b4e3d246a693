import busboy from 'busboy';
import { fileTypeFromBuffer } from 'file-type';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { invalidInput, tooLarge, unsupportedType } from '../errors.ts';
import { User } from '../models/user.ts';
import type { Services } from '../services.ts';
import { mediaKey } from '../storage/media-store.ts';
import { audit } from './audit.ts';
import { announceUser } from './user-commands.ts';

/** The largest picture accepted as an avatar; it is cut down to AVATAR_SIZE anyway. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** Avatars are stored as squares of this many pixels (shown at 36-44 px, twice that on dense screens). */
export const AVATAR_SIZE = 256;
// Images sharp reads with its prebuilt binaries; the type is read from the content, never the name.
const AVATAR_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);
// Past this declared length the body is not read at all; below it, the rest of an oversize file is
// read and dropped, so the client sees the 413 instead of a reset connection.
const DRAIN_LIMIT = 4 * AVATAR_MAX_BYTES;

/** Reads the multipart part named "file" into memory, at most AVATAR_MAX_BYTES of it. */
export function receiveAvatarFile(body: Readable, headers: IncomingHttpHeaders): Promise<Buffer> {
  if (Number(headers['content-length'] ?? 0) > DRAIN_LIMIT) return Promise.reject(tooLarge(`An avatar may be at most ${AVATAR_MAX_BYTES} bytes.`));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, limits: { files: 1, fileSize: AVATAR_MAX_BYTES, fields: 4, fieldSize: 256, parts: 6 } });
    } catch {
      reject(invalidInput('Send the picture as multipart/form-data with a part named "file".'));
      return;
    }
    const chunks: Buffer[] = [];
    let seen = false;
    let over = false;
    parser.on('file', (name, file) => {
      if (name !== 'file' || seen) {
        file.resume();
        return;
      }
      seen = true;
      file.on('data', (chunk: Buffer) => chunks.push(chunk));
      file.on('limit', () => {
        over = true;
        chunks.length = 0;
        file.resume();
      });
    });
    parser.on('error', () => reject(invalidInput('The upload could not be read.')));
    parser.on('close', () => {
      if (over) reject(tooLarge(`An avatar may be at most ${AVATAR_MAX_BYTES} bytes.`));
      else if (!seen) reject(invalidInput('Send the picture in a part named "file".'));
      else resolve(Buffer.concat(chunks));
    });
    body.pipe(parser);
  });
}

/** A square WebP of the picture's centre: EXIF orientation applied, metadata dropped, first frame only. */
async function squareAvatar(input: Buffer): Promise<Buffer> {
  const type = await fileTypeFromBuffer(input);
  if (!type || !AVATAR_TYPES.has(type.mime)) throw unsupportedType('An avatar must be a JPEG, PNG, WebP, GIF or AVIF picture.');
  try {
    return await sharp(input, { pages: 1 }).rotate().resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'attention' }).webp({ quality: 82 }).toBuffer();
  } catch {
    throw unsupportedType('The picture could not be read.');
  }
}

/** The URL the presenter hands out; the version makes caches fetch a new picture at once. */
const avatarUrlOf = (userId: string, key: string) => `/api/users/${userId}/avatar?v=${key.slice(-12)}`;

/**
 * Stores the new avatar through the media store, points the user at it, removes the previous
 * picture, and tells everyone who shares a chat with the user.
 */
export async function setAvatar(services: Services, user: User, input: Buffer, ip?: string): Promise<User> {
  const picture = await squareAvatar(input);
  const key = mediaKey(randomUUID());
  await services.media.put(key, Readable.from([picture]), { contentType: 'image/webp', maxBytes: picture.length, size: picture.length });
  const { updated, previous } = await services.knex.transaction(async (trx) => {
    const before = await User.query(trx).findById(user.id).forUpdate().throwIfNotFound();
    const row = await User.query(trx).patchAndFetchById(user.id, { avatarKey: key, avatarUrl: avatarUrlOf(user.id, key), updatedAt: new Date() });
    await audit(trx, { actorId: user.id, action: 'user.avatar_update', targetType: 'user', targetId: user.id, ip });
    return { updated: row, previous: before.avatarKey };
  });
  if (previous) {
    await services.media.remove([previous]).catch((error: unknown) => services.logger.warn({ err: error }, 'old avatar not removed'));
  }
  await announceUser(services, updated);
  return updated;
}

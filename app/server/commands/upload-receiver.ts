import busboy from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidInput, tooLarge, unsupportedType } from '../errors.ts';
import { ATTACHMENT_COLUMNS, type AttachmentRow } from '../models/attachment.ts';
import type { User } from '../models/user.ts';
import type { Services } from '../services.ts';
import { sanitizeFileName } from '../storage/file-names.ts';
import { mediaKey } from '../storage/media-store.ts';
import { baseType, detectMediaType, initialKind, isAllowedType, type AttachmentKind } from '../storage/media-types.ts';
import type { MediaProbe } from '../storage/media-tools.ts';
import { imageSize, makeThumbnail, type Thumbnail } from '../storage/thumbnails.ts';

/** Room for the multipart framing and the small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

interface StagedFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
  voice: boolean;
}

interface MediaDetails {
  kind: AttachmentKind;
  mime: string;
  width?: number;
  height?: number;
  durationMs?: number;
  thumbnail?: Thumbnail;
}

const STALE_STAGING_MS = 60 * 60 * 1000;

const stagingDirOf = (dataDir: string) => path.join(dataDir, 'uploads-staging');

/** Removes staging files a crash left behind (older than an hour: newer ones may be uploads in progress). */
export async function clearStaleStaging(dataDir: string): Promise<void> {
  const dir = stagingDirOf(dataDir);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_STAGING_MS) await rm(file, { force: true });
  }
}

const tooLargeFor = (maxBytes: number) => tooLarge(`The file is larger than the limit of ${maxBytes} bytes.`);

/**
 * Reads the multipart body into a staging file, never more than maxBytes of it: the file's type
 * is read from its content and thumbnails need a seekable file (an MP4's index may sit at its
 * end), and S3 takes an object of known length in one streamed request.
 */
function stage(body: Readable, headers: IncomingHttpHeaders, stagingDir: string, maxBytes: number): Promise<StagedFile | null> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes, fields: 4, fieldSize: 256, parts: 6 } });
    } catch {
      reject(invalidInput('Send the file as multipart/form-data with a part named "file".'));
      return;
    }
    let voice = false;
    let writing: Promise<StagedFile> | undefined;
    let fileStream: Readable | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(parser);
      // Ends the staging pipeline too, which then removes its file.
      fileStream?.destroy();
      parser.destroy();
      reject(error);
    };
    parser.on('field', (name, value) => {
      if (name === 'voice') voice = value === 'true' || value === '1';
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || writing) {
        stream.resume();
        return;
      }
      fileStream = stream;
      const file = path.join(stagingDir, randomUUID());
      const hash = createHash('sha256');
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      stream.once('limit', () => stream.destroy(tooLargeFor(maxBytes)));
      writing = pipeline(stream, counter, createWriteStream(file, { flags: 'wx' }))
        .then(() => ({ path: file, name: sanitizeFileName(info.filename), size, sha256: hash.digest('hex'), voice }))
        .catch(async (error: unknown) => {
          await rm(file, { force: true });
          throw error;
        });
      writing.catch(fail);
    });
    parser.on('error', () => fail(invalidInput('The upload could not be read as multipart/form-data.')));
    parser.on('close', () => {
      if (failed) return;
      if (!writing) return resolve(null);
      // The voice field may come before or after the file; busboy has read them all by now.
      writing.then((staged) => resolve({ ...staged, voice }), fail);
    });
    body.on('aborted', () => fail(invalidInput('The upload was interrupted.')));
    body.pipe(parser);
  });
}

/** Sizes, durations and a thumbnail where the tools can make them; a failure only leaves them out. */
async function describeMedia(services: Services, file: string, mime: string, voice: boolean): Promise<MediaDetails> {
  let kind = initialKind(mime);
  const log = (error: unknown, step: string) => services.logger.warn({ err: error, step, mime }, 'media processing failed; the file is kept without it');
  if (kind === 'image') {
    const size = await imageSize(file).catch((error: unknown) => log(error, 'image size'));
    if (!size) return { kind: 'file', mime };
    const thumbnail = await makeThumbnail(file).catch((error: unknown) => log(error, 'thumbnail'));
    return { kind, mime, ...size, ...(thumbnail ? { thumbnail } : {}) };
  }
  if (kind !== 'video' && kind !== 'audio') return { kind, mime };
  const probe: MediaProbe | null = await services.mediaTools.probe(file).catch((error: unknown) => (log(error, 'probe'), null));
  // A WebM or MP4 with sound only (a recorded voice note) is audio, whatever its container says;
  // without ffprobe to look inside, the client's voice flag decides.
  const soundOnly = probe ? !probe.hasVideo && probe.hasAudio : voice;
  if (kind === 'video' && soundOnly) {
    kind = 'audio';
    mime = mime.replace(/^video\//, 'audio/');
  }
  if (kind === 'audio' || voice) return { kind, mime, ...(probe?.durationMs ? { durationMs: probe.durationMs } : {}) };
  const poster = await services.mediaTools.poster(file, probe?.durationMs).catch((error: unknown) => (log(error, 'poster'), null));
  const thumbnail = poster ? await makeThumbnail(poster).catch((error: unknown) => log(error, 'poster thumbnail')) : undefined;
  return {
    kind,
    mime,
    ...(probe?.width && probe.height ? { width: probe.width, height: probe.height } : {}),
    ...(probe?.durationMs ? { durationMs: probe.durationMs } : {}),
    ...(thumbnail ? { thumbnail } : {}),
  };
}

/**
 * POST /api/uploads: streams the body into staging, checks size and type from the content, makes
 * the thumbnail, moves the file into the media store and records the unsent attachment.
 */
export async function receiveUpload(services: Services, uploader: User, body: Readable, headers: IncomingHttpHeaders): Promise<AttachmentRow> {
  const { uploadMaxBytes, allowedUploadTypes } = await services.settings.get();
  const declared = Number(headers['content-length']);
  // Refused before a byte is read when the declared body cannot fit.
  if (Number.isFinite(declared) && declared > uploadMaxBytes + MULTIPART_OVERHEAD) throw tooLargeFor(uploadMaxBytes);

  const stagingDir = stagingDirOf(services.config.dataDir);
  await mkdir(stagingDir, { recursive: true });
  const staged = await stage(body, headers, stagingDir, uploadMaxBytes);
  if (!staged) throw invalidInput('Send the file in a part named "file".');
  const id = randomUUID();
  const keys: string[] = [];
  try {
    if (staged.size === 0) throw invalidInput('The file is empty.');
    const detected = await detectMediaType(staged.path, staged.name);
    if (!isAllowedType(detected, allowedUploadTypes)) throw unsupportedType(`Files of type ${baseType(detected)} are not accepted here.`);
    const media = await describeMedia(services, staged.path, detected, staged.voice);
    const storageKey = mediaKey(id);
    keys.push(storageKey);
    const { size } = staged;
    await services.media.put(storageKey, createReadStream(staged.path), { contentType: media.mime, maxBytes: uploadMaxBytes, size });
    let thumbnailKey: string | null = null;
    if (media.thumbnail) {
      thumbnailKey = mediaKey(id, 'thumb');
      keys.push(thumbnailKey);
      await services.media.put(thumbnailKey, Readable.from([media.thumbnail.data]), {
        contentType: media.thumbnail.mime,
        maxBytes: media.thumbnail.data.length,
        size: media.thumbnail.data.length,
      });
    }
    const [row] = await services.knex('attachments')
      .insert({
        id,
        uploaderId: uploader.id,
        kind: media.kind,
        name: staged.name,
        mime: media.mime,
        size,
        width: media.width ?? null,
        height: media.height ?? null,
        durationMs: media.durationMs ?? null,
        storageKey,
        thumbnailKey,
        sha256: staged.sha256,
        voice: staged.voice && media.kind === 'audio',
      })
      .returning<AttachmentRow[]>(ATTACHMENT_COLUMNS);
    return row!;
  } catch (error) {
    await services.media.remove(keys).catch((cleanup: unknown) => services.logger.warn({ err: cleanup, keys }, 'could not remove the objects of a failed upload'));
    throw error;
  } finally {
    await rm(staged.path, { force: true });
  }
}

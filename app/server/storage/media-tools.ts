import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { Logger } from '../logger.ts';

export interface MediaProbe {
  hasVideo: boolean;
  hasAudio: boolean;
  width?: number;
  height?: number;
  durationMs?: number;
}

const PROBE_TIMEOUT_MS = 20_000;
const POSTER_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

const probeSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        width: z.number().int().positive().optional(),
        height: z.number().int().positive().optional(),
        tags: z.record(z.string(), z.string()).optional(),
        side_data_list: z.array(z.object({ rotation: z.number().optional() }).loose()).optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).loose().optional(),
      }).loose(),
    )
    .default([]),
  format: z.object({ duration: z.string().optional() }).loose().default({}),
});

interface RunResult {
  code: number | null;
  stdout: Buffer;
}

/** Runs a command with a deadline and a bounded output; never throws for a failing command. */
function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks) });
    });
  });
}

const seconds = (value: string | undefined) => {
  const parsed = value === undefined ? NaN : Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
};

/**
 * ffprobe and ffmpeg, when installed: durations, video sizes and posters. Whether they exist is
 * asked once; without them media still uploads and plays, only without poster and duration.
 */
export class MediaTools {
  private presence?: Promise<boolean>;

  constructor(
    private readonly commands: { ffmpeg: string; ffprobe: string },
    private readonly logger: Logger,
  ) {}

  available(): Promise<boolean> {
    this.presence ??= Promise.all([this.commands.ffprobe, this.commands.ffmpeg].map((command) =>
      run(command, ['-version'], PROBE_TIMEOUT_MS).then((result) => result.code === 0, () => false),
    )).then((found) => {
      const present = found.every(Boolean);
      if (!present) this.logger.warn('ffmpeg/ffprobe not found: videos get no poster and media no duration');
      return present;
    });
    return this.presence;
  }

  /** Streams, size and duration of an audio or video file; null when unknown or unreadable. */
  async probe(file: string): Promise<MediaProbe | null> {
    if (!(await this.available())) return null;
    const result = await run(this.commands.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], PROBE_TIMEOUT_MS);
    if (result.code !== 0) return null;
    const parsed = probeSchema.safeParse(JSON.parse(result.stdout.toString('utf8') || '{}'));
    if (!parsed.success) return null;
    const { streams, format } = parsed.data;
    // Cover art in an audio file is a "video" stream too; it is not a picture track.
    const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
    const hasAudio = streams.some((s) => s.codec_type === 'audio');
    let durationSeconds = seconds(format.duration);
    // Recorders (MediaRecorder's WebM) often write no duration: the last packet tells it.
    durationSeconds ??= await this.lastPacketSeconds(file, video ? 'v:0' : 'a:0');
    const rotation = Math.abs(Number(video?.tags?.rotate ?? video?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0)) % 180;
    const [width, height] = rotation === 90 ? [video?.height, video?.width] : [video?.width, video?.height];
    return {
      hasVideo: Boolean(video),
      hasAudio,
      ...(width && height ? { width, height } : {}),
      ...(durationSeconds ? { durationMs: Math.round(durationSeconds * 1000) } : {}),
    };
  }

  /** One frame (PNG) from about a second in, or the first when shorter; null when none comes out. */
  async poster(file: string, durationMs?: number): Promise<Buffer | null> {
    if (!(await this.available())) return null;
    const at = Math.min(1, (durationMs ?? 0) / 2000);
    const result = await run(
      this.commands.ffmpeg,
      ['-v', 'error', '-nostdin', '-ss', at.toFixed(3), '-i', file, '-frames:v', '1', '-an', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
      POSTER_TIMEOUT_MS,
    );
    return result.code === 0 && result.stdout.length > 0 ? result.stdout : null;
  }

  private async lastPacketSeconds(file: string, stream: string): Promise<number | undefined> {
    const result = await run(
      this.commands.ffprobe,
      ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file],
      PROBE_TIMEOUT_MS,
    );
    if (result.code !== 0) return undefined;
    let end = 0;
    for (const line of result.stdout.toString('utf8').split('\n')) {
      const [pts, duration] = line.split(',').map(Number);
      if (Number.isFinite(pts)) end = Math.max(end, pts! + (Number.isFinite(duration) ? duration! : 0));
    }
    return end > 0 ? end : undefined;
  }
}

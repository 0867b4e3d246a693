// What a bubble shows of its attachments: image thumbnails (opening the lightbox), inline video,
// voice and audio players, and file cards with a download link.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { FileIcon } from './icons.js';
import { DownloadIcon, PlayIcon, PauseIcon } from './media-icons.js';
import { formatBytes, formatDuration, isVoiceNote } from '../format.js';

/** @typedef {import('../format.js').Attachment} Attachment */
/** @typedef {import('../state.js').Message} Message */

/** Attachment URLs are same-origin paths; anything else is not rendered as a link or source. @param {unknown} url */
export const sameOrigin = (url) => (typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : undefined);

/** The box an image or video takes before it loads, from its recorded size (4:3 when unknown). @param {Attachment} a */
const ratioOf = (a) => (a.width && a.height ? `${a.width} / ${a.height}` : '4 / 3');

/**
 * Classes for the bubble around media: a bubble of only pictures puts its time over the picture
 * (a video keeps it below, clear of the player's controls).
 * @param {Message} m
 */
export function mediaBubbleClass(m) {
  const list = /** @type {Attachment[]} */ (m.attachments || []);
  if (!list.length || m.deletedAt) return '';
  const onlyMedia = !(m.body || '').trim();
  const onlyImages = list.every((a) => a.kind === 'image');
  return ' has-media' + (onlyMedia ? ' media-only' : '') + (onlyMedia && onlyImages ? ' media-overlay-meta' : '');
}

/** @param {{message: Message, onOpenImage: (attachmentId: string) => void}} p */
export function MessageMedia({ message, onOpenImage }) {
  const list = /** @type {Attachment[]} */ (message.attachments || []).filter((a) => a && a.id);
  const images = list.filter((a) => a.kind === 'image');
  return html`<div class="media-slot" data-testid="message-media">
    ${images.length ? html`
      <div class=${'media-grid' + (images.length > 1 ? ' is-grid' : '')}>
        ${images.map((a) => html`<${ImageThumb} key=${a.id} a=${a} single=${images.length === 1} onOpen=${() => onOpenImage(a.id)} />`)}
      </div>` : null}
    ${list.filter((a) => a.kind === 'video').map((a) => html`<${VideoPlayer} key=${a.id} a=${a} />`)}
    ${list.filter((a) => a.kind === 'audio').map((a) => html`<${AudioPlayer} key=${a.id} a=${a} />`)}
    ${list.filter((a) => a.kind === 'file').map((a) => html`<${FileCard} key=${a.id} a=${a} />`)}
  </div>`;
}

/** @param {{a: Attachment, single: boolean, onOpen: () => void}} p */
function ImageThumb({ a, single, onOpen }) {
  const full = sameOrigin(a.url);
  const [src, setSrc] = useState(sameOrigin(a.thumbnailUrl) || full);
  return html`
    <button type="button" class="media-image" data-testid="attachment-image" data-attachment-id=${a.id}
      style=${single ? `--ratio:${ratioOf(a)}` : undefined} aria-label=${'Open photo ' + (a.name || '')} onClick=${onOpen}>
      <img src=${src} alt=${a.name || 'Photo'} loading="lazy" decoding="async" width=${a.width} height=${a.height}
        onError=${() => { if (src !== full) setSrc(full); }} />
    </button>`;
}

/** @param {{a: Attachment}} p */
function VideoPlayer({ a }) {
  return html`
    <div class="media-video" style=${`--ratio:${ratioOf(a)}`}>
      <video controls preload="metadata" playsinline src=${sameOrigin(a.url)} poster=${sameOrigin(a.thumbnailUrl)}
        data-testid="attachment-video" data-duration-ms=${a.durationMs} aria-label=${'Video ' + (a.name || '')}></video>
    </div>`;
}

/**
 * A voice note (or an audio file, with its name): play/pause, a seek bar and the time. The
 * duration comes from the server; WebM from MediaRecorder has none in its header, so without it
 * the player asks the browser to find the end.
 * @param {{a: Attachment}} p
 */
function AudioPlayer({ a }) {
  const ref = useRef(/** @type {HTMLAudioElement|null} */ (null));
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [durationMs, setDurationMs] = useState(a.durationMs || 0);
  const probing = useRef(false);
  const voice = isVoiceNote(a);

  useEffect(() => { if (a.durationMs) setDurationMs(a.durationMs); }, [a.durationMs]);

  function onMetadata() {
    const el = ref.current;
    if (!el || a.durationMs) return;
    if (Number.isFinite(el.duration)) setDurationMs(el.duration * 1000);
    else {
      probing.current = true;
      el.currentTime = 1e7;
    }
  }

  function onDurationChange() {
    const el = ref.current;
    if (!el || !Number.isFinite(el.duration)) return;
    if (!a.durationMs) setDurationMs(el.duration * 1000);
    if (probing.current) {
      probing.current = false;
      el.currentTime = 0;
    }
  }

  function toggle() {
    const el = ref.current;
    if (!el) return;
    if (el.paused) void el.play().catch(() => setPlaying(false));
    else el.pause();
  }

  const shown = playing || position > 0 ? position : durationMs;
  return html`
    <div class=${'audio-player' + (voice ? ' is-voice' : '')} data-testid=${voice ? 'voice-player' : 'audio-player'}
      data-attachment-id=${a.id} data-playing=${playing ? 'true' : 'false'}>
      <button type="button" class="audio-toggle" data-testid="audio-toggle" onClick=${toggle}
        aria-label=${(playing ? 'Pause ' : 'Play ') + (voice ? 'voice message' : a.name)}>
        ${playing ? html`<${PauseIcon} />` : html`<${PlayIcon} />`}
      </button>
      <div class="audio-main">
        ${voice ? null : html`<span class="audio-name">${a.name}</span>`}
        <input type="range" class="audio-seek" min="0" max=${Math.max(1, Math.round(durationMs))} step="10"
          value=${Math.round(position)} aria-label="Position" style=${`--played:${durationMs ? Math.min(100, (position / durationMs) * 100) : 0}%`}
          onInput=${(/** @type {any} */ e) => { const el = ref.current; if (el) el.currentTime = Number(e.currentTarget.value) / 1000; }} />
      </div>
      <span class="audio-time" data-testid="audio-duration" data-duration-ms=${Math.round(durationMs)}>${formatDuration(shown)}</span>
      <audio ref=${ref} src=${sameOrigin(a.url)} preload="metadata"
        onLoadedMetadata=${onMetadata} onDurationChange=${onDurationChange}
        onPlay=${() => setPlaying(true)} onPause=${() => setPlaying(false)}
        onEnded=${() => { setPlaying(false); setPosition(0); }}
        onTimeUpdate=${() => { const el = ref.current; if (el && !probing.current) setPosition(el.currentTime * 1000); }}></audio>
    </div>`;
}

/** Label and colour of a file card's icon, from the type and the name's extension. @param {Attachment} a */
function fileBadge(a) {
  const ext = ((a.name || '').match(/\.([a-z0-9]{1,5})$/i) || [])[1] || '';
  const mime = a.mime || '';
  if (mime === 'application/pdf' || ext.toLowerCase() === 'pdf') return { label: 'PDF', hue: 0 };
  if (/word|opendocument\.text|rtf/.test(mime) || /^(docx?|odt|rtf)$/i.test(ext)) return { label: 'DOC', hue: 218 };
  if (/sheet|excel|csv/.test(mime) || /^(xlsx?|ods|csv)$/i.test(ext)) return { label: ext.toUpperCase() === 'CSV' ? 'CSV' : 'XLS', hue: 142 };
  if (/presentation|powerpoint/.test(mime) || /^(pptx?|odp)$/i.test(ext)) return { label: 'PPT', hue: 24 };
  if (/zip|compressed|x-tar|gzip|x-7z|x-rar/.test(mime) || /^(zip|gz|tgz|7z|rar|tar)$/i.test(ext)) return { label: 'ZIP', hue: 40 };
  if (/^text\//.test(mime)) return { label: (ext || 'TXT').toUpperCase().slice(0, 4), hue: 220, grey: true };
  return { label: ext ? ext.toUpperCase().slice(0, 4) : 'FILE', hue: 220, grey: true };
}

/** @param {{a: Attachment}} p */
function FileCard({ a }) {
  const badge = fileBadge(a);
  return html`
    <a class="file-card" data-testid="attachment-file" data-attachment-id=${a.id} href=${sameOrigin(a.url)}
      download=${a.name || true} aria-label=${`Download ${a.name}, ${formatBytes(a.size)}`}>
      <span class=${'file-icon' + (badge.grey ? ' is-grey' : '')} style=${`--file-hue:${badge.hue}`} aria-hidden="true">
        <${FileIcon} size=${30} /><span class="file-ext">${badge.label}</span>
      </span>
      <span class="file-meta">
        <span class="file-name" data-testid="attachment-name">${a.name}</span>
        <span class="file-size" data-testid="attachment-size">${formatBytes(a.size)}</span>
      </span>
      <span class="file-download"><${DownloadIcon} size=${18} /></span>
    </a>`;
}

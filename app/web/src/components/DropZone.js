// The open chat as a drop target: files dragged over it show a hint and, dropped, join the next message.
import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';

/** @param {DragEvent} e */
const carriesFiles = (e) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

/** @param {{onFiles: (files: File[]) => void, children: any}} p */
export function DropZone({ onFiles, children }) {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the pointer really left.
  const depth = useRef(0);
  return html`
    <div class="chat-main" data-testid="drop-zone"
      onDragEnter=${(/** @type {DragEvent} */ e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver=${(/** @type {DragEvent} */ e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave=${() => {
        depth.current = Math.max(0, depth.current - 1);
        if (!depth.current) setOver(false);
      }}
      onDrop=${(/** @type {DragEvent} */ e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = [...(e.dataTransfer ? e.dataTransfer.files : [])];
        if (files.length) onFiles(files);
      }}>
      ${children}
      ${over ? html`<div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true"><span>Drop files to send them</span></div>` : null}
    </div>`;
}

// Settings card for link previews: the switch, trusted and refused hosts, and extra ports.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

/** @param {string} text */
const entries = (text) => text.split(/[\s,]+/).filter(Boolean);

/** @param {{settings: any, save: (p: any) => Promise<void>}} p */
export function LinkPreviewSettings({ settings, save }) {
  const [enabled, setEnabled] = useState(Boolean(settings.linkPreviews));
  const [allow, setAllow] = useState(settings.linkPreviewAllowHosts.join('\n'));
  const [deny, setDeny] = useState(settings.linkPreviewDenyHosts.join('\n'));
  const [ports, setPorts] = useState(settings.linkPreviewPorts.join(', '));
  function submit(/** @type {Event} */ e) {
    e.preventDefault();
    void save({
      linkPreviews: enabled,
      linkPreviewAllowHosts: entries(allow),
      linkPreviewDenyHosts: entries(deny),
      linkPreviewPorts: entries(ports).map(Number),
    });
  }
  return html`
    <section class="card" aria-labelledby="settings-link-previews-title" data-testid="settings-link-previews">
      <h2 id="settings-link-previews-title">Link previews</h2>
      <p class="muted small">The server reads the page of a message's first link and shows its title, description and image under the
        message. It never fetches addresses of your own network (private, loopback, link-local) unless the host is trusted below.</p>
      <form class="form" onSubmit=${submit}>
        <label class="check-row"><input type="checkbox" data-testid="link-previews-enabled" checked=${enabled}
          onChange=${(/** @type {any} */ e) => setEnabled(e.currentTarget.checked)} /><span>Show link previews</span></label>
        <label class="label">Trusted hosts, fetched even on your own network (one per line; *.example.com for every host under it)
          <textarea class="field mono" rows="3" data-testid="link-preview-allow" value=${allow} onInput=${(/** @type {any} */ e) => setAllow(e.currentTarget.value)}></textarea>
        </label>
        <label class="label">Hosts never previewed
          <textarea class="field mono" rows="3" data-testid="link-preview-deny" value=${deny} onInput=${(/** @type {any} */ e) => setDeny(e.currentTarget.value)}></textarea>
        </label>
        <label class="label">Ports allowed besides 80 and 443 (comma-separated)
          <input class="field" data-testid="link-preview-ports" value=${ports} onInput=${(/** @type {any} */ e) => setPorts(e.currentTarget.value)} />
        </label>
        <button class="btn" type="submit" data-testid="link-previews-save">Save link previews</button>
      </form>
    </section>`;
}

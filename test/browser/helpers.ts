// Data set-up for the browser suites through the public protocol (REST + Socket.IO), never the DB.
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** expect.poll with a timeout that suits a real server and browser (the default is 1 s). */
export function poll<T>(fn: () => T | Promise<T>, timeout = 10_000) {
  return expect.poll(fn, { timeout, interval: 50 });
}

interface Ack { ok: boolean; id?: string; seq?: number; error?: { code: string; message: string } }

export async function apiCall<T>(baseUrl: string, token: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(baseUrl + route, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route} -> ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

export async function createDirect(baseUrl: string, token: string, userId: string): Promise<string> {
  const { chat } = await apiCall<{ chat: { id: string } }>(baseUrl, token, 'POST', '/api/chats/direct', { userId });
  return chat.id;
}

export async function createGroup(baseUrl: string, token: string, name: string, memberIds: string[]): Promise<string> {
  const { chat } = await apiCall<{ chat: { id: string } }>(baseUrl, token, 'POST', '/api/chats/groups', { name, memberIds });
  return chat.id;
}

/** A Socket.IO client in Node, for sending many messages quickly. */
export async function connectBot(baseUrl: string, token: string): Promise<Socket> {
  const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export async function sendViaSocket(socket: Socket, chatId: string, body: string, attachmentIds?: string[]): Promise<Ack> {
  const payload = { chatId, clientId: randomUUID(), body, ...(attachmentIds ? { attachmentIds } : {}) };
  const ack = (await socket.timeout(10_000).emitWithAck('message:send', payload)) as Ack;
  if (!ack.ok) throw new Error(`message:send failed: ${JSON.stringify(ack.error)}`);
  return ack;
}

export interface UploadedAttachment { id: string; kind: string; name: string; url: string; thumbnailUrl: string | null }

/** Uploads a file through POST /api/uploads, as the web UI does. */
export async function uploadViaApi(baseUrl: string, token: string, name: string, type: string, content: Uint8Array<ArrayBuffer>): Promise<UploadedAttachment> {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  const res = await fetch(baseUrl + '/api/uploads', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`POST /api/uploads ${name} -> ${res.status} ${await res.text()}`);
  return ((await res.json()) as { attachment: UploadedAttachment }).attachment;
}

/** Types into the composer and presses Enter. */
export async function sendFromUi(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Enter');
}

/** Bodies of the messages shown in the open chat, top to bottom. */
export function messageBodies(page: Page): Promise<string[]> {
  return page.getByTestId('message-body').allTextContents();
}

export function chatItem(page: Page, name: string) {
  return page.getByTestId('chat-list-item').filter({ has: page.getByTestId('chat-name').getByText(name, { exact: true }) });
}

/** The data-status of the own message with this body. */
export function statusOf(page: Page, body: string) {
  return page
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-body').getByText(body, { exact: true }) })
    .getByTestId('message-status')
    .getAttribute('data-status');
}

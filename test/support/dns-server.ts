// A tiny authoritative DNS server on 127.0.0.1 (UDP), so a server under test can resolve
// public-looking names (through CHATFLOW_DNS_SERVERS) to addresses on this machine.
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface TestDnsServer {
  /** `127.0.0.1:port`, as CHATFLOW_DNS_SERVERS takes it. */
  address: string;
  /** Names asked for (lower case), in order, every type. */
  queries: string[];
  close(): Promise<void>;
}

const TYPE_A = 1;

/** Reads the question of a query: the name and where the question ends. */
function readQuestion(packet: Buffer): { name: string; type: number; end: number } | null {
  const labels: string[] = [];
  let offset = 12;
  while (offset < packet.length) {
    const length = packet[offset]!;
    if (length === 0) break;
    labels.push(packet.toString('latin1', offset + 1, offset + 1 + length));
    offset += length + 1;
  }
  if (offset + 5 > packet.length) return null;
  return { name: labels.join('.').toLowerCase(), type: packet.readUInt16BE(offset + 1), end: offset + 5 };
}

/**
 * Answers A queries for the names in `records` (an entry `*.example.com` answers every name below
 * it) with its IPv4 address; AAAA queries for known names get no answer, unknown names NXDOMAIN.
 */
export async function startDnsServer(records: Record<string, string>): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  const addressOf = (name: string) =>
    records[name] ?? Object.entries(records).find(([pattern]) => pattern.startsWith('*.') && name.endsWith(pattern.slice(1)))?.[1];

  socket.on('message', (packet, peer) => {
    const question = packet.length >= 12 ? readQuestion(packet) : null;
    if (!question) return;
    queries.push(question.name);
    const address = addressOf(question.name);
    const answer = address && question.type === TYPE_A ? address : undefined;
    const header = Buffer.alloc(12);
    packet.copy(header, 0, 0, 2);
    // QR, opcode 0, AA, RD copied; RA; RCODE 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8400 | (packet.readUInt16BE(2) & 0x0100) | 0x0080 | (address ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const parts = [header, packet.subarray(12, question.end)];
    if (answer) {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(TYPE_A, 2);
      record.writeUInt16BE(1, 4); // class IN
      record.writeUInt32BE(5, 6); // TTL
      record.writeUInt16BE(4, 10);
      answer.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
      parts.push(record);
    }
    socket.send(Buffer.concat(parts), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

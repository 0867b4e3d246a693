import { describe, expect, it } from 'vitest';
import { checkAddresses, checkUrl, classifyAddress, hostMatches, hostOf, ipv6Bytes, type PreviewRules } from './address-guard.ts';

const NO_RULES: PreviewRules = { allowHosts: [], denyHosts: [], ports: [] };
const refusedAddress = (address: string) => classifyAddress(address).ok === false;

describe('classifyAddress: IPv4', () => {
  it.each([
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.255.255',
    '169.254.169.254', '169.254.0.1', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.168.1.1',
    '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  ])('refuses %s', (address) => {
    expect(refusedAddress(address)).toBe(true);
  });

  it.each(['1.1.1.1', '8.8.8.8', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '169.253.255.255', '223.255.255.255'])(
    'allows %s',
    (address) => {
      expect(classifyAddress(address)).toEqual({ ok: true });
    },
  );
});

describe('classifyAddress: IPv6', () => {
  it.each([
    '::', '::1', 'fc00::1', 'fd12:3456:789a::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1', 'ff05::2',
    '2001:db8::1', '2001::1', '100::1', '3fff::1',
    // IPv4-mapped, -compatible, NAT64 and 6to4 forms carrying a refused IPv4 address.
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:169.254.169.254', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '::127.0.0.1', '::a00:1',
    '64:ff9b::7f00:1', '64:ff9b::169.254.169.254', '2002:7f00:1::1', '2002:c0a8:101::1',
  ])('refuses %s', (address) => {
    expect(refusedAddress(address)).toBe(true);
  });

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('allows %s', (address) => {
    expect(classifyAddress(address)).toEqual({ ok: true });
  });

  it('refuses what is not an address', () => {
    expect(refusedAddress('example.com')).toBe(true);
    expect(refusedAddress('')).toBe(true);
    expect(refusedAddress('1.2.3')).toBe(true);
  });

  it('expands every spelling to the same bytes', () => {
    expect(ipv6Bytes('::ffff:127.0.0.1')).toEqual(ipv6Bytes('0:0:0:0:0:ffff:7f00:0001'));
    expect(ipv6Bytes('fe80::1')).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Bytes('1.2.3.4')).toBeNull();
  });
});

describe('checkUrl', () => {
  it('refuses other schemes, credentials and ports', () => {
    for (const link of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://example.com/file', 'data:text/html,<b>x</b>', 'gopher://example.com/']) {
      expect(checkUrl(new URL(link), NO_RULES).ok, link).toBe(false);
    }
    expect(checkUrl(new URL('http://user:pass@example.com/'), NO_RULES).ok).toBe(false);
    expect(checkUrl(new URL('http://example.com:8080/'), NO_RULES).ok).toBe(false);
    expect(checkUrl(new URL('https://example.com:80/'), NO_RULES).ok).toBe(false);
    expect(checkUrl(new URL('http://example.com:8080/'), { ...NO_RULES, ports: [8080] })).toEqual({ ok: true });
    expect(checkUrl(new URL('https://example.com/'), NO_RULES)).toEqual({ ok: true });
    expect(checkUrl(new URL('http://example.com:80/'), NO_RULES)).toEqual({ ok: true });
  });

  it('classifies IP literals in any spelling the URL parser accepts', () => {
    for (const link of [
      'http://127.0.0.1/', 'http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://017700000001/', 'http://0x7f.0.0.1/',
      'http://0/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://169.254.169.254/latest/meta-data/',
      'http://0xa9fea9fe/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://10.1/', 'http://192.168.0.1./',
    ]) {
      expect(checkUrl(new URL(link), NO_RULES).ok, link).toBe(false);
    }
    expect(checkUrl(new URL('http://8.8.8.8/'), NO_RULES)).toEqual({ ok: true });
  });

  it('applies the deny-list whatever the spelling of the host', () => {
    const rules = { ...NO_RULES, denyHosts: ['evil.example', '*.tracker.example'] };
    for (const link of ['https://evil.example/', 'https://EVIL.example./', 'https://a.tracker.example/', 'https://a.b.tracker.example/x']) {
      expect(checkUrl(new URL(link), rules).ok, link).toBe(false);
    }
    expect(checkUrl(new URL('https://tracker.example/'), rules)).toEqual({ ok: true });
    expect(checkUrl(new URL('https://notevil.example/'), rules)).toEqual({ ok: true });
  });

  it('lets an allow-listed IP literal through the address check, not the port check', () => {
    const rules = { ...NO_RULES, allowHosts: ['10.0.0.5'] };
    expect(checkUrl(new URL('http://10.0.0.5/'), rules)).toEqual({ ok: true });
    expect(checkUrl(new URL('http://10.0.0.5:8080/'), rules).ok).toBe(false);
    expect(checkUrl(new URL('http://10.0.0.6/'), rules).ok).toBe(false);
  });
});

describe('checkAddresses and host lists', () => {
  it('refuses a name when any of its addresses is not public', () => {
    expect(checkAddresses('news.example', ['93.184.216.34'], NO_RULES)).toEqual({ ok: true });
    expect(checkAddresses('news.example', ['93.184.216.34', '127.0.0.1'], NO_RULES).ok).toBe(false);
    expect(checkAddresses('news.example', ['::ffff:192.168.0.1'], NO_RULES).ok).toBe(false);
    expect(checkAddresses('news.example', [], NO_RULES).ok).toBe(false);
  });

  it('trusts allow-listed names with private addresses', () => {
    const rules = { ...NO_RULES, allowHosts: ['*.intranet.example', 'wiki.example'] };
    expect(checkAddresses('docs.intranet.example', ['10.1.2.3'], rules)).toEqual({ ok: true });
    expect(checkAddresses('wiki.example', ['127.0.0.1'], rules)).toEqual({ ok: true });
    expect(checkAddresses('intranet.example', ['10.1.2.3'], rules).ok).toBe(false);
    expect(checkAddresses('evilwiki.example', ['10.1.2.3'], rules).ok).toBe(false);
  });

  it('matches wildcards on label boundaries only', () => {
    expect(hostMatches('a.example.com', ['*.example.com'])).toBe(true);
    expect(hostMatches('example.com', ['*.example.com'])).toBe(false);
    expect(hostMatches('badexample.com', ['*.example.com'])).toBe(false);
    expect(hostMatches('example.com', ['EXAMPLE.com.'])).toBe(true);
    expect(hostOf(new URL('http://[::1]:8080/'))).toBe('::1');
    expect(hostOf(new URL('http://Example.COM./'))).toBe('example.com');
  });
});

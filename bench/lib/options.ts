/** What `npm run bench -- <flags>` can change; the defaults fit a 2-core machine in under 10 minutes. */
export interface BenchOptions {
  only: string[] | null;
  /** Fan-out sockets: people x 4 devices, in groups of 5 people. */
  sockets: number;
  rates: number[];
  stepSeconds: number;
  /** Persistence: messages through each message log. */
  messages: number;
  historyRows: number;
  idleSockets: number;
  workers: number;
  out: string | null;
  compare: [string, string] | null;
  tolerance: number;
  /** A folder for V8 CPU profiles of every Chat-Flow process the run starts (written as each stops). */
  profile: string | null;
}

export const SCENARIOS = ['fanout', 'ack', 'throughput', 'persistence', 'history', 'search', 'memory', 'startup'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const DEFAULTS: BenchOptions = {
  only: null,
  sockets: 400,
  rates: [25, 50, 100, 200, 400, 800, 1600],
  stepSeconds: 3,
  messages: 5000,
  historyRows: 100_000,
  idleSockets: 3000,
  workers: 2,
  out: null,
  compare: null,
  tolerance: 0.1,
  profile: null,
};

/** Full sizes named by the performance targets, for the "default is smaller" notes. */
export const FULL = { sockets: 1000, messages: 200_000, historyRows: 1_000_000, idleSockets: 5000 };

const positive = (name: string, raw: string) => {
  const value = Number(raw.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got "${raw}"`);
  return value;
};

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS };
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--compare') {
      const [a, b] = [args.shift(), args.shift()];
      if (!a || !b) throw new Error('--compare needs two result files: --compare A.json B.json');
      options.compare = [a, b];
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"`);
    const name = match[1]!;
    const value = match[2] ?? args.shift() ?? '';
    switch (name) {
      case 'only': {
        const names = value.split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
        if (unknown.length > 0) throw new Error(`--only: unknown scenario ${unknown.join(', ')} (expected ${SCENARIOS.join(', ')})`);
        options.only = names;
        break;
      }
      case 'sockets': options.sockets = Math.max(20, Math.round(positive(name, value) / 20) * 20); break;
      case 'rates': options.rates = value.split(',').map((r) => positive(name, r)).sort((a, b) => a - b); break;
      case 'step-seconds': options.stepSeconds = positive(name, value); break;
      case 'messages': options.messages = Math.round(positive(name, value)); break;
      case 'history-rows': options.historyRows = Math.max(1000, Math.round(positive(name, value) / 1000) * 1000); break;
      case 'idle-sockets': options.idleSockets = Math.round(positive(name, value)); break;
      case 'workers': options.workers = Math.round(positive(name, value)); break;
      case 'out': options.out = value; break;
      case 'tolerance': options.tolerance = positive(name, value); break;
      case 'profile': options.profile = value; break;
      default: throw new Error(`unknown flag --${name}`);
    }
  }
  return options;
}

export function selected(options: BenchOptions, name: ScenarioName): boolean {
  return options.only === null || options.only.includes(name);
}

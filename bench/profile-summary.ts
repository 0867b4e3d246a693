// Where a Chat-Flow process spent its CPU: the V8 profiles that `npm run bench -- --profile DIR`
// writes, summed by self time per package (node_modules/<package>), per file of the project, and
// for Node's own internals and garbage collection. Usage: node --import tsx bench/profile-summary.ts DIR
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a frame's time is counted in: a package, a project file, or a kind of V8 work. */
function bucketOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName ? `(${functionName.replace(/[()]/g, '')})` : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const project = /\/(app|admin|dist)\/.*$/.exec(url);
  return project ? project[0].slice(1) : url;
}

function summarize(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const bucket = bucketOf(node.callFrame);
    micros.set(bucket, (micros.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return micros;
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: profile-summary.ts DIR (the folder given to npm run bench -- --profile)');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile files in ${dir}`);
  for (const file of files) {
    const micros = summarize(JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile);
    const total = [...micros.values()].reduce((a, b) => a + b, 0);
    const busy = total - (micros.get('(idle)') ?? 0);
    console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * busy) / total).toFixed(0)}% busy; share of busy time:`);
    const rows = [...micros.entries()].filter(([bucket]) => bucket !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [bucket, us] of rows) console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${bucket}`);
  }
}

await main();

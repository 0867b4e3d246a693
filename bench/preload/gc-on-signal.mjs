// Loaded with --import by the bench only: SIGUSR2 runs a full garbage collection, so the memory
// scenario can read RSS after GC without the server exposing anything. Plain JS: it loads before
// any TypeScript loader is registered.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => {
  gc();
  gc();
});

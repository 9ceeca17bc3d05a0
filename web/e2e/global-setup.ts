import { execFileSync } from 'node:child_process';
import { repoRoot } from './harness';

// Builds the server and the web app once, so that each test's `flowforge serve` starts without building.
export default function setup() {
  execFileSync(`${repoRoot}/flowforge`, ['serve', '--help'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
}

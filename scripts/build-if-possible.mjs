// `npm run retention` (and `npm start`) build first where the build tools are installed, so a
// checkout runs its current code; a production image has no dev dependencies but was built
// when the image was made, so there the existing dist/ is used.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let canBuild = true;
try {
  require.resolve('typescript');
} catch {
  canBuild = false;
}
if (canBuild) {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'inherit', 'inherit'] });
  process.exit(result.status ?? 1);
}
if (!existsSync('dist/main.js')) {
  process.stderr.write('pns: dist/ is missing and TypeScript is not installed: run `npm ci` then `npm run build`\n');
  process.exit(1);
}

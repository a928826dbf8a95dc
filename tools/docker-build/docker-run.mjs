// The `docker-run` target: runs todo-app/<project>:local (the last `nx docker-build`) in the
// foreground, publishing each port the image EXPOSEs on 127.0.0.1 under the same number.
// Extra arguments go to `docker run`: npx nx docker-run frontend -- -e BACKEND_URL=http://host:8000
import { spawnSync } from 'node:child_process';
import { dockerBinary, fail } from '@todo/toolkit';

const DOCKER = dockerBinary();
const [project, ...extraArgs] = process.argv.slice(2);
const image = `todo-app/${project}:local`;

const inspect = spawnSync(DOCKER, ['image', 'inspect', '--format', '{{json .Config.ExposedPorts}}', image], { encoding: 'utf8' });
if (inspect.status !== 0) fail(`docker-run ${project}`, `image ${image} not found`, `npx nx docker-build ${project}`);
const ports = Object.keys(JSON.parse(inspect.stdout) ?? {}).map((p) => p.split('/')[0]);
const publish = ports.flatMap((port) => ['--publish', `127.0.0.1:${port}:${port}`]);
console.log(`docker-run ${project}: ${image} on ${ports.map((p) => `http://127.0.0.1:${p}`).join(', ') || 'no port'} (Ctrl-C stops it)`);
const run = spawnSync(DOCKER, ['run', '--rm', '--init=false', ...publish, ...extraArgs, image], { stdio: 'inherit' });
process.exit(run.status ?? 1);

// The container images, checked without a Docker engine: the Dockerfiles' rules, the
// .dockerignore, and a dry build that lays out the runtime stage from the Dockerfile's own
// COPY and RUN lines and starts the CLI from it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execForm, readDockerfile, runCommands } from './dockerfile.js';
import type { Stage } from './dockerfile.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILES = { cpu: `${ROOT}deploy/docker/Dockerfile`, gpu: `${ROOT}deploy/docker/Dockerfile.gpu` };
/** What the build stage needs from the context; .dockerignore must keep all of it. */
const BUILD_INPUTS = ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'tsconfig.build.json', 'shared/proto/load-protos.ts', 'services', 'bin/cli.ts', 'bin/dlrs.js', 'proto/dlrs/v1/recommender.proto'];
/** What the context should not carry (size, secrets, host-built binaries). */
const EXCLUDED = ['node_modules', '.git', 'dist', 'reports', 'test/deploy/dockerfile.test.ts', 'shared/features/user-profile.spec.ts'];

function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  assert.ok(stage, `a stage named ${name}`);
  return stage;
}

function commandsOf(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').flatMap(runCommands);
}

function dockerignorePatterns(): string[] {
  return readFileSync(`${ROOT}.dockerignore`, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '\0')
    .replace(/\*/g, '[^/]*')
    .replace(/\0/g, '(?:.*/)?');
  return new RegExp(`^${source}$`);
}

/** Whether .dockerignore drops `path` (a pattern matching the path or any of its parents). */
function ignored(patterns: string[], path: string): boolean {
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('.dockerignore exceptions (!) are not evaluated by this check');
  const parts = path.split('/');
  return parts.some((_, i) => patterns.some((p) => globToRegExp(p).test(parts.slice(0, i + 1).join('/'))));
}

for (const [variant, path] of Object.entries(DOCKERFILES)) {
  describe(`deploy/docker ${variant} image`, function () {
    const stages = readDockerfile(path);
    const runtime = stages[stages.length - 1];

    it('builds in stages from pinned bases: Node 20 slim, or a CUDA 12 runtime for the GPU image', function () {
      assert.ok(stages.length >= 3, 'build, dependency and runtime stages');
      for (const stage of stages) {
        if (stages.some((s) => s.name === stage.from)) continue;
        assert.match(stage.from, /^[^:]+:[^:]+$/, `FROM ${stage.from} names a tag`);
        assert.doesNotMatch(stage.from, /:latest$/, `FROM ${stage.from} is not :latest`);
      }
      if (variant === 'cpu') assert.equal(runtime.from, 'node:20-bookworm-slim');
      else assert.match(runtime.from, /^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-/);
    });

    it('installs from the lockfile with npm ci, never npm install', function () {
      const all = stages.flatMap(commandsOf);
      assert.ok(!all.some((c) => /\bnpm (install|i)\b/.test(c)), 'no npm install');
      for (const stage of stages.filter((s) => commandsOf(s).some((c) => c.startsWith('npm ci')))) {
        const copies = stage.instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from).map((i) => i.args.split(/\s+/));
        assert.ok(copies.some((words) => words.includes('package-lock.json') && words.includes('.npmrc')), `${stage.name}: lockfile and .npmrc copied before npm ci`);
      }
    });

    it('compiles TypeScript in a build stage and ships only compiled output, protos, bin and package files', function () {
      assert.ok(commandsOf(stageNamed(stages, 'build')).some((c) => c.startsWith('npx tsc -p tsconfig.build.json')), 'tsc -p tsconfig.build.json');
      // Paths under /app (the WORKDIR); the GPU image also copies the node binary from the Node image.
      const copies = runtime.instructions.filter((i) => i.keyword === 'COPY' && !i.args.endsWith(' /usr/local/bin/node'));
      const shipped = copies.map((i) => i.args.split(/\s+/).slice(-1)[0]);
      assert.deepEqual(shipped.sort(), ['./', './bin/dlrs.js', './dist', './node_modules', './proto'].sort());
      for (const copy of copies.filter((i) => !i.flags.from)) {
        for (const source of copy.args.split(/\s+/).slice(0, -1)) assert.ok(existsSync(join(ROOT, source)), `COPY ${source} exists in the repository`);
      }
    });

    it('takes node_modules from a stage that ran npm ci --omit=dev, with no compiler in the runtime', function () {
      const modules = runtime.instructions.find((i) => i.keyword === 'COPY' && i.args.endsWith('./node_modules'));
      assert.ok(modules?.flags.from, 'node_modules comes from another stage');
      const deps = stageNamed(stages, modules.flags.from);
      assert.ok(commandsOf(deps).some((c) => /^npm ci\b.*--omit=dev/.test(c)), `${deps.name} runs npm ci --omit=dev`);
      assert.ok(!commandsOf(deps).some((c) => /^npm ci\b/.test(c) && !c.includes('--omit=dev')), `${deps.name} never installs dev dependencies`);
      assert.ok(!commandsOf(runtime).some((c) => /\b(g\+\+|gcc|make|python3)\b/.test(c)), 'no toolchain in the runtime stage');
      assert.ok(!commandsOf(runtime).some((c) => c.startsWith('npm ')), 'no npm run in the runtime stage');
      if (variant === 'gpu') assert.ok(commandsOf(deps).some((c) => c.includes('--onnxruntime-node-install=cuda12')), 'CUDA 12 binaries of onnxruntime-node');
    });

    it('runs as a non-root user under tini, with the dlrs CLI as entrypoint', function () {
      const users = runtime.instructions.filter((i) => i.keyword === 'USER');
      assert.ok(users.length > 0, 'a USER in the final stage');
      const user = users[users.length - 1].args.split(':')[0];
      assert.ok(!['root', '0'].includes(user), `USER ${user} is not root`);
      assert.deepEqual(execForm(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')), ['tini', '--', 'node', 'bin/dlrs.js']);
      assert.ok(commandsOf(runtime).some((c) => /apt-get install .*\btini\b/.test(c)), 'tini is installed in the runtime stage');
      const env = runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
      assert.match(env, /DLRS_PORT=50051/);
      assert.match(env, /DLRS_METRICS_PORT=9464/);
      if (variant === 'gpu') assert.match(env, /DLRS_PROVIDERS=cuda,cpu/);
    });

    it('has no HEALTHCHECK, and the README documents the gRPC health probes instead', function () {
      assert.ok(!stages.some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK')));
      const readme = readFileSync(`${ROOT}deploy/README.md`, 'utf8');
      assert.match(readme, /no Docker `HEALTHCHECK`/);
      assert.match(readme, /grpc\.health\.v1\.Health\/Check/);
    });
  });
}

describe('.dockerignore', function () {
  it('keeps what the build needs and drops node_modules, .git, build output and tests', function () {
    const patterns = dockerignorePatterns();
    for (const input of BUILD_INPUTS) assert.ok(!ignored(patterns, input), `${input} reaches the build`);
    for (const path of EXCLUDED) assert.ok(ignored(patterns, path), `${path} is left out`);
  });
});

describe('deploy/docker dry build', function () {
  this.timeout(120_000);
  let work: string;
  before(function () {
    work = mkdtempSync(`${tmpdir()}/dlrs-image-`);
  });
  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it('lays out the runtime stage from the Dockerfile and runs the CLI and the proto loader from it', function () {
    const stages = readDockerfile(DOCKERFILES.cpu);
    const patterns = dockerignorePatterns();
    const stageDirs = new Map<string, string>();
    for (const [index, stage] of stages.entries()) {
      const dir = join(work, stage.name ?? `stage${index}`);
      const parent = stageDirs.get(stage.from);
      if (parent) cpSync(parent, dir, { recursive: true, verbatimSymlinks: true });
      else mkdirSync(dir, { recursive: true });
      stageDirs.set(stage.name ?? `stage${index}`, dir);
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'COPY') {
          const words = instruction.args.split(/\s+/);
          const destination = join(dir, words[words.length - 1]);
          for (const source of words.slice(0, -1)) {
            const from = instruction.flags.from ? join(stageDirs.get(instruction.flags.from) ?? '', source.replace(/^\/app\/?/, '')) : join(ROOT, source);
            const target = words.length > 2 || words[words.length - 1].endsWith('/') ? join(destination, source.split('/').pop() ?? '') : destination;
            copyContext(from, target, instruction.flags.from ? undefined : patterns);
          }
        }
        if (instruction.keyword !== 'RUN') continue;
        for (const command of runCommands(instruction)) {
          // Stand-ins: npm ci -> the repository's installed node_modules; system packages and
          // accounts are the base image's business. Project commands run for real.
          if (command.startsWith('npm ci')) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
          else if (/^(npx|cp|node) /.test(command)) execFileSync('sh', ['-c', command], { cwd: dir, stdio: 'pipe' });
        }
      }
    }
    const app = stageDirs.get(stages[stages.length - 1].name ?? '') as string;
    assert.deepEqual(readdirSync(app).sort(), ['bin', 'dist', 'node_modules', 'package-lock.json', 'package.json', 'proto']);
    assert.ok(existsSync(join(app, 'dist/bin/cli.js')), 'bin/dlrs.js finds the compiled CLI (no tsx at run time)');
    const usage = execFileSync('node', ['bin/dlrs.js', '--help'], { cwd: app, encoding: 'utf8' });
    assert.match(usage, /Usage: dlrs <command>/);
    const loaded = execFileSync('node', ['--input-type=module', '-e', "const { loadProtos } = await import('./dist/shared/proto/index.js'); console.log(Object.keys(loadProtos().grpcObject.dlrs.v1).length);"], { cwd: app, encoding: 'utf8' });
    assert.ok(Number(loaded) > 0, 'the compiled proto loader finds the contracts');
    assertRuntimeImportsAreDependencies(join(app, 'dist'));
  });
});

function copyContext(from: string, to: string, patterns: string[] | undefined): void {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, {
    recursive: true,
    filter: (source) => patterns === undefined || relative(ROOT, source) === '' || !ignored(patterns, relative(ROOT, source)),
  });
}

/** Compiled code may import only Node built-ins and packages of `dependencies` (npm ci --omit=dev). */
function assertRuntimeImportsAreDependencies(dist: string): void {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { dependencies: Record<string, string> };
  const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.js') ? [join(dir, name)] : []));
  for (const file of files(dist)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\(\s*)'([^'.][^']*)'/g)) {
      const specifier = match[1].replace(/^node:/, '');
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      assert.ok(allowed.has(name), `${relative(dist, file)} imports ${match[1]}, which npm ci --omit=dev does not install`);
    }
  }
}

// A Dockerfile reader for the image checks: instructions with continuations and comments
// resolved, grouped into stages, ARG defaults substituted into FROM.
import { readFileSync } from 'node:fs';

/** One instruction: its keyword (upper case), flags (--from=...) and the rest of the line. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
}

/** One build stage: its base image, name and instructions. */
export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Parses a Dockerfile into stages. */
export function readDockerfile(path: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    // Comment lines are dropped even inside a continued instruction, as Docker does.
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const text of logical.filter((l) => l !== '')) {
    const [keywordRaw, ...restWords] = text.split(/\s+/);
    const keyword = keywordRaw.toUpperCase();
    let rest = restWords.join(' ');
    const flags: Record<string, string> = {};
    while (rest.startsWith('--')) {
      const [flag, ...others] = rest.split(/\s+/);
      const eq = flag.indexOf('=');
      flags[flag.slice(2, eq < 0 ? undefined : eq)] = eq < 0 ? 'true' : flag.slice(eq + 1);
      rest = others.join(' ');
    }
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      globalArgs[name] = value;
      continue;
    }
    if (keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!match) throw new Error(`${path}: cannot read 'FROM ${rest}'`);
      const from = match[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => globalArgs[a ?? b ?? ''] ?? '');
      stages.push({ from, name: match[2], instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`${path}: ${keyword} before FROM`);
    stages[stages.length - 1].instructions.push({ keyword, flags, args: rest });
  }
  return stages;
}

/** The shell commands of a RUN instruction, split at `&&`. */
export function runCommands(instruction: Instruction): string[] {
  return instruction.args.split('&&').map((c) => c.trim()).filter((c) => c !== '');
}

/** The JSON (exec) form of ENTRYPOINT/CMD, or undefined for the shell form. */
export function execForm(instruction: Instruction | undefined): string[] | undefined {
  if (!instruction || !instruction.args.startsWith('[')) return undefined;
  return JSON.parse(instruction.args) as string[];
}

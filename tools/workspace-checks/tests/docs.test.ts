// The docs are tested by following them: every link resolves, every `nx` command names real projects,
// targets and configurations, every cited test exists under that name, and every Kubernetes object a
// command names is one the chart renders (or one the tools create).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { findHelm } from '@todo/toolkit';
import { describe, expect, inject, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { anchors, codeLines, relativeLinks, testReferences } from '../src/markdown.mjs';
import { readProjectGraph, workspaceRoot } from '../src/nx.mjs';
import { parseNxArgs } from '../src/workflow.mjs';

const graph = readProjectGraph(inject('projectGraphFile'));
const read = (relative: string) => readFileSync(join(workspaceRoot, relative), 'utf8');
const guides = readdirSync(join(workspaceRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
const documents = ['README.md', ...guides, 'deploy/helm/README.md', 'libs/health/README.md'];

describe('the documentation', () => {
  it('is indexed: docs/README.md links every guide and the root README links the index and the guides', () => {
    const index = relativeLinks(read('docs/README.md'));
    expect(guides.filter((g) => g !== 'docs/README.md' && !index.includes(g.replace('docs/', '')))).toEqual([]);
    const readme = relativeLinks(read('README.md'));
    const wanted = ['docs/README.md', 'docs/getting-started.md', 'docs/deploy.md', 'docs/lifecycle.md', 'docs/configuration.md',
      'docs/secrets.md', 'docs/troubleshooting.md', 'docs/architecture.md', 'docs/verification.md', 'docs/ci.md'];
    expect(wanted.filter((w) => !readme.includes(w))).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const doc of documents) {
      for (const link of relativeLinks(read(doc))) {
        const [path, anchor] = link.split('#');
        const target = path ? normalize(join(dirname(doc), path)) : doc;
        if (!existsSync(join(workspaceRoot, target))) broken.push(`${doc}: ${link} (no such file)`);
        else if (anchor && target.endsWith('.md') && !anchors(read(target)).includes(anchor)) broken.push(`${doc}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('runs only nx commands whose projects, targets and configurations exist', () => {
    const targetsOf = (p: string) => graph.nodes[p]?.data.targets ?? {};
    const problems: string[] = [];
    let checked = 0;
    for (const doc of documents) {
      for (const line of codeLines(read(doc))) {
        for (const command of line.replace(/(^|\s)#.*$/, '').split(/&&|;|\|/)) {
          const match = /^\s*(?:[A-Z_]+=\S+\s+)*(?:npx\s+)?nx\s+(.+)$/.exec(command);
          if (!match || /[<>…]|\.\.\./.test(match[1])) continue; // placeholders like <app>
          const words = match[1].split(/\s+/).filter(Boolean);
          const nx = parseNxArgs(words);
          checked++;
          const where = `${doc}: \`${command.trim()}\``;
          for (const project of nx.projects) if (!graph.nodes[project]) problems.push(`${where}: no project ${project}`);
          for (const target of nx.targets) {
            const having = Object.keys(graph.nodes).filter((p) => target in targetsOf(p) && (!nx.projects.length || nx.projects.includes(p)));
            if (having.length === 0) problems.push(`${where}: no target ${target}${nx.projects.length ? ` on ${nx.projects.join(', ')}` : ''}`);
            for (const p of having) {
              if (nx.configuration && !(nx.configuration in (targetsOf(p)[target].configurations ?? {}))) {
                problems.push(`${where}: ${p}:${target} has no configuration ${nx.configuration}`);
              }
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('cites tests by names that exist in the files it names', () => {
    const missing: string[] = [];
    let cited = 0;
    for (const doc of documents) {
      for (const { file, name } of testReferences(read(doc))) {
        cited++;
        if (!existsSync(join(workspaceRoot, file))) missing.push(`${doc}: ${file} does not exist`);
        else if (!read(file).replace(/\\(['"])/g, '$1').includes(name)) missing.push(`${doc}: ${file} has no test "${name}"`);
      }
    }
    expect(cited).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

// Helm from tools/ci/setup/30-helm.sh (npm test runs it first); without it this part is skipped.
const helm = findHelm(4) ?? '';

describe.skipIf(!helm)('Kubernetes names in the docs', () => {
  it('are objects the chart renders for release todo-app, or ones the tools create', () => {
    const rendered = new Set<string>();
    for (const env of ['dev', 'prod']) {
      const out = execFileSync(helm, ['template', 'todo-app', 'deploy/helm', '-n', 'todo-app', '-f', `deploy/helm/values-${env}.yaml`], {
        cwd: workspaceRoot,
        encoding: 'utf8',
      });
      for (const object of parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean)) {
        rendered.add(object.metadata.name);
        if (object.kind === 'StatefulSet') {
          rendered.add(`${object.metadata.name}-0`); // its first pod
          for (const claim of object.spec.volumeClaimTemplates ?? []) rendered.add(`${claim.metadata.name}-${object.metadata.name}-0`);
        }
      }
    }
    const lease = `todo-app-deploy-lock`; // tools/deploy/src/lock.mjs leaseName('todo-app')
    expect(read('tools/deploy/src/lock.mjs')).toContain('`${release}-deploy-lock`');
    const existingSecret = parse(read('deploy/helm/values-prod.yaml')).secrets.existingSecret;
    const tlsSecret = 'todo-app-tls'; // the Ingress's TLS Secret when ingress.tls.secretName is empty (made by the user)
    expect(read('deploy/helm/templates/ingress.yaml')).toContain('(printf "%s-tls" (include "todo-app.fullname" .))');
    const known = new Set([...rendered, lease, existingSecret, tlsSecret]);
    const unknown = new Set<string>();
    for (const doc of documents) {
      for (const line of codeLines(read(doc))) {
        for (const m of line.matchAll(/\btodo-app-[a-z0-9-]*[a-z0-9]\b/g)) {
          if (!known.has(m[0]) && !/^todo-app-(\d|0\.)/.test(m[0])) unknown.add(`${doc}: ${m[0]}`);
        }
      }
    }
    expect([...unknown]).toEqual([]);
  });
});

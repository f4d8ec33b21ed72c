'use strict';

// The release as the workflows make it, checked here since none of them runs
// here: the CI build matrix lists exactly package.json's `napi.targets`, the
// test matrix every one of them that a runner can load, each platform
// package matches its target (name, os, cpu, libc, version), the release
// workflow reuses CI and publishes with provenance, actionlint finds nothing,
// and `npm publish --dry-run` accepts every package.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const { parseTriple } = require('@napi-rs/cli');
const { publishAll, releaseProblems } = require('../../scripts/release/publish');
const { lintWorkflows } = require('../../scripts/lint-workflows');
const support = require('./support');

const pkg = JSON.parse(fs.readFileSync(path.join(support.ROOT, 'package.json'), 'utf8'));
const TARGETS = pkg.napi.targets;
const workflow = (name) => yaml.load(fs.readFileSync(path.join(support.ROOT, '.github', 'workflows', name), 'utf8'));
const ci = workflow('ci.yml');
const release = workflow('release.yml');
// No GitHub runner (or container on one) loads an Android binary: its build
// is only described (readelf), not run.
const NOT_RUN = ['aarch64-linux-android'];
// No toolchain for these on the Linux build machine (MSVC for arm64, the
// Android NDK): only the GitHub workflows build them.
const BUILT_BY_WORKFLOWS_ONLY = ['win32-arm64-msvc', 'android-arm64'];

function checkRows(rows) {
  for (const row of rows) {
    assert.equal(row.platform, parseTriple(row.target).platformArchABI, `${row.target} is published as ${row.platform}`);
    assert.ok(row.host, `${row.target} names no runner`);
  }
  return rows.map((row) => row.target);
}

test('the CI build matrix builds exactly the targets of napi.targets, each under its platform name', () => {
  const targets = checkRows(ci.jobs.build.strategy.matrix.include);
  assert.equal(new Set(targets).size, targets.length, 'a target is built twice');
  assert.deepEqual([...targets].sort(), [...TARGETS].sort());
});

test('the CI test matrix runs the node suite on every target but Android, under Node 20, 22 and 24', () => {
  const { settings, node } = ci.jobs.test.strategy.matrix;
  const targets = checkRows(settings);
  assert.deepEqual(node, ['20', '22', '24']);
  assert.deepEqual([...targets].sort(), TARGETS.filter((t) => !NOT_RUN.includes(t)).sort());
  assert.equal(ci.jobs.test.needs, 'build');
  // Each binary is tested on its own OS and CPU: the runners match the build's.
  const buildHost = Object.fromEntries(ci.jobs.build.strategy.matrix.include.map((row) => [row.target, row.host]));
  for (const row of settings) assert.equal(row.host, buildHost[row.target], row.target);
});

test('Bun and Deno run the smoke suite on the macOS and Windows binaries', () => {
  const platforms = ci.jobs.runtimes.strategy.matrix.include.map((row) => row.platform).sort();
  assert.deepEqual(platforms, ['darwin-arm64', 'win32-x64-msvc']);
  assert.ok(ci.jobs.runtimes.steps.some((step) => /npm run test:runtimes -- bun deno/.test(step.run || '')));
});

test('CI runs npm test and the packaging tests on Linux', () => {
  const runs = ci.jobs.lint.steps.map((step) => step.run).filter(Boolean);
  assert.ok(runs.includes('npm test'));
  assert.ok(runs.includes('npm run test:package'));
  assert.match(pkg.scripts.test, /npm run test:workflows/);
});

test('the release workflow reuses CI, then publishes with provenance on a version tag', () => {
  assert.deepEqual(release.on.push.tags, ['v*']);
  assert.ok(Object.hasOwn(ci.on, 'workflow_call'), 'ci.yml cannot be called');
  assert.equal(release.jobs.ci.uses, './.github/workflows/ci.yml');
  const publish = release.jobs.publish;
  assert.equal(publish.needs, 'ci');
  assert.equal(publish.permissions['id-token'], 'write');
  const runs = publish.steps.map((step) => step.run).filter(Boolean);
  assert.ok(runs.includes('node scripts/release/publish.js --tag "$GITHUB_REF_NAME" --provenance'), runs.join('\n'));
  assert.ok(runs.indexOf('node scripts/release/publish.js --tag "$GITHUB_REF_NAME" --dry-run') < runs.length - 1);
});

test('every platform package exists and matches its target: name, os, cpu, libc, version', () => {
  const { problems, platforms } = releaseProblems();
  assert.deepEqual(problems, []);
  assert.equal(platforms.length, TARGETS.length);
  console.log(`${platforms.length} platform packages at ${pkg.version}: ${platforms.join(', ')}`);
});

test('a tag that is not v<version> stops the release', () => {
  assert.deepEqual(releaseProblems(`v${pkg.version}`).problems, []);
  assert.match(releaseProblems('v99.0.0').problems.join('\n'), /the tag v99\.0\.0 is not v/);
});

test('actionlint finds no problem in the workflows', async () => {
  const { files, problems } = await lintWorkflows();
  assert.ok(files.length >= 2);
  assert.deepEqual(
    problems.map((p) => `${path.relative(support.ROOT, p.file)}:${p.line}: ${p.message}`),
    [],
  );
});

test('npm publish --dry-run accepts every package, the platform packages before the main one', { timeout: 300_000 }, () => {
  const lines = [];
  const results = publishAll({ dryRun: true, log: (line) => lines.push(line) });
  const names = results.map((r) => r.published.name);
  assert.equal(names.at(-1), pkg.name, 'the main package is published last');
  assert.deepEqual(names.slice(0, -1).sort(), TARGETS.map((t) => `${pkg.name}-${parseTriple(t).platformArchABI}`).sort());
  for (const r of results) {
    assert.equal(r.published.version, pkg.version, r.published.name);
    if (r.platform && r.binary) {
      const files = r.published.files.map((f) => f.path);
      assert.ok(
        files.some((f) => f.startsWith(`${pkg.napi.binaryName}.${r.platform}.`)),
        `${r.published.name} lacks its binary: ${files.join(' ')}`,
      );
    }
  }
  // .ci/run builds every binary this machine can (npm run build:all).
  if (support.REQUIRE_ALL) {
    assert.deepEqual(
      results.filter((r) => !r.binary).map((r) => r.platform),
      BUILT_BY_WORKFLOWS_ONLY,
    );
  }
  console.log(lines.join('\n'));
});

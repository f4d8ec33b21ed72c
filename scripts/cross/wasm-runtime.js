'use strict';

// Makes the WebAssembly package self-contained: writes npm/wasm32-wasi/runtime.cjs,
// one file holding the JavaScript runtime napi's generated loader needs
// (@emnapi/core, @emnapi/runtime, @emnapi/wasi-threads and
// @napi-rs/wasm-runtime's emnapi plugins and fs proxy), and points the loader
// and its worker at it instead of at those packages.
// - The package then has no dependencies: installing it adds one package, not
//   seven, and no lockfile lists the runtime's packages.
// - require() reads one file instead of about twenty, and skips what Node
//   does not use: @tybys/wasm-util (a WASI polyfill; Node has node:wasi, and
//   it alone took half of the runtime's load time) and tslib.
// - @napi-rs/wasm-runtime's own entry picks an emnapi copy per caller among
//   those installed, by reading require.cache and package.json files; with
//   one bundled copy there is nothing to pick, so its exports are mapped
//   straight onto that copy.
// Run by scripts/cross/wasm.sh after napi build has copied the loader in.

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_DIR = path.join(ROOT, 'npm', 'wasm32-wasi');
const LOADER = 'jwks-rsa-native.wasi.cjs';
const WORKER = 'wasi-worker.mjs';
const OUT = 'runtime.cjs';

const modulesDir = path.join(ROOT, 'node_modules');
const pkgDir = (name) => path.join(modulesDir, name);
const manifest = (name) => JSON.parse(fs.readFileSync(path.join(pkgDir(name), 'package.json'), 'utf8'));

// Each bundled module: the id the others require it by, and its file. The
// minified builds are the ones the packages load under NODE_ENV=production.
const MODULES = [
  ['@emnapi/wasi-threads', '@emnapi/wasi-threads/dist/wasi-threads.cjs.min.js'],
  ['@emnapi/core', '@emnapi/core/dist/emnapi-core.cjs.min.js'],
  ['@emnapi/runtime', '@emnapi/runtime/dist/emnapi.cjs.min.js'],
  ['plugins', '@napi-rs/wasm-runtime/dist/emnapi-plugins.cjs'],
  ['fs-proxy', '@napi-rs/wasm-runtime/dist/fs-proxy.cjs'],
];
const PACKAGES = ['@emnapi/core', '@emnapi/runtime', '@emnapi/wasi-threads', '@napi-rs/wasm-runtime'];

// What the loader and the worker take from '@napi-rs/wasm-runtime' and
// '@emnapi/runtime', from the one copy. Plugins are passed as that entry
// passes them: emnapi 1.x ignores them, 2.x needs them.
const ENTRY = `
const core = __load('@emnapi/core');
const runtime = __load('@emnapi/runtime');
const plugins = __load('plugins');
const fsProxy = __load('fs-proxy');
if (core.version !== runtime.version) throw new Error('bundled @emnapi/core and @emnapi/runtime differ');
// emnapi names each function napi_create_function makes by compiling it with
// \`new Function\`; napi-rs makes two per awaited JavaScript promise (every fetch),
// and that compile was the costliest JavaScript frame of a cold lookup. A
// closure named through defineProperty has the same name and behaviour.
function withoutCompiledNames(context) {
  context.feature.supportNewFunction = false;
  return context;
}
module.exports = {
  MessageHandler: core.MessageHandler,
  instantiateNapiModuleSync: core.instantiateNapiModuleSync,
  instantiateNapiModule: core.instantiateNapiModule,
  createContext: (...args) => withoutCompiledNames(runtime.createContext(...args)),
  getDefaultContext: (...args) => withoutCompiledNames(runtime.getDefaultContext(...args)),
  emnapiAsyncWorkPlugin: plugins.emnapiAsyncWorkPlugin,
  emnapiTSFNPlugin: plugins.emnapiTSFNPlugin,
  createFsProxy: fsProxy.createFsProxy,
  createOnMessage: fsProxy.createOnMessage,
};
`;

function licenseOf(name) {
  const file = ['LICENSE', 'LICENSE.md', 'license'].map((f) => path.join(pkgDir(name), f)).find((f) => fs.existsSync(f));
  const { version, license, author } = manifest(name);
  const who = author && (typeof author === 'string' ? author : author.name);
  const text = file ? fs.readFileSync(file, 'utf8').trim() : `${license} License, Copyright (c) ${who}`;
  return `${name} ${version}\n\n${text}`;
}

function bundle() {
  const core = manifest('@emnapi/core').version;
  if (manifest('@emnapi/runtime').version !== core) throw new Error('@emnapi/core and @emnapi/runtime must be one version');
  const factories = MODULES.map(([id, file]) => {
    const source = fs.readFileSync(path.join(modulesDir, file), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
    return `${JSON.stringify(id)}: function (module, exports, require) {\n${source}\n}`;
  });
  const notices = PACKAGES.map(licenseOf).join('\n\n---\n\n').replace(/\*\//g, '* /');
  return [
    '/*',
    ' * The JavaScript runtime of jwks-rsa-native-wasm32-wasi, bundled from these packages',
    ` * (scripts/cross/wasm-runtime.js):\n\n${notices}\n */`,
    "'use strict';",
    '// Modules run on first require, as CommonJS runs them; other ids are Node built-ins.',
    `const __factories = {\n${factories.join(',\n')}\n};`,
    'const __cache = {};',
    'function __load(id) {',
    '  if (!Object.hasOwn(__factories, id)) return require(id);',
    '  if (!__cache[id]) {',
    '    const m = { exports: {} };',
    '    __cache[id] = m;',
    '    __factories[id].call(m.exports, m, m.exports, __load);',
    '  }',
    '  return __cache[id].exports;',
    '}',
    ENTRY,
  ].join('\n');
}

// Replaces each `from` in `file` with `to`, and fails unless each occurs:
// a new napi loader that loads its runtime differently must be looked at.
function rewrite(file, pairs) {
  const full = path.join(PACKAGE_DIR, file);
  let text = fs.readFileSync(full, 'utf8');
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`${file}: expected ${from}`);
    text = text.split(from).join(to);
  }
  fs.writeFileSync(full, text);
}

fs.writeFileSync(path.join(PACKAGE_DIR, OUT), bundle());
rewrite(LOADER, [
  ["require('@napi-rs/wasm-runtime')", `require('./${OUT}')`],
  ["require('@emnapi/runtime')", `require('./${OUT}')`],
]);
rewrite(WORKER, [["require('@napi-rs/wasm-runtime')", `require('./${OUT}')`]]);
console.log(`wrote npm/wasm32-wasi/${OUT}: ${fs.statSync(path.join(PACKAGE_DIR, OUT)).size} B`);

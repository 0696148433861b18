// Reference side of tests/bench/bench_badges.py: the Digital Credentials Consortium's verifier
// (@digitalcredentials/verifier-core) timing the same DCC fixtures, driven over stdin/stdout so the
// Python bench can interleave its own blocks with ours on the same (noisy) machine.
//
// usage: node badges_dcc.mjs <install-dir> <name>=<fixture.json> ...
// Prints one JSON line when ready ({ready, version, node, fixtures: {name: {verdict, detail}}}), then for
// every stdin line "<name> <count>" one JSON line {ms: [...], network_attempts: [...]}.
//
// "Without network", like our side: global fetch is replaced before the library loads, so every
// request it would make (the OB 3.0 JSON schema of its schema check, status lists) fails at once and
// is listed in network_attempts.  Contexts and did:key come from the library's own bundle.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [installDir, ...specs] = process.argv.slice(2);
const attempted = new Set();
globalThis.fetch = async (input) => {
  attempted.add(String(input?.url ?? input));
  throw new TypeError('network disabled by the benchmark');
};
// Its schema check logs a stack trace on every failed schema fetch; stdout is our protocol.
console.log = console.error = console.warn = () => {};

const require = createRequire(join(installDir, 'package.json'));
const entry = require.resolve('@digitalcredentials/verifier-core');
const { verifyCredential } = await import(pathToFileURL(entry).href);
const version = JSON.parse(
  readFileSync(join(installDir, 'node_modules/@digitalcredentials/verifier-core/package.json'), 'utf8'),
).version;

const fixtures = new Map(
  specs.map((spec) => {
    const at = spec.indexOf('=');
    return [spec.slice(0, at), JSON.parse(readFileSync(spec.slice(at + 1), 'utf8'))];
  }),
);

// Steps that decide the verdict; registered_issuer is left out because no registry list is given
// (it needs the network), and schema_check is informational in this library.
const DECISIVE = new Set(['valid_signature', 'expiration', 'revocation_status']);
const UNREACHABLE = new Set(['did_web_unresolved', 'http_error_with_signature_check', 'unknown_error']);

function verdict(result) {
  if (result.errors?.length) {
    const names = result.errors.map((error) => error.name);
    const status = names.some((name) => UNREACHABLE.has(name)) ? 'unverifiable' : 'invalid';
    return { verdict: status, detail: `fatal: ${names.join(', ')}` };
  }
  const steps = result.log ?? [];
  const detail = steps.map((step) => `${step.id}=${step.error ? step.error.name : step.valid}`);
  const schema = (result.additionalInformation ?? []).find((entry) => entry.id === 'schema_check');
  if (schema) detail.push(`schema_check=${JSON.stringify(schema.results)}`);
  const decisive = steps.filter((step) => DECISIVE.has(step.id));
  let status = 'verified';
  if (decisive.some((step) => step.valid === false)) status = 'invalid';
  else if (decisive.some((step) => step.error)) status = 'unverifiable';
  return { verdict: status, detail: detail.join('; ') };
}

// A fresh copy each time (made outside the timed call): the library must not see an object it has
// already annotated.
const copyOf = (name) => structuredClone(fixtures.get(name));
const verify = (credential) => verifyCredential({ credential, knownDIDRegistries: [] });

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const first = {};
for (const name of fixtures.keys()) first[name] = verdict(await verify(copyOf(name)));
send({ ready: true, version, node: process.version, fixtures: first, network_attempts: [...attempted] });

for await (const line of createInterface({ input: process.stdin })) {
  const [name, count] = line.trim().split(/\s+/);
  if (!fixtures.has(name)) break;
  const ms = [];
  for (let i = 0; i < Number(count); i += 1) {
    const credential = copyOf(name);
    const started = performance.now();
    await verify(credential);
    ms.push(performance.now() - started);
  }
  send({ ms, network_attempts: [...attempted] });
}

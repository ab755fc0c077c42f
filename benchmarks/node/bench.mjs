// Measures the original Node.js PikoDB on the shapes of the Java harness (see ../README.md):
//   W1  one writer, default mode, tables pre-filled to 1,000 and 100,000 records: half the writes add
//       new keys, half overwrite existing ones (the new keys are deleted again between repetitions)
//   W2  the same with durableWrites: true, on the 1,000-record table
//   W3  point reads of random existing keys (untyped) on the 100,000-record table
// Values are user profiles of about 150 bytes of JSON, built like the Java harness's Profiles.
//
// Run:   npm install pikodb && node bench.mjs             (BENCH_MODE=full for the full sizes)
// or:    PIKODB_MODULE=/path/to/pikodb/dist/index.js node bench.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modulePath = process.env.PIKODB_MODULE;
const { PikoDB } = await import(modulePath ? pathToFileURL(modulePath).href : 'pikodb');

const full = process.env.BENCH_MODE === 'full';
const config = full
  ? { warmups: 2, repetitions: 7, sequentialWrites: 5_000, durableWrites: 1_000, pointReads: 100_000 }
  : { warmups: 1, repetitions: 3, sequentialWrites: 2_000, durableWrites: 200, pointReads: 20_000 };

const FIRST = ['Alice', 'Bruno', 'Chiara', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro'];
const LAST = ['Johnson', 'Okafor', 'Rossi', 'Ivanova', 'Nakamura', 'Schmidt', 'Silva'];
const CITY = ['Amsterdam', 'Lisbon', 'Toronto', 'Nairobi', 'Osaka', 'Valparaiso'];
const TAG = ['admin', 'beta', 'newsletter', 'premium', 'mobile', 'support', 'trial'];

// A small deterministic generator (mulberry32), so every run writes the same values.
let seed = 42;
function random(bound) {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * bound) | 0;
}

const key = (i) => `user-${String(i).padStart(7, '0')}`;
const pool = Array.from({ length: 1024 }, (_, i) => {
  const first = FIRST[random(FIRST.length)];
  const last = LAST[random(LAST.length)];
  const tags = Array.from({ length: 1 + random(3) }, () => TAG[random(TAG.length)]);
  return {
    id: key(i), name: `${first} ${last}`, email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
    age: 18 + random(70), city: CITY[random(CITY.length)], tags, active: random(2) === 1,
  };
});
const value = (n) => pool[((n % 1024) + 1024) % 1024];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function measure(repetition) {
  const samples = [];
  for (let round = 0; round < config.warmups + config.repetitions; round++) {
    const sample = await repetition(round);
    if (round >= config.warmups) samples.push(sample);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

async function fill(db, table, records) {
  for (let i = 0; i < records; i++) {
    await db.write(table, key(i), value(i));
  }
}

/** W1/W2: one writer, half new keys then half overwrites; returns writes per second. */
function sequential(db, table, tableSize, writes) {
  return async (round) => {
    const inserts = writes >> 1;
    const base = round * writes;
    const start = process.hrtime.bigint();
    for (let i = 0; i < inserts; i++) {
      await db.write(table, key(tableSize + i), value(base + i));
    }
    for (let i = 0; i < writes - inserts; i++) {
      await db.write(table, key((round * (writes - inserts) + i) % tableSize), value(base + inserts + i));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    for (let i = 0; i < inserts; i++) {
      await db.delete(table, key(tableSize + i));
    }
    return writes / seconds;
  };
}

/** W3: point reads of random existing keys; returns reads per second. */
function pointReads(db, table, tableSize) {
  const keys = Array.from({ length: config.pointReads }, () => key(random(tableSize)));
  let sink = 0;
  return async () => {
    const start = process.hrtime.bigint();
    for (const k of keys) {
      const record = await db.get(table, k);
      sink += record.age;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (sink === -1) console.log(sink);
    return keys.length / seconds;
  };
}

const rows = [];
const directory = await mkdtemp(join(tmpdir(), 'pikodb-node-bench-'));
try {
  let db = new PikoDB({ databaseDirectory: directory });
  await db.start();
  await fill(db, 'small', 1_000);
  await fill(db, 'large', 100_000);
  rows.push(['W1 write, 1,000-rec table', await measure(sequential(db, 'small', 1_000, config.sequentialWrites))]);
  rows.push(['W1 write, 100,000-rec table', await measure(sequential(db, 'large', 100_000, config.sequentialWrites))]);
  rows.push(['W3 get (untyped), 100,000-rec', await measure(pointReads(db, 'large', 100_000))]);
  await db.close();
  db = new PikoDB({ databaseDirectory: directory, durableWrites: true });
  await db.start();
  rows.push(['W2 durable write, 1,000-rec table', await measure(sequential(db, 'small', 1_000, config.durableWrites))]);
  await db.close();
} finally {
  await rm(directory, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`Node.js PikoDB, mode ${full ? 'full' : 'quick'}: ${config.warmups} warm-up + ${config.repetitions}`
  + ` measured repetitions; Node ${process.version}`);
console.log(`${'Workload'.padEnd(36)} ${'Median'.padStart(14)} ${'Range (min-max)'.padStart(24)}`);
for (const [name, result] of rows) {
  console.log(`${name.padEnd(36)} ${(fmt(result.median) + ' ops/s').padStart(14)}`
    + ` ${(fmt(result.min) + ' - ' + fmt(result.max)).padStart(24)}`);
}

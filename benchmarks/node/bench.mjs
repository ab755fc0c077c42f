// Measures the original Node.js PikoDB on the shapes of the Java harness (see ../README.md):
//   W1  one writer, default mode, tables pre-filled to 1,000 and 100,000 records: half the writes add
//       new keys, half overwrite existing ones (the new keys are deleted again between repetitions)
//   W2  the same with durableWrites: true, on the 1,000- and the 100,000-record table
//   W3  point reads of random existing keys (untyped) on the 100,000-record table
// Values are user profiles of about 150 bytes of JSON, built like the Java harness's Profiles.
//
// The original rewrites a table's whole file on every write, so a write costs time in proportion to
// the table's size. Two consequences for this script:
// - the tables are seeded by writing their files directly, in the original's table file format,
//   before start() loads them (filling 100,000 records one write at a time would take hours); every
//   measured operation goes through the original's API;
// - the number of measured writes per repetition depends on the table (thousands on the 1,000-record
//   table, tens on the 100,000-record table). The figures are operations per second, so the rates
//   compare across shapes; the output gives the count behind each row.
//
// The npm registry has no package `pikodb`: build the original from its source (see ../README.md),
// then run:   PIKODB_MODULE=/path/to/pikodb/dist/index.mjs node bench.mjs   (BENCH_MODE=full for more)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modulePath = process.env.PIKODB_MODULE;
const { PikoDB } = await import(modulePath ? pathToFileURL(modulePath).href : 'pikodb');

const full = process.env.BENCH_MODE === 'full';
// Writes per repetition by table size: the 1,000-record counts are the Java harness's; on the
// 100,000-record table each write rewrites ~20 MB, so a repetition has tens of writes instead.
const config = full
  ? { warmups: 2, repetitions: 7, pointReads: 100_000,
      writes: { 1_000: 5_000, 100_000: 40 }, durableWrites: { 1_000: 1_000, 100_000: 20 } }
  : { warmups: 1, repetitions: 3, pointReads: 20_000,
      writes: { 1_000: 2_000, 100_000: 20 }, durableWrites: { 1_000: 200, 100_000: 10 } };

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

/**
 * Writes a table's file directly, as the original writes it: one JSON array of
 * [key, {"d": value, "v": version, "t": timestamp, "x": expiration}] pairs, in a file named after
 * the table. start() loads it like any table the original wrote itself.
 */
async function seedTable(directory, table, records) {
  const now = Date.now();
  const pairs = Array.from({ length: records }, (_, i) => [key(i), { d: value(i), v: 1, t: now, x: null }]);
  await writeFile(join(directory, table), JSON.stringify(pairs), 'utf8');
}

/** The original reports a failed write or delete by returning false (and logging): stop the run then. */
function check(done, what) {
  if (done !== true) throw new Error(`${what} did not succeed (the original returned ${done})`);
}

/** W1/W2: one writer, half new keys then half overwrites; returns writes per second. */
function sequential(db, table, tableSize, writes) {
  return async (round) => {
    const inserts = writes >> 1;
    const overwrites = writes - inserts;
    const base = round * writes;
    const start = process.hrtime.bigint();
    for (let i = 0; i < inserts; i++) {
      check(await db.write(table, key(tableSize + i), value(base + i)), `write ${table}/${key(tableSize + i)}`);
    }
    for (let i = 0; i < overwrites; i++) {
      const k = key((round * overwrites + i) % tableSize);
      check(await db.write(table, k, value(base + inserts + i)), `write ${table}/${k}`);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    for (let i = 0; i < inserts; i++) {
      check(await db.delete(table, key(tableSize + i)), `delete ${table}/${key(tableSize + i)}`);
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

// Whole numbers, except below 100, where the rates of the large table need a decimal or two.
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(2));
console.log(`Node.js PikoDB, mode ${full ? 'full' : 'quick'}: ${config.warmups} warm-up + ${config.repetitions}`
  + ` measured repetitions per row; Node ${process.version}`);
console.log('Tables seeded by writing their files directly; every measured operation goes through the API.');
console.log(`${'Workload'.padEnd(36)} ${'Median'.padStart(14)} ${'Range (min-max)'.padStart(24)}  Per repetition`);

async function row(name, perRepetition, repetition) {
  const wallStart = process.hrtime.bigint();
  const result = await measure(repetition);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  console.log(`${name.padEnd(36)} ${(fmt(result.median) + ' ops/s').padStart(14)}`
    + ` ${(fmt(result.min) + ' - ' + fmt(result.max)).padStart(24)}  ${perRepetition} (row took ${wall.toFixed(0)} s)`);
}

const runStart = process.hrtime.bigint();
const directory = await mkdtemp(join(tmpdir(), 'pikodb-node-bench-'));
try {
  await seedTable(directory, 'small', 1_000);
  await seedTable(directory, 'large', 100_000);
  let db = new PikoDB({ databaseDirectory: directory });
  const loadStart = process.hrtime.bigint();
  await db.start();
  for (const [table, size] of [['small', 1_000], ['large', 100_000]]) {
    const loaded = await db.getTableSize(table);
    if (loaded !== size) throw new Error(`start() loaded ${loaded} records of table ${table}, expected ${size}`);
  }
  console.log(`(start() loaded the 1,000- and 100,000-record tables in ${fmt(Number(process.hrtime.bigint() - loadStart) / 1e6)} ms)`);
  for (const [table, size] of [['small', 1_000], ['large', 100_000]]) {
    const writes = config.writes[size];
    await row(`W1 write, ${fmt(size)}-rec table`, `${fmt(writes)} writes`, sequential(db, table, size, writes));
  }
  await row('W3 get (untyped), 100,000-rec', `${fmt(config.pointReads)} reads`, pointReads(db, 'large', 100_000));
  await db.close();
  db = new PikoDB({ databaseDirectory: directory, durableWrites: true });
  await db.start();
  for (const [table, size] of [['small', 1_000], ['large', 100_000]]) {
    const writes = config.durableWrites[size];
    await row(`W2 durable write, ${fmt(size)}-rec table`, `${fmt(writes)} writes`, sequential(db, table, size, writes));
  }
  await db.close();
} finally {
  await rm(directory, { recursive: true, force: true });
}
console.log(`Wall time ${(Number(process.hrtime.bigint() - runStart) / 1e9).toFixed(0)} s`);

/**
 * The deployment package exactly as `azd deploy` (and `func azure functionapp publish`) makes
 * it: every file of the project folder that .funcignore does not exclude, zipped. Used by
 * test/unit/package.test.ts and `npm run artifact` to check what ships and how big it is.
 *
 * .funcignore is gitignore syntax. This reads the subset the file uses (names, `*` and `**`
 * globs, a trailing `/` for folders, a leading `/` or an inner `/` to anchor at the root, and
 * `!` to re-include); a later matching line wins, and nothing inside an excluded folder is
 * looked at, as in git.
 *
 * `node scripts/package.mjs [out.zip]` prints the files and sizes (and writes the zip when asked).
 */
/* global console */
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { crc32, deflateRawSync } from 'node:zlib';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The target of the issue: the package under 5 MB. */
export const MAX_PACKAGE_BYTES = 5 * 1024 * 1024;

function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // "**/" matches any number of folders (none included), a final "**" everything below.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}

/** The rules of an ignore file, in order. */
export function parseIgnore(text) {
  const rules = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (!line || line.startsWith('#')) continue;
    let pattern = line;
    const negate = pattern.startsWith('!');
    if (negate) pattern = pattern.slice(1);
    const dirOnly = pattern.endsWith('/');
    if (dirOnly) pattern = pattern.slice(0, -1);
    const anchored = pattern.includes('/');
    if (pattern.startsWith('/')) pattern = pattern.slice(1);
    const body = globToRegExp(pattern);
    rules.push({ line, negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`) });
  }
  return rules;
}

/** Whether a path (relative, with "/") is excluded by the rules: the last matching rule decides. */
export function isIgnored(rules, path, isDir) {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.regex.test(path)) ignored = !rule.negate;
  }
  return ignored;
}

/** Every file that would be deployed from `root`, with its size, sorted. */
export function packageFiles(root = ROOT) {
  const rules = parseIgnore(readFileSync(join(root, '.funcignore'), 'utf8'));
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = relative(root, abs).split('\\').join('/');
      const isDir = entry.isDirectory();
      if (isIgnored(rules, rel, isDir)) continue;
      if (isDir) walk(abs);
      else if (entry.isFile()) files.push({ path: rel, bytes: statSync(abs).size });
    }
  };
  walk(root);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

const DOS_DATE = (1 << 5) | 1;

/** A zip of the files (deflated), as a Buffer: what the deployment uploads. */
export function zip(root, files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const f of files) {
    const data = readFileSync(join(root, f.path));
    const packed = deflateRawSync(data, { level: 9 });
    const name = Buffer.from(f.path, 'utf8');
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(DOS_DATE, 12); // 1980-01-01: reproducible
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(name.length, 26);
    locals.push(header, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += header.length + name.length + packed.length;
  }
  const centralBytes = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralBytes, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = packageFiles();
  const archive = zip(ROOT, files);
  for (const f of files) console.log(`${String(f.bytes).padStart(10)}  ${f.path}`);
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
  console.log(`${files.length} files, ${mb(total)} uncompressed, ${mb(archive.length)} zipped (target < ${mb(MAX_PACKAGE_BYTES)})`);
  if (process.argv[2]) writeFileSync(process.argv[2], archive);
  if (archive.length >= MAX_PACKAGE_BYTES) process.exitCode = 1;
}

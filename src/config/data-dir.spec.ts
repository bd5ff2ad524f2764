import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateSecretFile, restrictModes } from './data-dir.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('DATA_DIR permissions', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mkt-modes-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('restrictModes makes every folder 0700 and every file 0600, and leaves what symlinks point at alone', () => {
    const outside = mkdtempSync(join(tmpdir(), 'mkt-outside-'));
    try {
      mkdirSync(join(root, 'a', 'b'), { recursive: true });
      chmodSync(join(root, 'a'), 0o755);
      writeFileSync(join(root, 'a', 'b', 'f'), 'x');
      chmodSync(join(root, 'a', 'b', 'f'), 0o666);
      writeFileSync(join(outside, 'shared'), 'x');
      chmodSync(join(outside, 'shared'), 0o644);
      symlinkSync(join(outside, 'shared'), join(root, 'link'));
      restrictModes(root);
      expect([modeOf(root), modeOf(join(root, 'a')), modeOf(join(root, 'a', 'b')), modeOf(join(root, 'a', 'b', 'f'))]).toEqual([
        0o700, 0o700, 0o700, 0o600,
      ]);
      expect(modeOf(join(outside, 'shared'))).toBe(0o644);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('readOrCreateSecretFile generates once into a 0600 file, and closes an old file that was left open', () => {
    const path = join(root, 'nested', 'secret');
    let calls = 0;
    const first = readOrCreateSecretFile(path, () => `generated-${++calls}`);
    expect(readOrCreateSecretFile(path, () => `generated-${++calls}`)).toBe(first);
    expect([first, calls, modeOf(path), modeOf(join(root, 'nested'))]).toEqual(['generated-1', 1, 0o600, 0o700]);
    chmodSync(path, 0o644);
    expect(readOrCreateSecretFile(path, () => 'unused')).toBe('generated-1');
    expect(modeOf(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('generated-1');
  });
});

// resolveHome / ensureHome: --home beats ATTENTION_LAB_HOME beats the OS app-data folder; bad homes are refused clearly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureHome, labDatabasePath, resolveHome } from '../../../main/lab/app/home';

describe('resolveHome', () => {
  it('prefers --home, then ATTENTION_LAB_HOME, resolving relative paths', () => {
    const env = { ATTENTION_LAB_HOME: '/srv/lab-env', XDG_DATA_HOME: '/xdg' };
    expect(resolveHome({ home: '/data/my-lab', env })).toBe('/data/my-lab');
    expect(resolveHome({ env })).toBe('/srv/lab-env');
    expect(resolveHome({ home: 'rel/lab', env: {} })).toBe(path.resolve('rel/lab'));
    expect(resolveHome({ home: '  ', env, platform: 'linux' })).toBe('/srv/lab-env');
  });

  it('falls back to the per-user app-data folder of each OS', () => {
    expect(resolveHome({ env: {}, platform: 'linux', userHome: '/home/li' })).toBe('/home/li/.local/share/attention-lab');
    expect(resolveHome({ env: { XDG_DATA_HOME: '/home/li/data' }, platform: 'linux', userHome: '/home/li' })).toBe('/home/li/data/attention-lab');
    // a relative XDG_DATA_HOME is invalid per the XDG spec and ignored
    expect(resolveHome({ env: { XDG_DATA_HOME: 'data' }, platform: 'linux', userHome: '/home/li' })).toBe('/home/li/.local/share/attention-lab');
    expect(resolveHome({ env: {}, platform: 'darwin', userHome: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/Attention Lab');
    expect(resolveHome({ env: { APPDATA: 'C:\\Users\\Wei\\AppData\\Roaming' }, platform: 'win32', userHome: 'C:\\Users\\Wei' }))
      .toBe('C:\\Users\\Wei\\AppData\\Roaming\\Attention Lab');
  });

  it('puts the database at <home>/lab.sqlite', () => {
    expect(labDatabasePath('/srv/lab')).toBe('/srv/lab/lab.sqlite');
  });
});

describe('ensureHome', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-home-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('creates a missing home with its parents and accepts an existing one', () => {
    const home = path.join(tmp, 'a', 'b', 'lab');
    expect(ensureHome(home)).toBe(home);
    expect(fs.statSync(home).isDirectory()).toBe(true);
    expect(ensureHome(home)).toBe(home);
  });

  it('refuses a home that is a file, or lies under one', () => {
    const file = path.join(tmp, 'notes.txt');
    fs.writeFileSync(file, 'not a folder');
    expect(() => ensureHome(file)).toThrow(`The lab home "${file}" is a file, not a folder: move the file away or choose another --home.`);
    expect(() => ensureHome(path.join(file, 'lab'))).toThrow(`The lab home "${file}/lab" cannot be created because part of its path is a file: choose another --home.`);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('refuses a home that cannot be created', () => {
    // /proc takes no new folders, even from root; Node's own recursive mkdir would spin forever here
    expect(() => ensureHome('/proc/attention-lab-home/lab')).toThrow(/^The lab home "\/proc\/attention-lab-home\/lab" could not be created \((ENOENT|EACCES|EROFS|EPERM)\): choose a folder you can write to with --home\.$/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a home that is not writable (non-root users only)', () => {
    fs.chmodSync(tmp, 0o555);
    try {
      expect(() => ensureHome(tmp)).toThrow(`The lab home "${tmp}" is not writable (EACCES): fix its permissions or choose another --home.`);
    } finally {
      fs.chmodSync(tmp, 0o755);
    }
  });
});

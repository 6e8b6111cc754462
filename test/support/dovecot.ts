/**
 * A private Dovecot IMAP server on loopback for tests (Debian package `dovecot-imapd`).
 *
 * Each server gets its own temp dir holding a self-contained config, a passwd-file with `{PLAIN}` passwords,
 * base_dir/state_dir, the log and the maildirs, and its own free port, so several jest workers can run their own
 * servers at once. It runs in the foreground (`dovecot -F -c <conf>`) as a child process in its own process group,
 * under `setpriv --pdeathsig TERM` where available, so it goes away with the test process even when that one is
 * killed; `stop()` (and the process `exit` handler) end it.
 *
 * Running as root, the mail processes run as the `dovecot` system user (Dovecot refuses uid 0 for mail access) with
 * the mail directory owned by it. Running as another user, everything runs as that user without chroots.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './ports';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
const SETPRIV_BIN = '/usr/bin/setpriv';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface DovecotUser {
  user: string;
  password: string;
}

export interface DovecotMessage {
  uid: number;
  flags: string[];
  source: Buffer;
}

/** Who the Dovecot processes run as. */
interface RunAs {
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  mailUid: number;
  mailGid: number;
  /** Chroots need root; off when running as a normal user. */
  chroot: boolean;
}

const running = new Set<DovecotServer>();
let exitHookInstalled = false;

/** Kills every server still running when the test process exits (synchronously: no await in 'exit'). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const server of running) server.killNow();
  });
}

export class DovecotServer {
  readonly host = '127.0.0.1';
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    readonly port: number,
    readonly users: readonly DovecotUser[],
    private readonly runAs: RunAs,
  ) {}

  /** The default mailbox user when `start()` gets none. */
  static readonly defaultUser: DovecotUser = { user: 'mesa@cau.test', password: 'clave-de-prueba' };

  /** Writes the config into a fresh temp dir and starts Dovecot; resolves once the IMAP greeting arrives. */
  static async start(options: { users?: DovecotUser[] } = {}): Promise<DovecotServer> {
    if (!existsSync(DOVECOT_BIN)) {
      throw new Error(`DovecotServer.start(): ${DOVECOT_BIN} not found; install the Debian package dovecot-imapd (apt-get install dovecot-imapd)`);
    }
    const users = options.users ?? [DovecotServer.defaultUser];
    for (const u of users) {
      if (!/^[^\s:@/][^\s:/]*$/.test(u.user)) throw new Error(`DovecotServer.start(): unusable user name ${JSON.stringify(u.user)}`);
      if (!u.password || /[:\r\n]/.test(u.password)) throw new Error(`DovecotServer.start(): the password of ${u.user} is empty or has ':' or a line break`);
    }
    const runAs = whoRuns();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ventanilla-dovecot-'));
    try {
      // Dovecot's unprivileged processes must reach base_dir and the maildirs below this dir.
      await chmod(dir, 0o755);
      await mkdir(path.join(dir, 'mail'), { mode: 0o700 });
      await chown(path.join(dir, 'mail'), runAs.mailUid, runAs.mailGid);
      await writeFile(path.join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o640 });
      if (runAs.chroot) await chown(path.join(dir, 'users'), 0, gidOf(runAs.internalUser));
      // A port another worker grabs between freePort() and Dovecot's bind is retried with a new one.
      for (let attempt = 1; ; attempt++) {
        const server = new DovecotServer(dir, await freePort(), users, runAs);
        try {
          await server.launch();
          return server;
        } catch (err) {
          const inUse = /Address already in use/.test(await server.log());
          if (!inUse || attempt >= 3) throw err;
          await rm(path.join(dir, 'dovecot.log'), { force: true });
          await rm(path.join(dir, 'stderr.log'), { force: true });
        }
      }
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** `imap://user:password@127.0.0.1:port/INBOX`, user and password URL-encoded. */
  url(user: string, password: string, mailbox = 'INBOX'): string {
    return `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${this.host}:${this.port}/${encodeURIComponent(mailbox)}`;
  }

  /** The URL of a configured user (the first one by default). */
  urlFor(user: string = this.users[0].user, mailbox = 'INBOX'): string {
    return this.url(user, this.passwordOf(user), mailbox);
  }

  /** Logs in as `user` and APPENDs `raw` to INBOX, as an MTA delivering mail would leave it. */
  async append(user: string, raw: string | Buffer, flags: string[] = []): Promise<void> {
    await this.withClient(user, async (client) => {
      const result = await client.append('INBOX', raw, flags);
      if (result === false) throw new Error(`DovecotServer.append(): the server refused the message for ${user}`);
    });
  }

  /** Every message in `user`'s INBOX in UID order, with its flags (sorted) and source. Does not change flags. */
  async messages(user: string): Promise<DovecotMessage[]> {
    return this.withClient(user, async (client) => {
      const lock = await client.getMailboxLock('INBOX', { readOnly: true });
      try {
        if (client.mailbox === false || client.mailbox.exists === 0) return [];
        const fetched = await client.fetchAll('1:*', { uid: true, flags: true, source: true });
        return fetched
          .map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])].sort(), source: m.source ?? Buffer.alloc(0) }))
          .sort((a, b) => a.uid - b.uid);
      } finally {
        lock.release();
      }
    });
  }

  /** The Dovecot log so far (its own log file plus anything it printed before the log was set up). */
  async log(): Promise<string> {
    const read = (name: string) => readFile(path.join(this.dir, name), 'utf8').catch(() => '');
    return `${await read('stderr.log')}${await read('dovecot.log')}`;
  }

  /** Simulates a crash: SIGKILL to every Dovecot process; open sessions drop. The mail stays for `restart()`. */
  async kill(): Promise<void> {
    this.killNow();
    await this.exited;
  }

  /** Starts Dovecot again on the same port with the same mail (after `kill()`). */
  async restart(): Promise<void> {
    if (this.child) throw new Error('DovecotServer.restart(): still running; call kill() first');
    await this.launch();
  }

  /** Shuts Dovecot down (SIGTERM to all its processes, SIGKILL after 5 s) and removes its temp dir. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.pid !== undefined) {
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => this.killNow(), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    // Children of the master that outlived it (they normally exit with it).
    if (child?.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }

  /** @internal SIGKILL to the whole process group, synchronously (also used from the process 'exit' handler). */
  killNow(): void {
    if (this.child?.pid !== undefined) signalGroup(this.child.pid, 'SIGKILL');
  }

  private passwordOf(user: string): string {
    const found = this.users.find((u) => u.user === user);
    if (!found) throw new Error(`DovecotServer: no user ${user}`);
    return found.password;
  }

  private async withClient<T>(user: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: this.host,
      port: this.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: this.passwordOf(user) },
      logger: false,
      disableAutoIdle: true,
    });
    // An 'error' after connect() without a listener would crash the test process.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private async launch(): Promise<void> {
    const conf = path.join(this.dir, 'dovecot.conf');
    await writeFile(conf, this.config());
    const out = openSync(path.join(this.dir, 'stderr.log'), 'a');
    const args = ['-F', '-c', conf];
    const setpriv = existsSync(SETPRIV_BIN);
    let child: ChildProcess;
    try {
      child = spawn(setpriv ? SETPRIV_BIN : DOVECOT_BIN, setpriv ? ['--pdeathsig', 'TERM', DOVECOT_BIN, ...args] : args, {
        // Own process group: kill() and stop() reach the master and every process it started.
        detached: true,
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    this.child = child;
    running.add(this);
    installExitHook();
    let hasExited = false;
    this.exited = new Promise<void>((resolve) => {
      const done = () => {
        hasExited = true;
        if (this.child === child) this.child = null;
        running.delete(this);
        resolve();
      };
      child.once('exit', done);
      child.once('error', done);
    });
    try {
      await waitForGreeting(this.host, this.port, () => hasExited);
    } catch (err) {
      await this.kill();
      throw new Error(`DovecotServer: ${(err as Error).message}\n--- dovecot log (${this.dir}) ---\n${await this.log()}`);
    }
  }

  private config(): string {
    const d = this.dir;
    const r = this.runAs;
    const noChroot = r.chroot ? '' : ['imap-login', 'anvil', 'auth-worker', 'stats'].map((s) => `service ${s} {\n  chroot =\n}\n`).join('');
    return `# Written by test/support/dovecot.ts for one test run.
instance_name = ventanilla-test-${this.port}
base_dir = ${d}/run
state_dir = ${d}/state
log_path = ${d}/dovecot.log
info_log_path = ${d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${r.internalUser}
default_internal_group = ${r.internalGroup}
default_login_user = ${r.loginUser}
first_valid_uid = ${r.mailUid}
last_valid_uid = ${r.mailUid}
mail_uid = ${r.mailUid}
mail_gid = ${r.mailGid}
mail_location = maildir:${d}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/users
}
userdb {
  driver = static
  args = uid=${r.mailUid} gid=${r.mailGid} home=${d}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
# No auth penalty: tests fail logins on purpose, and anvil would then delay every login from 127.0.0.1 by up to
# 15 s. The auth process disables penalties when it cannot connect to this socket.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
${noChroot}`;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Root: mail as `dovecot`, logins as `dovenull` (both made by the Debian package). Otherwise: all as ourselves. */
function whoRuns(): RunAs {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    const me = os.userInfo();
    return { internalUser: me.username, internalGroup: groupName(me.gid), loginUser: me.username, mailUid: me.uid, mailGid: me.gid, chroot: false };
  }
  const dovecot = passwdEntry('dovecot');
  if (!passwdEntry('dovenull')) throw new Error('DovecotServer: the users dovecot and dovenull are missing; install the Debian package dovecot-imapd');
  if (!dovecot) throw new Error('DovecotServer: the user dovecot is missing; install the Debian package dovecot-imapd');
  return { internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull', mailUid: dovecot.uid, mailGid: dovecot.gid, chroot: true };
}

function passwdEntry(name: string): { uid: number; gid: number } | null {
  let text: string;
  try {
    text = execFileSync('getent', ['passwd', name], { encoding: 'utf8' });
  } catch {
    text = readFileSync('/etc/passwd', 'utf8');
  }
  const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const fields = line.split(':');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function groupName(gid: number): string {
  try {
    const name = execFileSync('getent', ['group', String(gid)], { encoding: 'utf8' }).split(':')[0];
    if (name) return name;
  } catch {
    // Fall through.
  }
  throw new Error(`DovecotServer: no group name for gid ${gid}`);
}

function gidOf(user: string): number {
  const entry = passwdEntry(user);
  if (!entry) throw new Error(`DovecotServer: no user ${user}`);
  return entry.gid;
}

/** Connects until the server sends its `* OK` greeting; fails after 15 s or when the process exits. */
async function waitForGreeting(host: string, port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`dovecot exited before it answered on ${host}:${port}`);
    try {
      const greeting = await readGreeting(host, port);
      if (greeting.startsWith('* OK')) return;
      last = `unexpected greeting ${JSON.stringify(greeting)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no IMAP greeting on ${host}:${port} within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

function readGreeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let data = '';
    const finish = (err: Error | null) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(data.split('\r\n')[0]);
    };
    socket.setTimeout(2_000, () => finish(new Error('greeting timed out')));
    socket.on('error', finish);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) finish(null);
    });
    socket.on('end', () => finish(data ? null : new Error('closed without a greeting')));
  });
}

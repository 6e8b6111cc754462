import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../support/harness';

const root = path.resolve(__dirname, '..', '..');

describe('graceful shutdown', () => {
  it('stops accepting, waits for running turns, then closes the database', async () => {
    const running = await startApp();
    const { app } = running;
    const port = new URL(running.baseUrl).port;
    let finishTurn!: () => void;
    const turn = app.tracker.run('conv-1', () => new Promise<void>((resolve) => (finishTurn = resolve)));

    const stopping = app.shutdown('test');
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(stopped).toBe(false);
    expect(await app.database.ping()).toBe(true);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);

    finishTurn();
    await turn;
    await stopping;
    expect(await app.database.ping()).toBe(false);
    await running.testDatabase?.dispose();
  });

  it('the server process exits cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-sigterm-'));
    const port = 30000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'app/main.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'info', DOTENV_CONFIG_QUIET: 'true', ADMIN_EMAIL: 'admin@ejemplo.gob.mx', ADMIN_PASSWORD: 'contraseña-de-prueba-123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      let ready = false;
      while (!ready && Date.now() < deadline) {
        ready = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ready).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/"msg":"shutting down"/);
      expect(out).toMatch(/"msg":"stopped"/);
      expect(out).toMatch(/canal twilio: apagado: faltan TWILIO_ACCOUNT_SID/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/** A real SMTP server on loopback that parses what it receives and can refuse with 451 on demand. */
export class LoopbackSmtpServer {
  readonly received: ParsedMail[] = [];
  /** `rcpt`/`data`: answer 451 at that step; `accept`: take the message. */
  refuse: 'accept' | 'rcpt' | 'data' = 'accept';
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1_000,
    onRcptTo: (_address, _session, callback) => callback(this.refuse === 'rcpt' ? tempFailure() : null),
    onData: (stream, _session, callback) => {
      simpleParser(stream).then(
        (mail) => {
          if (this.refuse === 'data') return callback(tempFailure());
          this.received.push(mail);
          callback(null);
        },
        (err: Error) => callback(err),
      );
    },
  });

  /** Resolves once `count` messages arrived (or rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ParsedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`SMTP: ${this.received.length} of ${count} messages arrived`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.received;
  }

  /** The port it listens on. */
  get port(): number {
    const address = this.server.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function tempFailure(): SMTPServerError {
  return Object.assign(new Error('4.3.0 Sistema ocupado, intente más tarde'), { responseCode: 451 });
}


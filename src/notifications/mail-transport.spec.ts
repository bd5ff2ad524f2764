import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { createMailTransport, mailSender } from './mail-transport.js';

interface SmtpSession {
  commands: string[];
  data: string;
}

/** Just enough of an SMTP server (RFC 5321: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) to receive one message. */
async function startSmtpServer(): Promise<{ server: Server; port: number; sessions: SmtpSession[] }> {
  const sessions: SmtpSession[] = [];
  const server = createServer((socket: Socket) => {
    const session: SmtpSession = { commands: [], data: '' };
    sessions.push(session);
    let buffer = '';
    let inData = false;
    socket.write('220 test.local ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          session.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        session.commands.push(line);
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO') socket.write('250-test.local\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') socket.write('235 2.7.0 accepted\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sessions };
}

const mail = {
  id: '6f1c5d2e-8a3b-4c7d-9e0f-1a2b3c4d5e6f',
  to: 'buyer@example.com',
  subject: 'Consent withdrawn',
  text: 'A capture was withdrawn.\n.leading dot',
};

describe('mail transports', () => {
  it('sends through an SMTP server with the URL’s credentials', async () => {
    const smtp = await startSmtpServer();
    try {
      const config = loadConfig({
        DATA_DIR: tmpdir(),
        SMTP_URL: `smtp://mailer:s3cret@127.0.0.1:${smtp.port}`,
        PUBLIC_URL: 'https://market.example',
      });
      const transport = createMailTransport(config);
      expect(transport.kind).toBe('smtp');
      await transport.send({ ...mail, from: mailSender(config) });
      const [session] = smtp.sessions;
      expect(session.commands).toEqual(
        expect.arrayContaining([
          `AUTH PLAIN ${Buffer.from('\0mailer\0s3cret').toString('base64')}`,
          'MAIL FROM:<no-reply@market.example>',
          'RCPT TO:<buyer@example.com>',
          'DATA',
        ]),
      );
      expect(session.data).toContain('To: buyer@example.com');
      expect(session.data).toContain('Subject: Consent withdrawn');
      expect(session.data).toContain(`Message-ID: <${mail.id}@market.example>`);
      // A line starting with a dot is dot-stuffed on the wire.
      expect(session.data).toContain('\r\n..leading dot');
    } finally {
      smtp.server.close();
    }
  });

  it('fails when the SMTP server cannot be reached, so the outbox retries', async () => {
    const smtp = await startSmtpServer();
    const { port } = smtp;
    await new Promise((resolve) => smtp.server.close(resolve));
    const transport = createMailTransport(loadConfig({ DATA_DIR: tmpdir(), SMTP_URL: `smtp://127.0.0.1:${port}` }));
    await expect(transport.send({ ...mail, from: 'a@b.example' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('writes each message as <id>.eml into MAIL_DIR (default DATA_DIR/mail), readable by its owner only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mail-test-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://market.example' });
      const transport = createMailTransport(config);
      expect(transport.kind).toBe('folder');
      await transport.send({ ...mail, from: mailSender(config) });
      const folder = join(dataDir, 'mail');
      expect(readdirSync(folder)).toEqual([`${mail.id}.eml`]);
      const written = readFileSync(join(folder, `${mail.id}.eml`), 'utf8');
      expect(written).toContain('From: no-reply@market.example');
      expect(written).toContain('To: buyer@example.com');
      expect(written).toContain('\n.leading dot');
      expect(statSync(join(folder, `${mail.id}.eml`)).mode & 0o777).toBe(0o600);
      const other = join(dataDir, 'elsewhere');
      await createMailTransport(loadConfig({ DATA_DIR: dataDir, MAIL_DIR: other })).send({ ...mail, from: 'a@b.example' });
      expect(readdirSync(other)).toEqual([`${mail.id}.eml`]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/app-config.js';

export interface OutgoingMail {
  /** The outbox row's id: names the written file, and the Message-ID, so a resend is recognisable. */
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Where e-mail goes: an SMTP server (SMTP_URL), or .eml files in a folder (the embedded default). */
export interface MailTransport {
  readonly kind: 'smtp' | 'folder';
  send(mail: OutgoingMail): Promise<void>;
}

function messageOf(mail: OutgoingMail, host: string) {
  return { from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: `<${mail.id}@${host}>` };
}

/** Sends through an SMTP server with nodemailer (STARTTLS when the server offers it; smtps:// for TLS from the start). */
class SmtpMailTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly host: string,
  ) {
    this.transporter = nodemailer.createTransport(url);
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail(messageOf(mail, this.host));
  }
}

/** Writes each message, as an SMTP server would receive it, to `<folder>/<id>.eml` (readable by the service's user only). */
class FolderMailTransport implements MailTransport {
  readonly kind = 'folder';
  private readonly transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    readonly folder: string,
    private readonly host: string,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transporter.sendMail(messageOf(mail, this.host))) as { message: Buffer };
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.folder, `${mail.id}.eml`), info.message, { mode: 0o600 });
  }
}

export function mailFolder(config: AppConfig): string {
  return resolve(config.MAIL_DIR ?? join(config.DATA_DIR, 'mail'));
}

export function mailSender(config: AppConfig): string {
  return config.MAIL_FROM ?? `no-reply@${new URL(config.publicUrl).hostname}`;
}

export function createMailTransport(config: AppConfig): MailTransport {
  const host = new URL(config.publicUrl).hostname;
  return config.SMTP_URL ? new SmtpMailTransport(config.SMTP_URL, host) : new FolderMailTransport(mailFolder(config), host);
}

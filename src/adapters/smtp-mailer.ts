import type { Transporter } from 'nodemailer';
import { createTransport } from 'nodemailer';
import { TransientError } from '../domain/transient-error';
import type { MailMessage, Mailer } from '../ports/mailer';

/** SMTP through nodemailer: the local stack's mail catcher, or any relay a deployment prefers. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: { host: string; port: number; from: string }) {
    this.transport = createTransport({ host: options.host, port: options.port, secure: false, ignoreTLS: true });
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.options.from, ...message });
    } catch (error) {
      throw new TransientError(`SMTP send failed: ${(error as { code?: string }).code ?? (error as Error).message}`);
    }
  }
}

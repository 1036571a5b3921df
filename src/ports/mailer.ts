export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends e-mail (Azure Communication Services in production, SMTP locally). Transient faults throw. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

import type { TokenCredential } from '@azure/core-auth';
import { EmailClient } from '@azure/communication-email';
import { TransientError } from '../domain/transient-error';
import type { MailMessage, Mailer } from '../ports/mailer';

/** Azure Communication Services Email with the app's managed identity (no access key). */
export class AcsMailer implements Mailer {
  private readonly client: EmailClient;

  constructor(
    endpoint: string,
    credential: TokenCredential,
    private readonly sender: string,
  ) {
    this.client = new EmailClient(endpoint, credential);
  }

  async send(message: MailMessage): Promise<void> {
    try {
      const poller = await this.client.beginSend({
        senderAddress: this.sender,
        recipients: { to: [{ address: message.to }] },
        content: { subject: message.subject, plainText: message.text, html: message.html },
      });
      const result = await poller.pollUntilDone();
      if (result.status !== 'Succeeded') throw new Error(`status ${result.status}`);
    } catch (error) {
      throw new TransientError(`ACS e-mail send failed: ${(error as Error).message}`);
    }
  }
}

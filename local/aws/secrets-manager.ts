// The local Secrets Manager: the template's secrets with values for this machine (the sandboxes'
// credentials), kept in a git-ignored file so they are stable between runs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface LocalSecret {
  arn: string;
  name: string;
  value: string;
  createdDate: number;
  versionId: string;
}

export class LocalSecretsManager {
  private readonly secrets = new Map<string, LocalSecret>();

  constructor(private readonly file?: string) {}

  /** Values saved by an earlier run, by secret name. */
  savedValues(): Record<string, string> {
    return this.file && existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>)
      : {};
  }

  define(name: string, arn: string, value: string): void {
    this.secrets.set(name, { arn, name, value, createdDate: Date.now(), versionId: crypto.randomUUID() });
    this.save();
  }

  get(secretId: string): LocalSecret | undefined {
    return this.secrets.get(secretId) ?? [...this.secrets.values()].find((s) => s.arn === secretId);
  }

  put(secretId: string, value: string): LocalSecret | undefined {
    const secret = this.get(secretId);
    if (!secret) return undefined;
    Object.assign(secret, { value, versionId: crypto.randomUUID() });
    this.save();
    return secret;
  }

  list(): LocalSecret[] {
    return [...this.secrets.values()];
  }

  private save(): void {
    if (!this.file) return;
    writeFileSync(
      this.file,
      JSON.stringify(Object.fromEntries([...this.secrets].map(([name, s]) => [name, s.value])), null, 2),
      {
        mode: 0o600,
      },
    );
  }
}

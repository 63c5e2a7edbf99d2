// A bearer token kept per function instance, shared by every connector that signs in with one
// (OAuth 2.0 client credentials and the like): requested once however many calls wait for it,
// renewed once it expires, and forgotten when the system refuses it.

export interface AccessToken {
  value: string;
  /** When to stop using it: the connector sets this a little before the real expiry. */
  expiresAt: number;
}

export class TokenCache {
  private pending?: Promise<AccessToken>;
  private expiresAt = 0;
  private value?: string;

  constructor(private readonly request: () => Promise<AccessToken>) {}

  /** The token to call with; calls made while a request is pending share it. */
  current(): Promise<AccessToken> {
    if (!this.pending || this.expiresAt <= Date.now()) {
      this.expiresAt = Number.POSITIVE_INFINITY;
      const pending = this.request().then(
        (token) => {
          if (this.pending === pending) {
            this.expiresAt = token.expiresAt;
            this.value = token.value;
          }
          return token;
        },
        (error: unknown) => {
          if (this.pending === pending) this.forget();
          throw error;
        },
      );
      this.pending = pending;
    }
    return this.pending;
  }

  /** Forgets a token the system refused, unless a concurrent call already replaced it. */
  discard(token: AccessToken): void {
    if (this.value === token.value) this.forget();
  }

  private forget(): void {
    this.pending = undefined;
    this.expiresAt = 0;
    this.value = undefined;
  }
}

// The ORM methods the hub uses, over whichever transport the settings choose. Credentials are read
// once per function instance; a refused key is read again once (it may have been rotated) before
// the refusal becomes CONNECTION_REJECTED.
import * as z from 'zod';
import { BusinessException } from '../../domain/errors';
import { parseValue } from '../../platform/http';
import { readJsonSecret } from '../../platform/secrets';
import { type OdooSettings, odooCredentialsSchema } from './credentials';
import {
  Json2Transport,
  JsonRpcTransport,
  type Kwargs,
  OdooFault,
  type OdooTransport,
  SYSTEM_TITLE,
} from './transport';

export type Domain = [string, '=' | 'in', unknown][];

/** Odoo answers `false` for an empty field, whatever its type. */
export const orFalse = <T extends z.ZodType>(schema: T) => z.union([schema, z.literal(false)]);
/** A many2one as Odoo reads it: [id, display name], or false. */
export const many2one = orFalse(z.tuple([z.number().int(), z.string()]));

export class OdooClient {
  private transport?: Promise<OdooTransport>;
  /** Ids of reference records (countries, currencies) found so far: they do not change under a warm function. */
  private readonly referenceIds = new Map<string, number>();

  constructor(
    private readonly secretId: string,
    private readonly settings: OdooSettings,
  ) {}

  searchRead<T>(model: string, domain: Domain, fields: string[], schema: z.ZodType<T>, limit?: number): Promise<T[]> {
    return this.typed(model, 'search_read', { domain, fields, ...(limit ? { limit } : {}) }, z.array(schema));
  }

  /** The id of the reference record whose `field` is `value`, asked of Odoo once per function instance. */
  async referenceId(model: string, field: string, value: string): Promise<number | undefined> {
    const key = `${model}|${field}|${value}`;
    const known = this.referenceIds.get(key);
    if (known !== undefined) return known;
    const [record] = await this.searchRead(model, [[field, '=', value]], ['id'], z.object({ id: z.number().int() }), 1);
    if (record) this.referenceIds.set(key, record.id);
    return record?.id;
  }

  read<T>(model: string, ids: number[], fields: string[], schema: z.ZodType<T>): Promise<T[]> {
    return this.typed(model, 'read', { ids, fields }, z.array(schema));
  }

  async create(model: string, vals: Record<string, unknown>): Promise<number> {
    const ids = await this.typed(model, 'create', { vals_list: [vals] }, z.array(z.number().int()).length(1));
    return ids[0];
  }

  async write(model: string, ids: number[], vals: Record<string, unknown>): Promise<void> {
    await this.typed(model, 'write', { ids, vals }, z.literal(true));
  }

  private async typed<T>(model: string, method: string, kwargs: Kwargs, schema: z.ZodType<T>): Promise<T> {
    return parseValue(await this.call(model, method, kwargs), schema, SYSTEM_TITLE, `${model}.${method}`);
  }

  private async call(model: string, method: string, kwargs: Kwargs): Promise<unknown> {
    try {
      return await (await this.connect()).call(model, method, kwargs);
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
    this.transport = undefined;
    try {
      return await (await this.connect({ fresh: true })).call(model, method, kwargs);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      throw this.rejected(error as OdooFault, `${model}.${method}`);
    }
  }

  private rejected(fault: OdooFault, where: string): BusinessException {
    if (fault.is('AccessError')) {
      return new BusinessException(
        'CONNECTION_REJECTED',
        `Odoo refused ${where} to the integration user (${fault.odooMessage}); give the user the access rights Odoo names (Sales: User, Contacts).`,
        { cause: fault },
      );
    }
    if (fault.is('NotFound')) {
      return new BusinessException(
        'CONNECTION_REJECTED',
        `Odoo has no ${this.settings.protocol} API or database at the address in secret ${this.secretId} (${fault.odooMessage}); check baseUrl and database, and use protocol 'json-rpc' for Odoo before 19.`,
        { cause: fault },
      );
    }
    return new BusinessException(
      'CONNECTION_REJECTED',
      `Odoo refused the API key in secret ${this.secretId} (${fault.odooMessage}); the key may be wrong or expired: generate a new API key for the integration user (Preferences > Account Security) and put it in the secret.`,
      { cause: fault },
    );
  }

  private connect(options: { fresh?: boolean } = {}): Promise<OdooTransport> {
    this.transport ??= readJsonSecret(this.secretId, odooCredentialsSchema, options)
      .then((credentials) =>
        this.settings.protocol === 'json-rpc' ? new JsonRpcTransport(credentials) : new Json2Transport(credentials),
      )
      .catch((error) => {
        this.transport = undefined;
        throw error;
      });
    return this.transport;
  }
}

/** Answers about the connection rather than the call: retried once with fresh credentials. */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof OdooFault)) return false;
  return error.is('AccessDenied') || error.is('AccessError') || (error.is('NotFound') && error.status === 404);
}

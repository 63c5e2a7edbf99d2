// Which ERP receives an order: configuration, not code. Rules match on the canonical order (the
// billing country or a named region of countries, legal entity, business unit, currency); the
// first rule that matches wins, otherwise the default. A route may name a shadow ERP that gets
// the same order for comparison during a cutover. Checked at synth (lib/systems.ts) and read by
// the RouteOrder step from its environment.
import * as z from 'zod';
import { countryCode, currencyCode } from './canonical/constraints';
import type { SalesOrderV1 } from './canonical/sales-order';

const systemName = z.string().min(1);
const values = <T extends z.ZodType<string>>(value: T) => z.array(value).min(1);

const destination = z.strictObject({
  target: systemName,
  /** Also receives every order of this route; compared with the target, never written back. */
  shadow: systemName.optional(),
});

const condition = z
  .strictObject({
    country: values(countryCode).optional(),
    region: values(z.string().min(1)).optional(),
    currency: values(currencyCode).optional(),
    legalEntity: values(z.string().min(1)).optional(),
    businessUnit: values(z.string().min(1)).optional(),
  })
  .refine((when) => Object.keys(when).length > 0, { message: 'a rule needs at least one condition' });

const rule = destination.extend({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'rule names are lowercase letters, digits and dashes'),
  when: condition,
});

export const routingSchema = z
  .strictObject({
    /** Named groups of countries, e.g. "emea": ["DE", "FR", ...], for rules on regions. */
    regions: z.record(z.string().min(1), values(countryCode)).default({}),
    rules: z.array(rule).default([]),
    default: destination,
  })
  .superRefine((routing, context) => {
    const names = new Set<string>();
    routing.rules.forEach((r, index) => {
      if (names.has(r.name))
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'name'],
          message: `rule '${r.name}' is defined twice`,
        });
      names.add(r.name);
      for (const region of r.when.region ?? []) {
        if (!Object.hasOwn(routing.regions, region)) {
          context.addIssue({
            code: 'custom',
            path: ['rules', index, 'when', 'region'],
            message: `region '${region}' is not defined under regions`,
          });
        }
      }
    });
    for (const [index, route] of [...routing.rules.entries(), [-1, routing.default] as const]) {
      if (route.shadow && route.shadow === route.target) {
        context.addIssue({
          code: 'custom',
          path: index === -1 ? ['default', 'shadow'] : ['rules', index, 'shadow'],
          message: 'the shadow ERP must differ from the target',
        });
      }
    }
  });

export type Routing = z.infer<typeof routingSchema>;
export type RoutingInput = z.input<typeof routingSchema>;

export interface Route {
  target: string;
  shadow?: string;
  /** The rule that chose the route, or 'default'. */
  rule: string;
}

/** Every ERP a routing can send orders to, as target or shadow. */
export function routedSystems(routing: Routing): string[] {
  const routes = [...routing.rules, routing.default];
  return [...new Set(routes.flatMap((r) => (r.shadow ? [r.target, r.shadow] : [r.target])))];
}

export function chooseRoute(routing: Routing, order: SalesOrderV1): Route {
  const country = order.customer.billingAddress.country;
  const inRegion = (name: string) => routing.regions[name]?.includes(country) ?? false;
  const matches = (when: z.infer<typeof condition>) =>
    (!when.country || when.country.includes(country)) &&
    (!when.region || when.region.some(inRegion)) &&
    (!when.currency || when.currency.includes(order.currency)) &&
    (!when.legalEntity || when.legalEntity.includes(order.organization?.legalEntity ?? '')) &&
    (!when.businessUnit || when.businessUnit.includes(order.organization?.businessUnit ?? ''));
  const chosen = routing.rules.find((r) => matches(r.when));
  const { target, shadow } = chosen ?? routing.default;
  return { target, ...(shadow ? { shadow } : {}), rule: chosen?.name ?? 'default' };
}

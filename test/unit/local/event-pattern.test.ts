import { describe, expect, it } from 'vitest';
import {
  type EventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
} from '../../../local/eventbridge/event-pattern';

interface Row {
  name: string;
  pattern: object | string;
  event: unknown;
  expected: boolean;
}

/** A full EventBridge envelope (shape of the EC2 example in "Amazon EventBridge event patterns"). */
function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
    ...overrides,
  };
}

const withDetail = (detail: unknown): Record<string, unknown> => envelope({ detail });

// "Amazon EventBridge event patterns" + "Creating event patterns": pattern fields must all be present with the
// same nesting, event fields not in the pattern are ignored, values are exact and case-sensitive, leaf arrays
// OR their values, the last duplicate key wins, and "." joins field names (so dotted keys equal nesting).
const basics: Row[] = [
  {
    name: 'EC2 instance-termination example matches',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: envelope(),
    expected: true,
  },
  {
    name: 'EC2 example does not match another state',
    pattern: { source: ['aws.ec2'], detail: { state: ['running'] } },
    event: envelope(),
    expected: false,
  },
  {
    name: 'any value of the array matches (ec2)',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: envelope(),
    expected: true,
  },
  {
    name: 'any value of the array matches (fargate)',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: envelope({ source: 'aws.fargate' }),
    expected: true,
  },
  {
    name: 'no value of the array matches',
    pattern: { source: ['aws.s3', 'aws.fargate'] },
    event: envelope(),
    expected: false,
  },
  { name: 'empty pattern matches everything', pattern: {}, event: envelope(), expected: true },
  { name: 'empty pattern matches an empty event', pattern: {}, event: {}, expected: true },
  {
    name: 'pattern field absent from the event fails',
    pattern: { detail: { zone: ['a'] } },
    event: envelope(),
    expected: false,
  },
  {
    name: 'top-level pattern field absent fails',
    pattern: { 'no-such-field': ['x'] },
    event: envelope(),
    expected: false,
  },
  { name: 'strings are case-sensitive', pattern: { source: ['AWS.EC2'] }, event: envelope(), expected: false },
  {
    name: 'no string normalisation (trailing space)',
    pattern: { source: ['aws.ec2 '] },
    event: envelope(),
    expected: false,
  },
  {
    name: 'Macie example: risk-score 80 and trigger.risk 8',
    pattern: { source: ['aws.macie'], detail: { 'risk-score': [80], trigger: { risk: [8] } } },
    event: envelope({ source: 'aws.macie', detail: { 'risk-score': 80, trigger: { risk: 8, 'alert-type': 'basic' } } }),
    expected: true,
  },
  {
    name: 'Macie example: nested value differs',
    pattern: { source: ['aws.macie'], detail: { 'risk-score': [80], trigger: { risk: [9] } } },
    event: envelope({ source: 'aws.macie', detail: { 'risk-score': 80, trigger: { risk: 8 } } }),
    expected: false,
  },
  {
    name: 'nesting must match: leaf where the pattern has an object',
    pattern: { detail: { trigger: { risk: [8] } } },
    event: withDetail({ trigger: 8 }),
    expected: false,
  },
  {
    name: 'nesting must match: object where the pattern has a leaf',
    pattern: { detail: { trigger: [8] } },
    event: withDetail({ trigger: { risk: 8 } }),
    expected: false,
  },
  { name: 'number matches number', pattern: { detail: { n: [300] } }, event: withDetail({ n: 300 }), expected: true },
  {
    name: '300 and 3.0e2 are the same JSON-parsed number',
    pattern: '{"detail":{"n":[300]}}',
    event: JSON.parse('{"detail":{"n":3.0e2}}'),
    expected: true,
  },
  {
    name: 'number does not match its string',
    pattern: { detail: { n: ['300'] } },
    event: withDetail({ n: 300 }),
    expected: false,
  },
  {
    name: 'string does not match a number',
    pattern: { detail: { n: [300] } },
    event: withDetail({ n: '300' }),
    expected: false,
  },
  {
    name: 'boolean true matches',
    pattern: { detail: { on: [true] } },
    event: withDetail({ on: true }),
    expected: true,
  },
  {
    name: 'boolean false matches',
    pattern: { detail: { on: [false] } },
    event: withDetail({ on: false }),
    expected: true,
  },
  {
    name: 'true does not match false',
    pattern: { detail: { on: [true] } },
    event: withDetail({ on: false }),
    expected: false,
  },
  {
    name: 'true does not match "true"',
    pattern: { detail: { on: [true] } },
    event: withDetail({ on: 'true' }),
    expected: false,
  },
  {
    name: 'dotted pattern key equals nesting',
    pattern: { detail: { 'trigger.risk': [8] } },
    event: withDetail({ trigger: { risk: 8 } }),
    expected: true,
  },
  {
    name: 'dotted pattern key on the outer level equals nesting',
    pattern: { 'detail.trigger': { risk: [8] } },
    event: withDetail({ trigger: { risk: 8 } }),
    expected: true,
  },
  {
    name: 'dotted event key equals nesting',
    pattern: { detail: { trigger: { risk: [8] } } },
    event: withDetail({ 'trigger.risk': 8 }),
    expected: true,
  },
  {
    name: 'duplicate key: last one wins (matches the last)',
    pattern: '{"detail":{"state":["running"],"state":["terminated"]}}',
    event: envelope(),
    expected: true,
  },
  {
    name: 'duplicate key: last one wins (earlier one ignored)',
    pattern: '{"detail":{"state":["terminated"],"state":["running"]}}',
    event: envelope(),
    expected: false,
  },
  { name: 'non-object event has no fields', pattern: { source: ['aws.ec2'] }, event: 'aws.ec2', expected: false },
  { name: 'null event has no fields', pattern: { source: ['aws.ec2'] }, event: null, expected: false },
];

// "Matching events on null values and empty strings": null and "" are distinct values and not interchangeable.
const autoscaling = withDetail({ eventVersion: '', responseElements: null });
const nullsAndEmptyStrings: Row[] = [
  { name: 'empty string matches ""', pattern: { detail: { eventVersion: [''] } }, event: autoscaling, expected: true },
  { name: 'null matches null', pattern: { detail: { responseElements: [null] } }, event: autoscaling, expected: true },
  {
    name: 'null does not match ""',
    pattern: { detail: { eventVersion: [null] } },
    event: autoscaling,
    expected: false,
  },
  {
    name: '"" does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: autoscaling,
    expected: false,
  },
  {
    name: 'null does not match a missing field',
    pattern: { detail: { other: [null] } },
    event: autoscaling,
    expected: false,
  },
  {
    name: 'null does not match "null"',
    pattern: { detail: { v: [null] } },
    event: withDetail({ v: 'null' }),
    expected: false,
  },
];

// "Arrays in Amazon EventBridge event patterns": when the event value is an array the pattern matches if the
// pattern array and the event array intersect. Objects inside arrays are matched element by element.
const resourcesPattern = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};
const order = (items: unknown[]) => withDetail({ items });
const arrays: Row[] = [
  {
    name: 'doc example: first pattern item equals second event item',
    pattern: resourcesPattern,
    event: envelope({
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    }),
    expected: true,
  },
  {
    name: 'doc example: no intersection',
    pattern: resourcesPattern,
    event: envelope({ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }),
    expected: false,
  },
  {
    name: 'empty event array matches no value',
    pattern: resourcesPattern,
    event: envelope({ resources: [] }),
    expected: false,
  },
  {
    name: 'array of numbers',
    pattern: { detail: { codes: [3] } },
    event: withDetail({ codes: [1, 2, 3] }),
    expected: true,
  },
  {
    name: 'array of numbers, none equal',
    pattern: { detail: { codes: [4] } },
    event: withDetail({ codes: [1, 2, 3] }),
    expected: false,
  },
  {
    name: 'nested arrays are flattened',
    pattern: { detail: { m: ['x'] } },
    event: withDetail({ m: [['a'], ['b', ['x']]] }),
    expected: true,
  },
  {
    name: 'operator applies to each element',
    pattern: { detail: { tags: [{ prefix: 'env:' }] } },
    event: withDetail({ tags: ['team:hub', 'env:prod'] }),
    expected: true,
  },
  {
    name: 'anything-but passes when some element differs',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: withDetail({ state: ['stopped', 'running'] }),
    expected: true,
  },
  {
    name: 'anything-but fails when every element is excluded',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: withDetail({ state: ['stopped', 'stopped'] }),
    expected: false,
  },
  {
    name: 'array of objects: any element',
    pattern: { detail: { items: { sku: ['SKU-DOCK-USB4'] } } },
    event: order([
      { sku: 'SKU-LAPTOP-14', qty: 1 },
      { sku: 'SKU-DOCK-USB4', qty: 2 },
    ]),
    expected: true,
  },
  {
    name: 'array of objects: no element',
    pattern: { detail: { items: { sku: ['SKU-MON-27'] } } },
    event: order([{ sku: 'SKU-LAPTOP-14', qty: 1 }]),
    expected: false,
  },
  {
    name: 'array of objects: both fields from the same element',
    pattern: { detail: { items: { sku: ['SKU-DOCK-USB4'], qty: [2] } } },
    event: order([
      { sku: 'SKU-LAPTOP-14', qty: 1 },
      { sku: 'SKU-DOCK-USB4', qty: 2 },
    ]),
    expected: true,
  },
  {
    name: 'array of objects: fields from different elements do not combine',
    pattern: { detail: { items: { sku: ['SKU-DOCK-USB4'], qty: [1] } } },
    event: order([
      { sku: 'SKU-LAPTOP-14', qty: 1 },
      { sku: 'SKU-DOCK-USB4', qty: 2 },
    ]),
    expected: false,
  },
  {
    name: 'array of objects: a field outside the array combines with any element',
    pattern: { detail: { currency: ['EUR'], items: { qty: [2] } } },
    event: withDetail({ currency: 'EUR', items: [{ qty: 1 }, { qty: 2 }] }),
    expected: true,
  },
  {
    name: 'array of objects: $or alternatives still need one element',
    pattern: { detail: { items: { sku: ['A'], $or: [{ qty: [5] }, { price: [9] }] } } },
    event: order([
      { sku: 'A', qty: 1, price: 1 },
      { sku: 'B', qty: 5, price: 9 },
    ]),
    expected: false,
  },
  {
    name: 'array of objects: $or alternative satisfied by the same element',
    pattern: { detail: { items: { sku: ['B'], $or: [{ qty: [4] }, { price: [9] }] } } },
    event: order([
      { sku: 'A', qty: 1, price: 1 },
      { sku: 'B', qty: 5, price: 9 },
    ]),
    expected: true,
  },
];

// "Comparison operators" / "Content filtering": Prefix matching, and Prefix matching while ignoring case.
const prefix: Row[] = [
  {
    name: 'time starts with 2017-10-02',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: envelope({ time: '2017-10-02T18:43:48Z' }),
    expected: true,
  },
  {
    name: 'time starts with another day',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: envelope({ time: '2017-10-03T18:43:48Z' }),
    expected: false,
  },
  {
    name: 'prefix is case-sensitive',
    pattern: { detail: { region: [{ prefix: 'us-' }] } },
    event: withDetail({ region: 'US-east-1' }),
    expected: false,
  },
  {
    name: 'prefix equal to the whole value',
    pattern: { detail: { region: [{ prefix: 'us-' }] } },
    event: withDetail({ region: 'us-' }),
    expected: true,
  },
  {
    name: 'prefix does not apply to numbers',
    pattern: { detail: { n: [{ prefix: '12' }] } },
    event: withDetail({ n: 123 }),
    expected: false,
  },
  {
    name: 'prefix on a missing field',
    pattern: { detail: { region: [{ prefix: 'us-' }] } },
    event: withDetail({}),
    expected: false,
  },
  ...['EventBridge', 'EVENTBRIDGE', 'eventbridge'].map((service) => ({
    name: `prefix ignoring case: ${service}`,
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: withDetail({ service }),
    expected: true,
  })),
  {
    name: 'prefix ignoring case: different letters',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: withDetail({ service: 'Event Bridge' }),
    expected: false,
  },
];

// "Comparison operators" / "Content filtering": Suffix matching, and Suffix matching while ignoring case.
const suffix: Row[] = [
  {
    name: 'FileName ends with .png',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: withDetail({ FileName: 'photo.png' }),
    expected: true,
  },
  {
    name: 'FileName ends with .jpg',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: withDetail({ FileName: 'photo.jpg' }),
    expected: false,
  },
  {
    name: 'suffix is case-sensitive',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: withDetail({ FileName: 'photo.PNG' }),
    expected: false,
  },
  {
    name: 'suffix ignoring case: .PNG',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: withDetail({ FileName: 'photo.PNG' }),
    expected: true,
  },
  {
    name: 'suffix ignoring case: TBRIDGE',
    pattern: { detail: { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] } },
    event: withDetail({ service: 'EVENTBRIDGE' }),
    expected: true,
  },
  {
    name: 'suffix ignoring case: other ending',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: withDetail({ FileName: 'photo.png.bak' }),
    expected: false,
  },
  {
    name: 'suffix does not apply to numbers',
    pattern: { detail: { n: [{ suffix: '3' }] } },
    event: withDetail({ n: 123 }),
    expected: false,
  },
];

// "Comparison operators" / "Content filtering": Equals-ignore-case matching.
const equalsIgnoreCase: Row[] = [
  ...['alice', 'Alice', 'ALICE'].map((Name) => ({
    name: `equals-ignore-case: ${Name}`,
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: withDetail({ Name }),
    expected: true,
  })),
  {
    name: 'equals-ignore-case: different name',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: withDetail({ Name: 'Alicia' }),
    expected: false,
  },
  {
    name: 'equals-ignore-case: not a prefix match',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'ali' }] } },
    event: withDetail({ Name: 'Alice' }),
    expected: false,
  },
  {
    name: 'equals-ignore-case: number value',
    pattern: { detail: { Name: [{ 'equals-ignore-case': '1' }] } },
    event: withDetail({ Name: 1 }),
    expected: false,
  },
];

// "Comparison operators" / "Content filtering": Wildcard matching (`*` only, `\*` and `\\` escapes).
const wildcard: Row[] = [
  {
    name: 'event bus ARN in any account',
    pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    event: withDetail({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }),
    expected: true,
  },
  {
    name: 'event bus ARN in another region',
    pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    event: withDetail({ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' }),
    expected: false,
  },
  {
    name: 'dir/*.png matches a file',
    pattern: { detail: { key: [{ wildcard: 'dir/*.png' }] } },
    event: withDetail({ key: 'dir/image.png' }),
    expected: true,
  },
  {
    name: 'dir/*.png spans "/"',
    pattern: { detail: { key: [{ wildcard: 'dir/*.png' }] } },
    event: withDetail({ key: 'dir/sub/image.png' }),
    expected: true,
  },
  {
    name: 'dir/*.png with another extension',
    pattern: { detail: { key: [{ wildcard: 'dir/*.png' }] } },
    event: withDetail({ key: 'dir/image.jpg' }),
    expected: false,
  },
  {
    name: '* matches the empty run',
    pattern: { detail: { key: [{ wildcard: 'dir/*.png' }] } },
    event: withDetail({ key: 'dir/.png' }),
    expected: true,
  },
  {
    name: 'lone * matches any string',
    pattern: { detail: { key: [{ wildcard: '*' }] } },
    event: withDetail({ key: '' }),
    expected: true,
  },
  {
    name: 'lone * does not match a number',
    pattern: { detail: { key: [{ wildcard: '*' }] } },
    event: withDetail({ key: 5 }),
    expected: false,
  },
  {
    name: 'no * is an exact match',
    pattern: { detail: { key: [{ wildcard: 'abc' }] } },
    event: withDetail({ key: 'abc' }),
    expected: true,
  },
  {
    name: 'no * is not a prefix match',
    pattern: { detail: { key: [{ wildcard: 'abc' }] } },
    event: withDetail({ key: 'abcd' }),
    expected: false,
  },
  {
    name: 'several * in order',
    pattern: { detail: { key: [{ wildcard: 'a*b*c' }] } },
    event: withDetail({ key: 'a-b-c' }),
    expected: true,
  },
  {
    name: 'several * out of order',
    pattern: { detail: { key: [{ wildcard: 'a*b*c' }] } },
    event: withDetail({ key: 'a-c-b' }),
    expected: false,
  },
  {
    name: 'literal parts may not overlap',
    pattern: { detail: { key: [{ wildcard: 'ab*ba' }] } },
    event: withDetail({ key: 'aba' }),
    expected: false,
  },
  {
    name: 'wildcard is case-sensitive',
    pattern: { detail: { key: [{ wildcard: 'Dir/*' }] } },
    event: withDetail({ key: 'dir/x' }),
    expected: false,
  },
  {
    name: '\\* is a literal star',
    pattern: { detail: { key: [{ wildcard: 'a\\*b' }] } },
    event: withDetail({ key: 'a*b' }),
    expected: true,
  },
  {
    name: '\\* does not match other characters',
    pattern: { detail: { key: [{ wildcard: 'a\\*b' }] } },
    event: withDetail({ key: 'axb' }),
    expected: false,
  },
  {
    name: '\\\\ is a literal backslash',
    pattern: { detail: { key: [{ wildcard: 'c:\\\\*' }] } },
    event: withDetail({ key: 'c:\\temp' }),
    expected: true,
  },
  {
    name: 'escaped star next to a wildcard',
    pattern: { detail: { key: [{ wildcard: '\\**' }] } },
    event: withDetail({ key: '*note' }),
    expected: true,
  },
];

// "Comparison operators" / "Content filtering": Anything-but matching (values, lists, prefix, suffix,
// ignore case, wildcard). The field must be present; a null value is "anything but" a string (as AWS does).
const anythingBut: Row[] = [
  {
    name: 'string: other state',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({ state: 'running' }),
    expected: true,
  },
  {
    name: 'string: excluded state',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({ state: 'initializing' }),
    expected: false,
  },
  {
    name: 'number: other value',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: withDetail({ 'x-limit': 456 }),
    expected: true,
  },
  {
    name: 'number: excluded value',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: withDetail({ 'x-limit': 123 }),
    expected: false,
  },
  {
    name: 'string list: other',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: withDetail({ state: 'running' }),
    expected: true,
  },
  {
    name: 'string list: excluded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: withDetail({ state: 'overloaded' }),
    expected: false,
  },
  {
    name: 'number list: other',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 150 }),
    expected: true,
  },
  {
    name: 'number list: excluded',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 200 }),
    expected: false,
  },
  {
    name: 'missing field does not match',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({}),
    expected: false,
  },
  {
    name: 'null value matches',
    pattern: { detail: { command: [{ 'anything-but': ['no-message'] }] } },
    event: withDetail({ command: null }),
    expected: true,
  },
  {
    name: 'number is anything but a string',
    pattern: { detail: { state: [{ 'anything-but': '5' }] } },
    event: withDetail({ state: 5 }),
    expected: true,
  },
  {
    name: 'object value is not a leaf',
    pattern: { detail: { state: [{ 'anything-but': 'x' }] } },
    event: withDetail({ state: { code: 'y' } }),
    expected: false,
  },
  {
    name: 'prefix: other',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'running' }),
    expected: true,
  },
  {
    name: 'prefix: excluded',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'initializing' }),
    expected: false,
  },
  {
    name: 'prefix: region outside the US',
    pattern: { detail: { Region: [{ 'anything-but': { prefix: 'us-' } }] } },
    event: withDetail({ Region: 'eu-west-1' }),
    expected: true,
  },
  {
    name: 'suffix: other',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: withDetail({ FileName: 'a.jpg' }),
    expected: true,
  },
  {
    name: 'suffix: excluded',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: withDetail({ FileName: 'a.png' }),
    expected: false,
  },
  {
    name: 'equals-ignore-case: other',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: withDetail({ state: 'running' }),
    expected: true,
  },
  {
    name: 'equals-ignore-case: excluded in another case',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: withDetail({ state: 'INITIALIZING' }),
    expected: false,
  },
  {
    name: 'equals-ignore-case list: excluded',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }] } },
    event: withDetail({ state: 'stopped' }),
    expected: false,
  },
  {
    name: 'wildcard: path without /lib/',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: withDetail({ FilePath: '/usr/bin/app' }),
    expected: true,
  },
  {
    name: 'wildcard: path with /lib/',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: withDetail({ FilePath: '/usr/lib/app.jar' }),
    expected: false,
  },
  {
    name: 'wildcard list: excluded by the second',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }] } },
    event: withDetail({ FilePath: '/home/x.tmp' }),
    expected: false,
  },
];

// "Comparison operators" / "Content filtering": Numeric matching (JSON numbers only, =, <, <=, >, >=, ranges).
const numericDoc = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};
const counts = (c: unknown, d: unknown, x: unknown) => withDetail({ 'c-count': c, 'd-count': d, 'x-limit': x });
const numeric: Row[] = [
  { name: 'doc example: all fields in range', pattern: numericDoc, event: counts(5, 9, 301.8), expected: true },
  {
    name: 'doc example: c-count at the open lower bound',
    pattern: numericDoc,
    event: counts(0, 9, 301.8),
    expected: false,
  },
  {
    name: 'doc example: c-count above the upper bound',
    pattern: numericDoc,
    event: counts(6, 9, 301.8),
    expected: false,
  },
  { name: 'doc example: d-count not below 10', pattern: numericDoc, event: counts(1, 10, 301.8), expected: false },
  { name: 'doc example: x-limit not equal', pattern: numericDoc, event: counts(1, 1, 301.9), expected: false },
  {
    name: 'doc example: numeric string is not a number',
    pattern: numericDoc,
    event: counts('5', 9, 301.8),
    expected: false,
  },
  {
    name: '= equal',
    pattern: { detail: { p: [{ numeric: ['=', 100] }] } },
    event: withDetail({ p: 100 }),
    expected: true,
  },
  {
    name: '= written differently',
    pattern: { detail: { p: [{ numeric: ['=', 1e2] }] } },
    event: withDetail({ p: 100.0 }),
    expected: true,
  },
  {
    name: '= not equal',
    pattern: { detail: { p: [{ numeric: ['=', 100] }] } },
    event: withDetail({ p: 100.5 }),
    expected: false,
  },
  {
    name: '< below',
    pattern: { detail: { p: [{ numeric: ['<', 0] }] } },
    event: withDetail({ p: -1 }),
    expected: true,
  },
  {
    name: '< at the bound',
    pattern: { detail: { p: [{ numeric: ['<', 0] }] } },
    event: withDetail({ p: 0 }),
    expected: false,
  },
  {
    name: '<= at the bound',
    pattern: { detail: { p: [{ numeric: ['<=', 0] }] } },
    event: withDetail({ p: 0 }),
    expected: true,
  },
  {
    name: '> at the bound',
    pattern: { detail: { p: [{ numeric: ['>', 10] }] } },
    event: withDetail({ p: 10 }),
    expected: false,
  },
  {
    name: '>= at the bound',
    pattern: { detail: { p: [{ numeric: ['>=', 10] }] } },
    event: withDetail({ p: 10 }),
    expected: true,
  },
  {
    name: 'range >10 <=20 inside',
    pattern: { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
    event: withDetail({ Price: 20 }),
    expected: true,
  },
  {
    name: 'range >10 <=20 outside',
    pattern: { detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } },
    event: withDetail({ Price: 20.5 }),
    expected: false,
  },
  {
    name: 'fractional bounds',
    pattern: { detail: { p: [{ numeric: ['>=', 0.5, '<', 0.75] }] } },
    event: withDetail({ p: 0.625 }),
    expected: true,
  },
  {
    name: 'negative range',
    pattern: { detail: { p: [{ numeric: ['>', -5, '<', -1] }] } },
    event: withDetail({ p: -3 }),
    expected: true,
  },
  {
    name: 'boolean is not a number',
    pattern: { detail: { p: [{ numeric: ['>', 0] }] } },
    event: withDetail({ p: true }),
    expected: false,
  },
  {
    name: 'null is not a number',
    pattern: { detail: { p: [{ numeric: ['<', 1] }] } },
    event: withDetail({ p: null }),
    expected: false,
  },
  {
    name: 'missing field',
    pattern: { detail: { p: [{ numeric: ['>', 0] }] } },
    event: withDetail({}),
    expected: false,
  },
  {
    name: 'event value at the documented limit',
    pattern: { detail: { p: [{ numeric: ['>', 0] }] } },
    event: withDetail({ p: 5e9 }),
    expected: true,
  },
  {
    name: 'event value beyond the documented limit',
    pattern: { detail: { p: [{ numeric: ['>', 0] }] } },
    event: withDetail({ p: 6e9 }),
    expected: false,
  },
  {
    name: 'array with one value in range',
    pattern: { detail: { p: [{ numeric: ['>', 10] }] } },
    event: withDetail({ p: [1, 2, 30] }),
    expected: true,
  },
];

// "Comparison operators" / "Content filtering": IP address matching (IPv4 and IPv6 CIDR blocks).
const cidr: Row[] = [
  {
    name: 'IPv4 inside /24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.0.255' }),
    expected: true,
  },
  {
    name: 'IPv4 network address',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.0.0' }),
    expected: true,
  },
  {
    name: 'IPv4 outside /24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ sourceIPAddress: '10.0.1.0' }),
    expected: false,
  },
  {
    name: 'IPv4 /32 exact',
    pattern: { detail: { ip: [{ cidr: '192.168.1.7/32' }] } },
    event: withDetail({ ip: '192.168.1.7' }),
    expected: true,
  },
  {
    name: 'IPv4 /32 other',
    pattern: { detail: { ip: [{ cidr: '192.168.1.7/32' }] } },
    event: withDetail({ ip: '192.168.1.8' }),
    expected: false,
  },
  {
    name: 'IPv4 /0 matches any IPv4',
    pattern: { detail: { ip: [{ cidr: '0.0.0.0/0' }] } },
    event: withDetail({ ip: '203.0.113.9' }),
    expected: true,
  },
  {
    name: 'IPv4 /12 boundary',
    pattern: { detail: { ip: [{ cidr: '172.16.0.0/12' }] } },
    event: withDetail({ ip: '172.31.255.255' }),
    expected: true,
  },
  {
    name: 'IPv4 /12 just outside',
    pattern: { detail: { ip: [{ cidr: '172.16.0.0/12' }] } },
    event: withDetail({ ip: '172.32.0.0' }),
    expected: false,
  },
  {
    name: 'not an IP address',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    event: withDetail({ ip: 'ten.0.0.1' }),
    expected: false,
  },
  {
    name: 'octet out of range',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    event: withDetail({ ip: '10.0.0.256' }),
    expected: false,
  },
  {
    name: 'number is not an IP address',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    event: withDetail({ ip: 10 }),
    expected: false,
  },
  {
    name: 'IPv6 inside /32',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
    event: withDetail({ ip: '2001:db8:1::1' }),
    expected: true,
  },
  {
    name: 'IPv6 outside /32',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
    event: withDetail({ ip: '2001:db9::1' }),
    expected: false,
  },
  {
    name: 'IPv6 full form',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/64' }] } },
    event: withDetail({ ip: '2001:0DB8:0000:0000:ffff:0:0:1' }),
    expected: true,
  },
  {
    name: 'IPv6 embedded IPv4',
    pattern: { detail: { ip: [{ cidr: '::ffff:10.0.0.0/120' }] } },
    event: withDetail({ ip: '::ffff:10.0.0.42' }),
    expected: true,
  },
  {
    name: 'IPv4 value against an IPv6 block',
    pattern: { detail: { ip: [{ cidr: '::/0' }] } },
    event: withDetail({ ip: '10.0.0.1' }),
    expected: false,
  },
  {
    name: 'IPv6 value against an IPv4 block',
    pattern: { detail: { ip: [{ cidr: '0.0.0.0/0' }] } },
    event: withDetail({ ip: '::1' }),
    expected: false,
  },
];

// "Comparison operators" / "Content filtering": Exists matching, which works on leaf nodes only.
const exists: Row[] = [
  {
    name: 'exists true: field present',
    pattern: { detail: { state: [{ exists: true }] } },
    event: withDetail({ 'instance-id': 'i-abcd1111', state: 'pending' }),
    expected: true,
  },
  {
    name: 'exists true: field absent',
    pattern: { detail: { state: [{ exists: true }] } },
    event: withDetail({ 'c-count': { c1: 100 } }),
    expected: false,
  },
  {
    name: 'exists false: field absent',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: withDetail({ state: ['initializing', 'running'] }),
    expected: true,
  },
  {
    name: 'exists false: field present',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: withDetail({ 'c-count': 3 }),
    expected: false,
  },
  {
    name: 'exists false: object is not a leaf',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: withDetail({ 'c-count': { c1: 100 } }),
    expected: true,
  },
  {
    name: 'exists true: object is not a leaf',
    pattern: { detail: { 'c-count': [{ exists: true }] } },
    event: withDetail({ 'c-count': { c1: 100 } }),
    expected: false,
  },
  {
    name: 'exists true: null value exists',
    pattern: { detail: { foo: [{ exists: true }] } },
    event: withDetail({ foo: null }),
    expected: true,
  },
  {
    name: 'exists false: null value exists',
    pattern: { detail: { foo: [{ exists: false }] } },
    event: withDetail({ foo: null }),
    expected: false,
  },
  {
    name: 'exists true: empty string exists',
    pattern: { detail: { foo: [{ exists: true }] } },
    event: withDetail({ foo: '' }),
    expected: true,
  },
  {
    name: 'exists true: array of values',
    pattern: { resources: [{ exists: true }] },
    event: envelope(),
    expected: true,
  },
  {
    name: 'exists true: empty array has no leaf',
    pattern: { resources: [{ exists: true }] },
    event: envelope({ resources: [] }),
    expected: false,
  },
  {
    name: 'exists false: empty array has no leaf',
    pattern: { resources: [{ exists: false }] },
    event: envelope({ resources: [] }),
    expected: true,
  },
  {
    name: 'exists false: whole parent absent',
    pattern: { detail: { a: { b: [{ exists: false }] } } },
    event: envelope({ detail: undefined }),
    expected: true,
  },
  {
    name: 'exists false: parent is a leaf',
    pattern: { detail: { a: { b: [{ exists: false }] } } },
    event: withDetail({ a: 'x' }),
    expected: true,
  },
  {
    name: 'exists false: present in some array element',
    pattern: { detail: { items: { sku: [{ exists: false }] } } },
    event: order([{ sku: 'A' }, { qty: 1 }]),
    expected: false,
  },
];

// "Comparison operators": several values/operators in one array are ORed ("Matching on multiple field values").
const mixed: Row[] = [
  ...[
    ['plain value', 'a'],
    ['prefix', 'bx'],
    ['numeric', 11],
    ['null', null],
  ].map(([label, value]) => ({
    name: `mixed array: ${label} alternative`,
    pattern: { detail: { v: ['a', { prefix: 'b' }, { numeric: ['>', 10] }, null] } },
    event: withDetail({ v: value }),
    expected: true,
  })),
  {
    name: 'mixed array: no alternative',
    pattern: { detail: { v: ['a', { prefix: 'b' }, { numeric: ['>', 10] }] } },
    event: withDetail({ v: 5 }),
    expected: false,
  },
  {
    name: 'value or absent: absent',
    pattern: { detail: { v: ['x', { exists: false }] } },
    event: withDetail({}),
    expected: true,
  },
  {
    name: 'value or absent: value',
    pattern: { detail: { v: ['x', { exists: false }] } },
    event: withDetail({ v: 'x' }),
    expected: true,
  },
  {
    name: 'value or absent: other value',
    pattern: { detail: { v: ['x', { exists: false }] } },
    event: withDetail({ v: 'y' }),
    expected: false,
  },
  {
    name: 'Complex example with multiple matching: match',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    event: envelope({
      time: '2017-10-02T10:00:00Z',
      detail: { state: 'running', 'c-count': 2, 'd-count': 3, 'x-limit': 150 },
    }),
    expected: true,
  },
  {
    name: 'Complex example with multiple matching: excluded x-limit',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    event: envelope({ time: '2017-10-02T10:00:00Z', detail: { state: 'running', 'c-count': 2, 'x-limit': 300 } }),
    expected: false,
  },
];

// "Comparison operators" / "Content filtering": $or matching, at the top level or inside any object.
const orDoc = {
  $or: [
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    { detail: { 'd-count': [{ numeric: ['<', 10] }] } },
    { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
  ],
};
const or: Row[] = [
  { name: 'top-level $or: first alternative', pattern: orDoc, event: withDetail({ 'c-count': 3 }), expected: true },
  { name: 'top-level $or: last alternative', pattern: orDoc, event: withDetail({ 'x-limit': 301.8 }), expected: true },
  { name: 'top-level $or: none', pattern: orDoc, event: withDetail({ 'c-count': 9, 'd-count': 11 }), expected: false },
  {
    name: 'nested $or inside detail',
    pattern: {
      detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] },
    },
    event: withDetail({ 'd-count': 1 }),
    expected: true,
  },
  {
    name: '$or across source and detail-type',
    pattern: { $or: [{ source: ['aws.s3'] }, { 'detail-type': ['EC2 Instance State-change Notification'] }] },
    event: envelope(),
    expected: true,
  },
  {
    name: '$or is ANDed with sibling fields (sibling fails)',
    pattern: { source: ['aws.s3'], $or: [{ detail: { state: ['terminated'] } }, { region: ['us-west-1'] }] },
    event: envelope(),
    expected: false,
  },
  {
    name: '$or is ANDed with sibling fields (both hold)',
    pattern: { source: ['aws.ec2'], $or: [{ detail: { state: ['running'] } }, { region: ['us-west-1'] }] },
    event: envelope(),
    expected: true,
  },
  {
    name: '$or nested in $or',
    pattern: {
      $or: [{ source: ['aws.s3'] }, { $or: [{ region: ['eu-west-1'] }, { detail: { state: [{ prefix: 'term' }] } }] }],
    },
    event: envelope(),
    expected: true,
  },
  {
    name: 'two $or groups must both hold',
    pattern: {
      detail: { $or: [{ state: ['terminated'] }, { state: ['stopped'] }] },
      $or: [{ region: ['eu-west-1'] }, { account: ['000000000000'] }],
    },
    event: envelope(),
    expected: false,
  },
  {
    name: '$or alternative with exists:false',
    pattern: { $or: [{ detail: { reason: [{ exists: false }] } }, { detail: { reason: ['manual'] } }] },
    event: withDetail({ reason: 'manual' }),
    expected: true,
  },
];

// Hub case: the closed-won rule in front of the order flow, against canonical events
// (functions/connectors/salesforce/closed-won-event.ts builds the detail).
const closedWonRule = {
  source: ['hub.salesforce'],
  'detail-type': ['opportunity.closed_won'],
  detail: { data: { amount: [{ numeric: ['>', 0] }] } },
};
function closedWon(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'b7d9b1a4-4b1f-4d5e-9a55-0c2a0e1f3c11',
    'detail-type': 'opportunity.closed_won',
    source: 'hub.salesforce',
    account: '123456789012',
    time: '2026-03-02T10:15:00Z',
    region: 'eu-central-1',
    resources: [],
    detail: {
      eventId: '0e6f7a3c-9f55-5b9a-8d0e-6a4b1c2d3e4f',
      eventType: 'opportunity.closed_won',
      eventVersion: 1,
      occurredAt: '2026-03-02T10:14:58Z',
      correlationId: '5c1d0e8f-2b3a-5c4d-9e6f-7a8b9c0d1e2f',
      source: { system: 'salesforce', tenant: '00D5g0000HUBDEVEQ5', deliveryId: '04l5g000000HUB01' },
      subject: { type: 'opportunity', id: '0065g00000OPP001AA' },
      data: {
        opportunityId: '0065g00000OPP001AA',
        accountId: '0015g00000ACME1AAP',
        name: 'Acme laptops refresh',
        stage: 'Closed Won',
        amount: 12_450.5,
        currency: 'EUR',
        closeDate: '2026-03-02',
        lastModifiedAt: '2026-03-02T10:14:58Z',
        ...data,
      },
    },
    ...overrides,
  };
}
const hub: Row[] = [
  { name: 'closed-won with a positive amount', pattern: closedWonRule, event: closedWon(), expected: true },
  {
    name: 'closed-won with a tiny positive amount',
    pattern: closedWonRule,
    event: closedWon({}, { amount: 0.01 }),
    expected: true,
  },
  { name: 'closed-won with amount 0', pattern: closedWonRule, event: closedWon({}, { amount: 0 }), expected: false },
  {
    name: 'closed-won with a negative amount (credit)',
    pattern: closedWonRule,
    event: closedWon({}, { amount: -50 }),
    expected: false,
  },
  {
    name: 'closed-won with amount null',
    pattern: closedWonRule,
    event: closedWon({}, { amount: null }),
    expected: false,
  },
  {
    name: 'closed-won with amount as a string',
    pattern: closedWonRule,
    event: closedWon({}, { amount: '12450.50' }),
    expected: false,
  },
  {
    name: 'closed-won without amount',
    pattern: closedWonRule,
    event: closedWon({}, { amount: undefined }),
    expected: false,
  },
  { name: 'other source', pattern: closedWonRule, event: closedWon({ source: 'hub.netsuite' }), expected: false },
  {
    name: 'other detail-type',
    pattern: closedWonRule,
    event: closedWon({ 'detail-type': 'opportunity.closed_lost' }),
    expected: false,
  },
  {
    name: 'detail-type differs only in case',
    pattern: closedWonRule,
    event: closedWon({ 'detail-type': 'Opportunity.Closed_Won' }),
    expected: false,
  },
  {
    name: 'same rule given as JSON text',
    pattern: JSON.stringify(closedWonRule),
    event: closedWon(),
    expected: true,
  },
  {
    name: 'tenant allow-list and EUR/USD only',
    pattern: {
      ...closedWonRule,
      detail: {
        source: { tenant: ['00D5g0000HUBDEVEQ5'] },
        data: { amount: [{ numeric: ['>', 0] }], currency: ['EUR', 'USD'] },
      },
    },
    event: closedWon({}, { currency: 'GBP' }),
    expected: false,
  },
];

const matchTables: Array<[string, Row[]]> = [
  ['Event patterns: structure and values', basics],
  ['Null values and empty strings', nullsAndEmptyStrings],
  ['Arrays in event patterns', arrays],
  ['Prefix matching', prefix],
  ['Suffix matching', suffix],
  ['Equals-ignore-case matching', equalsIgnoreCase],
  ['Wildcard matching', wildcard],
  ['Anything-but matching', anythingBut],
  ['Numeric matching', numeric],
  ['IP address matching', cidr],
  ['Exists matching', exists],
  ['Multiple values and operators', mixed],
  ['$or matching', or],
  ['Hub: opportunity.closed_won rule', hub],
];

describe.each(matchTables)('%s', (_section, rows) => {
  it.each(rows)('$name', ({ pattern, event, expected }) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
    // The parsed form gives the same answer as parsing on every call.
    expect(parseEventPattern(pattern).matches(event)).toBe(expected);
  });
});

interface InvalidRow {
  name: string;
  pattern: unknown;
  message: string | RegExp;
}

// Patterns PutRule/TestEventPattern reject with InvalidEventPatternException: the pattern must be a JSON object,
// every field is an object or an array ("\"slug\" must be an object or an array"), match values are strings,
// numbers, true, false, null or one known operator, and each operator takes the operand the
// "Comparison operators" page documents ("Anything-but matching only works with a single prefix, not a list";
// numbers within -5.0e9..+5.0e9; consecutive wildcards and escapes other than \* and \\ are not supported).
const invalid: InvalidRow[] = [
  { name: 'not JSON', pattern: '{"source": [', message: /not valid JSON/ },
  { name: 'empty string', pattern: '', message: /not valid JSON/ },
  { name: 'JSON array', pattern: '["aws.ec2"]', message: /must be a JSON object, not an array/ },
  { name: 'JSON string', pattern: '"aws.ec2"', message: /must be a JSON object/ },
  { name: 'JSON null', pattern: 'null', message: /must be a JSON object, not null/ },
  { name: 'number', pattern: 42, message: /must be a JSON object/ },
  { name: 'leaf is a string', pattern: { source: 'aws.ec2' }, message: '"source" must be an object or an array' },
  {
    name: 'nested leaf is a number',
    pattern: { detail: { risk: 8 } },
    message: '"detail.risk" must be an object or an array',
  },
  { name: 'leaf is null', pattern: { detail: { v: null } }, message: '"detail.v" must be an object or an array' },
  { name: 'leaf is true', pattern: { detail: { v: true } }, message: '"detail.v" must be an object or an array' },
  { name: 'empty array', pattern: { source: [] }, message: 'empty arrays are not allowed' },
  { name: 'nested array', pattern: { source: [['aws.ec2']] }, message: /nested array/ },
  { name: 'unknown operator', pattern: { source: [{ contains: 'ec2' }] }, message: /unrecognized operator "contains"/ },
  { name: 'operator object without keys', pattern: { source: [{}] }, message: /exactly one key/ },
  {
    name: 'operator object with two keys',
    pattern: { source: [{ prefix: 'a', suffix: 'b' }] },
    message: /exactly one key/,
  },
  {
    name: 'prefix with a number',
    pattern: { source: [{ prefix: 5 }] },
    message: /"prefix" in "source" must be a string/,
  },
  {
    name: 'prefix with a list',
    pattern: { source: [{ prefix: ['aws.'] }] },
    message: /"prefix" in "source" must be a string/,
  },
  {
    name: 'prefix with an unknown modifier',
    pattern: { source: [{ prefix: { 'ignore-case': 'a' } }] },
    message: /must be a string or \{"equals-ignore-case": string\}/,
  },
  {
    name: 'prefix ignoring case with a number',
    pattern: { source: [{ prefix: { 'equals-ignore-case': 5 } }] },
    message: /must be a string/,
  },
  {
    name: 'suffix with a list',
    pattern: { detail: { key: [{ suffix: ['/test.json'] }] } },
    message: /"suffix" in "detail.key" must be a string/,
  },
  {
    name: 'equals-ignore-case with a list',
    pattern: { source: [{ 'equals-ignore-case': ['a'] }] },
    message: /must be a string, not an array/,
  },
  { name: 'wildcard with a number', pattern: { source: [{ wildcard: 5 }] }, message: /must be a string/ },
  {
    name: 'wildcard with consecutive *',
    pattern: { source: [{ wildcard: 'a**b' }] },
    message: /consecutive wildcard characters/,
  },
  {
    name: 'wildcard escaping another character',
    pattern: { source: [{ wildcard: 'a\\b' }] },
    message: /invalid escape/,
  },
  { name: 'wildcard ending in a backslash', pattern: { source: [{ wildcard: 'a\\' }] }, message: /invalid escape/ },
  {
    name: 'anything-but true',
    pattern: { source: [{ 'anything-but': true }] },
    message: /"anything-but" in "source" must be a string, a number/,
  },
  {
    name: 'anything-but null',
    pattern: { source: [{ 'anything-but': null }] },
    message: /"anything-but" in "source" must be a string, a number/,
  },
  {
    name: 'anything-but empty list',
    pattern: { source: [{ 'anything-but': [] }] },
    message: /must not be an empty array/,
  },
  {
    name: 'anything-but mixed list',
    pattern: { source: [{ 'anything-but': ['a', 1] }] },
    message: /only strings or only numbers/,
  },
  {
    name: 'anything-but list of booleans',
    pattern: { source: [{ 'anything-but': [true] }] },
    message: /only strings or only numbers/,
  },
  {
    name: 'anything-but prefix list',
    pattern: { source: [{ 'anything-but': { prefix: ['a', 'b'] } }] },
    message: /must be a string/,
  },
  {
    name: 'anything-but suffix number',
    pattern: { source: [{ 'anything-but': { suffix: 1 } }] },
    message: /must be a string/,
  },
  {
    name: 'anything-but unknown operator',
    pattern: { source: [{ 'anything-but': { numeric: ['>', 1] } }] },
    message: /exactly one of prefix, suffix/,
  },
  {
    name: 'anything-but two operators',
    pattern: { source: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
    message: /exactly one of prefix, suffix/,
  },
  {
    name: 'anything-but ignore-case empty list',
    pattern: { source: [{ 'anything-but': { 'equals-ignore-case': [] } }] },
    message: /non-empty list of strings/,
  },
  {
    name: 'anything-but wildcard invalid',
    pattern: { source: [{ 'anything-but': { wildcard: 'a**' } }] },
    message: /consecutive wildcard/,
  },
  {
    name: 'numeric not an array',
    pattern: { detail: { n: [{ numeric: '>5' }] } },
    message: /must be an array \[operator, number\]/,
  },
  {
    name: 'numeric with a string operand',
    pattern: { detail: { n: [{ numeric: ['>', '5'] }] } },
    message: /needs a number after ">", not the string "5"/,
  },
  {
    name: 'numeric with a boolean operand',
    pattern: { detail: { n: [{ numeric: ['=', true] }] } },
    message: /needs a number after "="/,
  },
  { name: 'numeric without operand', pattern: { detail: { n: [{ numeric: ['>'] }] } }, message: /must be an array/ },
  {
    name: 'numeric with three elements',
    pattern: { detail: { n: [{ numeric: ['>', 0, '<'] }] } },
    message: /must be an array/,
  },
  {
    name: 'numeric with six elements',
    pattern: { detail: { n: [{ numeric: ['>', 0, '<', 5, '=', 3] }] } },
    message: /must be an array/,
  },
  {
    name: 'numeric unknown operator',
    pattern: { detail: { n: [{ numeric: ['!=', 5] }] } },
    message: /unknown operator the string "!="/,
  },
  {
    name: 'numeric two lower bounds',
    pattern: { detail: { n: [{ numeric: ['>', 0, '>=', 5] }] } },
    message: /one lower bound .* and one upper bound/,
  },
  {
    name: 'numeric = in a range',
    pattern: { detail: { n: [{ numeric: ['=', 5, '<', 10] }] } },
    message: /one lower bound/,
  },
  { name: 'numeric empty range', pattern: { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }, message: /is empty/ },
  {
    name: 'numeric point range not inclusive',
    pattern: { detail: { n: [{ numeric: ['>=', 5, '<', 5] }] } },
    message: /is empty/,
  },
  {
    name: 'numeric above the limit',
    pattern: { detail: { n: [{ numeric: ['<', 5.1e9] }] } },
    message: /outside the supported range/,
  },
  {
    name: 'numeric below the limit',
    pattern: { detail: { n: [{ numeric: ['>', -1e10] }] } },
    message: /outside the supported range/,
  },
  {
    name: 'exists with a string',
    pattern: { detail: { n: [{ exists: 'true' }] } },
    message: /"exists" in "detail.n" must be true or false/,
  },
  { name: 'exists with a number', pattern: { detail: { n: [{ exists: 1 }] } }, message: /must be true or false/ },
  {
    name: 'cidr without prefix length',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0' }] } },
    message: /is not a CIDR block/,
  },
  {
    name: 'cidr IPv4 length above 32',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/33' }] } },
    message: /prefix length above 32/,
  },
  {
    name: 'cidr IPv6 length above 128',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/129' }] } },
    message: /prefix length above 128/,
  },
  {
    name: 'cidr octet above 255',
    pattern: { detail: { ip: [{ cidr: '300.0.0.0/8' }] } },
    message: /is not a CIDR block/,
  },
  {
    name: 'cidr with a host name',
    pattern: { detail: { ip: [{ cidr: 'example.com/8' }] } },
    message: /is not a CIDR block/,
  },
  {
    name: 'cidr with a short IPv6',
    pattern: { detail: { ip: [{ cidr: '1:2:3/64' }] } },
    message: /is not a CIDR block/,
  },
  { name: 'cidr with two ::', pattern: { detail: { ip: [{ cidr: '1::2::3/64' }] } }, message: /is not a CIDR block/ },
  {
    name: 'cidr with a negative length',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/-1' }] } },
    message: /is not a CIDR block/,
  },
  { name: 'cidr with a number', pattern: { detail: { ip: [{ cidr: 10 }] } }, message: /must be a string/ },
  {
    name: '$or not an array',
    pattern: { $or: { source: ['a'] } },
    message: '"$or" must be an array of at least 2 sub-patterns',
  },
  { name: '$or empty', pattern: { $or: [] }, message: 'at least 2 sub-patterns' },
  { name: '$or with one alternative', pattern: { $or: [{ source: ['a'] }] }, message: 'at least 2 sub-patterns' },
  {
    name: '$or with values instead of objects',
    pattern: { $or: ['a', 'b'] },
    message: /"\$or" element 0 must be an object/,
  },
  {
    name: '$or nested in detail with one alternative',
    pattern: { detail: { $or: [{ a: ['x'] }] } },
    message: '"$or" in "detail" must be an array',
  },
  {
    name: 'invalid operator inside $or',
    pattern: { $or: [{ source: ['a'] }, { detail: { n: [{ numeric: ['>', 'x'] }] } }] },
    message: /"numeric" in "detail.n"/,
  },
];

describe('Validation (InvalidEventPatternException)', () => {
  it.each(invalid)('rejects $name', ({ pattern, message }) => {
    const parse = () => parseEventPattern(pattern as string | object);
    expect(parse).toThrow(InvalidEventPatternError);
    expect(parse).toThrow(message);
    expect(() => matchesEventPattern(pattern as string | object, envelope())).toThrow(InvalidEventPatternError);
  });

  it('reports the reason with an AWS-like message and a stable name', () => {
    let error: unknown;
    try {
      parseEventPattern({ source: 'aws.ec2' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error).toBeInstanceOf(Error);
    const invalidError = error as InvalidEventPatternError;
    expect(invalidError.name).toBe('InvalidEventPatternError');
    expect(invalidError.message).toBe(
      'Event pattern is not valid. Reason: "source" must be an object or an array, not the string "aws.ec2"',
    );
    expect(invalidError.reason).toBe('"source" must be an object or an array, not the string "aws.ec2"');
  });

  it.each([
    { name: 'empty prefix', pattern: { source: [{ prefix: '' }] } },
    { name: 'empty nested object', pattern: { detail: {} } },
    { name: 'field named like an operator', pattern: { detail: { prefix: ['x'], numeric: [1] } } },
    { name: 'point range', pattern: { detail: { n: [{ numeric: ['>=', 5, '<=', 5] }] } } },
    { name: 'upper bound first', pattern: { detail: { n: [{ numeric: ['<', 10, '>', 0] }] } } },
    { name: 'numeric at the limits', pattern: { detail: { n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] } } },
  ])('accepts $name', ({ pattern }) => {
    expect(() => parseEventPattern(pattern)).not.toThrow();
  });
});

describe('Parsed patterns', () => {
  it('parses once and matches many events', () => {
    const rule: EventPattern = parseEventPattern(closedWonRule);
    expect(rule.matches(closedWon())).toBe(true);
    expect(matchesEventPattern(rule, closedWon({}, { amount: 0 }))).toBe(false);
    expect(parseEventPattern(rule)).toBe(rule);
  });

  it('keeps the pattern as JSON for DescribeRule', () => {
    const text = JSON.stringify(closedWonRule);
    const rule = parseEventPattern(text);
    expect(rule.json).toEqual(closedWonRule);
    expect(JSON.stringify(rule)).toBe(text);
    expect(Object.isFrozen(rule.json)).toBe(true);
  });

  it('validates an object pattern as its JSON text (undefined fields dropped)', () => {
    const rule = parseEventPattern({ source: ['aws.ec2'], region: undefined });
    expect(rule.json).toEqual({ source: ['aws.ec2'] });
    expect(rule.matches(envelope())).toBe(true);
  });

  it('is not affected by later changes to the object it was parsed from', () => {
    const pattern = { source: ['aws.ec2'] };
    const rule = parseEventPattern(pattern);
    pattern.source[0] = 'aws.s3';
    expect(rule.matches(envelope())).toBe(true);
  });

  it('keeps no state about events between calls', () => {
    const rule = parseEventPattern({ detail: { state: ['running'] } });
    const event = envelope();
    expect(rule.matches(event)).toBe(false);
    (event.detail as Record<string, unknown>).state = 'running';
    expect(rule.matches(event)).toBe(true);
  });

  it('gives the same answers when one event is matched against many rules', () => {
    const event = closedWon();
    const rules = [closedWonRule, { source: ['hub.netsuite'] }, { detail: { data: { currency: ['EUR'] } } }].map((p) =>
      parseEventPattern(p),
    );
    for (let i = 0; i < 3; i++) {
      expect(rules.map((rule) => rule.matches(event))).toEqual([true, false, true]);
    }
  });
});

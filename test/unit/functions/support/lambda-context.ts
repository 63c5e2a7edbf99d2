import type { Context } from 'aws-lambda';

/** A Lambda context as the runtime passes it, with a fixed remaining time. */
export function lambdaContext(remainingMs = 25_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'hub-unit-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:111122223333:function:hub-unit-test',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/hub-unit-test',
    logStreamName: '2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// Configuration comes from the function's environment, read once at module load: a missing
// variable is a deployment defect and must stop the function at start, not at first use.
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is not set; the stack must provide it`);
  }
  return value;
}

export function listFromEnv(name: string): string[] {
  return requireEnv(name)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

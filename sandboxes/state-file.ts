// A sandbox's optional JSON state file, shared by the vendor sandboxes: read on start, written
// atomically (temp file + rename) and debounced so a burst of changes costs few writes.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Long enough to coalesce a burst of writes, short enough that a crash loses little. */
const SAVE_DEBOUNCE_MS = 100;

/**
 * The state saved in `file`, or undefined when there is no such file. A file of another
 * `version` (or not JSON) throws: a setup mistake, better refused than overwritten.
 * `label` names the sandbox in the error, e.g. 'NetSuite sandbox'.
 */
export async function readStateFile<T extends { version: number }>(
  file: string,
  version: number,
  label: string,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as T;
  if (state.version !== version) {
    throw new Error(`${label} state file ${file} has version ${String(state.version)}, expected ${version}`);
  }
  return state;
}

/** Writes to a temporary file and renames it, so a crash never leaves half a state file. */
export async function writeStateFile(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, file);
}

/** Rewrites `file` with what `capture` returns, shortly after changes and on close. */
export class DebouncedSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly file: string,
    /** The file's whole content, serialized when the write's turn comes. */
    private readonly capture: () => string,
    /** Names the sandbox when a background save fails, e.g. 'NetSuite sandbox'. */
    private readonly label: string,
  ) {}

  /** Marks the state dirty: a write follows within SAVE_DEBOUNCE_MS, covering every change until it runs. */
  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A background save has no caller to fail; say so loudly, close() will try again and throw.
      this.write().catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        console.error(`${this.label}: saving ${this.file} failed: ${reason}`);
      });
    }, SAVE_DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Cancels a pending debounced write and writes now (after any write in progress). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  /** The final write on stop; changes a straggling request makes afterwards are not saved. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private write(): Promise<void> {
    // Chained so two writes never interleave their renames, and a failed write does not block the
    // next. Captured when this write's turn comes, so the last write always holds the latest state.
    this.writing = this.writing.catch(() => undefined).then(() => writeStateFile(this.file, this.capture()));
    return this.writing;
  }
}

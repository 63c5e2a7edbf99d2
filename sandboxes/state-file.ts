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

/**
 * A sandbox's records in memory, saved to its state file (when it has one) shortly after each
 * change and on close. Each vendor's store extends it with the lookups its API needs.
 */
export class PersistedStore<State extends { version: number }> {
  protected constructor(
    readonly state: State,
    private readonly saver: DebouncedSaver | undefined,
  ) {}

  /** The saved state, or `fresh()` (written at once, so a crash before the first change still leaves it). */
  protected static async load<State extends { version: number }>(
    stateFile: string | undefined,
    { version, label, fresh }: { version: number; label: string; fresh: () => State },
  ): Promise<[State, DebouncedSaver | undefined]> {
    const loaded = stateFile ? await readStateFile<State>(stateFile, version, label) : undefined;
    const state = loaded ?? fresh();
    const saver = stateFile ? new DebouncedSaver(stateFile, () => JSON.stringify(state, null, 2), label) : undefined;
    if (saver && !loaded) saver.schedule();
    return [state, saver];
  }

  /** Marks the state dirty; the file is rewritten shortly after (see DebouncedSaver). */
  changed(): void {
    this.saver?.schedule();
  }

  async flush(): Promise<void> {
    await this.saver?.flush();
  }

  /** Final save; later changes (from requests still in flight) are not written. */
  async close(): Promise<void> {
    await this.saver?.close();
  }
}

/** What a screen reads from the API when it opens: one request per change of its inputs, the stale one aborted. */
import { useEffect, useState } from 'preact/hooks';

export interface Loaded<T> {
  /** Undefined while loading, and after a failure. */
  data: T | undefined;
  /** The failure (an ApiError, or the TypeError of a network that does not answer). */
  error: unknown;
  /** Changes what was loaded after the screen acted on it (a removal, a revocation, one more page). */
  update: (change: (data: T | undefined) => T | undefined) => void;
}

/**
 * Calls `load` when the screen opens and again whenever one of `deps` changes (the screen's
 * inputs); a request that is no longer wanted is aborted and its answer ignored. When `initial`
 * is given, it is shown and nothing is requested (e.g. the invitation the previous screen made).
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], initial?: T): Loaded<T> {
  const [state, setState] = useState<{ data?: T | undefined; error?: unknown }>(() => ({ data: initial }));
  useEffect(() => {
    if (initial !== undefined) return;
    const ac = new AbortController();
    setState({});
    load(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data }),
      (error: unknown) => !ac.signal.aborted && setState({ error }),
    );
    return () => ac.abort();
  }, deps);
  return { data: state.data, error: state.error, update: (change) => setState((s) => ({ data: change(s.data) })) };
}

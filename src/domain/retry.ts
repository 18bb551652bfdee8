/**
 * The one retry-on-conflict loop: a step that reads, decides and commits runs again from its
 * read when another writer got there first (WriteConflict), a bounded number of times.
 */
import { WriteConflict } from './errors';

export const MAX_ATTEMPTS = 8;

export async function retryOnConflict<T>(step: (attempt: number) => Promise<T>, maxAttempts = MAX_ATTEMPTS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step(attempt);
    } catch (err) {
      if (!(err instanceof WriteConflict) || attempt + 1 >= maxAttempts) throw err;
    }
  }
}

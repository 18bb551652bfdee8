/** Saves a file the portal fetched (an export, a batch's results) through the browser's download. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the object URL; let it finish before releasing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `customers-2026-12-06.csv`. */
export const datedName = (name: string) => `${name}-${new Date().toISOString().slice(0, 10)}.csv`;

/** Offers text as a file download: a Blob URL on an <a download>, allowed by our CSP (no data: navigation, no inline script). */
export function saveTextFile(filename: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started once click() returns; free the Blob a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// "Open the original": the desktop app hands the stored file to the OS viewer (the preload's
// bscFiles.openOriginal, added by the desktop shell); the browser downloads it as a Blob.
import { desktopFiles } from '../../lib/files';
import { type LoadedOriginal, fetchOriginal } from './pdf-loader';

function desktopOpener() {
  const files = desktopFiles();
  return files ? files.openOriginal.bind(files) : null;
}

/** 'desktop' when the OS will open the file, 'download' when the browser saves it. */
export function originalOpenMode(): 'desktop' | 'download' {
  return desktopOpener() ? 'desktop' : 'download';
}

export async function openOriginal(documentId: string, loaded?: LoadedOriginal): Promise<void> {
  const desktop = desktopOpener();
  if (desktop) {
    // The preload replies as the contract does (preload/desktop-contract.ts); a refusal becomes an error here.
    const r = await desktop({ documentId });
    if (!r.ok) throw new Error(r.error.message);
    if (!r.value.opened) throw new Error(r.value.detail);
    return;
  }
  const original = loaded ?? (await fetchOriginal(documentId));
  const url = URL.createObjectURL(new Blob([original.bytes as BlobPart], { type: original.mime || 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = original.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// Files dragged anywhere over the window while the Library is open. dragenter/dragleave fire for
// every child element crossed, so a counter (not a boolean) tells when the drag has really left.
import { useEffect, useRef, useState } from 'react';
import { filesFromDrop } from '../../lib/files';

function carriesFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
}

export function useFileDrop(onFiles: (files: File[]) => void): { dragging: boolean } {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const onFilesRef = useRef(onFiles);
  onFilesRef.current = onFiles;

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // without it the browser opens the file instead of dropping it here
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      // The drag data is only readable during this event: take the entries and files now.
      const plain = [...e.dataTransfer.files];
      const walking = filesFromDrop(e.dataTransfer.items);
      void walking
        .then((walked) => onFilesRef.current(walked.length > 0 ? walked : plain))
        .catch(() => onFilesRef.current(plain));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return { dragging };
}

// The package ships no types; only the synchronous writer is used (main/engine/atomic-write.ts).
declare module 'write-file-atomic' {
  interface Options {
    mode?: number;
    encoding?: BufferEncoding;
    fsync?: boolean;
    chown?: { uid: number; gid: number } | false;
  }
  const writeFileAtomic: {
    sync(file: string, data: string | Uint8Array, options?: Options): void;
  };
  export default writeFileAtomic;
}

// Vite's `?worker&url` imports: a worker bundled as its own chunk, and its URL (here, pdf.js's worker).
declare module '*?worker&url' {
  const url: string;
  export default url;
}

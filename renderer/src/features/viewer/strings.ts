// Page viewer strings (namespace "viewer"): English and Brazilian Portuguese.
const en = {
  toolbar: 'Page viewer',
  prev: 'Previous page',
  next: 'Next page',
  page: 'Page',
  ofTotal: 'of {{total}}',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  fitWidth: 'Fit width',
  zoom: '{{percent}}%',
  openOriginal: 'Open the original',
  downloadOriginal: 'Download the original',
  openFailed: 'Could not open the original: {{message}}',
  loading: 'Opening the PDF…',
  printed: 'p. {{label}}',
  physical: 'page {{n}} of {{total}}',
  excerptHere: 'The cited excerpt is marked on the page.',
  excerptPart: 'Part of the cited excerpt is on this page; the rest is on the next or previous page.',
  excerptNotHere: 'The cited excerpt is not on this page.',
  noTextLayer: 'This page has no text layer (a scanned image); the excerpt, read by OCR, is shown below.',
  failed: 'The PDF could not be shown ({{message}}); its extracted text is shown instead.',
  excerpt: 'Cited excerpt',
  formatted: 'Formatted text of the cited section',
};

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };

const ptBR: DeepStrings<typeof en> = {
  toolbar: 'Visualizador de páginas',
  prev: 'Página anterior',
  next: 'Próxima página',
  page: 'Página',
  ofTotal: 'de {{total}}',
  zoomIn: 'Aumentar',
  zoomOut: 'Diminuir',
  fitWidth: 'Ajustar à largura',
  zoom: '{{percent}}%',
  openOriginal: 'Abrir o original',
  downloadOriginal: 'Baixar o original',
  openFailed: 'Não foi possível abrir o original: {{message}}',
  loading: 'Abrindo o PDF…',
  printed: 'p. {{label}}',
  physical: 'página {{n}} de {{total}}',
  excerptHere: 'O trecho citado está marcado na página.',
  excerptPart: 'Parte do trecho citado está nesta página; o resto está na página seguinte ou anterior.',
  excerptNotHere: 'O trecho citado não está nesta página.',
  noTextLayer: 'Esta página não tem camada de texto (é uma imagem digitalizada); o trecho, lido por OCR, aparece abaixo.',
  failed: 'Não foi possível mostrar o PDF ({{message}}); o texto extraído aparece no lugar.',
  excerpt: 'Trecho citado',
  formatted: 'Texto formatado da seção citada',
};

export const viewerStrings = { en, 'pt-BR': ptBR } as const;

/**
 * Words after which a full stop does not end a sentence (Portuguese and English), lower case:
 * the chunker and the answer's sentence splitter must agree, so there is one list.
 */
export const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'sr', 'sra', 'srs', 'dr', 'dra', 'prof', 'profa', 'eng', 'exmo', 'ilmo', 'etc', 'ex', 'p', 'pp', 'pg', 'pág', 'fig', 'figs',
  'vol', 'vols', 'no', 'nº', 'n', 'art', 'arts', 'cap', 'caps', 'ed', 'eds', 'e.g', 'i.e', 'cf', 'al', 'vs', 'mr', 'mrs', 'ms',
  'jr', 'st', 'inc', 'ltd', 'ltda', 's.a', 'co', 'dept', 'depto', 'aprox', 'approx', 'tab', 'sec', 'seç', 'obs', 'ibid', 'op',
  'cit', 'máx', 'mín', 'min', 'max',
  'jan', 'fev', 'feb', 'mar', 'abr', 'apr', 'mai', 'jun', 'jul', 'ago', 'aug', 'set', 'sep', 'out', 'oct', 'nov', 'dez', 'dec',
]);

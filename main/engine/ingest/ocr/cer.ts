// Character error rate: edit distance between what OCR read and the known text, over the known
// text's length. Whitespace runs count as one space, so line breaks do not count as errors.

const squeeze = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** Levenshtein distance over code points, in O(min(a, b)) memory. */
export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length < y.length) return editDistance(b, a);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length]!;
}

export function characterErrorRate(recognized: string, reference: string): number {
  const ref = squeeze(reference);
  return ref.length === 0 ? 0 : editDistance(squeeze(recognized), ref) / Array.from(ref).length;
}

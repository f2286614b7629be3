/** The longest piece of `needle` taken from one end that occurs in `hay` (a longer piece occurring implies every shorter one does). */
export function longestEnd(hay: string, needle: string, fromStart: boolean): { at: number; length: number } {
  const piece = (n: number) => (fromStart ? needle.slice(0, n) : needle.slice(needle.length - n));
  let lo = 0;
  let hi = needle.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (hay.includes(piece(mid))) lo = mid; else hi = mid - 1;
  }
  return { at: lo > 0 ? hay.indexOf(piece(lo)) : -1, length: lo };
}

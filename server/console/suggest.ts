// "Did you mean": the closest known name to a mistyped one (edit distance, small enough to be a
// typo). Erasable TypeScript only (see worker-protocol.ts).

export function closestName(wrong: string, known: Iterable<string>): string | undefined {
  const target = wrong.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(target, name.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && name < best)) {
      best = name;
      bestDistance = d;
    }
  }
  // A typo, or a name that contains / is contained in the known one (units → mart.units).
  if (best === undefined) return undefined;
  const close = bestDistance <= Math.max(2, Math.floor(target.length / 3));
  return close || best.includes(target) || target.includes(best) ? best : undefined;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 12) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * A pure function's answers by key, forgotten all at once when `limit` are held: the answers asked for recur within
 * a run (the same days, zones and instants for account after account), so a cleared cache soon fills again.
 */
export function boundedCache<V>(limit: number) {
  const answers = new Map<string, V>();
  return (key: string, answer: () => V): V => {
    const known = answers.get(key);
    if (known !== undefined) return known;
    const fresh = answer();
    if (answers.size >= limit) answers.clear();
    answers.set(key, fresh);
    return fresh;
  };
}

/**
 * One value per owner (a Db), made on first use and dropped with the owner: what a store module keeps for each
 * table it talks to (a group commit, a statement queue, the last reads it can reuse).
 */
export function onePer<O extends object, V>(make: (owner: O) => V): (owner: O) => V {
  const byOwner = new WeakMap<O, V>();
  return (owner) => {
    let value = byOwner.get(owner);
    if (value === undefined) {
      value = make(owner);
      byOwner.set(owner, value);
    }
    return value;
  };
}

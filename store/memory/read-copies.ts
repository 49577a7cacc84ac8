import { copyItem, type Item } from './values.ts';

/**
 * Items the in-memory store hands out as copies, each with the stored item it copies. An item holding a set or a
 * binary value cannot be frozen, so each read gets a copy of its own (see readItem in operations.ts); knowing
 * which stored item a copy came from lets a reader that parsed that item before recognise it (store/parse-item.ts),
 * after checking that the copy still holds what the stored item holds.
 */
const sources = new WeakMap<object, Item>();

/** A deep, unfrozen copy of a stored item for a caller, remembered as a copy of it. */
export function readCopy(item: Item): Item {
  const copy = copyItem(item);
  sources.set(copy, item);
  return copy;
}

/** The stored item a read copy was made of; undefined for anything else. */
export function copiedFrom(value: object): Item | undefined {
  return sources.get(value);
}
